package absence

import (
	"fmt"
	"strconv"
	"strings"
)

// Reason is why a pupil missed lessons, as the school registers it.
type Reason uint8

const (
	// Unauthorised: absent without a valid reason (ongeoorloofd).
	Unauthorised Reason = iota + 1
	// Sick: reported sick (ziek, art. 11 sub d; permitted).
	Sick
	// SickSuspect: reported sick, but the school suspects unlawful absence
	// (ziek-vermoedelijk-ongeoorloofd); reported to DUO as overig verzuim (seed 002).
	SickSuspect
	// Authorised: other permitted absence under art. 11 (geoorloofd: religious duty, school
	// closed, …).
	Authorised
	// Leave: leave granted under art. 13a or 14 (verlof).
	Leave
	// Suspension: schorsing (permitted absence, not reported).
	Suspension
	// Late: te laat; counts as unauthorised time (configurable, Rules.LateCounts).
	Late
)

var reasonNames = [...]string{
	Unauthorised: "ongeoorloofd",
	Sick:         "ziek",
	SickSuspect:  "ziek-vermoedelijk-ongeoorloofd",
	Authorised:   "geoorloofd",
	Leave:        "verlof",
	Suspension:   "schorsing",
	Late:         "te-laat",
}

// Reasons lists every reason in file order.
func Reasons() []Reason {
	return []Reason{Unauthorised, Sick, SickSuspect, Authorised, Leave, Suspension, Late}
}

// String returns the Dutch code used in files and the API.
func (r Reason) String() string {
	if int(r) < len(reasonNames) && r > 0 {
		return reasonNames[r]
	}
	return "onbekend"
}

// ParseReason accepts the Dutch code of a reason.
func ParseReason(s string) (Reason, error) {
	if r, ok := parseReasonBytes([]byte(s)); ok {
		return r, nil
	}
	return 0, fmt.Errorf("onbekende reden %q: kies uit %s", s, strings.Join(reasonNames[1:], ", "))
}

func parseReasonBytes(b []byte) (Reason, bool) {
	// Exact, lower case first (the fast path: the codes all differ in length), then
	// case-insensitive with white space.
	var r Reason
	switch len(b) {
	case 12:
		r = Unauthorised
	case 4:
		r = Sick
	case 30:
		r = SickSuspect
	case 10:
		r = Authorised
	case 6:
		r = Leave
	case 9:
		r = Suspension
	case 7:
		r = Late
	}
	if r != 0 && string(b) == reasonNames[r] {
		return r, true
	}
	for r := Unauthorised; r <= Late; r++ {
		if strings.EqualFold(strings.TrimSpace(string(b)), reasonNames[r]) {
			return r, true
		}
	}
	return 0, false
}

// countsAsUnauthorised reports whether hours of this reason count toward the unauthorised total.
func (r Reason) countsAsUnauthorised(lateCounts bool) bool {
	return r == Unauthorised || (r == Late && lateCounts)
}

// isSick reports whether the reason is a sick report (also when suspected unlawful).
func (r Reason) isSick() bool { return r == Sick || r == SickSuspect }

// Hours is an amount of lesson time in hundredths of an hour, so that 1,5 and 0,25 are exact.
type Hours int32

// MaxHoursPerDay is the most a pupil can miss in one day; more is an input error.
const MaxHoursPerDay Hours = 2400

// HoursOf returns whole hours as Hours.
func HoursOf(h int) Hours { return Hours(h * 100) }

// Float returns the hours as a number (for JSON).
func (h Hours) Float() float64 { return float64(h) / 100 }

// String formats the hours the Dutch way: "16", "1,5", "0,25".
func (h Hours) String() string {
	s := strconv.FormatFloat(h.Float(), 'f', -1, 64)
	return strings.Replace(s, ".", ",", 1)
}

// ParseHours parses a non-negative number of hours with at most two decimals, with a point or a
// comma, at most 24.
func ParseHours(s string) (Hours, error) { return parseHoursBytes([]byte(strings.TrimSpace(s))) }

func parseHoursBytes(b []byte) (Hours, error) {
	if len(b) == 0 {
		return 0, fmt.Errorf("uren ontbreekt")
	}
	if b[0] == '-' {
		return 0, fmt.Errorf("negatief aantal uren %q", b)
	}
	var whole, frac, fracDigits int
	seenSep := false
	for i, c := range b {
		switch {
		case c >= '0' && c <= '9':
			if seenSep {
				fracDigits++
				if fracDigits > 2 {
					return 0, fmt.Errorf("uren %q: hoogstens twee decimalen", b)
				}
				frac = frac*10 + int(c-'0')
			} else {
				whole = whole*10 + int(c-'0')
				if whole > 24 {
					return 0, fmt.Errorf("onmogelijk aantal uren %q: meer dan 24 op een dag", b)
				}
			}
		case (c == '.' || c == ',') && !seenSep && i > 0 && i < len(b)-1:
			seenSep = true
		default:
			return 0, fmt.Errorf("uren %q is geen getal", b)
		}
	}
	if fracDigits == 1 {
		frac *= 10
	}
	h := Hours(whole*100 + frac)
	if h > MaxHoursPerDay {
		return 0, fmt.Errorf("onmogelijk aantal uren %q: meer dan 24 op een dag", b)
	}
	return h, nil
}

// Registration is one line of a school's absence registration: a pupil missed Hours on Day for
// Reason. Several registrations of one pupil and day add up.
type Registration struct {
	Pupil  string // the pupil's school number (leerlingnummer) or pseudonym
	Day    Date
	Hours  Hours
	Reason Reason
	Line   int // line in the source file, 0 if not from a file
	// Birth and Startkwalificatie come from the optional columns geboortedatum and
	// startkwalificatie (zero when absent).
	Birth, Startkwalificatie Date
}

// MaxPupilLen bounds the pupil key in a file.
const MaxPupilLen = 64

// NewRegistration validates a registration from the API.
func NewRegistration(pupil string, day Date, hours Hours, reason Reason) (Registration, error) {
	if err := validPupil([]byte(pupil)); err != nil {
		return Registration{}, err
	}
	if day < MinDate || day > MaxDate {
		return Registration{}, fmt.Errorf("%w: %s buiten %d–%d", ErrDate, day, minYear, maxYear)
	}
	if hours < 0 || hours > MaxHoursPerDay {
		return Registration{}, fmt.Errorf("onmogelijk aantal uren %s", hours)
	}
	if reason < Unauthorised || reason > Late {
		return Registration{}, fmt.Errorf("onbekende reden")
	}
	return Registration{Pupil: pupil, Day: day, Hours: hours, Reason: reason}, nil
}

func validPupil(b []byte) error {
	if len(b) == 0 {
		return fmt.Errorf("leerling ontbreekt")
	}
	if len(b) > MaxPupilLen {
		return fmt.Errorf("leerling is langer dan %d tekens", MaxPupilLen)
	}
	for _, c := range b {
		if c < 0x20 || c == 0x7f {
			return fmt.Errorf("leerling bevat een stuurteken")
		}
	}
	return nil
}

// MarshalJSON writes the hours as a number (16, 1.5).
func (h Hours) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(h.Float(), 'f', -1, 64)), nil
}

// UnmarshalJSON reads a number of hours with at most two decimals.
func (h *Hours) UnmarshalJSON(b []byte) error {
	v, err := parseHoursAny(string(b))
	if err != nil {
		return err
	}
	*h = v
	return nil
}

func parseHoursAny(s string) (Hours, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 1e6 {
		return 0, fmt.Errorf("ongeldig aantal uren %q", s)
	}
	return Hours(f*100 + 0.5), nil
}
