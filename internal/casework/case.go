package casework

import (
	"slices"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/convenant"
)

// Party and role codes of the model convenant that the casework rules name. A regional
// convenant uses the same codes for these parties and roles (internal/convenant validates them).
const (
	PartySchool    = "school"
	PartySWV       = "swv"
	PartyGemeente  = "gemeente"
	PartyJeugdhulp = "jeugdhulp"
	PartyGGD       = "ggd"

	RoleZorgcoordinator    = "zorgcoordinator"
	RoleSWVConsulent       = "swv-consulent"
	RoleOnderwijsconsulent = "onderwijsconsulent"
	RoleLeerplicht         = "leerplicht"
	RoleJeugdarts          = "jeugdarts"
	RoleJeugdhulpverlener  = "jeugdhulpverlener"

	// TypeDoorbraak is the case type of an escalated case.
	TypeDoorbraak = "doorbraakoverleg"
)

// Actor is who acts on a case: a professional (party, role, organisation, user), a parent or
// the pupil.
type Actor struct {
	Kind           Kind
	UserID         int64 // professionals
	OrganisationID int64 // professionals
	Party, Role    string
	ParentID       int64 // parents
	// ClientID is set when an organisation's API client acts (UserID is then 0): it acts in
	// Role for OrganisationID, in the cases where a professional of that organisation and role
	// takes part.
	ClientID int64
	PupilID  int64 // the pupil acting for themself
	Name     string
}

// Professional reports whether the actor acts for an organisation of the convenant.
func (a Actor) Professional() bool { return a.Kind == KindProfessional }

// Case is one casusoverleg about one pupil. Change it only through its methods; the store
// restores it field by field.
type Case struct {
	ID        int64
	PupilID   int64
	Pupil     string    // the pupil's pseudonym (audit data subject)
	BirthDate time.Time // for the pupil's invitation (from 12) and retention from the birth date
	Type      string    // convenant case type
	// PreviousType is the type before escalation to a doorbraakoverleg ("" if not escalated).
	PreviousType string
	Purpose      string // convenant purpose
	Question     string // the question of the overleg (hulpvraag)
	Phase        string
	OpenedAt     time.Time
	OpenedBy     int64  // user id
	MeldingRef   string // DUO melding relied on when leerplicht opened the case
	Participants []Participant
	Regie        []RegieChange // history, oldest first; the last per kind is current
	Phases       []PhaseChange // history, oldest first
	Escalation   *Escalation
	Closure      *Closure
	Version      int // optimistic concurrency on the case itself
}

// OpenInput is what opening a case takes.
type OpenInput struct {
	PupilID   int64
	Pupil     string // pseudonym
	BirthDate time.Time
	Type      string
	Purpose   string
	Question  string
	Opener    Actor
	// HasMelding says whether a DUO verzuimmelding exists for the pupil (internal/absence);
	// leerplicht may only open a case after one. MeldingRef names it.
	HasMelding bool
	MeldingRef string
	// StartedOn is the day the work on the case started, when it lies before today (a case
	// registered afterwards); zero means now. Terms (stagnation, the thuiszitter term) run from it.
	StartedOn time.Time
}

// MaxBackdate is how far before today a case's start may lie.
const MaxBackdate = 366 * 24 * time.Hour

// openerRoles are the roles that may open a case (issue 5: the zorgcoördinator, the SWV, or
// leerplicht after a melding).
var openerRoles = []string{RoleZorgcoordinator, RoleSWVConsulent, RoleOnderwijsconsulent, RoleLeerplicht}

