package absence

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// MeldingType is the suspected type of verzuim in a verzuimmelding (Besluit Verzuimmelding,
// annex). All but the art. 21a type are "overig verzuim" in DUO's verzuimloket.
type MeldingType string

const (
	Melding16Hours     MeldingType = "16-uur-in-4-lesweken"
	MeldingLuxury      MeldingType = "luxe-verzuim"
	MeldingStarting    MeldingType = "beginnend-verzuim"
	MeldingSignal      MeldingType = "signaal-verzuim"
	MeldingMonthOrMore MeldingType = "verzuim-1-maand-of-langer"
)

// MeldingTypes lists every type.
func MeldingTypes() []MeldingType {
	return []MeldingType{Melding16Hours, MeldingLuxury, MeldingStarting, MeldingSignal, MeldingMonthOrMore}
}

// Statutory reports whether the type is the melding art. 21a requires; the others are overig
// verzuim, reported at the school's discretion.
func (t MeldingType) Statutory() bool { return t == Melding16Hours }

func (t MeldingType) valid() bool {
	for _, x := range MeldingTypes() {
		if x == t {
			return true
		}
	}
	return false
}

// ErrNotReportable is returned when a signal does not lead to a verzuimmelding: M@ZL (a signal
// for the jeugdarts; sick absence is permitted absence and never reported unless the school
// suspects it is unlawful) and absoluut verzuim (the pupil has no school to report it).
var ErrNotReportable = errors.New("dit signaal leidt niet tot een verzuimmelding")

// MeldingTypeFor returns the melding type a signal proposes.
func MeldingTypeFor(k Kind) (MeldingType, error) {
	switch k {
	case Kind16Hours:
		return Melding16Hours, nil
	case KindLuxury:
		return MeldingLuxury, nil
	case KindStarting:
		return MeldingStarting, nil
	case KindLongTerm:
		return MeldingMonthOrMore, nil
	case KindSickSuspect, KindLongSick:
		return MeldingSignal, nil
	case KindMAZL:
		return "", fmt.Errorf("%w: M@ZL is een signaal voor de jeugdarts; ziekteverzuim wordt alleen gemeld als de school het vermoedelijk ongeoorloofd vindt", ErrNotReportable)
	case KindAbsolute:
		return "", fmt.Errorf("%w: absoluut verzuim meldt de gemeente niet via een school", ErrNotReportable)
	case KindRMC:
		return "", fmt.Errorf("%w: vanaf 18 jaar geen melding op grond van art. 21a; dit is een signaal voor de RMC-functie (voortijdig schoolverlaten)", ErrNotReportable)
	}
	return "", fmt.Errorf("%w: onbekende soort %q", ErrNotReportable, k)
}

// Contact is the reporter of a melding.
type Contact struct {
	Name     string `json:"naam"`
	Function string `json:"functie"`
	Phone    string `json:"telefoon"`
	Email    string `json:"email"`
}

// MeldingContent is the school's part of a verzuimmelding (Besluit Verzuimmelding, annex).
// ProposeMelding fills what a signal knows; the zorgcoördinator completes the rest.
type MeldingContent struct {
	Type                 MeldingType `json:"soort"`
	From                 Date        `json:"begindatum"`
	To                   Date        `json:"einddatum,omitzero"` // if known
	SuspectedReason      string      `json:"vermoedelijke_reden"`
	AllLessonsMissed     bool        `json:"alle_lessen_verzuimd"`
	SchoolAction         string      `json:"actie_school"`
	GemeenteActionWanted bool        `json:"actie_gemeente_gewenst"`
	NoActionExplanation  string      `json:"toelichting_geen_actie,omitempty"` // required if no action wanted
	Location             string      `json:"leslocatie"`                       // BRIN + vestiging
	Reporter             Contact     `json:"melder"`
	ParentPhone          string      `json:"telefoon_ouder_of_leerling"`
	StayAddress          string      `json:"verblijfadres,omitempty"` // only if it differs from the BRP
	DaysAbsent           int         `json:"verzuimde_dagen"`
	HoursAbsent          Hours       `json:"verzuimde_uren"`
	// Signal links the melding to the signal that proposed it (kind and period), if any.
	SignalKind Kind `json:"signaal,omitempty"`
}

