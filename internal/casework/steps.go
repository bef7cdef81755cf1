package casework

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
)

// OpenRequest is what a user fills in to open a case.
type OpenRequest struct {
	PupilID  int64
	Type     string
	Purpose  string
	Question string
	// StartedOn: the day the work started, if before today (see OpenInput.StartedOn).
	StartedOn time.Time
}

// Open opens a case for the pupil; the actor is the opener.
func (s *Service) Open(ctx context.Context, regionID int64, op Op, in OpenRequest) (*Case, error) {
	now := s.now()
	pf, err := s.dir.PupilFacts(ctx, regionID, in.PupilID, now)
	if err != nil {
		return nil, err
	}
	c, err := Open(s.guard.k, OpenInput{
		PupilID: in.PupilID, Pupil: pf.Pseudonym, BirthDate: pf.BirthDate, Type: in.Type, Purpose: in.Purpose,
		Question: in.Question, Opener: op.Actor, HasMelding: pf.HasMelding, MeldingRef: pf.MeldingRef,
		StartedOn: in.StartedOn,
	}, now)
	if err != nil {
		return nil, err
	}
	v, err := s.record(ctx, c, op.Actor, "identificatie", FactsOn(regionID, pf.HasMelding, pf.BirthDate, now))
	if err != nil {
		return nil, err
	}
	if !v.Allowed() {
		return nil, s.refuse(ctx, regionID, op, c, v, audit.ActionCreate, "casus-openen", now)
	}
	e, err := s.entry(op, c, v, audit.ActionCreate, "casus-openen", now)
	if err != nil {
		return nil, err
	}
	if err := s.repo.CreateCase(ctx, regionID, c, []audit.Entry{e}); err != nil {
		return nil, err
	}
	return c, nil
}

// AddProfessional adds the user as a participant with the given role's party; the directory
// says which party and role the user has.
func (s *Service) AddProfessional(ctx context.Context, regionID int64, op Op, caseID, userID int64, purpose string) (*Case, error) {
	who, contact, err := s.dir.Professional(ctx, regionID, userID)
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrInvalid) {
		return nil, fieldErr("gebruiker", "gebruiker %d is geen actieve gebruiker in uw regio", userID)
	}
	if err != nil {
		return nil, err
	}
	return s.saveCase(ctx, regionID, caseID, op, "casus-deelnemer-toevoegen", func(c *Case, pf PupilFacts, now time.Time) error {
		_, err := c.AddProfessional(s.guard.k, ProfessionalInput{
			UserID: who.UserID, OrganisationID: who.OrganisationID, Party: who.Party, Role: who.Role,
			Name: who.Name, Contact: contact, Purpose: purpose, HasMelding: pf.HasMelding,
		}, op.Actor, now)
		return err
	})
}

// InviteFamily invites the parents with gezag and, from 12, the pupil.
func (s *Service) InviteFamily(ctx context.Context, regionID int64, op Op, caseID int64) (*Case, error) {
	return s.saveCase(ctx, regionID, caseID, op, "casus-ouders-uitnodigen", func(c *Case, pf PupilFacts, now time.Time) error {
		_, err := c.InviteFamily(pf.Parents, pf.Name, op.Actor, now)
		return err
	})
}

// Respond records the answer to an invitation.
func (s *Service) Respond(ctx context.Context, regionID int64, op Op, caseID int64, ref Ref, accept bool, note string) (*Case, error) {
	return s.saveCase(ctx, regionID, caseID, op, "casus-uitnodiging-beantwoorden", func(c *Case, _ PupilFacts, now time.Time) error {
		return c.Respond(ref, accept, note, op.Actor, now)
	})
}

// Advance moves the case to another phase.
func (s *Service) Advance(ctx context.Context, regionID int64, op Op, caseID int64, to, note string) (*Case, error) {
	return s.saveCase(ctx, regionID, caseID, op, "casus-fase", func(c *Case, _ PupilFacts, now time.Time) error {
		return c.Advance(s.guard.k, to, note, op.Actor, now)
	})
}

