package casework

import (
	"slices"
	"strconv"
	"time"

	"github.com/grondslag/grondslag/internal/convenant"
)

// PhaseChange is one entry of the phase history.
type PhaseChange struct {
	From, To string
	At       time.Time
	By       int64
	Note     string
}

// NextPhases lists the phases that may follow phase in the convenant's order (bijlage 3):
//   - the next phase;
//   - any earlier phase except the first, to do a step again (a new question, a new meeting,
//     an adjusted plan — the evaluation cycle of "uitvoering en evaluatie");
//   - the last phase (afsluiting), from every phase: a pupil can move away or return to school
//     at any time.
//
// The last phase itself has no successor: a case in it is closed with Close.
func NextPhases(k *convenant.Compiled, phase string) []string {
	phases := k.Phases()
	i := slices.IndexFunc(phases, func(p convenant.Phase) bool { return p.Code == phase })
	last := len(phases) - 1
	if i < 0 || i == last {
		return nil
	}
	var out []string
	out = append(out, phases[i+1].Code)
	for j := 1; j < i; j++ {
		out = append(out, phases[j].Code)
	}
	if i+1 != last {
		out = append(out, phases[last].Code)
	}
	return out
}

// LastPhase is the convenant's closing phase.
func LastPhase(k *convenant.Compiled) string {
	ph := k.Phases()
	if len(ph) == 0 {
		return ""
	}
	return ph[len(ph)-1].Code
}

// Advance moves the case to phase to. Whoever holds the broad regie leads the overleg and moves
// it; an illegal transition is refused with the phases that may follow.
func (c *Case) Advance(k *convenant.Compiled, to, note string, by Actor, now time.Time) error {
	if err := c.open(); err != nil {
		return err
	}
	if !by.Professional() || by.UserID != c.RegieHolder(RegieBroad) {
		return denied("alleen wie de brede regie heeft, brengt de casus naar een volgende fase")
	}
	if _, ok := k.Phase(to); !ok {
		return &TransitionError{From: c.Phase, To: to, Allowed: NextPhases(k, c.Phase)}
	}
	allowed := NextPhases(k, c.Phase)
	if !slices.Contains(allowed, to) {
		return &TransitionError{From: c.Phase, To: to, Allowed: allowed}
	}
	c.setPhase(to, note, by.UserID, now)
	return nil
}

func (c *Case) setPhase(to, note string, by int64, now time.Time) {
	c.Phases = append(c.Phases, PhaseChange{From: c.Phase, To: to, At: now, By: by, Note: note})
	c.Phase = to
	c.Version++
}

// PhaseEnteredAt is when the case entered its current phase.
func (c *Case) PhaseEnteredAt() time.Time {
	if len(c.Phases) == 0 {
		return c.OpenedAt
	}
	return c.Phases[len(c.Phases)-1].At
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
