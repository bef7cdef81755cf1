package casework

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/region"
)

// Kind of participant.
type Kind string

// Kinds of participants: professionals of the convenant's parties, the parents, the pupil.
const (
	KindProfessional Kind = "professional"
	KindParent       Kind = "ouder"
	KindPupil        Kind = "leerling"
)

// Status of a participant's invitation.
type Status string

// Statuses. Professionals join by being added; parents and the pupil are invited and accept or
// refuse (seed 004: "Betrokkene/ouders wordt uitgenodigd voor Casusoverleg en is in principe
// zelf aanwezig").
const (
	StatusAdded    Status = "toegevoegd"
	StatusInvited  Status = "uitgenodigd"
	StatusAccepted Status = "geaccepteerd"
	StatusRefused  Status = "geweigerd"
)

// PupilInviteAge is the age from which the pupil is invited to their own case.
const PupilInviteAge = 12

// Participant is one member of the case.
type Participant struct {
	ID             int64
	Kind           Kind
	UserID         int64 // professionals
	OrganisationID int64 // professionals
	Party, Role    string
	ParentID       int64 // parents
	Name           string
	Contact        string // e-mail or phone shown as buitenkant information
	// Purpose is the purpose for which the participant sits at the table (professionals).
	Purpose     string
	Status      Status
	InvitedAt   time.Time
	RespondedAt time.Time // zero while invited
	Note        string    // e.g. why a parent refused
}

// Ref is a stable reference to a participant, valid before the store gives it an id:
// "gebruiker:12", "ouder:5", "leerling:3".
type Ref string

func (p Participant) key() Ref {
	switch p.Kind {
	case KindParent:
		return Ref("ouder:" + strconv.FormatInt(p.ParentID, 10))
	case KindPupil:
		return Ref("leerling")
	}
	return Ref("gebruiker:" + strconv.FormatInt(p.UserID, 10))
}

// Ref returns the participant's reference.
func (p Participant) Ref() Ref { return p.key() }

// RefOf is the reference of an actor.
func RefOf(a Actor) Ref {
	switch a.Kind {
	case KindParent:
		return Ref("ouder:" + strconv.FormatInt(a.ParentID, 10))
	case KindPupil:
		return Ref("leerling")
	}
	return Ref("gebruiker:" + strconv.FormatInt(a.UserID, 10))
}

// Active reports whether the participant takes part (added or accepted).
func (p Participant) Active() bool { return p.Status == StatusAdded || p.Status == StatusAccepted }

// Participant returns the participant with ref.
func (c *Case) Participant(ref Ref) (Participant, bool) {
	for _, p := range c.Participants {
		if p.key() == ref {
			return p, true
		}
	}
	return Participant{}, false
}

// ParticipantFor returns the actor's participation in the case.
func (c *Case) ParticipantFor(a Actor) (Participant, bool) {
	if a.Kind == KindPupil && a.PupilID != c.PupilID {
		return Participant{}, false
	}
	if a.Kind == KindProfessional && a.UserID == 0 {
		if a.ClientID == 0 || a.OrganisationID == 0 {
			return Participant{}, false
		}
		// An organisation's API client takes part through a professional of its organisation
		// in the same role.
		for _, p := range c.Participants {
			if p.Kind == KindProfessional && p.OrganisationID == a.OrganisationID && p.Role == a.Role && p.Active() {
				return p, true
			}
		}
		return Participant{}, false
	}
	return c.Participant(RefOf(a))
}

// ProfessionalInput is a professional to add to the case.
type ProfessionalInput struct {
	UserID, OrganisationID int64
	Party, Role            string
	Name, Contact          string
	Purpose                string // "" = the default for the party
	// HasMelding: a DUO verzuimmelding exists for the pupil; leerplicht joins a case only after
	// one (seed 002: "Deelname ZAT of MDO. Voorwaarde: melding door school via Verzuimloket DUO").
	HasMelding bool
}

// AddProfessional adds a professional of one of the convenant's parties. A party that is not in
// the convenant, or not in this type of overleg, is refused; so is a role the party does not have.
func (c *Case) AddProfessional(k *convenant.Compiled, in ProfessionalInput, by Actor, now time.Time) (Participant, error) {
	if err := c.open(); err != nil {
		return Participant{}, err
	}
	if err := c.requireRegie(by); err != nil {
		return Participant{}, err
	}
	if in.UserID <= 0 || in.OrganisationID <= 0 {
		return Participant{}, fieldErr("gebruiker", "is verplicht")
	}
	purpose := in.Purpose
	if purpose == "" {
		purpose = defaultPurpose(k, in.Party, in.Role, c.Purpose)
	} else if err := checkPurpose(k, "doel", purpose); err != nil {
		return Participant{}, err
	}
	p := Participant{
		Kind: KindProfessional, UserID: in.UserID, OrganisationID: in.OrganisationID,
		Party: in.Party, Role: in.Role, Name: strings.TrimSpace(in.Name), Contact: strings.TrimSpace(in.Contact),
		Purpose: purpose, Status: StatusAdded, InvitedAt: now, RespondedAt: now,
	}
	if err := c.addParticipant(k, p, in.HasMelding); err != nil {
		return Participant{}, err
	}
	// Seed 002: leerplicht holds partial regie, the care provider regie over the care; the first
	// of them to join takes it unless someone holds it already.
	switch {
	case p.Role == RoleLeerplicht && c.RegieHolder(RegiePartial) == 0:
		c.Regie = append(c.Regie, RegieChange{Kind: RegiePartial, UserID: p.UserID, At: now, By: by.UserID, Note: "leerplicht neemt deel"})
	case p.Party == PartyJeugdhulp && c.RegieHolder(RegieCare) == 0:
		c.Regie = append(c.Regie, RegieChange{Kind: RegieCare, UserID: p.UserID, At: now, By: by.UserID, Note: "jeugdhulp neemt deel"})
	}
	c.Version++
	return p, nil
}

