package web

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/dossier"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/storage"
)

// The leerplicht dossier (absence/dossier.go) for the leerplichtambtenaar: open a dossier on a
// melding (relative absence, purpose handhaving-leerplicht, convenant rule
// leerplicht-dossier-persoon) or on a child of the gemeente who is enrolled nowhere (absoluut
// verzuim, purpose absoluut-verzuim, rule leerplicht-absoluut-verzuim); add steps (notes,
// invitations, talks, warnings, HALT, proces-verbaal, agreements); print the letters; close it.
// Leerplicht's own work on a child (absence_leerplicht.go): the policy checks the melding or the
// missing enrolment; the free text is sealed with the pupil's content key (store).

// DossierStore is what these pages need (*store.DB implements it).
type DossierStore interface {
	ResidentLookup
	EnrolledOn(ctx context.Context, regionID, pupilID int64, day absence.Date) (bool, error)
	Melding(ctx context.Context, regionID, id int64) (absence.StoredMelding, error)
	OpenDossier(ctx context.Context, regionID int64, d absence.StoredDossier, now time.Time, trail absence.DossierTrail) (int64, error)
	Dossier(ctx context.Context, regionID, id int64) (absence.StoredDossier, error)
	DossiersInGemeente(ctx context.Context, regionID, gemeenteID int64) ([]absence.StoredDossier, error)
	AddDossierStep(ctx context.Context, regionID, dossierID int64, s absence.Step, now time.Time, trail absence.DossierTrail) (int64, error)
	DossierSteps(ctx context.Context, regionID, dossierID int64) ([]absence.StoredStep, error)
	CloseDossier(ctx context.Context, regionID, id int64, on absence.Date, reason string, trail absence.DossierTrail) error
}

// DossierDeps are the collaborators of the dossier pages.
type DossierDeps struct {
	Store DossierStore
	LeerplichtDeps
	// Rules returns the region's dossier switches (from its convenant's regionale_instellingen);
	// nil: absence.DefaultDossierRules for every region.
	Rules func(ctx context.Context, regionID int64) (absence.DossierRules, error)
	// Letters gives the region's letter templates (MountLetterTemplates); nil: the model texts.
	Letters interface {
		LetterTemplate(ctx context.Context, regionID int64, kind absence.StepKind) (absence.StoredLetterTemplate, error)
	}
	// Residents is the use case that reads the gemeente's list of children (absence.Service,
	// shared with `grondslag verzuim gemeentelijst`); optional: without it no upload.
	Residents interface {
		ImportResidents(ctx context.Context, in absence.ResidentsImport) (absence.ResidentsResult, error)
	}
}

var dossierRoles = []string{auth.RoleLeerplicht}

type dossierHandlers struct {
	s *Server
	d DossierDeps
}

// MountDossiers adds /verzuim/dossiers and /api/v1/leerplichtdossiers.
func (s *Server) MountDossiers(d DossierDeps) error {
	if err := d.check("MountDossiers", d.Store != nil); err != nil {
		return err
	}
	if d.Rules == nil {
		d.Rules = func(context.Context, int64) (absence.DossierRules, error) { return absence.DefaultDossierRules(), nil }
	}
	h := &dossierHandlers{s: s, d: d}
	s.page("GET /verzuim/dossiers", s.requireUser(dossierRoles, h.list))
	s.page("POST /verzuim/dossiers", s.requireUser(dossierRoles, h.openForm))
	s.page("GET /verzuim/dossiers/{id}", s.requireUser(dossierRoles, h.page))
	s.page("POST /verzuim/dossiers/{id}/stappen", s.requireUser(dossierRoles, h.stepForm))
	s.page("POST /verzuim/dossiers/{id}/sluiten", s.requireUser(dossierRoles, h.closeForm))
	s.page("GET /verzuim/dossiers/{id}/stappen/{sid}/brief", s.requireUser(dossierRoles, h.letter))
	if d.Residents != nil {
		s.page("POST /verzuim/dossiers/gemeentelijst", s.requireUser(dossierRoles, h.residentsForm))
		s.apiRoute("POST /api/v1/gemeentelijsten", s.apiAuth(dossierRoles, ScopeVerzuimVastleggen, h.apiResidents))
	}
	s.apiRoute("POST /api/v1/leerplichtdossiers", s.apiAuth(dossierRoles, ScopeVerzuimVastleggen, h.apiOpen))
	s.apiRoute("GET /api/v1/leerplichtdossiers/{id}", s.apiAuth(dossierRoles, ScopeVerzuimVastleggen, h.apiGet))
	s.apiRoute("POST /api/v1/leerplichtdossiers/{id}/stappen", s.apiAuth(dossierRoles, ScopeVerzuimVastleggen, h.apiStep))
	s.documentDossiers(d.Residents != nil)
	return nil
}

