// Package dossier is the read model of a pupil as the web shows it: who may see which pupil
// (relations the convenant recognises) and the blocks of a pupil page. It has no HTTP and no SQL;
// internal/store fills these records and internal/web renders them after asking the policy.
package dossier

import (
	"errors"
	"time"
)

// ErrNotVisible is returned when the actor has no recognised relation with the pupil, or the
// pupil does not exist; the two are deliberately indistinguishable (the web answers 404).
var ErrNotVisible = errors.New("leerling niet gevonden")

// Actor is who asks: a professional of an organisation in a role, or a parent.
type Actor struct {
	RegionID int64
	UserID   int64 // professional (0 for a parent or an API client)
	OrgID    int64
	Party    string // convenant party: school, swv, gemeente, jeugdhulp, ggd
	Role     string
	ParentID int64 // parent (0 otherwise)
	PupilID  int64 // the pupil signed in with their own account (0 otherwise)
}

// RelationKind names why an actor may see a pupil at all.
type RelationKind string

const (
	RelEnrolled RelationKind = "ingeschreven" // enrolled at the actor's school
	RelMelding  RelationKind = "melding"      // a verzuimmelding in the actor's gemeente
	RelCase     RelationKind = "casus"        // a case the actor takes part in
	RelConsent  RelationKind = "toestemming"  // a consent naming the actor's organisation
	RelGuardian RelationKind = "gezag"        // the actor is a parent with gezag
	RelSelf     RelationKind = "zelf"         // the actor is the pupil
)

// Label is the Dutch explanation of a relation, for the UI.
func (k RelationKind) Label() string {
	switch k {
	case RelEnrolled:
		return "ingeschreven op uw school"
	case RelMelding:
		return "verzuimmelding in uw gemeente"
	case RelCase:
		return "casus waaraan u deelneemt"
	case RelConsent:
		return "toestemming die uw organisatie noemt"
	case RelGuardian:
		return "u heeft het gezag"
	case RelSelf:
		return "het gaat over jezelf"
	}
	return string(k)
}

// PupilSummary is one row of a list of pupils.
type PupilSummary struct {
	ID         int64
	Pseudonym  string
	FirstName  string
	LastName   string
	BirthDate  string // YYYY-MM-DD
	Relations  []RelationKind
	SchoolName string // current school, when known
	Year       string // current leerjaar/groep
}

// Page asks for one page of a list.
type Page struct {
	Number int // from 1
	Size   int
	Sort   string // the list's order; "" is its default (for pupils: PupilSorts)
}

// Offset returns the SQL offset of the page.
func (p Page) Offset() int { return (p.Number - 1) * p.Size }

// Enrolment is one enrolment shown on a pupil page.
type Enrolment struct {
	SchoolID   int64 // the school (organisation) of the enrolment
	SchoolName string
	BRIN       string
	Vestiging  string // the BRIN's location number ("00" for the main location)
	Number     string
	From       string
	To         string
	Year       string
}

// Guardian is one parent shown on a pupil page.
type Guardian struct {
	Name     string
	Relation string
	Gezag    bool
	Email    string
	Phone    string
}

// Pupil is what the store knows of a pupil that the pupil page may show, block by block; each
// block is only read and rendered when the policy allows its category for the actor's purpose.
type Pupil struct {
	PupilSummary
	GemeenteName string
	Enrolments   []Enrolment // category onderwijs
	Guardians    []Guardian  // category contact
	Signals      []Signal    // category verzuim
	Meldingen    []Melding   // category verzuim
	Consents     []Consent   // category toestemming
}

// Want says which blocks to read (the ones the policy allowed).
type Want struct {
	Onderwijs, Contact, Verzuim, Toestemming bool
}

// Signal is a Leerplichtwet signal of the pupil's absence.
type Signal struct {
	Kind     string
	From, To string
	Hours    float64
	Days     int
	Source   string
	Priority bool
}

// Melding is a DUO verzuimmelding (its type and status, not its content).
type Melding struct {
	Kind   string
	From   string
	Status string
}

// Consent is a consent record as the pupil page lists it.
type Consent struct {
	Status    string // gegeven, geweigerd
	Purposes  []string
	From, To  string
	Withdrawn bool
	Channel   string
}

// Age returns the age in whole years on day d.
func Age(birth string, d time.Time) int {
	b, err := time.Parse("2006-01-02", birth)
	if err != nil {
		return 0
	}
	age := d.Year() - b.Year()
	if d.Month() < b.Month() || (d.Month() == b.Month() && d.Day() < b.Day()) {
		age--
	}
	return age
}

// Work list kinds of the start pages (issue 15): what needs action, per role. The web names the
// lists of each role (web.RoleWork), the store answers them (store.DB.Worklist, WorkCount,
// WorkPupils); both use these names, so a kind is spelled once.
const (
	// WorkOpenSignals: open absence signals of the school's pupils (a mentor: his groups).
	WorkOpenSignals = "open-signalen"
	// WorkMeldingenToDo: signals of the school's pupils for which no melding was made yet.
	WorkMeldingenToDo = "meldingen-af-te-maken"
	// WorkConsentsExpiring: consents about the school's pupils that end within 30 days.
	WorkConsentsExpiring = "toestemmingen-verlopen"
	// WorkMeldingenOpen: meldingen in behandeling about pupils living in the gemeente.
	WorkMeldingenOpen = "meldingen-in-behandeling"
	// WorkCases: open cases the user takes part in.
	WorkCases = "casussen"
	// WorkParentConsents: the consents about a parent's children.
	WorkParentConsents = "toestemmingen-ouder"
	// WorkSignalsNoAction: the school's open signals with no melding and no open case (school).
	WorkSignalsNoAction = "signalen-zonder-actie"
	// WorkConsentRequests: online consent requests about the school's pupils still waiting for
	// an answer (school).
	WorkConsentRequests = "toestemmingsverzoeken-open"
	// WorkMeldingenNew: meldingen about pupils living in the gemeente that nobody took up yet
	// (status geregistreerd); Date is the day the melding came in, the web adds the reaction term.
	WorkMeldingenNew = "meldingen-nieuw"
	// WorkQuestions: questions in a case addressed to the user, not yet answered.
	WorkQuestions = "vragen-open"
	// WorkAgreementsDue: agreements the user owns, not done, with a date within two weeks or past.
	WorkAgreementsDue = "afspraken-termijn"
	// WorkThuiszitters: open thuiszitters- and doorbraakoverleggen the user takes part in, with
	// the Thuiszitterspact's three months from the opening as the due date.
	WorkThuiszitters = "thuiszitters"
	// WorkCasesWaiting: open cases the user takes part in that are still being registered or
	// prepared (phase aanmelding or voorbereiding).
	WorkCasesWaiting = "casussen-wachtend"
	// WorkMAZLConsent: pupils with a sick-absence signal (M@ZL) in the last 12 school weeks for
	// whom a valid consent names the user's organisation (the jeugdarts).
	WorkMAZLConsent = "mazl-toestemming"
)

// WorkItem is one line of a work list on a start page.
type WorkItem struct {
	PupilID   int64
	Pseudonym string
	Name      string // the pupil's name; shown only when the policy allows identification data
	Title     string // what is to be done or known, without content
	Detail    string
	Date      string // YYYY-MM-DD
	Due       string // YYYY-MM-DD: the date by which it must be done (a term), or empty
}

// PupilSorts are the values Page.Sort may take for a list of visible pupils.
func PupilSorts() []string { return []string{"naam", "-naam", "geboortedatum", "-geboortedatum"} }
