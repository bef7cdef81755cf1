package absence

import (
	"errors"
	"fmt"
	"time"
)

// Date is a civil date (no time zone) as the number of days since 1970-01-01. Absence is
// registered per school day, so every rule works on Dates; an int32 keeps a registration small
// and comparisons cheap.
type Date int32

// Range of dates this package accepts: far enough around today for any school record.
const (
	minYear = 1990
	maxYear = 2099
)

// MinDate and MaxDate bound the accepted dates (1990-01-01 .. 2099-12-31); TestDateBounds checks
// the numbers.
const (
	MinDate Date = 7305
	MaxDate Date = 47481
)

// ErrDate is returned for a malformed or out-of-range date.
var ErrDate = errors.New("ongeldige datum")

// NewDate returns the Date of year, month, day. It does not normalise: use ParseDate or
// DateOf for untrusted input.
func NewDate(year int, month time.Month, day int) Date { return civilToDays(year, int(month), day) }

// DateOf returns the civil date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return civilToDays(y, int(m), d)
}

// ParseDate parses a date strictly: JJJJ-MM-DD, or DD-MM-JJJJ as Dutch users and spreadsheets
// write it (also with '/' or '.'), a real calendar date between 1990 and 2099.
func ParseDate(s string) (Date, error) { return parseDateBytes([]byte(s)) }

func parseDateBytes(b []byte) (Date, error) {
	var yi, mi, di int
	switch {
	case len(b) == 10 && b[4] == '-' && b[7] == '-':
		yi, mi, di = 0, 5, 8
	case len(b) == 10 && (b[2] == '-' || b[2] == '/' || b[2] == '.') && b[5] == b[2]:
		yi, mi, di = 6, 3, 0
	default:
		return 0, fmt.Errorf("%w %q: verwacht DD-MM-JJJJ of JJJJ-MM-DD", ErrDate, b)
	}
	digits := func(i, n int) (int, bool) {
		v := 0
		for k := i; k < i+n; k++ {
			if b[k] < '0' || b[k] > '9' {
				return 0, false
			}
			v = v*10 + int(b[k]-'0')
		}
		return v, true
	}
	y, ok1 := digits(yi, 4)
	m, ok2 := digits(mi, 2)
	d, ok3 := digits(di, 2)
	if !ok1 || !ok2 || !ok3 {
		return 0, fmt.Errorf("%w %q: verwacht DD-MM-JJJJ of JJJJ-MM-DD", ErrDate, b)
	}
	if y < minYear || y > maxYear {
		return 0, fmt.Errorf("%w %q: jaar buiten %d–%d", ErrDate, b, minYear, maxYear)
	}
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, fmt.Errorf("%w %q: bestaat niet", ErrDate, b)
	}
	return civilToDays(y, m, d), nil
}

// String formats the date as YYYY-MM-DD.
func (d Date) String() string {
	y, m, dd := d.Civil()
	return fmt.Sprintf("%04d-%02d-%02d", y, m, dd)
}

// MarshalText implements encoding.TextMarshaler (YYYY-MM-DD).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := parseDateBytes(b)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Civil returns year, month and day.
func (d Date) Civil() (year int, month time.Month, day int) {
	y, m, dd := daysToCivil(int(d))
	return y, time.Month(m), dd
}

// Time returns midnight UTC of the date.
func (d Date) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// Weekday returns the day of the week.
func (d Date) Weekday() time.Weekday {
	// 1970-01-01 was a Thursday.
	w := (int(d) + 4) % 7
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

// AddDays returns d plus n days.
func (d Date) AddDays(n int) Date { return d + Date(n) }

// AddMonths returns the same day n months later, clamped to the month's last day.
func (d Date) AddMonths(n int) Date {
	y, m, dd := daysToCivil(int(d))
	m += n
	for m > 12 {
		m -= 12
		y++
	}
	for m < 1 {
		m += 12
		y--
	}
	if last := daysIn(y, m); dd > last {
		dd = last
	}
	return civilToDays(y, m, dd)
}

// week returns the index of the Monday-to-Sunday week holding d.
func (d Date) week() int {
	// Day 0 is a Thursday: its Monday is day -3.
	x := int(d) + 3
	if x >= 0 {
		return x / 7
	}
	return -((-x + 6) / 7)
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y, m int) int {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// civilToDays and daysToCivil are Howard Hinnant's algorithms (public domain).
func civilToDays(y, m, d int) Date {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return Date(era*146097 + doe - 719468)
}

func daysToCivil(z int) (int, int, int) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era = (z - 146096) / 146097
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}
