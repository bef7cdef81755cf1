// Package policy answers the privacy question behind every access: may this actor do this with
// these data, for this purpose, in this context? It compiles a convenant (internal/convenant)
// once into dense tables and answers a Request with a Decision: allowed or not, the legal
// ground (AVG art. 6 and the art. 9/10 exception), the convenant article, the conditions and
// obligations, a reason in plain Dutch, and the convenant's version (hash).
//
// The rules, in the order the engine applies them:
//
//   - Default deny: only an exchange (uitwisseling) of the convenant can allow something.
//   - A prohibition (verbod) that matches the request denies, whatever else allows it.
//   - Of the permissions that cover actor, action, category and purpose, the first whose
//     conditions all hold allows; permissions without the "buitenkant" restriction are tried
//     before those with it, so that consent in the right phase yields content, not only the
//     outside.
//   - Otherwise the decision is a denial naming what is missing (Decision.Missing): the
//     recipient, the level, the DUO melding, the casusoverleg phase or the consent of the
//     nearest permission; or that the purpose, category or action was not agreed at all.
//
// Decide is safe for concurrent use and does not allocate: every reason text is prepared when
// the convenant is compiled. The slices in a Decision are shared and must not be modified.
// Reload swaps the compiled convenant atomically and never replaces a valid convenant with an
// invalid one.
package policy

// Actor is who acts: a party and one of its roles, as codes of the convenant.
type Actor struct{ Party, Role string }

// Action is what the actor does with the data.
type Action string

// Actions.
const (
	Read     Action = "lezen"
	Record   Action = "vastleggen"
	Disclose Action = "verstrekken"
)

// Levels of Context.Level.
const (
	LevelPerson    = "persoon"
	LevelSchool    = "school"
	LevelAggregate = "geaggregeerd"
)

// Context is what the caller knows about the situation of the request.
type Context struct {
	DUOMelding bool   // a DUO verzuimmelding exists for this pupil (open or within retention)
	Consent    bool   // a valid consent covers this request
	ConsentID  string // which consent record (echoed in the Decision when relied on)
	Phase      string // casusoverleg phase code, "" if none
	Level      string // "persoon", "school" or "geaggregeerd" ("" = persoon)
}

// Request is one access to decide.
type Request struct {
	Actor     Actor
	Action    Action
	Category  string
	Purpose   string
	Recipient Actor // only for verstrekken
	Context   Context
}

// Missing codes of a denial.
const (
	MissingConsent   = "toestemming" // a permission exists but needs consent
	MissingDUO       = "duo-melding" // a permission exists but needs a DUO melding
	MissingPhase     = "casusfase"   // a permission exists but only in other phases
	MissingLevel     = "niveau"      // a permission exists but only at other levels
	MissingRecipient = "ontvanger"   // a permission exists but for other recipients
	MissingPurpose   = "doel"        // the actor has no agreement for this purpose
	MissingCategory  = "categorie"   // the purpose is agreed but not for this category
	MissingAction    = "handeling"   // the category is agreed but not this action
	MissingRule      = "regel"       // no rule at all (for example, an unknown code)
	MissingForbidden = "verbod"      // a prohibition of the convenant applies
)

// Decision is the answer to a Request.
type Decision struct {
	Allowed          bool
	Ground           string   // e.g. "AVG art. 6 lid 1 sub c (wettelijke verplichting); Leerplichtwet 1969 art. 21a"
	Article          string   // e.g. "artikel 4 lid 1" of the convenant
	Conditions       []string // conditions of the rule, in Dutch ("toestemming vereist", "alleen buitenkantinformatie", …)
	Obligations      []string // obligations, in Dutch ("vastleggen in audit", "ouders informeren")
	Reason           string   // plain Dutch, also when denied
	RuleID           string   // id of the deciding rule ("" when no rule applies)
	ConsentID        string   // Context.ConsentID when the decision relies on consent
	ConvenantVersion string   // convenant hash ("sha256:…")
	Missing          string   // when denied: what is missing (Missing* codes)
	Basis            string   // AVG art. 6 lid 1 letter (a–f) of the ground, "" when denied
	Exception        string   // art. 9/10 exception code ("9.2.a", "uavg-33"), "" if none
	Activity         string   // verwerkingsregister id of the rule (for dpl.core.processing_activity_id)
}
