package absence

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/region"
)

// Absoluut verzuim from the gemeente's own list: the children of compulsory age who live in the
// gemeente (BRP, or DUO's leerplicht delivery) compared with the enrolments in the region. A child
// under leerplicht or kwalificatieplicht on the day, enrolled nowhere and not exempt, gets an
// absoluut-verzuim dossier (Leerplichtwet 1969 art. 16 and 22) — no melding, none can exist. The
// web upload and `grondslag verzuim gemeentelijst` both call Service.ImportResidents.
//
// Minimal data: a child on the list who is not yet known in the region is stored only when the
// list shows absoluut verzuim; a known child gets the gemeente as its woongemeente (the BRP is
// the source of the residence). Enrolments at schools outside the region are not in view: such a
// child appears here as not enrolled, and the leerplichtambtenaar's first step checks it.

// ResidentsResult is what an import of the list did.
type ResidentsResult struct {
	Rows        int // children on the list
	Known       int // already known in the region
	Created     int // stored because they are in absoluut verzuim
	Moved       int // known children whose woongemeente changed to this gemeente
	NotEnrolled []AbsentChild
}

// AbsentChild is a child of the list in absoluut verzuim on the day.
type AbsentChild struct {
	PupilID   int64
	DossierID int64
	Opened    bool // false: an open absoluut-verzuim dossier existed already
	From      Date // since when (the later of the start of compulsion and the end of the last enrolment)
	Line      int
}

// ResidentsTrail returns the audit entries of the import, given the pseudonyms of the children
// whose record was written (created or moved) and of those whose dossier was opened. The
// repository calls it inside the import's transaction.
type ResidentsTrail func(written, opened []string) ([]audit.Entry, error)

// ResidentsRepository stores a gemeente's list (store.ResidentsRepository): all or nothing.
type ResidentsRepository interface {
	ImportResidents(ctx context.Context, regionID, gemeenteID int64, rows []region.ResidentRow, ev *Evaluator, asOf Date, now time.Time, trail ResidentsTrail) (ResidentsResult, error)
}

// ErrNotLeerplicht is returned when someone other than a gemeente's leerplichtambtenaar imports
// the list.
var ErrNotLeerplicht = errors.New("alleen de leerplichtambtenaar van een gemeente leest de lijst van de gemeente in")

// ResidentsFileError is a list with bad lines: nothing was stored. It wraps ErrFile.
type ResidentsFileError struct{ Lines region.ImportErrors }

func (e *ResidentsFileError) Error() string {
	return "de lijst van de gemeente bevat fouten; er is niets ingelezen:\n" + e.Lines.Error()
}

func (e *ResidentsFileError) Unwrap() error { return ErrFile }

// ResidentsImport is one import of a gemeente's list.
type ResidentsImport struct {
	RegionID, GemeenteID int64
	Actor                policy.Actor // the gemeente's leerplicht
	// Base is the audit record of the operation (who, access point, request and trace ids).
	Base audit.Record
	CSV  io.Reader
	// Evaluator and AsOf override the region's rules and today.
	Evaluator *Evaluator
	AsOf      Date
}

// ImportResidents decides whether the actor may keep absoluut-verzuim dossiers (convenant rule
// leerplicht-absoluut-verzuim: record identificatie for the purpose absoluut-verzuim about a child
// enrolled nowhere), reads the list (every bad line named, nothing stored), and stores it with one
// audit entry per child written and per dossier opened, in one transaction.
func (s *Service) ImportResidents(ctx context.Context, in ResidentsImport) (ResidentsResult, error) {
	if in.Actor.Party != "gemeente" || in.GemeenteID == 0 {
		return ResidentsResult{}, ErrNotLeerplicht
	}
	if s.d.Residents == nil {
		return ResidentsResult{}, errors.New("absence: geen opslag voor de lijst van de gemeente")
	}
	pt, err := s.d.Decisions.For(ctx, in.RegionID)
	if err != nil {
		return ResidentsResult{}, err
	}
	const purpose = "absoluut-verzuim"
	base := in.Base
	base.Categories, base.Action, base.Purpose = []string{"identificatie"}, audit.ActionImport, purpose
	d, err := pt.Ask(ctx, access.Request{RegionID: in.RegionID, Request: policy.Request{Actor: in.Actor, Action: policy.Record, Category: "identificatie", Purpose: purpose,
		Context: policy.Context{NotEnrolled: true, Level: policy.LevelPerson}}})
	if err != nil {
		return ResidentsResult{}, err
	}
	if !d.Allowed {
		if err := s.d.Log.Append(ctx, in.RegionID, d.Record(base)); err != nil {
			return ResidentsResult{}, err
		}
		return ResidentsResult{}, &access.DeniedError{Decision: d}
	}
	now := s.d.Now()
	rows, err := region.ReadResidents(in.CSV, now)
	if err != nil {
		fe := &ResidentsFileError{}
		if !errors.As(err, &fe.Lines) {
			fe.Lines = region.ImportErrors{{Line: 1, Msg: err.Error()}}
		}
		return ResidentsResult{}, fe
	}
	ev := in.Evaluator
	if ev == nil {
		if ev, err = s.d.Evaluator(ctx, in.RegionID); err != nil {
			return ResidentsResult{}, fmt.Errorf("regels voor de regio: %w", err)
		}
	}
	asOf := in.AsOf
	if asOf == 0 {
		asOf = s.d.Today()
	}
	enc, err := s.d.Seal(ctx, in.RegionID)
	if err != nil {
		return ResidentsResult{}, err
	}
	trail := func(written, opened []string) ([]audit.Entry, error) {
		log := access.Entries{Enc: enc}
		parent := base.ParentOperationID
		if parent.IsZero() && len(written)+len(opened) > 0 {
			// The list's own record, naming no child, is the parent of one record per child
			// (Logboek Dataverwerkingen: a parent_span_id names a record that exists).
			own := base
			own.Pupil, own.Name, own.Action = "", "gemeentelijst-inlezen", audit.ActionImport
			if err := log.Append(ctx, in.RegionID, d.Record(own)); err != nil {
				return nil, err
			}
			parent = base.OperationID
		}
		add := func(ps, name string, act audit.Action) error {
			r := base
			r.Pupil, r.Name, r.Action = ps, name, act
			r.OperationID, r.ParentOperationID = audit.NewOperationID(), parent
			return log.Append(ctx, in.RegionID, d.Record(r))
		}
		for _, ps := range written {
			if err := add(ps, "gemeentelijst-inlezen", audit.ActionImport); err != nil {
				return nil, err
			}
		}
		for _, ps := range opened {
			if err := add(ps, "leerplichtdossier-openen", audit.ActionCreate); err != nil {
				return nil, err
			}
		}
		return log.List, nil
	}
	return s.d.Residents.ImportResidents(ctx, in.RegionID, in.GemeenteID, rows, ev, asOf, now, trail)
}
