package store

// Web sign-in and the pupil read model of internal/web (issue 7). Tables: migration 0500.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/civil"
	"github.com/grondslag/grondslag/internal/dossier"
	"github.com/grondslag/grondslag/internal/region"
)

func ms(t time.Time) int64 { return t.UnixMilli() }

// reader runs read queries; *DB does so directly, *WebStore through prepared statements.
type reader interface {
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, q string, args ...any) *sql.Row
}

// WebStore is the store as the web server uses it on every request: the hot read queries
// (session, account, relation, pupil page) run as prepared statements, so that SQLite does not
// parse them again for each page. Everything else is the embedded *DB.
type WebStore struct {
	*DB
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// NewWebStore wraps db; Close the WebStore's statements with CloseStatements (the DB stays open).
func NewWebStore(db *DB) *WebStore { return &WebStore{DB: db, stmts: map[string]*sql.Stmt{}} }

func (w *WebStore) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if st, ok := w.stmts[q]; ok {
		return st, nil
	}
	st, err := w.DB.r.PrepareContext(ctx, w.DB.Rebind(q))
	if err != nil {
		return nil, err
	}
	w.stmts[q] = st
	return st, nil
}

// Query runs a read query as a prepared statement.
func (w *WebStore) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if w.DB.scopes != nil {
		return w.DB.Query(ctx, q, args...) // the scope's pool; pgx caches the prepared statement per connection
	}
	st, err := w.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// QueryRow runs a one-row read query as a prepared statement. A failure to prepare surfaces as
// the row's error (through a plain query, which reports it).
func (w *WebStore) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if w.DB.scopes != nil {
		return w.DB.QueryRow(ctx, q, args...)
	}
	st, err := w.stmt(ctx, q)
	if err != nil {
		return w.DB.QueryRow(ctx, q, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// CloseStatements closes the prepared statements.
func (w *WebStore) CloseStatements() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	var err error
	for q, st := range w.stmts {
		err = errors.Join(err, st.Close())
		delete(w.stmts, q)
	}
	return err
}

// Session returns the session with this id hash (prepared).
func (w *WebStore) Session(ctx context.Context, idHash string) (auth.Session, error) {
	return session(ctx, w, idHash)
}

// Account returns one account of the region (prepared).
func (w *WebStore) Account(ctx context.Context, regionID, userID int64) (auth.Account, error) {
	return scanAccount(w.QueryRow(ctx, accountSelect+` WHERE g.regio_id = ? AND g.id = ?`, regionID, userID))
}

// PupilRelations: see DB.PupilRelations (prepared).
func (w *WebStore) PupilRelations(ctx context.Context, a dossier.Actor, pupilID int64, today string) ([]dossier.RelationKind, error) {
	return pupilRelations(ctx, w, a, pupilID, today)
}

// HasMelding is DB.HasMelding through a prepared statement (asked on every pupil page).
func (w *WebStore) HasMelding(ctx context.Context, regionID, pupilID int64, now time.Time) (bool, error) {
	rows, err := w.Query(ctx, "SELECT status, status_op FROM verzuimmelding WHERE regio_id = ? AND leerling_id = ? AND status <> ?",
		regionID, pupilID, string(absence.StatusWithdrawn))
	if err != nil {
		return false, err
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var at int64
		if err := rows.Scan(&st, &at); err != nil {
			return false, fmt.Errorf("verzuimmelding zoeken: %w", err)
		}
		if absence.GivesGround(absence.Status(st), time.UnixMilli(at), now, absence.DefaultGroundRetention) {
			return true, nil
		}
	}
	return false, rows.Err()
}

// PupilBirth returns the pupil's date of birth (the zero Date for a pupil of another region or
// none), through a prepared statement: every decision about a pupil counts the age on its day.
func (w *WebStore) PupilBirth(ctx context.Context, regionID, pupilID int64) (civil.Date, error) {
	var s string
	err := w.QueryRow(ctx, "SELECT geboortedatum FROM leerling WHERE regio_id = ? AND id = ?", regionID, pupilID).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return civil.Date{}, nil
	}
	if err != nil {
		return civil.Date{}, fmt.Errorf("geboortedatum van leerling %d lezen: %w", pupilID, err)
	}
	d, err := civil.ParseISO(s)
	if err != nil {
		return civil.Date{}, fmt.Errorf("geboortedatum van leerling %d: %w", pupilID, err)
	}
	return d, nil
}

// SessionWithAccount returns a session and, for a professional's session, the account, in one
// query (the hot path of every signed-in request). For a parent's session the account is zero.
func (w *WebStore) SessionWithAccount(ctx context.Context, idHash string) (auth.Session, auth.Account, error) {
	var s auth.Session
	var a auth.Account
	var user, parent, pupil, aid, areg, aorg sql.NullInt64
	var stage string
	var created, last int64
	var kind, orgName, role, name, email, pw sql.NullString
	var active, confirmed, step sql.NullInt64
	var secret []byte
	err := w.QueryRow(ctx, `SELECT s.id_hash, s.regio_id, s.gebruiker_id, s.ouder_id, s.leerling_id, s.fase, s.csrf, s.doel, s.aangemaakt_op, s.laatst_actief_op,
		g.id, g.regio_id, g.organisatie_id, o.soort, o.naam, g.rol, g.naam, g.email, g.actief,
		i.wachtwoord_hash, i.totp_geheim, i.totp_bevestigd, i.totp_laatste_stap
		FROM sessie s
		LEFT JOIN gebruiker g ON g.regio_id = s.regio_id AND g.id = s.gebruiker_id
		LEFT JOIN organisatie o ON o.regio_id = g.regio_id AND o.id = g.organisatie_id
		LEFT JOIN gebruiker_inlog i ON i.regio_id = g.regio_id AND i.gebruiker_id = g.id
		WHERE s.id_hash = ?`, idHash).
		Scan(&s.IDHash, &s.RegionID, &user, &parent, &pupil, &stage, &s.CSRF, &s.Purpose, &created, &last,
			&aid, &areg, &aorg, &kind, &orgName, &role, &name, &email, &active, &pw, &secret, &confirmed, &step)
	if errors.Is(err, sql.ErrNoRows) {
		return s, a, auth.ErrNoSession
	}
	if err != nil {
		return s, a, fmt.Errorf("session with account: %w", err)
	}
	s.UserID, s.ParentID, s.PupilID, s.Stage = user.Int64, parent.Int64, pupil.Int64, auth.Stage(stage)
	s.Created, s.LastSeen = fromMS(created), fromMS(last)
	if aid.Valid {
		a = auth.Account{ID: aid.Int64, RegionID: areg.Int64, OrgID: aorg.Int64, OrgKind: kind.String, OrgName: orgName.String, Role: role.String,
			Name: name.String, Email: email.String, Active: active.Int64 == 1, PasswordHash: pw.String, TOTPSealed: secret,
			TOTPConfirmed: confirmed.Int64 == 1, TOTPLastStep: step.Int64}
	}
	return s, a, nil
}

// DossierPupil: see DB.DossierPupil (prepared).
func (w *WebStore) DossierPupil(ctx context.Context, regionID, pupilID int64, today string, want dossier.Want) (dossier.Pupil, error) {
	return dossierPupil(ctx, w, regionID, pupilID, today, want)
}

func fromMS(v int64) time.Time { return time.UnixMilli(v) }

