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

import (
	"time"

	"github.com/grondslag/grondslag/internal/civil"
)

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

// ConsentBy says who gave consent (a bit set): one parent with gezag, every parent with gezag,
// the pupil. Zero means "not stated": then Context.Consent is the consent register's verdict.
type ConsentBy uint8

// Who consented.
const (
	ByParent  ConsentBy = 1 << iota // "ouder": one parent with gezag
	ByParents                       // "ouders": every parent with gezag (with sole gezag: that parent)
	ByPupil                         // "leerling": the pupil (the patient, the jeugdige)
)

// Context is what the caller knows about the situation of the request.
type Context struct {
	DUOMelding bool   // a DUO verzuimmelding exists for this pupil (open or within retention)
	Consent    bool   // a valid consent covers this request (the consent register checked whose)
	ConsentID  string // which consent record (echoed in the Decision when relied on)
	Phase      string // casusoverleg phase code, "" if none
	Level      string // "persoon", "school" or "geaggregeerd" ("" = persoon)

	// Age is the pupil's age in whole years on the day of the decision (AgeOn); 0 = not given.
	// It decides whose consent counts (BW 7:465, AVG art. 8) and whether leerplicht (< 18) or
	// the RMC (18–23) applies. A rule bounded by age is not checked against an unknown age:
	// callers that know the pupil pass the age (the web and `grondslag mag` do).
	Age int
	// ConsentBy states who consented; when set it replaces Consent: the engine itself checks that
	// it is the right person for the pupil's age and the disclosing party.
	ConsentBy ConsentBy
	// NotEnrolled: the child is not enrolled at any school (absoluut verzuim); no DUO melding can exist.
	NotEnrolled bool
	// Verwijsindex: the disclosure follows a match in the statutory Verwijsindex (Jeugdwet 7.1.4).
	Verwijsindex bool
	// TLV: the processing is part of an application for a toelaatbaarheidsverklaring or an arrangement.
	TLV bool
	// Day is the day of the decision, for rules with geldig_vanaf/geldig_tot; zero: not checked.
	Day time.Time
}

// AgeOn is the age in whole years on day of someone born on birth (a birthday on 29 February
// counts on 1 March in other years). Both are read as civil dates in their own location; the
// count is civil.AgeOn, the one age function of the code base (0 before the birth).
func AgeOn(birth, day time.Time) int {
	return max(civil.AgeOn(civil.DateOf(birth), civil.DateOf(day)), 0)
}

// On sets the day of the decision and the pupil's age on that day: today is the Dutch calendar
// day of the decision (civil.Today), birth the pupil's date of birth (zero: the age stays
// unknown). Every entry point that decides about a known pupil calls it, so a pupil who turns
// 12, 16 or 18 falls under the new rules on the birthday itself, whatever the server's zone.
func (c *Context) On(today, birth civil.Date) {
	if today.IsZero() {
		return
	}
	c.Day = today.Time()
	if !birth.IsZero() && !today.Before(birth) {
		c.Age = civil.AgeOn(birth, today)
	}
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
	MissingConsent   = "toestemming"  // a permission exists but needs consent
	MissingDUO       = "duo-melding"  // a permission exists but needs a DUO melding
	MissingPhase     = "casusfase"    // a permission exists but only in other phases
	MissingLevel     = "niveau"       // a permission exists but only at other levels
	MissingRecipient = "ontvanger"    // a permission exists but for other recipients
	MissingPurpose   = "doel"         // the actor has no agreement for this purpose
	MissingCategory  = "categorie"    // the purpose is agreed but not for this category
	MissingAction    = "handeling"    // the category is agreed but not this action
	MissingRule      = "regel"        // no rule at all (for example, an unknown code)
	MissingForbidden = "verbod"       // a prohibition of the convenant applies
	MissingAge       = "leeftijd"     // a permission exists but for pupils of another age (or the age is needed)
	MissingEnrolment = "inschrijving" // a permission exists but for enrolled (or for not enrolled) children only
	MissingIndex     = "verwijsindex" // a permission exists but only after a Verwijsindex match
	MissingTLV       = "tlv"          // a permission exists but only for a TLV application or an arrangement
	MissingDate      = "datum"        // a permission exists but not on this day (versioned rule)
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
	Activity         string   // verwerkingsregister id of the acting party's own activity (for dpl.core.processing_activity_id)

	// DiscloserActivity and RecipientActivity are, for a disclosure, each side's own activity in
	// its own register (AVG art. 30): the discloser logs "verstrekking aan …" under
	// DiscloserActivity (= Activity), the recipient logs the receipt under RecipientActivity;
	// the two Logboek records are linked by trace context, never by sharing an activity. For
	// lezen and vastleggen DiscloserActivity is "" and RecipientActivity is "".
	DiscloserActivity string
	RecipientActivity string
}
