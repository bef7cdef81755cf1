package region

import (
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/ident"
)

// Pupil is a child or young person in the region. Number is the BSN or onderwijsnummer in clear;
// it exists only on the way in and is stored as a pseudonym plus ciphertext.
type Pupil struct {
	ID         int64
	Pseudonym  string
	NumberKind ident.Kind
	Number     string
	FirstName  string
	LastName   string
	BirthDate  time.Time
	GemeenteID int64 // municipality of residence (optional)
	Enrolments []Enrolment
	Guardians  []GuardianLink
	SealedNr   []byte
	KeyVersion int
}

// NewPupil validates a pupil on the date now (the birth date may not lie in the future).
func NewPupil(p Pupil, now time.Time) (Pupil, error) {
	p.FirstName, p.LastName = strings.TrimSpace(p.FirstName), strings.TrimSpace(p.LastName)
	if p.NumberKind == "" {
		p.NumberKind = ident.BSN
	}
	if _, err := ident.ParseKind(string(p.NumberKind)); err != nil {
		return Pupil{}, fieldErr("soort_nummer", "%s", err.Error())
	}
	if err := ident.Validate(p.NumberKind, p.Number); err != nil {
		field := "bsn"
		if p.NumberKind == ident.Onderwijsnummer {
			field = "onderwijsnummer"
		}
		return Pupil{}, fieldErr(field, "%s", strings.TrimPrefix(err.Error(), ident.ErrInvalidNumber.Error()+": "))
	}
	if p.FirstName == "" {
		return Pupil{}, fieldErr("voornaam", "is verplicht")
	}
	if p.LastName == "" {
		return Pupil{}, fieldErr("achternaam", "is verplicht")
	}
	if p.BirthDate.IsZero() {
		return Pupil{}, fieldErr("geboortedatum", "is verplicht")
	}
	if p.BirthDate.After(now) {
		return Pupil{}, fieldErr("geboortedatum", "ligt in de toekomst")
	}
	if now.Sub(p.BirthDate) > 30*365*24*time.Hour {
		return Pupil{}, fieldErr("geboortedatum", "deze leerling zou ouder dan 30 jaar zijn; controleer de datum")
	}
	return p, nil
}

// Age is the age in whole years on date d; on the birthday itself the new age counts. A child
// born on 29 February turns a year older on 1 March in years without that day.
func Age(birth, d time.Time) int {
	age := d.Year() - birth.Year()
	if d.Month() < birth.Month() || (d.Month() == birth.Month() && d.Day() < birth.Day()) {
		age--
	}
	return age
}

// Enrolment is a pupil's registration at a school from one date until another (inclusive;
// zero To means still enrolled).
type Enrolment struct {
	ID       int64
	SchoolID int64
	Number   string // the school's own pupil number (leerlingnummer)
	From     time.Time
	To       time.Time
	Year     string // leerjaar or groep, e.g. "groep 7" or "vmbo 2"
	// Class is the group (klas) within the school, e.g. "7B" or "2 havo a"; empty when the
	// school did not say. A mentor sees the pupils of the classes he is mentor of (issue 15).
	Class string
}

// NewEnrolment validates an enrolment.
func NewEnrolment(e Enrolment) (Enrolment, error) {
	e.Number = strings.TrimSpace(e.Number)
	if e.SchoolID == 0 {
		return Enrolment{}, fieldErr("school", "is verplicht")
	}
	if e.Number == "" {
		return Enrolment{}, fieldErr("leerlingnummer", "is verplicht")
	}
	if e.From.IsZero() {
		return Enrolment{}, fieldErr("van", "is verplicht")
	}
	if !e.To.IsZero() && e.To.Before(e.From) {
		return Enrolment{}, fieldErr("tot", "ligt voor de begindatum")
	}
	if strings.TrimSpace(e.Year) == "" {
		return Enrolment{}, fieldErr("leerjaar", "is verplicht")
	}
	c, err := NewClass(e.Class)
	if err != nil && strings.TrimSpace(e.Class) != "" {
		return Enrolment{}, err
	}
	e.Class = c
	return e, nil
}

// Overlaps reports whether two enrolments share at least one day.
func (e Enrolment) Overlaps(o Enrolment) bool {
	endE, endO := e.To, o.To
	if endE.IsZero() {
		endE = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if endO.IsZero() {
		endO = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return !e.From.After(endO) && !o.From.After(endE)
}

// Current reports whether the enrolment covers day d.
func (e Enrolment) Current(d time.Time) bool {
	return !d.Before(e.From) && (e.To.IsZero() || !d.After(e.To))
}

// Parent is a parent or guardian.
type Parent struct {
	ID        int64
	FirstName string
	LastName  string
	Email     string
	Phone     string
}

// NewParent validates a parent.
func NewParent(p Parent) (Parent, error) {
	p.FirstName, p.LastName = strings.TrimSpace(p.FirstName), strings.TrimSpace(p.LastName)
	p.Email = strings.ToLower(strings.TrimSpace(p.Email))
	if p.LastName == "" {
		return Parent{}, fieldErr("achternaam", "is verplicht")
	}
	if p.Email != "" && !strings.Contains(p.Email, "@") {
		return Parent{}, fieldErr("email", "%q is geen geldig e-mailadres", p.Email)
	}
	return p, nil
}

// GuardianLink links a parent to a pupil; Gezag says whether the parent has parental authority.
type GuardianLink struct {
	ParentID int64
	Relation string // moeder, vader, ouder, voogd, pleegouder
	Gezag    bool
}

// Relations lists the known relations.
var Relations = []string{"moeder", "vader", "ouder", "voogd", "pleegouder"}

// NewGuardianLink validates a link.
func NewGuardianLink(g GuardianLink) (GuardianLink, error) {
	for _, r := range Relations {
		if g.Relation == r {
			if g.ParentID == 0 {
				return GuardianLink{}, fieldErr("ouder", "is verplicht")
			}
			return g, nil
		}
	}
	return GuardianLink{}, fieldErr("relatie", "onbekende relatie %q; kies uit %s", g.Relation, strings.Join(Relations, ", "))
}
