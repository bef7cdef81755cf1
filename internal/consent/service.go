package consent

import (
	"context"
	"errors"
	"time"

	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/policy"
)

// The use cases of the consent register that the web pages, the API and the CLI share:
// recording and withdrawing a consent. Keeping the register is itself processing: each change is
// decided by the region's policy (internal/access) for category toestemming, under the purpose
// the convenant places the register in, and its audit entry is stored in the change's own
// transaction.

// Decisions gives a region's decision point (the region registry, or one *access.Point).
type Decisions interface {
	For(ctx context.Context, regionID int64) (*access.Point, error)
}

// ServiceDeps are the collaborators of the consent service.
type ServiceDeps struct {
	Register  *Register
	Decisions Decisions
	// Log takes the records of refusals (the audit batcher), and of changes when Seal is nil.
	Log access.Log
	// Seal returns the encrypter of a region's audit entries, so that a change's entry is stored
	// in the change's transaction. Optional: without it the entry is appended through Log after
	// the change (tests and tools without keys).
	Seal func(ctx context.Context, regionID int64) (audit.Encrypter, error)
	Now  func() time.Time
}

// Service records and withdraws consents.
type Service struct{ d ServiceDeps }

// NewService checks the collaborators.
func NewService(d ServiceDeps) (*Service, error) {
	if d.Register == nil || d.Decisions == nil || d.Log == nil || d.Now == nil {
		return nil, errors.New("consent: Register, Decisions, Log en Now zijn verplicht")
	}
	return &Service{d: d}, nil
}

// Register is the register the service changes.
func (s *Service) Register() *Register { return s.d.Register }

// Change says who changes the register and how the change is logged.
type Change struct {
	RegionID int64
	// Actor is the user's (or API client's) party and role.
	Actor policy.Actor
	// Base is the audit record of the operation: who, the pupil's pseudonym, access point,
	// request and trace ids, name. The service fills categories, action, purpose, the consent
	// and the decision.
	Base audit.Record
}

// Decide decides act (record or read) on the register for the actor: under prefer (the
// consent's own purpose) when the convenant allows it there, else under the first purpose of
// the convenant that does. Nothing is logged.
func (s *Service) Decide(ctx context.Context, regionID int64, actor policy.Actor, act policy.Action, prefer string) (access.Decision, string, error) {
	pt, err := s.d.Decisions.For(ctx, regionID)
	if err != nil {
		return access.Decision{}, "", err
	}
	purposes := []string{prefer}
	for _, p := range pt.Convenant().Purposes() {
		purposes = append(purposes, p.Code)
	}
	return pt.FirstAllowed(ctx, access.Request{RegionID: regionID, Request: policy.Request{Actor: actor, Action: act, Category: "toestemming",
		Context: policy.Context{Level: policy.LevelPerson}}}, purposes)
}

// authorise decides the change and returns its audit record; a refusal is logged and returned
// as *access.DeniedError.
func (s *Service) authorise(ctx context.Context, ch Change, prefer string, action audit.Action, consentID int64) (audit.Record, error) {
	d, purpose, err := s.Decide(ctx, ch.RegionID, ch.Actor, policy.Record, prefer)
	if err != nil {
		return audit.Record{}, err
	}
	rec := ch.Base
	rec.Categories, rec.Action, rec.Purpose = []string{"toestemming"}, action, purpose
	rec = d.Record(rec)
	rec.ConsentID = consentID
	if !d.Allowed {
		if err := s.d.Log.Append(ctx, ch.RegionID, rec); err != nil {
			return rec, err
		}
		return rec, &access.DeniedError{Decision: d}
	}
	return rec, nil
}

// trail is the change's audit entry for the register's transaction (nil without Seal).
func (s *Service) trail(ctx context.Context, regionID int64, rec audit.Record) (AuditFunc, error) {
	if s.d.Seal == nil {
		return nil, nil
	}
	enc, err := s.d.Seal(ctx, regionID)
	if err != nil {
		return nil, err
	}
	return func(id int64) ([]audit.Entry, error) {
		r := rec
		r.ConsentID = id
		log := access.Entries{Enc: enc}
		if err := log.Append(ctx, regionID, r); err != nil {
			return nil, err
		}
		return log.List, nil
	}, nil
}

func (s *Service) afterChange(ctx context.Context, regionID, id int64, rec audit.Record) error {
	if s.d.Seal != nil {
		return nil
	}
	rec.ConsentID = id
	return s.d.Log.Append(ctx, regionID, rec)
}

