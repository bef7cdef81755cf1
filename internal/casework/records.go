package casework

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Categories of the convenant that casework records belong to.
const (
	CatMinutes    = "casusverslag"
	CatAgreements = "afspraken"
)

// MinutesHint is what the UI shows beside the text field of minutes (seed 003: parents may ask
// to see everything the school holds, so notes are objective and short).
const MinutesHint = "Schrijf objectief en bondig: feiten en afspraken, geen meningen of diagnoses. Ouders kunnen dit verslag inzien (AVG art. 15); het mag voor hen nooit een verrassing zijn."

// MaxMinutes is the longest minutes text accepted: a case meeting's record is short.
const MaxMinutes = 8000

// Minutes is the record of one meeting. Parents see minutes that concern them (ForParents).
type Minutes struct {
	ID          int64
	CaseID      int64
	Phase       string
	MeetingOn   time.Time // the date of the meeting
	Text        string
	ForParents  bool
	AuthorID    int64 // user
	AuthorParty string
	AuthorRole  string
	Purpose     string // purpose the author records under
	Version     int
	CreatedAt   time.Time
	UpdatedAt   time.Time
	UpdatedBy   int64
}

// NewMinutes validates minutes written in phase.
func NewMinutes(m Minutes) (Minutes, error) {
	m.Text = strings.TrimSpace(m.Text)
	if m.Text == "" {
		return Minutes{}, fieldErr("tekst", "het verslag is leeg")
	}
	if n := utf8.RuneCountInString(m.Text); n > MaxMinutes {
		return Minutes{}, fieldErr("tekst", "het verslag is %d tekens; houd het bondig (hoogstens %d)", n, MaxMinutes)
	}
	if m.MeetingOn.IsZero() {
		return Minutes{}, fieldErr("datum", "is verplicht")
	}
	if m.Version == 0 {
		m.Version = 1
	}
	return m, nil
}

// AgreementStatus is the state of an agreement.
type AgreementStatus string

// Agreement statuses.
const (
	AgreementOpen    AgreementStatus = "open"
	AgreementBusy    AgreementStatus = "loopt"
	AgreementDone    AgreementStatus = "afgerond"
	AgreementDropped AgreementStatus = "vervallen"
)

// AgreementStatuses lists the statuses.
var AgreementStatuses = []AgreementStatus{AgreementOpen, AgreementBusy, AgreementDone, AgreementDropped}

// Finished reports whether the agreement needs no more work.
func (s AgreementStatus) Finished() bool { return s == AgreementDone || s == AgreementDropped }

// Agreement is one afspraak of the plan van aanpak: what, who (owner), by when, and its status.
type Agreement struct {
	ID          int64
	CaseID      int64
	Phase       string
	Description string
	Owner       Ref // participant reference
	OwnerName   string
	Due         time.Time
	Status      AgreementStatus
	ForParents  bool // concerns the parents (they also see agreements they or the pupil own)
	AuthorID    int64
	AuthorParty string
	AuthorRole  string
	Purpose     string
	Version     int
	CreatedAt   time.Time
	UpdatedAt   time.Time
	UpdatedBy   string // participant reference of the last writer
	// ProgressAt is the last time the status changed (or the creation): the stall clock.
	ProgressAt time.Time
}

// NewAgreement validates an agreement.
func NewAgreement(a Agreement) (Agreement, error) {
	a.Description = strings.TrimSpace(a.Description)
	if a.Description == "" {
		return Agreement{}, fieldErr("omschrijving", "wat is er afgesproken?")
	}
	if utf8.RuneCountInString(a.Description) > 1000 {
		return Agreement{}, fieldErr("omschrijving", "houd de afspraak kort (hoogstens 1000 tekens)")
	}
	if a.Owner == "" {
		return Agreement{}, fieldErr("eigenaar", "wie voert de afspraak uit?")
	}
	if a.Due.IsZero() {
		return Agreement{}, fieldErr("datum", "voor wanneer?")
	}
	if a.Status == "" {
		a.Status = AgreementOpen
	}
	if !slices.Contains(AgreementStatuses, a.Status) {
		return Agreement{}, fieldErr("status", "onbekende status %q; kies uit open, loopt, afgerond, vervallen", a.Status)
	}
	if a.Version == 0 {
		a.Version = 1
	}
	if a.ProgressAt.IsZero() {
		a.ProgressAt = a.CreatedAt
	}
	return a, nil
}

// Plan is the plan van aanpak: the case's agreements.
type Plan []Agreement

// Open lists the agreements that still need work.
func (p Plan) Open() []Agreement {
	var out []Agreement
	for _, a := range p {
		if !a.Status.Finished() {
			out = append(out, a)
		}
	}
	return out
}

// Overdue lists the open agreements past their date on day now.
func (p Plan) Overdue(now time.Time) []Agreement {
	var out []Agreement
	for _, a := range p.Open() {
		if a.Due.Before(dayOf(now)) {
			out = append(out, a)
		}
	}
	return out
}

// Contribution is information a participant brings into a phase (inbreng): a category and a
// short text. Scope says whether the content (inhoud) or only the outside (buitenkant: "wij zijn
// betrokken") was brought in.
type Contribution struct {
	ID        int64
	CaseID    int64
	Phase     string
	Category  string
	Scope     string // convenant.ScopeContent or convenant.ScopeOutside
	Text      string // empty for buitenkant
	AuthorID  int64
	Party     string
	Role      string
	OrgID     int64
	Purpose   string
	ConsentID int64 // consent relied on to bring it in, 0 if none
	CreatedAt time.Time
}

// InfoRequest is a question to one participant ("wat weet de jeugdarts?") and its answer.
type InfoRequest struct {
	ID       int64
	CaseID   int64
	Phase    string
	FromUser int64
	To       Ref
	Category string
	Question string
	AskedAt  time.Time
	// Scope is what the answer may hold, decided when asked: buitenkant unless the phase and a
	// consent allow content.
	Scope      string
	ScopeWhy   string
	Answer     string
	AnsweredAt time.Time
}

func dayOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}
