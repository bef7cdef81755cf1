package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
)

// The DUO exchange of a melding (absence.DUO): when and through which channel it was sent, and
// DUO's answers taken over. Every write appends its audit entries in the same transaction.

// DUOExchange is absence.DUOExchange.
type DUOExchange = absence.DUOExchange

// MeldingDUO returns the exchange of a melding.
func (db *DB) MeldingDUO(ctx context.Context, regionID, id int64) (DUOExchange, error) {
	var e DUOExchange
	var sent, read, refused sql.NullInt64
	err := db.QueryRow(ctx, "SELECT duo_kanaal, duo_verzonden_op, duo_status_gelezen_op, duo_weigering, duo_geweigerd_op FROM verzuimmelding WHERE regio_id = ? AND id = ?", regionID, id).Scan(&e.Channel, &sent, &read, &e.Refusal, &refused)
	if errors.Is(err, sql.ErrNoRows) {
		return e, ErrNotFound
	}
	if err != nil {
		return e, fmt.Errorf("DUO-uitwisseling lezen: %w", err)
	}
	if sent.Valid {
		e.SentAt = time.UnixMilli(sent.Int64).UTC()
	}
	if read.Valid {
		e.StatusReadAt = time.UnixMilli(read.Int64).UTC()
	}
	if refused.Valid {
		e.RefusedAt = time.UnixMilli(refused.Int64).UTC()
	}
	return e, nil
}

// RecordDUOSubmission records that the melding was sent to DUO through channel at (number: DUO's
// meldingsnummer when the channel gave one), with the disclosure's audit entries.
func (db *DB) RecordDUOSubmission(ctx context.Context, regionID, id int64, channel, number string, at time.Time, trail MeldingTrail) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		q := "UPDATE verzuimmelding SET duo_kanaal = ?, duo_verzonden_op = ?, duo_weigering = '', duo_geweigerd_op = NULL WHERE regio_id = ? AND id = ?"
		args := []any{channel, at.UnixMilli(), regionID, id}
		if n := strings.TrimSpace(number); n != "" {
			// DUO's number never changes once given: a different one is refused.
			q = "UPDATE verzuimmelding SET duo_kanaal = ?, duo_verzonden_op = ?, duo_weigering = '', duo_geweigerd_op = NULL, duo_nummer = ? WHERE regio_id = ? AND id = ? AND (duo_nummer = '' OR duo_nummer = ?)"
			args = []any{channel, at.UnixMilli(), n, regionID, id, n}
		}
		res, err := tx.Exec(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("verzending naar DUO vastleggen: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("verzending naar DUO vastleggen: melding %d: %w", id, ErrNotFound)
		}
		return appendTrail(ctx, tx, regionID, meldingTrailOf(trail, id))
	})
}

// RecordDUORefusal records DUO's refusal of a submission through channel at: a line with an
// error status in the melding's history (the melding's status does not change: DUO does not have
// it), the refusal on the melding for its DUO block, and the audit entries (an entry with its
// failure code: Logboek status_code 2), in one transaction.
func (db *DB) RecordDUORefusal(ctx context.Context, regionID, id int64, channel string, r *absence.DUORefusal, at time.Time, trail MeldingTrail) error {
	if r == nil {
		return fmt.Errorf("weigering door DUO vastleggen: geen weigering")
	}
	text := r.Text()
	return db.WithTx(ctx, func(tx *Tx) error {
		var status string
		err := tx.QueryRow(ctx, "SELECT status FROM verzuimmelding WHERE regio_id = ? AND id = ?", regionID, id).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("weigering door DUO vastleggen: melding %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("weigering door DUO vastleggen: %w", err)
		}
		if _, err := tx.Exec(ctx, "UPDATE verzuimmelding SET duo_kanaal = ?, duo_weigering = ?, duo_geweigerd_op = ? WHERE regio_id = ? AND id = ?",
			channel, text, at.UnixMilli(), regionID, id); err != nil {
			return fmt.Errorf("weigering door DUO vastleggen: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO verzuimmelding_status (regio_id, melding_id, status, door, reden_afsluiting, afsluitnotitie, op, fout) VALUES (?, ?, ?, ?, '', '', ?, ?)`,
			regionID, id, status, string(PartyDUO), at.UnixMilli(), text); err != nil {
			return fmt.Errorf("weigering door DUO in de statusgeschiedenis: %w", err)
		}
		return appendTrail(ctx, tx, regionID, meldingTrailOf(trail, id))
	})
}

// MeldingByDUONumber finds the melding DUO numbered so.
func (db *DB) MeldingByDUONumber(ctx context.Context, regionID int64, number string) (StoredMelding, error) {
	return db.meldingWhere(ctx, db, regionID, "duo_nummer = ?", strings.TrimSpace(number))
}

// ApplyDUOStatus takes DUO's report over into the melding (absence.Melding.ApplyStatus) in one
// transaction: the number, the status with its history line, the moment it was read, and the
// audit entries. A conflicting status leaves the status as it was (the number, if new, is kept)
// and is returned with the outcome.
func (db *DB) ApplyDUOStatus(ctx context.Context, regionID, id int64, r absence.StatusReport, now time.Time, trail MeldingTrail) (StoredMelding, absence.StatusOutcome, error) {
	var out StoredMelding
	var outcome absence.StatusOutcome
	var conflict error
	err := db.WithTx(ctx, func(tx *Tx) error {
		s, err := db.meldingWhere(ctx, tx, regionID, "id = ?", id)
		if err != nil {
			return err
		}
		before := s.Status()
		outcome, conflict = s.ApplyStatus(r)
		if conflict != nil && outcome != absence.OutcomeNumbered {
			out = s
			return nil
		}
		res, err := tx.Exec(ctx, `UPDATE verzuimmelding SET status = ?, status_op = ?, reden_afsluiting = ?, afsluitnotitie = ?, contact_gemeente = ?,
			duo_nummer = ?, duo_status_gelezen_op = ? WHERE regio_id = ? AND id = ? AND status = ?`,
			string(s.Status()), s.StatusAt().UnixMilli(), string(s.ClosingReason()), string(s.ClosingNote()), s.GemeenteContact(), s.DUONumber(), now.UnixMilli(),
			regionID, id, string(before))
		if err != nil {
			return fmt.Errorf("status van DUO overnemen: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("%w: de melding is intussen gewijzigd", absence.ErrTransition)
		}
		if s.Status() != before {
			by := absence.PartyGemeente
			if s.Status() == absence.StatusWithdrawn {
				by = absence.PartySchool
			}
			if _, err := tx.Exec(ctx, `INSERT INTO verzuimmelding_status (regio_id, melding_id, status, door, reden_afsluiting, afsluitnotitie, op) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				regionID, id, string(s.Status()), string(by), string(s.ClosingReason()), string(s.ClosingNote()), s.StatusAt().UnixMilli()); err != nil {
				return fmt.Errorf("statusgeschiedenis: %w", err)
			}
		}
		out = s
		return appendTrail(ctx, tx, regionID, meldingTrailOf(trail, id))
	})
	if err != nil {
		return out, "", err
	}
	return out, outcome, conflict
}
