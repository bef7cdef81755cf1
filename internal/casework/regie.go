package casework

import (
	"slices"
	"strings"
	"time"
)

// RegieKind is a kind of regie in a case (seed 002, Amsterdam thuiszitters pilot: "Zorgcoördinator
// heeft brede regie & totaal overzicht. Leerplicht heeft deelregie. Zorgbehandelaar heeft regie
// op de zorg.").
type RegieKind string

// Kinds of regie.
const (
	RegieBroad   RegieKind = "breed"
	RegiePartial RegieKind = "deel"
	RegieCare    RegieKind = "zorg"
)

// RegieKinds lists the kinds in display order.
var RegieKinds = []RegieKind{RegieBroad, RegiePartial, RegieCare}

// Label is the Dutch name of the kind.
func (k RegieKind) Label() string {
	switch k {
	case RegieBroad:
		return "brede regie"
	case RegiePartial:
		return "deelregie (leerplicht)"
	case RegieCare:
		return "regie op de zorg"
	}
	return string(k)
}

// regieRoles says which roles may hold each kind of regie.
var regieRoles = map[RegieKind][]string{
	RegieBroad:   {RoleZorgcoordinator, RoleSWVConsulent, RoleOnderwijsconsulent},
	RegiePartial: {RoleLeerplicht},
	RegieCare:    {RoleJeugdhulpverlener, RoleJeugdarts},
}

// RegieChange is one entry of the regie history: who holds the kind of regie from At, who
// handed it over, and why.
type RegieChange struct {
	Kind   RegieKind
	UserID int64 // the new holder
	From   int64 // the previous holder (0 at the start)
	At     time.Time
	By     int64
	Note   string
}

// RegieHolder returns the user holding the kind of regie (0 if nobody).
func (c *Case) RegieHolder(kind RegieKind) int64 {
	for i := len(c.Regie) - 1; i >= 0; i-- {
		if c.Regie[i].Kind == kind {
			return c.Regie[i].UserID
		}
	}
	return 0
}

// HoldsRegie reports whether the actor holds any kind of regie.
func (c *Case) HoldsRegie(a Actor) bool {
	if !a.Professional() {
		return false
	}
	for _, k := range RegieKinds {
		if h := c.RegieHolder(k); h != 0 && h == a.UserID {
			return true
		}
	}
	return false
}

func (c *Case) requireRegie(a Actor) error {
	if !c.HoldsRegie(a) {
		return denied("alleen wie regie heeft in deze casus doet dit")
	}
	return nil
}

// HandOver hands a kind of regie to another active professional participant, with a note that
// says why. The current holder of that kind or of the broad regie hands it over.
func (c *Case) HandOver(kind RegieKind, toUser int64, note string, by Actor, now time.Time) error {
	if err := c.open(); err != nil {
		return err
	}
	roles, ok := regieRoles[kind]
	if !ok {
		return fieldErr("soort", "onbekende soort regie %q; kies uit breed, deel, zorg", kind)
	}
	note = strings.TrimSpace(note)
	if note == "" {
		return fieldErr("toelichting", "schrijf kort op waarom de regie wordt overgedragen")
	}
	cur := c.RegieHolder(kind)
	if !by.Professional() || (by.UserID != cur && by.UserID != c.RegieHolder(RegieBroad)) {
		return denied("alleen wie de %s of de brede regie heeft, draagt de %s over", kind.Label(), kind.Label())
	}
	to, ok := c.Participant(Ref("gebruiker:" + itoa(toUser)))
	if !ok || !to.Active() {
		return fieldErr("naar", "de nieuwe regiehouder moet deelnemer van de casus zijn")
	}
	if !slices.Contains(roles, to.Role) {
		return fieldErr("naar", "de %s kan niet naar de rol %s (wel: %s)", kind.Label(), to.Role, strings.Join(roles, ", "))
	}
	if toUser == cur {
		return fieldErr("naar", "heeft deze regie al")
	}
	c.Regie = append(c.Regie, RegieChange{Kind: kind, UserID: toUser, From: cur, At: now, By: by.UserID, Note: note})
	c.Version++
	return nil
}
