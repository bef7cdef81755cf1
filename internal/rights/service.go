package rights

import (
	"context"
	"errors"
	"time"

	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
)

// The inzage use cases, shared by every adapter (today the web pages): a parent with gezag asks
// for access, the school's zorgcoördinator extends the term once or marks the request handled.
// Each request and each change is stored with its audit entry in one transaction. Answering a
// data subject is the controller's legal obligation (AVG art. 6 lid 1 sub c with art. 12 and
// 15), not an exchange under the convenant, so no policy rule decides it; who may act is
// decided by the relation (gezag; the school the request is addressed to).

// ErrNotFound is returned for a request or an enrolment the region does not hold.
var ErrNotFound = errors.New("niet gevonden")

// ErrNoSchool is returned when no organisation in Grondslag holds data about the pupil: the
// request cannot be addressed through Grondslag.
var ErrNoSchool = errors.New("geen organisatie in Grondslag heeft gegevens van deze leerling")

// Controller is an organisation that holds data about a pupil. Each party of the convenant is
// its own controller (AVG art. 4 sub 7, DOMAIN.md): a request is answered by each for its own
// data, within its own term.
type Controller struct {
	OrgID int64
	Party string // the convenant's party code (school, gemeente, swv, jeugdhulp, ggd, …)
	Name  string
	// Holds says in plain Dutch what the organisation holds, e.g. "inschrijving en verzuim".
	Holds []string
}

// Repository keeps requests (store.RightsRepository). trail builds the audit entries of the
// change for the request's id; the repository appends them in the change's transaction. Methods
// return ErrNotFound (wrapped) for what the region does not hold.
type Repository interface {
	// Controllers lists the organisations that hold data about the pupil on day.
	Controllers(ctx context.Context, regionID, pupilID int64, day Date) ([]Controller, error)
	// PupilFacts gives the pupil's birth date and whether the pupil objects to the JGZ data
	// going to the parents.
	PupilFacts(ctx context.Context, regionID, pupilID int64) (birth Date, jgzObjection bool, err error)
	SetJGZObjection(ctx context.Context, regionID, pupilID int64, objects bool, now time.Time, trail func(id int64) ([]audit.Entry, error)) error
	CreateAccessRequest(ctx context.Context, regionID int64, r Request, now time.Time, trail func(id int64) ([]audit.Entry, error)) (Request, error)
	UpdateAccessRequest(ctx context.Context, regionID int64, r Request, from Status, by int64, trail func(id int64) ([]audit.Entry, error)) error
	AccessRequest(ctx context.Context, regionID, id int64) (Request, error)
	OpenAccessRequests(ctx context.Context, regionID, controllerID int64) ([]Request, error)
	// ControllerRequests lists every request addressed to the organisation (the FG's board).
	ControllerRequests(ctx context.Context, regionID, controllerID int64) ([]Request, error)
}

// Category, purpose, ground and processing activity of the inzage records in the audit log.
const (
	AuditCategory = "inzageverzoek"
	AuditPurpose  = "inzage"
	AuditGround   = "avg-6-1-c"
	AuditArticle  = "AVG art. 12 en 15"
	AuditActivity = "urn:grondslag:verwerking:inzage-betrokkene"
)

// Service runs the inzage use cases.
type Service struct {
	repo Repository
	seal func(ctx context.Context, regionID int64) (audit.Encrypter, error)
	now  func() time.Time
}

// NewService wires the service: seal returns the region's audit encrypter (required: a request
// is never stored without its audit entry).
func NewService(repo Repository, seal func(ctx context.Context, regionID int64) (audit.Encrypter, error), now func() time.Time) (*Service, error) {
	if repo == nil || seal == nil || now == nil {
		return nil, errors.New("rights: repository, sleutel en klok zijn verplicht")
	}
	return &Service{repo: repo, seal: seal, now: now}, nil
}

// Actor is who acts and how the change is logged: base names the actor (parent or user), the
// pupil's pseudonym, access point, request and trace ids and the operation's name.
type Actor struct {
	RegionID     int64
	UserID       int64 // the school's user (0 for a parent)
	ControllerID int64 // the user's organisation, the controller that answers (0 for a parent or pupil)
	Base         audit.Record
}

// trail is the change's audit entry, sealed with the region's key.
func (s *Service) trail(ctx context.Context, a Actor, action audit.Action) (func(int64) ([]audit.Entry, error), error) {
	enc, err := s.seal(ctx, a.RegionID)
	if err != nil {
		return nil, err
	}
	rec := a.Base
	rec.Categories, rec.Action, rec.Purpose = []string{AuditCategory}, action, AuditPurpose
	rec.Outcome, rec.Reason, rec.LegalGround, rec.Article, rec.ProcessingActivity = audit.Allowed, "", AuditGround, AuditArticle, AuditActivity
	return func(int64) ([]audit.Entry, error) {
		log := access.Entries{Enc: enc}
		if err := log.Append(ctx, a.RegionID, rec); err != nil {
			return nil, err
		}
		return log.List, nil
	}, nil
}

