package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/rights"
)

// Access requests (inzage, AVG art. 15; migration 0700). A request and the audit entry that
// records it are written in one transaction: no request without its entry, no entry without its
// request.

// AccessTrail builds the audit entries of a change to access request id; they are appended to
// the region's audit log in the transaction of the change. nil appends nothing. (An alias, so
// that callers' interfaces can name the plain function type.)
type AccessTrail = func(id int64) ([]audit.Entry, error)

func appendAccessTrail(ctx context.Context, tx *Tx, regionID, id int64, trail AccessTrail) error {
	return appendTrail(ctx, tx, regionID, func() ([]audit.Entry, error) {
		if trail == nil {
			return nil, nil
		}
		es, err := trail(id)
		if err != nil {
			return nil, fmt.Errorf("inzageverzoek %d: %w", id, err)
		}
		return es, nil
	})
}

// AccessSchool returns the school where the pupil is enrolled on day (the latest enrolment that
// runs that day): the controller an access request is addressed to. ErrNotFound when none.
func (db *DB) AccessSchool(ctx context.Context, regionID, pupilID int64, day rights.Date) (int64, error) {
	var id int64
	err := db.QueryRow(ctx, `SELECT school_id FROM inschrijving WHERE regio_id = ? AND leerling_id = ? AND van <= ? AND (tot IS NULL OR tot >= ?)
		ORDER BY van DESC, id DESC LIMIT 1`, regionID, pupilID, day.String(), day.String()).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("inschrijving van leerling %d: %w", pupilID, ErrNotFound)
	}
	return id, wrapErr(err, "school van de leerling lezen")
}

// CreateAccessRequest stores a new access request with its audit entries in one transaction and
// returns it with its id. In that transaction it checks again what the request relies on: a
// parent still has gezag, the pupil is enrolled at the school on the day of receipt; and it
// refuses a second open request of the same requester for the same pupil (rights.ErrOpenRequest).
func (db *DB) CreateAccessRequest(ctx context.Context, regionID int64, r rights.Request, now time.Time, trail AccessTrail) (rights.Request, error) {
	d := r.Data()
	if d.ID != 0 {
		return r, fmt.Errorf("inzageverzoek %d bestaat al", d.ID)
	}
	err := db.WithTx(ctx, func(tx *Tx) error {
		day := d.Received.String()
		var n int
		ctrls, err := pupilControllers(ctx, tx, regionID, d.PupilID, d.Received)
		if err != nil {
			return err
		}
		found := false
		for _, c := range ctrls {
			found = found || c.OrgID == d.ControllerID
		}
		if !found {
			return fmt.Errorf("%w: deze organisatie heeft op %s geen gegevens van de leerling", rights.ErrInvalid, day)
		}
		if d.Requester.Kind == rights.RequesterParent {
			var gezag int
			err := tx.QueryRow(ctx, `SELECT gezag FROM leerling_ouder WHERE regio_id = ? AND leerling_id = ? AND ouder_id = ?`, regionID, d.PupilID, d.Requester.ParentID).Scan(&gezag)
			if errors.Is(err, sql.ErrNoRows) || err == nil && gezag != 1 {
				return fmt.Errorf("%w: de ouder heeft geen gezag over deze leerling", rights.ErrInvalid)
			}
			if err != nil {
				return fmt.Errorf("verzoek van betrokkene vastleggen: %w", err)
			}
		}
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM inzageverzoek WHERE regio_id = ? AND leerling_id = ? AND aanvrager = ? AND COALESCE(ouder_id, 0) = ?
			AND soort = ? AND school_id = ? AND status <> 'afgehandeld'`,
			regionID, d.PupilID, string(d.Requester.Kind), d.Requester.ParentID, string(d.Kind), d.ControllerID).Scan(&n); err != nil {
			return fmt.Errorf("verzoek van betrokkene vastleggen: %w", err)
		}
		if n > 0 {
			return rights.ErrOpenRequest
		}
		text, err := tx.SealForPupil(ctx, regionID, d.PupilID, "inzageverzoek.verzoek_tekst", d.Text)
		if err != nil {
			return fmt.Errorf("verzoek van betrokkene vastleggen: %w", err)
		}
		id, err := tx.InsertID(ctx, `INSERT INTO inzageverzoek (regio_id, leerling_id, school_id, aanvrager, ouder_id, ontvangen_op, termijn, status, aangemaakt_op,
			soort, verzoek_tekst, wgbo_reden) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			regionID, d.PupilID, d.ControllerID, string(d.Requester.Kind), optionalID(d.Requester.ParentID), day, d.Deadline.String(), string(d.Status), now.UnixMilli(),
			string(d.Kind), nullStr(text), nullStr(d.Withheld))
		if err != nil {
			return fmt.Errorf("verzoek van betrokkene vastleggen: %w", err)
		}
		r = r.WithID(id)
		return appendAccessTrail(ctx, tx, regionID, id, trail)
	})
	if err != nil {
		return rights.Request{}, fmt.Errorf("inzageverzoek vastleggen: %w", err)
	}
	return r, nil
}