// HandOver hands a kind of regie over.
func (s *Service) HandOver(ctx context.Context, regionID int64, op Op, caseID int64, kind RegieKind, toUser int64, note string) (*Case, error) {
	return s.saveCase(ctx, regionID, caseID, op, "casus-regie-overdragen", func(c *Case, _ PupilFacts, now time.Time) error {
		return c.HandOver(kind, toUser, note, op.Actor, now)
	})
}

// EscalateRequest is what escalating takes.
type EscalateRequest struct {
	Reason       string
	Detail       string
	ConsultantID int64 // user id of the onderwijsconsulent
	Holder       Doorzettingsmacht
}

// Escalate turns the case into a doorbraakoverleg.
func (s *Service) Escalate(ctx context.Context, regionID int64, op Op, caseID int64, in EscalateRequest) (*Case, error) {
	oc, contact, err := s.dir.Professional(ctx, regionID, in.ConsultantID)
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrInvalid) {
		return nil, fieldErr("onderwijsconsulent", "gebruiker %d is geen actieve gebruiker in uw regio", in.ConsultantID)
	}
	if err != nil {
		return nil, fmt.Errorf("onderwijsconsulent: %w", err)
	}
	return s.saveCase(ctx, regionID, caseID, op, "casus-opschalen", func(c *Case, _ PupilFacts, now time.Time) error {
		return c.Escalate(s.guard.k, EscalateInput{Reason: in.Reason, Detail: in.Detail, Holder: in.Holder,
			Consultant: ProfessionalInput{UserID: oc.UserID, OrganisationID: oc.OrganisationID, Party: oc.Party, Role: oc.Role, Name: oc.Name, Contact: contact}}, op.Actor, now)
	})
}

// DecideBreakthrough records the decision of the doorbraakoverleg.
func (s *Service) DecideBreakthrough(ctx context.Context, regionID int64, op Op, caseID int64, decision string) (*Case, error) {
	return s.saveCase(ctx, regionID, caseID, op, "casus-doorbraakbesluit", func(c *Case, _ PupilFacts, now time.Time) error {
		return c.DecideBreakthrough(decision, op.Actor, now)
	})
}

// Close closes the case with its result and starts the retention clocks for every category it
// holds.
func (s *Service) Close(ctx context.Context, regionID int64, op Op, caseID int64, result, note string) (*Case, error) {
	contribs, err := s.repo.Contributions(ctx, regionID, caseID)
	if err != nil {
		return nil, err
	}
	var cats []string
	for _, x := range contribs {
		if !slices.Contains(cats, x.Category) {
			cats = append(cats, x.Category)
		}
	}
	return s.saveCase(ctx, regionID, caseID, op, "casus-afsluiten", func(c *Case, _ PupilFacts, now time.Time) error {
		return c.Close(s.guard.k, result, note, cats, op.Actor, now)
	})
}

// bringIn checks that the actor may bring category into the case now.
func (s *Service) bringIn(ctx context.Context, regionID int64, op Op, c *Case, f Facts, category, name string, action audit.Action, now time.Time) (Participant, Verdict, error) {
	if err := c.open(); err != nil {
		return Participant{}, Verdict{}, err
	}
	p, ok := c.ParticipantFor(op.Actor)
	if !ok {
		return Participant{}, Verdict{}, notParticipant()
	}
	v, err := s.guard.BringIn(ctx, c, p, category, f)
	if err != nil {
		return p, v, err
	}
	if !v.Allowed() {
		return p, v, s.refuse(ctx, regionID, op, c, v, action, name, now)
	}
	return p, v, nil
}