// Ask records a request of kind by who (a parent with gezag — the caller checked it — or the
// pupil from 16) about the pupil, addressed to every organisation that holds data about the
// pupil: one request per controller, each with its own term and its own answer. A parent's
// request to the JGZ carries why the jeugdarts withholds the JGZ data where the WGBO says so
// (ParentsJGZ). ErrNoSchool when no organisation holds data; ErrOpenRequest when every
// controller already has an open request of the same kind from this requester.
func (s *Service) Ask(ctx context.Context, a Actor, pupilID int64, who Requester, kind Kind, text string) ([]Request, error) {
	today := Today(s.now())
	ctrls, err := s.repo.Controllers(ctx, a.RegionID, pupilID, today)
	if err != nil {
		return nil, err
	}
	if len(ctrls) == 0 {
		return nil, ErrNoSchool
	}
	birth, objects, err := s.repo.PupilFacts(ctx, a.RegionID, pupilID)
	if err != nil {
		return nil, err
	}
	var made []Request
	open := 0
	for _, c := range ctrls {
		dr := Draft{PupilID: pupilID, ControllerID: c.OrgID, Kind: kind, Text: text, Requester: who, Gezag: who.Kind == RequesterParent,
			PupilBirthDate: birth, Received: today}
		if who.Kind == RequesterParent && c.Party == JGZParty {
			if ok, why := ParentsJGZ(birth, today, objects); !ok {
				dr.Withheld = why
			}
		}
		req, err := NewRequest(dr)
		if err != nil {
			return nil, err
		}
		trail, err := s.trail(ctx, a, audit.ActionCreate)
		if err != nil {
			return nil, err
		}
		q, err := s.repo.CreateAccessRequest(ctx, a.RegionID, req, s.now(), trail)
		if errors.Is(err, ErrOpenRequest) {
			open++
			continue
		}
		if err != nil {
			return made, err
		}
		made = append(made, q)
	}
	if len(made) == 0 && open > 0 {
		return nil, ErrOpenRequest
	}
	return made, nil
}

// Controllers lists the organisations that hold data about the pupil today, with what they hold.
func (s *Service) Controllers(ctx context.Context, regionID, pupilID int64) ([]Controller, error) {
	return s.repo.Controllers(ctx, regionID, pupilID, Today(s.now()))
}

// Object records (objects true) or lifts the pupil's objection to the JGZ data going to the
// parents. Only the pupil of 12 to 15 objects this way (from 16 the parents get nothing without
// the pupil's consent); the caller checked that the actor is the pupil or the jeugdarts.
func (s *Service) Object(ctx context.Context, a Actor, pupilID int64, objects bool) error {
	birth, _, err := s.repo.PupilFacts(ctx, a.RegionID, pupilID)
	if err != nil {
		return err
	}
	if age := civilAge(birth, Today(s.now())); age < WGBOChildAge || age >= WGBOAloneAge {
		return invalid("bezwaar tegen het delen van JGZ-gegevens met de ouders maakt een leerling van %d tot %d jaar; deze leerling is %d", WGBOChildAge, WGBOAloneAge, age)
	}
	trail, err := s.trail(ctx, a, audit.ActionUpdate)
	if err != nil {
		return err
	}
	return s.repo.SetJGZObjection(ctx, a.RegionID, pupilID, objects, s.now(), trail)
}

// PupilFacts gives the pupil's birth date and whether the JGZ objection stands.
func (s *Service) PupilFacts(ctx context.Context, regionID, pupilID int64) (Date, bool, error) {
	return s.repo.PupilFacts(ctx, regionID, pupilID)
}

// Board lists every request addressed to the organisation, for its FG.
func (s *Service) Board(ctx context.Context, regionID, controllerID int64) ([]Request, error) {
	return s.repo.ControllerRequests(ctx, regionID, controllerID)
}

// Request returns request id when it is addressed to the actor's school (ErrNotFound otherwise:
// another school's request does not exist for this user).
func (s *Service) Request(ctx context.Context, a Actor, id int64) (Request, error) {
	q, err := s.repo.AccessRequest(ctx, a.RegionID, id)
	if err != nil {
		return Request{}, err
	}
	if a.ControllerID == 0 || q.Data().ControllerID != a.ControllerID {
		return Request{}, ErrNotFound
	}
	return q, nil
}

// Open lists the open requests addressed to the school.
func (s *Service) Open(ctx context.Context, regionID, schoolID int64) ([]Request, error) {
	return s.repo.OpenAccessRequests(ctx, regionID, schoolID)
}

// change applies f to request q and stores it with its audit entry.
func (s *Service) change(ctx context.Context, a Actor, q Request, f func(Request) (Request, error)) (Request, error) {
	x, err := f(q)
	if err != nil {
		return q, err
	}
	trail, err := s.trail(ctx, a, audit.ActionUpdate)
	if err != nil {
		return q, err
	}
	if err := s.repo.UpdateAccessRequest(ctx, a.RegionID, x, q.Status(), a.UserID, trail); err != nil {
		return q, err
	}
	return x, nil
}

// Extend extends the term of request q once by months, with a reason (AVG art. 12 lid 3).
func (s *Service) Extend(ctx context.Context, a Actor, q Request, months int, reason string) (Request, error) {
	return s.change(ctx, a, q, func(q Request) (Request, error) { return q.Extend(Today(s.now()), months, reason) })
}

// Handle marks request q handled, granted or refused, with a note (the reasons of a refusal).
func (s *Service) Handle(ctx context.Context, a Actor, q Request, outcome Outcome, note string) (Request, error) {
	return s.change(ctx, a, q, func(q Request) (Request, error) { return q.Handle(Today(s.now()), outcome, note) })
}
