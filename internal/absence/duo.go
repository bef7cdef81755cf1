package absence

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The DUO exchange as a port. A school reports a verzuimmelding to DUO's Register
// Onderwijsdeelnemers (ROD, formerly the verzuimregister); DUO gives it a meldingsnummer and
// forwards it to the gemeente where the pupil lives; the gemeente's status comes back through
// DUO. What is public about the real channels (duo.nl, "Melding doorgeven of routeren" and
// "Melding beheren en doorsturen", read December 2026):
//
//   - primary schools report through their LAS, which DUO connects as software as a service;
//     DUO creates a meldingsnummer with which the melding is looked up later;
//   - vo and mbo report through their administration package over a machine-to-machine link
//     (M2M) that needs a PKIoverheid certificate (.cer/.crt/.cert/.p7b, registered with DUO by
//     mail), or by hand in the verzuimloket of Mijn DUO (role "verzuimloket melder");
//   - gemeenten handle meldingen only through their administration package (the loket for
//     gemeenten was switched off on 3 August 2020); the statuses since then are geregistreerd,
//     ingetrokken (school), in behandeling, afgesloten, ter kennisgeving aangenomen (gemeente).
//
// DUO does not publish the M2M message format (it is given to software suppliers) nor a file
// format the verzuimloket accepts as an upload: the loket is a web form. So this package defines
// the port, and Grondslag ships adapters that are honest about that (internal/duo): a documented,
// versioned file with every field of the Besluit Verzuimmelding and the persoonsgebonden nummer,
// for the school's administration package or the person at the loket to copy from without
// retyping a BSN, an import of DUO's status answers, and a fake DUO for tests and the demo.

// DUO is the port to DUO's verzuimregister. The BSN or onderwijsnummer leaves Grondslag only
// through Submit; the caller decides and logs the disclosure before it calls.
type DUO interface {
	// Channel names the adapter for users and the audit trail ("bestand", "fake-duo", …).
	Channel() string
	// Submit hands the melding to DUO. The receipt says whether DUO has registered it (with its
	// meldingsnummer) or whether a file waits to be taken to DUO.
	Submit(ctx context.Context, s Submission) (Receipt, error)
	// Status reads the state of a submitted melding at DUO, by DUO's number or, before DUO gave
	// one, the sender's reference. ErrDUOUnknown when DUO does not know it; ErrDUONoStatus when the
	// channel cannot ask (a file channel: statuses come back as an imported file).
	Status(ctx context.Context, q StatusQuery) (StatusReport, error)
}

// Errors of the port.
var (
	ErrDUOUnknown  = errors.New("DUO kent deze melding niet")
	ErrDUONoStatus = errors.New("dit kanaal kan de status niet bij DUO opvragen; lees het statusbestand van DUO in")
	ErrDUORefused  = errors.New("DUO heeft de melding geweigerd")
)

// Submission is one melding on its way to DUO.
type Submission struct {
	// Reference is the sender's own reference of the melding (e.g. "GS-R01-12"), unique per
	// region; DUO's answers name it until DUO gave a number.
	Reference string
	// BRIN and Vestiging are the reporting school's (from the school, never typed).
	BRIN, Vestiging string
	// Document is the melding with the persoonsgebonden nummer (NewDocument).
	Document Document
	// At is the moment of sending.
	At time.Time
}

// Validate checks what DUO needs besides the Besluit's content (checked by NewMelding).
func (s Submission) Validate() error {
	switch {
	case strings.TrimSpace(s.Reference) == "":
		return fmt.Errorf("%w: kenmerk ontbreekt", ErrMelding)
	case len(strings.TrimSpace(s.BRIN)) != 4:
		return fmt.Errorf("%w: BRIN van de school moet 4 tekens zijn", ErrMelding)
	case s.Document.PersonNumber == "":
		return fmt.Errorf("%w: persoonsgebonden nummer ontbreekt", ErrMelding)
	case s.Document.Status != StatusRegistered && s.Document.Status != StatusWithdrawn:
		return fmt.Errorf("%w: een school stuurt een melding als geregistreerd of ingetrokken, niet als %s", ErrMelding, s.Document.Status)
	}
	return nil
}

