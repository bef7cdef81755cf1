package casework

import (
	"context"
	"errors"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
)

// Shown is a record as one viewer may see it: Scope says whether the content is shown
// (inhoud), only that it exists and who brought it (buitenkant), and Reason why.
type Shown[T any] struct {
	Item   T // zero content fields when the scope is not inhoud
	Scope  string
	Reason string
}

// View is a case as one viewer may see it.
type View struct {
	Case *Case // participants, regie, phase and escalation: the case's buitenkant
	// Me is the viewer's participation (zero for an SWV consultant viewing an escalated case
	// without taking part).
	Me           Participant
	NextPhases   []string
	Minutes      []Shown[Minutes]
	Agreements   []Shown[Agreement]
	Contribution []Shown[Contribution]
	Questions    []InfoRequest // asked by or to the viewer
	// Hidden counts the records the viewer may not see at all in this phase.
	Hidden   int
	Triggers []Trigger
	// MayBringIn lists the categories the viewer may bring into the current phase with scope.
	MayBringIn map[string]string
}

// View returns the case as the actor may see it, and records every read in the audit trail.
// Active participants see the case; the SWV also sees escalated cases it does not take part in
// (doorbraakoverleg, issue 5), limited to the case's buitenkant and the escalation.
func (s *Service) View(ctx context.Context, regionID int64, op Op, caseID int64) (*View, error) {
	now := s.now()
	c, pf, f, err := s.load(ctx, regionID, caseID, now)
	if err != nil {
		return nil, err
	}
	me, ok := c.ParticipantFor(op.Actor)
	if !ok || !me.Active() {
		if c.Escalation != nil && op.Actor.Professional() && op.Actor.Party == PartySWV {
			return s.swvView(ctx, regionID, op, c, f, now)
		}
		v := Verdict{Category: "identificatie", Reason: "u neemt niet deel aan deze casus"}
		if err := s.refuse(ctx, regionID, op, c, v, audit.ActionRead, "casus-lezen", now); !errors.Is(err, ErrNotAllowed) {
			return nil, err
		}
		return nil, notParticipant()
	}
	view := &View{Case: c, Me: me, MayBringIn: map[string]string{}}
	if c.RegieHolder(RegieBroad) == op.Actor.UserID && op.Actor.Professional() {
		view.NextPhases = NextPhases(s.guard.k, c.Phase)
	}
	var entries []audit.Entry
	seen := map[[4]string]bool{}
	note := func(v Verdict, name string) error {
		key := [4]string{v.Category, v.Scope, v.Purpose, name}
		if seen[key] {
			return nil
		}
		seen[key] = true
		es, err := s.entriesOf(regionID, op, c, v, audit.ActionRead, name, now)
		if err != nil {
			return err
		}
		entries = append(entries, es...)
		return nil
	}
	minutes, err := s.repo.Minutes(ctx, regionID, caseID)
	if err != nil {
		return nil, err
	}
	for _, m := range minutes {
		v, err := s.guard.Read(ctx, c, me, Item{Category: CatMinutes, Purpose: m.Purpose, Phase: m.Phase, AuthorID: m.AuthorID,
			AuthorOrg: orgOfAuthor(c, m.AuthorID), Party: m.AuthorParty, Role: m.AuthorRole, ForParents: m.ForParents}, f)
		if err != nil {
			return nil, err
		}
		if err := note(v, "casus-verslag-lezen"); err != nil {
			return nil, err
		}
		switch v.Scope {
		case ScopeContent:
			view.Minutes = append(view.Minutes, Shown[Minutes]{Item: m, Scope: v.Scope, Reason: v.Reason})
		case ScopeOutside:
			m.Text = ""
			view.Minutes = append(view.Minutes, Shown[Minutes]{Item: m, Scope: v.Scope, Reason: v.Reason})
		default:
			view.Hidden++
		}
	}
	agreements, err := s.repo.Agreements(ctx, regionID, caseID)
	if err != nil {
		return nil, err
	}
	for _, a := range agreements {
		v, err := s.guard.Read(ctx, c, me, Item{Category: CatAgreements, Purpose: a.Purpose, Phase: a.Phase, AuthorID: a.AuthorID,
			AuthorOrg: orgOfAuthor(c, a.AuthorID), Party: a.AuthorParty, Role: a.AuthorRole, ForParents: a.ForParents, Owner: a.Owner}, f)
		if err != nil {
			return nil, err
		}
		// The owner of an agreement always sees it: it is their task.
		if v.Scope != ScopeContent && a.Owner == me.Ref() {
			v = Verdict{Scope: ScopeContent, Purpose: a.Purpose, Category: CatAgreements, Reason: "u bent eigenaar van deze afspraak", Decision: v.Decision}
			if !v.Decision.Allowed {
				if rv, err := s.record(ctx, c, Actor{Kind: KindParent}, CatAgreements, f); err == nil && rv.Allowed() {
					v.Decision, v.Purpose = rv.Decision, rv.Purpose
				}
			}
		}
		if err := note(v, "casus-afspraak-lezen"); err != nil {
			return nil, err
		}
		switch v.Scope {
		case ScopeContent:
			view.Agreements = append(view.Agreements, Shown[Agreement]{Item: a, Scope: v.Scope, Reason: v.Reason})
		case ScopeOutside:
			a.Description = ""
			view.Agreements = append(view.Agreements, Shown[Agreement]{Item: a, Scope: v.Scope, Reason: v.Reason})
		default:
			view.Hidden++
		}
	}
	contribs, err := s.repo.Contributions(ctx, regionID, caseID)
	if err != nil {
		return nil, err
	}
	for _, x := range contribs {
		v, err := s.guard.Read(ctx, c, me, Item{Category: x.Category, Purpose: x.Purpose, Phase: x.Phase, AuthorID: x.AuthorID,
			AuthorOrg: x.OrgID, Party: x.Party, Role: x.Role, Scope: x.Scope}, f)
		if err != nil {
			return nil, err
		}
		if err := note(v, "casus-inbreng-lezen"); err != nil {
			return nil, err
		}
		switch v.Scope {
		case ScopeContent:
			view.Contribution = append(view.Contribution, Shown[Contribution]{Item: x, Scope: v.Scope, Reason: v.Reason})
		case ScopeOutside:
			x.Text = ""
			view.Contribution = append(view.Contribution, Shown[Contribution]{Item: x, Scope: v.Scope, Reason: v.Reason})
		default:
			view.Hidden++
		}
	}
	qs, err := s.repo.InfoRequests(ctx, regionID, caseID)
	if err != nil {
		return nil, err
	}
	for _, q := range qs {
		if (op.Actor.Professional() && q.FromUser == op.Actor.UserID) || q.To == me.Ref() {
			view.Questions = append(view.Questions, q)
		}
	}
	if me.Kind == KindProfessional {
		for _, cat := range s.guard.k.Categories() {
			v, err := s.guard.BringIn(ctx, c, me, cat.Code, f)
			if err != nil {
				return nil, err
			}
			if v.Allowed() {
				view.MayBringIn[cat.Code] = v.Scope
			}
		}
		plan := Plan{}
		for _, a := range agreements {
			plan = append(plan, a)
		}
		view.Triggers = Triggers(c, plan, pf.ThuiszitterSince, now, s.cfg)
	}
	// Who sits at the table is itself information: a participant whose involvement may not be
	// disclosed to the viewer is "een deelnemer" (Jeugdwet 7.3.11, BW 7:457).
	shown, err := s.guard.shownCase(ctx, c, me, f, func(v Verdict) error { return note(v, "casus-deelnemer-lezen") })
	if err != nil {
		return nil, err
	}
	view.Case = shown
	hideOwners(view)
	if len(entries) > 0 {
		if err := s.repo.AppendAudit(ctx, regionID, entries); err != nil {
			return nil, err
		}
	}
	return view, nil
}

