package casework

import (
	"context"

	"errors"
	"fmt"
	"github.com/grondslag/grondslag/internal/access"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/policy"
)

// Repository is what the service needs from storage (internal/store implements it). Every write
// method stores the change together with its audit entries in one transaction; the Update
// methods fail with a *ConflictError when the stored version is not the expected one.
type Repository interface {
	CreateCase(ctx context.Context, regionID int64, c *Case, entries []audit.Entry) error
	Case(ctx context.Context, regionID, id int64) (*Case, error)
	SaveCase(ctx context.Context, regionID int64, c *Case, expectVersion int, entries []audit.Entry) error
	Cases(ctx context.Context, regionID int64, f CaseFilter) ([]*Case, error)
	// CasePage reads one page of a case list (ListPage); see PageQuery.
	CasePage(ctx context.Context, regionID int64, q PageQuery) (CasePage, error)

	AddContribution(ctx context.Context, regionID int64, x *Contribution, entries []audit.Entry) error
	Contributions(ctx context.Context, regionID, caseID int64) ([]Contribution, error)

	CreateMinutes(ctx context.Context, regionID int64, m *Minutes, entries []audit.Entry) error
	UpdateMinutes(ctx context.Context, regionID int64, m *Minutes, expectVersion int, entries []audit.Entry) error
	Minutes(ctx context.Context, regionID, caseID int64) ([]Minutes, error)

	CreateAgreement(ctx context.Context, regionID int64, a *Agreement, entries []audit.Entry) error
	UpdateAgreement(ctx context.Context, regionID int64, a *Agreement, expectVersion int, entries []audit.Entry) error
	Agreements(ctx context.Context, regionID, caseID int64) ([]Agreement, error)

	CreateInfoRequest(ctx context.Context, regionID int64, q *InfoRequest, entries []audit.Entry) error
	AnswerInfoRequest(ctx context.Context, regionID int64, q *InfoRequest, entries []audit.Entry) error
	InfoRequests(ctx context.Context, regionID, caseID int64) ([]InfoRequest, error)

	// AppendAudit records reads (no data change).
	AppendAudit(ctx context.Context, regionID int64, entries []audit.Entry) error
}

// CaseFilter selects cases. Zero fields do not filter.
type CaseFilter struct {
	UserID int64 // cases the user takes part in
	// OrganisationID and Role: cases in which a professional of the organisation in the role
	// takes part (an API client); both set or neither.
	OrganisationID int64
	Role           string
	ParentID       int64 // cases the parent is invited to
	PupilID        int64
	Escalated      bool // only escalated cases
	Open           bool // only open cases
}

// PupilFacts is what the service needs to know of the pupil.
type PupilFacts struct {
	Pseudonym  string
	Name       string
	BirthDate  time.Time
	Parents    []ParentInput // parents with gezag, to invite
	HasMelding bool
	MeldingRef string
	// ThuiszitterSince is the first day of the current stretch at home (zero if not at home).
	ThuiszitterSince time.Time
}

// Directory answers questions about pupils and users of the region (the store and the absence
// register implement it).
type Directory interface {
	PupilFacts(ctx context.Context, regionID, pupilID int64, now time.Time) (PupilFacts, error)
	// Professional returns the user as an actor: party from the organisation's kind, role,
	// organisation, name; Name and Contact for the buitenkant information.
	Professional(ctx context.Context, regionID, userID int64) (Actor, string, error)
}

// Op is one request: who acts, through which access point, and its trace.
type Op struct {
	Actor     Actor
	Point     audit.AccessPoint
	RequestID string
	Trace     audit.TraceContext
	// Foreign is the caller's operation of an API request that sent a traceparent (Logboek
	// foreign_operation); nil otherwise.
	Foreign *audit.ForeignOperation
	// ExpectVersion, when not 0, is the version of the case the writer read (the API's If-Match,
	// a form's hidden field): a change of the case itself (phase, regie, invitation, escalation,
	// closing) made against an older version fails with a *ConflictError and changes nothing.
	ExpectVersion int
}

