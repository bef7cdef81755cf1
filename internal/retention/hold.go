package retention

import (
	"errors"
	"strings"
	"time"
)

// Hold is a legal hold (bewaarplicht bij geschil, onderzoek, klacht of procedure) on a pupil or on
// one case: while it is active nothing of it is proposed or destroyed.
type Hold struct {
	ID      int64
	PupilID int64
	CaseID  int64 // 0: the whole pupil
	Reason  string
	Until   time.Time // last day it applies (inclusive); required, so a hold is never forgotten
	SetBy   int64
	SetAt   time.Time
	Lifted  time.Time // zero while in force
	LiftBy  int64
}

// ErrInvalid is returned for a hold, list or decision that is not complete or not allowed.
var ErrInvalid = errors.New("ongeldig")

// NewHold checks a hold: a pupil, a reason, an end date after today.
func NewHold(h Hold, today time.Time) (Hold, error) {
	h.Reason = strings.TrimSpace(h.Reason)
	switch {
	case h.PupilID <= 0:
		return Hold{}, fieldErr("leerling", "kies de leerling waarvoor de blokkade geldt")
	case h.Reason == "":
		return Hold{}, fieldErr("reden", "noem de reden van de blokkade (bijvoorbeeld een klacht, bezwaar of rechtszaak)")
	case len(h.Reason) > 500:
		return Hold{}, fieldErr("reden", "de reden is langer dan 500 tekens")
	case h.Until.IsZero():
		return Hold{}, fieldErr("tot", "geef een einddatum; verleng de blokkade als dat nodig is")
	case !Day(h.Until).After(Day(today)):
		return Hold{}, fieldErr("tot", "de einddatum moet na vandaag liggen")
	case h.SetBy <= 0:
		return Hold{}, fieldErr("door", "wie legt de blokkade op?")
	}
	h.Until = Day(h.Until)
	return h, nil
}

// Active reports whether the hold applies on day.
func (h Hold) Active(day time.Time) bool {
	return h.Lifted.IsZero() && !Day(day).After(h.Until)
}

// Covers reports whether the hold applies to a unit of this pupil and case (a pupil-wide hold
// covers every case of the pupil).
func (h Hold) Covers(pupilID, caseID int64) bool {
	return h.PupilID == pupilID && (h.CaseID == 0 || h.CaseID == caseID)
}

// FieldError names the field of a refused input (Dutch message).
type FieldError struct {
	Field, Msg string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }
func (e *FieldError) Unwrap() error { return ErrInvalid }

func fieldErr(field, msg string) error { return &FieldError{Field: field, Msg: msg} }
