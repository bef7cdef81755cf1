package absence

import (
	"strings"
	"testing"
)

// TestRulesVersionedByDate: a region lowers the art. 21a threshold from 16 to 12 hours from
// 1 August 2026 (a new school year). The same 14 hours of unauthorised absence give no 16-hour
// signal in June 2026 and one in September 2026; the signal cites the rule in force; an episode
// that began before the boundary stays judged by the old rules.
func TestRulesVersionedByDate(t *testing.T) {
	cal, err := DefaultCalendar(Region("noord"))
	if err != nil {
		t.Fatal(err)
	}
	old := DefaultRules()
	lower := DefaultRules()
	lower.Threshold16 = HoursOf(12)
	boundary := NewDate(2026, 8, 1)
	ev, err := NewVersionedEvaluator(cal, []RuleVersion{{Rules: old}, {From: boundary, Rules: lower, Source: "regionaal verzuimprotocol 2026-2027"}})
	if err != nil {
		t.Fatal(err)
	}
	if ev.RulesOn(NewDate(2026, 7, 31)).Threshold16 != HoursOf(16) || ev.RulesOn(boundary).Threshold16 != HoursOf(12) {
		t.Fatal("RulesOn")
	}
	// 14 hours: 2 + 3 + 3 + 3 + 3 on five school days of one week.
	week := func(mon Date) []Registration {
		var rs []Registration
		for i, h := range []int{2, 3, 3, 3, 3} {
			rs = append(rs, Registration{Pupil: "L1", Day: mon + Date(i), Hours: HoursOf(h), Reason: Unauthorised})
		}
		return rs
	}
	has16 := func(regs []Registration, asOf Date) (Signal, bool) {
		t.Helper()
		sigs, _, err := ev.Evaluate(PupilInput{Pupil: "L1", Registrations: regs, AsOf: asOf})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sigs {
			if s.Kind == Kind16Hours {
				return s, true
			}
		}
		return Signal{}, false
	}
	june := NewDate(2026, 6, 1) // a Monday in school time
	if june.Weekday().String() != "Monday" {
		t.Fatalf("testopzet: %s is een %s", june, june.Weekday())
	}
	if _, ok := has16(week(june), NewDate(2026, 6, 30)); ok {
		t.Fatal("juni 2026: 14 uur is onder de drempel van 16 die toen gold")
	}
	sept := NewDate(2026, 9, 7)
	if sept.Weekday().String() != "Monday" || !cal.IsSchoolDay(sept) {
		t.Fatalf("testopzet: %s", sept)
	}
	s, ok := has16(week(sept), NewDate(2026, 9, 30))
	if !ok {
		t.Fatal("september 2026: 14 uur is boven de nieuwe drempel van 12")
	}
	if !strings.Contains(s.Source, "12 uur") || !strings.Contains(s.Source, "verzuimprotocol 2026-2027") {
		t.Errorf("bron noemt de regel die gold niet: %s", s.Source)
	}
	// The old rules alone would give nothing in September: the version decides.
	plain, err := NewEvaluator(cal, old)
	if err != nil {
		t.Fatal(err)
	}
	sigs, _, _ := plain.Evaluate(PupilInput{Pupil: "L1", Registrations: week(sept), AsOf: NewDate(2026, 9, 30)})
	for _, x := range sigs {
		if x.Kind == Kind16Hours {
			t.Fatal("testopzet: de oude regels geven ook een signaal")
		}
	}
	// Both periods in one input: still one decision per episode, each under its own version.
	both := append(week(june), week(sept)...)
	all, _, err := ev.Evaluate(PupilInput{Pupil: "L1", Registrations: both, AsOf: NewDate(2026, 9, 30)})
	if err != nil {
		t.Fatal(err)
	}
	n16 := 0
	for _, x := range all {
		if x.Kind == Kind16Hours {
			n16++
			if x.From < boundary {
				t.Errorf("een episode van juni werd met de nieuwe regels beoordeeld: %+v", x)
			}
		}
	}
	if n16 != 1 {
		t.Errorf("%d signalen 16 uur, verwacht 1: %+v", n16, all)
	}
	if _, err := NewVersionedEvaluator(cal, []RuleVersion{{From: boundary, Rules: old}, {From: boundary, Rules: lower}}); err == nil {
		t.Error("twee versies met dezelfde datum")
	}
}
