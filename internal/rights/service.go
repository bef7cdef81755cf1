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

// ErrNoSchool is returned when the pupil is enrolled at no school today: the request cannot be
// addressed through Grondslag.
var ErrNoSchool = errors.New("de leerling staat vandaag bij geen school ingeschreven")

// Repository keeps access requests (store.RightsRepository). trail builds the audit entries of
// the change for the request's id; the repository appends them in the change's transaction.
// Methods return ErrNotFound (wrapped) for what the region does not hold.
type Repository interface {
	AccessSchool(ctx context.Context, regionID, pupilID int64, day Date) (int64, error)
	CreateAccessRequest(ctx context.Context, regionID int64, r Request, now time.Time, trail func(id int64) ([]audit.Entry, error)) (Request, error)
	UpdateAccessRequest(ctx context.Context, regionID int64, r Request, from Status, by int64, trail func(id int64) ([]audit.Entry, error)) error
	AccessRequest(ctx context.Context, regionID, id int64) (Request, error)
	OpenAccessRequests(ctx context.Context, regionID, schoolID int64) ([]Request, error)
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
	RegionID int64
	UserID   int64 // the school's user (0 for a parent)
	SchoolID int64 // the user's school (0 for a parent)
	Base     audit.Record
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

// Ask records a parent's request for access to the data on their child (the caller checked
// the gezag), addressed to the school the pupil is enrolled at today. ErrNoSchool when there is
// none; ErrOpenRequest when the parent has one that runs.
func (s *Service) Ask(ctx context.Context, a Actor, pupilID, parentID int64) (Request, error) {
	today := Today(s.now())
	school, err := s.repo.AccessSchool(ctx, a.RegionID, pupilID, today)
	if errors.Is(err, ErrNotFound) {
		return Request{}, ErrNoSchool
	}
	if err != nil {
		return Request{}, err
	}
	req, err := NewRequest(Draft{PupilID: pupilID, SchoolID: school, Requester: Requester{Kind: RequesterParent, ParentID: parentID}, Gezag: true, Received: today})
	if err != nil {
		return Request{}, err
	}
	trail, err := s.trail(ctx, a, audit.ActionCreate)
	if err != nil {
		return Request{}, err
	}
	return s.repo.CreateAccessRequest(ctx, a.RegionID, req, s.now(), trail)
}

// Request returns request id when it is addressed to the actor's school (ErrNotFound otherwise:
// another school's request does not exist for this user).
func (s *Service) Request(ctx context.Context, a Actor, id int64) (Request, error) {
	q, err := s.repo.AccessRequest(ctx, a.RegionID, id)
	if err != nil {
		return Request{}, err
	}
	if a.SchoolID == 0 || q.Data().SchoolID != a.SchoolID {
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

// Handle marks request q handled, with a note.
func (s *Service) Handle(ctx context.Context, a Actor, q Request, note string) (Request, error) {
	return s.change(ctx, a, q, func(q Request) (Request, error) { return q.Handle(Today(s.now()), note) })
}