// Receipt is the answer to a submission.
type Receipt struct {
	Channel string
	// DUONumber is DUO's meldingsnummer; empty when the channel produced a file that still has to
	// reach DUO (the number then comes back with the status import).
	DUONumber string
	Status    Status
	At        time.Time
	// File is the produced file, for a file channel: name, media type and content.
	File *ExchangeFile
}

// ExchangeFile is a file of the exchange.
type ExchangeFile struct {
	Name, MediaType string
	Content         []byte
}

// Delivered reports whether DUO has the melding (it gave a number).
func (r Receipt) Delivered() bool { return r.DUONumber != "" }

// StatusQuery names a melding at DUO.
type StatusQuery struct {
	DUONumber string
	Reference string
}

// StatusReport is DUO's state of a melding: the status the gemeente (or the school) set, with the
// gemeente's closing reason, note and contact.
type StatusReport struct {
	DUONumber     string
	Reference     string
	Status        Status
	At            time.Time
	ClosingReason ClosingReason
	ClosingNote   ClosingNote
	Contact       string
}

// Validate checks a report read from DUO or from DUO's file.
func (r StatusReport) Validate() error {
	if strings.TrimSpace(r.DUONumber) == "" && strings.TrimSpace(r.Reference) == "" {
		return fmt.Errorf("%w: meldingsnummer of kenmerk ontbreekt", ErrMelding)
	}
	if _, err := ParseStatus(string(r.Status)); err != nil {
		return fmt.Errorf("%w: %v", ErrMelding, err)
	}
	if r.Status == StatusClosed && !validClosingReason(r.ClosingReason) {
		return fmt.Errorf("%w: afgesloten zonder geldige reden", ErrMelding)
	}
	if r.ClosingNote != "" && !validClosingNote(r.ClosingNote) {
		return fmt.Errorf("%w: onbekende afsluitnotitie %q", ErrMelding, r.ClosingNote)
	}
	if r.At.IsZero() {
		return fmt.Errorf("%w: datum van de status ontbreekt", ErrMelding)
	}
	return nil
}

// StatusOutcome is what applying a report did to a melding.
type StatusOutcome string

const (
	OutcomeNumbered  StatusOutcome = "nummer-vastgelegd"   // DUO's number recorded, status unchanged
	OutcomeChanged   StatusOutcome = "status-bijgewerkt"   // status (and number) taken over
	OutcomeUnchanged StatusOutcome = "al-bekend"           // nothing new
	OutcomeConflict  StatusOutcome = "strijdig-met-status" // DUO's status cannot follow the melding's
)

// ApplyStatus takes DUO's report over into the melding: the number when the melding has none,
// and the status when the process allows that change (a gemeente's status, or the school's
// withdrawal). A report that repeats the melding's state changes nothing; one the process does not
// allow (e.g. back from afgesloten) is a conflict the caller shows, and the melding stays as it is.
func (m *Melding) ApplyStatus(r StatusReport) (StatusOutcome, error) {
	if err := r.Validate(); err != nil {
		return "", err
	}
	if m.duoNumber != "" && r.DUONumber != "" && m.duoNumber != strings.TrimSpace(r.DUONumber) {
		return OutcomeConflict, fmt.Errorf("%w: DUO-nummer %s hoort niet bij deze melding (%s)", ErrTransition, r.DUONumber, m.duoNumber)
	}
	numbered := false
	if m.duoNumber == "" && strings.TrimSpace(r.DUONumber) != "" {
		m.duoNumber = strings.TrimSpace(r.DUONumber)
		numbered = true
	}
	if r.Status == m.status {
		if numbered {
			return OutcomeNumbered, nil
		}
		return OutcomeUnchanged, nil
	}
	by := PartyGemeente
	if r.Status == StatusWithdrawn {
		by = PartySchool
	}
	at := r.At
	if at.Before(m.statusAt) {
		at = m.statusAt
	}
	if err := m.Transition(StatusChange{To: r.Status, By: by, Reason: r.ClosingReason, Note: r.ClosingNote, Contact: r.Contact, At: at}); err != nil {
		if numbered {
			return OutcomeNumbered, err
		}
		return OutcomeConflict, err
	}
	return OutcomeChanged, nil
}
