package civil

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Date
		ok   bool
	}{
		{"2026-12-03", Date{2026, 12, 3}, true},
		{"03-12-2026", Date{2026, 12, 3}, true},
		{" 29-02-2028 ", Date{2028, 2, 29}, true},
		{"2025-02-29", Date{}, false},
		{"31-04-2026", Date{}, false},
		{"2026/12/03", Date{}, false},
		{"", Date{}, false},
	} {
		got, err := ParseDate(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestParseISOIsStrict(t *testing.T) {
	if _, err := ParseISO("03-12-2026"); err == nil {
		t.Error("ParseISO accepted the Dutch order")
	}
	if d, err := ParseISO("2026-12-03"); err != nil || d != (Date{2026, 12, 3}) {
		t.Errorf("ParseISO = %v, %v", d, err)
	}
}

func TestTodayIsDutch(t *testing.T) {
	// 23:30 UTC on 31 March is already 1 April in Amsterdam (summer time, UTC+2).
	now := time.Date(2026, 3, 31, 23, 30, 0, 0, time.UTC)
	if got := Today(now); got != (Date{2026, 4, 1}) {
		t.Errorf("Today = %v, want 2026-04-01", got)
	}
}

func TestAgeOnAndArithmetic(t *testing.T) {
	birth := Date{2010, 5, 10}
	if AgeOn(birth, Date{2026, 5, 9}) != 15 || AgeOn(birth, Date{2026, 5, 10}) != 16 {
		t.Error("the birthday itself counts as the new age")
	}
	leap := Date{2008, 2, 29}
	if AgeOn(leap, Date{2026, 2, 28}) != 17 || AgeOn(leap, Date{2026, 3, 1}) != 18 {
		t.Error("born on 29 February: the new age on 1 March in a common year")
	}
	if got := (Date{2026, 1, 31}).AddMonths(1); got != (Date{2026, 2, 28}) {
		t.Errorf("31 Jan + 1 month = %v", got)
	}
	if got := (Date{2028, 2, 29}).AddYears(1); got != (Date{2029, 2, 28}) {
		t.Errorf("29 Feb 2028 + 1 year = %v", got)
	}
	if got := (Date{2026, 12, 31}).AddDays(1); got != (Date{2027, 1, 1}) {
		t.Errorf("AddDays over the year = %v", got)
	}
	if d := (Date{2026, 1, 1}).DaysUntil(Date{2026, 3, 1}); d != 59 {
		t.Errorf("DaysUntil = %d", d)
	}
	if s := (Date{2026, 12, 3}).Dutch(); s != "3 december 2026" {
		t.Errorf("Dutch = %q", s)
	}
	if s := (Date{2026, 12, 3}).Numeric(); s != "03-12-2026" {
		t.Errorf("Numeric = %q", s)
	}
}