// UpdateAccessRequest stores an extension or the handling of request r (as returned by
// rights.Request.Extend or Handle) by user by, with its audit entries, in one transaction. The
// update applies only while the stored status is still from; otherwise someone else changed it
// first and the matching rights error is returned (rights.ErrAlreadyExtended or
// ErrAlreadyHandled); ErrNotFound when the region has no such request.
func (db *DB) UpdateAccessRequest(ctx context.Context, regionID int64, r rights.Request, from rights.Status, by int64, trail AccessTrail) error {
	d := r.Data()
	err := db.WithTx(ctx, func(tx *Tx) error {
		var res sql.Result
		sl := tx.sealer(ctx, regionID, d.PupilID)
		reason, note := sl.seal("inzageverzoek.verlenging_reden", d.ExtensionReason), sl.seal("inzageverzoek.afhandeling_notitie", d.HandledNote)
		if sl.err != nil {
			return sl.err
		}
		var err error
		switch d.Status {
		case rights.StatusExtended:
			res, err = tx.Exec(ctx, `UPDATE inzageverzoek SET status = ?, termijn = ?, verlengd_maanden = ?, verlenging_reden = ?, verlengd_op = ?, verlengd_door = ?
				WHERE regio_id = ? AND id = ? AND status = ?`,
				string(d.Status), d.Deadline.String(), d.ExtensionMonths, reason, d.ExtendedOn.String(), optionalID(by), regionID, d.ID, string(from))
		case rights.StatusHandled:
			res, err = tx.Exec(ctx, `UPDATE inzageverzoek SET status = ?, afgehandeld_op = ?, afgehandeld_door = ?, afhandeling_notitie = ?, uitkomst = ?
				WHERE regio_id = ? AND id = ? AND status = ?`,
				string(d.Status), d.HandledOn.String(), optionalID(by), nullStr(note), string(d.Outcome), regionID, d.ID, string(from))
		default:
			return fmt.Errorf("%w: status %q is geen wijziging", rights.ErrInvalid, d.Status)
		}
		if err != nil {
			return fmt.Errorf("verzoek van betrokkene bijwerken: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("verzoek van betrokkene bijwerken: %w", err)
		} else if n == 0 {
			var now string
			err := tx.QueryRow(ctx, `SELECT status FROM inzageverzoek WHERE regio_id = ? AND id = ?`, regionID, d.ID).Scan(&now)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				return ErrNotFound
			case err != nil:
				return wrapErr(err, "verzoek van betrokkene bijwerken")
			case now == string(rights.StatusHandled):
				return rights.ErrAlreadyHandled
			default:
				return rights.ErrAlreadyExtended
			}
		}
		return appendAccessTrail(ctx, tx, regionID, d.ID, trail)
	})
	if err != nil {
		return fmt.Errorf("inzageverzoek %d wijzigen: %w", d.ID, err)
	}
	return nil
}

const accessCols = `id, leerling_id, school_id, aanvrager, COALESCE(ouder_id, 0), ontvangen_op, termijn, status, verlengd_maanden,
	COALESCE(verlenging_reden, ''), COALESCE(verlengd_op, ''), COALESCE(afgehandeld_op, ''), COALESCE(afhandeling_notitie, ''),
	soort, COALESCE(verzoek_tekst, ''), COALESCE(uitkomst, ''), COALESCE(wgbo_reden, '')`

func scanAccess(sc interface{ Scan(...any) error }, o *opener) (rights.Request, error) {
	var d rights.Data
	var kind, status, received, deadline, extOn, handledOn, rk, outcome string
	if err := sc.Scan(&d.ID, &d.PupilID, &d.ControllerID, &kind, &d.Requester.ParentID, &received, &deadline, &status, &d.ExtensionMonths,
		&d.ExtensionReason, &extOn, &handledOn, &d.HandledNote, &rk, &d.Text, &outcome, &d.Withheld); err != nil {
		return rights.Request{}, fmt.Errorf("verzoek van betrokkene lezen: %w", err)
	}
	d.Kind, d.Outcome = rights.Kind(rk), rights.Outcome(outcome)
	o.open(d.PupilID, "inzageverzoek.verzoek_tekst", &d.Text)
	o.open(d.PupilID, "inzageverzoek.verlenging_reden", &d.ExtensionReason)
	o.open(d.PupilID, "inzageverzoek.afhandeling_notitie", &d.HandledNote)
	if o.err != nil {
		return rights.Request{}, o.err
	}
	d.Requester.Kind, d.Status = rights.RequesterKind(kind), rights.Status(status)
	for _, x := range []struct {
		s   string
		dst *rights.Date
	}{{received, &d.Received}, {deadline, &d.Deadline}, {extOn, &d.ExtendedOn}, {handledOn, &d.HandledOn}} {
		if x.s == "" {
			continue
		}
		v, err := rights.ParseDate(x.s)
		if err != nil {
			return rights.Request{}, fmt.Errorf("inzageverzoek %d: %w", d.ID, err)
		}
		*x.dst = v
	}
	return rights.Restore(d)
}

