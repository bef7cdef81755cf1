package policy_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/policy"
)

// reference decides by walking the exchanges of the convenant directly, the slow and obvious
// way. The compiled engine must agree with it on allowed and on the deciding rule.
func reference(k *convenant.Compiled, r policy.Request) (bool, string) {
	has := func(cs []convenant.Code, v string) bool {
		return slices.ContainsFunc(cs, func(c convenant.Code) bool { return c.Value == v })
	}
	level := r.Context.Level
	if level == "" {
		level = policy.LevelPerson
	}
	covers := func(e *convenant.Exchange) bool {
		if e.Party.Value != r.Actor.Party || (len(e.Roles) > 0 && !has(e.Roles, r.Actor.Role)) || !has(e.Actions, string(r.Action)) ||
			!has(e.Categories, r.Category) || e.Purpose.Value != r.Purpose {
			return false
		}
		return true
	}
	holds := func(e *convenant.Exchange) bool {
		if e.Recipient != nil && (e.Recipient.Party.Value != r.Recipient.Party || (len(e.Recipient.Roles) > 0 && !has(e.Recipient.Roles, r.Recipient.Role))) {
			return false
		}
		if len(e.Levels) > 0 && !has(e.Levels, level) {
			return false
		}
		if len(e.Phases) > 0 && !has(e.Phases, r.Context.Phase) {
			return false
		}
		c := r.Context
		if has(e.Conditions, convenant.CondDUO) && (!c.DUOMelding || c.NotEnrolled) {
			return false
		}
		if has(e.Conditions, convenant.CondNotEnrolled) && !c.NotEnrolled {
			return false
		}
		if has(e.Conditions, convenant.CondVerwijsindex) && !c.Verwijsindex {
			return false
		}
		if has(e.Conditions, convenant.CondTLV) && !c.TLV {
			return false
		}
		if c.Age > 0 && !e.Ages.Contains(c.Age) {
			return false
		}
		if e.Switch.Value != "" {
			if on, _ := k.Regional().Bool(e.Switch.Value); !on {
				return false
			}
		}
		if !c.Day.IsZero() {
			day := c.Day.Format("2006-01-02")
			if (e.ValidFrom != "" && day < e.ValidFrom) || (e.ValidUntil != "" && day > e.ValidUntil) {
				return false
			}
		}
		// Bijlage 3: inside a casusoverleg a disclosure brings only what the phase takes from the party.
		if c.Phase != "" && has(e.Actions, convenant.ActionDisclose) && len(e.Phases) == 0 {
			ph, _ := k.Phase(c.Phase)
			ok := false
			for _, in := range ph.Information {
				if in.From.Value == e.Party.Value && has(in.Categories, r.Category) && (in.Scope == convenant.ScopeContent || has(e.Conditions, convenant.CondOutside)) {
					ok = true
				}
			}
			if !ok {
				return false
			}
		}
		if has(e.Conditions, convenant.CondConsent) && !referenceConsent(k, e, c) {
			return false
		}
		return true
	}
	ex := k.Exchanges()
	for i := range ex {
		if ex[i].Forbidden && covers(&ex[i]) && holds(&ex[i]) {
			return false, ex[i].ID
		}
	}
	for _, outside := range []bool{false, true} {
		for i := range ex {
			e := &ex[i]
			if !e.Forbidden && has(e.Conditions, convenant.CondOutside) == outside && covers(e) && holds(e) {
				return true, e.ID
			}
		}
	}
	return false, ""
}

// referenceConsent: with who consented stated, the right person for the age must have; without, the register's verdict.
func referenceConsent(k *convenant.Compiled, e *convenant.Exchange, c policy.Context) bool {
	if c.ConsentBy == 0 {
		return c.Consent
	}
	if c.Age == 0 {
		return false
	}
	cr, _ := k.ConsentRuleFor(e.Purpose.Value, e.Party.Value)
	own := cr.OwnAge
	if own == 0 {
		own = 16
	}
	parents := c.ConsentBy&policy.ByParents != 0 || (cr.Parents != convenant.ParentsAll && c.ConsentBy&policy.ByParent != 0)
	pupil := c.ConsentBy&policy.ByPupil != 0
	switch {
	case c.Age >= own:
		return pupil
	case cr.JointAge > 0 && c.Age >= cr.JointAge:
		return pupil && parents
	}
	return parents
}

func TestAgainstReference(t *testing.T) {
	k, _ := convenant.Default()
	e := policy.NewEngine(k)
	rng := rand.New(rand.NewPCG(7, 11))
	parties, cats, purps, phases := k.Parties(), k.Categories(), k.Purposes(), k.Phases()
	actions := []policy.Action{policy.Read, policy.Record, policy.Disclose}
	levels := []string{"", "persoon", "school", "geaggregeerd"}
	actor := func() policy.Actor {
		p := parties[rng.IntN(len(parties))]
		return policy.Actor{Party: p.Code, Role: p.Roles[rng.IntN(len(p.Roles))].Code}
	}
	allowed := 0
	const n = 200000
	for range n {
		r := policy.Request{Actor: actor(), Action: actions[rng.IntN(3)], Category: cats[rng.IntN(len(cats))].Code, Purpose: purps[rng.IntN(len(purps))].Code,
			Context: policy.Context{DUOMelding: rng.IntN(2) == 0, Consent: rng.IntN(2) == 0, Level: levels[rng.IntN(4)],
				NotEnrolled: rng.IntN(4) == 0, Verwijsindex: rng.IntN(3) == 0, TLV: rng.IntN(3) == 0}}
		if rng.IntN(3) > 0 {
			r.Context.Age = 3 + rng.IntN(22)
		}
		if rng.IntN(3) == 0 {
			r.Context.ConsentBy = policy.ConsentBy(rng.IntN(8))
		}
		if rng.IntN(4) == 0 {
			r.Context.Day = time.Date(2025+rng.IntN(4), time.Month(1+rng.IntN(12)), 1, 0, 0, 0, 0, time.UTC)
		}
		if r.Action == policy.Disclose {
			r.Recipient = actor()
		}
		if rng.IntN(3) > 0 {
			r.Context.Phase = phases[rng.IntN(len(phases))].Code
		}
		d := e.Decide(r)
		ok, rule := reference(k, r)
		if d.Allowed != ok || (rule != "" && d.RuleID != rule) {
			t.Fatalf("%+v:\nengine: %v %s (%s)\nreferentie: %v %s", r, d.Allowed, d.RuleID, d.Reason, ok, rule)
		}
		if d.Allowed {
			allowed++
		}
	}
	t.Logf("%d van %d toegestaan", allowed, n)
	if allowed < 500 {
		t.Fatalf("slechts %d van %d toegestaan; de steekproef zegt te weinig", allowed, n)
	}
}
