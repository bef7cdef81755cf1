package rights

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Status is where an access request stands. The values are the Dutch codes stored and shown.
type Status string

const (
	StatusReceived Status = "ontvangen"   // received; the one-month term runs
	StatusExtended Status = "verlengd"    // the term was extended once (AVG art. 12 lid 3)
	StatusHandled  Status = "afgehandeld" // answered: the copy was provided
)

// RequesterKind is who asks: a parent with gezag, or the pupil (from 16) himself.
type RequesterKind string

const (
	RequesterParent RequesterKind = "ouder"
	RequesterPupil  RequesterKind = "leerling"
)

// Terms of AVG art. 12 lid 3: an answer within one month of receipt, extendable by at most two
// further months when the request is complex or numerous.
const (
	TermMonths         = 1
	MaxExtensionMonths = 2
	// PupilOwnRightsAge is the age from which a pupil exercises his rights himself (UAVG art. 5:
	// below 16 the legal representative acts).
	PupilOwnRightsAge = 16
	maxText           = 2000
)

// Errors of the access request. Every validation error wraps ErrInvalid; the state errors are
// sentinels of their own so that callers can answer them as a conflict.
var (
	ErrInvalid          = errors.New("ongeldig inzageverzoek")
	ErrAlreadyExtended  = errors.New("de termijn van dit verzoek is al een keer verlengd")
	ErrAlreadyHandled   = errors.New("dit verzoek is al afgehandeld")
	ErrExtensionTooLate = errors.New("de termijn is al verstreken; verlengen moet binnen de eerste maand")
	// ErrOpenRequest: the same requester already has an open request for this pupil (a second
	// click is not a second request; the open one runs).
	ErrOpenRequest = errors.New("er loopt al een inzageverzoek van u voor deze leerling")
)

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

// Requester is who made the request.
type Requester struct {
	Kind     RequesterKind
	ParentID int64 // the parent (Kind ouder only)
}

// Draft is an access request as it comes in, before validation.
type Draft struct {
	PupilID int64
	// ControllerID is the organisation the request is addressed to: each party is its own
	// controller and answers for its own data.
	ControllerID int64
	Kind         Kind   // which right; empty means inzage
	Text         string // what the request is about (required for rectificatie, wissen, beperking, bezwaar)
	Requester    Requester
	// Gezag states that the parent holds gezag over the pupil on the day of receipt (the store
	// checks it in the transaction that records the request).
	Gezag bool
	// PupilBirthDate is required when the pupil asks himself (16 or older on the day of receipt).
	PupilBirthDate Date
	// Withheld: see Data.Withheld.
	Withheld string
	Received Date
}

// Data is every field of a request, for storage and display.
type Data struct {
	ID              int64
	PupilID         int64
	ControllerID    int64
	Kind            Kind
	Text            string
	Requester       Requester
	Received        Date
	Deadline        Date // the term now in force (extended or not)
	Status          Status
	ExtensionMonths int    // 0 when not extended
	ExtensionReason string // why the term was extended
	ExtendedOn      Date
	HandledOn       Date
	HandledNote     string
	Outcome         Outcome // set when handled
	// Withheld is, for a parent's request to the JGZ, why the jeugdarts gives the parent no
	// JGZ data (ParentsJGZ); empty otherwise.
	Withheld string
}

// Request is a validated access request. Build it with NewRequest or Restore; the zero Request is
// not valid.
type Request struct{ d Data }

