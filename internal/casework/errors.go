package casework

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors; the concrete errors below wrap them, check with errors.Is.
var (
	// ErrInvalid: the input is incomplete or not valid (a *FieldError says which field).
	ErrInvalid = errors.New("ongeldige invoer")
	// ErrNotAllowed: the actor may not do this (a *DeniedError says why).
	ErrNotAllowed = errors.New("niet toegestaan")
	// ErrIllegalTransition: the phase cannot follow the current phase (a *TransitionError names
	// the allowed ones).
	ErrIllegalTransition = errors.New("faseovergang niet toegestaan")
	// ErrConflict: someone else changed the record since the writer read it (a *ConflictError
	// holds the current version).
	ErrConflict = errors.New("tussentijds gewijzigd")
	// ErrClosed: the case is closed and takes no more changes.
	ErrClosed = errors.New("de casus is afgesloten")
	// ErrNotFound: the case or record does not exist in the region.
	ErrNotFound = errors.New("niet gevonden")
)

// FieldError names the field that is wrong.
type FieldError struct {
	Field, Msg string
}

func (e *FieldError) Error() string        { return e.Field + ": " + e.Msg }
func (e *FieldError) Is(target error) bool { return target == ErrInvalid }

func fieldErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// DeniedError explains a refusal in plain Dutch.
type DeniedError struct {
	Reason string
	// NotParticipant: the actor takes no part in the case. Callers answer as if the case did
	// not exist (404), so that a case's existence is not revealed to outsiders.
	NotParticipant bool
}

func (e *DeniedError) Error() string        { return "niet toegestaan: " + e.Reason }
func (e *DeniedError) Is(target error) bool { return target == ErrNotAllowed }

func denied(format string, args ...any) error {
	return &DeniedError{Reason: fmt.Sprintf(format, args...)}
}

// notParticipant is the refusal for an actor who takes no part in the case.
func notParticipant() error {
	return &DeniedError{Reason: "u neemt niet deel aan deze casus", NotParticipant: true}
}

// TransitionError is an illegal phase transition, with the phases that may follow instead.
type TransitionError struct {
	From, To string
	Allowed  []string
}

func (e *TransitionError) Error() string {
	if len(e.Allowed) == 0 {
		return fmt.Sprintf("van fase %s kan de casus niet naar %s; na %s volgt geen andere fase", e.From, e.To, e.From)
	}
	return fmt.Sprintf("van fase %s kan de casus niet naar %s; wel naar: %s", e.From, e.To, strings.Join(e.Allowed, ", "))
}
func (e *TransitionError) Is(target error) bool { return target == ErrIllegalTransition }

// ConflictError is a stale write: What (verslag, afspraak, casus) with ID was at version
// Attempted when the writer read it and is now at Current.
type ConflictError struct {
	What      string
	ID        int64
	Attempted int
	Current   int
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s %d is intussen door iemand anders gewijzigd (u bewerkte versie %d, de huidige versie is %d); lees de huidige versie en breng uw wijziging opnieuw aan", e.What, e.ID, e.Attempted, e.Current)
}
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }
