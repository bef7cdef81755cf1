package absence

import (
	"errors"
	"fmt"
	"strings"
)

// Requests and decisions for vrijstellingen (Leerplichtwet 1969 art. 5, 5a, 15) and for leave
// above ten school days (art. 14 lid 3), the leerplichtambtenaar's (or the college's) own
// statutory work: it needs no DUO melding (DOMAIN.md, last section: the melding gate is narrow).
// A granted decision becomes an Exemption, so that the rules raise no signal for its period.

// Requester is who asks for the vrijstelling or leave.
type Requester string

const (
	RequesterParent Requester = "ouder"   // a parent or carer (art. 5, 5a, 14: the person responsible)
	RequesterPupil  Requester = "jongere" // the young person (art. 15; from 18 the pupil itself)
	RequesterSchool Requester = "school"  // the head forwards a leave request above ten days
)

// Requesters lists every requester.
func Requesters() []Requester { return []Requester{RequesterParent, RequesterPupil, RequesterSchool} }

// DocumentKind is the kind of a document that comes with a request.
type DocumentKind string

const (
	// DocStatement7: statement of a doctor, pedagogue or psychologist designated by the college,
	// at most three months old (art. 7 lid 1), required for art. 5 sub a.
	DocStatement7 DocumentKind = "verklaring-art7"
	// DocObjection5b: the parents' statement of objection to the direction of the schools within
	// reach (art. 5 sub b, art. 8).
	DocObjection5b DocumentKind = "verklaring-bezwaar-richting"
	// DocAbroad5c: proof of enrolment at a school abroad (art. 5 sub c).
	DocAbroad5c DocumentKind = "bewijs-school-buitenland"
	// DocEmployer: an employer's or other statement with a leave request (art. 14).
	DocEmployer DocumentKind = "verklaring-werkgever-of-derde"
	// DocEducation15: the programme that meets the kwalificatieplicht otherwise (art. 15).
	DocEducation15 DocumentKind = "programma-art15"
	DocOther       DocumentKind = "overig"
)

// DocumentKinds lists every document kind.
func DocumentKinds() []DocumentKind {
	return []DocumentKind{DocStatement7, DocObjection5b, DocAbroad5c, DocEmployer, DocEducation15, DocOther}
}

// RequestDocument is one document of a request: its kind, who issued it and its date.
type RequestDocument struct {
	Kind   DocumentKind `json:"soort"`
	Issuer string       `json:"afgegeven_door"`
	Date   Date         `json:"datum"`
}

// ErrRequest is returned for an incomplete or inconsistent request or decision.
var ErrRequest = errors.New("ongeldige aanvraag")

// ExemptionRequest is a request for a vrijstelling or leave above ten school days, with its
// decision once made. Build it with NewExemptionRequest; decide it with Decide.
type ExemptionRequest struct {
	Kind          ExemptionKind
	Requester     Requester
	RequesterName string
	Received      Date // the day the request came in
	From, To      Date // the period asked for (To zero: open-ended, not for leave)
	Reason        string
	Documents     []RequestDocument
	SchoolDays    int // school days in the period, for leave (art. 14 lid 3: more than ten)
	Decision      *ExemptionDecision
}

// Outcome is the decision on a request.
type Outcome string

const (
	Granted Outcome = "toegekend"
	Refused Outcome = "afgewezen"
)

// ExemptionDecision is the decision with its reasons (Awb art. 3:46: a decision is reasoned), its
// date, the period granted and who decided.
type ExemptionDecision struct {
	Outcome   Outcome
	On        Date
	Reasons   string
	From, To  Date // the period granted (for Granted)
	DecidedBy string
}

// NewExemptionRequest checks a request. cal counts the school days of a leave request: leave of at
// most ten school days is the head's decision (art. 14 lid 1), above ten the
// leerplichtambtenaar's (art. 14 lid 3); art. 13a leave is always the head's.
func NewExemptionRequest(cal *Calendar, r ExemptionRequest) (ExemptionRequest, error) {
	var miss []string
	if r.Kind.Article() == "" {
		return ExemptionRequest{}, fmt.Errorf("%w: onbekende soort %q", ErrRequest, r.Kind)
	}
	if r.Kind == Leave13a {
		return ExemptionRequest{}, fmt.Errorf("%w: verlof wegens het beroep van een ouder (art. 13a) verleent de directeur van de school, niet de leerplichtambtenaar", ErrRequest)
	}
	valid := false
	for _, x := range Requesters() {
		valid = valid || x == r.Requester
	}
	if !valid {
		miss = append(miss, "aanvrager (ouder, jongere of school)")
	}
	r.RequesterName, r.Reason = strings.TrimSpace(r.RequesterName), strings.TrimSpace(r.Reason)
	if r.RequesterName == "" {
		miss = append(miss, "naam aanvrager")
	}
	if r.Received < MinDate || r.Received > MaxDate {
		miss = append(miss, "datum van ontvangst")
	}
	if r.From < MinDate || r.From > MaxDate {
		miss = append(miss, "begindatum")
	}
	if r.Reason == "" {
		miss = append(miss, "reden van de aanvraag")
	}
	if len(miss) > 0 {
		return ExemptionRequest{}, fmt.Errorf("%w: ontbreekt: %s", ErrRequest, strings.Join(miss, ", "))
	}
	if r.To != 0 && r.To < r.From {
		return ExemptionRequest{}, fmt.Errorf("%w: einddatum ligt voor begindatum", ErrRequest)
	}
	if r.Kind.IsLeave() {
		if r.To == 0 {
			return ExemptionRequest{}, fmt.Errorf("%w: verlof heeft een einddatum nodig", ErrRequest)
		}
		if cal == nil {
			return ExemptionRequest{}, fmt.Errorf("%w: geen schoolkalender om de schooldagen te tellen", ErrRequest)
		}
		r.SchoolDays = cal.SchoolDaysBetween(r.From, r.To)
		if r.SchoolDays <= 10 {
			return ExemptionRequest{}, fmt.Errorf("%w: verlof van %d schooldagen verleent de directeur van de school (art. 14 lid 1); de leerplichtambtenaar beslist pas boven tien schooldagen (art. 14 lid 3)", ErrRequest, r.SchoolDays)
		}
	}
	for _, d := range r.Documents {
		if d.Date < MinDate || d.Date > MaxDate || strings.TrimSpace(d.Issuer) == "" {
			return ExemptionRequest{}, fmt.Errorf("%w: elk document heeft een datum en wie het afgaf", ErrRequest)
		}
	}
	need := map[ExemptionKind]DocumentKind{Exempt5a: DocStatement7, Exempt5b: DocObjection5b, Exempt5c: DocAbroad5c, Exempt15: DocEducation15}
	if want, ok := need[r.Kind]; ok {
		var doc *RequestDocument
		for i := range r.Documents {
			if r.Documents[i].Kind == want {
				doc = &r.Documents[i]
			}
		}
		if doc == nil {
			return ExemptionRequest{}, fmt.Errorf("%w: bij %s hoort het document %q", ErrRequest, r.Kind.Article(), want)
		}
		// Art. 7 lid 1: the statement is not older than three months when the request is made.
		if want == DocStatement7 && (doc.Date > r.Received || doc.Date < r.Received.AddMonths(-3)) {
			return ExemptionRequest{}, fmt.Errorf("%w: de verklaring van %s is van %s; bij de aanvraag op %s mag die niet ouder zijn dan drie maanden (Leerplichtwet 1969 art. 7)",
				ErrRequest, doc.Issuer, doc.Date.Dutch(), r.Received.Dutch())
		}
	}
	return r, nil
}

// Article is the legal basis of the request, with the article of the statement for 5 sub a and
// lid 3 for long leave.
func (r ExemptionRequest) Article() string {
	switch r.Kind {
	case Exempt5a:
		return "Leerplichtwet 1969 art. 5 sub a jo. art. 7"
	case Leave14:
		return "Leerplichtwet 1969 art. 14 lid 3"
	}
	return r.Kind.Article()
}

// Decide records the decision: reasoned, not before the request came in, once; a granted
// decision names the period (within what was asked is not required: the decision may differ).
func (r *ExemptionRequest) Decide(d ExemptionDecision) error {
	if r.Decision != nil {
		return fmt.Errorf("%w: op deze aanvraag is al beslist (%s)", ErrRequest, r.Decision.Outcome)
	}
	d.Reasons, d.DecidedBy = strings.TrimSpace(d.Reasons), strings.TrimSpace(d.DecidedBy)
	switch {
	case d.Outcome != Granted && d.Outcome != Refused:
		return fmt.Errorf("%w: kies toegekend of afgewezen", ErrRequest)
	case d.Reasons == "":
		return fmt.Errorf("%w: een besluit wordt gemotiveerd (Awb art. 3:46)", ErrRequest)
	case d.DecidedBy == "":
		return fmt.Errorf("%w: wie besliste ontbreekt", ErrRequest)
	case d.On < r.Received || d.On > MaxDate:
		return fmt.Errorf("%w: de besluitdatum ligt voor de ontvangst van de aanvraag", ErrRequest)
	}
	if d.Outcome == Granted {
		if d.From < MinDate || d.From > MaxDate {
			return fmt.Errorf("%w: de toegekende periode heeft een begindatum nodig", ErrRequest)
		}
		if _, err := NewExemption(r.Kind, d.From, d.To); err != nil {
			return fmt.Errorf("%w: %v", ErrRequest, err)
		}
	} else {
		d.From, d.To = 0, 0
	}
	r.Decision = &d
	return nil
}

// Exemption returns the vrijstelling or leave a granted decision gives; ok is false otherwise.
func (r ExemptionRequest) Exemption() (Exemption, bool) {
	if r.Decision == nil || r.Decision.Outcome != Granted {
		return Exemption{}, false
	}
	return Exemption{Kind: r.Kind, From: r.Decision.From, To: r.Decision.To}, true
}

var dutchMonths = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}

// Dutch formats the date as users read it: "3 december 2026".
func (d Date) Dutch() string {
	if d == 0 {
		return ""
	}
	y, m, dd := d.Civil()
	return fmt.Sprintf("%d %s %d", dd, dutchMonths[m-1], y)
}
