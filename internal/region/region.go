// Package region holds the tenant model of Grondslag: a region (regio) with its organisations,
// users and their roles, pupils with their enrolments, and the parents linked to them with or
// without gezag. Every record is built by a validating constructor, so an invalid one cannot
// exist; validation errors are FieldErrors that name the Dutch field.
package region

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// FieldError is a validation error that names the field (in Dutch, as users and files name it).
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

// ErrInvalid is wrapped by every FieldError through Is, so callers can check errors.Is(err, ErrInvalid).
var ErrInvalid = errors.New("ongeldige invoer")

func (e *FieldError) Is(target error) bool { return target == ErrInvalid }

func fieldErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// HolidayRegion is the school-holiday region of the Netherlands.
type HolidayRegion string

const (
	Noord  HolidayRegion = "noord"
	Midden HolidayRegion = "midden"
	Zuid   HolidayRegion = "zuid"
)

// Region is the tenant: one samenwerkingsverband's area with its convenant.
type Region struct {
	ID      int64
	Code    string
	Name    string
	Holiday HolidayRegion
}

var codeRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}$`)

// NewRegion validates a region.
func NewRegion(code, name string, holiday HolidayRegion) (Region, error) {
	if !codeRe.MatchString(code) {
		return Region{}, fieldErr("code", "gebruik 2 tot 63 kleine letters, cijfers of streepjes (bijvoorbeeld %q)", "amstelland-de-meerlanden")
	}
	if strings.TrimSpace(name) == "" {
		return Region{}, fieldErr("naam", "is verplicht")
	}
	switch holiday {
	case Noord, Midden, Zuid:
	default:
		return Region{}, fieldErr("vakantieregio", "moet noord, midden of zuid zijn, niet %q", holiday)
	}
	return Region{Code: code, Name: strings.TrimSpace(name), Holiday: holiday}, nil
}

// Date is a calendar date without time zone, as the school calendar knows it.
type Date = time.Time

// ParseDate parses a date for the named field: DD-MM-JJJJ (also with '/' or '.') as Dutch
// spreadsheets write it, or JJJJ-MM-DD.
func ParseDate(field, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.DateOnly, "02-01-2006", "02/01/2006", "02.01.2006"} {
		if d, err := time.Parse(layout, s); err == nil {
			return d, nil
		}
	}
	return time.Time{}, fieldErr(field, "%q is geen datum; schrijf DD-MM-JJJJ of JJJJ-MM-DD", s)
}
