package absence

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// schoolvakantiesCSV is the default holiday calendar: /work/shared/data/schoolvakanties.csv of
// the project, school years 2024-2025 up to 2027-2028, regions noord, midden and zuid, Saturday to
// Sunday inclusive. Provenance (see docs/verzuim.md): 2027-2028 from the Rijksoverheid overview for
// that year (the Regeling vaststelling schoolvakanties 2025–2030 fixes the mandatory ones);
// 2024-2025 to 2026-2027 assembled from secondary sources quoting Rijksoverheid. Herfst- and
// voorjaarsvakantie are advice dates that a school may move, which is why a school's own calendar
// file can replace this one.
//
//go:embed schoolvakanties.csv
var schoolvakantiesCSV []byte

// Region is a holiday region of the Netherlands.
type Region string

const (
	North  Region = "noord"
	Middle Region = "midden"
	South  Region = "zuid"
)

// ParseRegion accepts noord, midden or zuid.
func ParseRegion(s string) (Region, error) {
	switch r := Region(strings.ToLower(strings.TrimSpace(s))); r {
	case North, Middle, South:
		return r, nil
	}
	return "", fmt.Errorf("onbekende vakantieregio %q: kies noord, midden of zuid", s)
}

// Holiday is a named period without lessons, both dates inclusive: a school holiday or a
// school's own free day(s).
type Holiday struct {
	Name     string
	From, To Date
}

// ErrCalendar is returned for a malformed calendar file.
var ErrCalendar = errors.New("ongeldige schoolkalender")

// DefaultHolidays returns the shipped holidays of region, ordered by date.
func DefaultHolidays(region Region) ([]Holiday, error) {
	rows, err := readCSVRecords(bytes.NewReader(schoolvakantiesCSV), []string{"schooljaar", "regio", "vakantie", "van", "tot"})
	if err != nil {
		return nil, fmt.Errorf("ingebouwde schoolkalender: %w", err)
	}
	var out []Holiday
	for _, r := range rows {
		if Region(r.fields[1]) != region {
			continue
		}
		h, err := holidayFrom(r.line, r.fields[2], r.fields[3], r.fields[4])
		if err != nil {
			return nil, fmt.Errorf("ingebouwde schoolkalender: %w", err)
		}
		out = append(out, h)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("ingebouwde schoolkalender: geen vakanties voor regio %q", region)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].From < out[j].From })
	return out, nil
}