// Record decides, validates d against the family and stores it with its audit entry.
func (s *Service) Record(ctx context.Context, ch Change, d Draft) (Record, error) {
	prefer := ""
	if len(d.Purposes) > 0 {
		prefer = d.Purposes[0]
	}
	rec, err := s.authorise(ctx, ch, prefer, audit.ActionCreate, 0)
	if err != nil {
		return Record{}, err
	}
	trail, err := s.trail(ctx, ch.RegionID, rec)
	if err != nil {
		return Record{}, err
	}
	out, err := s.d.Register.Record(ctx, ch.RegionID, d, trail)
	if err != nil {
		return Record{}, err
	}
	return out, s.afterChange(ctx, ch.RegionID, out.ID(), rec)
}

// Withdraw decides and withdraws consent id on behalf of by; it returns the withdrawal and the
// shares that rested on the consent. at is when the withdrawal was given (zero: now).
func (s *Service) Withdraw(ctx context.Context, ch Change, id int64, by Giver, at time.Time, recordedBy, note string) (Withdrawal, []Use, error) {
	rec0, err := s.d.Register.Get(ctx, ch.RegionID, id)
	if err != nil {
		return Withdrawal{}, nil, err
	}
	prefer := ""
	if ps := rec0.Data().Purposes; len(ps) > 0 {
		prefer = ps[0]
	}
	rec, err := s.authorise(ctx, ch, prefer, audit.ActionUpdate, id)
	if err != nil {
		return Withdrawal{}, nil, err
	}
	trail, err := s.trail(ctx, ch.RegionID, rec)
	if err != nil {
		return Withdrawal{}, nil, err
	}
	if at.IsZero() {
		at = s.d.Now()
	}
	w, uses, err := s.d.Register.Withdraw(ctx, ch.RegionID, id, by, at, recordedBy, note, trail)
	if err != nil {
		return w, nil, err
	}
	return w, uses, s.afterChange(ctx, ch.RegionID, id, rec)
}

// WithBase returns the change with base as its audit record.
func (ch Change) WithBase(base audit.Record) Change { ch.Base = base; return ch }

// Ask decides and stores an online request for consent (the zorgcoördinator asks the parents
// with gezag, and the pupil where the age rules say so), with its audit entry.
func (s *Service) Ask(ctx context.Context, ch Change, d AskDraft) (Ask, error) {
	rec, err := s.authorise(ctx, ch, d.Purpose, audit.ActionCreate, 0)
	if err != nil {
		return Ask{}, err
	}
	trail, err := s.trail(ctx, ch.RegionID, rec)
	if err != nil {
		return Ask{}, err
	}
	a, err := s.d.Register.NewAsk(ctx, ch.RegionID, d, trail)
	if err != nil {
		return a, err
	}
	return a, s.afterChange(ctx, ch.RegionID, 0, rec)
}

// The data subject's own acts on the register: a parent with gezag or the pupil answers an
// online request, or withdraws a consent they gave (AVG art. 7 lid 3). These are not exchanges
// under the convenant, so no policy rule decides them; the caller has checked the relation
// (gezag, or the pupil himself) and ch.Base carries the ground of keeping the register (AVG art.
// 6 lid 1 sub c with art. 7 lid 1: the controller must be able to show the consent).

// Answer records by's answer to request askID and, when it completes the request, the consent;
// both with the audit entry, in one transaction.
func (s *Service) Answer(ctx context.Context, ch Change, askID int64, by Giver, yes bool) (Ask, *Record, error) {
	rec := ch.Base
	rec.Categories, rec.Action = []string{"toestemming"}, audit.ActionCreate
	trail, err := s.trail(ctx, ch.RegionID, rec)
	if err != nil {
		return Ask{}, nil, err
	}
	after, made, err := s.d.Register.Answer(ctx, ch.RegionID, askID, by, yes, s.d.Now(), trail)
	if err != nil {
		return after, made, err
	}
	id := int64(0)
	if made != nil {
		id = made.ID()
	}
	return after, made, s.afterChange(ctx, ch.RegionID, id, rec)
}

// WithdrawOwn withdraws consent id on behalf of by, the subject who gave it, now.
func (s *Service) WithdrawOwn(ctx context.Context, ch Change, id int64, by Giver) (Withdrawal, []Use, error) {
	rec := ch.Base
	rec.Categories, rec.Action, rec.ConsentID = []string{"toestemming"}, audit.ActionUpdate, id
	trail, err := s.trail(ctx, ch.RegionID, rec)
	if err != nil {
		return Withdrawal{}, nil, err
	}
	w, uses, err := s.d.Register.Withdraw(ctx, ch.RegionID, id, by, s.d.Now(), by.String(), "online ingetrokken", trail)
	if err != nil {
		return w, uses, err
	}
	return w, uses, s.afterChange(ctx, ch.RegionID, id, rec)
}
