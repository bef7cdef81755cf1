package duo

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
)

// Fake is an in-process DUO for tests and the demo: it registers meldingen as DUO's register
// would (a meldingsnummer, status geregistreerd), refuses what DUO refuses (no number, no BRIN,
// a status a school cannot send, the same kenmerk twice), and lets a test or the demo play the
// gemeente (Handle). It is not DUO: nothing leaves the process.
type Fake struct {
	mu    sync.Mutex
	next  int
	byNr  map[string]*fakeMelding
	byRef map[string]string
	// Received counts the submissions that carried a persoonsgebonden nummer (every accepted one).
	received int
	// PlayGemeente makes the fake answer a status query on a registered melding as if the
	// gemeente had taken it in behandeling (the demo: no gemeente package is connected).
	PlayGemeente bool
	now          func() time.Time
	// refuse holds the refusals a test or the demo set for a kenmerk (Refuse).
	refuse map[string]*absence.DUORefusal
}

type fakeMelding struct {
	report absence.StatusReport
	number string // the persoonsgebonden nummer DUO received
}

// NewFake returns an empty fake register; numbers start at VZM00000001.
func NewFake() *Fake {
	return &Fake{byNr: map[string]*fakeMelding{}, byRef: map[string]string{}, refuse: map[string]*absence.DUORefusal{}}
}

// StartAt makes the next number VZM followed by n (the demo's populated meldingen use a range
// the server's own fake does not reach).
func (f *Fake) StartAt(n int) {
	f.mu.Lock()
	f.next = n - 1
	f.mu.Unlock()
}

// Refuse makes DUO refuse the submissions with this kenmerk (kind afgewezen or fout, DUO's code
// and text), as DUO does with a melding it cannot take; Refuse with a nil refusal lifts it.
func (f *Fake) Refuse(reference string, r *absence.DUORefusal) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r == nil {
		delete(f.refuse, reference)
		return
	}
	f.refuse[reference] = r
}

// Channel implements absence.DUO.
func (f *Fake) Channel() string { return "fake-duo" }

// Submit implements absence.DUO: the melding is registered and numbered. A second submission
// with the same kenmerk answers with the first number (DUO's register holds one melding per
// kenmerk; a retry after a lost answer must not make two).
func (f *Fake) Submit(ctx context.Context, s absence.Submission) (absence.Receipt, error) {
	if err := ctx.Err(); err != nil {
		return absence.Receipt{}, err
	}
	if err := s.Validate(); err != nil {
		return absence.Receipt{}, absence.NewDUORefusal(absence.RefusalRejected, "", err.Error())
	}
	f.mu.Lock()
	r := f.refuse[strings.TrimSpace(s.Reference)]
	f.mu.Unlock()
	if r != nil {
		return absence.Receipt{}, r
	}
	// What DUO receives is the file's content: write and read it back, so the fake checks the
	// same format the file channel produces.
	b, err := MarshalMelding(s)
	if err != nil {
		return absence.Receipt{}, absence.NewDUORefusal(absence.RefusalRejected, "", err.Error())
	}
	number, _, ref, _, _, err := UnmarshalMelding(b)
	if err != nil {
		return absence.Receipt{}, absence.NewDUORefusal(absence.RefusalError, "", err.Error())
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if nr, ok := f.byRef[ref]; ok {
		m := f.byNr[nr]
		if s.Document.Status == absence.StatusWithdrawn && m.report.Status == absence.StatusRegistered {
			m.report.Status, m.report.At = absence.StatusWithdrawn, s.At
		}
		return absence.Receipt{Channel: f.Channel(), DUONumber: nr, Status: m.report.Status, At: m.report.At}, nil
	}
	f.next++
	nr := fmt.Sprintf("VZM%08d", f.next)
	f.byNr[nr] = &fakeMelding{report: absence.StatusReport{DUONumber: nr, Reference: ref, Status: s.Document.Status, At: s.At}, number: number}
	f.byRef[ref] = nr
	f.received++
	return absence.Receipt{Channel: f.Channel(), DUONumber: nr, Status: s.Document.Status, At: s.At}, nil
}

// Status implements absence.DUO.
func (f *Fake) Status(ctx context.Context, q absence.StatusQuery) (absence.StatusReport, error) {
	if err := ctx.Err(); err != nil {
		return absence.StatusReport{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	nr := strings.TrimSpace(q.DUONumber)
	if nr == "" {
		nr = f.byRef[strings.TrimSpace(q.Reference)]
	}
	m, ok := f.byNr[nr]
	if !ok {
		return absence.StatusReport{}, absence.ErrDUOUnknown
	}
	if f.PlayGemeente && m.report.Status == absence.StatusRegistered {
		at := time.Now()
		if f.now != nil {
			at = f.now()
		}
		m.report.Status, m.report.At, m.report.Contact = absence.StatusInProgress, at, "leerplicht van de gemeente (gespeeld door de nep-DUO van de demo)"
	}
	return m.report, nil
}

// NewDemoFake is the fake the demo server uses: it plays the gemeente (PlayGemeente).
func NewDemoFake(now func() time.Time) *Fake {
	f := NewFake()
	f.PlayGemeente, f.now = true, now
	return f
}

// Handle plays the gemeente: it sets the status of a registered melding at DUO (in behandeling,
// afgesloten with a reason, ter kennisgeving aangenomen), as the gemeente's package would.
func (f *Fake) Handle(number string, st absence.Status, reason absence.ClosingReason, note absence.ClosingNote, contact string, at time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, ok := f.byNr[number]
	if !ok {
		return absence.ErrDUOUnknown
	}
	r := m.report
	r.Status, r.ClosingReason, r.ClosingNote, r.Contact, r.At = st, reason, note, contact, at
	if err := r.Validate(); err != nil {
		return err
	}
	m.report = r
	return nil
}

// PersonNumber returns the persoonsgebonden nummer DUO received with a melding (tests check that
// the number arrived there, and only there).
func (f *Fake) PersonNumber(number string) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, ok := f.byNr[number]
	if !ok {
		return "", false
	}
	return m.number, true
}

// Received returns how many meldingen DUO registered.
func (f *Fake) Received() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.received
}

// Remember registers a melding DUO already holds from an earlier run (its number, kenmerk and
// last known status), without the persoonsgebonden nummer, which Grondslag does not keep beside
// the melding: the demo server's fake answers a status query about the meldingen the demo build
// sent through its own fake, instead of not knowing them. A number it already holds is left alone.
func (f *Fake) Remember(r absence.StatusReport) {
	f.mu.Lock()
	defer f.mu.Unlock()
	nr := strings.TrimSpace(r.DUONumber)
	if nr == "" || f.byNr[nr] != nil {
		return
	}
	r.DUONumber = nr
	f.byNr[nr] = &fakeMelding{report: r}
	if ref := strings.TrimSpace(r.Reference); ref != "" {
		f.byRef[ref] = nr
	}
}