// NewRequest validates a draft and returns the request with status ontvangen and a deadline one
// month after receipt.
func NewRequest(dr Draft) (Request, error) {
	if dr.PupilID <= 0 {
		return Request{}, invalid("leerling ontbreekt")
	}
	if dr.ControllerID <= 0 {
		return Request{}, invalid("organisatie ontbreekt: het verzoek is gericht aan een organisatie die gegevens van de leerling heeft")
	}
	if dr.Kind == "" {
		dr.Kind = KindAccess
	}
	if !dr.Kind.Valid() {
		return Request{}, invalid("onbekend soort verzoek %q", dr.Kind)
	}
	text, err := checkText(dr.Kind, dr.Text)
	if err != nil {
		return Request{}, err
	}
	if dr.Received.IsZero() {
		return Request{}, invalid("datum van ontvangst ontbreekt")
	}
	switch dr.Requester.Kind {
	case RequesterParent:
		if dr.Requester.ParentID <= 0 {
			return Request{}, invalid("ouder ontbreekt")
		}
		if !dr.Gezag {
			return Request{}, invalid("alleen een ouder met gezag kan namens de leerling inzage vragen")
		}
	case RequesterPupil:
		if dr.Requester.ParentID != 0 {
			return Request{}, invalid("een verzoek van de leerling zelf noemt geen ouder")
		}
		if dr.PupilBirthDate.IsZero() {
			return Request{}, invalid("geboortedatum van de leerling ontbreekt")
		}
		if dr.PupilBirthDate.AddMonths(12 * PupilOwnRightsAge).After(dr.Received) {
			return Request{}, invalid("een leerling kan vanaf %d jaar zelf inzage vragen; daarvoor vraagt een ouder met gezag", PupilOwnRightsAge)
		}
	default:
		return Request{}, invalid("onbekende aanvrager %q (ouder of leerling)", dr.Requester.Kind)
	}
	return Request{d: Data{PupilID: dr.PupilID, ControllerID: dr.ControllerID, Kind: dr.Kind, Text: text, Withheld: dr.Withheld, Requester: dr.Requester, Received: dr.Received,
		Deadline: dr.Received.AddMonths(TermMonths), Status: StatusReceived}}, nil
}

// Restore rebuilds a stored request and checks that its fields agree with the rules (a deadline
// the rules would not give, an extension without reason, a handled request without date).
func Restore(d Data) (Request, error) {
	if d.ID <= 0 || d.PupilID <= 0 || d.ControllerID <= 0 || d.Received.IsZero() {
		return Request{}, invalid("opgeslagen verzoek is onvolledig")
	}
	switch d.Requester.Kind {
	case RequesterParent:
		if d.Requester.ParentID <= 0 {
			return Request{}, invalid("opgeslagen verzoek: ouder ontbreekt")
		}
	case RequesterPupil:
		if d.Requester.ParentID != 0 {
			return Request{}, invalid("opgeslagen verzoek van de leerling noemt een ouder")
		}
	default:
		return Request{}, invalid("opgeslagen verzoek: onbekende aanvrager %q", d.Requester.Kind)
	}
	if !d.Kind.Valid() {
		return Request{}, invalid("opgeslagen verzoek: onbekend soort %q", d.Kind)
	}
	if d.ExtensionMonths < 0 || d.ExtensionMonths > MaxExtensionMonths {
		return Request{}, invalid("opgeslagen verzoek: verlenging van %d maanden", d.ExtensionMonths)
	}
	if (d.ExtensionMonths > 0) != (d.ExtensionReason != "") || (d.ExtensionMonths > 0) != !d.ExtendedOn.IsZero() {
		return Request{}, invalid("opgeslagen verzoek: verlenging zonder reden of datum")
	}
	if d.Deadline != d.Received.AddMonths(TermMonths+d.ExtensionMonths) {
		return Request{}, invalid("opgeslagen verzoek: termijn %s klopt niet bij ontvangst %s", d.Deadline, d.Received)
	}
	switch d.Status {
	case StatusReceived:
		if d.ExtensionMonths != 0 || !d.HandledOn.IsZero() {
			return Request{}, invalid("opgeslagen verzoek: status ontvangen past niet bij de velden")
		}
	case StatusExtended:
		if d.ExtensionMonths == 0 || !d.HandledOn.IsZero() {
			return Request{}, invalid("opgeslagen verzoek: status verlengd past niet bij de velden")
		}
	case StatusHandled:
		if d.HandledOn.IsZero() {
			return Request{}, invalid("opgeslagen verzoek: afgehandeld zonder datum")
		}
		if d.Outcome == "" {
			d.Outcome = OutcomeGranted // handled before outcomes were recorded: the copy was given
		}
	default:
		return Request{}, invalid("opgeslagen verzoek: onbekende status %q", d.Status)
	}
	return Request{d: d}, nil
}

