package rights

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Kind is which right a request exercises (AVG art. 15–21). The values are the Dutch codes
// stored and shown. Every kind runs the same term: one month from receipt, once extendable by at
// most two months with a reason told within the first month (AVG art. 12 lid 3).
type Kind string

const (
	KindAccess        Kind = "inzage"       // art. 15: see and get a copy
	KindRectification Kind = "rectificatie" // art. 16: correct or complete
	KindErasure       Kind = "wissen"       // art. 17: erase
	KindRestriction   Kind = "beperking"    // art. 18: restrict processing
	KindPortability   Kind = "overdracht"   // art. 20: the data in a machine-readable form
	KindObjection     Kind = "bezwaar"      // art. 21: object to processing on art. 6(1)(e) or (f)
)

// Kinds lists every kind in the order a form offers them.
var Kinds = []Kind{KindAccess, KindRectification, KindErasure, KindRestriction, KindObjection, KindPortability}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// Article is the article of the AVG that grants the right.
func (k Kind) Article() string {
	switch k {
	case KindAccess:
		return "AVG art. 15"
	case KindRectification:
		return "AVG art. 16"
	case KindErasure:
		return "AVG art. 17"
	case KindRestriction:
		return "AVG art. 18"
	case KindPortability:
		return "AVG art. 20"
	case KindObjection:
		return "AVG art. 21"
	}
	return ""
}

// Label is the right in plain Dutch (B1).
func (k Kind) Label() string {
	switch k {
	case KindAccess:
		return "inzage: zien welke gegevens er zijn en een kopie krijgen"
	case KindRectification:
		return "verbetering: een gegeven is fout of onvolledig"
	case KindErasure:
		return "wissen: gegevens verwijderen"
	case KindRestriction:
		return "beperking: gegevens tijdelijk niet gebruiken"
	case KindObjection:
		return "bezwaar: u wilt niet dat gegevens zo worden gebruikt"
	case KindPortability:
		return "overdracht: de gegevens in een bestand dat een computer kan lezen"
	}
	return string(k)
}

// NeedsText reports whether the requester must say what the request is about: which data is
// wrong, what must be erased or restricted, and why they object (AVG art. 16–21 concern
// particular data; art. 21 asks for the particular situation).
func (k Kind) NeedsText() bool {
	return k == KindRectification || k == KindErasure || k == KindRestriction || k == KindObjection
}

// Outcome is how a handled request was answered.
type Outcome string

const (
	OutcomeGranted Outcome = "toegewezen" // done as asked (for inzage: the copy was provided)
	OutcomeRefused Outcome = "afgewezen"  // refused, with the reasons (AVG art. 12 lid 4)
)

func checkText(k Kind, text string) (string, error) {
	text = strings.TrimSpace(text)
	if k.NeedsText() && text == "" {
		return "", invalid("schrijf op waar het verzoek over gaat: welke gegevens, en wat er moet gebeuren")
	}
	if utf8.RuneCountInString(text) > maxText {
		return "", invalid("de toelichting is langer dan %d tekens", maxText)
	}
	return text, nil
}
