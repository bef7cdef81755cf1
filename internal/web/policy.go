package web

// Decider answers access questions: the policy of the region's convenant (internal/policy). The
// web package declares this small interface so that it can be tested with a fake; cmd/grondslag
// adapts the compiled convenant to it.
type Decider interface {
	Decide(q Question) Answer
}

// Actions of a question.
const (
	ActLezen       = "lezen"
	ActVastleggen  = "vastleggen"
	ActVerstrekken = "verstrekken"
)

// Question is one access question, in the convenant's codes.
type Question struct {
	Party, Role    string // who asks
	Action         string // lezen, vastleggen, verstrekken
	Category       string // data category
	Purpose        string // doel
	RecipientParty string // verstrekken only
	RecipientRole  string
	DUOMelding     bool
	Consent        bool
	ConsentID      int64
	Phase          string // casusoverleg phase
	Level          string // persoon or school
}

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
