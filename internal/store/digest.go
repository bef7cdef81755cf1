package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/grondslag/grondslag/internal/civil"
	"github.com/grondslag/grondslag/internal/notice"
)

// The daily digest's settings and bookkeeping (migration 0510, internal/notice digest.go).

// DigestOn reports whether the user asked for the daily digest.
func (db *DB) DigestOn(ctx context.Context, regionID, userID int64) (bool, error) {
	var on int
	err := db.QueryRow(ctx, `SELECT aan FROM werklijst_overzicht WHERE regio_id = ? AND gebruiker_id = ?`, regionID, userID).Scan(&on)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("digest setting: %w", err)
	}
	return on == 1, nil
}

// SetDigest turns the user's daily digest on or off.
func (db *DB) SetDigest(ctx context.Context, regionID, userID int64, on bool) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE werklijst_overzicht SET aan = ? WHERE regio_id = ? AND gebruiker_id = ?`, boolInt(on), regionID, userID)
		if err != nil {
			return fmt.Errorf("digest setting: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		if _, err := tx.Exec(ctx, `INSERT INTO werklijst_overzicht (regio_id, gebruiker_id, aan) VALUES (?, ?, ?)`, regionID, userID, boolInt(on)); err != nil {
			return fmt.Errorf("digest setting: %w", err)
		}
		return nil
	})
}

// DigestRecipients returns the active users of the region with the digest on that did not get
// the digest of day yet (notice.DigestSource).
func (db *DB) DigestRecipients(ctx context.Context, regionID int64, day civil.Date) ([]notice.DigestRecipient, error) {
	rows, err := db.Query(ctx, `SELECT g.id, g.organisatie_id, o.soort, g.rol, g.naam, g.email FROM werklijst_overzicht w
		JOIN gebruiker g ON g.regio_id = w.regio_id AND g.id = w.gebruiker_id
		JOIN organisatie o ON o.regio_id = g.regio_id AND o.id = g.organisatie_id
		WHERE w.regio_id = ? AND w.aan = 1 AND g.actief = 1 AND (w.laatst_verstuurd IS NULL OR w.laatst_verstuurd < ?)
		ORDER BY g.id`, regionID, day.String())
	if err != nil {
		return nil, fmt.Errorf("digest recipients: %w", err)
	}
	defer rows.Close()
	var out []notice.DigestRecipient
	for rows.Next() {
		r := notice.DigestRecipient{RegionID: regionID}
		if err := rows.Scan(&r.UserID, &r.OrgID, &r.OrgKind, &r.Role, &r.Name, &r.Email); err != nil {
			return nil, fmt.Errorf("ontvangers van het overzicht lezen: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// MarkDigestSent records that the user got (or had nothing for) the digest of day.
func (db *DB) MarkDigestSent(ctx context.Context, regionID, userID int64, day civil.Date) error {
	_, err := db.Exec(ctx, `UPDATE werklijst_overzicht SET laatst_verstuurd = ? WHERE regio_id = ? AND gebruiker_id = ?`, day.String(), regionID, userID)
	if err != nil {
		return fmt.Errorf("digest sent: %w", err)
	}
	return nil
}
