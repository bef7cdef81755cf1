package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/grondslag/grondslag/internal/auth"
)

// The region's OpenID Connect provider for parents and pupils, and the bindings of its subjects
// to parents and pupils (migration 0595).

// CitizenOIDC is auth.CitizenOIDC.
type CitizenOIDC = auth.CitizenOIDC

// ErrCitizenBound is auth.ErrCitizenBound.
var ErrCitizenBound = auth.ErrCitizenBound

// SetCitizenOIDC configures (or replaces) the region's provider for parents and pupils.
func (db *DB) SetCitizenOIDC(ctx context.Context, c CitizenOIDC) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM oidc_burger WHERE regio_id = ?`, c.RegionID); err != nil {
			return fmt.Errorf("OIDC-instelling voor ouders opslaan: %w", err)
		}
		_, err := tx.Exec(ctx, `INSERT INTO oidc_burger (regio_id, naam, issuer, client_id, client_geheim) VALUES (?, ?, ?, ?, ?)`,
			c.RegionID, c.Name, c.Issuer, c.ClientID, c.Secret)
		return wrapErr(err, "OIDC-instelling voor ouders opslaan")
	})
}

// CitizenOIDCConfigs lists the regions' providers for parents and pupils.
func (db *DB) CitizenOIDCConfigs(ctx context.Context) ([]CitizenOIDC, error) {
	rows, err := db.Query(ctx, `SELECT regio_id, naam, issuer, client_id, client_geheim FROM oidc_burger ORDER BY regio_id`)
	if err != nil {
		return nil, fmt.Errorf("oidc voor ouders: %w", err)
	}
	defer rows.Close()
	var out []CitizenOIDC
	for rows.Next() {
		var c CitizenOIDC
		if err := rows.Scan(&c.RegionID, &c.Name, &c.Issuer, &c.ClientID, &c.Secret); err != nil {
			return nil, fmt.Errorf("OIDC-instellingen voor ouders lezen: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CitizenBinding finds the parent or pupil bound to the provider's subject.
func (db *DB) CitizenBinding(ctx context.Context, regionID int64, issuer, subject string) (parentID, pupilID int64, ok bool, err error) {
	var p, l sql.NullInt64
	err = db.QueryRow(ctx, `SELECT ouder_id, leerling_id FROM burger_oidc_koppeling WHERE regio_id = ? AND issuer = ? AND subject = ?`,
		regionID, issuer, subject).Scan(&p, &l)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, false, nil
	}
	return p.Int64, l.Int64, err == nil, wrapErr(err, "koppeling van ouder lezen")
}

// BindCitizen binds the provider's subject to a parent (parentID) or a pupil (pupilID). A person
// already bound to another subject of the provider gets ErrCitizenBound.
func (db *DB) BindCitizen(ctx context.Context, regionID int64, issuer, subject string, parentID, pupilID int64, now time.Time) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM burger_oidc_koppeling WHERE regio_id = ? AND issuer = ? AND subject <> ?
			AND (ouder_id = ? OR leerling_id = ?)`, regionID, issuer, subject, parentID, pupilID).Scan(&n); err != nil {
			return fmt.Errorf("ouder koppelen: %w", err)
		}
		if n > 0 {
			return ErrCitizenBound
		}
		if _, err := tx.Exec(ctx, `DELETE FROM burger_oidc_koppeling WHERE regio_id = ? AND issuer = ? AND subject = ?`, regionID, issuer, subject); err != nil {
			return fmt.Errorf("ouder koppelen: %w", err)
		}
		_, err := tx.Exec(ctx, `INSERT INTO burger_oidc_koppeling (regio_id, issuer, subject, ouder_id, leerling_id, gekoppeld_op) VALUES (?, ?, ?, ?, ?, ?)`,
			regionID, issuer, subject, optionalID(parentID), optionalID(pupilID), now.UnixMilli())
		return wrapErr(err, "ouder koppelen")
	})
}
