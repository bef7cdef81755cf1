package region_test

import (
	"errors"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/region"
)

func d(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }

func field(err error) string {
	var fe *region.FieldError
	if errors.As(err, &fe) {
		return fe.Field
	}
	return ""
}

func TestNewOrganisationNamesTheField(t *testing.T) {
	cases := []struct {
		name  string
		org   region.Organisation
		field string
	}{
		{"valid school", region.Organisation{Kind: region.KindSchool, Name: "De Regenboog", BRIN: "12ab", Sector: region.SectorPO}, ""},
		{"bad brin", region.Organisation{Kind: region.KindSchool, Name: "X", BRIN: "1234", Sector: region.SectorPO}, "brin"},
		{"bad vestiging", region.Organisation{Kind: region.KindSchool, Name: "X", BRIN: "12AB", Vestiging: "A", Sector: region.SectorVO}, "vestiging"},
		{"no sector", region.Organisation{Kind: region.KindSchool, Name: "X", BRIN: "12AB"}, "sector"},
		{"valid gemeente", region.Organisation{Kind: region.KindGemeente, Name: "Gemeente Amstelveen", CBSCode: "GM0362"}, ""},
		{"bad cbs", region.Organisation{Kind: region.KindGemeente, Name: "G", CBSCode: "0362"}, "cbs_code"},
		{"brin on gemeente", region.Organisation{Kind: region.KindGemeente, Name: "G", CBSCode: "GM0362", BRIN: "12AB"}, "brin"},
		{"no name", region.Organisation{Kind: region.KindSWV}, "naam"},
		{"unknown kind", region.Organisation{Kind: "bakker", Name: "B"}, "soort"},
	}
	for _, c := range cases {
		o, err := region.NewOrganisation(c.org)
		if got := field(err); got != c.field {
			t.Errorf("%s: field %q (err %v), want %q", c.name, got, err, c.field)
		}
		if err != nil && !errors.Is(err, region.ErrInvalid) {
			t.Errorf("%s: error does not match ErrInvalid", c.name)
		}
		if c.name == "valid school" && (o.BRIN != "12AB" || o.Vestiging != "00") {
			t.Errorf("school not normalised: %+v", o)
		}
	}
}

func TestNewUserRoleFitsOrganisation(t *testing.T) {
	ok := region.User{OrganisationID: 1, Name: "A", Email: "a@school.example", Role: region.RoleZorgcoordinator}
	if _, err := region.NewUser(ok, region.KindSchool); err != nil {
		t.Fatal(err)
	}
	if _, err := region.NewUser(ok, region.KindGemeente); field(err) != "rol" {
		t.Fatalf("zorgcoordinator at gemeente: %v", err)
	}
	fg := ok
	fg.Role = region.RoleFG
	if _, err := region.NewUser(fg, region.KindGemeente); err != nil {
		t.Fatalf("fg at gemeente: %v", err)
	}
	bad := ok
	bad.Email = "geen-adres"
	if _, err := region.NewUser(bad, region.KindSchool); field(err) != "email" {
		t.Fatalf("bad email: %v", err)
	}
}

func TestNewPupil(t *testing.T) {
	now := d("2026-11-23")
	base := region.Pupil{NumberKind: ident.BSN, Number: "123456782", FirstName: "Sam", LastName: "Jansen", BirthDate: d("2014-03-01")}
	if _, err := region.NewPupil(base, now); err != nil {
		t.Fatal(err)
	}
	bad := base
	bad.Number = "123456789"
	if _, err := region.NewPupil(bad, now); field(err) != "bsn" {
		t.Fatalf("bad bsn: %v", err)
	}
	future := base
	future.BirthDate = d("2027-01-01")
	if _, err := region.NewPupil(future, now); field(err) != "geboortedatum" {
		t.Fatalf("future birth: %v", err)
	}
	noName := base
	noName.FirstName = " "
	if _, err := region.NewPupil(noName, now); field(err) != "voornaam" {
		t.Fatalf("no first name: %v", err)
	}
}

func TestAgeOnBirthday(t *testing.T) {
	cases := []struct {
		birth, on string
		age       int
	}{
		{"2010-05-10", "2026-05-09", 15},
		{"2010-05-10", "2026-05-10", 16},
		{"2010-05-10", "2026-05-11", 16},
		{"2012-02-29", "2026-02-28", 13},
		{"2012-02-29", "2026-03-01", 14},
		{"2012-02-29", "2028-02-29", 16},
	}
	for _, c := range cases {
		if got := region.Age(d(c.birth), d(c.on)); got != c.age {
			t.Errorf("Age(%s, %s) = %d, want %d", c.birth, c.on, got, c.age)
		}
	}
}

func TestEnrolmentOverlap(t *testing.T) {
	a := region.Enrolment{From: d("2025-08-25"), To: d("2026-07-17")}
	cases := []struct {
		b    region.Enrolment
		want bool
	}{
		{region.Enrolment{From: d("2026-07-17")}, true},
		{region.Enrolment{From: d("2026-07-18")}, false},
		{region.Enrolment{From: d("2024-08-26"), To: d("2025-08-24")}, false},
		{region.Enrolment{From: d("2024-08-26"), To: d("2025-08-25")}, true},
		{region.Enrolment{From: d("2025-01-01")}, true},
	}
	for _, c := range cases {
		if got := a.Overlaps(c.b); got != c.want {
			t.Errorf("overlap with %v–%v = %v, want %v", c.b.From, c.b.To, got, c.want)
		}
	}
	if _, err := region.NewEnrolment(region.Enrolment{SchoolID: 1, Number: "1", From: d("2026-01-01"), To: d("2025-01-01"), Year: "groep 3"}); field(err) != "tot" {
		t.Fatalf("end before start: %v", err)
	}
}
