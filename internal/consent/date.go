package consent

import (
	"fmt"
	"time"
	_ "time/tzdata" // Europe/Amsterdam must resolve on machines without zoneinfo
)

// Date is a calendar day (no time, no zone). Dates in the register — birth dates, valid from and
// until — are civil dates as the parent reads them on the form.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// dateLayout is the only textual form of a Date, in JSON, the store and the CLI.
const dateLayout = "2006-01-02"

// amsterdam is the zone in which "today" is decided: a consent valid until 31 March is valid
// until midnight Dutch time, whatever the server's zone.
var amsterdam = mustZone("Europe/Amsterdam")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// ParseDate reads YYYY-MM-DD and refuses impossible dates (2025-02-29, 2025-13-01).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is geen geldige datum (verwacht JJJJ-MM-DD)", s)
	}
	return DateOf(t), nil
}

// DateOf returns the calendar day of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// Today returns the Dutch calendar day at instant now.
func Today(now time.Time) Date { return DateOf(now.In(amsterdam)) }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Dutch renders the date as Dutch readers write it: 5 maart 2026.
func (d Date) Dutch() string {
	months := [...]string{"", "januari", "februari", "maart", "april", "mei", "juni", "juli",
		"augustus", "september", "oktober", "november", "december"}
	if d.IsZero() || d.Month < 1 || d.Month > 12 {
		return ""
	}
	return fmt.Sprintf("%d %s %d", d.Day, months[d.Month], d.Year)
}

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