// swvView is the SWV's view of an escalated case it does not take part in: the case's
// buitenkant (participants, regie, phase) and the escalation, read for the SWV's own task.
func (s *Service) swvView(ctx context.Context, regionID int64, op Op, c *Case, f Facts, now time.Time) (*View, error) {
	v, err := s.record(ctx, c, op.Actor, CatAgreements, f)
	if err != nil {
		return nil, err
	}
	if !v.Allowed() {
		return nil, s.refuse(ctx, regionID, op, c, v, audit.ActionRead, "casus-doorbraak-lezen", now)
	}
	e, err := s.entry(op, c, v, audit.ActionRead, "casus-doorbraak-lezen", now)
	if err != nil {
		return nil, err
	}
	viewer := Participant{Kind: KindProfessional, UserID: op.Actor.UserID, OrganisationID: op.Actor.OrganisationID, Party: op.Actor.Party, Role: op.Actor.Role, Purpose: v.Purpose}
	var more []audit.Entry
	shown, err := s.guard.shownCase(ctx, c, viewer, f, func(pv Verdict) error {
		es, err := s.entriesOf(regionID, op, c, pv, audit.ActionRead, "casus-deelnemer-lezen", now)
		more = append(more, es...)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := s.repo.AppendAudit(ctx, regionID, append([]audit.Entry{e}, more...)); err != nil {
		return nil, err
	}
	return &View{Case: shown, MayBringIn: map[string]string{}}, nil
}

// hideOwners blanks the owner's name of an agreement owned by a participant the viewer may not
// know about.
func hideOwners(view *View) {
	for i := range view.Agreements {
		if p, ok := view.Case.Participant(view.Agreements[i].Item.Owner); ok && p.Name == HiddenParticipantName && p.Party == "" {
			view.Agreements[i].Item.OwnerName = HiddenParticipantName
		}
	}
}

// Summary is one line of a case list: no content, only the case's buitenkant.
type Summary struct {
	ID, PupilID int64
	Pupil       string // the pupil's pseudonym (for the pseudonymous reference)
	Type, Phase string
	OpenedAt    time.Time
	Escalated   bool
	Closed      bool
	Regie       int64 // broad regie holder
}

// List lists the cases the actor takes part in (parents: the cases they are invited to), and for
// the SWV also the escalated cases of the region. Every listed case is recorded as a read of
// the pupil's identification.
func (s *Service) List(ctx context.Context, regionID int64, op Op, openOnly bool) ([]Summary, error) {
	return s.ListNamed(ctx, regionID, op, openOnly, "casus-lijst")
}

// ListNamed is List with the name of the audit entries it records: "casus-lijst" for the page,
// "casus-export" for the CSV export, so the FG sees which cases left the system in a file.
func (s *Service) ListNamed(ctx context.Context, regionID int64, op Op, openOnly bool, name string) ([]Summary, error) {
	now := s.now()
	var cases []*Case
	var err error
	switch {
	case op.Actor.Kind == KindParent:
		cases, err = s.repo.Cases(ctx, regionID, CaseFilter{ParentID: op.Actor.ParentID, Open: openOnly})
	case op.Actor.Kind == KindPupil:
		cases, err = s.repo.Cases(ctx, regionID, CaseFilter{PupilID: op.Actor.PupilID, Open: openOnly})
	case op.Actor.UserID == 0 && op.Actor.ClientID != 0 && op.Actor.OrganisationID != 0:
		cases, err = s.repo.Cases(ctx, regionID, CaseFilter{OrganisationID: op.Actor.OrganisationID, Role: op.Actor.Role, Open: openOnly})
	case op.Actor.UserID == 0:
		return nil, nil // no user and no client: no cases (an empty filter would list them all)
	default:
		cases, err = s.repo.Cases(ctx, regionID, CaseFilter{UserID: op.Actor.UserID, Open: openOnly})
		if err == nil && op.Actor.Party == PartySWV {
			var esc []*Case
			esc, err = s.repo.Cases(ctx, regionID, CaseFilter{Escalated: true, Open: openOnly})
			for _, e := range esc {
				dup := false
				for _, c := range cases {
					dup = dup || c.ID == e.ID
				}
				if !dup {
					cases = append(cases, e)
				}
			}
		}
	}
	if err != nil {
		return nil, err
	}
	var out []Summary
	var entries []audit.Entry
	for _, c := range cases {
		me, ok := c.ParticipantFor(op.Actor)
		if op.Actor.Kind == KindPupil && (!ok || !me.Active()) {
			continue
		}
		v := Verdict{Scope: ScopeContent, Category: "identificatie", Purpose: c.Purpose}
		if op.Actor.Professional() {
			if v, err = s.record(ctx, c, op.Actor, "identificatie", FactsOn(regionID, c.MeldingRef != "", c.BirthDate, now)); err != nil {
				return nil, err
			}
			if !v.Allowed() {
				continue
			}
		}
		e, err := s.entry(op, c, v, audit.ActionRead, name, now)
		if err != nil {
			return nil, err
		}
		entries = append(entries, e)
		out = append(out, Summary{ID: c.ID, PupilID: c.PupilID, Pupil: c.Pupil, Type: c.Type, Phase: c.Phase, OpenedAt: c.OpenedAt,
			Escalated: c.Escalation != nil, Closed: c.Closed(), Regie: c.RegieHolder(RegieBroad)})
	}
	if len(entries) > 0 {
		if err := s.repo.AppendAudit(ctx, regionID, entries); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Due is an open case that should go to the doorbraakoverleg, with why.
type Due struct {
	CaseID   int64
	Triggers []Trigger
}

// DueForEscalation checks every open, not yet escalated case of the region on the clock's day
// (a job or the CLI runs it). It reads no content, only agreement dates and the thuiszitter
// start, and records nothing.
func (s *Service) DueForEscalation(ctx context.Context, regionID int64) ([]Due, error) {
	now := s.now()
	cases, err := s.repo.Cases(ctx, regionID, CaseFilter{Open: true})
	if err != nil {
		return nil, err
	}
	var out []Due
	for _, c := range cases {
		if c.Escalation != nil {
			continue
		}
		agreements, err := s.repo.Agreements(ctx, regionID, c.ID)
		if err != nil {
			return nil, err
		}
		pf, err := s.dir.PupilFacts(ctx, regionID, c.PupilID, now)
		if err != nil {
			return nil, err
		}
		if t := Triggers(c, Plan(agreements), pf.ThuiszitterSince, now, s.cfg); len(t) > 0 {
			out = append(out, Due{CaseID: c.ID, Triggers: t})
		}
	}
	return out, nil
}
