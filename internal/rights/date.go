package rights

import (
	"fmt"
	"time"
)

// Date is a calendar day (no time, no zone). Terms of the AVG run in whole days.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

const dateLayout = "2006-01-02"

// amsterdam is the zone in which "today" is decided: a term ending on 28 February ends at
// midnight Dutch time, whatever the server's zone.
var amsterdam = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		panic(err)
	}
	return loc
}()

// ParseDate reads YYYY-MM-DD and refuses impossible dates (2025-02-29).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is geen geldige datum (verwacht JJJJ-MM-DD)", s)
	}
	return Date{t.Year(), t.Month(), t.Day()}, nil
}

// Today returns the Dutch calendar day of now.
func Today(now time.Time) Date {
	t := now.In(amsterdam)
	return Date{t.Year(), t.Month(), t.Day()}
}

// String writes the date as YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

func (d Date) time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// Before reports whether d is an earlier day than e.
func (d Date) Before(e Date) bool { return d.time().Before(e.time()) }

// After reports whether d is a later day than e.
func (d Date) After(e Date) bool { return d.time().After(e.time()) }

// DaysUntil is the number of days from d to e (negative when e lies before d).
func (d Date) DaysUntil(e Date) int { return int(e.time().Sub(d.time()).Hours() / 24) }

// AddMonths returns the same day n months later; when that month is shorter, the last day of
// that month (31 January + 1 month = 28 or 29 February). This is how a term "of one month" is
// counted: it ends on the day with the same number in the next month.
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
