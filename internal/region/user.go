package region

import (
	"net/mail"
	"strings"
)

// Role is a user's role; the codes are the convenant's role codes, plus beheerder and ouder.
type Role string

const (
	RoleZorgcoordinator    Role = "zorgcoordinator"
	RoleMentor             Role = "mentor"
	RoleDirecteur          Role = "directeur"
	RoleLeerplicht         Role = "leerplicht"
	RoleSWVConsulent       Role = "swv-consulent"
	RoleOnderwijsconsulent Role = "onderwijsconsulent"
	RoleJeugdarts          Role = "jeugdarts"
	RoleJeugdhulpverlener  Role = "jeugdhulpverlener"
	RoleFG                 Role = "fg"
	RoleBeheerder          Role = "beheerder"
	RoleOuder              Role = "ouder"
)

// rolesByKind says which roles a user of an organisation kind can hold. FG and beheerder exist
// in every kind of organisation; parents belong to no organisation of the region and are linked
// through their children.
var rolesByKind = map[OrgKind][]Role{
	KindSchool:    {RoleZorgcoordinator, RoleMentor, RoleDirecteur},
	KindSWV:       {RoleSWVConsulent, RoleOnderwijsconsulent},
	KindOCO:       {RoleOnderwijsconsulent},
	KindGemeente:  {RoleLeerplicht},
	KindGGD:       {RoleJeugdarts},
	KindJeugdhulp: {RoleJeugdhulpverlener},
}

// Professional reports whether a role is a professional one (every role but ouder), for which
// multi-factor authentication is mandatory.
func (r Role) Professional() bool { return r != RoleOuder }

// User is an account of a person working in an organisation of the region.
type User struct {
	ID             int64
	OrganisationID int64
	Name           string
	Email          string
	Role           Role
	Active         bool
}

// NewUser validates a user against the kind of its organisation.
func NewUser(u User, kind OrgKind) (User, error) {
	u.Name = strings.TrimSpace(u.Name)
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	if u.Name == "" {
		return User{}, fieldErr("naam", "is verplicht")
	}
	if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email {
		return User{}, fieldErr("email", "%q is geen geldig e-mailadres", u.Email)
	}
	if u.OrganisationID == 0 {
		return User{}, fieldErr("organisatie", "is verplicht")
	}
	if !RoleAllowed(kind, u.Role) {
		return User{}, fieldErr("rol", "de rol %q bestaat niet bij een organisatie van soort %s", u.Role, kind)
	}
	u.Active = true
	return u, nil
}

// RoleAllowed reports whether an organisation of kind can have a user with role.
func RoleAllowed(kind OrgKind, role Role) bool {
	if role == RoleFG || role == RoleBeheerder {
		return true
	}
	for _, r := range rolesByKind[kind] {
		if r == role {
			return true
		}
	}
	return false
}
