package casework

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/civil"
	"github.com/grondslag/grondslag/internal/consent"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/policy"
)

// Decider is the policy engine of the convenant (internal/policy.Engine). The guard asks it only
// through its decision point (internal/access), which resolves the processing activity and tries
// the consent route.
type Decider interface {
	Decide(policy.Request) policy.Decision
}

// engineOf gives a Decider the convenant it decides by, as access.Engine asks.
type engineOf struct {
	Decider
	k *convenant.Compiled
}

func (e engineOf) Convenant() *convenant.Compiled { return e.k }

// ConsentChecker says whether a consent covers a disclosure (internal/consent.Register).
type ConsentChecker interface {
	Check(ctx context.Context, regionID int64, req consent.Request) (consent.Coverage, error)
}

// Scopes of what a participant sees of a record.
const (
	ScopeContent = convenant.ScopeContent // the content
	ScopeOutside = convenant.ScopeOutside // only that the party is involved, and a contact
	ScopeNone    = "geen"                 // nothing
)

// Guard decides, for one case in its current phase, what a participant may bring in and read:
// the phase's information list of the convenant (bijlage 3) and the policy must both allow it.
type Guard struct {
	k        *convenant.Compiled
	point    *access.Point
	consents ConsentChecker
	outside  map[string]bool // exchange ids restricted to buitenkant information
}

// NewGuard builds a guard over the convenant k, its policy engine and the consent register
// (consents may be nil: then no consent is ever found).
func NewGuard(k *convenant.Compiled, dec Decider, consents ConsentChecker) *Guard {
	g := &Guard{k: k, point: access.New(engineOf{dec, k}, 0), consents: consents, outside: map[string]bool{}}
	for _, x := range k.Exchanges() {
		if codeIn(x.Conditions, convenant.CondOutside) {
			g.outside[x.ID] = true
		}
	}
	return g
}

// Convenant returns the compiled convenant the guard decides by.
func (g *Guard) Convenant() *convenant.Compiled { return g.k }

// Facts is what the guard needs to know about the pupil beyond the case.
type Facts struct {
	RegionID   int64
	DUOMelding bool      // a DUO verzuimmelding exists for the pupil (internal/absence)
	Now        time.Time // for consent validity
	// Age is the pupil's age in whole years on the Dutch calendar day of Now (0: unknown); it
	// decides whose consent counts and whether a rule bounded by age applies.
	Age int
}

// FactsOn returns the facts of a pupil born on birth, at instant now: the age is counted on the
// Dutch calendar day of now (civil.AgeOn), the one way every entry point counts it.
func FactsOn(regionID int64, melding bool, birth time.Time, now time.Time) Facts {
	f := Facts{RegionID: regionID, DUOMelding: melding, Now: now}
	if !birth.IsZero() {
		f.Age = civil.AgeOn(civil.DateOf(birth), civil.Today(now))
	}
	return f
}

// context is the policy context of a decision inside case c.
func (f Facts) context(c *Case) policy.Context {
	ctx := policy.Context{DUOMelding: f.DUOMelding, Phase: c.Phase, Level: policy.LevelPerson, Age: f.Age}
	if !f.Now.IsZero() {
		ctx.Day = civil.Today(f.Now).Time()
	}
	return ctx
}

// Verdict is the outcome of one check: the scope granted and the policy decision behind it (the
// zero Decision when the casework rules decided alone, for example for the parents' own access).
type Verdict struct {
	Scope    string
	Purpose  string
	Decision access.Decision
	Reason   string // plain Dutch
	// Category and the roles of the exchange, for the audit entry.
	Category string
	// DiscloserOrg and DiscloserRole name the participant whose information an allowed verdict
	// discloses to another organisation (0: no disclosure between parties): both sides are
	// logged (disclosureRecords).
	DiscloserOrg  int64
	DiscloserRole string
}

