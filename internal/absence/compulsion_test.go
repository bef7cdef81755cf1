package absence

import "testing"

func TestCompulsion(t *testing.T) {
	for _, tc := range []struct {
		birth, on string
		facts     CompulsionFacts
		want      Compulsion
	}{
		{"2020-03-15", "2025-03-31", CompulsionFacts{}, NotCompulsory},
		{"2020-03-15", "2025-04-01", CompulsionFacts{}, Leerplicht},    // first of the month after turning 5
		{"2020-03-01", "2025-03-31", CompulsionFacts{}, NotCompulsory}, // turning 5 on the 1st: still next month
		{"2020-12-10", "2026-01-01", CompulsionFacts{}, Leerplicht},    // across the year end
		{"2009-07-31", "2025-07-31", CompulsionFacts{}, Leerplicht},    // turned 16 on the last day of the school year
		{"2009-07-31", "2025-08-01", CompulsionFacts{}, Kwalificatieplicht},
		{"2009-08-01", "2026-07-31", CompulsionFacts{}, Leerplicht}, // turned 16 on 1 Aug 2025: to the end of that school year
		{"2009-08-01", "2026-08-01", CompulsionFacts{}, Kwalificatieplicht},
		{"2009-08-01", "2027-07-31", CompulsionFacts{}, Kwalificatieplicht}, // 18 only on 2027-08-01
		{"2009-08-01", "2027-08-01", CompulsionFacts{}, NotCompulsory},
		{"2010-05-05", "2025-09-01", CompulsionFacts{TwelveYearsCompleted: NewDate(2025, 6, 1)}, Kwalificatieplicht},
		{"2008-05-05", "2025-09-01", CompulsionFacts{Startkwalificatie: NewDate(2025, 7, 1)}, NotCompulsory},
		{"2008-05-05", "2025-09-01", CompulsionFacts{}, Kwalificatieplicht},
		{"2008-05-05", "2026-05-05", CompulsionFacts{}, NotCompulsory}, // 18th birthday
		{"2008-02-29", "2026-02-28", CompulsionFacts{}, Kwalificatieplicht},
		{"2008-02-29", "2026-03-01", CompulsionFacts{}, NotCompulsory},
	} {
		got := CompulsionAt(mustDate(t, tc.birth), mustDate(t, tc.on), tc.facts)
		if got != tc.want {
			t.Errorf("born %s on %s %+v: %s, want %s", tc.birth, tc.on, tc.facts, got, tc.want)
		}
	}
	if !Leerplichtig(mustDate(t, "2015-01-01"), mustDate(t, "2025-09-01")) || Leerplichtig(mustDate(t, "2005-01-01"), mustDate(t, "2025-09-01")) {
		t.Error("Leerplichtig")
	}
}

func TestAbsoluteAbsence(t *testing.T) {
	e, _ := NewEvaluator(midden(t), DefaultRules())
	birth := mustDate(t, "2012-04-10")
	asOf := mustDate(t, "2025-10-10")
	in := AbsoluteInput{Pupil: "L1", Birth: birth, AsOf: asOf,
		Enrolments: []Enrolment{{From: mustDate(t, "2017-05-01"), To: mustDate(t, "2025-09-19")}}}
	s, ok := e.AbsoluteAbsence(in)
	if !ok || s.From.String() != "2025-09-20" || s.To != asOf || s.Days != 15 || s.Kind != KindAbsolute || s.Priority {
		t.Fatalf("%v %+v", ok, s)
	}
	// Enrolled: none.
	in2 := in
	in2.Enrolments = append(in2.Enrolments, Enrolment{From: mustDate(t, "2025-10-01")})
	if _, ok := e.AbsoluteAbsence(in2); ok {
		t.Error("enrolled pupil signalled")
	}
	// Exempt (art. 5 sub a): none.
	ex, _ := NewExemption(Exempt5a, mustDate(t, "2025-09-20"), 0)
	in3 := in
	in3.Exemptions = []Exemption{ex}
	if _, ok := e.AbsoluteAbsence(in3); ok {
		t.Error("exempt pupil signalled")
	}
	// Too young / too old: none.
	in4 := in
	in4.Birth = mustDate(t, "2021-01-01")
	if _, ok := e.AbsoluteAbsence(in4); ok {
		t.Error("4-year-old signalled")
	}
	// Never enrolled, longer than 3 months: priority.
	in5 := AbsoluteInput{Pupil: "L2", Birth: mustDate(t, "2019-01-15"), AsOf: asOf}
	s, ok = e.AbsoluteAbsence(in5)
	if !ok || s.From.String() != "2024-02-01" || !s.Priority {
		t.Fatalf("never enrolled: %v %+v", ok, s)
	}
}