// Open opens a case in the convenant's first phase. The opener becomes its first participant and
// holds the regie that fits the role: broad regie for the zorgcoördinator and the SWV (until it is
// handed to the school), partial regie for leerplicht.
func Open(k *convenant.Compiled, in OpenInput, now time.Time) (*Case, error) {
	in.Question = strings.TrimSpace(in.Question)
	if in.PupilID <= 0 || in.Pupil == "" {
		return nil, fieldErr("leerling", "is verplicht")
	}
	if in.BirthDate.IsZero() {
		return nil, fieldErr("geboortedatum", "is verplicht")
	}
	if in.Question == "" {
		return nil, fieldErr("vraag", "beschrijf kort de vraag van het overleg")
	}
	if len(in.Question) > 2000 {
		return nil, fieldErr("vraag", "houd de vraag kort (hoogstens 2000 tekens)")
	}
	ct, ok := k.CaseType(in.Type)
	if !ok {
		return nil, fieldErr("soort", "onbekend soort overleg %q; kies uit %s", in.Type, strings.Join(caseTypeCodes(k), ", "))
	}
	if err := checkPurpose(k, "doel", in.Purpose); err != nil {
		return nil, err
	}
	o := in.Opener
	if !o.Professional() || !slices.Contains(openerRoles, o.Role) {
		return nil, denied("alleen de zorgcoördinator, een consulent van het samenwerkingsverband of leerplicht (na een verzuimmelding) opent een casus")
	}
	if o.Role == RoleLeerplicht && !in.HasMelding {
		return nil, denied("leerplicht opent een casus pas na een verzuimmelding bij DUO (artikel 4 lid 2 van het convenant); zonder melding blijft de inzet preventief, op schoolniveau")
	}
	if !codeIn(ct.Parties, o.Party) {
		return nil, denied("partij %s neemt niet deel aan een %s", o.Party, ct.Name)
	}
	phases := k.Phases()
	if len(phases) == 0 {
		return nil, fieldErr("fase", "het convenant beschrijft geen fasen van het casusoverleg (bijlage 3)")
	}
	opened := now
	if !in.StartedOn.IsZero() {
		if in.StartedOn.After(now) {
			return nil, fieldErr("startdatum", "de startdatum ligt in de toekomst; een casus begint vandaag of eerder")
		}
		if now.Sub(in.StartedOn) > MaxBackdate {
			return nil, fieldErr("startdatum", "de startdatum ligt meer dan een jaar terug")
		}
		opened = in.StartedOn
	}
	c := &Case{
		PupilID: in.PupilID, Pupil: in.Pupil, BirthDate: in.BirthDate,
		Type: in.Type, Purpose: in.Purpose, Question: in.Question,
		Phase: phases[0].Code, OpenedAt: opened, OpenedBy: o.UserID,
		Version: 1,
	}
	if in.HasMelding {
		c.MeldingRef = in.MeldingRef
	}
	c.Phases = append(c.Phases, PhaseChange{To: c.Phase, At: opened, By: o.UserID})
	p := Participant{
		Kind: KindProfessional, UserID: o.UserID, OrganisationID: o.OrganisationID,
		Party: o.Party, Role: o.Role, Name: o.Name, Purpose: defaultPurpose(k, o.Party, o.Role, in.Purpose),
		Status: StatusAdded, InvitedAt: now, RespondedAt: now,
	}
	if err := c.addParticipant(k, p, in.HasMelding); err != nil {
		return nil, err
	}
	switch o.Role {
	case RoleLeerplicht:
		c.Regie = append(c.Regie, RegieChange{Kind: RegiePartial, UserID: o.UserID, At: now, By: o.UserID, Note: "geopend door leerplicht na verzuimmelding"})
	case RoleZorgcoordinator:
		c.Regie = append(c.Regie, RegieChange{Kind: RegieBroad, UserID: o.UserID, At: now, By: o.UserID, Note: "geopend door de zorgcoördinator"})
	default:
		c.Regie = append(c.Regie, RegieChange{Kind: RegieBroad, UserID: o.UserID, At: now, By: o.UserID, Note: "geopend door het samenwerkingsverband; over te dragen aan de zorgcoördinator van de school"})
	}
	return c, nil
}

// Closed reports whether the case is closed.
func (c *Case) Closed() bool { return c.Closure != nil }

func (c *Case) open() error {
	if c.Closed() {
		return ErrClosed
	}
	return nil
}

func checkPurpose(k *convenant.Compiled, field, code string) error {
	p, ok := k.Purpose(code)
	if !ok {
		var codes []string
		for _, p := range k.Purposes() {
			if !p.AggregatesOnly {
				codes = append(codes, p.Code)
			}
		}
		return fieldErr(field, "onbekend doel %q; kies uit %s", code, strings.Join(codes, ", "))
	}
	if p.AggregatesOnly {
		return fieldErr(field, "doel %s is alleen voor geaggregeerde gegevens, niet voor een casus over een leerling", code)
	}
	return nil
}

func caseTypeCodes(k *convenant.Compiled) []string {
	var out []string
	for _, t := range k.CaseTypes() {
		out = append(out, t.Code)
	}
	return out
}

func codeIn(codes []convenant.Code, v string) bool {
	for _, c := range codes {
		if c.Value == v {
			return true
		}
	}
	return false
}

// defaultPurpose is the purpose for which a party sits at the table (bijlage 3: "vanuit welke
// wettelijke taak, met welk doel"): the school for its pupil care (signalering: the
// leerlingdossier it keeps), leerplicht for handhaving, jeugdhulp for jeugdhulp, the SWV and the
// GGD for toeleiding — each only when the convenant knows that purpose, otherwise the case's.
func defaultPurpose(k *convenant.Compiled, party, role, casePurpose string) string {
	want := casePurpose
	switch {
	case role == RoleLeerplicht:
		want = "handhaving-leerplicht"
	case party == PartySchool:
		want = "signalering"
	case party == PartyJeugdhulp:
		want = "jeugdhulp"
	case party == PartySWV || party == PartyGGD:
		want = "toeleiding"
	}
	if p, ok := k.Purpose(want); ok && !p.AggregatesOnly {
		return want
	}
	return casePurpose
}
