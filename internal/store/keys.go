package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/region"
)

// KeyFingerprints returns the fingerprints of the keys the region's data was written with
// (regio_sleutel), sorted by kind and version. Empty for a region from before key binding.
func (db *DB) KeyFingerprints(ctx context.Context, regionID int64) ([]ident.Fingerprint, error) {
	rows, err := db.Query(ctx, "SELECT soort, versie, vingerafdruk FROM regio_sleutel WHERE regio_id = ? ORDER BY soort, versie", regionID)
	if err != nil {
		return nil, fmt.Errorf("sleutelvingerafdrukken lezen: %w", err)
	}
	defer rows.Close()
	var out []ident.Fingerprint
	for rows.Next() {
		var f ident.Fingerprint
		if err := rows.Scan(&f.Kind, &f.Version, &f.Fingerprint); err != nil {
			return nil, fmt.Errorf("sleutelvingerafdrukken lezen: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// BindKeys records the fingerprints the region does not have yet (by kind and version) and
// returns how many it added. A recorded fingerprint that differs is refused: a binding is never
// changed, only extended by a rotation.
func (db *DB) BindKeys(ctx context.Context, regionID int64, fps []ident.Fingerprint, now time.Time) (int, error) {
	added := 0
	err := db.WithTx(ctx, func(tx *Tx) error {
		var err error
		added, err = bindKeys(ctx, tx, regionID, fps, now)
		return err
	})
	return added, err
}

func bindKeys(ctx context.Context, tx *Tx, regionID int64, fps []ident.Fingerprint, now time.Time) (int, error) {
	added := 0
	for _, f := range fps {
		var have string
		err := tx.QueryRow(ctx, "SELECT vingerafdruk FROM regio_sleutel WHERE regio_id = ? AND soort = ? AND versie = ?", regionID, f.Kind, f.Version).Scan(&have)
		switch {
		case err == nil && have == f.Fingerprint:
			continue
		case err == nil:
			return added, fmt.Errorf("%w: %s v%d is vastgelegd als %s, niet %s", ident.ErrKeyMismatch, f.Kind, f.Version, have, f.Fingerprint)
		case !errors.Is(err, sql.ErrNoRows):
			return added, wrapErr(err, "sleutels aan de regio koppelen")
		}
		if _, err := tx.Exec(ctx, "INSERT INTO regio_sleutel (regio_id, soort, versie, vingerafdruk, aangemaakt_op) VALUES (?, ?, ?, ?, ?)", regionID, f.Kind, f.Version, f.Fingerprint, now.UnixMilli()); err != nil {
			return added, fmt.Errorf("sleutels aan de regio koppelen: %w", err)
		}
		added++
	}
	return added, nil
}

// CreateRegionWithKeys stores a new region and the fingerprints of its fresh keys in one
// transaction.
func (db *DB) CreateRegionWithKeys(ctx context.Context, r region.Region, fps []ident.Fingerprint, now time.Time) (region.Region, error) {
	err := db.WithTx(ctx, func(tx *Tx) error {
		id, err := tx.InsertID(ctx, "INSERT INTO regio (code, naam, vakantieregio, aangemaakt_op) VALUES (?, ?, ?, ?)", r.Code, r.Name, string(r.Holiday), now.UnixMilli())
		r.ID = id
		if err != nil && isUnique(err) {
			return &region.FieldError{Field: "code", Msg: fmt.Sprintf("regio %q bestaat al", r.Code)}
		}
		if err != nil {
			return fmt.Errorf("regio met sleutels maken: %w", err)
		}
		_, err = bindKeys(ctx, tx, id, fps, now)
		return err
	})
	return r, err
}