const accountSelect = `SELECT g.id, g.regio_id, g.organisatie_id, o.soort, o.naam, g.rol, g.naam, g.email, g.actief,
	COALESCE(i.wachtwoord_hash, ''), i.totp_geheim, COALESCE(i.totp_bevestigd, 0), COALESCE(i.totp_laatste_stap, 0)
FROM gebruiker g
JOIN organisatie o ON o.regio_id = g.regio_id AND o.id = g.organisatie_id
LEFT JOIN gebruiker_inlog i ON i.regio_id = g.regio_id AND i.gebruiker_id = g.id`

func scanAccount(row interface{ Scan(...any) error }) (auth.Account, error) {
	var a auth.Account
	var active, confirmed int
	err := row.Scan(&a.ID, &a.RegionID, &a.OrgID, &a.OrgKind, &a.OrgName, &a.Role, &a.Name, &a.Email, &active,
		&a.PasswordHash, &a.TOTPSealed, &confirmed, &a.TOTPLastStep)
	if errors.Is(err, sql.ErrNoRows) {
		return a, auth.ErrNoAccount
	}
	a.Active, a.TOTPConfirmed = active == 1, confirmed == 1
	return a, err
}

// AccountsByEmail returns the accounts with this e-mail address, in every region (the login page
// asks for the region only when more than one matches).
func (db *DB) AccountsByEmail(ctx context.Context, email string) ([]auth.Account, error) {
	rows, err := db.Query(ctx, accountSelect+` WHERE LOWER(g.email) = ? ORDER BY g.regio_id`, auth.NormaliseEmail(email))
	if err != nil {
		return nil, fmt.Errorf("accounts by email: %w", err)
	}
	defer rows.Close()
	var out []auth.Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Account returns one account of the region.
func (db *DB) Account(ctx context.Context, regionID, userID int64) (auth.Account, error) {
	return scanAccount(db.QueryRow(ctx, accountSelect+` WHERE g.regio_id = ? AND g.id = ?`, regionID, userID))
}

// Accounts lists the region's accounts (for the beheerder), without their secrets.
func (db *DB) Accounts(ctx context.Context, regionID int64) ([]auth.Account, error) {
	rows, err := db.Query(ctx, accountSelect+` WHERE g.regio_id = ? ORDER BY o.naam, g.naam`, regionID)
	if err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	defer rows.Close()
	var out []auth.Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		a.PasswordHash, a.TOTPSealed = "", nil
		out = append(out, a)
	}
	return out, rows.Err()
}

// upsertLogin makes sure the gebruiker_inlog row exists.
func upsertLogin(ctx context.Context, tx *Tx, regionID, userID int64, now time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO gebruiker_inlog (regio_id, gebruiker_id, gewijzigd_op) VALUES (?, ?, ?)
		ON CONFLICT (regio_id, gebruiker_id) DO NOTHING`, regionID, userID, ms(now))
	return wrapErr(err, "inlogaccount vastleggen")
}

// SetPasswordHash stores an argon2id hash (see auth.HashPassword) for the user.
func (db *DB) SetPasswordHash(ctx context.Context, regionID, userID int64, hash string, now time.Time) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if err := upsertLogin(ctx, tx, regionID, userID, now); err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		_, err := tx.Exec(ctx, `UPDATE gebruiker_inlog SET wachtwoord_hash = ?, gewijzigd_op = ? WHERE regio_id = ? AND gebruiker_id = ?`, hash, ms(now), regionID, userID)
		return wrapErr(err, "wachtwoord vastleggen")
	})
}

// SetTOTP stores a sealed TOTP secret; confirmed says whether the user has proven a code for it.
// Replacing the secret resets the replay counter.
func (db *DB) SetTOTP(ctx context.Context, regionID, userID int64, sealed []byte, confirmed bool, now time.Time) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if err := upsertLogin(ctx, tx, regionID, userID, now); err != nil {
			return fmt.Errorf("set totp: %w", err)
		}
		_, err := tx.Exec(ctx, `UPDATE gebruiker_inlog SET totp_geheim = ?, totp_bevestigd = ?, totp_laatste_stap = 0, gewijzigd_op = ? WHERE regio_id = ? AND gebruiker_id = ?`,
			sealed, boolInt(confirmed), ms(now), regionID, userID)
		return wrapErr(err, "TOTP-geheim vastleggen")
	})
}

// UseTOTPStep records that the TOTP code of step was accepted, and confirms the enrolment. It
// returns false when that step (or a later one) was already used: a replayed code.
func (db *DB) UseTOTPStep(ctx context.Context, regionID, userID, step int64, now time.Time) (bool, error) {
	res, err := db.Exec(ctx, `UPDATE gebruiker_inlog SET totp_laatste_stap = ?, totp_bevestigd = 1, gewijzigd_op = ?
		WHERE regio_id = ? AND gebruiker_id = ? AND totp_laatste_stap < ?`, step, ms(now), regionID, userID, step)
	if err != nil {
		return false, fmt.Errorf("use totp step: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, wrapErr(err, "TOTP-stap gebruiken")
}

// ReplaceRecoveryCodes replaces the user's recovery codes by these hashes.
func (db *DB) ReplaceRecoveryCodes(ctx context.Context, regionID, userID int64, hashes []string, now time.Time) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM herstelcode WHERE regio_id = ? AND gebruiker_id = ?`, regionID, userID); err != nil {
			return fmt.Errorf("herstelcodes vervangen: %w", err)
		}
		for _, h := range hashes {
			if _, err := tx.Exec(ctx, `INSERT INTO herstelcode (regio_id, gebruiker_id, code_hash, aangemaakt_op) VALUES (?, ?, ?, ?)`, regionID, userID, h, ms(now)); err != nil {
				return fmt.Errorf("recovery code: %w", err)
			}
		}
		return nil
	})
}

// UseRecoveryCode spends one unused recovery code; false when no unused code has this hash.
func (db *DB) UseRecoveryCode(ctx context.Context, regionID, userID int64, hash string, now time.Time) (bool, error) {
	res, err := db.Exec(ctx, `UPDATE herstelcode SET gebruikt_op = ? WHERE regio_id = ? AND gebruiker_id = ? AND code_hash = ? AND gebruikt_op IS NULL`,
		ms(now), regionID, userID, hash)
	if err != nil {
		return false, fmt.Errorf("use recovery code: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, wrapErr(err, "herstelcode gebruiken")
}

// RecoveryCodesLeft counts the user's unused recovery codes.
func (db *DB) RecoveryCodesLeft(ctx context.Context, regionID, userID int64) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT COUNT(*) FROM herstelcode WHERE regio_id = ? AND gebruiker_id = ? AND gebruikt_op IS NULL`, regionID, userID).Scan(&n)
	return n, wrapErr(err, "resterende herstelcodes tellen")
}

// ---- sessions

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func insertSession(ctx context.Context, q func(context.Context, string, ...any) (sql.Result, error), s auth.Session) error {
	_, err := q(ctx, `INSERT INTO sessie (id_hash, regio_id, gebruiker_id, ouder_id, leerling_id, fase, csrf, doel, aangemaakt_op, laatst_actief_op) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.IDHash, s.RegionID, nullID(s.UserID), nullID(s.ParentID), nullID(s.PupilID), string(s.Stage), s.CSRF, s.Purpose, ms(s.Created), ms(s.LastSeen))
	return err
}