func (h *dossierHandlers) today() absence.Date { return absence.DateOf(h.s.now().In(h.s.cfg.Location)) }

// stepCats are the categories a step records: an agreement is afspraken, the rest casusverslag.
func stepCats(k absence.StepKind) []string {
	if k == absence.StepAgreement {
		return []string{"afspraken"}
	}
	return []string{"casusverslag"}
}

var dossierReadCats = []string{"identificatie", "casusverslag", "afspraken"}

// decide asks the decision point for the categories under the dossier's ground: a relative
// dossier needs the DUO melding (the facts), an absolute one a child enrolled nowhere today. A
// refusal is logged and becomes a 403.
func (h *dossierHandlers) decide(ctx context.Context, p *Principal, pupilID int64, pseudonym string, g absence.DossierGround, cats []string, act policy.Action,
	auditAct audit.Action, melding string, point audit.AccessPoint, name string) (audit.Record, error) {
	a := p.Actor()
	purpose := g.Purpose()
	f, err := h.s.pupilFacts(ctx, p, pupilID, purpose)
	if err != nil {
		return audit.Record{}, err
	}
	if g == absence.GroundAbsolute {
		enrolled, err := h.d.Store.EnrolledOn(ctx, a.RegionID, pupilID, h.today())
		if err != nil {
			return audit.Record{}, err
		}
		f.NotEnrolled, f.DUOMelding = !enrolled, false
	}
	_, ok, first, err := h.s.decideAll(ctx, p, f, act, cats, purpose, policy.Actor{})
	if err != nil {
		return audit.Record{}, err
	}
	rec := h.s.decisionRecord(ctx, p, pseudonym, cats, purpose, auditAct, first, melding, point, name)
	if !ok {
		if err := h.s.d.Audit.Append(ctx, a.RegionID, rec); err != nil {
			return rec, err
		}
		return rec, denied(first)
	}
	return rec, nil
}

// trail returns the audit entry of a write, naming the dossier (and the step).
func (h *dossierHandlers) trail(ctx context.Context, regionID int64, rec audit.Record) absence.DossierTrail {
	return func(id, step int64) ([]audit.Entry, error) {
		ref := "leerplichtdossier:" + strconv.FormatInt(id, 10)
		if step != 0 {
			ref += ":stap:" + strconv.FormatInt(step, 10)
		}
		return h.d.entry(ctx, regionID, rec, ref)
	}
}

// dossierOpenInput is what the form and the API send to open a dossier.
type dossierOpenInput struct {
	Ground     string
	MeldingID  int64
	NumberKind string
	Number     string
	Opened     string
}

