package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/audit"
)

// The leerplicht dossier (absence/dossier.go): one open dossier per child and ground, its steps
// with their sealed source and text, each write with its audit entries in one transaction.

// StoredDossier is absence.StoredDossier.
type StoredDossier = absence.StoredDossier

// StoredStep is absence.StoredStep.
type StoredStep = absence.StoredStep

// DossierTrail is absence.DossierTrail.
type DossierTrail = absence.DossierTrail

// ErrDossierExists is absence.ErrDossierExists.
var ErrDossierExists = absence.ErrDossierExists

func trailOf(trail DossierTrail, id, step int64) func() ([]audit.Entry, error) {
	return func() ([]audit.Entry, error) {
		if trail == nil {
			return nil, nil
		}
		return trail(id, step)
	}
}

// OpenDossier opens a dossier; when the child has an open one on this ground, nothing is stored
// and the existing id is returned with ErrDossierExists (the unique index enforces the same under
// races).
func (db *DB) OpenDossier(ctx context.Context, regionID int64, d StoredDossier, now time.Time, trail DossierTrail) (int64, error) {
	if d.Ground.Purpose() == "" || d.PupilID == 0 || d.GemeenteID == 0 || d.Opened == 0 {
		return 0, fmt.Errorf("%w: grond, kind, gemeente en datum zijn verplicht", absence.ErrDossier)
	}
	if (d.Ground == absence.GroundRelative) != (d.MeldingID != 0) {
		return 0, fmt.Errorf("%w: een dossier over relatief verzuim rust op een melding, een over absoluut verzuim niet", absence.ErrDossier)
	}
	existing := func() (int64, bool) {
		var id int64
		err := db.QueryRow(ctx, "SELECT id FROM leerplicht_dossier WHERE regio_id = ? AND leerling_id = ? AND grond = ? AND status = 'open'",
			regionID, d.PupilID, string(d.Ground)).Scan(&id)
		return id, err == nil
	}
	if id, ok := existing(); ok {
		return id, fmt.Errorf("%w (dossier %d)", ErrDossierExists, id)
	}
	var id int64
	err := db.WithTx(ctx, func(tx *Tx) error {
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO leerplicht_dossier (regio_id, leerling_id, grond, gemeente_id, melding_id, geopend_op, status, sluitreden, vastgelegd_op)
			VALUES (?, ?, ?, ?, ?, ?, 'open', '', ?)`, regionID, d.PupilID, string(d.Ground), d.GemeenteID, optionalID(d.MeldingID), d.Opened.String(), now.UnixMilli())
		if err != nil {
			return fmt.Errorf("leerplichtdossier openen: %w", err)
		}
		return appendTrail(ctx, tx, regionID, trailOf(trail, id, 0))
	})
	if err != nil && isUnique(err) {
		if eid, ok := existing(); ok {
			return eid, fmt.Errorf("%w (dossier %d)", ErrDossierExists, eid)
		}
	}
	if err != nil {
		return 0, fmt.Errorf("dossier openen: %w", err)
	}
	return id, nil
}

const dossierCols = "id, leerling_id, gemeente_id, COALESCE(melding_id, 0), grond, geopend_op, status, gesloten_op, sluitreden, vastgelegd_op"

func scanDossier(sc interface{ Scan(...any) error }) (StoredDossier, error) {
	var d StoredDossier
	var ground, opened, status string
	var closed sql.NullString
	var at int64
	if err := sc.Scan(&d.ID, &d.PupilID, &d.GemeenteID, &d.MeldingID, &ground, &opened, &status, &closed, &d.Reason, &at); err != nil {
		return d, fmt.Errorf("leerplichtdossier lezen: %w", err)
	}
	var err error
	d.Ground, d.Open, d.RecordedAt = absence.DossierGround(ground), status == "open", time.UnixMilli(at).UTC()
	if d.Opened, err = absence.ParseDate(opened); err != nil {
		return d, fmt.Errorf("leerplichtdossier lezen: %w", err)
	}
	if closed.Valid && closed.String != "" {
		d.Closed, err = absence.ParseDate(closed.String)
	}
	return d, wrapErr(err, "leerplichtdossier lezen")
}

// Dossier returns one dossier of the region.
func (db *DB) Dossier(ctx context.Context, regionID, id int64) (StoredDossier, error) {
	d, err := scanDossier(db.QueryRow(ctx, "SELECT "+dossierCols+" FROM leerplicht_dossier WHERE regio_id = ? AND id = ?", regionID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrNotFound
	}
	return d, err
}

// DossiersInGemeente returns the gemeente's dossiers, open ones first, newest first.
func (db *DB) DossiersInGemeente(ctx context.Context, regionID, gemeenteID int64) ([]StoredDossier, error) {
	rows, err := db.Query(ctx, "SELECT "+dossierCols+` FROM leerplicht_dossier WHERE regio_id = ? AND gemeente_id = ?
		ORDER BY CASE status WHEN 'open' THEN 0 ELSE 1 END, geopend_op DESC, id DESC`, regionID, gemeenteID)
	if err != nil {
		return nil, fmt.Errorf("leerplichtdossiers van de gemeente lezen: %w", err)
	}
	defer rows.Close()
	var out []StoredDossier
	for rows.Next() {
		d, err := scanDossier(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// AddDossierStep stores a checked step (absence.NewStep) in an open dossier, its source and text
// sealed with the pupil's content key, with its audit entries.
func (db *DB) AddDossierStep(ctx context.Context, regionID, dossierID int64, s absence.Step, now time.Time, trail DossierTrail) (int64, error) {
	d, err := db.Dossier(ctx, regionID, dossierID)
	if err != nil {
		return 0, err
	}
	if !d.Open {
		return 0, fmt.Errorf("%w: het dossier is gesloten", absence.ErrDossier)
	}
	var id int64
	err = db.WithTx(ctx, func(tx *Tx) error {
		src, err1 := tx.SealForPupil(ctx, regionID, d.PupilID, "leerplicht_dossier_stap.bron", s.Source)
		text, err2 := tx.SealForPupil(ctx, regionID, d.PupilID, "leerplicht_dossier_stap.tekst", s.Text)
		if err := errors.Join(err1, err2); err != nil {
			return err
		}
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO leerplicht_dossier_stap (regio_id, dossier_id, leerling_id, soort, datum, uiterlijk, bron, tekst, door, vastgelegd_op)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, regionID, dossierID, d.PupilID, string(s.Kind), s.On.String(), nullDate(s.Due), src, text, s.By, now.UnixMilli())
		if err != nil {
			return fmt.Errorf("dossierstap vastleggen: %w", err)
		}
		return appendTrail(ctx, tx, regionID, trailOf(trail, dossierID, id))
	})
	if err != nil {
		return 0, fmt.Errorf("dossierstap opslaan: %w", err)
	}
	return id, nil
}

// DossierSteps returns the steps of a dossier in the order they happened (the timeline), their
// text opened.
func (db *DB) DossierSteps(ctx context.Context, regionID, dossierID int64) ([]StoredStep, error) {
	rows, err := db.Query(ctx, `SELECT id, leerling_id, soort, datum, uiterlijk, bron, tekst, door, vastgelegd_op FROM leerplicht_dossier_stap
		WHERE regio_id = ? AND dossier_id = ? ORDER BY datum, id`, regionID, dossierID)
	if err != nil {
		return nil, fmt.Errorf("dossierstappen lezen: %w", err)
	}
	type raw struct {
		s                  StoredStep
		pupil              int64
		kind, on, src, txt string
		due                sql.NullString
		at                 int64
	}
	var rs []raw
	for rows.Next() {
		var r raw
		if err := rows.Scan(&r.s.ID, &r.pupil, &r.kind, &r.on, &r.due, &r.src, &r.txt, &r.s.By, &r.at); err != nil {
			rows.Close()
			return nil, fmt.Errorf("dossierstappen lezen: %w", err)
		}
		rs = append(rs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("dossierstappen lezen: %w", err)
	}
	out := make([]StoredStep, 0, len(rs))
	for _, r := range rs {
		s := r.s
		s.DossierID, s.Kind, s.RecordedAt = dossierID, absence.StepKind(r.kind), time.UnixMilli(r.at).UTC()
		var errs [4]error
		s.On, errs[0] = absence.ParseDate(r.on)
		if r.due.Valid && r.due.String != "" {
			s.Due, errs[1] = absence.ParseDate(r.due.String)
		}
		s.Source, errs[2] = db.OpenForPupil(ctx, regionID, r.pupil, "leerplicht_dossier_stap.bron", r.src)
		s.Text, errs[3] = db.OpenForPupil(ctx, regionID, r.pupil, "leerplicht_dossier_stap.tekst", r.txt)
		if err := errors.Join(errs[:]...); err != nil {
			return nil, fmt.Errorf("dossierstap %d: %w", s.ID, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// CloseDossier closes an open dossier on the day with a reason, with its audit entries.
func (db *DB) CloseDossier(ctx context.Context, regionID, id int64, on absence.Date, reason string, trail DossierTrail) error {
	if reason == "" || on == 0 {
		return fmt.Errorf("%w: een dossier sluiten vraagt een datum en een reden", absence.ErrDossier)
	}
	return db.WithTx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, "UPDATE leerplicht_dossier SET status = 'gesloten', gesloten_op = ?, sluitreden = ? WHERE regio_id = ? AND id = ? AND status = 'open'",
			on.String(), reason, regionID, id)
		if err != nil {
			return fmt.Errorf("leerplichtdossier sluiten: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("%w: het dossier is al gesloten", absence.ErrDossier)
		}
		return appendTrail(ctx, tx, regionID, trailOf(trail, id, 0))
	})
}

// EnrolledOn says whether the pupil is enrolled at any school of the region on day.
func (db *DB) EnrolledOn(ctx context.Context, regionID, pupilID int64, day absence.Date) (bool, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT COUNT(*) FROM inschrijving WHERE regio_id = ? AND leerling_id = ? AND van <= ? AND (tot IS NULL OR tot = '' OR tot >= ?)`,
		regionID, pupilID, day.String(), day.String()).Scan(&n)
	return n > 0, wrapErr(err, "inschrijving op datum lezen")
}