// CreateSession stores a new session.
func (db *DB) CreateSession(ctx context.Context, s auth.Session) error {
	if err := insertSession(ctx, db.Exec, s); err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// ErrNoSession is returned when a session id is unknown.
var ErrNoSession = auth.ErrNoSession

// Session returns the session with this id hash.
func (db *DB) Session(ctx context.Context, idHash string) (auth.Session, error) {
	return session(ctx, db, idHash)
}

func session(ctx context.Context, db reader, idHash string) (auth.Session, error) {
	var s auth.Session
	var user, parent, pupil sql.NullInt64
	var stage string
	var created, last int64
	err := db.QueryRow(ctx, `SELECT id_hash, regio_id, gebruiker_id, ouder_id, leerling_id, fase, csrf, doel, aangemaakt_op, laatst_actief_op FROM sessie WHERE id_hash = ?`, idHash).
		Scan(&s.IDHash, &s.RegionID, &user, &parent, &pupil, &stage, &s.CSRF, &s.Purpose, &created, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return s, ErrNoSession
	}
	if err != nil {
		return s, fmt.Errorf("session: %w", err)
	}
	s.UserID, s.ParentID, s.PupilID, s.Stage = user.Int64, parent.Int64, pupil.Int64, auth.Stage(stage)
	s.Created, s.LastSeen = fromMS(created), fromMS(last)
	return s, nil
}

// TouchSession records activity on a session (for the idle timeout).
func (db *DB) TouchSession(ctx context.Context, idHash string, now time.Time) error {
	_, err := db.Exec(ctx, `UPDATE sessie SET laatst_actief_op = ? WHERE id_hash = ?`, ms(now), idHash)
	return wrapErr(err, "sessie bijwerken")
}

// SetSessionPurpose records the purpose (doel) the user works under.
func (db *DB) SetSessionPurpose(ctx context.Context, idHash, purpose string) error {
	_, err := db.Exec(ctx, `UPDATE sessie SET doel = ? WHERE id_hash = ?`, purpose, idHash)
	return wrapErr(err, "doel van de sessie vastleggen")
}

// RotateSession replaces the session oldHash by next in one transaction: the old id stops working
// at once (no session fixation across a change of privilege).
func (db *DB) RotateSession(ctx context.Context, oldHash string, next auth.Session) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM sessie WHERE id_hash = ?`, oldHash); err != nil {
			return fmt.Errorf("sessie vernieuwen: %w", err)
		}
		if err := insertSession(ctx, tx.Exec, next); err != nil {
			return fmt.Errorf("rotate session: %w", err)
		}
		return nil
	})
}

// DeleteSession ends a session.
func (db *DB) DeleteSession(ctx context.Context, idHash string) error {
	_, err := db.Exec(ctx, `DELETE FROM sessie WHERE id_hash = ?`, idHash)
	return wrapErr(err, "sessie verwijderen")
}

// DeleteExpiredSessions removes sessions created before createdBefore or idle since idleBefore.
func (db *DB) DeleteExpiredSessions(ctx context.Context, createdBefore, idleBefore time.Time) (int64, error) {
	res, err := db.Exec(ctx, `DELETE FROM sessie WHERE aangemaakt_op < ? OR laatst_actief_op < ?`, ms(createdBefore), ms(idleBefore))
	if err != nil {
		return 0, fmt.Errorf("verlopen sessies verwijderen: %w", err)
	}
	return res.RowsAffected()
}

// ---- throttling

// ThrottleLocked reports whether any of the keys is locked at now.
func (db *DB) ThrottleLocked(ctx context.Context, keys []string, now time.Time) (bool, error) {
	if len(keys) == 0 {
		return false, nil
	}
	args := []any{ms(now)}
	for _, k := range keys {
		args = append(args, k)
	}
	var n int
	err := db.QueryRow(ctx, `SELECT COUNT(*) FROM inlog_beperking WHERE geblokkeerd_tot > ? AND sleutel IN (?`+strings.Repeat(", ?", len(keys)-1)+`)`, args...).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("throttle: %w", err)
	}
	return n > 0, nil
}

// ThrottleFail counts a failure for key within window and locks the key for lock once max
// failures are reached. One atomic upsert, so instances sharing the database count together.
func (db *DB) ThrottleFail(ctx context.Context, key string, max int, window, lock time.Duration, now time.Time) (locked bool, err error) {
	n, start := ms(now), ms(now.Add(-window))
	var count int64
	err = db.WithTx(ctx, func(tx *Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO inlog_beperking (sleutel, mislukt, venster_start, geblokkeerd_tot) VALUES (?, 1, ?, 0)
			ON CONFLICT (sleutel) DO UPDATE SET
				mislukt = CASE WHEN inlog_beperking.venster_start < ? THEN 1 ELSE inlog_beperking.mislukt + 1 END,
				venster_start = CASE WHEN inlog_beperking.venster_start < ? THEN ? ELSE inlog_beperking.venster_start END
			RETURNING mislukt`, key, n, start, start, n).Scan(&count); err != nil {
			return fmt.Errorf("mislukte poging vastleggen: %w", err)
		}
		if count >= int64(max) {
			_, err := tx.Exec(ctx, `UPDATE inlog_beperking SET geblokkeerd_tot = ?, mislukt = 0, venster_start = ? WHERE sleutel = ?`, ms(now.Add(lock)), n, key)
			locked = true
			return wrapErr(err, "mislukte poging vastleggen")
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("throttle fail: %w", err)
	}
	return locked, nil
}

// ThrottleReset clears the failures of key (after a successful login of that account).
func (db *DB) ThrottleReset(ctx context.Context, key string) error {
	_, err := db.Exec(ctx, `DELETE FROM inlog_beperking WHERE sleutel = ? AND geblokkeerd_tot = 0`, key)
	return wrapErr(err, "pogingen herstellen")
}

// ---- parents and one-time codes

