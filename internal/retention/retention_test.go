package retention

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/convenant"
)

func d(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestEndOfBoundaries(t *testing.T) {
	for _, c := range []struct {
		start  string
		period convenant.Period
		end    string
	}{
		{"2008-02-29", convenant.Period{Years: 19}, "2027-02-28"}, // born on a leap day: the 19th birthday is clamped to 28 February
		{"2008-02-29", convenant.Period{Years: 20}, "2028-02-29"}, // a leap year again
		{"2008-02-29", convenant.Period{Years: 1}, "2009-02-28"},
		{"2007-03-01", convenant.Period{Years: 19}, "2026-03-01"},
		{"2026-08-31", convenant.Period{Months: 6}, "2027-02-28"}, // month end clamps
		{"2027-08-31", convenant.Period{Months: 6}, "2028-02-29"}, // into a leap February
		{"2026-01-31", convenant.Period{Months: 1}, "2026-02-28"},
		{"2026-03-31", convenant.Period{Months: 1}, "2026-04-30"},
		{"2026-12-31", convenant.Period{Years: 2}, "2028-12-31"},
		{"2026-12-31", convenant.Period{Months: 2}, "2027-02-28"},
		{"2026-12-15", convenant.Period{Months: 18}, "2028-06-15"},
		{"2026-01-31", convenant.Period{Years: 2, Months: 1, Days: 1}, "2028-03-01"}, // 29 Feb 2028 + 1 day
		{"2026-02-28", convenant.Period{Days: 30}, "2026-03-30"},
	} {
		got := EndOf(d(c.start), c.period)
		if got.Format(time.DateOnly) != c.end {
			t.Errorf("%s + %s = %s, want %s", c.start, c.period, got.Format(time.DateOnly), c.end)
		}
		if due := DueFrom(d(c.start), c.period); !due.Equal(got.AddDate(0, 0, 1)) {
			t.Errorf("DueFrom %s + %s = %s", c.start, c.period, due)
		}
	}
}

// periods is a small convenant: the model's defaults and overrides for the categories used here.
type periods map[[2]string]convenant.RetentionPeriod

func (p periods) Retention(cat, party string) (convenant.RetentionPeriod, bool) {
	if r, ok := p[[2]string{cat, party}]; ok {
		return r, true
	}
	r, ok := p[[2]string{cat, ""}]
	return r, ok
}

var model = periods{
	{"onderwijs", ""}:        {Category: "onderwijs", Period: convenant.Period{Years: 2}, From: EventLeftSchool, Source: "leerlingdossier"},
	{"verzuim", ""}:          {Category: "verzuim", Period: convenant.Period{Years: 5}, From: EventLeftSchool, Source: "verzuim PO/VO"},
	{"verzuim", "gemeente"}:  {Category: "verzuim", Party: "gemeente", Period: convenant.Period{Years: 19}, From: EventBirth, Source: "VNG Selectielijst 2020, 12.1.3"},
	{"rmc", ""}:              {Category: "rmc", Period: convenant.Period{Years: 2}, From: EventQualificationEnd, Source: "VNG Selectielijst 2020, 12.1.4"},
	{"casusverslag", ""}:     {Category: "casusverslag", Period: convenant.Period{Years: 2}, From: EventCaseClosed},
	{"toestemming", ""}:      {Category: "toestemming", Period: convenant.Period{Years: 1}, From: EventConsentEnded},
	{"gezondheid", "ggd"}:    {Category: "gezondheid", Party: "ggd", Period: convenant.Period{Years: 20}, From: EventLastChange, Source: "BW 7:454 lid 3"},
	{"jeugdhulp", ""}:        {Category: "jeugdhulp", Period: convenant.Period{Years: 20}, From: EventCareEnded},
	{"identificatie", "swv"}: {Category: "identificatie", Party: "swv", Period: convenant.Period{Years: 2}, From: EventRecorded},
}

func TestClocksPerEvent(t *testing.T) {
	school := Controller{Party: "school", OrganisationID: 7}
	gem := Controller{Party: "gemeente", OrganisationID: 3}
	born := d("2008-02-29")
	for _, c := range []struct {
		name    string
		h       Holding
		day     string
		due     bool
		keepTo  string
		missing string
	}{
		{"leerlingdossier: day before", Holding{school, "onderwijs", map[string]time.Time{EventLeftSchool: d("2024-07-31")}}, "2026-07-31", false, "2026-07-31", ""},
		{"leerlingdossier: day after", Holding{school, "onderwijs", map[string]time.Time{EventLeftSchool: d("2024-07-31")}}, "2026-08-01", true, "2026-07-31", ""},
		{"still enrolled", Holding{school, "onderwijs", map[string]time.Time{}}, "2040-01-01", false, "", "wacht op: vertrek van school (uitschrijving)"},
		{"absence at school: 5 years after de-enrolment", Holding{school, "verzuim", map[string]time.Time{EventLeftSchool: d("2021-02-28"), EventBirth: born}}, "2026-03-01", true, "2026-02-28", ""},
		{"leerplicht file on the 19th birthday (leap day, clamped)", Holding{gem, "verzuim", map[string]time.Time{EventLeftSchool: d("2021-02-28"), EventBirth: born}}, "2027-02-28", false, "2027-02-28", ""},
		{"leerplicht file the day after", Holding{gem, "verzuim", map[string]time.Time{EventBirth: born}}, "2027-03-01", true, "2027-02-28", ""},
		{"leerplicht file: ordinary birthday", Holding{gem, "verzuim", map[string]time.Time{EventBirth: d("2007-11-30")}}, "2026-11-30", false, "2026-11-30", ""},
		{"kwalificatieplicht + 2: the last day", Holding{gem, "rmc", map[string]time.Time{EventQualificationEnd: d("2026-02-28")}}, "2028-02-28", false, "2028-02-28", ""},
		{"kwalificatieplicht + 2", Holding{gem, "rmc", map[string]time.Time{EventQualificationEnd: d("2026-02-28")}}, "2028-02-29", true, "2028-02-28", ""},
		{"kwalificatieplicht ended on a leap day + 2", Holding{gem, "rmc", map[string]time.Time{EventQualificationEnd: d("2028-02-29")}}, "2030-02-28", false, "2030-02-28", ""},
		{"kwalificatieplicht ended on a leap day + 2, the day after", Holding{gem, "rmc", map[string]time.Time{EventQualificationEnd: d("2028-02-29")}}, "2030-03-01", true, "2030-02-28", ""},
		{"case closed + 2 on a month end", Holding{school, "casusverslag", map[string]time.Time{EventCaseClosed: d("2024-02-29")}}, "2026-03-01", true, "2026-02-28", ""},
		{"consent withdrawn + 1", Holding{school, "toestemming", map[string]time.Time{EventConsentEnded: d("2025-12-31")}}, "2026-12-31", false, "2026-12-31", ""},
		{"JGZ: 20 years after the last change, the last day", Holding{Controller{Party: "ggd"}, "gezondheid", map[string]time.Time{EventLastChange: d("2026-01-15")}}, "2046-01-15", false, "2046-01-15", ""},
		{"JGZ: 20 years after the last change", Holding{Controller{Party: "ggd"}, "gezondheid", map[string]time.Time{EventLastChange: d("2026-01-15")}}, "2046-01-16", true, "2046-01-15", ""},
		{"JGZ: last change on a month end", Holding{Controller{Party: "ggd"}, "gezondheid", map[string]time.Time{EventLastChange: d("2026-10-31")}}, "2046-11-01", true, "2046-10-31", ""},
		{"JGZ: last change on 29 February, 2100 is no leap year", Holding{Controller{Party: "ggd"}, "gezondheid", map[string]time.Time{EventLastChange: d("2080-02-29")}}, "2100-02-28", false, "2100-02-28", ""},
		{"JGZ: last change on 29 February, 2100, the day after", Holding{Controller{Party: "ggd"}, "gezondheid", map[string]time.Time{EventLastChange: d("2080-02-29")}}, "2100-03-01", true, "2100-02-28", ""},
		{"jeugdhulp end unknown", Holding{Controller{Party: "jeugdhulp"}, "jeugdhulp", map[string]time.Time{EventLastChange: d("2026-01-15")}}, "2090-01-01", false, "", "wacht op: einde van de jeugdhulp"},
		{"no rule in the convenant", Holding{school, "onbekend", nil}, "2090-01-01", false, "", "het convenant noemt geen bewaartermijn voor onbekend bij school"},
		{"swv: own register, from recording", Holding{Controller{Party: "swv"}, "identificatie", map[string]time.Time{EventRecorded: d("2024-05-31")}}, "2026-06-01", true, "2026-05-31", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			cl := ClockOf(model, c.h)
			if got := cl.Due(d(c.day)); got != c.due {
				t.Errorf("due on %s = %v, want %v (%+v)", c.day, got, c.due, cl)
			}
			if c.keepTo != "" && cl.KeepTo.Format(time.DateOnly) != c.keepTo {
				t.Errorf("keep to %s, want %s", cl.KeepTo.Format(time.DateOnly), c.keepTo)
			}
			if cl.Missing != c.missing {
				t.Errorf("missing %q, want %q", cl.Missing, c.missing)
			}
		})
	}
}

