package retention

import (
	"time"

	"github.com/grondslag/grondslag/internal/convenant"
)

// Day is a calendar date at midnight UTC (civil date, no time of day).
func Day(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// daysIn is the number of days of month m in year y.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// EndOf returns the last day of a period that starts on start: start plus the years and months,
// the day clamped to the end of the month (29 February + 1 year = 28 February; 31 August + 6
// months = 28/29 February), plus the days.
func EndOf(start time.Time, p convenant.Period) time.Time {
	start = Day(start)
	y, m, d := start.Date()
	months := int(m) - 1 + p.Months + 12*p.Years
	y += months / 12
	m = time.Month(months%12 + 1)
	if d > daysIn(y, m) {
		d = daysIn(y, m)
	}
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).AddDate(0, 0, p.Days)
}

// DueFrom is the first day on which data whose period ends on end may be destroyed.
func DueFrom(start time.Time, p convenant.Period) time.Time {
	return EndOf(start, p).AddDate(0, 0, 1)
}
