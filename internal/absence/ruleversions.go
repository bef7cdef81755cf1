package absence

import (
	"fmt"
	"slices"
)

// Rules versioned by date. The law and regional practice change (a school year's new verzuim
// protocol, a bill that changes the threshold): a region states its rules with the date from
// which each version applies (DOMAIN.md, last section). The version in force on the day of the
// registration that opens an episode decides the whole episode: its threshold, its stages and
// when it ends. An episode that began under the old rules is not judged again under the new ones
// (which would make one absence two episodes); absence that begins on or after the new date is
// judged by the new rules only.

// RuleVersion is a set of rules in force from a date.
type RuleVersion struct {
	From  Date // the first day the rules apply; the first version may be 0 (always before)
	Rules Rules
	// Source names where the version comes from (e.g. "convenant 2.1, bijlage 6"), for the
	// signal's bron text.
	Source string
}

// ruleEpoch is one version with its evaluator and the day the next one begins.
type ruleEpoch struct {
	from, until Date // [from, until); until 0: open
	ev          *Evaluator
}

// NewVersionedEvaluator returns an Evaluator that applies each version from its date on. With one
// version it is NewEvaluator. The versions must have increasing dates; each is validated.
func NewVersionedEvaluator(cal *Calendar, versions []RuleVersion) (*Evaluator, error) {
	if len(versions) == 0 {
		return nil, fmt.Errorf("%w: geen regels", ErrRules)
	}
	vs := slices.Clone(versions)
	for i := 1; i < len(vs); i++ {
		if vs[i].From <= vs[i-1].From {
			return nil, fmt.Errorf("%w: versie %d (vanaf %s) begint niet na versie %d (vanaf %s)", ErrRules, i+1, vs[i].From, i, vs[i-1].From)
		}
	}
	first, err := NewEvaluator(cal, vs[0].Rules)
	if err != nil {
		return nil, fmt.Errorf("regels vanaf %s: %w", vs[0].From, err)
	}
	if len(vs) == 1 {
		return first, nil
	}
	// The outer evaluator keeps the first version's rules for callers that ask Rules(); its
	// pupil() hands every pupil to the epochs.
	out, err := NewEvaluator(cal, vs[0].Rules)
	if err != nil {
		return nil, err
	}
	for i, v := range vs {
		ev := first
		if i > 0 {
			if ev, err = NewEvaluator(cal, v.Rules); err != nil {
				return nil, fmt.Errorf("regels vanaf %s: %w", v.From, err)
			}
		}
		if v.Source != "" {
			for k := range ev.sources {
				for variant := range ev.sources[k] {
					ev.sources[k][variant] += " (" + v.Source + ", vanaf " + v.From.Dutch() + ")"
				}
			}
		}
		ep := ruleEpoch{from: v.From, ev: ev}
		if i+1 < len(vs) {
			ep.until = vs[i+1].From
		}
		out.epochs = append(out.epochs, ep)
	}
	return out, nil
}

// RulesOn returns the rules in force on day d.
func (e *Evaluator) RulesOn(d Date) Rules {
	for i := len(e.epochs) - 1; i >= 0; i-- {
		if d >= e.epochs[i].from {
			return e.epochs[i].ev.rules
		}
	}
	return e.rules
}

// tracks group the kinds that describe one absence: an unauthorised episode is one signal
// whatever stage it reached, so a later version's view of a running episode is dropped.
func track(k Kind) Kind {
	switch k {
	case KindStarting, Kind16Hours, KindLongTerm, KindRMC:
		return Kind16Hours
	}
	return k
}

// pupilEpochs evaluates one pupil under every version whose period can open an episode (from the
// first registration to the peildatum), keeps each version's episodes that began in its period,
// and drops an episode of a later version that overlaps a kept earlier one of the same track.
func (e *Evaluator) pupilEpochs(pupil string, recs []rec, pc pupilCtx, emit func(Signal)) (Stats, []*LineError) {
	var first, last Date
	if len(recs) > 0 {
		first, last = recs[0].day(), recs[len(recs)-1].day()
	}
	if pc.asOf != 0 && pc.asOf < last {
		last = pc.asOf
	}
	var kept []Signal
	var st Stats
	var errs []*LineError
	ran := false
	for _, ep := range e.epochs {
		if ep.until != 0 && ep.until <= first || ep.from > last {
			continue
		}
		var got []Signal
		s, le := ep.ev.pupil(pupil, recs, pc, func(sig Signal) { got = append(got, sig) })
		if !ran {
			st, errs, ran = s, le, true
		}
		for _, sig := range got {
			if sig.From < ep.from || ep.until != 0 && sig.From >= ep.until {
				continue
			}
			if overlapsKept(kept, sig) {
				continue
			}
			kept = append(kept, sig)
		}
	}
	if !ran {
		// No version's period touches the registrations (all after the peildatum): the first
		// version counts what was skipped.
		st, errs = e.epochs[0].ev.pupil(pupil, recs, pc, func(Signal) {})
	}
	for _, s := range kept {
		emit(s)
	}
	return st, errs
}

func overlapsKept(kept []Signal, s Signal) bool {
	for _, k := range kept {
		if k.Pupil == s.Pupil && track(k.Kind) == track(s.Kind) && k.From <= end(s) && s.From <= end(k) {
			return true
		}
	}
	return false
}

func end(s Signal) Date {
	if s.Ended != 0 {
		return s.Ended
	}
	if s.To != 0 {
		return s.To
	}
	return s.From
}
