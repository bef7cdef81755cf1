package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/civil"
	"github.com/grondslag/grondslag/internal/notice"
)

// The transparency notices' storage (internal/notice): *DB implements notice.Source and notice.Log.

var (
	_ notice.Source = (*DB)(nil)
	_ notice.Log    = (*DB)(nil)
)

// Records returns the audit records of the region about a pupil with a time in [from, to),
// decoded from their leaves (each leaf checked canonical), in log order.
func (db *DB) NoticeRecords(ctx context.Context, regionID int64, from, to time.Time) ([]audit.Record, error) {
	rows, err := db.Query(ctx, `SELECT blad FROM audit_regel WHERE regio_id = ? AND tijd >= ? AND tijd < ? AND leerling <> '' ORDER BY volgnummer`,
		regionID, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("kennisgevingen lezen: %w", err)
	}
	defer rows.Close()
	var out []audit.Record
	aliased := false
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, fmt.Errorf("kennisgevingen lezen: %w", err)
		}
		l, err := audit.DecodeLeaf(b)
		if err != nil {
			return nil, fmt.Errorf("auditregel: %w", err)
		}
		r := l.Entry.Record()
		aliased = aliased || audit.IsAlias(r.Pupil)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil || !aliased {
		return out, err
	}
	// Entries name the pupil's audit alias (audit_alias.go): the notices need the pseudonym. An
	// alias of a destroyed pupil resolves to no one; its records are left out (nobody to tell).
	var aliases []string
	for _, r := range out {
		if audit.IsAlias(r.Pupil) {
			aliases = append(aliases, r.Pupil)
		}
	}
	index, err := db.AuditAliasPupils(ctx, regionID, aliases)
	if err != nil {
		return nil, err
	}
	kept := out[:0]
	for _, r := range out {
		if audit.IsAlias(r.Pupil) {
			ps, ok := index[r.Pupil]
			if !ok {
				continue
			}
			r.Pupil = ps
		}
		kept = append(kept, r)
	}
	return kept, nil
}

// Pupils returns, per pseudonym, what the notice batch needs: first name, birth date, the
// schools the pupil is or was enrolled at, the parents with gezag and an address, the pupil's own
// address (pupil account) and the latest hold.
func (db *DB) NoticePupils(ctx context.Context, regionID int64, pseudonyms []string, day civil.Date) (map[string]notice.PupilInfo, error) {
	out := map[string]notice.PupilInfo{}
	for _, ps := range pseudonyms {
		var info notice.PupilInfo
		var birth string
		err := db.QueryRow(ctx, "SELECT id, pseudoniem, voornaam, geboortedatum FROM leerling WHERE regio_id = ? AND pseudoniem = ?", regionID, ps).
			Scan(&info.ID, &info.Pseudonym, &info.FirstName, &birth)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("leerlingen voor kennisgeving lezen: %w", err)
		}
		if info.BirthDate, err = civil.ParseISO(birth); err != nil {
			return nil, fmt.Errorf("leerling %d: %w", info.ID, err)
		}
		rows, err := db.Query(ctx, "SELECT DISTINCT school_id FROM inschrijving WHERE regio_id = ? AND leerling_id = ?", regionID, info.ID)
		if err != nil {
			return nil, fmt.Errorf("leerlingen voor kennisgeving lezen: %w", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("leerlingen voor kennisgeving lezen: %w", err)
			}
			info.OwnOrgs = append(info.OwnOrgs, id)
		}
		rows.Close()
		rows, err = db.Query(ctx, `SELECT o.voornaam || ' ' || o.achternaam, o.email FROM leerling_ouder lo JOIN ouder o ON o.regio_id = lo.regio_id AND o.id = lo.ouder_id
			WHERE lo.regio_id = ? AND lo.leerling_id = ? AND lo.gezag = 1 AND o.email IS NOT NULL AND o.email <> '' ORDER BY o.id`, regionID, info.ID)
		if err != nil {
			return nil, fmt.Errorf("leerlingen voor kennisgeving lezen: %w", err)
		}
		for rows.Next() {
			var p notice.Person
			if err := rows.Scan(&p.Name, &p.Email); err != nil {
				rows.Close()
				return nil, fmt.Errorf("leerlingen voor kennisgeving lezen: %w", err)
			}
			info.Guardians = append(info.Guardians, p)
		}
		rows.Close()
		if self, err := db.pupilAccountEmail(ctx, regionID, info.ID); err != nil {
			return nil, err
		} else if self != nil {
			info.Self = self
		}
		var h notice.Hold
		var until string
		err = db.QueryRow(ctx, "SELECT reden, tot, door FROM kennisgeving_uitstel WHERE regio_id = ? AND leerling_id = ? ORDER BY id DESC LIMIT 1", regionID, info.ID).
			Scan(&h.Reason, &until, &h.By)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return nil, wrapErr(err, "leerlingen voor kennisgeving lezen")
		default:
			if h.Until, err = civil.ParseISO(until); err != nil {
				return nil, fmt.Errorf("leerlingen voor kennisgeving lezen: %w", err)
			}
			info.Hold = &h
		}
		out[ps] = info
	}
	return out, nil
}

