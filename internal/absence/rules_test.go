package absence

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// regs builds registrations from lines "YYYY-MM-DD hours reason"; "YYYY-MM-DD..YYYY-MM-DD hours
// reason" repeats it on every school day of the range (inclusive).
func regs(t testing.TB, c *Calendar, lines ...string) []Registration {
	t.Helper()
	var out []Registration
	for _, l := range lines {
		f := strings.Fields(l)
		h, err := ParseHours(f[1])
		if err != nil {
			t.Fatal(err)
		}
		r, err := ParseReason(f[2])
		if err != nil {
			t.Fatal(err)
		}
		from, to, isRange := strings.Cut(f[0], "..")
		a := mustDate(t, from)
		b := a
		if isRange {
			b = mustDate(t, to)
		}
		for d := a; d <= b; d++ {
			if isRange && !c.IsSchoolDay(d) {
				continue
			}
			out = append(out, Registration{Pupil: "L1", Day: d, Hours: h, Reason: r})
		}
	}
	return out
}

// sig formats a signal compactly for comparison: kind van tot uren dagen [P].
func sig(s Signal) string {
	p := ""
	if s.Priority {
		p = " P"
	}
	return fmt.Sprintf("%s %s %s %s %d%s", s.Kind, s.From, s.To, s.Hours, s.Days, p)
}

func evalKinds(t *testing.T, in PupilInput, kinds ...Kind) []string {
	t.Helper()
	c := midden(t)
	e, err := NewEvaluator(c, DefaultRules())
	if err != nil {
		t.Fatal(err)
	}
	if in.AsOf == 0 {
		in.AsOf = mustDate(t, "2028-07-31")
	}
	in.Pupil = "L1"
	got, _, err := e.Evaluate(in)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range got {
		if slices.Contains(kinds, s.Kind) {
			out = append(out, sig(s))
		}
	}
	return out
}

type ruleCase struct {
	name  string
	lines []string
	ex    []Exemption
	meld  []string
	asOf  string
	want  []string
}

