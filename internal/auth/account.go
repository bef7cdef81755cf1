package auth

import (
	"errors"
	"strings"
)

// Role codes of the foundation (internal/region) that sign in with a password and a second factor.
// The parent ("ouder") signs in with an e-mail code instead.
const (
	RoleZorgcoordinator   = "zorgcoordinator"
	RoleMentor            = "mentor"
	RoleDirecteur         = "directeur"
	RoleLeerplicht        = "leerplicht"
	RoleSWVConsulent      = "swv-consulent"
	RoleOnderwijsconsul   = "onderwijsconsulent"
	RoleJeugdarts         = "jeugdarts"
	RoleJeugdhulpverlener = "jeugdhulpverlener"
	RoleFG                = "fg"
	RoleBeheerder         = "beheerder"
	RoleOuder             = "ouder"
	// RoleLeerling is the pupil signed in with their own account (issue 16).
	RoleLeerling = "leerling"
)

// ErrNoAccount is returned by stores when no account matches.
var ErrNoAccount = errors.New("geen account")

// ErrOIDCBound: the account is bound to another subject at the provider, or the subject to
// another account.
var ErrOIDCBound = errors.New("al aan een ander OIDC-subject gekoppeld")

// Account is a professional user with the credentials of this package.
type Account struct {
	ID            int64
	RegionID      int64
	OrgID         int64
	OrgKind       string // the organisation's kind = the convenant party (school, swv, gemeente, …)
	OrgName       string
	Role          string
	Name          string
	Email         string
	Active        bool
	PasswordHash  string // empty: no password set (OIDC only)
	TOTPSealed    []byte // sealed base32 secret; nil: not enrolled
	TOTPConfirmed bool
	TOTPLastStep  int64
}

// NeedsMFA reports whether the role must use a second factor. The convenant demands multi-factor
// authentication for every professional (seed 004); only the parent's e-mail code is itself the
// one factor of a possession-based login.
func NeedsMFA(role string) bool { return role != RoleOuder }

// MFAEnrolled reports whether the account has a confirmed TOTP secret.
func (a Account) MFAEnrolled() bool { return a.TOTPConfirmed && len(a.TOTPSealed) > 0 }

// Parent is a parent (ouder) who may sign in with a one-time e-mail code.
type Parent struct {
	ID       int64
	RegionID int64
	Name     string
	Email    string
}

// NormaliseEmail trims and lower-cases an e-mail address for look-up.
func NormaliseEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// APIClient is a system of one organisation (for example a school's student administration) that
// calls the API with a bearer token. It acts in the role Role of its organisation and only within
// its scopes.
type APIClient struct {
	ID       int64
	RegionID int64
	OrgID    int64
	OrgKind  string
	Name     string
	Role     string
	Scopes   []string
	Revoked  bool
}

// API scopes.
const (
	ScopeLeerlingenLezen         = "leerlingen:lezen"
	ScopeVerzuimVastleggen       = "verzuim:vastleggen"
	ScopeMeldingenLezen          = "meldingen:lezen"
	ScopeToestemmingenLezen      = "toestemmingen:lezen"
	ScopeToestemmingenVastleggen = "toestemmingen:vastleggen"
	ScopeCasussenLezen           = "casussen:lezen"
	ScopeCasussenVastleggen      = "casussen:vastleggen"
	ScopeAuditLezen              = "audit:lezen"
	ScopeMagIkDitDelen           = "mag-ik-dit-delen"
)

// Scopes lists every API scope a client can be given, with what it allows (for the CLI and the
// beheer pages). The OpenAPI test checks that every scope the document names is here.
var Scopes = []struct{ Name, Allows string }{
	{ScopeLeerlingenLezen, "leerlingen en hun gegevens lezen, open verzuimsignalen"},
	{ScopeMeldingenLezen, "verzuimmeldingen lezen"},
	{ScopeVerzuimVastleggen, "verzuim importeren, meldingen maken en hun status wijzigen"},
	{ScopeToestemmingenLezen, "toestemmingen lezen, wiens toestemming nodig is"},
	{ScopeToestemmingenVastleggen, "toestemmingen vastleggen en intrekken"},
	{ScopeCasussenLezen, "casussen en plannen van aanpak lezen"},
	{ScopeCasussenVastleggen, "in casussen schrijven: verslagen, afspraken, inbreng, stappen"},
	{ScopeMagIkDitDelen, "de privacyvraag stellen"},
}

// KnownScope reports whether s is a scope of Scopes.
func KnownScope(s string) bool {
	for _, x := range Scopes {
		if x.Name == s {
			return true
		}
	}
	return false
}

// HasScope reports whether the client holds scope.
func (c APIClient) HasScope(scope string) bool {
	for _, s := range c.Scopes {
		if s == scope {
			return true
		}
	}
	return false
}

// OIDCConfig is the federated login of one organisation (SURFconext/Entree for schools,
// eHerkenning through a broker for gemeenten).
type OIDCConfig struct {
	RegionID     int64
	OrgID        int64
	OrgName      string
	Issuer       string
	ClientID     string
	ClientSecret string
	// MFAFromIdP: the provider asserts multi-factor authentication (acr/amr) that the convenant
	// accepts; then Grondslag does not ask for its own TOTP after a login that carries it.
	MFAFromIdP bool
}
