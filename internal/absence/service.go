package absence

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/policy"
)

// The use cases of absence that more than one adapter offers (web page, API, CLI): one
// workflow each, the adapters only translate input and output. Today: a school's import of its
// registrations. The service decides through the region's decision point (internal/access),
// stores through the repository declared here (internal/store implements it) and never sees
// HTTP or SQL.

// ImportResult is the outcome of storing an import.
type ImportResult struct {
	ImportID int64
	Lines    int          // registration lines read
	Imported int          // lines imported
	Keys     int          // distinct (pupil, day, reason) written
	Errors   []*LineError // bad lines (with skipErrors: skipped)
	Pupils   []int64      // pupils whose registrations were written
}

// ErrFile is returned (wrapped) when a file has bad lines and nothing was imported.
var ErrFile = errors.New("het verzuimbestand bevat fouten; er is niets geïmporteerd")

// ImportTrail returns the audit entries of an import, given the pseudonyms of the pupils written
// (in the order of res.Pupils). The repository calls it inside the import's transaction, so the
// registrations and their entries commit together or not at all.
type ImportTrail func(res ImportResult, pseudonyms []string) ([]audit.Entry, error)

// Repository is what the absence use cases need from storage (store.AbsenceRepository).
type Repository interface {
	// ImportCSV reads a registrations file and stores it for the school: all or nothing unless
	// skipErrors (then ErrFile is not returned for bad lines), with the trail's entries.
	ImportCSV(ctx context.Context, regionID, schoolID int64, r io.Reader, skipErrors bool, now time.Time, trail ImportTrail) (ImportResult, error)
	// ImportRegistrations stores registrations that came over the API, with the same rules.
	ImportRegistrations(ctx context.Context, regionID, schoolID int64, regs []Registration, skipErrors bool, now time.Time, trail ImportTrail) (ImportResult, error)
	// RefreshSignals re-evaluates the pupils' absence on asOf and stores their signals; an open
	// melding covering a grown episode is updated, each update with trail's entries.
	RefreshSignals(ctx context.Context, regionID int64, pupilIDs []int64, ev *Evaluator, asOf Date, now time.Time, trail MeldingUpdateTrail) (int, error)
}

// Decisions gives a region's decision point (the region registry, or one *access.Point).
type Decisions interface {
	For(ctx context.Context, regionID int64) (*access.Point, error)
}

// ServiceDeps are the service's collaborators.
type ServiceDeps struct {
	Repo      Repository
	Decisions Decisions
	// Log takes the records of refusals (the audit batcher); what is written is logged in the
	// write's own transaction.
	Log access.Log
	// Seal returns the encrypter of a region's audit entries (its data key).
	Seal func(ctx context.Context, regionID int64) (audit.Encrypter, error)
	// Evaluator returns a region's rules (holiday calendar, lesson hours), for refreshing the
	// signals after an import.
	Evaluator func(ctx context.Context, regionID int64) (*Evaluator, error)
	// Today is the civil date signals are evaluated on when the request names none.
	Today func() Date
	Now   func() time.Time
	// Residents stores a gemeente's list of children (ImportResidents); optional.
	Residents ResidentsRepository
}

// Service runs the absence use cases.
type Service struct{ d ServiceDeps }

// NewService checks the collaborators.
func NewService(d ServiceDeps) (*Service, error) {
	if d.Repo == nil || d.Decisions == nil || d.Log == nil || d.Seal == nil || d.Evaluator == nil || d.Today == nil || d.Now == nil {
		return nil, errors.New("absence: Repo, Decisions, Log, Seal, Evaluator, Today en Now zijn verplicht")
	}
	return &Service{d: d}, nil
}

// ErrNotSchool is returned when someone other than a school's user or client imports.
var ErrNotSchool = errors.New("alleen een school importeert haar verzuimregistraties")

// Import is one import of a school's registrations.
type Import struct {
	RegionID, SchoolID int64
	// Actor is the responsible user's party and role (a school's).
	Actor policy.Actor
	// Purpose is the purpose the user works under (the session's purpose, the API's doel, the
	// CLI's --doel): the policy decides recording absence for it.
	Purpose string
	// Base is the audit record of the operation: who (user or API client), access point,
	// request and trace ids, name. The service fills pupil, categories, action, purpose and the
	// decision.
	Base audit.Record
	// Exactly one of CSV and Registrations.
	CSV           io.Reader
	Registrations []Registration
	SkipErrors    bool
	// Evaluator and AsOf override the region's rules and today (the CLI's calendar flags).
	Evaluator *Evaluator
	AsOf      Date
}

// Imported is what an import did.
type Imported struct {
	ImportResult
	Signals int  // signals stored on AsOf
	AsOf    Date // the day the signals were evaluated on
}