// Data returns a copy of the request's fields.
func (r Request) Data() Data { return r.d }

// ID is the stored id (0 before storage).
func (r Request) ID() int64 { return r.d.ID }

// Status is where the request stands.
func (r Request) Status() Status { return r.d.Status }

// Deadline is the last day of the term now in force.
func (r Request) Deadline() Date { return r.d.Deadline }

// WithID returns the request with its stored id.
func (r Request) WithID(id int64) Request {
	r.d.ID = id
	return r
}

// Extend extends the term once, by one or two further months counted from receipt (so the whole
// term is at most three months), for the reason given. It must be done on or before the original
// deadline: the requester must hear of the extension within the first month (AVG art. 12 lid 3).
func (r Request) Extend(today Date, months int, reason string) (Request, error) {
	switch r.d.Status {
	case StatusHandled:
		return r, ErrAlreadyHandled
	case StatusExtended:
		return r, ErrAlreadyExtended
	case StatusReceived:
	default:
		return r, invalid("onbekende status %q", r.d.Status)
	}
	if months < 1 || months > MaxExtensionMonths {
		return r, invalid("verlengen kan met 1 of %d maanden, niet met %d", MaxExtensionMonths, months)
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return r, invalid("geef de reden van de verlenging (bijvoorbeeld: het verzoek is ingewikkeld of er zijn veel verzoeken)")
	}
	if utf8.RuneCountInString(reason) > maxText {
		return r, invalid("de reden is langer dan %d tekens", maxText)
	}
	if today.Before(r.d.Received) {
		return r, invalid("de datum van verlengen ligt voor de ontvangst")
	}
	if today.After(r.d.Deadline) {
		return r, ErrExtensionTooLate
	}
	r.d.Status = StatusExtended
	r.d.ExtensionMonths = months
	r.d.ExtensionReason = reason
	r.d.ExtendedOn = today
	r.d.Deadline = r.d.Received.AddMonths(TermMonths + months)
	return r, nil
}

// Handle marks the request as answered on day today: granted (for inzage: the copy was
// provided) or refused. A refusal needs its reasons, which the requester is told together with
// the right to complain to the Autoriteit Persoonsgegevens (AVG art. 12 lid 4). A late answer is
// still recorded; Late tells whether it was.
func (r Request) Handle(today Date, outcome Outcome, note string) (Request, error) {
	if r.d.Status == StatusHandled {
		return r, ErrAlreadyHandled
	}
	if r.d.Status != StatusReceived && r.d.Status != StatusExtended {
		return r, invalid("onbekende status %q", r.d.Status)
	}
	if today.Before(r.d.Received) {
		return r, invalid("de datum van afhandelen ligt voor de ontvangst")
	}
	if outcome != OutcomeGranted && outcome != OutcomeRefused {
		return r, invalid("kies of het verzoek is toegewezen of afgewezen")
	}
	note = strings.TrimSpace(note)
	if outcome == OutcomeRefused && note == "" {
		return r, invalid("bij een afwijzing hoort de reden; de aanvrager krijgt die te lezen (AVG art. 12 lid 4)")
	}
	if utf8.RuneCountInString(note) > maxText {
		return r, invalid("de notitie is langer dan %d tekens", maxText)
	}
	r.d.Status = StatusHandled
	r.d.HandledOn = today
	r.d.HandledNote = note
	r.d.Outcome = outcome
	return r, nil
}

// Overdue reports whether the request is still open after its deadline on the Dutch day of now.
func (r Request) Overdue(now time.Time) bool { return r.OverdueOn(Today(now)) }

// OverdueOn reports whether the request is still open after its deadline on day today.
func (r Request) OverdueOn(today Date) bool {
	return r.d.Status != StatusHandled && today.After(r.d.Deadline)
}

// Late reports whether a handled request was answered after its deadline.
func (r Request) Late() bool {
	return r.d.Status == StatusHandled && r.d.HandledOn.After(r.d.Deadline)
}

// DaysLeft is the number of days from today to the deadline (negative when overdue).
func (r Request) DaysLeft(today Date) int { return today.DaysUntil(r.d.Deadline) }