// ParentsByEmail returns the parents with this e-mail address who have gezag over at least one
// pupil (only they get a portal).
func (db *DB) ParentsByEmail(ctx context.Context, email string) ([]auth.Parent, error) {
	rows, err := db.Query(ctx, `SELECT o.id, o.regio_id, o.voornaam || ' ' || o.achternaam, o.email FROM ouder o
		WHERE LOWER(o.email) = ? AND EXISTS (SELECT 1 FROM leerling_ouder lo WHERE lo.regio_id = o.regio_id AND lo.ouder_id = o.id AND lo.gezag = 1)
		ORDER BY o.regio_id, o.id`, auth.NormaliseEmail(email))
	if err != nil {
		return nil, fmt.Errorf("parents by email: %w", err)
	}
	defer rows.Close()
	var out []auth.Parent
	for rows.Next() {
		var p auth.Parent
		if err := rows.Scan(&p.ID, &p.RegionID, &p.Name, &p.Email); err != nil {
			return nil, fmt.Errorf("ouders op e-mailadres lezen: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Parent returns one parent.
func (db *DB) Parent(ctx context.Context, regionID, parentID int64) (auth.Parent, error) {
	var p auth.Parent
	var email sql.NullString
	err := db.QueryRow(ctx, `SELECT id, regio_id, voornaam || ' ' || achternaam, email FROM ouder WHERE regio_id = ? AND id = ?`, regionID, parentID).
		Scan(&p.ID, &p.RegionID, &p.Name, &email)
	if errors.Is(err, sql.ErrNoRows) {
		return p, auth.ErrNoAccount
	}
	p.Email = email.String
	return p, wrapErr(err, "ouder lezen")
}

// CreateLoginCode stores the hash of a one-time code for a parent; older unused codes lapse.
func (db *DB) CreateLoginCode(ctx context.Context, regionID, parentID int64, hash string, expires, now time.Time) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE eenmalige_code SET gebruikt_op = ? WHERE regio_id = ? AND ouder_id = ? AND gebruikt_op IS NULL`, ms(now), regionID, parentID); err != nil {
			return fmt.Errorf("inlogcode maken: %w", err)
		}
		_, err := tx.Exec(ctx, `INSERT INTO eenmalige_code (regio_id, ouder_id, code_hash, verloopt_op, aangemaakt_op) VALUES (?, ?, ?, ?, ?)`,
			regionID, parentID, hash, ms(expires), ms(now))
		return wrapErr(err, "inlogcode maken")
	})
}

// UseLoginCode checks a typed code against the parent's open code. Each check counts as an
// attempt; after maxAttempts the code lapses. True only for a matching, unexpired, unused code,
// which is then spent.
func (db *DB) UseLoginCode(ctx context.Context, regionID, parentID int64, hash string, maxAttempts int, now time.Time) (bool, error) {
	ok := false
	err := db.WithTx(ctx, func(tx *Tx) error {
		var id, attempts, expires int64
		var want string
		err := tx.QueryRow(ctx, `SELECT id, code_hash, pogingen, verloopt_op FROM eenmalige_code
			WHERE regio_id = ? AND ouder_id = ? AND gebruikt_op IS NULL ORDER BY id DESC LIMIT 1`, regionID, parentID).Scan(&id, &want, &attempts, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("inlogcode gebruiken: %w", err)
		}
		if expires <= ms(now) || attempts >= int64(maxAttempts) {
			_, err := tx.Exec(ctx, `UPDATE eenmalige_code SET gebruikt_op = ? WHERE id = ?`, ms(now), id)
			return wrapErr(err, "inlogcode gebruiken")
		}
		if want == hash {
			ok = true
			_, err := tx.Exec(ctx, `UPDATE eenmalige_code SET gebruikt_op = ?, pogingen = pogingen + 1 WHERE id = ?`, ms(now), id)
			return wrapErr(err, "inlogcode gebruiken")
		}
		_, err = tx.Exec(ctx, `UPDATE eenmalige_code SET pogingen = pogingen + 1 WHERE id = ?`, id)
		return wrapErr(err, "inlogcode gebruiken")
	})
	if err != nil {
		return false, fmt.Errorf("use login code: %w", err)
	}
	return ok, nil
}

// ---- API clients

// CreateAPIClient registers an API client of an organisation under a token hash.
func (db *DB) CreateAPIClient(ctx context.Context, c auth.APIClient, tokenHash string, now time.Time) (int64, error) {
	var id int64
	err := db.WithTx(ctx, func(tx *Tx) error {
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO api_client (regio_id, organisatie_id, naam, rol, token_hash, scopes, aangemaakt_op) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			c.RegionID, c.OrgID, c.Name, c.Role, tokenHash, strings.Join(c.Scopes, " "), ms(now))
		return wrapErr(err, "API-client maken")
	})
	if err != nil {
		return 0, fmt.Errorf("create api client: %w", err)
	}
	return id, nil
}

// APIClientByToken returns the client holding the token with this hash.
func (db *DB) APIClientByToken(ctx context.Context, tokenHash string) (auth.APIClient, error) {
	var c auth.APIClient
	var scopes string
	var revoked sql.NullInt64
	err := db.QueryRow(ctx, `SELECT c.id, c.regio_id, c.organisatie_id, o.soort, c.naam, c.rol, c.scopes, c.ingetrokken_op
		FROM api_client c JOIN organisatie o ON o.regio_id = c.regio_id AND o.id = c.organisatie_id WHERE c.token_hash = ?`, tokenHash).
		Scan(&c.ID, &c.RegionID, &c.OrgID, &c.OrgKind, &c.Name, &c.Role, &scopes, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return c, auth.ErrNoAccount
	}
	if err != nil {
		return c, fmt.Errorf("api client: %w", err)
	}
	c.Scopes, c.Revoked = strings.Fields(scopes), revoked.Valid
	return c, nil
}

// RevokeAPIClient withdraws a client's token.
func (db *DB) RevokeAPIClient(ctx context.Context, regionID, id int64, now time.Time) error {
	_, err := db.Exec(ctx, `UPDATE api_client SET ingetrokken_op = ? WHERE regio_id = ? AND id = ? AND ingetrokken_op IS NULL`, ms(now), regionID, id)
	return wrapErr(err, "API-client intrekken")
}

// ---- OIDC

// SetOIDC stores the OIDC login of an organisation (the client secret sealed by the caller).
func (db *DB) SetOIDC(ctx context.Context, c auth.OIDCConfig, sealedSecret []byte) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM oidc_koppeling WHERE regio_id = ? AND organisatie_id = ?`, c.RegionID, c.OrgID); err != nil {
			return fmt.Errorf("OIDC-instelling opslaan: %w", err)
		}
		_, err := tx.Exec(ctx, `INSERT INTO oidc_koppeling (regio_id, organisatie_id, issuer, client_id, client_geheim, mfa_van_idp) VALUES (?, ?, ?, ?, ?, ?)`,
			c.RegionID, c.OrgID, c.Issuer, c.ClientID, sealedSecret, boolInt(c.MFAFromIdP))
		return wrapErr(err, "OIDC-instelling opslaan")
	})
}

// OIDCConfigs lists every organisation with an OIDC login; ClientSecret holds the sealed secret
// as stored (the caller opens it).
func (db *DB) OIDCConfigs(ctx context.Context) ([]auth.OIDCConfig, [][]byte, error) {
	rows, err := db.Query(ctx, `SELECT k.regio_id, k.organisatie_id, o.naam, k.issuer, k.client_id, k.client_geheim, k.mfa_van_idp
		FROM oidc_koppeling k JOIN organisatie o ON o.regio_id = k.regio_id AND o.id = k.organisatie_id ORDER BY o.naam`)
	if err != nil {
		return nil, nil, fmt.Errorf("oidc configs: %w", err)
	}
	defer rows.Close()
	var out []auth.OIDCConfig
	var secrets [][]byte
	for rows.Next() {
		var c auth.OIDCConfig
		var sec []byte
		var mfa int
		if err := rows.Scan(&c.RegionID, &c.OrgID, &c.OrgName, &c.Issuer, &c.ClientID, &sec, &mfa); err != nil {
			return nil, nil, fmt.Errorf("OIDC-instellingen lezen: %w", err)
		}
		c.MFAFromIdP = mfa == 1
		out = append(out, c)
		secrets = append(secrets, sec)
	}
	return out, secrets, rows.Err()
}

// AccountInOrgByEmail finds the account of an organisation with this e-mail (OIDC login).
func (db *DB) AccountInOrgByEmail(ctx context.Context, regionID, orgID int64, email string) (auth.Account, error) {
	return scanAccount(db.QueryRow(ctx, accountSelect+` WHERE g.regio_id = ? AND g.organisatie_id = ? AND LOWER(g.email) = ?`, regionID, orgID, auth.NormaliseEmail(email)))
}

// ---- the pupil read model (visibility by recognised relation)

