package main

import (
	"math/rand/v2"

	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/open-policy-agent/opa/v1/ast"
)

// workload builds a deterministic mix of requests: half aimed at a random exchange of the
// convenant (so that many are allowed and the rest fail on a condition), half random over all
// codes (mostly denied because the purpose or category was not agreed). Every request uses
// codes the convenant knows, so both engines see the same question.
func workload(k *convenant.Compiled, n int, seed uint64) []policy.Request {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	parties := k.Parties()
	cats, purps, phases := k.Categories(), k.Purposes(), k.Phases()
	ex := k.Exchanges()
	actions := []policy.Action{policy.Read, policy.Record, policy.Disclose}
	levels := []string{"", "persoon", "school", "geaggregeerd"}
	pick := func(n int) int { return rng.IntN(n) }
	randActor := func() policy.Actor {
		p := parties[pick(len(parties))]
		return policy.Actor{Party: p.Code, Role: p.Roles[pick(len(p.Roles))].Code}
	}
	out := make([]policy.Request, 0, n)
	for len(out) < n {
		var r policy.Request
		if rng.IntN(2) == 0 {
			e := ex[pick(len(ex))]
			p, _ := k.Party(e.Party.Value)
			role := p.Roles[pick(len(p.Roles))].Code
			if len(e.Roles) > 0 {
				role = e.Roles[pick(len(e.Roles))].Value
			}
			r = policy.Request{Actor: policy.Actor{Party: e.Party.Value, Role: role}, Action: policy.Action(e.Actions[pick(len(e.Actions))].Value),
				Category: e.Categories[pick(len(e.Categories))].Value, Purpose: e.Purpose.Value}
			if r.Action == policy.Disclose {
				if e.Recipient != nil {
					rp, _ := k.Party(e.Recipient.Party.Value)
					rr := rp.Roles[pick(len(rp.Roles))].Code
					if len(e.Recipient.Roles) > 0 && rng.IntN(4) != 0 {
						rr = e.Recipient.Roles[pick(len(e.Recipient.Roles))].Value
					}
					r.Recipient = policy.Actor{Party: rp.Code, Role: rr}
				} else {
					r.Recipient = randActor()
				}
			}
		} else {
			r = policy.Request{Actor: randActor(), Action: actions[pick(3)], Category: cats[pick(len(cats))].Code, Purpose: purps[pick(len(purps))].Code}
			if r.Action == policy.Disclose {
				r.Recipient = randActor()
			}
		}
		r.Context = policy.Context{DUOMelding: rng.IntN(2) == 0, Consent: rng.IntN(2) == 0, Level: levels[pick(len(levels))],
			NotEnrolled: rng.IntN(5) == 0, Verwijsindex: rng.IntN(3) == 0, TLV: rng.IntN(3) == 0}
		if rng.IntN(2) == 0 {
			r.Context.Phase = phases[pick(len(phases))].Code
		}
		out = append(out, r)
	}
	return out
}

// opaInput is the request as the Rego policy reads it (the same shape as `grondslag mag`).
func opaInput(r policy.Request) map[string]any {
	in := map[string]any{
		"actor":     map[string]any{"partij": r.Actor.Party, "rol": r.Actor.Role},
		"handeling": string(r.Action),
		"categorie": r.Category,
		"doel":      r.Purpose,
		"context": map[string]any{"duo_melding": r.Context.DUOMelding, "toestemming": r.Context.Consent,
			"casusfase": r.Context.Phase, "niveau": r.Context.Level, "niet-ingeschreven": r.Context.NotEnrolled,
			"verwijsindex": r.Context.Verwijsindex, "tlv-of-arrangement": r.Context.TLV},
	}
	if r.Action == policy.Disclose {
		in["ontvanger"] = map[string]any{"partij": r.Recipient.Party, "rol": r.Recipient.Role}
	}
	return in
}

func parsedInputs(reqs []policy.Request) ([]ast.Value, error) {
	out := make([]ast.Value, len(reqs))
	for i, r := range reqs {
		v, err := ast.InterfaceToValue(opaInput(r))
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}
