package auth

import (
	"errors"
	"time"

	"github.com/grondslag/grondslag/internal/civil"
)

// The people who sign in without an organisation: parents and pupils through the region's
// OpenID Connect provider, a pupil's own account, and a parent's child who came of age. A
// repository (internal/store) returns these; the web's sign-in and portal depend on them only.

// CitizenOIDC is a region's provider for parents and pupils; Secret is the sealed client secret.
type CitizenOIDC struct {
	RegionID         int64
	Name             string // shown on the button, e.g. "DigiD"
	Issuer, ClientID string
	Secret           []byte
}

// ErrCitizenBound is returned when the parent or pupil is already bound to another subject of
// the provider.
var ErrCitizenBound = errors.New("dit account is al gekoppeld aan een andere inlog bij deze dienst")

// PupilAccount is a pupil who can sign in.
type PupilAccount struct {
	RegionID  int64
	PupilID   int64
	FirstName string
	Name      string
	Email     string
	BirthDate civil.Date
}

// ErrTooYoung refuses an account for a pupil under 12.
var ErrTooYoung = errors.New("een leerling krijgt pas vanaf 12 jaar een eigen account")

// AdultChild is a child of a parent who turned 18: the parent's access ended on Since unless the
// young adult authorised the parent (Authorised, from AuthorisedAt).
type AdultChild struct {
	PupilID      int64
	FirstName    string
	Since        civil.Date // the 18th birthday
	Authorised   bool
	AuthorisedAt time.Time
}

// ErrNotAdult is returned when a young person under 18 tries to authorise a parent (the parents
// have gezag and need no authorisation).
var ErrNotAdult = errors.New("de leerling is nog geen 18")
