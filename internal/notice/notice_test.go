package notice

import (
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/civil"
)

func TestTellable(t *testing.T) {
	base := audit.Record{Time: time.Now(), Actor: audit.Actor{UserID: 1, OrganisationID: 20, Role: "leerplicht"}, Pupil: "ps-1", Action: audit.ActionRead,
		LegalGround: "avg-6-1-c", Outcome: audit.Allowed}
	own := []int64{10}
	tests := []struct {
		name string
		edit func(*audit.Record)
		want bool
	}{
		{"another organisation reads on a legal ground", func(*audit.Record) {}, true},
		{"a share on a public task", func(r *audit.Record) { r.Action, r.LegalGround = audit.ActionShare, "avg-6-1-e" }, true},
		{"the pupil's own school", func(r *audit.Record) { r.Actor.OrganisationID = 10 }, false},
		{"on consent (ground a)", func(r *audit.Record) { r.LegalGround = "avg-6-1-a" }, false},
		{"relied on a consent record", func(r *audit.Record) { r.ConsentID = 7 }, false},
		{"the parent's own access", func(r *audit.Record) { r.Actor = audit.Actor{ParentID: 3, Role: "ouder"}; r.LegalGround = "avg-15" }, false},
		{"denied", func(r *audit.Record) { r.Outcome = audit.Denied }, false},
		{"a write of its own notes", func(r *audit.Record) { r.Action = audit.ActionCreate }, false},
		{"a job without organisation", func(r *audit.Record) { r.Actor = audit.Actor{} }, false},
		{"no pupil", func(r *audit.Record) { r.Pupil = "" }, false},
	}
	for _, tt := range tests {
		r := base
		tt.edit(&r)
		if got := Tellable(r, own); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestRecipientsByAge(t *testing.T) {
	p := PupilInfo{FirstName: "Anouk", BirthDate: civil.Date{Year: 2010, Month: 3, Day: 2},
		Guardians: []Person{{Name: "Olga Visser", Email: "olga@x.example"}}, Self: &Person{Name: "Anouk Visser", Email: "anouk@x.example"}}
	count := func(d civil.Date) (parents, pupil int) {
		for _, r := range p.Recipients(d) {
			if r.Pupil {
				pupil++
			} else {
				parents++
			}
		}
		return
	}
	if pa, pu := count(civil.Date{Year: 2026, Month: 3, Day: 1}); pa != 1 || pu != 0 {
		t.Errorf("15: %d parents, %d pupil", pa, pu)
	}
	if pa, pu := count(civil.Date{Year: 2026, Month: 3, Day: 2}); pa != 1 || pu != 1 {
		t.Errorf("16 on the day: %d parents, %d pupil", pa, pu)
	}
	if pa, pu := count(civil.Date{Year: 2028, Month: 3, Day: 2}); pa != 0 || pu != 1 {
		t.Errorf("18 on the day: %d parents, %d pupil (gezag ends, BW 1:233)", pa, pu)
	}
}

func TestComposeNeverNamesSpecialData(t *testing.T) {
	v := Vocabulary{Purposes: map[string]string{"jeugdhulp": "jeugdhulp"}, Categories: map[string]Category{"gezondheid": {Name: "gegevens over gezondheid", Special: true}, "strafrechtelijk": {Name: "strafrechtelijke gegevens", Special: true}}}
	r := audit.Record{Time: time.Now(), Purpose: "jeugdhulp", LegalGround: "avg-6-1-e", Categories: []string{"gezondheid", "strafrechtelijk"}}
	for _, to := range []Person{{Name: "Olga Visser", Email: "o@x.example"}, {Name: "Anouk Visser", Email: "a@x.example", Pupil: true}} {
		m := Compose(to, PupilInfo{FirstName: "Anouk"}, civil.Date{Year: 2026, Month: 3, Day: 2}, []Provision{v.Describe(r, "Jeugdhulp De Overkant"), v.Describe(r, "GGD")}, "https://x.example")
		low := strings.ToLower(m.Body + m.Subject)
		if strings.Contains(low, "gezondheid") || strings.Contains(low, "strafrecht") || !strings.Contains(m.Body, "extra beschermde gegevens") || !strings.Contains(m.Body, "2 andere organisaties") {
			t.Errorf("message:\n%s", m.Body)
		}
		if to.Pupil && (!strings.Contains(m.Body, "Beste Anouk,") || strings.Contains(m.Body, " u ") || m.Subject != "Je gegevens zijn gedeeld") {
			t.Errorf("to the pupil:\n%s", m.Body)
		}
	}
}
