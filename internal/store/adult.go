package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/civil"
)

// adulthoodCutoff is the latest birth date (YYYY-MM-DD) of someone who is 18 or older on today
// (YYYY-MM-DD): born on or before it means adult. A 29 February birth turns 18 on 1 March of a
// year without it (civil.AddYears keeps the month's last day, which is the cautious side).
func adulthoodCutoff(today string) string {
	d, err := civil.ParseISO(today)
	if err != nil {
		return "0000-00-00" // unparseable day: nobody counts as adult, the parent keeps gezag-based access unchanged
	}
	return d.AddYears(-18).String()
}

// AdultChild is auth.AdultChild.
type AdultChild = auth.AdultChild

// AdultChildren lists the parent's children (the parent has or had gezag) who are 18 or older on
// today, with whether they authorised the parent.
func (db *DB) AdultChildren(ctx context.Context, regionID, parentID int64, today civil.Date) ([]AdultChild, error) {
	rows, err := db.Query(ctx, `SELECT l.id, l.voornaam, l.geboortedatum,
		(SELECT MAX(m.gegeven_op) FROM ouder_machtiging m WHERE m.regio_id = l.regio_id AND m.leerling_id = l.id AND m.ouder_id = lo.ouder_id AND m.ingetrokken_op IS NULL)
		FROM leerling l JOIN leerling_ouder lo ON lo.regio_id = l.regio_id AND lo.leerling_id = l.id
		WHERE l.regio_id = ? AND lo.ouder_id = ? AND lo.gezag = 1 AND l.geboortedatum <= ? ORDER BY l.voornaam, l.id`,
		regionID, parentID, today.AddYears(-18).String())
	if err != nil {
		return nil, fmt.Errorf("meerderjarige kinderen lezen: %w", err)
	}
	defer rows.Close()
	var out []AdultChild
	for rows.Next() {
		var c AdultChild
		var birth string
		var at sql.NullInt64
		if err := rows.Scan(&c.PupilID, &c.FirstName, &birth, &at); err != nil {
			return nil, fmt.Errorf("meerderjarige kinderen lezen: %w", err)
		}
		b, err := civil.ParseISO(birth)
		if err != nil {
			return nil, fmt.Errorf("meerderjarige kinderen lezen: %w", err)
		}
		c.Since = b.AddYears(18)
		if at.Valid {
			c.Authorised, c.AuthorisedAt = true, time.UnixMilli(at.Int64)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ErrNotAdult is auth.ErrNotAdult.
var ErrNotAdult = auth.ErrNotAdult

// AuthoriseParent records that the young adult pupilID (18 or older on now) authorises parent
// parentID (a parent of the pupil) to keep access; a second authorisation while one is active
// is a no-op.
func (db *DB) AuthoriseParent(ctx context.Context, regionID, pupilID, parentID int64, now time.Time) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		var birth string
		var linked int
		err := tx.QueryRow(ctx, `SELECT l.geboortedatum, (SELECT COUNT(*) FROM leerling_ouder lo WHERE lo.regio_id = l.regio_id AND lo.leerling_id = l.id AND lo.ouder_id = ?)
			FROM leerling l WHERE l.regio_id = ? AND l.id = ?`, parentID, regionID, pupilID).Scan(&birth, &linked)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && linked == 0) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("machtiging van ouder vastleggen: %w", err)
		}
		b, err := civil.ParseISO(birth)
		if err != nil {
			return fmt.Errorf("machtiging van ouder vastleggen: %w", err)
		}
		if civil.AgeOn(b, civil.Today(now)) < 18 {
			return ErrNotAdult
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM ouder_machtiging WHERE regio_id = ? AND leerling_id = ? AND ouder_id = ? AND ingetrokken_op IS NULL",
			regionID, pupilID, parentID).Scan(&n); err != nil {
			return fmt.Errorf("machtiging van ouder vastleggen: %w", err)
		}
		if n > 0 {
			return nil
		}
		_, err = tx.Exec(ctx, "INSERT INTO ouder_machtiging (regio_id, leerling_id, ouder_id, gegeven_op) VALUES (?, ?, ?, ?)", regionID, pupilID, parentID, now.UnixMilli())
		return wrapErr(err, "machtiging van ouder vastleggen")
	})
}

// WithdrawParentAuthorisation ends the young adult's authorisations of parentID.
func (db *DB) WithdrawParentAuthorisation(ctx context.Context, regionID, pupilID, parentID int64, now time.Time) error {
	_, err := db.Exec(ctx, "UPDATE ouder_machtiging SET ingetrokken_op = ? WHERE regio_id = ? AND leerling_id = ? AND ouder_id = ? AND ingetrokken_op IS NULL",
		now.UnixMilli(), regionID, pupilID, parentID)
	if err != nil {
		return fmt.Errorf("machtiging intrekken: %w", err)
	}
	return nil
}

// AuthorisedParents returns the parents the young adult has authorised (active authorisations).
func (db *DB) AuthorisedParents(ctx context.Context, regionID, pupilID int64) (map[int64]bool, error) {
	rows, err := db.Query(ctx, "SELECT ouder_id FROM ouder_machtiging WHERE regio_id = ? AND leerling_id = ? AND ingetrokken_op IS NULL", regionID, pupilID)
	if err != nil {
		return nil, fmt.Errorf("gemachtigde ouders lezen: %w", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("gemachtigde ouders lezen: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}