// pupilAccountEmail is the address of the pupil's own account, if the pupil has one (nil
// without).
func (db *DB) pupilAccountEmail(ctx context.Context, regionID, pupilID int64) (*notice.Person, error) {
	a, err := db.PupilAccount(ctx, regionID, pupilID)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &notice.Person{Name: a.Name, Email: a.Email, Pupil: true}, nil
}

// OrgName returns an organisation's name ("" when unknown).
func (db *DB) OrgName(ctx context.Context, regionID, orgID int64) (string, error) {
	var name string
	err := db.QueryRow(ctx, "SELECT naam FROM organisatie WHERE regio_id = ? AND id = ?", regionID, orgID).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return name, wrapErr(err, "naam van de organisatie lezen")
}

func addressHash(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	return hex.EncodeToString(sum[:])
}

// Sent reports whether the notice of the pupil's day went to email already.
func (db *DB) NoticeSent(ctx context.Context, regionID int64, pseudonym string, day civil.Date, email string) (bool, error) {
	var n int
	err := db.QueryRow(ctx, "SELECT COUNT(*) FROM kennisgeving_verzonden WHERE regio_id = ? AND leerling = ? AND dag = ? AND ontvanger_hash = ?",
		regionID, pseudonym, day.String(), addressHash(email)).Scan(&n)
	return n > 0, wrapErr(err, "verzonden kennisgeving lezen")
}

// MarkSent records a sent notice (and that a held day is no longer held).
func (db *DB) MarkNoticeSent(ctx context.Context, regionID int64, pseudonym string, day civil.Date, email string, n int, now time.Time) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO kennisgeving_verzonden (regio_id, leerling, dag, ontvanger_hash, aantal, verzonden_op) VALUES (?, ?, ?, ?, ?, ?)",
			regionID, pseudonym, day.String(), addressHash(email), n, now.UnixMilli()); err != nil {
			return fmt.Errorf("kennisgeving als verzonden vastleggen: %w", err)
		}
		_, err := tx.Exec(ctx, "DELETE FROM kennisgeving_achtergehouden WHERE regio_id = ? AND leerling = ? AND dag = ?", regionID, pseudonym, day.String())
		return wrapErr(err, "kennisgeving als verzonden vastleggen")
	})
}

// Held records that the notice of a pupil's day is held back until until.
func (db *DB) NoticeHeld(ctx context.Context, regionID int64, pseudonym string, day, until civil.Date, now time.Time) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM kennisgeving_achtergehouden WHERE regio_id = ? AND leerling = ? AND dag = ?", regionID, pseudonym, day.String()); err != nil {
			return fmt.Errorf("opgeschorte kennisgeving lezen: %w", err)
		}
		_, err := tx.Exec(ctx, "INSERT INTO kennisgeving_achtergehouden (regio_id, leerling, dag, tot, vastgelegd_op) VALUES (?, ?, ?, ?, ?)",
			regionID, pseudonym, day.String(), until.String(), now.UnixMilli())
		return wrapErr(err, "opgeschorte kennisgeving lezen")
	})
}

// HeldDays returns the held days whose date to tell has come (on or before day), per pseudonym.
func (db *DB) HeldNoticeDays(ctx context.Context, regionID int64, day civil.Date) (map[string][]civil.Date, error) {
	rows, err := db.Query(ctx, "SELECT leerling, dag FROM kennisgeving_achtergehouden WHERE regio_id = ? AND tot <= ? ORDER BY dag", regionID, day.String())
	if err != nil {
		return nil, fmt.Errorf("opgeschorte kennisgevingsdagen lezen: %w", err)
	}
	defer rows.Close()
	out := map[string][]civil.Date{}
	for rows.Next() {
		var ps, d string
		if err := rows.Scan(&ps, &d); err != nil {
			return nil, fmt.Errorf("opgeschorte kennisgevingsdagen lezen: %w", err)
		}
		dd, err := civil.ParseISO(d)
		if err != nil {
			return nil, fmt.Errorf("opgeschorte kennisgevingsdagen lezen: %w", err)
		}
		out[ps] = append(out[ps], dd)
	}
	return out, rows.Err()
}

// HoldNotices records that notices about a pupil are held back (meldcode / Veilig Thuis): the
// reason (never sent to anyone) and the first day on which the parents may be told.
func (db *DB) HoldNotices(ctx context.Context, regionID, pupilID int64, reason string, until civil.Date, by string, now time.Time) error {
	reason = strings.TrimSpace(reason)
	if reason == "" || until.IsZero() || strings.TrimSpace(by) == "" {
		return fmt.Errorf("%w: noem de reden, de datum waarop het alsnog verteld wordt en wie het vastlegt", notice.ErrInvalid)
	}
	_, err := db.Exec(ctx, "INSERT INTO kennisgeving_uitstel (regio_id, leerling_id, reden, tot, door, aangemaakt_op) VALUES (?, ?, ?, ?, ?, ?)",
		regionID, pupilID, reason, until.String(), by, now.UnixMilli())
	return wrapErr(err, "kennisgevingen opschorten")
}