// open opens a dossier: on a melding about a child of the gemeente, or on a child of the
// gemeente enrolled nowhere. A second open on the same ground returns the existing dossier
// (existing true).
func (h *dossierHandlers) open(ctx context.Context, p *Principal, in dossierOpenInput, point audit.AccessPoint) (id int64, existing bool, errs map[string]string, err error) {
	a := p.Actor()
	errs = map[string]string{}
	if a.Party != "gemeente" || a.OrgID == 0 {
		return 0, false, nil, errNotFound
	}
	g := absence.DossierGround(in.Ground)
	d := absence.StoredDossier{Ground: g, GemeenteID: a.OrgID, Opened: parseOptDate("geopend_op", in.Opened, errs)}
	if d.Opened == 0 && errs["geopend_op"] == "" {
		d.Opened = h.today()
	}
	if d.Opened > h.today() {
		errs["geopend_op"] = "De datum ligt in de toekomst."
	}
	var pseudonym, melding string
	switch g {
	case absence.GroundRelative:
		m, err := h.d.Store.Melding(ctx, a.RegionID, in.MeldingID)
		if in.MeldingID == 0 || errors.Is(err, storage.ErrNotFound) {
			errs["melding"] = "Kies de verzuimmelding waarop het dossier rust."
			break
		}
		if err != nil {
			return 0, false, nil, err
		}
		rels, err := h.s.d.Dossiers.PupilRelations(ctx, a, m.PupilID, h.s.today())
		if err != nil {
			return 0, false, nil, err
		}
		ok := false
		for _, k := range rels {
			ok = ok || k == dossier.RelMelding
		}
		if !ok || m.Status() == absence.StatusWithdrawn {
			errs["melding"] = "Er is geen (niet ingetrokken) melding met dit nummer over een kind in uw gemeente."
			break
		}
		d.PupilID, d.MeldingID, melding = m.PupilID, m.ID, fmt.Sprintf("verzuimmelding:%d", m.ID)
	case absence.GroundAbsolute:
		pid, ps, msg, err := h.d.residentChild(ctx, h.d.Store, p, in.NumberKind, in.Number,
			"Er is geen kind met dit nummer dat in uw gemeente woont. Staat het kind niet op de lijst van de gemeente, lees die dan eerst in.")
		if err != nil {
			return 0, false, nil, err
		}
		if msg != "" {
			errs["nummer"] = msg
			break
		}
		enrolled, err := h.d.Store.EnrolledOn(ctx, a.RegionID, pid, h.today())
		if err != nil {
			return 0, false, nil, err
		}
		if enrolled {
			errs["nummer"] = "Dit kind staat vandaag op een school ingeschreven: dat is geen absoluut verzuim. Een dossier over relatief verzuim opent u vanuit een verzuimmelding."
			break
		}
		d.PupilID, pseudonym = pid, ps
	default:
		errs["grond"] = "Kies relatief verzuim (na een melding) of absoluut verzuim (niet ingeschreven)."
	}
	if len(errs) > 0 {
		return 0, false, errs, nil
	}
	if pseudonym == "" {
		pup, err := h.s.d.Dossiers.DossierPupil(ctx, a.RegionID, d.PupilID, h.s.today(), dossier.Want{})
		if err != nil {
			return 0, false, nil, err
		}
		pseudonym = pup.Pseudonym
	}
	rec, err := h.decide(ctx, p, d.PupilID, pseudonym, g, []string{"identificatie", "verzuim"}, policy.Record, audit.ActionCreate, melding, point, "leerplichtdossier-openen")
	if err != nil {
		return 0, false, nil, err
	}
	id, err = h.d.Store.OpenDossier(ctx, a.RegionID, d, h.s.now(), h.trail(ctx, a.RegionID, rec))
	if errors.Is(err, absence.ErrDossierExists) {
		return id, true, nil, nil
	}
	return id, false, nil, err
}

// visible returns a dossier of the user's gemeente (404 otherwise).
func (h *dossierHandlers) visible(ctx context.Context, p *Principal, id int64) (absence.StoredDossier, error) {
	a := p.Actor()
	d, err := h.d.Store.Dossier(ctx, a.RegionID, id)
	if errors.Is(err, storage.ErrNotFound) {
		return d, errNotFound
	}
	if err != nil {
		return d, err
	}
	if a.Party != "gemeente" || a.OrgID == 0 || d.GemeenteID != a.OrgID {
		return d, errNotFound
	}
	return d, nil
}

// dossierView is a dossier as the page and the API show it.
type dossierView struct {
	absence.StoredDossier
	Name      string
	Birth     string
	Steps     []absence.StoredStep
	Deadlines []absence.Deadline
	Overdue   bool
	Ground    string // the ground line of the decision
}