// ReadHolidays reads a calendar file with header naam,van,tot (dates YYYY-MM-DD, inclusive),
// one holiday or free day per line. Such a file replaces the shipped holidays, for example with
// a school's own herfstvakantie and study days.
func ReadHolidays(r io.Reader) ([]Holiday, error) {
	rows, err := readCSVRecords(r, []string{"naam", "van", "tot"})
	if err != nil {
		return nil, err
	}
	out := make([]Holiday, 0, len(rows))
	for _, row := range rows {
		h, err := holidayFrom(row.line, row.fields[0], row.fields[1], row.fields[2])
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: geen vakanties in het bestand", ErrCalendar)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].From < out[j].From })
	return out, nil
}

func holidayFrom(line int, name, from, to string) (Holiday, error) {
	f, err := ParseDate(from)
	if err != nil {
		return Holiday{}, fmt.Errorf("%w: regel %d: van: %v", ErrCalendar, line, err)
	}
	t, err := ParseDate(to)
	if err != nil {
		return Holiday{}, fmt.Errorf("%w: regel %d: tot: %v", ErrCalendar, line, err)
	}
	if t < f {
		return Holiday{}, fmt.Errorf("%w: regel %d: tot (%s) ligt voor van (%s)", ErrCalendar, line, t, f)
	}
	if name == "" {
		return Holiday{}, fmt.Errorf("%w: regel %d: naam ontbreekt", ErrCalendar, line)
	}
	return Holiday{Name: name, From: f, To: t}, nil
}

// Calendar says which days are school days and numbers the lesweken. A lesweek is a
// Monday–Friday week with at least one school day; weeks without one (holidays) are skipped, so
// "4 consecutive lesweken" can span a holiday. A school day is a weekday that is not in a holiday,
// not a school's extra free day and not a public holiday (see PublicHolidays).
//
// Dates outside the holidays' school years still get weekends and public holidays; Covers tells
// whether the holidays are known for a date.
type Calendar struct {
	flags    []uint8 // per day from MinDate
	next     []Date  // per day from MinDate: the first school day on or after it
	before   []int32 // per day from MinDate, and MaxDate+1: the number of school days before it
	lesweek  []int32 // per week from MinDate's week: ordinal of the lesweek, -1 if none
	from, to Date    // coverage of the holidays: whole school years
	week0    int
}

const (
	flagSchool      = 1 << iota
	flagBeforeBreak // the next school day comes after a weekday without lessons
	flagAfterBreak  // the previous school day came before a weekday without lessons
)

// NewCalendar builds a calendar from holidays plus extra free days (a school's own study days).
func NewCalendar(holidays []Holiday, extra ...Holiday) *Calendar {
	n := int(MaxDate-MinDate) + 1
	c := &Calendar{flags: make([]uint8, n), week0: MinDate.week()}
	free := make([]bool, n)
	mark := func(f, t Date) {
		for d := max(f, MinDate); d <= t && d <= MaxDate; d++ {
			free[d-MinDate] = true
		}
	}
	all := append(append([]Holiday(nil), holidays...), extra...)
	for _, h := range all {
		mark(h.From, h.To)
	}
	for y := minYear; y <= maxYear; y++ {
		for _, h := range PublicHolidays(y) {
			mark(h.From, h.To)
		}
	}
	if len(holidays) > 0 {
		lo, hiFrom, hiTo := holidays[0].From, holidays[0].From, holidays[0].To
		for _, h := range holidays {
			lo, hiFrom, hiTo = min(lo, h.From), max(hiFrom, h.From), max(hiTo, h.To)
		}
		// From the first holiday's school year to the end of the last one's (or the end of a
		// summer holiday that runs into the next school year).
		c.from, c.to = schoolYearStart(lo), max(SchoolYearEnd(hiFrom), hiTo)
	}
	for i := range n {
		d := MinDate + Date(i)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday && !free[i] {
			c.flags[i] = flagSchool
		}
	}
	// Breaks: a weekday without lessons between two school days.
	prev := -1
	gap := false
	for i := range n {
		d := MinDate + Date(i)
		wd := d.Weekday()
		if c.flags[i]&flagSchool != 0 {
			if gap && prev >= 0 {
				c.flags[prev] |= flagBeforeBreak
				c.flags[i] |= flagAfterBreak
			}
			prev, gap = i, false
		} else if wd != time.Saturday && wd != time.Sunday {
			gap = true
		}
	}
	c.before = make([]int32, n+1)
	for i := range n {
		c.before[i+1] = c.before[i] + int32(c.flags[i]&flagSchool)
	}
	c.next = make([]Date, n)
	nx := MaxDate + 1
	for i := n - 1; i >= 0; i-- {
		if c.flags[i]&flagSchool != 0 {
			nx = MinDate + Date(i)
		}
		c.next[i] = nx
	}
	weeks := MaxDate.week() - c.week0 + 1
	c.lesweek = make([]int32, weeks)
	ord := int32(0)
	for w := range weeks {
		c.lesweek[w] = -1
		for k := range 5 {
			i := int(minWeekMonday()) + w*7 + k - int(MinDate)
			if i >= 0 && i < n && c.flags[i]&flagSchool != 0 {
				c.lesweek[w] = ord
				ord++
				break
			}
		}
	}
	return c
}

func minWeekMonday() Date { return MinDate - Date((int(MinDate.Weekday())+6)%7) }

// DefaultCalendar returns the calendar of region from the shipped holidays, plus extra free days.
func DefaultCalendar(region Region, extra ...Holiday) (*Calendar, error) {
	h, err := DefaultHolidays(region)
	if err != nil {
		return nil, err
	}
	return NewCalendar(h, extra...), nil
}

// IsSchoolDay reports whether d is a day with lessons.
func (c *Calendar) IsSchoolDay(d Date) bool {
	return d >= MinDate && d <= MaxDate && c.flags[d-MinDate]&flagSchool != 0
}

// Lesweek returns the ordinal of the lesweek holding d, and false when d's week has no school day.
// Consecutive lesweken have consecutive ordinals, across holidays.
func (c *Calendar) Lesweek(d Date) (int, bool) {
	if d < MinDate || d > MaxDate {
		return 0, false
	}
	o := c.lesweek[d.week()-c.week0]
	return int(o), o >= 0
}

// Covers reports whether the calendar's holidays are known for d (its school year is covered).
func (c *Calendar) Covers(d Date) bool { return c.from != c.to && d >= c.from && d <= c.to }

// AdjacentToBreak reports whether school day d is the last before, or the first after, a
// weekday without lessons (a holiday, a public holiday or a free day).
func (c *Calendar) AdjacentToBreak(d Date) bool {
	return d >= MinDate && d <= MaxDate && c.flags[d-MinDate]&(flagBeforeBreak|flagAfterBreak) != 0
}

// SchoolDaysBetween counts the school days in [from, to].
func (c *Calendar) SchoolDaysBetween(from, to Date) int {
	n := 0
	for d := max(from, MinDate); d <= to && d <= MaxDate; d++ {
		if c.flags[d-MinDate]&flagSchool != 0 {
			n++
		}
	}
	return n
}

// NextSchoolDay returns the first school day on or after d (after MaxDate when there is none).
func (c *Calendar) NextSchoolDay(d Date) Date {
	if d < MinDate {
		d = MinDate
	}
	if d > MaxDate {
		return MaxDate + 1
	}
	return c.next[d-MinDate]
}

// schoolDaysIn counts the school days in [from, to), for from and to in [MinDate, MaxDate+1].
func (c *Calendar) schoolDaysIn(from, to Date) int32 {
	return c.before[to-MinDate] - c.before[from-MinDate]
}

// schoolYearStart returns 1 August of the school year holding d (Leerplichtwet art. 1: a school
// year runs from 1 August to 31 July).
func schoolYearStart(d Date) Date {
	y, m, _ := d.Civil()
	if m < time.August {
		y--
	}
	return NewDate(y, time.August, 1)
}

// SchoolYearEnd returns 31 July of the school year holding d.
func SchoolYearEnd(d Date) Date { return schoolYearStart(d).AddMonths(12) - 1 }

// PublicHolidays returns the public holidays of year on which schools have no lessons
// (Algemene termijnenwet): Nieuwjaarsdag, Tweede Paasdag, Koningsdag (26 April when 27 April is a
// Sunday), Bevrijdingsdag in lustrum years (5 May; regional practice, check), Hemelvaartsdag,
// Tweede Pinksterdag, Eerste en Tweede Kerstdag. Goede Vrijdag and the Friday after Hemelvaart are
// a school's own choice: give them as extra free days.
func PublicHolidays(year int) []Holiday {
	easter := easterSunday(year)
	king := NewDate(year, time.April, 27)
	if king.Weekday() == time.Sunday {
		king--
	}
	hs := []Holiday{
		{"Nieuwjaarsdag", NewDate(year, time.January, 1), NewDate(year, time.January, 1)},
		{"Tweede Paasdag", easter + 1, easter + 1},
		{"Koningsdag", king, king},
		{"Hemelvaartsdag", easter + 39, easter + 39},
		{"Tweede Pinksterdag", easter + 50, easter + 50},
		{"Kerstdagen", NewDate(year, time.December, 25), NewDate(year, time.December, 26)},
	}
	if year%5 == 0 {
		hs = append(hs, Holiday{"Bevrijdingsdag", NewDate(year, time.May, 5), NewDate(year, time.May, 5)})
	}
	return hs
}

// easterSunday is the anonymous Gregorian algorithm (Meeus/Jones/Butcher).
func easterSunday(y int) Date {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return NewDate(y, time.Month(month), day)
}

func (c *Calendar) beforeBreak(d Date) bool {
	return d >= MinDate && d <= MaxDate && c.flags[d-MinDate]&flagBeforeBreak != 0
}

func (c *Calendar) afterBreak(d Date) bool {
	return d >= MinDate && d <= MaxDate && c.flags[d-MinDate]&flagAfterBreak != 0
}

// prevSchoolDayWeek returns the lesweek of the school day before d, or -1.
func (c *Calendar) prevSchoolDayWeek(d Date) int32 {
	for p := d - 1; p >= MinDate && p >= d-7; p-- {
		if c.IsSchoolDay(p) {
			lw, _ := c.Lesweek(p)
			return int32(lw)
		}
	}
	return -1
}