func TestAssessTakesTheLongestAndHonoursHolds(t *testing.T) {
	school := Controller{Party: "school", OrganisationID: 7}
	gem := Controller{Party: "gemeente", OrganisationID: 3}
	ev := map[string]time.Time{EventLeftSchool: d("2020-07-31"), EventBirth: d("2007-11-30")}
	hs := []Holding{{school, "onderwijs", ev}, {school, "verzuim", ev}, {gem, "verzuim", ev}}
	a := Assess(model, hs, nil, d("2026-11-30"))
	if a.Due || a.DueFrom.Format(time.DateOnly) != "2026-12-01" {
		t.Fatalf("before the 19th birthday has passed: %+v", a)
	}
	if w := a.Waiting(d("2026-11-30")); len(w) != 1 || !strings.Contains(w[0], "gemeente") || !strings.Contains(w[0], "30 november 2026") {
		t.Fatalf("waiting: %q", w)
	}
	if a = Assess(model, hs, nil, d("2026-12-01")); !a.Due {
		t.Fatalf("after: %+v", a)
	}
	hold, err := NewHold(Hold{PupilID: 1, Reason: "klacht bij de Autoriteit Persoonsgegevens", Until: d("2027-06-30"), SetBy: 9}, d("2026-11-01"))
	if err != nil {
		t.Fatal(err)
	}
	if a = Assess(model, hs, []Hold{hold}, d("2026-12-01")); a.Due || a.Held == nil {
		t.Fatalf("hold ignored: %+v", a)
	}
	if a = Assess(model, hs, []Hold{hold}, d("2027-07-01")); !a.Due {
		t.Fatalf("hold after its end still stops: %+v", a)
	}
	hold.Lifted = d("2026-12-02")
	if a = Assess(model, hs, []Hold{hold}, d("2026-12-03")); !a.Due {
		t.Fatalf("lifted hold still stops: %+v", a)
	}
	if a = Assess(model, nil, nil, d("2090-01-01")); a.Due {
		t.Fatal("a unit without holdings is never due")
	}
}