func runCases(t *testing.T, kind Kind, cases []ruleCase) {
	t.Helper()
	c := midden(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := PupilInput{Registrations: regs(t, c, tc.lines...), Exemptions: tc.ex}
			for _, m := range tc.meld {
				in.CaseClosed = append(in.CaseClosed, mustDate(t, m))
			}
			if tc.asOf != "" {
				in.AsOf = mustDate(t, tc.asOf)
			}
			got := evalKinds(t, in, kind)
			if !slices.Equal(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// All dates below are in holiday region midden, school year 2025-2026 unless said otherwise:
// herfstvakantie 18–26 Oct 2025, kerstvakantie 20 Dec 2025 – 4 Jan 2026, zomervakantie 2025
// 19 Jul – 31 Aug.
func TestRule16Hours(t *testing.T) {
	ex := func(k ExemptionKind, f, to string) Exemption {
		e, err := NewExemption(k, mustDate(t, f), mustDate(t, to))
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	runCases(t, Kind16Hours, []ruleCase{
		{name: "4 Mondays of 4 hours in 4 lesweken",
			lines: []string{"2025-09-01 4 ongeoorloofd", "2025-09-08 4 ongeoorloofd", "2025-09-15 4 ongeoorloofd", "2025-09-22 4 ongeoorloofd"},
			want:  []string{"16-uur-in-4-lesweken 2025-09-01 2025-09-22 16 0"}},
		{name: "spread over 5 lesweken is not enough",
			lines: []string{"2025-09-01 4 ongeoorloofd", "2025-09-08 4 ongeoorloofd", "2025-09-15 4 ongeoorloofd", "2025-09-29 4 ongeoorloofd"}},
		{name: "peildatum before the 16th hour",
			lines: []string{"2025-09-01 4 ongeoorloofd", "2025-09-08 4 ongeoorloofd", "2025-09-15 4 ongeoorloofd", "2025-09-22 4 ongeoorloofd"},
			asOf:  "2025-09-21"},
		{name: "herfstvakantie is no lesweek",
			lines: []string{"2025-10-06 4 ongeoorloofd", "2025-10-13 4 ongeoorloofd", "2025-10-27 4 ongeoorloofd", "2025-11-03 4 ongeoorloofd"},
			want:  []string{"16-uur-in-4-lesweken 2025-10-06 2025-11-03 16 0"}},
		{name: "across the school year boundary",
			lines: []string{"2025-07-07 4 ongeoorloofd", "2025-07-14 4 ongeoorloofd", "2025-09-01 4 ongeoorloofd", "2025-09-08 4 ongeoorloofd"},
			want:  []string{"16-uur-in-4-lesweken 2025-07-07 2025-09-08 16 0"}},
		{name: "whole days counted, reached on the 4th",
			lines: []string{"2025-09-01..2025-09-04 5 ongeoorloofd"},
			want:  []string{"16-uur-in-4-lesweken 2025-09-01 2025-09-04 20 4"}},
		{name: "continuing absence without a return is one episode that grows",
			lines: []string{"2025-09-01..2025-09-10 4 ongeoorloofd"},
			want:  []string{"16-uur-in-4-lesweken 2025-09-01 2025-09-10 32 0"}},
		{name: "cases closed by the gemeente end the episode; counting starts again",
			lines: []string{"2025-09-01..2025-09-19 4 ongeoorloofd"},
			meld:  []string{"2025-09-04", "2025-09-12"},
			want: []string{"16-uur-in-4-lesweken 2025-09-01 2025-09-04 16 0", "16-uur-in-4-lesweken 2025-09-05 2025-09-12 24 0",
				"16-uur-in-4-lesweken 2025-09-15 2025-09-19 20 0"}},
		{name: "three weeks of 4 hours a day: one episode",
			lines: []string{"2025-09-01..2025-09-19 4 ongeoorloofd"},
			want:  []string{"16-uur-in-4-lesweken 2025-09-01 2025-09-19 60 0"}},
		{name: "back at school for two lesweken, then 16 hours again: a new episode",
			lines: []string{"2025-09-01..2025-09-04 4 ongeoorloofd", "2025-09-22..2025-09-25 4 ongeoorloofd"},
			want:  []string{"16-uur-in-4-lesweken 2025-09-01 2025-09-04 16 0", "16-uur-in-4-lesweken 2025-09-22 2025-09-25 16 0"}},
		{name: "back for less than two lesweken: the same episode",
			lines: []string{"2025-09-01..2025-09-04 4 ongeoorloofd", "2025-09-15..2025-09-18 4 ongeoorloofd"},
			want:  []string{"16-uur-in-4-lesweken 2025-09-01 2025-09-18 32 0"}},
		{name: "16 hours in 4 lesweken count across a return after beginnend verzuim: that episode grows",
			lines: []string{"2025-09-01..2025-09-03 1 ongeoorloofd", "2025-09-22..2025-09-23 5 ongeoorloofd", "2025-09-24 3 ongeoorloofd"},
			want:  []string{"16-uur-in-4-lesweken 2025-09-01 2025-09-24 16 2"}},
		{name: "a case closed restarts the count",
			lines: []string{"2025-09-01 4 ongeoorloofd", "2025-09-08 4 ongeoorloofd", "2025-09-15 4 ongeoorloofd", "2025-09-22 4 ongeoorloofd"},
			meld:  []string{"2025-09-10"}},
		{name: "leave (art. 14) stops the count for its period",
			lines: []string{"2025-09-01 4 ongeoorloofd", "2025-09-08 4 ongeoorloofd", "2025-09-15 4 ongeoorloofd", "2025-09-22 4 ongeoorloofd"},
			ex:    []Exemption{ex(Leave14, "2025-09-15", "2025-09-15")}},
		{name: "authorised, sick and suspension do not count",
			lines: []string{"2025-09-01 4 ongeoorloofd", "2025-09-08 4 geoorloofd", "2025-09-09 4 ziek", "2025-09-10 5 schorsing", "2025-09-11 5 verlof", "2025-09-15 4 ongeoorloofd", "2025-09-22 4 ongeoorloofd"}},
		{name: "te-laat counts, several rows of a day add up",
			lines: []string{"2025-09-01 4 ongeoorloofd", "2025-09-08 4 ongeoorloofd", "2025-09-15 3,5 ongeoorloofd", "2025-09-15 0,5 te-laat", "2025-09-22 3,5 ongeoorloofd", "2025-09-22 0,25 te-laat", "2025-09-22 0,25 te-laat"},
			want:  []string{"16-uur-in-4-lesweken 2025-09-01 2025-09-22 16 0"}},
		{name: "a weekend registration does not count",
			lines: []string{"2025-09-01 4 ongeoorloofd", "2025-09-06 4 ongeoorloofd", "2025-09-15 4 ongeoorloofd", "2025-09-22 4 ongeoorloofd"}},
	})
}

func TestRuleLongTerm(t *testing.T) {
	runCases(t, KindLongTerm, []ruleCase{
		{name: "4 complete lesweken", lines: []string{"2025-09-01..2025-09-26 5 ongeoorloofd"},
			want: []string{"langdurig-relatief-verzuim 2025-09-01 2025-09-26 100 20"}},
		{name: "one day short", lines: []string{"2025-09-01..2025-09-25 5 ongeoorloofd"}},
		{name: "starting mid-week needs 4 complete weeks after it", lines: []string{"2025-09-03..2025-09-26 5 ongeoorloofd"}},
		{name: "starting mid-week, 4 complete weeks", lines: []string{"2025-09-03..2025-10-03 5 ongeoorloofd"},
			want: []string{"langdurig-relatief-verzuim 2025-09-03 2025-10-03 115 23"}},
		{name: "across herfstvakantie", lines: []string{"2025-10-06..2025-11-07 5 ongeoorloofd"},
			want: []string{"langdurig-relatief-verzuim 2025-10-06 2025-11-07 100 20"}},
		{name: "part days do not count", lines: []string{"2025-09-01..2025-09-26 4 ongeoorloofd"}},
		{name: "a sick day breaks the run", lines: []string{"2025-09-01..2025-09-12 5 ongeoorloofd", "2025-09-15 5 ziek", "2025-09-16..2025-10-10 5 ongeoorloofd"}},
		{name: "priority beyond 3 months", lines: []string{"2025-09-01..2025-12-19 5 ongeoorloofd"},
			want: []string{"langdurig-relatief-verzuim 2025-09-01 2025-12-19 375 75 P"}},
		{name: "ongoing at the peildatum", lines: []string{"2025-09-01..2025-12-19 5 ongeoorloofd"}, asOf: "2025-10-03",
			want: []string{"langdurig-relatief-verzuim 2025-09-01 2025-10-03 125 25"}},
	})
}

func TestRuleLuxury(t *testing.T) {
	runCases(t, KindLuxury, []ruleCase{
		{name: "Friday before herfstvakantie", lines: []string{"2025-10-17 5 ongeoorloofd"},
			want: []string{"luxe-verzuim 2025-10-17 2025-10-17 5 1"}},
		{name: "Thursday and Friday before", lines: []string{"2025-10-16..2025-10-17 5 ongeoorloofd"},
			want: []string{"luxe-verzuim 2025-10-16 2025-10-17 10 2"}},
		{name: "Monday after", lines: []string{"2025-10-27 5 ongeoorloofd"},
			want: []string{"luxe-verzuim 2025-10-27 2025-10-27 5 1"}},
		{name: "Friday after Hemelvaart 2026", lines: []string{"2026-05-15 5 ongeoorloofd"},
			want: []string{"luxe-verzuim 2026-05-15 2026-05-15 5 1"}},
		{name: "an ordinary Wednesday", lines: []string{"2025-10-15 5 ongeoorloofd"}},
		{name: "an ordinary Friday", lines: []string{"2025-10-10 5 ongeoorloofd"}},
		{name: "sick before the holiday is not luxe", lines: []string{"2025-10-17 5 ziek"}},
		{name: "granted leave (art. 13a) before the holiday", lines: []string{"2025-10-17 5 verlof"}},
	})
}

func TestRuleMAZL(t *testing.T) {
	runCases(t, KindMAZL, []ruleCase{
		{name: "4 reports in 12 lesweken (across herfstvakantie)",
			lines: []string{"2025-09-01 5 ziek", "2025-09-15 5 ziek", "2025-10-06..2025-10-07 5 ziek", "2025-11-03 5 ziek"},
			want:  []string{"mazl 2025-09-01 2025-11-03 25 5"}},
		{name: "3 reports", lines: []string{"2025-09-01 5 ziek", "2025-09-15 5 ziek", "2025-10-06 5 ziek"}},
		{name: "4 reports over more than 12 lesweken",
			lines: []string{"2025-09-01 5 ziek", "2025-09-15 5 ziek", "2025-10-06 5 ziek", "2025-12-01 5 ziek"}},
		{name: "consecutive days are one report", lines: []string{"2025-09-01..2025-09-05 2 ziek"}},
		{name: "7th consecutive school day", lines: []string{"2025-09-01..2025-09-09 5 ziek"},
			want: []string{"mazl 2025-09-01 2025-09-09 35 7"}},
		{name: "6 consecutive days", lines: []string{"2025-09-01..2025-09-08 5 ziek"}},
		{name: "7 school days across herfstvakantie, the episode grows to the 8th", lines: []string{"2025-10-13..2025-10-29 5 ziek"},
			want: []string{"mazl 2025-10-13 2025-10-29 40 8"}},
		{name: "sick every other week: one episode, not a signal per 4 reports",
			lines: []string{"2025-09-01 5 ziek", "2025-09-08 5 ziek", "2025-09-15 5 ziek", "2025-09-22 5 ziek", "2025-09-29 5 ziek", "2025-10-06 5 ziek", "2025-10-13 5 ziek", "2025-10-27 5 ziek"},
			want:  []string{"mazl 2025-09-01 2025-10-27 40 8"}},
	})
}

func TestRuleStarting(t *testing.T) {
	runCases(t, KindStarting, []ruleCase{
		{name: "3 days in 4 lesweken", lines: []string{"2025-09-01 1 ongeoorloofd", "2025-09-10 1 te-laat", "2025-09-22 1 ongeoorloofd"},
			want: []string{"beginnend-verzuim 2025-09-01 2025-09-22 3 0"}},
		{name: "3 days in 5 lesweken", lines: []string{"2025-09-01 1 ongeoorloofd", "2025-09-10 1 ongeoorloofd", "2025-09-29 1 ongeoorloofd"}},
		{name: "reaching 16 hours is the other signal", lines: []string{"2025-09-01 6 ongeoorloofd", "2025-09-02 5 ongeoorloofd", "2025-09-03 5 ongeoorloofd"}},
		{name: "late every day: one episode, not a signal every three days", lines: []string{"2025-09-01..2025-09-08 1 te-laat"},
			want: []string{"beginnend-verzuim 2025-09-01 2025-09-08 6 0"}},
		{name: "beginnend verzuim, back, absence again outside the 16-hour window: two episodes",
			lines: []string{"2025-09-01..2025-09-03 1 ongeoorloofd", "2025-10-06..2025-10-08 1 ongeoorloofd"},
			want:  []string{"beginnend-verzuim 2025-09-01 2025-09-03 3 0", "beginnend-verzuim 2025-10-06 2025-10-08 3 0"}},
		{name: "zero-hour rows are no absence", lines: []string{"2025-09-01 0 ongeoorloofd", "2025-09-10 0 te-laat", "2025-09-22 1 ongeoorloofd"}},
	})
}

func TestRuleSickSuspect(t *testing.T) {
	runCases(t, KindSickSuspect, []ruleCase{
		{name: "suspected sick run", lines: []string{"2025-09-01..2025-09-02 5 ziek-vermoedelijk-ongeoorloofd", "2025-09-03 5 ziek"},
			want: []string{"overig-verzuim 2025-09-01 2025-09-02 10 2"}},
		{name: "plain sick is never reported", lines: []string{"2025-09-01..2025-09-30 5 ziek"}},
	})
}

func TestExemptionStopsEverything(t *testing.T) {
	c := midden(t)
	e, _ := NewEvaluator(c, DefaultRules())
	lines := regs(t, c, "2025-09-01..2025-12-19 5 ongeoorloofd", "2026-01-05..2026-01-30 5 ziek")
	ex, err := NewExemption(Exempt5a, mustDate(t, "2025-08-01"), 0)
	if err != nil {
		t.Fatal(err)
	}
	got, st, err := e.Evaluate(PupilInput{Pupil: "L1", Registrations: lines, Exemptions: []Exemption{ex}, AsOf: mustDate(t, "2026-06-01")})
	if err != nil || len(got) != 0 || st.Exempt != len(lines) {
		t.Fatalf("signals %v, stats %+v, err %v", got, st, err)
	}
	// Without it there are signals of several kinds.
	got, _, _ = e.Evaluate(PupilInput{Pupil: "L1", Registrations: lines, AsOf: mustDate(t, "2026-06-01")})
	if len(got) < 3 {
		t.Fatalf("expected signals without exemption, got %v", got)
	}
}

func TestDayOver24Hours(t *testing.T) {
	c := midden(t)
	e, _ := NewEvaluator(c, DefaultRules())
	r := regs(t, c, "2025-09-01 20 ongeoorloofd", "2025-09-01 5 ziek")
	r[1].Line = 7
	_, _, err := e.Evaluate(PupilInput{Pupil: "L1", Registrations: r, AsOf: mustDate(t, "2026-01-01")})
	if err == nil || !strings.Contains(err.Error(), "regel 7") {
		t.Fatalf("err = %v", err)
	}
}

func TestRulesValidate(t *testing.T) {
	r := DefaultRules()
	r.MAZLReports = 0
	if _, err := NewEvaluator(midden(t), r); err == nil {
		t.Error("invalid rules accepted")
	}
	r = DefaultRules()
	r.SetLessonHours(0)
	if err := r.Validate(); err == nil {
		t.Error("zero lesson hours accepted")
	}
}

// TestKindIndex: every kind has its own index below nKinds, so no two kinds share a source text.
func TestKindIndex(t *testing.T) {
	seen := map[int]Kind{}
	for _, k := range Kinds() {
		i := kindIndex(k)
		if o, dup := seen[i]; dup || i < 0 || i >= nKinds {
			t.Fatalf("kind %s has index %d (also %s)", k, i, o)
		}
		seen[i] = k
	}
	if len(seen) != nKinds {
		t.Fatalf("%d kinds, nKinds %d", len(seen), nKinds)
	}
}
