package absence

import (
	"errors"
	"regexp"
	"strings"
	"unicode/utf8"
)

// A refusal by DUO. DUO answers a submission it does not take with a refusal: afgewezen (the
// melding is not acceptable: a field DUO checks, an unknown persoonsgebonden nummer, a school that
// may not report for this pupil) or fout (the exchange failed at DUO: a technical error, try
// again later). The school records it in the melding's status history with an error status and
// in its log with Logboek status_code 2 (ERROR): the disclosure was allowed, the processing
// failed. The melding keeps its status (geregistreerd): DUO does not have it.

// RefusalKind is DUO's kind of refusal.
type RefusalKind string

const (
	RefusalRejected RefusalKind = "afgewezen" // DUO does not accept the melding as it is
	RefusalError    RefusalKind = "fout"      // the exchange failed at DUO
)

// Label is the Dutch word for the kind.
func (k RefusalKind) Label() string {
	if k == RefusalError {
		return "Fout bij DUO"
	}
	return "Afgewezen door DUO"
}

// AuditCode is the failure code of the log entry (audit.Record.Failure).
func (k RefusalKind) AuditCode() string {
	if k == RefusalError {
		return "duo-fout"
	}
	return "duo-afgewezen"
}

// DUORefusal is DUO's refusal of a submission. It is an error that is ErrDUORefused.
type DUORefusal struct {
	Kind RefusalKind
	// Code is DUO's code of the refusal, if it gave one (e.g. "F012").
	Code string
	// Message is DUO's explanation, cleaned by NewDUORefusal (no persoonsgebonden nummer, at most
	// 500 characters).
	Message string
}

// personNumber matches what could be a BSN or onderwijsnummer in DUO's text (8 or 9 digits).
var personNumber = regexp.MustCompile(`\b[0-9]{8,9}\b`)

// NewDUORefusal builds a refusal from DUO's answer. An 8- or 9-digit number in DUO's message is
// replaced by "[nummer]": DUO may echo the BSN, and the message is stored and shown.
func NewDUORefusal(kind RefusalKind, code, message string) *DUORefusal {
	if kind != RefusalError {
		kind = RefusalRejected
	}
	msg := strings.Join(strings.Fields(personNumber.ReplaceAllString(message, "[nummer]")), " ")
	if utf8.RuneCountInString(msg) > 500 {
		msg = string([]rune(msg)[:500]) + "…"
	}
	if msg == "" {
		msg = "DUO gaf geen toelichting."
	}
	return &DUORefusal{Kind: kind, Code: strings.TrimSpace(personNumber.ReplaceAllString(code, "[nummer]")), Message: msg}
}

func (r *DUORefusal) Error() string {
	s := r.Kind.Label()
	if r.Code != "" {
		s += " (" + r.Code + ")"
	}
	return s + ": " + r.Message
}

// Is makes a refusal ErrDUORefused.
func (r *DUORefusal) Is(target error) bool { return target == ErrDUORefused }

// Text is the refusal as the history and the pages show it.
func (r *DUORefusal) Text() string { return r.Error() }

// RefusalOf returns DUO's refusal in err: the DUORefusal, or for a plain ErrDUORefused a rejection
// with the error's text. ok is false for other errors: the channel failed before DUO answered, or
// Grondslag's own check refused the submission (ErrMelding) — neither is DUO's refusal.
func RefusalOf(err error) (*DUORefusal, bool) {
	var r *DUORefusal
	if errors.As(err, &r) {
		return r, true
	}
	if errors.Is(err, ErrDUORefused) {
		return NewDUORefusal(RefusalRejected, "", err.Error()), true
	}
	return nil, false
}