func TestHoldValidation(t *testing.T) {
	today := d("2026-12-03")
	for _, c := range []struct {
		h     Hold
		field string
	}{
		{Hold{Reason: "x", Until: d("2027-01-01"), SetBy: 1}, "leerling"},
		{Hold{PupilID: 1, Reason: "  ", Until: d("2027-01-01"), SetBy: 1}, "reden"},
		{Hold{PupilID: 1, Reason: "x", SetBy: 1}, "tot"},
		{Hold{PupilID: 1, Reason: "x", Until: today, SetBy: 1}, "tot"},
		{Hold{PupilID: 1, Reason: "x", Until: d("2027-01-01")}, "door"},
	} {
		_, err := NewHold(c.h, today)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != c.field || !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: %v, want field %s", c.h, err, c.field)
		}
	}
	h, _ := NewHold(Hold{PupilID: 1, CaseID: 4, Reason: "bezwaar", Until: d("2027-01-01"), SetBy: 1}, today)
	if !h.Covers(1, 4) || h.Covers(1, 5) || h.Covers(2, 4) {
		t.Error("case hold covers the wrong units")
	}
	h.CaseID = 0
	if !h.Covers(1, 5) {
		t.Error("pupil hold does not cover the pupil's case")
	}
}

func TestPlanPerController(t *testing.T) {
	school := Controller{Party: "school", OrganisationID: 7}
	gem := Controller{Party: "gemeente", OrganisationID: 3}
	left := map[string]time.Time{EventLeftSchool: d("2020-07-31"), EventBirth: d("2005-01-01")}
	enrolled := map[string]time.Time{EventBirth: d("2012-01-01")}
	closed := map[string]time.Time{EventCaseClosed: d("2023-01-10")}
	cands := []Candidate{
		{Unit: Unit{Kind: UnitPupil, PupilID: 1}, Holdings: []Holding{{school, "verzuim", left}, {gem, "verzuim", left}}},
		{Unit: Unit{Kind: UnitPupil, PupilID: 2}, Holdings: []Holding{{school, "onderwijs", enrolled}}},
		{Unit: Unit{Kind: UnitCase, PupilID: 2, CaseID: 5}, Holdings: []Holding{{school, "casusverslag", closed}}},
		{Unit: Unit{Kind: UnitCase, PupilID: 2, CaseID: 6}, Holdings: []Holding{{school, "casusverslag", closed}},
			Holds: []Hold{{PupilID: 2, CaseID: 6, Reason: "rechtszaak", Until: d("2030-01-01")}}},
	}
	ps := Plan(model, cands, d("2026-12-03"))
	if len(ps) != 2 || ps[0].Controller != gem || ps[1].Controller != school {
		t.Fatalf("proposals: %+v", ps)
	}
	if len(ps[0].Items) != 1 || ps[0].Items[0].Unit.PupilID != 1 {
		t.Fatalf("gemeente: %+v", ps[0].Items)
	}
	var units []string
	for _, it := range ps[1].Items {
		units = append(units, it.Unit.String())
	}
	if strings.Join(units, "; ") != "leerling 1; casus 5 (leerling 2)" {
		t.Fatalf("school: %q", units)
	}
	if it := ps[1].Items[1]; len(it.Rules) != 1 || !strings.Contains(it.Rules[0], "2 jaar na afsluiting van de casus") || it.DueFrom.Format(time.DateOnly) != "2025-01-11" {
		t.Fatalf("item: %+v", it)
	}
}