// Contribute brings information into the current phase. With buitenkant scope only the fact
// that the party is involved is recorded (text must be empty).
func (s *Service) Contribute(ctx context.Context, regionID int64, op Op, caseID int64, category, text string) (*Contribution, error) {
	now := s.now()
	c, _, f, err := s.load(ctx, regionID, caseID, now)
	if err != nil {
		return nil, err
	}
	p, v, err := s.bringIn(ctx, regionID, op, c, f, category, "casus-inbreng", audit.ActionCreate, now)
	if err != nil {
		return nil, err
	}
	text = strings.TrimSpace(text)
	if v.Scope == ScopeOutside && text != "" {
		return nil, fieldErr("tekst", "in fase %s brengt %s over %s alleen buitenkantinformatie in (dat u betrokken bent), geen inhoud", c.Phase, p.Party, category)
	}
	if v.Scope == ScopeContent && text == "" {
		return nil, fieldErr("tekst", "is leeg")
	}
	if len(text) > MaxMinutes {
		return nil, fieldErr("tekst", "houd de inbreng bondig (hoogstens %d tekens)", MaxMinutes)
	}
	x := &Contribution{CaseID: c.ID, Phase: c.Phase, Category: category, Scope: v.Scope, Text: text,
		AuthorID: p.UserID, Party: p.Party, Role: p.Role, OrgID: p.OrganisationID, Purpose: v.Purpose, CreatedAt: now}
	e, err := s.entry(op, c, v, audit.ActionCreate, "casus-inbreng", now)
	if err != nil {
		return nil, err
	}
	return x, s.repo.AddContribution(ctx, regionID, x, []audit.Entry{e})
}

// MinutesInput is the content of minutes.
type MinutesInput struct {
	MeetingOn  time.Time
	Text       string
	ForParents bool
}

// WriteMinutes records the minutes of a meeting in the current phase.
func (s *Service) WriteMinutes(ctx context.Context, regionID int64, op Op, caseID int64, in MinutesInput) (*Minutes, error) {
	now := s.now()
	c, _, f, err := s.load(ctx, regionID, caseID, now)
	if err != nil {
		return nil, err
	}
	p, v, err := s.bringIn(ctx, regionID, op, c, f, CatMinutes, "casus-verslag", audit.ActionCreate, now)
	if err != nil {
		return nil, err
	}
	if v.Scope != ScopeContent {
		return nil, denied("in fase %s legt %s geen verslag vast", c.Phase, p.Party)
	}
	m, err := NewMinutes(Minutes{CaseID: c.ID, Phase: c.Phase, MeetingOn: in.MeetingOn, Text: in.Text, ForParents: in.ForParents,
		AuthorID: p.UserID, AuthorParty: p.Party, AuthorRole: p.Role, Purpose: v.Purpose, CreatedAt: now, UpdatedAt: now, UpdatedBy: p.UserID})
	if err != nil {
		return nil, err
	}
	e, err := s.entry(op, c, v, audit.ActionCreate, "casus-verslag", now)
	if err != nil {
		return nil, err
	}
	return &m, s.repo.CreateMinutes(ctx, regionID, &m, []audit.Entry{e})
}

