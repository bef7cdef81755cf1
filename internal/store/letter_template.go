package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
)

// StoredLetterTemplate is absence.StoredLetterTemplate.
type StoredLetterTemplate = absence.StoredLetterTemplate

// SaveLetterTemplate stores a checked template as the next version of its kind in the region.
func (db *DB) SaveLetterTemplate(ctx context.Context, regionID int64, t absence.LetterTemplate, by int64, now time.Time) (int64, error) {
	var version int64
	err := db.WithTx(ctx, func(tx *Tx) error {
		var max sql.NullInt64
		if err := tx.QueryRow(ctx, "SELECT MAX(versie) FROM briefsjabloon WHERE regio_id = ? AND soort = ?", regionID, string(t.Kind())).Scan(&max); err != nil {
			return err
		}
		version = max.Int64 + 1
		_, err := tx.Exec(ctx, "INSERT INTO briefsjabloon (regio_id, soort, versie, tekst, door, opgeslagen_op) VALUES (?, ?, ?, ?, ?, ?)",
			regionID, string(t.Kind()), version, t.Text(), by, now.UnixMilli())
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("briefsjabloon opslaan: %w", err)
	}
	return version, nil
}

// LetterTemplateVersions returns the versions of a kind in the region, newest first.
func (db *DB) LetterTemplateVersions(ctx context.Context, regionID int64, kind absence.StepKind) ([]StoredLetterTemplate, error) {
	rows, err := db.Query(ctx, "SELECT versie, tekst, door, opgeslagen_op FROM briefsjabloon WHERE regio_id = ? AND soort = ? ORDER BY versie DESC", regionID, string(kind))
	if err != nil {
		return nil, fmt.Errorf("briefsjablonen lezen: %w", err)
	}
	defer rows.Close()
	var out []StoredLetterTemplate
	for rows.Next() {
		t := StoredLetterTemplate{Kind: kind}
		var at int64
		if err := rows.Scan(&t.Version, &t.Text, &t.By, &at); err != nil {
			return nil, err
		}
		t.At = time.UnixMilli(at).UTC()
		out = append(out, t)
	}
	return out, rows.Err()
}

// LetterTemplate returns the region's current template of a kind (ErrNotFound: none, the model
// text applies).
func (db *DB) LetterTemplate(ctx context.Context, regionID int64, kind absence.StepKind) (StoredLetterTemplate, error) {
	t := StoredLetterTemplate{Kind: kind}
	var at int64
	err := db.QueryRow(ctx, "SELECT versie, tekst, door, opgeslagen_op FROM briefsjabloon WHERE regio_id = ? AND soort = ? ORDER BY versie DESC LIMIT 1",
		regionID, string(kind)).Scan(&t.Version, &t.Text, &t.By, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return t, ErrNotFound
	}
	if err != nil {
		return t, fmt.Errorf("briefsjabloon lezen: %w", err)
	}
	t.At = time.UnixMilli(at).UTC()
	return t, nil
}