// ProposeMelding turns a signal into the start of a melding. Sick absence is never proposed
// except as overig verzuim (signaal verzuim) when the school marked it suspected unlawful.
func ProposeMelding(s Signal) (MeldingContent, error) {
	t, err := MeldingTypeFor(s.Kind)
	if err != nil {
		return MeldingContent{}, err
	}
	c := MeldingContent{Type: t, From: s.From, To: s.To, DaysAbsent: s.Days, HoursAbsent: s.Hours,
		GemeenteActionWanted: true, SignalKind: s.Kind}
	switch s.Kind {
	case KindSickSuspect:
		c.SuspectedReason = "Ziek gemeld; de school vermoedt ongeoorloofd verzuim."
	case KindLongSick:
		c.SuspectedReason = "Langdurig ziek gemeld; de regio meldt langdurig ziekteverzuim aan leerplicht (convenant, regionale afspraak)."
	case KindLuxury:
		c.SuspectedReason = "Afwezig direct voor of na een vakantie zonder verlof."
	case KindLongTerm:
		c.AllLessonsMissed = true
	}
	return c, nil
}

// ErrMelding is returned for an incomplete or inconsistent melding.
var ErrMelding = errors.New("ongeldige verzuimmelding")

// Validate checks that the school's part is complete: every field the Besluit requires from the
// school. Special categories the Besluit forbids (race, political views, sexual life, trade-union
// membership) cannot be checked mechanically: the form says so to the reporter.
func (c MeldingContent) Validate() error {
	var miss []string
	need := func(ok bool, name string) {
		if !ok {
			miss = append(miss, name)
		}
	}
	need(c.Type.valid(), "soort")
	need(c.From != 0, "begindatum")
	need(strings.TrimSpace(c.SuspectedReason) != "", "vermoedelijke reden")
	need(strings.TrimSpace(c.SchoolAction) != "", "actie van de school")
	need(c.GemeenteActionWanted || strings.TrimSpace(c.NoActionExplanation) != "", "toelichting waarom geen actie van de gemeente")
	need(strings.TrimSpace(c.Location) != "", "leslocatie")
	need(strings.TrimSpace(c.Reporter.Name) != "", "naam melder")
	need(strings.TrimSpace(c.Reporter.Function) != "", "functie melder")
	need(strings.TrimSpace(c.Reporter.Phone) != "", "telefoon melder")
	need(strings.TrimSpace(c.Reporter.Email) != "", "e-mail melder")
	need(strings.TrimSpace(c.ParentPhone) != "", "telefoon ouder of leerling")
	if len(miss) > 0 {
		return fmt.Errorf("%w: ontbreekt: %s", ErrMelding, strings.Join(miss, ", "))
	}
	if _, err := mail.ParseAddress(c.Reporter.Email); err != nil {
		return fmt.Errorf("%w: e-mailadres melder %q is ongeldig", ErrMelding, c.Reporter.Email)
	}
	if c.To != 0 && c.To < c.From {
		return fmt.Errorf("%w: einddatum ligt voor begindatum", ErrMelding)
	}
	if c.DaysAbsent < 0 || c.HoursAbsent < 0 {
		return fmt.Errorf("%w: negatief verzuim", ErrMelding)
	}
	return nil
}

// Status is the DUO status of a melding (since August 2020).
type Status string

const (
	StatusRegistered   Status = "geregistreerd"               // by the school
	StatusWithdrawn    Status = "ingetrokken"                 // by the school
	StatusInProgress   Status = "in-behandeling"              // by the gemeente
	StatusClosed       Status = "afgesloten"                  // by the gemeente
	StatusAcknowledged Status = "ter-kennisgeving-aangenomen" // by the gemeente
)

// Statuses lists every status.
func Statuses() []Status {
	return []Status{StatusRegistered, StatusWithdrawn, StatusInProgress, StatusClosed, StatusAcknowledged}
}