func (c *Case) addParticipant(k *convenant.Compiled, p Participant, hasMelding bool) error {
	party, ok := k.Party(p.Party)
	if !ok {
		var codes []string
		for _, p := range k.Parties() {
			codes = append(codes, p.Code)
		}
		return denied("%q is geen partij van het convenant (partijen: %s); een organisatie die niet is toegetreden neemt niet deel", p.Party, strings.Join(codes, ", "))
	}
	if _, ok := k.Role(p.Party, p.Role); !ok {
		var codes []string
		for _, r := range party.Roles {
			codes = append(codes, r.Code)
		}
		return fieldErr("rol", "partij %s kent de rol %q niet; kies uit %s", p.Party, p.Role, strings.Join(codes, ", "))
	}
	ct, ok := k.CaseType(c.Type)
	if !ok {
		return fieldErr("soort", "onbekend soort overleg %q", c.Type)
	}
	if !codeIn(ct.Parties, p.Party) {
		var codes []string
		for _, c := range ct.Parties {
			codes = append(codes, c.Value)
		}
		return denied("partij %s neemt niet deel aan een %s (wel: %s)", p.Party, ct.Name, strings.Join(codes, ", "))
	}
	if p.Role == RoleLeerplicht && !hasMelding {
		return denied("leerplicht neemt pas deel aan het casusoverleg na een verzuimmelding bij DUO (artikel 4 lid 2 van het convenant)")
	}
	if _, dup := c.Participant(p.key()); dup {
		return fieldErr("gebruiker", "neemt al deel aan deze casus")
	}
	c.Participants = append(c.Participants, p)
	return nil
}

// ParentInput is a parent (with or without gezag) to invite.
type ParentInput struct {
	ParentID      int64
	Name, Contact string
}

// InviteFamily invites the parents and, from PupilInviteAge, the pupil. Parents already invited
// are skipped. It returns the new invitations.
func (c *Case) InviteFamily(parents []ParentInput, pupilName string, by Actor, now time.Time) ([]Participant, error) {
	if err := c.open(); err != nil {
		return nil, err
	}
	if err := c.requireRegie(by); err != nil {
		return nil, err
	}
	var added []Participant
	for _, in := range parents {
		if in.ParentID <= 0 {
			return nil, fieldErr("ouder", "is verplicht")
		}
		p := Participant{Kind: KindParent, ParentID: in.ParentID, Name: strings.TrimSpace(in.Name), Contact: strings.TrimSpace(in.Contact), Status: StatusInvited, InvitedAt: now}
		if _, dup := c.Participant(p.key()); dup {
			continue
		}
		c.Participants = append(c.Participants, p)
		added = append(added, p)
	}
	if region.Age(c.BirthDate, now) >= PupilInviteAge {
		p := Participant{Kind: KindPupil, Name: strings.TrimSpace(pupilName), Status: StatusInvited, InvitedAt: now}
		if _, dup := c.Participant(p.key()); !dup {
			c.Participants = append(c.Participants, p)
			added = append(added, p)
		}
	}
	if len(added) > 0 {
		c.Version++
	}
	return added, nil
}

// Respond records a parent's or the pupil's answer to the invitation. The invited person
// answers themself, or a professional with regie records the answer they gave (by phone, in
// person); a refusal may carry a note.
func (c *Case) Respond(ref Ref, accept bool, note string, by Actor, now time.Time) error {
	if err := c.open(); err != nil {
		return err
	}
	i := slices.IndexFunc(c.Participants, func(p Participant) bool { return p.key() == ref })
	if i < 0 {
		return fmt.Errorf("deelnemer %s: %w", ref, ErrNotFound)
	}
	p := &c.Participants[i]
	if p.Kind == KindProfessional {
		return fieldErr("deelnemer", "een professional wordt toegevoegd, niet uitgenodigd")
	}
	if RefOf(by) != ref {
		if err := c.requireRegie(by); err != nil {
			return denied("alleen de uitgenodigde zelf of wie de regie heeft legt het antwoord vast")
		}
	}
	p.Status = StatusRefused
	if accept {
		p.Status = StatusAccepted
	}
	p.RespondedAt = now
	p.Note = strings.TrimSpace(note)
	c.Version++
	return nil
}
