package casework

import (
	"errors"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/convenant"
)

func TestTriggers(t *testing.T) {
	k := model(t)
	cfg := DefaultConfig()
	plan := Plan{
		{Description: "gesprek", Status: AgreementOpen, ProgressAt: day("2026-03-02")},
		{Description: "aanmelding zorg", Status: AgreementDone, ProgressAt: day("2026-03-09")},
	}
	tests := []struct {
		name string
		plan Plan
		home time.Time
		now  time.Time
		want []string
	}{
		{"verse afspraken", plan, time.Time{}, day("2026-04-10"), nil},
		{"6 weken stil", plan, time.Time{}, day("2026-04-20"), []string{ReasonStalled}},
		{"alles afgerond", Plan{plan[1]}, time.Time{}, day("2026-09-01"), nil},
		{"geen plan", nil, time.Time{}, day("2026-09-01"), nil},
		{"thuiszitter 2 maanden", nil, day("2026-01-15"), day("2026-03-14"), nil},
		{"thuiszitter 3 maanden", nil, day("2026-01-15"), day("2026-04-15"), []string{ReasonThuiszitter}},
		{"beide", plan, day("2026-01-15"), day("2026-05-01"), []string{ReasonStalled, ReasonThuiszitter}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := zat(t, k)
			got := Triggers(c, tt.plan, tt.home, tt.now, cfg)
			if len(got) != len(tt.want) {
				t.Fatalf("triggers %+v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i].Reason != tt.want[i] || got[i].Detail == "" {
					t.Errorf("trigger %d: %+v", i, got[i])
				}
			}
		})
	}
	short := Config{StallWeeks: 2, ThuiszitterLimit: convenant.Period{Months: 1}}
	if got := Triggers(zat(t, k), plan, day("2026-03-01"), day("2026-04-01"), short); len(got) != 2 {
		t.Errorf("configured limits not used: %+v", got)
	}
	if err := (Config{StallWeeks: 0, ThuiszitterLimit: convenant.Period{Months: 3}}).Validate(); !errors.Is(err, ErrInvalid) {
		t.Errorf("0 weeks accepted")
	}
}

func TestEscalateAndDecide(t *testing.T) {
	k := model(t)
	now := day("2026-06-01")
	in := EscalateInput{Reason: ReasonThuiszitter, Detail: "thuis sinds januari", Consultant: input(oc),
		Holder: Doorzettingsmacht{Name: "A. Directeur", Function: "directeur-bestuurder SWV", OrganisationID: 20}}
	c := zat(t, k)
	c.Phase = "uitvoering-en-evaluatie"
	bad := in
	bad.Holder = Doorzettingsmacht{}
	if err := c.Escalate(k, bad, zoco, now); !errors.Is(err, ErrInvalid) {
		t.Errorf("escalated without doorzettingsmacht: %v", err)
	}
	if err := c.Escalate(k, in, jarts, now); !errors.Is(err, ErrNotAllowed) {
		t.Errorf("jeugdarts escalated: %v", err)
	}
	if err := c.Escalate(k, in, zoco, now); err != nil {
		t.Fatal(err)
	}
	if c.Type != TypeDoorbraak || c.PreviousType != "zat" || c.Phase != "overleg" {
		t.Errorf("type %s (was %s), phase %s", c.Type, c.PreviousType, c.Phase)
	}
	if p, ok := c.ParticipantFor(oc); !ok || !p.Active() {
		t.Errorf("onderwijsconsulent not brought in")
	}
	if err := c.Escalate(k, in, zoco, now); !errors.Is(err, ErrInvalid) {
		t.Errorf("escalated twice: %v", err)
	}
	if err := c.DecideBreakthrough("plaatsing op school X per 1 juli", lpa, now); !errors.Is(err, ErrNotAllowed) {
		t.Errorf("leerplicht recorded the decision: %v", err)
	}
	if err := c.DecideBreakthrough("plaatsing op school X per 1 juli", oc, now); err != nil {
		t.Fatal(err)
	}
	if c.Escalation.Decision == "" || c.Escalation.DecidedBy != oc.UserID {
		t.Errorf("decision %+v", c.Escalation)
	}
	// The SWV may escalate a case it does not lead.
	c2 := zat(t, k)
	if err := c2.Escalate(k, EscalateInput{Reason: ReasonManual, Detail: "ouders vragen erom", Consultant: input(oc), Holder: in.Holder}, swvc, now); err != nil {
		t.Errorf("SWV escalation: %v", err)
	}
}

func TestCloseStartsRetention(t *testing.T) {
	k := model(t)
	c := zat(t, k)
	now := day("2026-07-01")
	if err := c.Close(k, "weg", "", nil, zoco, now); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown result: %v", err)
	}
	if err := c.Close(k, ResultOther, "", nil, zoco, now); !errors.Is(err, ErrInvalid) {
		t.Errorf("anders without note: %v", err)
	}
	if err := c.Close(k, ResultBackToSchool, "", nil, lpa, now); !errors.Is(err, ErrNotAllowed) {
		t.Errorf("leerplicht closed: %v", err)
	}
	if err := c.Close(k, ResultBackToSchool, "", []string{"jeugdhulp"}, zoco, now); err != nil {
		t.Fatal(err)
	}
	if !c.Closed() || c.Phase != "afsluiting" {
		t.Fatalf("closed %v phase %s", c.Closed(), c.Phase)
	}
	clocks := map[[2]string]RetentionClock{}
	for _, rc := range c.Closure.Retention {
		clocks[[2]string{rc.Category, rc.Party}] = rc
	}
	check := func(cat, party, until, from string) {
		t.Helper()
		rc, ok := clocks[[2]string{cat, party}]
		if !ok {
			t.Fatalf("no clock for %s at %s", cat, party)
		}
		if rc.From != from || (until == "" && !rc.Until.IsZero()) || (until != "" && !rc.Until.Equal(dayOf(day(until)))) {
			t.Errorf("%s at %s: until %s from %s", cat, party, rc.Until.Format(time.DateOnly), rc.From)
		}
	}
	check(CatMinutes, PartySchool, "2028-07-01", "afsluiting-casus")
	check(CatMinutes, PartyGemeente, "2030-09-01", "geboortedatum") // 19 years after birth (VNG 12.1.3)
	check("jeugdhulp", PartySchool, "2028-07-01", "afsluiting-casus")
	check("jeugdhulp", PartyJeugdhulp, "", "einde-jeugdhulp") // waits for the end of jeugdhulp
	if err := c.Advance(k, "overleg", "", zoco, now); !errors.Is(err, ErrClosed) {
		t.Errorf("closed case moved: %v", err)
	}
}