// ParseStatus accepts a status code.
func ParseStatus(s string) (Status, error) {
	for _, x := range Statuses() {
		if string(x) == s {
			return x, nil
		}
	}
	return "", fmt.Errorf("onbekende meldingstatus %q", s)
}

// Party is who changes a status.
type Party string

const (
	PartySchool   Party = "school"
	PartyGemeente Party = "gemeente"
)

// transitions are the legal status changes and who may make them.
var transitions = map[Status]map[Status]Party{
	StatusRegistered: {StatusWithdrawn: PartySchool, StatusInProgress: PartyGemeente, StatusClosed: PartyGemeente, StatusAcknowledged: PartyGemeente},
	StatusInProgress: {StatusClosed: PartyGemeente},
}

// Open reports whether the melding is still being handled.
func (s Status) Open() bool { return s == StatusRegistered || s == StatusInProgress }

// Final reports whether no further change is possible.
func (s Status) Final() bool { return len(transitions[s]) == 0 }

// ClosingReason is the gemeente's reason for closing a melding.
type ClosingReason string

const (
	CloseBackToSchool       ClosingReason = "terug-naar-school"
	CloseOtherCourse        ClosingReason = "uitgeschreven-andere-opleiding"
	CloseWork               ClosingReason = "uitgeschreven-werk"
	CloseOtherEnded         ClosingReason = "uitgeschreven-overig"
	CloseDied               ClosingReason = "overleden"
	CloseLongTermIll        ClosingReason = "geen-verzuim-langdurig-ziek"
	CloseLegitimatelyAbsent ClosingReason = "geen-verzuim-geoorloofd-afwezig"
)

// ClosingReasons lists every closing reason.
func ClosingReasons() []ClosingReason {
	return []ClosingReason{CloseBackToSchool, CloseOtherCourse, CloseWork, CloseOtherEnded, CloseDied, CloseLongTermIll, CloseLegitimatelyAbsent}
}

// ClosingNote is the gemeente's note on how a melding was handled.
type ClosingNote string

const (
	NotePupilSeen      ClosingNote = "leerling-gesproken"
	NoteActionUnderway ClosingNote = "actie-in-gang-gezet"
	NoteNoFurther      ClosingNote = "geen-verdere-actie"
)

// ClosingNotes lists every closing note.
func ClosingNotes() []ClosingNote {
	return []ClosingNote{NotePupilSeen, NoteActionUnderway, NoteNoFurther}
}

// Melding is a verzuimmelding: the school's content, the status and the gemeente's answer. Build
// it with NewMelding; change it with Transition.
type Melding struct {
	content       MeldingContent
	pupil         string // the caller's pupil reference (id or pseudonym), never the BSN
	status        Status
	statusAt      time.Time
	created       time.Time
	closingReason ClosingReason
	closingNote   ClosingNote
	contact       string // the gemeente's contact person
	duoNumber     string
}

// NewMelding registers a complete melding (status geregistreerd) at now.
func NewMelding(pupil string, c MeldingContent, now time.Time) (*Melding, error) {
	if strings.TrimSpace(pupil) == "" {
		return nil, fmt.Errorf("%w: leerling ontbreekt", ErrMelding)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &Melding{content: c, pupil: pupil, status: StatusRegistered, statusAt: now, created: now}, nil
}

// RestoreMelding rebuilds a melding read from storage, checking it as NewMelding does plus the
// status fields.
func RestoreMelding(pupil string, c MeldingContent, st Status, statusAt, created time.Time, reason ClosingReason, note ClosingNote, contact, duoNumber string) (*Melding, error) {
	m, err := NewMelding(pupil, c, created)
	if err != nil {
		return nil, err
	}
	if _, err := ParseStatus(string(st)); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMelding, err)
	}
	if st == StatusClosed && reason == "" {
		return nil, fmt.Errorf("%w: afgesloten zonder reden", ErrMelding)
	}
	m.status, m.statusAt, m.closingReason, m.closingNote, m.contact, m.duoNumber = st, statusAt, reason, note, contact, duoNumber
	return m, nil
}