// relationClauses returns, per relation kind the actor can hold, an SQL condition on pupil l and
// its arguments: enrolment at the actor's school; a verzuimmelding (not withdrawn) about a pupil
// living in the actor's gemeente; an open case in which the actor takes part (not having
// refused); a consent (given, not withdrawn, valid today) naming the actor's organisation as
// recipient; and gezag of a parent.
func relationClauses(a dossier.Actor, today string) (kinds []dossier.RelationKind, conds []string, args [][]any) {
	if a.PupilID != 0 {
		kinds = append(kinds, dossier.RelSelf)
		conds = append(conds, `l.id = ?`)
		args = append(args, []any{a.PupilID})
		return
	}
	if a.ParentID != 0 {
		// Gezag ends at 18 (BW 1:233): from the 18th birthday a parent sees the young adult's data
		// only with the young adult's authorisation (ouder_machtiging).
		kinds = append(kinds, dossier.RelGuardian)
		conds = append(conds, `EXISTS (SELECT 1 FROM leerling_ouder lo WHERE lo.regio_id = l.regio_id AND lo.leerling_id = l.id AND lo.ouder_id = ? AND lo.gezag = 1)
			AND (l.geboortedatum > ? OR EXISTS (SELECT 1 FROM ouder_machtiging m WHERE m.regio_id = l.regio_id AND m.leerling_id = l.id AND m.ouder_id = ? AND m.ingetrokken_op IS NULL))`)
		args = append(args, []any{a.ParentID, adulthoodCutoff(today), a.ParentID})
		return
	}
	if a.Party == "school" && a.OrgID != 0 && a.Role == string(region.RoleMentor) {
		// A mentor: only the pupils of his own classes (mentor_klas, issue 15).
		kinds = append(kinds, dossier.RelEnrolled)
		conds = append(conds, `EXISTS (SELECT 1 FROM inschrijving i WHERE i.regio_id = l.regio_id AND i.leerling_id = l.id AND i.school_id = ? AND i.van <= ? AND (i.tot IS NULL OR i.tot >= ?) AND `+mentorClassCond+`)`)
		args = append(args, []any{a.OrgID, today, today, a.UserID})
	} else if a.Party == "school" && a.OrgID != 0 {
		kinds = append(kinds, dossier.RelEnrolled)
		conds = append(conds, `EXISTS (SELECT 1 FROM inschrijving i WHERE i.regio_id = l.regio_id AND i.leerling_id = l.id AND i.school_id = ? AND i.van <= ? AND (i.tot IS NULL OR i.tot >= ?))`)
		args = append(args, []any{a.OrgID, today, today})
	}
	if a.Party == "gemeente" && a.OrgID != 0 {
		kinds = append(kinds, dossier.RelMelding)
		conds = append(conds, `(l.woongemeente_id = ? AND EXISTS (SELECT 1 FROM verzuimmelding m WHERE m.regio_id = l.regio_id AND m.leerling_id = l.id AND m.status <> 'ingetrokken'))`)
		args = append(args, []any{a.OrgID})
	}
	if a.UserID != 0 {
		kinds = append(kinds, dossier.RelCase)
		conds = append(conds, `EXISTS (SELECT 1 FROM casus c JOIN casus_deelnemer d ON d.regio_id = c.regio_id AND d.casus_id = c.id
			WHERE c.regio_id = l.regio_id AND c.leerling_id = l.id AND c.afgesloten_op IS NULL AND d.gebruiker_id = ? AND d.status <> 'geweigerd')`)
		args = append(args, []any{a.UserID})
	}
	if a.OrgID != 0 {
		kinds = append(kinds, dossier.RelConsent)
		conds = append(conds, `EXISTS (SELECT 1 FROM toestemming t JOIN toestemming_ontvanger o ON o.regio_id = t.regio_id AND o.toestemming_id = t.id
			WHERE t.regio_id = l.regio_id AND t.leerling_id = l.id AND t.status = 'gegeven' AND t.ingetrokken_op IS NULL
			AND t.geldig_van <= ? AND (t.geldig_tot IS NULL OR t.geldig_tot >= ?) AND o.organisatie_id = ?)`)
		args = append(args, []any{today, today, a.OrgID})
	}
	return
}

const pupilSummaryCols = `l.id, l.pseudoniem, l.voornaam, l.achternaam, l.geboortedatum,
	COALESCE((SELECT o.naam FROM inschrijving i JOIN organisatie o ON o.regio_id = i.regio_id AND o.id = i.school_id
		WHERE i.regio_id = l.regio_id AND i.leerling_id = l.id AND i.van <= ? AND (i.tot IS NULL OR i.tot >= ?) ORDER BY i.van DESC LIMIT 1), ''),
	COALESCE((SELECT i.leerjaar FROM inschrijving i
		WHERE i.regio_id = l.regio_id AND i.leerling_id = l.id AND i.van <= ? AND (i.tot IS NULL OR i.tot >= ?) ORDER BY i.van DESC LIMIT 1), '')`

// relationSource is, per relation kind, a query of the ids of the pupils who may hold that
// relation with the actor, read from the relation's own index (the school's enrolments, the
// actor's cases, the consents naming the actor's organisation, the parent's children, the
// region's meldingen). A source may return more pupils than hold the relation; it must never
// return fewer. "" when the kind has no source: the caller then falls back to the whole region.
func relationSource(k dossier.RelationKind, a dossier.Actor, today string) (string, []any) {
	switch k {
	case dossier.RelSelf:
		return `SELECT CAST(? AS BIGINT) AS leerling_id`, []any{a.PupilID}
	case dossier.RelGuardian:
		return `SELECT lo.leerling_id FROM leerling_ouder lo WHERE lo.regio_id = ? AND lo.ouder_id = ?`, []any{a.RegionID, a.ParentID}
	case dossier.RelEnrolled:
		if a.Role == string(region.RoleMentor) {
			// A mentor's candidates are the enrolments of his own groups only (one index range
			// per group), not the whole school's.
			return `SELECT i.leerling_id FROM mentor_klas mk CROSS JOIN inschrijving i
				WHERE mk.regio_id = ? AND mk.gebruiker_id = ? AND i.regio_id = mk.regio_id AND i.school_id = ? AND i.klas = mk.klas AND i.van <= ? AND (i.tot IS NULL OR i.tot >= ?)`, []any{a.RegionID, a.UserID, a.OrgID, today, today}
		}
		return `SELECT i.leerling_id FROM inschrijving i WHERE i.regio_id = ? AND i.school_id = ? AND i.van <= ? AND (i.tot IS NULL OR i.tot >= ?)`, []any{a.RegionID, a.OrgID, today, today}
	case dossier.RelMelding:
		return `SELECT m.leerling_id FROM verzuimmelding m WHERE m.regio_id = ? AND m.status <> 'ingetrokken'`, []any{a.RegionID}
	case dossier.RelCase:
		return `SELECT c.leerling_id FROM casus_deelnemer d JOIN casus c ON c.regio_id = d.regio_id AND c.id = d.casus_id WHERE d.regio_id = ? AND d.gebruiker_id = ?`, []any{a.RegionID, a.UserID}
	case dossier.RelConsent:
		return `SELECT t.leerling_id FROM toestemming_ontvanger o JOIN toestemming t ON t.regio_id = o.regio_id AND t.id = o.toestemming_id WHERE o.regio_id = ? AND o.organisatie_id = ?`, []any{a.RegionID, a.OrgID}
	}
	return "", nil
}

// visibleFrom is the FROM and WHERE (with arguments) that select the pupils l the actor holds a
// relation with: the candidates of the relations' sources (one index look-up each, so the cost
// follows what the actor can see, not the region's size), each joined to its pupil, AND the
// relation's own condition (relationClauses). The conditions stay the one definition of a
// relation; the sources only narrow where they are looked for. CROSS JOIN makes SQLite start
// from the candidates (PostgreSQL plans it as any join).
func visibleFrom(a dossier.Actor, today string) (kinds []dossier.RelationKind, conds []string, cargs [][]any, from string, fargs []any) {
	kinds, conds, cargs = relationClauses(a, today)
	if len(conds) == 0 {
		return
	}
	var srcs []string
	for _, k := range kinds {
		q, qa := relationSource(k, a, today)
		if q == "" {
			srcs, fargs = nil, nil
			break
		}
		srcs = append(srcs, q)
		fargs = append(fargs, qa...)
	}
	if len(srcs) > 0 {
		from = ` FROM (` + strings.Join(srcs, " UNION ") + `) v CROSS JOIN leerling l WHERE l.regio_id = ? AND l.id = v.leerling_id`
	} else {
		from = ` FROM leerling l WHERE l.regio_id = ?`
	}
	fargs = append(fargs, a.RegionID)
	from += ` AND (` + strings.Join(conds, " OR ") + `)`
	for _, ca := range cargs {
		fargs = append(fargs, ca...)
	}
	return
}

