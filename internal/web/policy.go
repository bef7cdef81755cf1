package web

import (
	"context"
	"strconv"
	"strings"

	"github.com/grondslag/grondslag/internal/access"
)

// Decisions gives the decision point (internal/access) of a region. Every decision the web
// takes goes through it: the point resolves the processing activity, tries the consent route
// once and builds the audit record. cmd/grondslag passes the region registry; a single
// *access.Point serves as its own registry.
type Decisions interface {
	For(ctx context.Context, regionID int64) (*access.Point, error)
}

// Actions of a question.
const (
	ActLezen       = "lezen"
	ActVastleggen  = "vastleggen"
	ActVerstrekken = "verstrekken"
)

// Answer is the policy's decision with its explanation.
type Answer struct {
	Allowed            bool
	Ground             string // AVG ground code, e.g. avg-6-1-e
	GroundText         string // readable, e.g. "AVG art. 6 lid 1 sub e (publieke taak)"
	Article            string // convenant article
	Conditions         []string
	Obligations        []string
	Reason             string // plain Dutch, also (especially) when denied
	Missing            string // when denied: what is missing (policy.Missing* codes)
	ConsentID          int64  // the consent record the decision relied on, if any
	ConvenantVersion   string
	ProcessingActivity string // URI into the verwerkingsregister
	// Decision is what the answer was made from (zero for the parents' own access).
	Decision access.Decision
	decided  bool // made by answerOf from a decision of the policy
}

// answerOf is a decision as the pages show it.
func answerOf(d access.Decision) Answer {
	a := Answer{Allowed: d.Allowed, GroundText: d.Ground, Article: d.Article, Conditions: d.Conditions, Obligations: d.Obligations,
		Reason: d.Reason, Missing: d.Missing, ConvenantVersion: strings.TrimPrefix(d.ConvenantVersion, "sha256:"), Decision: d, decided: true}
	a.ProcessingActivity = d.ActivityURI
	if d.Allowed {
		a.Ground = d.GroundCode()
	}
	if id, err := strconv.ParseInt(d.ConsentID, 10, 64); err == nil {
		a.ConsentID = id
	}
	return a
}

// Code is a convenant code with its Dutch label.
type Code struct {
	Code  string
	Label string
	Party string // roles: the party the role belongs to
}

// Vocabulary lists the convenant's codes for the forms of the UI.
type Vocabulary struct {
	Parties    []Code
	Roles      []Code
	Purposes   []Code
	Categories []Code
	Phases     []Code
}

// Label returns the label of code in list, or the code itself.
func Label(list []Code, code string) string {
	for _, c := range list {
		if c.Code == code {
			return c.Label
		}
	}
	return code
}

func hasCode(list []Code, code string) bool {
	for _, c := range list {
		if c.Code == code {
			return true
		}
	}
	return false
}

// consentRef is a consent id as the policy's context names it ("" for none).
func consentRef(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// vocabOf is the vocabulary of the principal's region: the codes of the convenant its decision
// point decides by (regions may have different convenants). Deps.Vocab when the region cannot
// be resolved (no principal).
func (s *Server) vocabOf(p *Principal) Vocabulary {
	if p == nil {
		return s.d.Vocab
	}
	pt, err := s.d.Access.For(context.Background(), p.Actor().RegionID)
	if err != nil {
		return s.d.Vocab
	}
	k := pt.Convenant()
	if v, ok := s.vocabs.Load(k.Hash()); ok {
		return v.(Vocabulary)
	}
	v := VocabularyOf(k)
	s.vocabs.Store(k.Hash(), v)
	return v
}
