package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/policy"
)

// This file holds what the absence (verzuim*.go) and consent (toestemming*.go) parts share:
// decisions asked of the convenant's policy engine directly (so that the audit record is filled
// by audit.Record.ApplyDecision from the policy.Decision itself), with the pupil's facts.

// pupilFacts returns the decision context of one pupil for the actor and purpose (a DUO melding
// on file, the consent register when asked). Without a DecisionContext every fact is absent.
func (s *Server) pupilFacts(ctx context.Context, p *Principal, pupilID int64, purpose string) (Facts, error) {
	if s.d.Facts == nil || pupilID == 0 || p.Actor().ParentID != 0 {
		return Facts{}, nil
	}
	return s.d.Facts.DecisionContext(ctx, p.Actor(), pupilID, purpose, s.now())
}

// decideWith asks the engine one question for the principal with the pupil's facts. When the
// policy says consent is what is missing and the facts can consult the consent register, it asks
// again with the consent that covers (the decision then names it).
func decideWith(eng *policy.Engine, p *Principal, f Facts, act policy.Action, category, purpose string, to policy.Actor) (policy.Decision, error) {
	a := p.Actor()
	req := policy.Request{Actor: policy.Actor{Party: a.Party, Role: a.Role}, Action: act, Category: category, Purpose: purpose, Recipient: to,
		Context: policy.Context{DUOMelding: f.DUOMelding, Phase: f.Phase, Level: policy.LevelPerson}}
	d := eng.Decide(req)
	if !d.Allowed && d.Missing == policy.MissingConsent && f.ConsentFor != nil {
		ok, id, err := f.ConsentFor(category)
		if err != nil {
			return d, err
		}
		if ok {
			req.Context.Consent, req.Context.ConsentID = true, itoa(id)
			d = eng.Decide(req)
		}
	}
	return d, nil
}

// decideAll asks the same question for several categories and returns the decisions in order;
// allowed is true when every category is allowed, first is the first refusal (or the first
// decision).
func decideAll(eng *policy.Engine, p *Principal, f Facts, act policy.Action, cats []string, purpose string, to policy.Actor) (ds []policy.Decision, allowed bool, first policy.Decision, err error) {
	allowed = true
	for i, c := range cats {
		d, err := decideWith(eng, p, f, act, c, purpose, to)
		if err != nil {
			return nil, false, d, err
		}
		ds = append(ds, d)
		if i == 0 {
			first = d
		}
		if !d.Allowed && allowed {
			allowed, first = false, d
		}
	}
	return ds, allowed, first, nil
}

// activityURI is the processing activity of a decision as the audit record names it.
func activityURI(eng *policy.Engine, d policy.Decision) string {
	if !d.Allowed || d.Activity == "" {
		return ""
	}
	u := eng.Convenant().ProcessingActivityURI(d.Activity)
	if !strings.Contains(u, ":") {
		u = "urn:grondslag:verwerking:" + strings.ToLower(u)
	}
	return u
}

// decisionRecord builds the audit record of one decision about a pupil (pseudonym) in the
// categories cats, with the action done. melding names the melding relied on or made, if any.
func (s *Server) decisionRecord(ctx context.Context, eng *policy.Engine, p *Principal, pseudonym string, cats []string, purpose string,
	act audit.Action, d policy.Decision, melding string, point audit.AccessPoint, name string) audit.Record {
	rec := s.auditRecord(ctx, p, pseudonym, cats[0], purpose, Answer{Allowed: d.Allowed, Missing: d.Missing}, Facts{Melding: melding}, point, name)
	rec.Categories = append([]string(nil), cats...)
	rec.Action = act
	rec.ApplyDecision(d, activityURI(eng, d))
	return rec
}

// denied is the error for a refused decision: 403 with the policy's reason, which says what is
// missing.
func denied(d policy.Decision) error {
	return &Error{Status: http.StatusForbidden, Title: "Niet toegestaan", Detail: "Het convenant staat dit niet toe: " + d.Reason}
}

// groundLine is the ground of an allowed decision as a page shows it.
func groundLine(d policy.Decision) string {
	if !d.Allowed {
		return "Niet toegestaan: " + d.Reason
	}
	out := d.Ground
	if d.Article != "" {
		out += " · artikel " + strings.TrimPrefix(d.Article, "artikel ")
	}
	return out
}