// Import decides whether the actor may record absence for the purpose, stores the registrations
// with one audit entry per pupil written (in the same transaction), and refreshes the signals
// of those pupils. A refusal is logged and returned as *access.DeniedError; a file with bad lines
// stores nothing (ErrFile or ErrHeader) unless SkipErrors, and the result lists the lines.
func (s *Service) Import(ctx context.Context, in Import) (Imported, error) {
	if in.Actor.Party != "school" || in.SchoolID == 0 {
		return Imported{}, ErrNotSchool
	}
	if (in.CSV == nil) == (in.Registrations == nil) {
		return Imported{}, errors.New("absence: geef een bestand of registraties")
	}
	pt, err := s.d.Decisions.For(ctx, in.RegionID)
	if err != nil {
		return Imported{}, err
	}
	base := in.Base
	base.Categories, base.Action, base.Purpose = []string{"verzuim"}, audit.ActionImport, in.Purpose
	req := access.Request{RegionID: in.RegionID, Request: policy.Request{Actor: in.Actor, Action: policy.Record, Category: "verzuim", Purpose: in.Purpose,
		Context: policy.Context{Level: policy.LevelPerson}}}
	d, err := pt.Ask(ctx, req)
	if err != nil {
		return Imported{}, err
	}
	if !d.Allowed {
		if err := s.d.Log.Append(ctx, in.RegionID, d.Record(base)); err != nil {
			return Imported{}, err
		}
		return Imported{}, &access.DeniedError{Decision: d}
	}
	enc, err := s.d.Seal(ctx, in.RegionID)
	if err != nil {
		return Imported{}, err
	}
	// One entry per pupil whose registrations were written, in the import's own transaction.
	trail := func(_ ImportResult, pseudonyms []string) ([]audit.Entry, error) {
		log := access.Entries{Enc: enc}
		// The import is one operation (its own record, naming no pupil) and each pupil's entry a
		// child operation under it (Logboek Dataverwerkingen: one record per data subject, each
		// with the import as parent_span_id, which therefore exists in the log).
		parent := base.OperationID
		if err := log.Append(ctx, in.RegionID, d.Record(base)); err != nil {
			return nil, err
		}
		for _, ps := range pseudonyms {
			r := base
			r.Pupil = ps
			r.OperationID, r.ParentOperationID = audit.NewOperationID(), parent
			if err := log.Append(ctx, in.RegionID, d.Record(r)); err != nil {
				return nil, err
			}
		}
		return log.List, nil
	}
	now := s.d.Now()
	var res ImportResult
	if in.CSV != nil {
		res, err = s.d.Repo.ImportCSV(ctx, in.RegionID, in.SchoolID, in.CSV, in.SkipErrors, now, trail)
	} else {
		res, err = s.d.Repo.ImportRegistrations(ctx, in.RegionID, in.SchoolID, in.Registrations, in.SkipErrors, now, trail)
	}
	out := Imported{ImportResult: res, AsOf: in.AsOf}
	if err != nil {
		return out, err
	}
	ev := in.Evaluator
	if ev == nil {
		if ev, err = s.d.Evaluator(ctx, in.RegionID); err != nil {
			return out, fmt.Errorf("regels voor de regio: %w", err)
		}
	}
	if out.AsOf == 0 {
		out.AsOf = s.d.Today()
	}
	updates, refused, err := s.meldingUpdates(ctx, pt, in, base)
	if err != nil {
		return out, err
	}
	if out.Signals, err = s.d.Repo.RefreshSignals(ctx, in.RegionID, res.Pupils, ev, out.AsOf, now, updates); err != nil {
		return out, fmt.Errorf("signalen bijwerken: %w", err)
	}
	if err := refused(); err != nil {
		return out, err
	}
	return out, nil
}

// meldingUpdates decides once whether the importing school may update its open meldingen (the
// school gives leerplicht the grown figures of an episode it reported: convenant rule
// school-verzuimmelding) and returns the trail that records each update. A refusal is logged and
// the meldingen stay as they were (refused logs the refusal after the refresh, outside its
// transaction, when a melding was left alone).
func (s *Service) meldingUpdates(ctx context.Context, pt *access.Point, in Import, base audit.Record) (trail MeldingUpdateTrail, refused func() error, err error) {
	req := access.Request{RegionID: in.RegionID, Request: policy.Request{Actor: in.Actor, Action: policy.Disclose, Category: "verzuim", Purpose: "handhaving-leerplicht",
		Recipient: policy.Actor{Party: "gemeente", Role: "leerplicht"}, Context: policy.Context{DUOMelding: true, Level: policy.LevelPerson}}}
	d, err := pt.Ask(ctx, req)
	if err != nil {
		return nil, nil, err
	}
	b := base
	b.Purpose, b.Action, b.Categories = "handhaving-leerplicht", audit.ActionShare, []string{"verzuim"}
	skipped := false
	refused = func() error {
		if !skipped {
			return nil
		}
		return s.d.Log.Append(ctx, in.RegionID, d.Record(b))
	}
	enc, err := s.d.Seal(ctx, in.RegionID)
	if err != nil {
		return nil, nil, err
	}
	return func(u MeldingUpdate) ([]audit.Entry, error) {
		if !d.Allowed {
			skipped = true
			return nil, ErrSkipMeldingUpdate
		}
		r := b
		r.Pupil, r.Melding, r.Name = u.Pseudonym, "verzuimmelding:"+strconv.FormatInt(u.MeldingID, 10), "verzuimmelding bijwerken"
		if u.Upgraded() {
			r.Name = "verzuimmelding wordt " + string(u.To) + " (" + UpgradeArticle + ")"
		}
		parent := b.ParentOperationID
		if parent.IsZero() {
			parent = b.OperationID
		}
		r.OperationID, r.ParentOperationID = audit.NewOperationID(), parent
		// The school's provision under its own activity and leerplicht's receipt (the pupil's
		// gemeente) under the gemeente's own, linked by trace context (Logboek foreign_operation).
		share := d.Record(r)
		recs := []audit.Record{share}
		if rec, ok := d.ReceiptOf(share, in.RegionID, u.Gemeente, "leerplicht"); ok {
			recs = append(recs, rec)
		}
		log := access.Entries{Enc: enc}
		if err := log.Append(ctx, in.RegionID, recs...); err != nil {
			return nil, err
		}
		return log.List, nil
	}, refused, nil
}