func TestListWorkflow(t *testing.T) {
	at := d("2026-12-03")
	l := &List{Controller: Controller{Party: "gemeente", OrganisationID: 3}, Status: ListProposed}
	if err := l.Decide(Decision{UserID: 4, Name: "A. de Wit", Function: "teamleider", Approved: true, At: at}, "gemeente", "leerplicht"); err == nil {
		t.Fatal("decided without the FG's advice")
	}
	if err := l.Advise(Advice{UserID: 5, Name: "F. Gee", Opinion: OpinionPositive, At: at}, "leerplicht"); err == nil {
		t.Fatal("advice by someone who is not the FG")
	}
	if err := l.Advise(Advice{UserID: 5, Name: "F. Gee", Opinion: OpinionNegative, At: at}, "fg"); err == nil {
		t.Fatal("negative advice without a note")
	}
	if err := l.Advise(Advice{UserID: 5, Name: "F. Gee", Opinion: OpinionNegative, Note: "klacht loopt nog", At: at}, "fg"); err != nil {
		t.Fatal(err)
	}
	if err := l.Advise(Advice{UserID: 5, Name: "F. Gee", Opinion: OpinionPositive, At: at}, "fg"); err == nil {
		t.Fatal("second advice")
	}
	for _, c := range []struct {
		d           Decision
		party, role string
	}{
		{Decision{UserID: 5, Name: "F. Gee", Function: "FG", Approved: true, Note: "x"}, "gemeente", "fg"},
		{Decision{UserID: 6, Name: "B. Stuur", Function: "bestuurder", Approved: true, Note: "x"}, "school", "directeur"},
		{Decision{UserID: 4, Name: "A. de Wit", Approved: true, Note: "x"}, "gemeente", "leerplicht"},
		{Decision{UserID: 4, Name: "A. de Wit", Function: "teamleider", Approved: true}, "gemeente", "leerplicht"},
	} {
		if err := l.Decide(c.d, c.party, c.role); err == nil {
			t.Errorf("accepted: %+v as %s/%s", c.d, c.party, c.role)
		}
	}
	if err := l.Decide(Decision{UserID: 4, Name: "A. de Wit", Function: "teamleider leerplicht, gemandateerd door B en W", Approved: true, Note: "klacht is afgehandeld", At: at}, "gemeente", "leerplicht"); err != nil {
		t.Fatal(err)
	}
	if l.Status != ListApproved || !strings.Contains(l.Decision.Capacity, "zorgdrager") {
		t.Fatalf("after approval: %+v", l.Decision)
	}
	if Capacity("school") != "bevoegd gezag (bestuur)" {
		t.Error(Capacity("school"))
	}
	if got := CountsText(map[string]int{"casus_verslag": 3, "casus": 1, "leeg": 0}); got != "1 casus, 3 casus_verslag" {
		t.Error(got)
	}
}

func TestDutchDate(t *testing.T) {
	if DutchDate(d("2026-12-03")) != "3 december 2026" || DutchDate(time.Time{}) != "onbekend" {
		t.Fatal(DutchDate(d("2026-12-03")))
	}
}