func (m *Melding) Content() MeldingContent      { return m.content }
func (m *Melding) Pupil() string                { return m.pupil }
func (m *Melding) Status() Status               { return m.status }
func (m *Melding) StatusAt() time.Time          { return m.statusAt }
func (m *Melding) Created() time.Time           { return m.created }
func (m *Melding) ClosingReason() ClosingReason { return m.closingReason }
func (m *Melding) ClosingNote() ClosingNote     { return m.closingNote }
func (m *Melding) GemeenteContact() string      { return m.contact }
func (m *Melding) DUONumber() string            { return m.duoNumber }

// SetDUONumber records the number DUO gave the melding.
func (m *Melding) SetDUONumber(n string) error {
	if strings.TrimSpace(n) == "" {
		return fmt.Errorf("%w: leeg DUO-meldingnummer", ErrMelding)
	}
	m.duoNumber = strings.TrimSpace(n)
	return nil
}

// ErrTransition is returned for a status change the process does not allow.
var ErrTransition = errors.New("deze statuswijziging is niet toegestaan")

// StatusChange is a request to move a melding to a new status.
type StatusChange struct {
	To      Status
	By      Party
	Reason  ClosingReason // required when To is afgesloten
	Note    ClosingNote   // optional
	Contact string        // the gemeente's contact
	At      time.Time
}

// Transition applies a status change: the school may only withdraw a registered melding; the
// gemeente takes it in behandeling, closes it (with a reason) or acknowledges it.
func (m *Melding) Transition(ch StatusChange) error {
	who, ok := transitions[m.status][ch.To]
	if !ok {
		return fmt.Errorf("%w: van %s naar %s", ErrTransition, m.status, ch.To)
	}
	if who != ch.By {
		return fmt.Errorf("%w: alleen de %s zet een melding op %s", ErrTransition, who, ch.To)
	}
	if ch.To == StatusClosed {
		if !validClosingReason(ch.Reason) {
			return fmt.Errorf("%w: afsluiten vraagt een reden (%v)", ErrTransition, ClosingReasons())
		}
	} else if ch.Reason != "" {
		return fmt.Errorf("%w: een reden hoort alleen bij afsluiten", ErrTransition)
	}
	if ch.Note != "" && !validClosingNote(ch.Note) {
		return fmt.Errorf("%w: onbekende afsluitnotitie %q", ErrTransition, ch.Note)
	}
	if ch.At.Before(m.statusAt) {
		return fmt.Errorf("%w: tijdstip ligt voor de vorige wijziging", ErrTransition)
	}
	m.status, m.statusAt = ch.To, ch.At
	m.closingReason, m.closingNote = ch.Reason, ch.Note
	if ch.Contact != "" {
		m.contact = ch.Contact
	}
	return nil
}

func validClosingReason(r ClosingReason) bool {
	for _, x := range ClosingReasons() {
		if x == r {
			return true
		}
	}
	return false
}

func validClosingNote(n ClosingNote) bool {
	for _, x := range ClosingNotes() {
		if x == n {
			return true
		}
	}
	return false
}

// DefaultGroundRetention is how long after it was closed a melding still gives leerplicht the
// ground to keep person-level notes: 5 years, the retention of absence data after de-enrolment
// (DOMAIN.md, "Retention"; the convenant may set another period).
const DefaultGroundRetention = 5 * 365 * 24 * time.Hour

// GivesGround reports whether this melding gives leerplicht the ground for person-level notes at
// now: open (geregistreerd, in behandeling), or closed or acknowledged less than retention ago. A
// withdrawn melding gives none.
func (m *Melding) GivesGround(now time.Time, retention time.Duration) bool {
	return GivesGround(m.status, m.statusAt, now, retention)
}

// GivesGround is the rule of Melding.GivesGround on bare fields, for stores.
func GivesGround(st Status, statusAt, now time.Time, retention time.Duration) bool {
	switch st {
	case StatusRegistered, StatusInProgress:
		return true
	case StatusClosed, StatusAcknowledged:
		return now.Sub(statusAt) <= retention
	}
	return false
}
