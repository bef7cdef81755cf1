package rights

import "github.com/grondslag/grondslag/internal/civil"

// JGZ data and the parents (WGBO). The jeugdarts of the GGD keeps a medical file under the WGBO:
// from 12 the child is the patient whose consent governs disclosure (BW 7:457 lid 1), and from
// 16 the youngster acts alone (BW 7:447, 7:465 lid 1). Parents with gezag of a child of 12 to 15
// keep a right to information, but the jeugdarts withholds it where the child objects and giving
// it would not fit good care (BW 7:457 lid 1 with 7:465 lid 3 and 7:448 lid 2) — DOMAIN.md's last
// section: "JGZ data of a 12–15-year-old is withheld from parents where the child objects".
// Under 12 the parents exercise the child's rights.

// JGZParty is the convenant party whose data is a WGBO medical file (the GGD's jeugdarts).
const JGZParty = "ggd"

// Ages of the WGBO rule.
const (
	WGBOChildAge = 12
	WGBOAloneAge = 16
)

// ParentsJGZ says whether a parent's request reaches the JGZ data of a pupil born on birth, on
// day, given whether the child has objected; when not, the reason in plain Dutch with the
// articles (shown to the parent and to the jeugdarts who answers).
func ParentsJGZ(birth, day Date, childObjects bool) (bool, string) {
	age := civil.AgeOn(birth, day)
	switch {
	case age >= WGBOAloneAge:
		return false, "Vanaf 16 jaar beslist uw kind zelf over de gegevens bij de jeugdarts (BW 7:447 en 7:465 lid 1). De jeugdarts geeft ze alleen aan u als uw kind daarmee instemt."
	case age >= WGBOChildAge && childObjects:
		return false, "Uw kind (12 tot 16 jaar) heeft bezwaar gemaakt tegen het delen van de gegevens bij de jeugdarts met de ouders. De jeugdarts geeft ze daarom niet aan u (BW 7:457 lid 1 en 7:465 lid 3)."
	}
	return true, ""
}

func civilAge(birth, day Date) int { return civil.AgeOn(birth, day) }