// pupilOrders are the orders a pupil list can be sorted in (dossier.Page.Sort), each ending in
// the id so that the order is total.
var pupilOrders = map[string]string{
	"":               `l.achternaam, l.voornaam, l.id`,
	"naam":           `l.achternaam, l.voornaam, l.id`,
	"-naam":          `l.achternaam DESC, l.voornaam DESC, l.id DESC`,
	"geboortedatum":  `l.geboortedatum, l.achternaam, l.voornaam, l.id`,
	"-geboortedatum": `l.geboortedatum DESC, l.achternaam, l.voornaam, l.id`,
}

// PupilSorts are the values dossier.Page.Sort may take for VisiblePupils.
func PupilSorts() []string { return dossier.PupilSorts() }

// VisiblePupils lists, one page at a time, the pupils the actor holds a recognised relation with
// on day today (YYYY-MM-DD), in the order p.Sort (by name when empty); q filters on name
// (case-insensitive, optional). It returns the page and the total count. Two queries whatever
// the region's size: the count, and the page (whose ids are chosen before the page's columns
// and relation flags are read, so those are read for the page's rows only). The page's 25 ids
// drive the last join (CROSS JOIN): otherwise SQLite walked the region's name index and probed
// the page for each of its 50,000 pupils to save sorting 25 rows.
func (db *DB) VisiblePupils(ctx context.Context, a dossier.Actor, today, q string, p dossier.Page) ([]dossier.PupilSummary, int, error) {
	order, ok := pupilOrders[p.Sort]
	if !ok {
		return nil, 0, fmt.Errorf("visible pupils: unknown order %q", p.Sort)
	}
	kinds, conds, cargs, from, wargs := visibleFrom(a, today)
	if len(conds) == 0 {
		return nil, 0, nil
	}
	if q = strings.TrimSpace(strings.ToLower(q)); q != "" {
		from += ` AND LOWER(l.voornaam || ' ' || l.achternaam) LIKE ?`
		wargs = append(wargs, "%"+strings.NewReplacer("%", "", "_", "").Replace(q)+"%")
	}
	var total int
	// One pass over the candidates: the visible pupils are materialised once, then counted and
	// the page taken from them; the page's columns and relation flags are read for its rows only.
	args := append([]any(nil), wargs...)
	args = append(args, p.Size, p.Offset(), today, today, today, today)
	var flags []string
	for i, c := range conds {
		flags = append(flags, `CASE WHEN `+c+` THEN 1 ELSE 0 END`)
		args = append(args, cargs[i]...)
	}
	args = append(args, a.RegionID)
	rows, err := db.Query(ctx, `WITH vis AS MATERIALIZED (SELECT l.id, l.achternaam, l.voornaam, l.geboortedatum`+from+`),
		pg AS (SELECT l.id FROM vis l ORDER BY `+order+` LIMIT ? OFFSET ?)
		SELECT `+pupilSummaryCols+`, `+strings.Join(flags, ", ")+`, (SELECT COUNT(*) FROM vis)
		FROM pg CROSS JOIN leerling l WHERE l.regio_id = ? AND l.id = pg.id ORDER BY `+order, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("visible pupils: %w", err)
	}
	defer rows.Close()
	var out []dossier.PupilSummary
	vals := make([]int, len(conds))
	for rows.Next() {
		var s dossier.PupilSummary
		dest := []any{&s.ID, &s.Pseudonym, &s.FirstName, &s.LastName, &s.BirthDate, &s.SchoolName, &s.Year}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := rows.Scan(append(dest, &total)...); err != nil {
			return nil, 0, fmt.Errorf("zichtbare leerlingen lezen: %w", err)
		}
		for i, v := range vals {
			if v == 1 {
				s.Relations = append(s.Relations, kinds[i])
			}
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("visible pupils: %w", err)
	}
	if len(out) == 0 && p.Offset() > 0 {
		// A page past the end: the count still tells how many there are.
		if err := db.QueryRow(ctx, `SELECT COUNT(*)`+from, wargs...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("visible pupils: %w", err)
		}
	}
	return out, total, nil
}

// PupilRelations returns the recognised relations between actor and pupil on day today; none
// (and no error) when the pupil is unknown in the actor's region or unrelated.
func (db *DB) PupilRelations(ctx context.Context, a dossier.Actor, pupilID int64, today string) ([]dossier.RelationKind, error) {
	return pupilRelations(ctx, db, a, pupilID, today)
}

func pupilRelations(ctx context.Context, db reader, a dossier.Actor, pupilID int64, today string) ([]dossier.RelationKind, error) {
	kinds, conds, cargs := relationClauses(a, today)
	if len(conds) == 0 {
		return nil, nil
	}
	var sel []string
	args := []any{}
	for i, c := range conds {
		sel = append(sel, `CASE WHEN `+c+` THEN 1 ELSE 0 END`)
		args = append(args, cargs[i]...)
	}
	args = append(args, a.RegionID, pupilID)
	vals := make([]int, len(conds))
	ptrs := make([]any, len(conds))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	err := db.QueryRow(ctx, `SELECT `+strings.Join(sel, ", ")+` FROM leerling l WHERE l.regio_id = ? AND l.id = ?`, args...).Scan(ptrs...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pupil relations: %w", err)
	}
	var out []dossier.RelationKind
	for i, v := range vals {
		if v == 1 {
			out = append(out, kinds[i])
		}
	}
	return out, nil
}

// DossierPupil reads what a pupil page can show of a pupil of the region: the pupil's header
// always, and the blocks in want (the ones the policy allowed). The caller has checked the relation.
func (db *DB) DossierPupil(ctx context.Context, regionID, pupilID int64, today string, want dossier.Want) (dossier.Pupil, error) {
	return dossierPupil(ctx, db, regionID, pupilID, today, want)
}

func dossierPupil(ctx context.Context, db reader, regionID, pupilID int64, today string, want dossier.Want) (dossier.Pupil, error) {
	var p dossier.Pupil
	err := db.QueryRow(ctx, `SELECT l.id, l.pseudoniem, l.voornaam, l.achternaam, l.geboortedatum,
		COALESCE((SELECT g.naam FROM organisatie g WHERE g.regio_id = l.regio_id AND g.id = l.woongemeente_id), '')
		FROM leerling l WHERE l.regio_id = ? AND l.id = ?`, regionID, pupilID).
		Scan(&p.ID, &p.Pseudonym, &p.FirstName, &p.LastName, &p.BirthDate, &p.GemeenteName)
	if errors.Is(err, sql.ErrNoRows) {
		return p, dossier.ErrNotVisible
	}
	if err != nil {
		return p, fmt.Errorf("dossier pupil: %w", err)
	}
	rows, err := db.Query(ctx, `SELECT o.id, o.naam, COALESCE(o.brin, ''), COALESCE(o.vestiging, ''), i.leerlingnummer, i.van, COALESCE(i.tot, ''), i.leerjaar
		FROM inschrijving i JOIN organisatie o ON o.regio_id = i.regio_id AND o.id = i.school_id
		WHERE i.regio_id = ? AND i.leerling_id = ? ORDER BY i.van DESC`, regionID, pupilID)
	if err != nil {
		return p, fmt.Errorf("dossier enrolments: %w", err)
	}
	for rows.Next() {
		var e dossier.Enrolment
		if err := rows.Scan(&e.SchoolID, &e.SchoolName, &e.BRIN, &e.Vestiging, &e.Number, &e.From, &e.To, &e.Year); err != nil {
			rows.Close()
			return p, fmt.Errorf("leerling voor het dossier lezen: %w", err)
		}
		p.Enrolments = append(p.Enrolments, e)
		if p.SchoolName == "" && e.From <= today && (e.To == "" || e.To >= today) {
			p.SchoolName, p.Year = e.SchoolName, e.Year
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return p, fmt.Errorf("leerling voor het dossier lezen: %w", err)
	}
	if !want.Onderwijs {
		p.Enrolments = nil
	}
	if want.Contact {
		if err := dossierGuardians(ctx, db, regionID, pupilID, &p); err != nil {
			return p, err
		}
	}
	if want.Verzuim {
		if err := dossierAbsence(ctx, db, regionID, pupilID, &p); err != nil {
			return p, err
		}
	}
	if want.Toestemming {
		if err := dossierConsents(ctx, db, regionID, pupilID, &p); err != nil {
			return p, err
		}
	}
	return p, nil
}

func dossierGuardians(ctx context.Context, db reader, regionID, pupilID int64, p *dossier.Pupil) error {
	rows, err := db.Query(ctx, `SELECT o.voornaam || ' ' || o.achternaam, lo.relatie, lo.gezag, COALESCE(o.email, ''), COALESCE(o.telefoon, '')
		FROM leerling_ouder lo JOIN ouder o ON o.regio_id = lo.regio_id AND o.id = lo.ouder_id
		WHERE lo.regio_id = ? AND lo.leerling_id = ? ORDER BY lo.gezag DESC, o.id`, regionID, pupilID)
	if err != nil {
		return fmt.Errorf("dossier guardians: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var g dossier.Guardian
		var gezag int
		if err := rows.Scan(&g.Name, &g.Relation, &gezag, &g.Email, &g.Phone); err != nil {
			return fmt.Errorf("gezagdragers voor het dossier lezen: %w", err)
		}
		g.Gezag = gezag == 1
		p.Guardians = append(p.Guardians, g)
	}
	return rows.Err()
}

func dossierAbsence(ctx context.Context, db reader, regionID, pupilID int64, p *dossier.Pupil) error {
	rows, err := db.Query(ctx, `SELECT soort, van, tot, uren_centi, dagen, bron, prioriteit FROM verzuim_signaal
		WHERE regio_id = ? AND leerling_id = ? ORDER BY van DESC, id DESC LIMIT 50`, regionID, pupilID)
	if err != nil {
		return fmt.Errorf("dossier signals: %w", err)
	}
	for rows.Next() {
		var sg dossier.Signal
		var centi int64
		var prio int
		if err := rows.Scan(&sg.Kind, &sg.From, &sg.To, &centi, &sg.Days, &sg.Source, &prio); err != nil {
			rows.Close()
			return fmt.Errorf("verzuim voor het dossier lezen: %w", err)
		}
		sg.Hours, sg.Priority = float64(centi)/100, prio == 1
		p.Signals = append(p.Signals, sg)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("verzuim voor het dossier lezen: %w", err)
	}
	rows, err = db.Query(ctx, `SELECT soort, begindatum, status FROM verzuimmelding WHERE regio_id = ? AND leerling_id = ? ORDER BY begindatum DESC, id DESC LIMIT 50`, regionID, pupilID)
	if err != nil {
		return fmt.Errorf("dossier meldingen: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m dossier.Melding
		if err := rows.Scan(&m.Kind, &m.From, &m.Status); err != nil {
			return fmt.Errorf("verzuim voor het dossier lezen: %w", err)
		}
		p.Meldingen = append(p.Meldingen, m)
	}
	return rows.Err()
}

func dossierConsents(ctx context.Context, db reader, regionID, pupilID int64, p *dossier.Pupil) error {
	rows, err := db.Query(ctx, `SELECT t.id, t.status, t.kanaal, t.geldig_van, COALESCE(t.geldig_tot, ''), t.ingetrokken_op IS NOT NULL, COALESCE(d.doel, '')
		FROM toestemming t LEFT JOIN toestemming_doel d ON d.regio_id = t.regio_id AND d.toestemming_id = t.id
		WHERE t.regio_id = ? AND t.leerling_id = ? ORDER BY t.geldig_van DESC, t.id DESC, d.doel`, regionID, pupilID)
	if err != nil {
		return fmt.Errorf("dossier consents: %w", err)
	}
	defer rows.Close()
	last := int64(-1)
	for rows.Next() {
		var id int64
		var c dossier.Consent
		var withdrawn bool
		var purpose string
		if err := rows.Scan(&id, &c.Status, &c.Channel, &c.From, &c.To, &withdrawn, &purpose); err != nil {
			return fmt.Errorf("toestemmingen voor het dossier lezen: %w", err)
		}
		if id != last {
			c.Withdrawn = withdrawn
			p.Consents = append(p.Consents, c)
			last = id
		}
		if purpose != "" {
			cur := &p.Consents[len(p.Consents)-1]
			cur.Purposes = append(cur.Purposes, purpose)
		}
	}
	return rows.Err()
}

// ParentEmailsWithGezag returns up to limit e-mail addresses of parents with gezag in the region
// (the demo prints one so a person trying it can log in as a parent).
func (db *DB) ParentEmailsWithGezag(ctx context.Context, regionID int64, limit int) ([]string, error) {
	rows, err := db.Query(ctx, `SELECT DISTINCT o.email FROM ouder o JOIN leerling_ouder lo ON lo.regio_id = o.regio_id AND lo.ouder_id = o.id
		WHERE o.regio_id = ? AND lo.gezag = 1 AND o.email IS NOT NULL AND o.email <> '' ORDER BY o.email LIMIT ?`, regionID, limit)
	if err != nil {
		return nil, fmt.Errorf("parent emails: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, fmt.Errorf("e-mailadressen van gezagdragers lezen: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ---- account management (beheerder)

// SetAccountActive activates or deactivates an account of the region; deactivating ends its
// sessions at once.
func (db *DB) SetAccountActive(ctx context.Context, regionID, userID int64, active bool) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE gebruiker SET actief = ? WHERE regio_id = ? AND id = ?`, boolInt(active), regionID, userID)
		if err != nil {
			return fmt.Errorf("account (de)activeren: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return auth.ErrNoAccount
		}
		if !active {
			_, err = tx.Exec(ctx, `DELETE FROM sessie WHERE regio_id = ? AND gebruiker_id = ?`, regionID, userID)
		}
		return wrapErr(err, "account (de)activeren")
	})
}

// ResetMFA removes an account's TOTP secret and recovery codes and ends its sessions: at the next
// login the user sets up the second factor again (for a lost phone).
func (db *DB) ResetMFA(ctx context.Context, regionID, userID int64, now time.Time) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM gebruiker WHERE regio_id = ? AND id = ?`, regionID, userID).Scan(&n); err != nil {
			return fmt.Errorf("tweede factor herstellen: %w", err)
		}
		if n != 1 {
			return auth.ErrNoAccount
		}
		if _, err := tx.Exec(ctx, `UPDATE gebruiker_inlog SET totp_geheim = NULL, totp_bevestigd = 0, totp_laatste_stap = 0, gewijzigd_op = ? WHERE regio_id = ? AND gebruiker_id = ?`, ms(now), regionID, userID); err != nil {
			return fmt.Errorf("tweede factor herstellen: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM herstelcode WHERE regio_id = ? AND gebruiker_id = ?`, regionID, userID); err != nil {
			return fmt.Errorf("tweede factor herstellen: %w", err)
		}
		_, err := tx.Exec(ctx, `DELETE FROM sessie WHERE regio_id = ? AND gebruiker_id = ?`, regionID, userID)
		return wrapErr(err, "tweede factor herstellen")
	})
}

// APIClients lists the region's API clients (without tokens).
func (db *DB) APIClients(ctx context.Context, regionID int64) ([]auth.APIClient, error) {
	rows, err := db.Query(ctx, `SELECT c.id, c.regio_id, c.organisatie_id, o.soort, o.naam || ': ' || c.naam, c.rol, c.scopes, c.ingetrokken_op
		FROM api_client c JOIN organisatie o ON o.regio_id = c.regio_id AND o.id = c.organisatie_id WHERE c.regio_id = ? ORDER BY o.naam, c.naam, c.id`, regionID)
	if err != nil {
		return nil, fmt.Errorf("api clients: %w", err)
	}
	defer rows.Close()
	var out []auth.APIClient
	for rows.Next() {
		var c auth.APIClient
		var scopes string
		var revoked sql.NullInt64
		if err := rows.Scan(&c.ID, &c.RegionID, &c.OrgID, &c.OrgKind, &c.Name, &c.Role, &scopes, &revoked); err != nil {
			return nil, fmt.Errorf("API-clients lezen: %w", err)
		}
		c.Scopes, c.Revoked = strings.Fields(scopes), revoked.Valid
		out = append(out, c)
	}
	return out, rows.Err()
}

// ---- accounts created by the beheerder, with a one-time setup link (migration 0501)

// CreateAccount stores a new user of the region without a password (Tx.CreateUser validates it
// and returns a *region.FieldError naming the field) together with the hash of a one-time setup
// link that expires at expires. Both or neither are stored.
func (db *DB) CreateAccount(ctx context.Context, regionID int64, u region.User, linkHash string, expires, now time.Time) (int64, error) {
	var id int64
	err := db.WithTx(ctx, func(tx *Tx) error {
		var err error
		if id, err = tx.CreateUser(ctx, regionID, u, now); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO account_instellink (regio_id, gebruiker_id, token_hash, verloopt_op, aangemaakt_op) VALUES (?, ?, ?, ?, ?)`,
			regionID, id, linkHash, ms(expires), ms(now))
		if err != nil {
			return fmt.Errorf("setup link: %w", err)
		}
		return nil
	})
	return id, err
}

// SetupLinkAccount returns the active account that the unused, unexpired setup link with this
// hash belongs to; auth.ErrNoAccount when there is none (unknown, used, expired, or the account
// was switched off).
func (db *DB) SetupLinkAccount(ctx context.Context, linkHash string, now time.Time) (auth.Account, error) {
	var regionID, userID int64
	err := db.QueryRow(ctx, `SELECT regio_id, gebruiker_id FROM account_instellink WHERE token_hash = ? AND gebruikt_op IS NULL AND verloopt_op > ?`,
		linkHash, ms(now)).Scan(&regionID, &userID)
	if errors.Is(err, sql.ErrNoRows) {
		return auth.Account{}, fmt.Errorf("setup link: %w", auth.ErrNoAccount)
	}
	if err != nil {
		return auth.Account{}, fmt.Errorf("setup link: %w", err)
	}
	a, err := db.Account(ctx, regionID, userID)
	if err == nil && !a.Active {
		return auth.Account{}, fmt.Errorf("setup link: inactive account: %w", auth.ErrNoAccount)
	}
	a.PasswordHash, a.TOTPSealed = "", nil
	return a, err
}

// UseSetupLink spends the setup link with this hash and stores the password hash for its account,
// in one transaction. The link works once: a second use, an expired link or a switched-off
// account gives auth.ErrNoAccount and changes nothing.
func (db *DB) UseSetupLink(ctx context.Context, linkHash, passwordHash string, now time.Time) (regionID, userID int64, err error) {
	err = db.WithTx(ctx, func(tx *Tx) error {
		err := tx.QueryRow(ctx, `SELECT l.regio_id, l.gebruiker_id FROM account_instellink l
			JOIN gebruiker g ON g.regio_id = l.regio_id AND g.id = l.gebruiker_id
			WHERE l.token_hash = ? AND l.gebruikt_op IS NULL AND l.verloopt_op > ? AND g.actief = 1`, linkHash, ms(now)).Scan(&regionID, &userID)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("setup link: %w", auth.ErrNoAccount)
		}
		if err != nil {
			return fmt.Errorf("instellink gebruiken: %w", err)
		}
		res, err := tx.Exec(ctx, `UPDATE account_instellink SET gebruikt_op = ? WHERE token_hash = ? AND gebruikt_op IS NULL`, ms(now), linkHash)
		if err != nil {
			return fmt.Errorf("instellink gebruiken: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("instellink gebruiken: %w", err)
		} else if n != 1 { // spent by a concurrent request
			return fmt.Errorf("setup link: %w", auth.ErrNoAccount)
		}
		if err := upsertLogin(ctx, tx, regionID, userID, now); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE gebruiker_inlog SET wachtwoord_hash = ?, gewijzigd_op = ? WHERE regio_id = ? AND gebruiker_id = ?`,
			passwordHash, ms(now), regionID, userID)
		return wrapErr(err, "instellink gebruiken")
	})
	if err != nil {
		return 0, 0, fmt.Errorf("instellink gebruiken: %w", err)
	}
	return regionID, userID, nil
}

// ReissueSetupLink gives an existing account of the region a new one-time setup link (for a lost
// or expired link, or a forgotten password), in one transaction: earlier unused links of the
// account stop working (their expiry is set to now; gebruikt_op keeps meaning "used"), the new
// link's hash is stored, the password is cleared so the old one no longer works, and the
// account's sessions end. The TOTP secret and recovery codes stay: a lost password is not a lost
// second factor (ResetMFA is the separate step for that). auth.ErrNoAccount when the region has
// no such account.
func (db *DB) ReissueSetupLink(ctx context.Context, regionID, userID int64, linkHash string, expires, now time.Time) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM gebruiker WHERE regio_id = ? AND id = ?`, regionID, userID).Scan(&n); err != nil {
			return fmt.Errorf("reissue setup link: %w", err)
		}
		if n != 1 {
			return fmt.Errorf("reissue setup link: %w", auth.ErrNoAccount)
		}
		if _, err := tx.Exec(ctx, `UPDATE account_instellink SET verloopt_op = ? WHERE regio_id = ? AND gebruiker_id = ? AND gebruikt_op IS NULL AND verloopt_op > ?`,
			ms(now), regionID, userID, ms(now)); err != nil {
			return fmt.Errorf("reissue setup link: revoke: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO account_instellink (regio_id, gebruiker_id, token_hash, verloopt_op, aangemaakt_op) VALUES (?, ?, ?, ?, ?)`,
			regionID, userID, linkHash, ms(expires), ms(now)); err != nil {
			return fmt.Errorf("reissue setup link: insert: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE gebruiker_inlog SET wachtwoord_hash = NULL, gewijzigd_op = ? WHERE regio_id = ? AND gebruiker_id = ?`,
			ms(now), regionID, userID); err != nil {
			return fmt.Errorf("reissue setup link: clear password: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessie WHERE regio_id = ? AND gebruiker_id = ?`, regionID, userID); err != nil {
			return fmt.Errorf("reissue setup link: sessions: %w", err)
		}
		return nil
	})
}
