package absence

import (
	"errors"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
)

// The records of absence as a repository returns them: the domain's values with their ids. They
// are declared here, not in internal/store, so that the web's absence pages and their fakes
// depend on the domain only (internal/store names them as aliases).

// StoredSignal is a signal (one per episode) with its id and pupil, and the melding covering it.
type StoredSignal struct {
	ID      int64
	PupilID int64
	Signal
	FoundAt   time.Time
	MeldingID int64 // the melding (not withdrawn) that covers the episode; 0 none
}

// Open reports whether the signal still asks for action: no melding covers its episode.
func (s StoredSignal) Open() bool { return s.MeldingID == 0 }

// StoredMelding is a verzuimmelding with its ids.
type StoredMelding struct {
	ID       int64
	PupilID  int64
	SchoolID int64
	SignalID int64 // 0 when not proposed by a stored signal
	*Melding
}

// MeldingTrail returns the audit entries of a change to a melding (its id given); it runs inside
// the change's transaction.
type MeldingTrail func(meldingID int64) ([]audit.Entry, error)

// ErrMeldingExists is returned (wrapped) with the existing melding's id when a melding is made
// for an episode that already has one (not withdrawn): a double submit makes one melding.
var ErrMeldingExists = errors.New("voor deze verzuimperiode is al een melding gedaan")

// MeldingStatusEntry is one step of a melding's status history.
type MeldingStatusEntry struct {
	Status Status
	By     Party // school, gemeente, or PartyDUO for a refusal by DUO
	Reason ClosingReason
	Note   ClosingNote
	At     time.Time
	// Error is set on a line with an error status: DUO refused the melding or the exchange failed
	// at DUO (DUORefusal.Text); Status then repeats the melding's unchanged status.
	Error string
}

// PartyDUO is the author of a history line DUO caused (its refusal).
const PartyDUO Party = "duo"

// MeldingListItem is one melding of a list, with the pupil it is about.
type MeldingListItem struct {
	StoredMelding
	Pseudonym string
	FirstName string
	LastName  string
}

// MeldingSorts are the values a melding list's sort (dossier.Page.Sort) may take.
func MeldingSorts() []string { return []string{"-begindatum", "begindatum", "status", "soort"} }

// DUOExchange is what is known of a melding's exchange with DUO.
type DUOExchange struct {
	Channel      string    // "" while it was not sent
	SentAt       time.Time // zero while it was not sent
	StatusReadAt time.Time // zero while no answer of DUO was taken over
	// Refusal is DUO's last refusal (DUORefusal.Text) since the last successful submission, with
	// its moment; "" and zero when there is none.
	Refusal   string
	RefusedAt time.Time
}

// Refused reports whether DUO's last answer to a submission was a refusal.
func (e DUOExchange) Refused() bool { return e.Refusal != "" }

// Sent reports whether the melding went to DUO (or its file was made).
func (e DUOExchange) Sent() bool { return !e.SentAt.IsZero() }

// StoredDossier is a leerplicht dossier with its ids.
type StoredDossier struct {
	ID         int64
	PupilID    int64
	GemeenteID int64
	MeldingID  int64 // the melding a relative-absence dossier rests on; 0 for absoluut verzuim
	Ground     DossierGround
	Opened     Date
	Open       bool
	Closed     Date
	Reason     string // why it was closed
	RecordedAt time.Time
}

// StoredStep is a step of a dossier with its ids.
type StoredStep struct {
	ID        int64
	DossierID int64
	Step
	RecordedAt time.Time
}

// DossierTrail returns the audit entries of a change to a dossier (its id and the step's id, 0
// when no step); it runs inside the change's transaction.
type DossierTrail func(dossierID, stepID int64) ([]audit.Entry, error)

// ErrDossierExists is returned (wrapped, with the id) when a child already has an open dossier on
// the same ground: opening twice gives the one dossier.
var ErrDossierExists = errors.New("er is al een open leerplichtdossier op deze grond")

// StoredExemptionRequest is a request for a vrijstelling or leave with its ids.
type StoredExemptionRequest struct {
	ID          int64
	PupilID     int64
	ExemptionID int64 // the vrijstelling row a granted decision made; 0 otherwise
	ExemptionRequest
	RecordedAt time.Time
}

// ExemptionTrail returns the audit entries of a change to a request (its id given); it runs
// inside the change's transaction.
type ExemptionTrail func(requestID int64) ([]audit.Entry, error)

// StoredLetterTemplate is one version of a region's letter template.
type StoredLetterTemplate struct {
	Kind    StepKind
	Version int64
	Text    string
	By      int64 // the beheerder's user id
	At      time.Time
}
