package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/policy"
)

// This file holds what the pages share for their decisions: every question goes to the region's
// decision point (internal/access), which resolves the processing activity, tries the consent
// route once and fills the audit record (access.Decision.Record).

// pupilFacts returns the decision context of one pupil for the actor and purpose (a DUO melding
// on file, the consent register when asked). Without a DecisionContext every fact is absent.
func (s *Server) pupilFacts(ctx context.Context, p *Principal, pupilID int64, purpose string) (Facts, error) {
	if s.d.Facts == nil || pupilID == 0 || p.Actor().ParentID != 0 || p.Actor().PupilID != 0 {
		return Facts{}, nil
	}
	return s.d.Facts.DecisionContext(ctx, p.Actor(), pupilID, purpose, s.now())
}

// decideWith asks the region's decision point (internal/access) one question for the principal
// with the pupil's facts; the point tries the consent route once when the facts can consult the
// consent register.
func (s *Server) decideWith(ctx context.Context, p *Principal, f Facts, act policy.Action, category, purpose string, to policy.Actor) (access.Decision, error) {
	a := p.Actor()
	q := policy.Request{Actor: policy.Actor{Party: a.Party, Role: a.Role}, Action: act, Category: category, Purpose: purpose, Recipient: to,
		Context: f.policyContext(policy.LevelPerson, s.now())}
	return s.ask(ctx, a.RegionID, access.Request{Request: q, ConsentFor: f.consentRoute(q, a)})
}

// ask decides req at the region's decision point, without logging (the caller logs the
// decision's record, built by decisionRecord or auditRecord).
func (s *Server) ask(ctx context.Context, regionID int64, req access.Request) (access.Decision, error) {
	pt, err := s.d.Access.For(ctx, regionID)
	if err != nil {
		return access.Decision{}, err
	}
	req.RegionID = regionID
	return pt.Ask(ctx, req)
}

// decideAll asks the same question for several categories and returns the decisions in order;
// allowed is true when every category is allowed, first is the first refusal (or the first
// decision).
func (s *Server) decideAll(ctx context.Context, p *Principal, f Facts, act policy.Action, cats []string, purpose string, to policy.Actor) (ds []access.Decision, allowed bool, first access.Decision, err error) {
	allowed = true
	for i, c := range cats {
		d, err := s.decideWith(ctx, p, f, act, c, purpose, to)
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

// decisionRecord builds the audit record of one decision about a pupil (pseudonym) in the
// categories cats, with the action done. melding names the melding relied on or made, if any.
func (s *Server) decisionRecord(ctx context.Context, p *Principal, pseudonym string, cats []string, purpose string,
	act audit.Action, d access.Decision, melding string, point audit.AccessPoint, name string) audit.Record {
	rec := s.auditRecord(ctx, p, pseudonym, cats[0], purpose, Answer{Allowed: d.Allowed, Missing: d.Missing}, Facts{Melding: melding}, point, name)
	rec.Categories = append([]string(nil), cats...)
	rec.Action = act
	return d.Record(rec)
}

// denied is the error for a refused decision: 403 with the policy's reason, which says what is
// missing.
func denied(d access.Decision) error {
	return &Error{Status: http.StatusForbidden, Title: "Niet toegestaan", Detail: "Het convenant staat dit niet toe: " + d.Reason}
}

// groundLine is the ground of an allowed decision as a page shows it.
func groundLine(d access.Decision) string {
	if !d.Allowed {
		return "Niet toegestaan: " + d.Reason
	}
	out := d.Ground
	if d.Article != "" {
		out += " · artikel " + strings.TrimPrefix(d.Article, "artikel ")
	}
	return out
}