// Service runs the casework steps: decide, change, store with audit entries.
type Service struct {
	repo  Repository
	guard *Guard
	dir   Directory
	enc   audit.Encrypter
	cfg   Config
	now   func() time.Time
}

// NewService wires the service. now is the clock.
func NewService(repo Repository, guard *Guard, dir Directory, enc audit.Encrypter, cfg Config, now func() time.Time) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if repo == nil || guard == nil || dir == nil || enc == nil || now == nil {
		return nil, errors.New("casework: repository, guard, directory, encrypter en klok zijn verplicht")
	}
	return &Service{repo: repo, guard: guard, dir: dir, enc: enc, cfg: cfg, now: now}, nil
}

// Guard returns the service's guard.
func (s *Service) Guard() *Guard { return s.guard }

// Config returns the escalation settings.
func (s *Service) Config() Config { return s.cfg }

// ---- audit

// entry builds the audit entry of one decision about the case's pupil.
func (s *Service) entry(op Op, c *Case, v Verdict, action audit.Action, name string, now time.Time) (audit.Entry, error) {
	e, err := audit.NewEntry(s.auditRecord(op, c, v, action, name, now), s.enc)
	if err != nil {
		return audit.Entry{}, fmt.Errorf("auditregel: %w", err)
	}
	return e, nil
}

