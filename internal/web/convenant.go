package web

import (
	"strings"

	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/policy"
)

// PolicyDecider adapts the policy engine of the region's convenant to Decider.
type PolicyDecider struct{ Engine *policy.Engine }

// Decide asks the engine and translates its decision.
func (p PolicyDecider) Decide(q Question) Answer {
	d := p.Engine.Decide(policy.Request{
		Actor: policy.Actor{Party: q.Party, Role: q.Role}, Action: policy.Action(q.Action), Category: q.Category, Purpose: q.Purpose,
		Recipient: policy.Actor{Party: q.RecipientParty, Role: q.RecipientRole},
		Context:   policy.Context{DUOMelding: q.DUOMelding, Consent: q.Consent, ConsentID: consentID(q.ConsentID), Phase: q.Phase, Level: q.Level},
	})
	a := Answer{Allowed: d.Allowed, GroundText: d.Ground, Article: d.Article, Conditions: d.Conditions, Obligations: d.Obligations,
		Reason: d.Reason, Missing: d.Missing, ConvenantVersion: strings.TrimPrefix(d.ConvenantVersion, "sha256:")}
	if d.Allowed {
		a.Ground = d.GroundCode()
		if d.Activity != "" {
			a.ProcessingActivity = p.Engine.Convenant().ProcessingActivityURI(d.Activity)
		}
		if !strings.Contains(a.ProcessingActivity, ":") {
			a.ProcessingActivity = "urn:grondslag:verwerking:" + strings.ToLower(a.ProcessingActivity)
		}
	}
	return a
}

func consentID(id int64) string {
	if id == 0 {
		return ""
	}
	return itoa(id)
}

// VocabularyOf lists the convenant's codes with their names for the forms.
func VocabularyOf(c *convenant.Compiled) Vocabulary {
	var v Vocabulary
	for _, p := range c.Parties() {
		v.Parties = append(v.Parties, Code{Code: p.Code, Label: p.Name})
		for _, r := range p.Roles {
			v.Roles = append(v.Roles, Code{Code: r.Code, Label: r.Name + " (" + p.Name + ")", Party: p.Code})
		}
	}
	for _, p := range c.Purposes() {
		v.Purposes = append(v.Purposes, Code{Code: p.Code, Label: p.Name})
	}
	for _, k := range c.Categories() {
		v.Categories = append(v.Categories, Code{Code: k.Code, Label: k.Name})
	}
	for _, ph := range c.Phases() {
		v.Phases = append(v.Phases, Code{Code: ph.Code, Label: ph.Name})
	}
	return v
}
