package consent

import (
	"time"

	"github.com/grondslag/grondslag/internal/civil"
)

// Date is a calendar day (no time, no zone): birth dates, valid from and until — civil dates as
// the parent reads them on the form. It is the project's one civil date type.
type Date = civil.Date

// amsterdam is the zone in which "today" is decided.
var amsterdam = civil.Amsterdam

// ParseDate reads JJJJ-MM-DD (the machine form; forms and CSV use civil.ParseDate) and refuses impossible dates.
func ParseDate(s string) (Date, error) { return civil.ParseISO(s) }

// Today returns the Dutch calendar day at instant now.
func Today(now time.Time) Date { return civil.Today(now) }

// AgeOn returns the age in whole years on day on; see civil.AgeOn.
func AgeOn(birth, on Date) int { return civil.AgeOn(birth, on) }

// DateOf returns the calendar day of t in t's own location.
func DateOf(t time.Time) Date { return civil.DateOf(t) }
