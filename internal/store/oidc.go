package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/grondslag/grondslag/internal/auth"
)

// OIDCBinding returns the account bound to issuer and subject, and whether there is one.
func (db *DB) OIDCBinding(ctx context.Context, regionID int64, issuer, subject string) (int64, bool, error) {
	var id int64
	err := db.QueryRow(ctx, `SELECT gebruiker_id FROM gebruiker_oidc WHERE regio_id = ? AND issuer = ? AND subject = ?`, regionID, issuer, subject).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, wrapErr(err, "OIDC-koppeling lezen")
}

// OIDCSubjectOf returns the subject the account is bound to at issuer ("" when none).
func (db *DB) OIDCSubjectOf(ctx context.Context, regionID, userID int64, issuer string) (string, error) {
	var sub string
	err := db.QueryRow(ctx, `SELECT subject FROM gebruiker_oidc WHERE regio_id = ? AND gebruiker_id = ? AND issuer = ?`, regionID, userID, issuer).Scan(&sub)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return sub, wrapErr(err, "OIDC-subject lezen")
}

// BindOIDC binds the account to issuer and subject. Binding again to the same pair is a no-op;
// an account bound to another subject at the issuer, or a subject bound to another account, is
// auth.ErrOIDCBound.
func (db *DB) BindOIDC(ctx context.Context, regionID, userID int64, issuer, subject string, now time.Time) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		var other int64
		err := tx.QueryRow(ctx, `SELECT gebruiker_id FROM gebruiker_oidc WHERE regio_id = ? AND issuer = ? AND subject = ?`, regionID, issuer, subject).Scan(&other)
		switch {
		case err == nil && other == userID:
			return nil
		case err == nil:
			return auth.ErrOIDCBound
		case !errors.Is(err, sql.ErrNoRows):
			return wrapErr(err, "OIDC-koppeling vastleggen")
		}
		var sub string
		err = tx.QueryRow(ctx, `SELECT subject FROM gebruiker_oidc WHERE regio_id = ? AND gebruiker_id = ? AND issuer = ?`, regionID, userID, issuer).Scan(&sub)
		if err == nil {
			return auth.ErrOIDCBound
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return wrapErr(err, "OIDC-koppeling vastleggen")
		}
		_, err = tx.Exec(ctx, `INSERT INTO gebruiker_oidc (regio_id, gebruiker_id, issuer, subject, gekoppeld_op) VALUES (?, ?, ?, ?, ?)`,
			regionID, userID, issuer, subject, now.UnixMilli())
		return wrapErr(err, "OIDC-koppeling vastleggen")
	})
}
