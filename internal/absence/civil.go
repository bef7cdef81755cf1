package absence

import "github.com/grondslag/grondslag/internal/civil"

// CivilDate converts the engine's compact day number to the project's one civil date type
// (internal/civil); the engine keeps its int32 days for the 10-million-row path.
func (d Date) CivilDate() civil.Date {
	y, m, day := d.Civil()
	return civil.Date{Year: y, Month: m, Day: day}
}

// FromCivil converts a civil date to the engine's day number.
func FromCivil(c civil.Date) Date { return NewDate(c.Year, c.Month, c.Day) }
