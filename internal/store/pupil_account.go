package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/civil"
	"github.com/grondslag/grondslag/internal/storage"
)

// The pupil's own account (issue 16): the school invites a pupil of 12 or older by e-mail; the
// pupil signs in with a one-time code sent there, like the parents.

// PupilAccount is auth.PupilAccount.
type PupilAccount = auth.PupilAccount

// ErrTooYoung is auth.ErrTooYoung.
var ErrTooYoung = auth.ErrTooYoung

// InvitePupil gives pupilID an account with email (replacing an earlier address). The pupil must
// be 12 or older on now.
func (db *DB) InvitePupil(ctx context.Context, regionID, pupilID int64, email, by string, now time.Time) error {
	email = strings.ToLower(strings.TrimSpace(email))
	if strings.Count(email, "@") != 1 || strings.ContainsAny(email, " <>") || len(email) > 254 {
		return fmt.Errorf("%w: %q is geen e-mailadres", ErrInvalidInput, email)
	}
	return db.WithTx(ctx, func(tx *Tx) error {
		var birth string
		err := tx.QueryRow(ctx, "SELECT geboortedatum FROM leerling WHERE regio_id = ? AND id = ?", regionID, pupilID).Scan(&birth)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("leerling uitnodigen: %w", err)
		}
		b, err := civil.ParseISO(birth)
		if err != nil {
			return fmt.Errorf("leerling uitnodigen: %w", err)
		}
		if civil.AgeOn(b, civil.Today(now)) < 12 {
			return ErrTooYoung
		}
		if _, err := tx.Exec(ctx, "DELETE FROM leerling_account WHERE regio_id = ? AND leerling_id = ?", regionID, pupilID); err != nil {
			return fmt.Errorf("leerling uitnodigen: %w", err)
		}
		_, err = tx.Exec(ctx, "INSERT INTO leerling_account (regio_id, leerling_id, email, uitgenodigd_door, uitgenodigd_op) VALUES (?, ?, ?, ?, ?)",
			regionID, pupilID, email, by, now.UnixMilli())
		return wrapErr(err, "leerling uitnodigen")
	})
}

// ErrInvalidInput marks input the store refuses with a Dutch message (storage.ErrInvalidInput).
var ErrInvalidInput = storage.ErrInvalidInput

const pupilAccountCols = `a.regio_id, a.leerling_id, l.voornaam, l.voornaam || ' ' || l.achternaam, a.email, l.geboortedatum`

func scanPupilAccount(sc interface{ Scan(...any) error }) (PupilAccount, error) {
	var p PupilAccount
	var birth string
	if err := sc.Scan(&p.RegionID, &p.PupilID, &p.FirstName, &p.Name, &p.Email, &birth); err != nil {
		return p, fmt.Errorf("leerlingaccount lezen: %w", err)
	}
	var err error
	p.BirthDate, err = civil.ParseISO(birth)
	return p, wrapErr(err, "leerlingaccount lezen")
}

// PupilAccountsByEmail returns the pupil accounts with this address (in any region).
func (db *DB) PupilAccountsByEmail(ctx context.Context, email string) ([]PupilAccount, error) {
	rows, err := db.Query(ctx, `SELECT `+pupilAccountCols+` FROM leerling_account a JOIN leerling l ON l.regio_id = a.regio_id AND l.id = a.leerling_id
		WHERE a.email = ? ORDER BY a.regio_id, a.leerling_id`, strings.ToLower(strings.TrimSpace(email)))
	if err != nil {
		return nil, fmt.Errorf("leerlingaccounts op e-mailadres lezen: %w", err)
	}
	defer rows.Close()
	var out []PupilAccount
	for rows.Next() {
		p, err := scanPupilAccount(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// PupilAccount returns one pupil's account.
func (db *DB) PupilAccount(ctx context.Context, regionID, pupilID int64) (PupilAccount, error) {
	p, err := scanPupilAccount(db.QueryRow(ctx, `SELECT `+pupilAccountCols+` FROM leerling_account a JOIN leerling l ON l.regio_id = a.regio_id AND l.id = a.leerling_id
		WHERE a.regio_id = ? AND a.leerling_id = ?`, regionID, pupilID))
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	return p, err
}

// CreatePupilLoginCode stores the hash of a one-time code for a pupil; older unused codes lapse.
func (db *DB) CreatePupilLoginCode(ctx context.Context, regionID, pupilID int64, hash string, expires, now time.Time) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE leerling_code SET gebruikt_op = ? WHERE regio_id = ? AND leerling_id = ? AND gebruikt_op IS NULL`, ms(now), regionID, pupilID); err != nil {
			return fmt.Errorf("inlogcode voor leerling maken: %w", err)
		}
		_, err := tx.Exec(ctx, `INSERT INTO leerling_code (regio_id, leerling_id, code_hash, verloopt_op, aangemaakt_op) VALUES (?, ?, ?, ?, ?)`,
			regionID, pupilID, hash, ms(expires), ms(now))
		return wrapErr(err, "inlogcode voor leerling maken")
	})
}

// UsePupilLoginCode checks a typed code against the pupil's open code, as UseLoginCode does for
// parents: every check is an attempt, a matching unexpired code is spent.
func (db *DB) UsePupilLoginCode(ctx context.Context, regionID, pupilID int64, hash string, maxAttempts int, now time.Time) (bool, error) {
	ok := false
	err := db.WithTx(ctx, func(tx *Tx) error {
		var id, attempts, expires int64
		var want string
		err := tx.QueryRow(ctx, `SELECT id, code_hash, pogingen, verloopt_op FROM leerling_code
			WHERE regio_id = ? AND leerling_id = ? AND gebruikt_op IS NULL ORDER BY id DESC LIMIT 1`, regionID, pupilID).Scan(&id, &want, &attempts, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("inlogcode van leerling gebruiken: %w", err)
		}
		if expires <= ms(now) || attempts >= int64(maxAttempts) {
			_, err := tx.Exec(ctx, `UPDATE leerling_code SET gebruikt_op = ? WHERE id = ?`, ms(now), id)
			return wrapErr(err, "inlogcode van leerling gebruiken")
		}
		if want == hash {
			ok = true
			_, err := tx.Exec(ctx, `UPDATE leerling_code SET gebruikt_op = ?, pogingen = pogingen + 1 WHERE id = ?`, ms(now), id)
			return wrapErr(err, "inlogcode van leerling gebruiken")
		}
		_, err = tx.Exec(ctx, `UPDATE leerling_code SET pogingen = pogingen + 1 WHERE id = ?`, id)
		return wrapErr(err, "inlogcode van leerling gebruiken")
	})
	if err != nil {
		return false, fmt.Errorf("use pupil login code: %w", err)
	}
	return ok, nil
}

// PupilAccountEmails returns up to limit addresses of pupil accounts in the region (the demo
// prints one so a person trying it can sign in as a pupil).
func (db *DB) PupilAccountEmails(ctx context.Context, regionID int64, limit int) ([]string, error) {
	rows, err := db.Query(ctx, "SELECT email FROM leerling_account WHERE regio_id = ? ORDER BY leerling_id LIMIT ?", regionID, limit)
	if err != nil {
		return nil, fmt.Errorf("e-mailadressen van leerlingaccounts lezen: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, fmt.Errorf("e-mailadressen van leerlingaccounts lezen: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