// read decides and logs reading one dossier with its steps.
func (h *dossierHandlers) read(ctx context.Context, p *Principal, id int64, point audit.AccessPoint, name string) (dossierView, dossier.Pupil, error) {
	a := p.Actor()
	d, err := h.visible(ctx, p, id)
	if err != nil {
		return dossierView{}, dossier.Pupil{}, err
	}
	pup, err := h.s.d.Dossiers.DossierPupil(ctx, a.RegionID, d.PupilID, h.s.today(), dossier.Want{})
	if err != nil {
		return dossierView{}, pup, err
	}
	rec, err := h.decide(ctx, p, d.PupilID, pup.Pseudonym, d.Ground, dossierReadCats, policy.Read, audit.ActionRead, "", point, name)
	if err != nil {
		return dossierView{}, pup, err
	}
	rec.Melding = "leerplichtdossier:" + strconv.FormatInt(id, 10)
	if err := h.s.d.Audit.Append(ctx, a.RegionID, rec); err != nil {
		return dossierView{}, pup, err
	}
	v, err := h.view(ctx, a.RegionID, d)
	if err != nil {
		return v, pup, err
	}
	v.Name, v.Birth = pup.FirstName+" "+pup.LastName, pup.BirthDate
	v.Ground = d.Ground.Article()
	if rec.Article != "" {
		v.Ground += " · convenant " + rec.Article
	}
	return v, pup, nil
}

// view loads the steps and computes the deadlines.
func (h *dossierHandlers) view(ctx context.Context, regionID int64, d absence.StoredDossier) (dossierView, error) {
	v := dossierView{StoredDossier: d}
	steps, err := h.d.Store.DossierSteps(ctx, regionID, d.ID)
	if err != nil {
		return v, err
	}
	v.Steps = steps
	if d.Open {
		cal, err := h.d.Calendar(ctx, regionID)
		if err != nil {
			return v, err
		}
		plain := make([]absence.Step, len(steps))
		for i, s := range steps {
			plain[i] = s.Step
		}
		rules, err := h.d.Rules(ctx, regionID)
		if err != nil {
			return v, fmt.Errorf("dossierregels van de regio: %w", err)
		}
		v.Deadlines = rules.Deadlines(cal, d.Opened, plain)
		v.Overdue = absence.Overdue(v.Deadlines, h.today())
	}
	return v, nil
}

// addStep records a step in an open dossier.
func (h *dossierHandlers) addStep(ctx context.Context, p *Principal, id int64, in map[string]string, point audit.AccessPoint) (int64, map[string]string, error) {
	a := p.Actor()
	d, err := h.visible(ctx, p, id)
	if err != nil {
		return 0, nil, err
	}
	errs := map[string]string{}
	s := absence.Step{Kind: absence.StepKind(in["soort"]), Source: in["bron"], Text: in["tekst"], By: in["door"]}
	s.On = parseOptDate("datum", in["datum"], errs)
	s.Due = parseOptDate("uiterlijk", in["uiterlijk"], errs)
	if s.On == 0 && errs["datum"] == "" {
		s.On = h.today()
	}
	if strings.TrimSpace(s.By) == "" && p.Account.Name != "" {
		s.By = p.Account.Name + ", leerplichtambtenaar"
	}
	if len(errs) > 0 {
		return 0, errs, nil
	}
	if s, err = absence.NewStep(s, h.today()); err != nil {
		errs["stap"] = strings.TrimPrefix(err.Error(), absence.ErrDossier.Error()+": ")
		return 0, errs, nil
	}
	if !d.Open {
		errs["stap"] = "Het dossier is gesloten."
		return 0, errs, nil
	}
	pup, err := h.s.d.Dossiers.DossierPupil(ctx, a.RegionID, d.PupilID, h.s.today(), dossier.Want{})
	if err != nil {
		return 0, nil, err
	}
	rec, err := h.decide(ctx, p, d.PupilID, pup.Pseudonym, d.Ground, stepCats(s.Kind), policy.Record, audit.ActionCreate, "", point, "leerplichtdossier-"+string(s.Kind))
	if err != nil {
		return 0, nil, err
	}
	sid, err := h.d.Store.AddDossierStep(ctx, a.RegionID, id, s, h.s.now(), h.trail(ctx, a.RegionID, rec))
	if errors.Is(err, absence.ErrDossier) {
		errs["stap"] = strings.TrimPrefix(err.Error(), "dossierstap opslaan: "+absence.ErrDossier.Error()+": ")
		return 0, errs, nil
	}
	return sid, nil, err
}