// Allowed reports whether anything (content or outside) may be shown or recorded.
func (v Verdict) Allowed() bool { return v.Scope != ScopeNone }

// phaseScope is what party brings of category in phase, by bijlage 3 ("" when not listed).
func (g *Guard) phaseScope(phase, party, category string) string {
	ph, ok := g.k.Phase(phase)
	if !ok {
		return ""
	}
	scope := ""
	for _, info := range ph.Information {
		if info.From.Value != party || !codeIn(info.Categories, category) {
			continue
		}
		if info.Scope == convenant.ScopeContent {
			return ScopeContent
		}
		scope = ScopeOutside
	}
	return scope
}

// purposes lists the purposes tried for a decision, most specific first: the record's own
// purpose, the participant's purpose at the table, the phase's purpose and the case's purpose.
// These are the purposes declared for this case; no other purpose is ever tried.
func (g *Guard) purposes(c *Case, first ...string) []string {
	var out []string
	add := func(p string) {
		if p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	for _, p := range first {
		add(p)
	}
	if ph, ok := g.k.Phase(c.Phase); ok {
		add(ph.Purpose.Value)
	}
	add(c.Purpose)
	return out
}

// BringIn decides whether participant p may record category in the case's current phase, and
// with which scope: the phase must list the category for p's party and the policy must allow p
// to record it (vastleggen) for one of the case's purposes.
func (g *Guard) BringIn(ctx context.Context, c *Case, p Participant, category string, f Facts) (Verdict, error) {
	v := Verdict{Scope: ScopeNone, Category: category}
	if !p.Active() || p.Kind != KindProfessional {
		v.Reason = "alleen deelnemende professionals brengen informatie in"
		return v, nil
	}
	scope := g.phaseScope(c.Phase, p.Party, category)
	if scope == "" {
		v.Reason = fmt.Sprintf("in fase %s brengt %s geen %s in (bijlage 3 van het convenant)", c.Phase, p.Party, category)
		return v, nil
	}
	var last access.Decision
	for _, purpose := range g.purposes(c, p.Purpose) {
		d, err := g.ask(ctx, f, policy.Request{
			Actor: policy.Actor{Party: p.Party, Role: p.Role}, Action: policy.Record,
			Category: category, Purpose: purpose,
			Context: f.context(c),
		}, nil)
		if err != nil {
			return v, err
		}
		if d.Allowed {
			return Verdict{Scope: scope, Purpose: purpose, Decision: d, Reason: d.Reason, Category: category}, nil
		}
		last = d
	}
	v.Decision = last
	v.Reason = last.Reason
	return v, nil
}

// ask decides one request at the guard's decision point (internal/access). consentFor, when
// not nil, is asked first (a consent may lift a buitenkant answer to content).
func (g *Guard) ask(ctx context.Context, f Facts, req policy.Request, consentFor access.ConsentFunc) (access.Decision, error) {
	return g.point.Ask(ctx, access.Request{RegionID: f.RegionID, Request: req, ConsentFor: consentFor, ConsentFirst: consentFor != nil})
}

// Item describes a record of the case for a read decision.
type Item struct {
	Category   string
	Purpose    string
	Phase      string // phase it was written in
	AuthorID   int64
	AuthorOrg  int64
	Party      string
	Role       string
	ForParents bool
	Owner      Ref // agreements
	Scope      string
}

// Read decides what viewer sees of item in the case's current phase.
//   - Parents and the pupil see what concerns them (marked for parents, or owned by them): the
//     data subject's own access (AVG art. 15), no policy exchange needed.
//   - A professional of the author's own organisation sees it when the policy lets them read the
//     category for one of the case's purposes.
//   - Another participant sees the content only when the phase lists the category as content
//     for the author's party and the policy allows the author's party to disclose it to the
//     viewer's role (with the consent and DUO melding it asks for); when only buitenkant is
//     allowed they see that the party is involved; otherwise nothing.
func (g *Guard) Read(ctx context.Context, c *Case, viewer Participant, it Item, f Facts) (Verdict, error) {
	v := Verdict{Scope: ScopeNone, Category: it.Category}
	if !viewer.Active() {
		v.Reason = "alleen deelnemers (toegevoegd of met een geaccepteerde uitnodiging) zien de casus"
		return v, nil
	}
	if viewer.Kind != KindProfessional {
		if it.ForParents || it.Owner == viewer.key() {
			return Verdict{Scope: ScopeContent, Purpose: it.Purpose, Category: it.Category, Reason: "betreft de ouders of de leerling zelf (AVG art. 15)"}, nil
		}
		v.Reason = "dit stuk betreft de ouders niet"
		return v, nil
	}
	if viewer.OrganisationID == it.AuthorOrg && viewer.Party == it.Party {
		var last access.Decision
		for _, purpose := range g.purposes(c, it.Purpose, viewer.Purpose) {
			d, err := g.ask(ctx, f, policy.Request{
				Actor: policy.Actor{Party: viewer.Party, Role: viewer.Role}, Action: policy.Read,
				Category: it.Category, Purpose: purpose,
				Context: f.context(c),
			}, nil)
			if err != nil {
				return v, err
			}
			if d.Allowed {
				return Verdict{Scope: it.scopeOr(ScopeContent), Purpose: purpose, Decision: d, Reason: d.Reason, Category: it.Category}, nil
			}
			last = d
		}
		v.Decision, v.Reason = last, last.Reason
		return v, nil
	}
	v, err := g.disclose(ctx, c, it.Party, it.Role, viewer, it.Category, it.Scope, f, it.Purpose, viewer.Purpose)
	if err == nil && v.Allowed() && it.AuthorOrg != viewer.OrganisationID {
		v.DiscloserOrg, v.DiscloserRole = it.AuthorOrg, it.Role
	}
	return v, err
}

func (it Item) scopeOr(s string) string {
	if it.Scope == ScopeOutside {
		return ScopeOutside
	}
	return s
}

// disclose decides what party/role may disclose of category to viewer in the current phase.
func (g *Guard) disclose(ctx context.Context, c *Case, party, role string, viewer Participant, category, itemScope string, f Facts, purposes ...string) (Verdict, error) {
	v := Verdict{Scope: ScopeNone, Category: category}
	scope := g.phaseScope(c.Phase, party, category)
	if scope == "" {
		v.Reason = fmt.Sprintf("in fase %s deelt %s geen %s (bijlage 3 van het convenant)", c.Phase, party, category)
		return v, nil
	}
	if itemScope == ScopeOutside {
		scope = ScopeOutside
	}
	var last access.Decision
	for _, purpose := range g.purposes(c, purposes...) {
		var consentFor access.ConsentFunc
		if g.consents != nil {
			consentFor = func(category string) (bool, int64, error) {
				cov, err := g.consents.Check(ctx, f.RegionID, consent.Request{
					PupilID: c.PupilID, Purpose: purpose, Party: viewer.Party, OrganisationID: viewer.OrganisationID, Discloser: party,
					Category: category, Now: f.Now,
				})
				if err != nil {
					return false, 0, err
				}
				return cov.Covered, cov.ConsentID, nil
			}
		}
		d, err := g.ask(ctx, f, policy.Request{
			Actor: policy.Actor{Party: party, Role: role}, Action: policy.Disclose,
			Category: category, Purpose: purpose,
			Recipient: policy.Actor{Party: viewer.Party, Role: viewer.Role},
			Context:   f.context(c),
		}, consentFor)
		if err != nil {
			return v, err
		}
		if !d.Allowed {
			if closer(d, last) {
				last = d
			}
			continue
		}
		got, reason := scope, d.Reason
		if g.outside[d.RuleID] {
			got = ScopeOutside
		}
		if got == ScopeOutside {
			reason = "alleen buitenkantinformatie: " + reason
		}
		return Verdict{Scope: got, Purpose: purpose, Decision: d, Reason: reason, Category: category}, nil
	}
	v.Decision, v.Reason = last, last.Reason
	return v, nil
}

// closer reports whether refusal d says more about the lawful route than refusal last: a rule
// that would allow it under a condition (consent first: its reason names whose consent and the
// other routes) beats a purpose, category or action the party has no agreement for.
func closer(d, last access.Decision) bool {
	rank := func(d access.Decision) int {
		switch {
		case d.Reason == "":
			return 0
		case d.Missing == policy.MissingConsent:
			return 3
		case d.RuleID != "":
			return 2
		}
		return 1
	}
	return rank(d) > rank(last)
}

// AskScope decides what participant to may answer to a question from participant from about
// category in the current phase: content when the phase lists it as content for to's party and
// the policy (with the consent it asks for) allows the disclosure; otherwise buitenkant
// information — that to is involved, and how to reach them — but only when the policy allows
// to's party to disclose even that much. That a professional is involved with a pupil is itself
// a disclosure: a jeugdhulpverlener may not confirm it without the consent of the right person
// or a match in the Verwijsindex (Jeugdwet 7.3.11), a jeugdarts not without the patient's
// consent (BW 7:457). Nothing is answered then (ScopeNone), and the reason names the lawful
// route the policy gives.
func (g *Guard) AskScope(ctx context.Context, c *Case, from, to Participant, category string, f Facts) (Verdict, error) {
	if to.Kind != KindProfessional {
		return Verdict{Scope: ScopeOutside, Category: category, Reason: "ouders en leerling antwoorden zelf in het overleg"}, nil
	}
	v, err := g.disclose(ctx, c, to.Party, to.Role, from, category, "", f, to.Purpose, from.Purpose)
	if err != nil {
		return v, err
	}
	if v.Scope != ScopeNone {
		if to.OrganisationID != from.OrganisationID {
			v.DiscloserOrg, v.DiscloserRole = to.OrganisationID, to.Role
		}
		return v, nil
	}
	// The content is refused: may to's party tell from that it is involved? That is a
	// disclosure of the categories that stand for its involvement: what bijlage 3 lets the party
	// bring into this phase, and what the convenant's buitenkant rules let it disclose.
	refused := v
	for _, cat := range g.involvement(c.Phase, to.Party, category) {
		w, err := g.disclose(ctx, c, to.Party, to.Role, from, cat, ScopeOutside, f, to.Purpose, from.Purpose)
		if err != nil {
			return w, err
		}
		if w.Allowed() {
			w.Scope = ScopeOutside
			if to.OrganisationID != from.OrganisationID {
				w.DiscloserOrg, w.DiscloserRole = to.OrganisationID, to.Role
			}
			return w, nil
		}
		if closer(w.Decision, refused.Decision) {
			refused = w
		}
	}
	refused.Scope = ScopeNone
	refused.Reason = "Geen antwoord, ook niet dat " + to.Party + " betrokken is. " + orDefault(refused.Reason, "Het convenant staat dit niet toe.")
	return refused, nil
}

// involvement lists the categories whose disclosure by party would reveal that it is involved,
// except skip: the categories bijlage 3 lists for party in phase, then those of the
// convenant's buitenkant rules for party.
func (g *Guard) involvement(phase, party, skip string) []string {
	var out []string
	add := func(cats []convenant.Code) {
		for _, cat := range cats {
			if cat.Value != skip && !slices.Contains(out, cat.Value) {
				out = append(out, cat.Value)
			}
		}
	}
	if ph, ok := g.k.Phase(phase); ok {
		for _, info := range ph.Information {
			if info.From.Value == party {
				add(info.Categories)
			}
		}
	}
	for _, x := range g.k.Exchanges() {
		if g.outside[x.ID] && x.Party.Value == party {
			add(x.Categories)
		}
	}
	return out
}
