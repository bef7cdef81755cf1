// Package civil is the one calendar-day type of Grondslag and the one place the Dutch time zone
// is loaded. A civil date has no time and no zone: birth dates, the day of an absence, the last
// day of a consent or of a legal term. "Today" is always decided in Europe/Amsterdam, whatever
// the server's zone, so a consent valid until 31 March is valid until midnight Dutch time.
//
// The absence engine keeps its own compact day number (absence.Date, an int32 for the 10-million
// row path); it converts to and from civil.Date at its boundary.
package civil

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Amsterdam must resolve on machines without zoneinfo
)

// Amsterdam is the zone in which Dutch calendar days begin and end. Load it nowhere else.
var Amsterdam = mustZone("Europe/Amsterdam")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// Date is a calendar day.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// Layout is the ISO form of a Date used in JSON, the store and the CLI.
const Layout = "2006-01-02"

// DutchLayout is the numeric form Dutch readers and school exports use: 03-12-2026.
const DutchLayout = "02-01-2006"

// ParseISO reads JJJJ-MM-DD only — the machine form of JSON, the API and the store — and refuses
// impossible dates (2025-02-29, 2025-13-01).
func ParseISO(s string) (Date, error) {
	t, err := time.Parse(Layout, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is geen geldige datum (verwacht JJJJ-MM-DD)", s)
	}
	return DateOf(t), nil
}

// ParseDate reads what people type and school exports hold: JJJJ-MM-DD or DD-MM-JJJJ (surrounding
// spaces ignored). It refuses impossible dates.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{Layout, DutchLayout} {
		if t, err := time.Parse(layout, s); err == nil {
			return DateOf(t), nil
		}
	}
	return Date{}, fmt.Errorf("%q is geen geldige datum (verwacht DD-MM-JJJJ of JJJJ-MM-DD)", s)
}

// DateOf returns the calendar day of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// Today returns the Dutch calendar day at instant now.
func Today(now time.Time) Date { return DateOf(now.In(Amsterdam)) }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// String writes the date as JJJJ-MM-DD ("" for the zero Date).
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

var monthNames = [...]string{"", "januari", "februari", "maart", "april", "mei", "juni", "juli",
	"augustus", "september", "oktober", "november", "december"}

// Dutch renders the date as Dutch readers write it: 5 maart 2026.
func (d Date) Dutch() string {
	if d.IsZero() || d.Month < 1 || d.Month > 12 {
		return ""
	}
	return fmt.Sprintf("%d %s %d", d.Day, monthNames[d.Month], d.Year)
}

// Numeric renders the date as 05-03-2026.
func (d Date) Numeric() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d-%02d-%04d", d.Day, d.Month, d.Year)
}

// Time is midnight UTC at the start of d (for arithmetic, not for display).
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// Before reports whether d is an earlier day than e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is a later day than e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Compare returns -1, 0 or +1.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return sign(d.Year - e.Year)
	case d.Month != e.Month:
		return sign(int(d.Month) - int(e.Month))
	default:
		return sign(d.Day - e.Day)
	}
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// AddDays returns the day n days after d (n may be negative).
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// DaysUntil is the number of days from d to e (negative when e lies before d).
func (d Date) DaysUntil(e Date) int { return int(e.Time().Sub(d.Time()).Hours() / 24) }

// AddMonths returns the same day n months later; when that month is shorter, the last day of
// that month (31 January + 1 month = 28 or 29 February). This is how a legal term "of one
// month" is counted: it ends on the day with the same number in the next month.
func (d Date) AddMonths(n int) Date {
	y, m := d.Year, int(d.Month)-1+n
	y += m / 12
	m %= 12
	if m < 0 {
		m += 12
		y--
	}
	month := time.Month(m + 1)
	last := time.Date(y, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
	day := d.Day
	if day > last {
		day = last
	}
	return Date{y, month, day}
}

// AddYears returns the same day n years later; 29 February becomes 28 February in a year
// without it.
func (d Date) AddYears(n int) Date { return d.AddMonths(12 * n) }

// AgeOn returns the age in whole years of someone born on birth, on day on. The birthday itself
// counts as the new age: whoever was born on 10 May 2010 is 16 on 10 May 2026, 15 the day before.
//
// Someone born on 29 February reaches the new age on 1 March in a year without 29 February:
// their year is only complete once 28 February has passed. For the consent rules this is also
// the careful side — on 28 February the rules for the younger age (more consents) still apply.
// (DOMAIN.md gives no rule for this; *check* against the region's legal advice.)
func AgeOn(birth, on Date) int {
	age := on.Year - birth.Year
	if on.Month < birth.Month || (on.Month == birth.Month && on.Day < birth.Day) {
		age--
	}
	return age
}
