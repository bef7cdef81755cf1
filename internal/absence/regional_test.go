package absence

import (
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/convenant"
)

// regionalFixture is the model convenant with a later version from 7 September 2026 (a Monday in
// school time): long sick absence to leerplicht after 10 school days, and the M@ZL day from 7 to 5.
func regionalFixture(t *testing.T) convenant.RegionalSettings {
	t.Helper()
	src := strings.Replace(string(convenant.DefaultYAML()), "  leerplicht_eerste_contact_schooldagen: 5\n", `  leerplicht_eerste_contact_schooldagen: 5
  versies:
    - geldig_vanaf: 2026-09-07
      langdurig_ziekteverzuim_naar_leerplicht: true
      langdurig_ziekteverzuim_na_schooldagen: 10
      mazl_aaneengesloten_schooldagen: 5
`, 1)
	k, err := convenant.Load([]byte(src), "regio.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return k.Regional()
}

// sickFrom registers n consecutive school days ill from day d.
func sickFrom(cal *Calendar, d Date, n int) []Registration {
	var rs []Registration
	for d = cal.NextSchoolDay(d); len(rs) < n; d = cal.NextSchoolDay(d + 1) {
		rs = append(rs, Registration{Pupil: "L1", Day: d, Hours: HoursOf(5), Reason: Sick})
	}
	return rs
}

// TestRegionalRuleVersionsBoundaryDay: the convenant's switches decide the signals, and the
// version in force on the day an episode opens decides that episode. A sick spell that begins on
// the last school day before the boundary is judged by the old rules (no long sick signal; M@ZL on
// the 7th day), one that begins on the boundary day itself by the new ones (long sick absence to
// leerplicht on the 10th day; M@ZL on the 5th).
func TestRegionalRuleVersionsBoundaryDay(t *testing.T) {
	cal, err := DefaultCalendar(Region("midden"))
	if err != nil {
		t.Fatal(err)
	}
	reg := regionalFixture(t)
	ev, err := NewRegionalEvaluator(cal, DefaultRules(), reg, "convenant regio.yaml")
	if err != nil {
		t.Fatal(err)
	}
	boundary := NewDate(2026, 9, 7)
	before := NewDate(2026, 9, 4) // Friday
	if !cal.IsSchoolDay(boundary) || !cal.IsSchoolDay(before) || cal.NextSchoolDay(before+1) != boundary {
		t.Fatal("testopzet: 4 en 7 september 2026 zijn opeenvolgende schooldagen")
	}
	if r := ev.RulesOn(before); r.LongSickDays != 0 || r.MAZLConsecutive != 7 {
		t.Fatalf("regels op 4 september: %+v", r)
	}
	if r := ev.RulesOn(boundary); r.LongSickDays != 10 || r.MAZLConsecutive != 5 {
		t.Fatalf("regels op de grensdag: %+v", r)
	}
	run := func(start Date) map[Kind]Signal {
		t.Helper()
		regs := sickFrom(cal, start, 12)
		sigs, _, err := ev.Evaluate(PupilInput{Pupil: "L1", Registrations: regs, AsOf: NewDate(2026, 10, 30)})
		if err != nil {
			t.Fatal(err)
		}
		out := map[Kind]Signal{}
		for _, s := range sigs {
			if _, dup := out[s.Kind]; dup {
				t.Fatalf("twee signalen %s voor één ziekteperiode: %+v", s.Kind, sigs)
			}
			out[s.Kind] = s
		}
		return out
	}
	nth := func(start Date, n int) Date { return sickFrom(cal, start, n)[n-1].Day }

	old := run(before)
	if _, ok := old[KindLongSick]; ok {
		t.Errorf("een ziekteperiode die vóór de grensdag begon, kreeg de nieuwe regel: %+v", old[KindLongSick])
	}
	if m, ok := old[KindMAZL]; !ok || m.Reached != nth(before, 7) {
		t.Errorf("M@ZL vóór de grens: op de 7e dag (%s) verwacht, kreeg %+v", nth(before, 7), m)
	}

	now := run(boundary)
	ls, ok := now[KindLongSick]
	if !ok {
		t.Fatalf("geen signaal langdurig ziekteverzuim op de 10e dag van een periode die op de grensdag begon: %+v", now)
	}
	if ls.From != boundary || ls.Reached != nth(boundary, 10) || ls.Days != 12 {
		t.Errorf("langdurig ziekteverzuim: %+v (bereikt %s verwacht)", ls, nth(boundary, 10))
	}
	if !strings.Contains(ls.Source, "10e aaneengesloten schooldag") || !strings.Contains(ls.Source, "convenant regio.yaml, vanaf 7 september 2026") {
		t.Errorf("bron: %s", ls.Source)
	}
	if m, ok := now[KindMAZL]; !ok || m.Reached != nth(boundary, 5) {
		t.Errorf("M@ZL vanaf de grens: op de 5e dag (%s) verwacht, kreeg %+v", nth(boundary, 5), m)
	}
	mc, err := ProposeMelding(ls)
	if err != nil || mc.Type != MeldingSignal || mc.Type.Statutory() {
		t.Errorf("langdurig ziekteverzuim stelt een melding signaal verzuim (overig) voor: %+v %v", mc, err)
	}

	// Without versies the file's settings apply always, and the model reports no sick absence.
	plain, err := NewRegionalEvaluator(cal, DefaultRules(), convenant.DefaultRegional(), "model")
	if err != nil {
		t.Fatal(err)
	}
	sigs, _, _ := plain.Evaluate(PupilInput{Pupil: "L1", Registrations: sickFrom(cal, boundary, 20), AsOf: NewDate(2026, 10, 30)})
	for _, s := range sigs {
		if s.Kind == KindLongSick {
			t.Errorf("het model meldt langdurig ziekteverzuim niet aan leerplicht: %+v", s)
		}
		if strings.Contains(s.Source, "vanaf") {
			t.Errorf("één versie noemt geen datum in de bron: %s", s.Source)
		}
	}
}
