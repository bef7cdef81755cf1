package casework

import (
	"context"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/consent"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/policy"
)

func model(t testing.TB) *convenant.Compiled {
	t.Helper()
	k, err := convenant.Default()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// consentSet is a consent register holding consents per (purpose, recipient party, category).
type consentSet map[[3]string]int64

func (s consentSet) Check(_ context.Context, _ int64, r consent.Request) (consent.Coverage, error) {
	if id, ok := s[[3]string{r.Purpose, r.Party, r.Category}]; ok {
		return consent.Coverage{Covered: true, ConsentID: id}, nil
	}
	return consent.Coverage{Missing: "geen toestemming"}, nil
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t.Add(10 * time.Hour)
}

// cast of the tests: one professional per role, the parents and the pupil.
var (
	zoco    = Actor{Kind: KindProfessional, UserID: 1, OrganisationID: 10, Party: PartySchool, Role: RoleZorgcoordinator, Name: "Zorgcoördinator"}
	mentor  = Actor{Kind: KindProfessional, UserID: 2, OrganisationID: 10, Party: PartySchool, Role: "mentor", Name: "Mentor"}
	swvc    = Actor{Kind: KindProfessional, UserID: 3, OrganisationID: 20, Party: PartySWV, Role: RoleSWVConsulent, Name: "Consulent SWV"}
	lpa     = Actor{Kind: KindProfessional, UserID: 4, OrganisationID: 30, Party: PartyGemeente, Role: RoleLeerplicht, Name: "Leerplicht"}
	jhv     = Actor{Kind: KindProfessional, UserID: 5, OrganisationID: 40, Party: PartyJeugdhulp, Role: RoleJeugdhulpverlener, Name: "Jeugdhulp"}
	jarts   = Actor{Kind: KindProfessional, UserID: 6, OrganisationID: 50, Party: PartyGGD, Role: RoleJeugdarts, Name: "Jeugdarts"}
	oc      = Actor{Kind: KindProfessional, UserID: 7, OrganisationID: 21, Party: PartySWV, Role: RoleOnderwijsconsulent, Name: "Onderwijsconsulent"}
	mother  = Actor{Kind: KindParent, ParentID: 100, Name: "Moeder"}
	pupilMe = Actor{Kind: KindPupil, PupilID: 500, Name: "Leerling"}
)

func input(a Actor) ProfessionalInput {
	return ProfessionalInput{UserID: a.UserID, OrganisationID: a.OrganisationID, Party: a.Party, Role: a.Role, Name: a.Name, Contact: a.Name + "@voorbeeld.nl", HasMelding: true}
}

// zat opens a ZAT case for a pupil of 14 with every professional role, the parents and the
// pupil as participants (all accepted).
func zat(t *testing.T, k *convenant.Compiled) *Case {
	t.Helper()
	now := day("2026-03-02")
	c, err := Open(k, OpenInput{PupilID: 500, Pupil: "ps-500", BirthDate: day("2011-09-01"), Type: "zat", Purpose: "toeleiding", Question: "Hoe komt de leerling weer naar school?", Opener: zoco}, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []Actor{mentor, swvc, lpa, jhv, jarts} {
		if _, err := c.AddProfessional(k, input(a), zoco, now); err != nil {
			t.Fatalf("%s: %v", a.Role, err)
		}
	}
	if _, err := c.InviteFamily([]ParentInput{{ParentID: 100, Name: "Moeder"}}, "Leerling", zoco, now); err != nil {
		t.Fatal(err)
	}
	for _, a := range []Actor{mother, pupilMe} {
		if err := c.Respond(RefOf(a), true, "", a, now); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func guard(k *convenant.Compiled, cs ConsentChecker) *Guard {
	return NewGuard(k, policy.NewEngine(k), cs)
}