// UpdateMinutes changes minutes the writer read at version expect. A stale version fails with a
// *ConflictError; nothing is overwritten.
func (s *Service) UpdateMinutes(ctx context.Context, regionID int64, op Op, caseID, id int64, expect int, in MinutesInput) (*Minutes, error) {
	now := s.now()
	c, _, f, err := s.load(ctx, regionID, caseID, now)
	if err != nil {
		return nil, err
	}
	all, err := s.repo.Minutes(ctx, regionID, caseID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(all, func(m Minutes) bool { return m.ID == id })
	if i < 0 {
		return nil, fmt.Errorf("verslag %d: %w", id, ErrNotFound)
	}
	m := all[i]
	p, v, err := s.bringIn(ctx, regionID, op, c, f, CatMinutes, "casus-verslag-wijzigen", audit.ActionUpdate, now)
	if err != nil {
		return nil, err
	}
	if v.Scope != ScopeContent || p.OrganisationID != orgOfAuthor(c, m.AuthorID) {
		return nil, s.refuse(ctx, regionID, op, c, Verdict{Category: CatMinutes, Reason: "alleen de organisatie die het verslag schreef, wijzigt het"}, audit.ActionUpdate, "casus-verslag-wijzigen", now)
	}
	if !in.MeetingOn.IsZero() {
		m.MeetingOn = in.MeetingOn
	}
	m.Text, m.ForParents = in.Text, in.ForParents
	m.UpdatedAt, m.UpdatedBy = now, p.UserID
	m, err = NewMinutes(m)
	if err != nil {
		return nil, err
	}
	e, err := s.entry(op, c, v, audit.ActionUpdate, "casus-verslag-wijzigen", now)
	if err != nil {
		return nil, err
	}
	if err := s.repo.UpdateMinutes(ctx, regionID, &m, expect, []audit.Entry{e}); err != nil {
		return nil, err
	}
	return &m, nil
}

func orgOfAuthor(c *Case, userID int64) int64 {
	if p, ok := c.Participant(Ref("gebruiker:" + itoa(userID))); ok {
		return p.OrganisationID
	}
	return -1
}

// AgreementInput is the content of an agreement; on update, nil fields stay as they are.
type AgreementInput struct {
	Description *string
	Owner       *Ref
	Due         *time.Time
	Status      *AgreementStatus
	ForParents  *bool
}

// AddAgreement adds an agreement to the plan van aanpak.
func (s *Service) AddAgreement(ctx context.Context, regionID int64, op Op, caseID int64, in AgreementInput) (*Agreement, error) {
	now := s.now()
	c, _, f, err := s.load(ctx, regionID, caseID, now)
	if err != nil {
		return nil, err
	}
	p, v, err := s.bringIn(ctx, regionID, op, c, f, CatAgreements, "casus-afspraak", audit.ActionCreate, now)
	if err != nil {
		return nil, err
	}
	if v.Scope != ScopeContent {
		return nil, denied("in fase %s legt %s geen afspraken vast", c.Phase, p.Party)
	}
	a := Agreement{CaseID: c.ID, Phase: c.Phase, AuthorID: p.UserID, AuthorParty: p.Party, AuthorRole: p.Role,
		Purpose: v.Purpose, CreatedAt: now, UpdatedAt: now, UpdatedBy: string(p.Ref()), ProgressAt: now}
	if err := applyAgreement(c, &a, in); err != nil {
		return nil, err
	}
	a, err = NewAgreement(a)
	if err != nil {
		return nil, err
	}
	e, err := s.entry(op, c, v, audit.ActionCreate, "casus-afspraak", now)
	if err != nil {
		return nil, err
	}
	return &a, s.repo.CreateAgreement(ctx, regionID, &a, []audit.Entry{e})
}

func applyAgreement(c *Case, a *Agreement, in AgreementInput) error {
	if in.Description != nil {
		a.Description = *in.Description
	}
	if in.Owner != nil {
		o, ok := c.Participant(*in.Owner)
		if !ok {
			return fieldErr("eigenaar", "%s neemt niet deel aan de casus", *in.Owner)
		}
		a.Owner, a.OwnerName = o.Ref(), o.Name
	}
	if in.Due != nil {
		a.Due = dayOf(*in.Due)
	}
	if in.Status != nil {
		a.Status = *in.Status
	}
	if in.ForParents != nil {
		a.ForParents = *in.ForParents
	}
	return nil
}

// UpdateAgreement changes an agreement the writer read at version expect. Whoever may bring
// agreements into the phase changes everything; the owner of the agreement may always report
// its status (progress), recorded in the plan of the school that leads.
func (s *Service) UpdateAgreement(ctx context.Context, regionID int64, op Op, caseID, id int64, expect int, in AgreementInput) (*Agreement, error) {
	now := s.now()
	c, _, f, err := s.load(ctx, regionID, caseID, now)
	if err != nil {
		return nil, err
	}
	if err := c.open(); err != nil {
		return nil, err
	}
	all, err := s.repo.Agreements(ctx, regionID, caseID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(all, func(a Agreement) bool { return a.ID == id })
	if i < 0 {
		return nil, fmt.Errorf("afspraak %d: %w", id, ErrNotFound)
	}
	a := all[i]
	me, ok := c.ParticipantFor(op.Actor)
	if !ok || !me.Active() {
		return nil, notParticipant()
	}
	statusOnly := in.Description == nil && in.Owner == nil && in.Due == nil && in.ForParents == nil && in.Status != nil
	var v Verdict
	switch {
	case statusOnly && a.Owner == me.Ref():
		v, err = s.record(ctx, c, Actor{Kind: KindParent}, CatAgreements, f) // recorded by the broad regie holder's school
		if err != nil {
			return nil, err
		}
	default:
		if v, err = s.guard.BringIn(ctx, c, me, CatAgreements, f); err != nil {
			return nil, err
		}
		if v.Scope != ScopeContent {
			return nil, s.refuse(ctx, regionID, op, c, v, audit.ActionUpdate, "casus-afspraak-wijzigen", now)
		}
	}
	if !v.Allowed() {
		return nil, s.refuse(ctx, regionID, op, c, v, audit.ActionUpdate, "casus-afspraak-wijzigen", now)
	}
	oldStatus := a.Status
	if err := applyAgreement(c, &a, in); err != nil {
		return nil, err
	}
	a.UpdatedAt, a.UpdatedBy = now, string(me.Ref())
	if a.Status != oldStatus {
		a.ProgressAt = now
	}
	a, err = NewAgreement(a)
	if err != nil {
		return nil, err
	}
	e, err := s.entry(op, c, v, audit.ActionUpdate, "casus-afspraak-wijzigen", now)
	if err != nil {
		return nil, err
	}
	if err := s.repo.UpdateAgreement(ctx, regionID, &a, expect, []audit.Entry{e}); err != nil {
		return nil, err
	}
	return &a, nil
}

// Ask puts a question to a participant. The answer's scope is decided now: content when the
// phase and the policy (with its consent) allow it; otherwise buitenkant information (involved,
// and a contact), given at once, when the policy allows the participant's party even that; and
// otherwise the question is refused (ErrNotAllowed) with the lawful route in the reason.
func (s *Service) Ask(ctx context.Context, regionID int64, op Op, caseID int64, to Ref, category, question string) (*InfoRequest, error) {
	now := s.now()
	c, _, f, err := s.load(ctx, regionID, caseID, now)
	if err != nil {
		return nil, err
	}
	if err := c.open(); err != nil {
		return nil, err
	}
	from, ok := c.ParticipantFor(op.Actor)
	if !ok || !from.Active() || from.Kind != KindProfessional {
		return nil, denied("alleen deelnemende professionals stellen een informatievraag")
	}
	target, ok := c.Participant(to)
	if !ok || !target.Active() {
		return nil, fieldErr("aan", "%s neemt niet deel aan de casus", to)
	}
	if _, ok := s.guard.k.Category(category); !ok {
		return nil, fieldErr("categorie", "onbekende categorie %q", category)
	}
	v, err := s.guard.AskScope(ctx, c, from, target, category, f)
	if err != nil {
		return nil, err
	}
	if !v.Allowed() {
		// Not even buitenkant: the refusal is logged with the policy's decision and names the
		// lawful route (a consent, the Verwijsindex).
		return nil, s.refuse(ctx, regionID, op, c, v, audit.ActionCreate, "casus-informatievraag", now)
	}
	q := &InfoRequest{CaseID: c.ID, Phase: c.Phase, FromUser: from.UserID, To: to, Category: category,
		Question: strings.TrimSpace(question), AskedAt: now, Scope: v.Scope, ScopeWhy: v.Reason}
	if v.Scope == ScopeOutside {
		q.Answer, q.AnsweredAt = OutsideAnswer(target), now
	}
	// The audit records the recipient's side: what the asker may learn.
	rv, err := s.record(ctx, c, op.Actor, CatMinutes, f)
	if err != nil {
		return nil, err
	}
	if !rv.Allowed() {
		return nil, s.refuse(ctx, regionID, op, c, rv, audit.ActionCreate, "casus-informatievraag", now)
	}
	ask := s.auditRecord(op, c, rv, audit.ActionCreate, "casus-informatievraag", now)
	recs := []audit.Record{ask}
	if v.Scope == ScopeOutside && v.disclosed(op) {
		// The buitenkant answer given at once: the target's provision and the asker's receipt.
		recs = append(recs, s.disclosureRecords(regionID, op, c, v, ask, "casus-informatievraag-buitenkant", now)...)
	}
	log := access.Entries{Enc: s.enc}
	if err := log.Append(ctx, regionID, recs...); err != nil {
		return nil, err
	}
	return q, s.repo.CreateInfoRequest(ctx, regionID, q, log.List)
}

// OutsideAnswer is the buitenkant answer of a participant: that they are involved, and how to
// reach them.
func OutsideAnswer(p Participant) string {
	s := fmt.Sprintf("%s (%s) is betrokken bij deze leerling.", orDefault(p.Name, p.Party), orDefault(p.Role, string(p.Kind)))
	if p.Contact != "" {
		s += " Contact: " + p.Contact + "."
	}
	return s
}

// Answer answers a question with content; only the addressee answers, and only when the scope
// decided when it was asked — and again now — is content.
func (s *Service) Answer(ctx context.Context, regionID int64, op Op, caseID, id int64, text string) (*InfoRequest, error) {
	now := s.now()
	c, _, f, err := s.load(ctx, regionID, caseID, now)
	if err != nil {
		return nil, err
	}
	qs, err := s.repo.InfoRequests(ctx, regionID, caseID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(qs, func(q InfoRequest) bool { return q.ID == id })
	if i < 0 {
		return nil, fmt.Errorf("informatievraag %d: %w", id, ErrNotFound)
	}
	q := qs[i]
	me, ok := c.ParticipantFor(op.Actor)
	if !ok || me.Ref() != q.To {
		return nil, denied("alleen wie de vraag kreeg, beantwoordt haar")
	}
	if !q.AnsweredAt.IsZero() {
		return nil, fieldErr("antwoord", "de vraag is al beantwoord")
	}
	from, _ := c.Participant(Ref("gebruiker:" + itoa(q.FromUser)))
	v, err := s.guard.AskScope(ctx, c, from, me, q.Category, f)
	if err != nil {
		return nil, err
	}
	if v.Scope != ScopeContent {
		return nil, s.refuse(ctx, regionID, op, c, v, audit.ActionShare, "casus-informatievraag-antwoord", now)
	}
	q.Answer, q.AnsweredAt = strings.TrimSpace(text), now
	if q.Answer == "" {
		return nil, fieldErr("antwoord", "is leeg")
	}
	// The answerer's provision under its own activity and the asker's receipt under the asker's
	// own, linked by trace context (Logboek foreign_operation).
	share := s.auditRecord(op, c, v, audit.ActionShare, "casus-informatievraag-antwoord", now)
	recs := []audit.Record{share}
	if rec, ok := v.Decision.ReceiptOf(share, regionID, from.OrganisationID, from.Role); ok {
		recs = append(recs, rec)
	}
	log := access.Entries{Enc: s.enc}
	if err := log.Append(ctx, regionID, recs...); err != nil {
		return nil, err
	}
	return &q, s.repo.AnswerInfoRequest(ctx, regionID, &q, log.List)
}