// auditRecord is the audit record of one decision about the case's pupil (entry without the check).
func (s *Service) auditRecord(op Op, c *Case, v Verdict, action audit.Action, name string, now time.Time) audit.Record {
	d := v.Decision
	r := audit.Record{
		Time:  now,
		Actor: audit.Actor{UserID: op.Actor.UserID, ClientID: op.Actor.ClientID, OrganisationID: op.Actor.OrganisationID, Role: op.Actor.Role},
		Pupil: c.Pupil, Categories: []string{v.Category}, Action: action,
		Purpose: v.Purpose, Melding: c.MeldingRef, AccessPoint: op.Point, RequestID: op.RequestID,
		TraceID: op.Trace.TraceID, OperationID: audit.NewOperationID(), Foreign: op.Foreign,
		Name: name,
	}
	if r.TraceID.IsZero() {
		r.TraceID = audit.NewTraceID()
	}
	if r.RequestID == "" {
		r.RequestID = "casus-" + r.OperationID.String()
	}
	if r.AccessPoint == "" {
		r.AccessPoint = audit.AccessUI
	}
	if !op.Actor.Professional() {
		// Parents and the pupil have no user of an organisation: recorded as access point
		// "job" with who they are in the name, as the web package does.
		r.AccessPoint, r.Actor = audit.AccessJob, audit.Actor{Role: string(op.Actor.Kind)}
		r.Name = name + " " + string(RefOf(op.Actor))
	}
	switch {
	case v.Allowed() && d.Allowed, !v.Allowed():
		// A decision of the policy (allowed, or the refusal it names; a refusal by the
		// casework rules alone is "ontbreekt-casusregel").
		if !v.Allowed() && d.Allowed {
			d = access.Decision{Decision: policy.Decision{ConvenantVersion: d.ConvenantVersion}, ActivityURI: d.ActivityURI}
		}
		if !v.Allowed() && d.Missing == "" {
			d.Missing = "casusregel"
		}
		r = d.Record(r)
	default:
		// The data subject's own access (AVG art. 15): no exchange of the convenant.
		r.Outcome, r.LegalGround = audit.Allowed, "avg-15"
		if r.Purpose == "" {
			r.Purpose = "inzage"
		}
		r.ProcessingActivity = "urn:grondslag:verwerking:inzage-betrokkene"
	}
	if r.Outcome == audit.Denied && r.ProcessingActivity == "" {
		// A refusal by the casework rules before any rule of the convenant was asked.
		r.ProcessingActivity = access.DecisionActivity
	}
	return r
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// record decides whether the actor may record category in the case (its own dossier part of
// the case), trying the purposes of the case; when the actor is no professional, the broad regie
// holder's record decision is used (the school keeps the parents' answers in its dossier).
func (s *Service) record(ctx context.Context, c *Case, a Actor, category string, f Facts) (Verdict, error) {
	p, ok := c.ParticipantFor(a)
	if !a.Professional() {
		holder, ok := c.Participant(Ref("gebruiker:" + itoa(c.RegieHolder(RegieBroad))))
		if !ok {
			return Verdict{}, denied("de casus heeft geen brede regie")
		}
		p = holder
	} else if !ok {
		p = Participant{Kind: KindProfessional, UserID: a.UserID, OrganisationID: a.OrganisationID, Party: a.Party, Role: a.Role, Status: StatusAdded}
	}
	var last access.Decision
	for _, purpose := range s.guard.purposes(c, p.Purpose, defaultPurpose(s.guard.k, p.Party, p.Role, c.Purpose)) {
		d, err := s.guard.ask(ctx, f, policy.Request{
			Actor: policy.Actor{Party: p.Party, Role: p.Role}, Action: policy.Record,
			Category: category, Purpose: purpose,
			Context: f.context(c),
		}, nil)
		if err != nil {
			return Verdict{}, err
		}
		if d.Allowed {
			return Verdict{Scope: ScopeContent, Purpose: purpose, Decision: d, Reason: d.Reason, Category: category}, nil
		}
		last = d
	}
	return Verdict{Scope: ScopeNone, Decision: last, Reason: last.Reason, Category: category}, nil
}

// facts loads the pupil facts and the policy facts.
func (s *Service) facts(ctx context.Context, regionID int64, c *Case, now time.Time) (PupilFacts, Facts, error) {
	pf, err := s.dir.PupilFacts(ctx, regionID, c.PupilID, now)
	if err != nil {
		return PupilFacts{}, Facts{}, err
	}
	return pf, FactsOn(regionID, pf.HasMelding, pf.BirthDate, now), nil
}

// load returns the case and the policy facts.
func (s *Service) load(ctx context.Context, regionID, caseID int64, now time.Time) (*Case, PupilFacts, Facts, error) {
	c, err := s.repo.Case(ctx, regionID, caseID)
	if err != nil {
		return nil, PupilFacts{}, Facts{}, err
	}
	pf, f, err := s.facts(ctx, regionID, c, now)
	return c, pf, f, err
}

// saveCase applies change to the case and stores it with the audit entry of the actor's record
// decision for category.
func (s *Service) saveCase(ctx context.Context, regionID, caseID int64, op Op, name string, change func(*Case, PupilFacts, time.Time) error) (*Case, error) {
	now := s.now()
	c, pf, f, err := s.load(ctx, regionID, caseID, now)
	if err != nil {
		return nil, err
	}
	v, err := s.record(ctx, c, op.Actor, CatMinutes, f)
	if err != nil {
		return nil, err
	}
	if !v.Allowed() {
		return nil, s.refuse(ctx, regionID, op, c, v, audit.ActionUpdate, name, now)
	}
	version := c.Version
	if op.ExpectVersion != 0 && op.ExpectVersion != version {
		return nil, &ConflictError{What: "casus", ID: c.ID, Attempted: op.ExpectVersion, Current: version}
	}
	if err := change(c, pf, now); err != nil {
		return nil, err
	}
	e, err := s.entry(op, c, v, audit.ActionUpdate, name, now)
	if err != nil {
		return nil, err
	}
	if err := s.repo.SaveCase(ctx, regionID, c, version, []audit.Entry{e}); err != nil {
		return nil, err
	}
	return c, nil
}

// refuse records a denied decision and returns the refusal.
func (s *Service) refuse(ctx context.Context, regionID int64, op Op, c *Case, v Verdict, action audit.Action, name string, now time.Time) error {
	v.Scope = ScopeNone
	if e, err := s.entry(op, c, v, action, name, now); err == nil {
		if err := s.repo.AppendAudit(ctx, regionID, []audit.Entry{e}); err != nil {
			return err
		}
	}
	return denied("%s", orDefault(v.Reason, "het convenant staat dit niet toe"))
}

// Casework returns the service itself: a single service is its own registry (tests, a tool over
// one region). A server resolves each region's own service (internal/tenant).
func (s *Service) Casework(context.Context, int64) (*Service, error) { return s, nil }