func (db *DB) accessRequests(ctx context.Context, regionID int64, where string, args ...any) ([]rights.Request, error) {
	rows, err := db.Query(ctx, `SELECT `+accessCols+` FROM inzageverzoek WHERE regio_id = ? AND `+where, append([]any{regionID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("inzageverzoeken: %w", err)
	}
	defer rows.Close()
	var out []rights.Request
	for rows.Next() {
		r, err := scanAccess(rows, db.opener(ctx, regionID))
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// AccessRequest returns request id of the region; ErrNotFound when there is none.
func (db *DB) AccessRequest(ctx context.Context, regionID, id int64) (rights.Request, error) {
	r, err := scanAccess(db.QueryRow(ctx, `SELECT `+accessCols+` FROM inzageverzoek WHERE regio_id = ? AND id = ?`, regionID, id), db.opener(ctx, regionID))
	if errors.Is(err, sql.ErrNoRows) {
		return rights.Request{}, fmt.Errorf("inzageverzoek %d: %w", id, ErrNotFound)
	}
	return r, err
}

// AccessRequestsOfPupil lists the pupil's requests, newest first.
func (db *DB) AccessRequestsOfPupil(ctx context.Context, regionID, pupilID int64) ([]rights.Request, error) {
	return db.accessRequests(ctx, regionID, `leerling_id = ? ORDER BY ontvangen_op DESC, id DESC`, pupilID)
}

// OpenAccessRequests lists the requests addressed to the school that are not yet handled, the
// nearest deadline first.
func (db *DB) OpenAccessRequests(ctx context.Context, regionID, schoolID int64) ([]rights.Request, error) {
	return db.accessRequests(ctx, regionID, `school_id = ? AND status <> 'afgehandeld' ORDER BY termijn, id`, schoolID)
}

// RightsRepository is the inzage use cases' repository (rights.Repository) over the store: the
// same methods, with the store's ErrNotFound also reported as rights.ErrNotFound.
type RightsRepository struct{ DB *DB }

var _ rights.Repository = RightsRepository{}

func rightsErr(err error) error {
	if errors.Is(err, ErrNotFound) {
		return fmt.Errorf("%w: %w", rights.ErrNotFound, err)
	}
	return err
}

// Controllers implements rights.Repository.
func (r RightsRepository) Controllers(ctx context.Context, regionID, pupilID int64, day rights.Date) ([]rights.Controller, error) {
	return pupilControllers(ctx, r.DB, regionID, pupilID, day)
}

// PupilFacts implements rights.Repository.
func (r RightsRepository) PupilFacts(ctx context.Context, regionID, pupilID int64) (rights.Date, bool, error) {
	b, o, err := r.DB.RightsPupilFacts(ctx, regionID, pupilID)
	return b, o, rightsErr(err)
}

// SetJGZObjection implements rights.Repository.
func (r RightsRepository) SetJGZObjection(ctx context.Context, regionID, pupilID int64, objects bool, now time.Time, trail func(int64) ([]audit.Entry, error)) error {
	return rightsErr(r.DB.SetJGZObjection(ctx, regionID, pupilID, objects, now, trail))
}

// ControllerRequests implements rights.Repository.
func (r RightsRepository) ControllerRequests(ctx context.Context, regionID, controllerID int64) ([]rights.Request, error) {
	out, err := r.DB.accessRequests(ctx, regionID, `school_id = ? ORDER BY status = 'afgehandeld', termijn, id`, controllerID)
	return out, rightsErr(err)
}

// CreateAccessRequest implements rights.Repository.
func (r RightsRepository) CreateAccessRequest(ctx context.Context, regionID int64, q rights.Request, now time.Time, trail func(int64) ([]audit.Entry, error)) (rights.Request, error) {
	out, err := r.DB.CreateAccessRequest(ctx, regionID, q, now, trail)
	return out, rightsErr(err)
}

// UpdateAccessRequest implements rights.Repository.
func (r RightsRepository) UpdateAccessRequest(ctx context.Context, regionID int64, q rights.Request, from rights.Status, by int64, trail func(int64) ([]audit.Entry, error)) error {
	return rightsErr(r.DB.UpdateAccessRequest(ctx, regionID, q, from, by, trail))
}

// AccessRequest implements rights.Repository.
func (r RightsRepository) AccessRequest(ctx context.Context, regionID, id int64) (rights.Request, error) {
	out, err := r.DB.AccessRequest(ctx, regionID, id)
	return out, rightsErr(err)
}

// OpenAccessRequests implements rights.Repository.
func (r RightsRepository) OpenAccessRequests(ctx context.Context, regionID, schoolID int64) ([]rights.Request, error) {
	out, err := r.DB.OpenAccessRequests(ctx, regionID, schoolID)
	return out, rightsErr(err)
}
