package absence

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func mustDate(t testing.TB, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func midden(t testing.TB) *Calendar {
	t.Helper()
	c, err := DefaultCalendar(Middle)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCalendarSchoolDays(t *testing.T) {
	c := midden(t)
	for _, tc := range []struct {
		day    string
		school bool
	}{
		{"2025-09-01", true},  // Monday
		{"2025-09-06", false}, // Saturday
		{"2025-10-20", false}, // herfstvakantie midden
		{"2025-10-27", true},
		{"2025-12-22", false}, // kerstvakantie
		{"2026-01-05", true},
		{"2025-04-21", false}, // Tweede Paasdag 2025
		{"2025-05-29", false}, // Hemelvaartsdag 2025
		{"2025-06-09", false}, // Tweede Pinksterdag 2025
		{"2025-05-30", true},  // Friday after Hemelvaart: the school's choice
		{"2026-04-27", false}, // Koningsdag 2026 (Monday, in meivakantie anyway)
		{"2025-07-18", true},  // last day before zomervakantie midden
		{"2025-07-21", false},
		{"2025-08-29", false},
	} {
		if got := c.IsSchoolDay(mustDate(t, tc.day)); got != tc.school {
			t.Errorf("%s: school day = %v, want %v", tc.day, got, tc.school)
		}
	}
	// Regions differ: zuid has herfstvakantie a week earlier in 2025.
	z, _ := DefaultCalendar(South)
	if z.IsSchoolDay(mustDate(t, "2025-10-13")) || !c.IsSchoolDay(mustDate(t, "2025-10-13")) {
		t.Error("zuid herfstvakantie 2025 should start 11 October")
	}
}

func TestLesweekSkipsHolidays(t *testing.T) {
	c := midden(t)
	lw := func(s string) int {
		n, ok := c.Lesweek(mustDate(t, s))
		if !ok {
			t.Fatalf("%s has no lesweek", s)
		}
		return n
	}
	if a, b := lw("2025-10-17"), lw("2025-10-27"); b-a != 1 {
		t.Errorf("lesweken around herfstvakantie: %d, %d", a, b)
	}
	if a, b := lw("2025-07-18"), lw("2025-09-01"); b-a != 1 {
		t.Errorf("lesweken around zomervakantie: %d, %d", a, b)
	}
	if _, ok := c.Lesweek(mustDate(t, "2025-10-22")); ok {
		t.Error("a holiday week is no lesweek")
	}
	if !c.Covers(mustDate(t, "2027-06-01")) || c.Covers(mustDate(t, "2029-01-01")) {
		t.Error("coverage")
	}
}

func TestBreaks(t *testing.T) {
	c := midden(t)
	for _, tc := range []struct {
		day string
		adj bool
	}{
		{"2025-10-17", true}, {"2025-10-27", true}, {"2025-10-16", false}, {"2025-10-10", false},
		{"2025-05-30", true},                         // after Hemelvaart
		{"2025-05-28", true},                         // before Hemelvaart
		{"2025-09-05", false}, {"2025-09-08", false}, // an ordinary weekend is no break
	} {
		if got := c.AdjacentToBreak(mustDate(t, tc.day)); got != tc.adj {
			t.Errorf("%s adjacent = %v, want %v", tc.day, got, tc.adj)
		}
	}
}

func TestReadHolidays(t *testing.T) {
	h, err := ReadHolidays(strings.NewReader("naam,van,tot\nherfst,2025-10-11,2025-10-19\nstudiedag,2025-11-12,2025-11-12\n"))
	if err != nil {
		t.Fatal(err)
	}
	c := NewCalendar(h)
	if c.IsSchoolDay(mustDate(t, "2025-10-13")) || c.IsSchoolDay(mustDate(t, "2025-11-12")) || !c.IsSchoolDay(mustDate(t, "2025-10-20")) {
		t.Error("own calendar not applied")
	}
	for _, bad := range []string{"", "naam,van\nx,2025-01-01\n", "naam,van,tot\nx,2025-01-05,2025-01-01\n", "naam,van,tot\nx,2025-01-32,2025-02-01\n", "naam,van,tot\n,2025-01-01,2025-01-02\n"} {
		if _, err := ReadHolidays(strings.NewReader(bad)); err == nil {
			t.Errorf("ReadHolidays(%q) accepted", bad)
		}
	}
}

func TestEaster(t *testing.T) {
	for y, want := range map[int]string{2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05", 2027: "2027-03-28", 2028: "2028-04-16"} {
		if got := easterSunday(y).String(); got != want {
			t.Errorf("easter %d = %s, want %s", y, got, want)
		}
	}
}

// TestBackMatchesWalk: back (school days counted from the calendar's prefix sums) answers as
// walking the school days one by one, also at the ends of the date range.
func TestBackMatchesWalk(t *testing.T) {
	e, _ := NewEvaluator(midden(t), DefaultRules())
	rng := rand.New(rand.NewPCG(5, 5))
	days := []Date{MinDate - 3, MinDate, MinDate + 1, MaxDate - 20, MaxDate, MaxDate + 1, MaxDate + 2, NewDate(2025, 12, 19), NewDate(2026, 1, 5)}
	for range 20000 {
		days = append(days, MinDate+Date(rng.IntN(int(MaxDate-MinDate))))
	}
	for i, last := range days {
		for _, d := range []Date{last - 1, last, last + 1, last + 5, last + 14, last + 15, last + 30, days[(i+1)%len(days)]} {
			if got, want := e.back(last, d), e.backSlow(last, d); got != want {
				t.Fatalf("back(%d, %d) = %v, walking gives %v", last, d, got, want)
			}
		}
	}
}
