package rights

import (
	"time"

	"github.com/grondslag/grondslag/internal/civil"
)

// Date is a calendar day (no time, no zone); terms of the AVG run in whole days. It is the
// project's one civil date type.
type Date = civil.Date

// ParseDate reads JJJJ-MM-DD (the machine form; forms and CSV use civil.ParseDate) and refuses impossible dates (2025-02-29).
func ParseDate(s string) (Date, error) { return civil.ParseISO(s) }

// Today returns the Dutch calendar day of now.
func Today(now time.Time) Date { return civil.Today(now) }
