package region

import (
	"regexp"
	"strings"
	"time"
)

// OrgKind is the kind of organisation, matching the convenant's party codes where one exists.
type OrgKind string

const (
	KindSchool    OrgKind = "school"
	KindSWV       OrgKind = "swv"
	KindGemeente  OrgKind = "gemeente"
	KindJeugdhulp OrgKind = "jeugdhulp"
	KindGGD       OrgKind = "ggd"
	KindOCO       OrgKind = "oco" // onderwijsconsulenten
)

// OrgKinds lists every organisation kind.
var OrgKinds = []OrgKind{KindSchool, KindSWV, KindGemeente, KindJeugdhulp, KindGGD, KindOCO}

// Sector is a school's sector: primair, voortgezet or speciaal onderwijs.
type Sector string

const (
	SectorPO Sector = "po"
	SectorVO Sector = "vo"
	SectorSO Sector = "so"
)

// Organisation is a party in the region. A school has a BRIN and vestiging, a gemeente its CBS code.
type Organisation struct {
	ID         int64
	Kind       OrgKind
	Name       string
	BRIN       string // schools: 4 characters, e.g. 12AB
	Vestiging  string // schools: 2 digits, 00 for the main location
	Sector     Sector // schools
	CBSCode    string // gemeenten: GM + 4 digits
	GemeenteID int64  // schools: the gemeente of the location (optional)
	JoinedOn   time.Time
}

var (
	brinRe      = regexp.MustCompile(`^[0-9]{2}[A-Z]{2}$`)
	vestigingRe = regexp.MustCompile(`^[0-9]{2}$`)
	cbsRe       = regexp.MustCompile(`^GM[0-9]{4}$`)
)

// NewOrganisation validates an organisation.
func NewOrganisation(o Organisation) (Organisation, error) {
	o.Name = strings.TrimSpace(o.Name)
	if o.Name == "" {
		return Organisation{}, fieldErr("naam", "is verplicht")
	}
	switch o.Kind {
	case KindSchool:
		o.BRIN = strings.ToUpper(strings.TrimSpace(o.BRIN))
		if !brinRe.MatchString(o.BRIN) {
			return Organisation{}, fieldErr("brin", "%q is geen BRIN-nummer; een BRIN is 2 cijfers en 2 letters, zoals 12AB", o.BRIN)
		}
		if o.Vestiging == "" {
			o.Vestiging = "00"
		}
		if !vestigingRe.MatchString(o.Vestiging) {
			return Organisation{}, fieldErr("vestiging", "%q is geen vestigingsnummer; gebruik 2 cijfers, zoals 00 of 01", o.Vestiging)
		}
		switch o.Sector {
		case SectorPO, SectorVO, SectorSO:
		default:
			return Organisation{}, fieldErr("sector", "moet po, vo of so zijn, niet %q", o.Sector)
		}
	case KindGemeente:
		if !cbsRe.MatchString(o.CBSCode) {
			return Organisation{}, fieldErr("cbs_code", "%q is geen CBS-gemeentecode; gebruik GM en 4 cijfers, zoals GM0363", o.CBSCode)
		}
	case KindSWV, KindJeugdhulp, KindGGD, KindOCO:
	default:
		return Organisation{}, fieldErr("soort", "onbekende soort %q; kies uit school, swv, gemeente, jeugdhulp, ggd, oco", o.Kind)
	}
	if o.Kind != KindSchool && (o.BRIN != "" || o.Vestiging != "" || o.Sector != "") {
		return Organisation{}, fieldErr("brin", "alleen een school heeft een BRIN, vestiging en sector")
	}
	if o.Kind != KindGemeente && o.CBSCode != "" {
		return Organisation{}, fieldErr("cbs_code", "alleen een gemeente heeft een CBS-code")
	}
	return o, nil
}

// Party is the convenant party code of the organisation (the onderwijsconsulenten fall under the
// swv party in the model convenant).
func (o Organisation) Party() string {
	if o.Kind == KindOCO {
		return string(KindSWV)
	}
	return string(o.Kind)
}
