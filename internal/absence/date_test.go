package absence

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"2025-09-01", true}, {"2024-02-29", true}, {"2025-02-29", false}, {"2025-13-01", false},
		{"2025-9-01", false}, {"1989-12-31", false}, {"2100-01-01", false},
		{"2025-04-31", false}, {"", false}, {"2025-0a-01", false}, {"31-04-2025", false}, {"01-09-25", false},
		{"1-09-2025", false}, {"01-09/2025", false}, {"0a-09-2025", false},
	} {
		d, err := ParseDate(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParseDate(%q) error = %v, want ok=%v", tc.in, err, tc.ok)
			continue
		}
		if tc.ok && d.String() != tc.in {
			t.Errorf("round trip %q -> %q", tc.in, d.String())
		}
	}
}

// TestParseDateDutch: dd-mm-jjjj (and with '/' or '.') as Dutch spreadsheets write dates.
func TestParseDateDutch(t *testing.T) {
	for in, want := range map[string]string{"01-09-2025": "2025-09-01", "29/02/2024": "2024-02-29", "03.12.2026": "2026-12-03"} {
		d, err := ParseDate(in)
		if err != nil || d.String() != want {
			t.Errorf("ParseDate(%q) = %s, %v; want %s", in, d, err, want)
		}
	}
}

func TestDateMatchesTime(t *testing.T) {
	for d := MinDate; d <= MaxDate; d += 17 {
		tm := d.Time()
		if DateOf(tm) != d || tm.Weekday() != d.Weekday() {
			t.Fatalf("%d: %v vs %s", d, tm, d)
		}
		if w := d.week(); (d - Date((int(d.Weekday())+6)%7)).week() != w {
			t.Fatalf("week of %s", d)
		}
	}
	if got := NewDate(2025, time.January, 31).AddMonths(1); got.String() != "2025-02-28" {
		t.Errorf("AddMonths clamp: %s", got)
	}
}

func TestDateBounds(t *testing.T) {
	if MinDate != civilToDays(minYear, 1, 1) || MaxDate != civilToDays(maxYear, 12, 31) {
		t.Fatalf("MinDate %s, MaxDate %s", MinDate, MaxDate)
	}
}
