package policy_test

import (
	"math/rand/v2"
	"slices"
	"testing"

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
		if has(e.Conditions, convenant.CondDUO) && !r.Context.DUOMelding {
			return false
		}
		if has(e.Conditions, convenant.CondConsent) && !r.Context.Consent {
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
			Context: policy.Context{DUOMelding: rng.IntN(2) == 0, Consent: rng.IntN(2) == 0, Level: levels[rng.IntN(4)]}}
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
