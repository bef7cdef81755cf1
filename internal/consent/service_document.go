package consent

import (
	"context"
	"fmt"

	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/policy"
)

// Reading the signed form kept as proof of a consent. The form is shown exactly where the
// consent itself may be seen: a professional when the region's policy allows reading the
// register (category toestemming) — the same decision as the consent list — and the parent
// with gezag or the pupil on their own consent page (the data subject's access, AVG art. 15,
// whose relation the caller has checked). Every read, and every refusal, is logged.

// Document decides whether the actor may read consent id and, when allowed, returns the record
// and its signed form. The read is logged through the service's Log either way; a refusal is
// *access.DeniedError, a consent without a form ErrNotFound.
func (s *Service) Document(ctx context.Context, ch Change, id int64) (Record, Document, error) {
	rec0, err := s.d.Register.Get(ctx, ch.RegionID, id)
	if err != nil {
		return Record{}, Document{}, err
	}
	if rec0.Data().Document == nil {
		return rec0, Document{}, fmt.Errorf("%w: bij toestemming %d is geen getekend formulier bewaard", ErrNotFound, id)
	}
	prefer := ""
	if ps := rec0.Data().Purposes; len(ps) > 0 {
		prefer = ps[0]
	}
	d, purpose, err := s.Decide(ctx, ch.RegionID, ch.Actor, policy.Read, prefer)
	if err != nil {
		return Record{}, Document{}, err
	}
	rec := ch.Base
	rec.Categories, rec.Action, rec.Purpose = []string{"toestemming"}, audit.ActionRead, purpose
	rec = d.Record(rec)
	rec.ConsentID = id
	if err := s.d.Log.Append(ctx, ch.RegionID, rec); err != nil {
		return Record{}, Document{}, err
	}
	if !d.Allowed {
		return Record{}, Document{}, &access.DeniedError{Decision: d}
	}
	doc, err := s.d.Register.Document(ctx, ch.RegionID, id)
	return rec0, doc, err
}

// OwnDocument returns the signed form of consent id to the data subject (a parent with gezag,
// or the pupil) whose relation to the pupil the caller has checked; ch.Base carries the ground
// of the subject's own access. The read is logged before the bytes are returned.
func (s *Service) OwnDocument(ctx context.Context, ch Change, pupilID, id int64) (Record, Document, error) {
	rec0, err := s.d.Register.Get(ctx, ch.RegionID, id)
	if err != nil {
		return Record{}, Document{}, err
	}
	if rec0.Data().PupilID != pupilID || rec0.Data().Document == nil {
		return Record{}, Document{}, fmt.Errorf("%w: geen getekend formulier bij toestemming %d van deze leerling", ErrNotFound, id)
	}
	rec := ch.Base
	rec.Categories, rec.Action, rec.ConsentID = []string{"toestemming"}, audit.ActionRead, id
	if err := s.d.Log.Append(ctx, ch.RegionID, rec); err != nil {
		return Record{}, Document{}, err
	}
	doc, err := s.d.Register.Document(ctx, ch.RegionID, id)
	return rec0, doc, err
}
