package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Durable background jobs, on SQLite and PostgreSQL alike (migration 0090, table taak). Why a
// table of our own and not River: River runs on PostgreSQL only, and Grondslag's default store is
// SQLite; the jobs are few (a handful a day per region), so a row per job with a lease is enough.
//
//   - A job is unique per kind and key (Enqueue twice: one job), so "the digest of 3 December"
//     exists once however many instances schedule it.
//   - Claim hands a due job to exactly one runner: PostgreSQL locks the row (FOR UPDATE SKIP
//     LOCKED), SQLite has one writer. The runner holds a lease (lease_tot); when it dies the
//     lease expires and another runner takes the job again (the attempt counts).
//   - Effects in the database commit in the same transaction that marks the job done, and only
//     while the runner still holds its lease (RunTx): a runner whose lease was taken over commits
//     nothing, so those effects happen at most once. Effects outside the database (e-mail) must
//     be idempotent by themselves (notice.SendDigests marks every message sent).
//   - A failed attempt is retried after a delay until max_pogingen; then the job is 'mislukt'
//     with its error (without personal data) for the operator.

// Job is one claimed job.
type Job struct {
	ID       int64
	Kind     string
	Key      string
	Attempt  int // 1 for the first attempt
	MaxTries int
	Owner    string
	LeaseTo  time.Time
}

// ErrLeaseLost is returned when a runner finishes a job whose lease another runner has taken.
var ErrLeaseLost = errors.New("taak: de lease is verlopen en door een andere uitvoerder overgenomen")

// JobStore keeps the job table.
type JobStore struct{ db *DB }

// NewJobStore returns the job store of db.
func NewJobStore(db *DB) *JobStore { return &JobStore{db: db} }

// Enqueue schedules the job kind/key to run from runAt, with at most maxTries attempts. It
// reports whether it was new: a job with the same kind and key (pending, running or done) is
// left as it is.
func (s *JobStore) Enqueue(ctx context.Context, kind, key string, runAt time.Time, maxTries int, now time.Time) (bool, error) {
	if maxTries <= 0 {
		maxTries = 5
	}
	res, err := s.db.Exec(ctx, `INSERT INTO taak (soort, sleutel, gepland_op, status, max_pogingen, aangemaakt_op)
		VALUES (?, ?, ?, 'wacht', ?, ?) ON CONFLICT (soort, sleutel) DO NOTHING`,
		kind, key, runAt.UnixMilli(), maxTries, now.UnixMilli())
	if err != nil {
		return false, fmt.Errorf("taak %s/%s plannen: %w", kind, key, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("taak %s/%s plannen: %w", kind, key, err)
	}
	return n == 1, nil
}

// Claim gives owner the oldest due job of one of kinds — pending and due, or running with an
// expired lease and attempts left — with a lease until now+lease; nil when there is none.
func (s *JobStore) Claim(ctx context.Context, owner string, kinds []string, now time.Time, lease time.Duration) (*Job, error) {
	if len(kinds) == 0 {
		return nil, nil
	}
	in := "?"
	for range kinds[1:] {
		in += ", ?"
	}
	lock := ""
	if s.db.dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	q := `UPDATE taak SET status = 'bezig', pogingen = pogingen + 1, lease_tot = ?, eigenaar = ?
		WHERE id = (SELECT id FROM taak WHERE soort IN (` + in + `) AND pogingen < max_pogingen
			AND ((status = 'wacht' AND gepland_op <= ?) OR (status = 'bezig' AND lease_tot < ?))
			ORDER BY gepland_op, id LIMIT 1` + lock + `)
		RETURNING id, soort, sleutel, pogingen, max_pogingen`
	args := []any{now.Add(lease).UnixMilli(), owner}
	for _, k := range kinds {
		args = append(args, k)
	}
	args = append(args, now.UnixMilli(), now.UnixMilli())
	j := &Job{Owner: owner, LeaseTo: now.Add(lease)}
	err := s.db.WithTx(ctx, func(tx *Tx) error {
		return tx.QueryRow(ctx, q, args...).Scan(&j.ID, &j.Kind, &j.Key, &j.Attempt, &j.MaxTries)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("taak ophalen: %w", err)
	}
	return j, nil
}

// Extend renews the lease of a running job (a long job calls it before the lease runs out).
func (s *JobStore) Extend(ctx context.Context, j *Job, now time.Time, lease time.Duration) error {
	return s.db.WithTx(ctx, func(tx *Tx) error {
		if err := holdLease(ctx, tx, j, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE taak SET lease_tot = ? WHERE id = ?", now.Add(lease).UnixMilli(), j.ID); err != nil {
			return fmt.Errorf("lease verlengen: %w", err)
		}
		j.LeaseTo = now.Add(lease)
		return nil
	})
}

// holdLease locks the job's row and checks that j's runner still holds an unexpired lease.
func holdLease(ctx context.Context, tx *Tx, j *Job, now time.Time) error {
	q := "SELECT status, eigenaar, lease_tot, pogingen FROM taak WHERE id = ?"
	if tx.Dialect() == Postgres {
		q += " FOR UPDATE"
	}
	var status string
	var owner sql.NullString
	var leaseTo sql.NullInt64
	var attempt int
	if err := tx.QueryRow(ctx, q, j.ID).Scan(&status, &owner, &leaseTo, &attempt); err != nil {
		return fmt.Errorf("taak %d: %w", j.ID, err)
	}
	if status != "bezig" || owner.String != j.Owner || attempt != j.Attempt || !leaseTo.Valid || leaseTo.Int64 < now.UnixMilli() {
		return ErrLeaseLost
	}
	return nil
}

// RunTx runs fn in one transaction with the job's completion: fn's writes and the mark 'klaar'
// commit together, and only while j's lease holds (else ErrLeaseLost and nothing commits). When
// fn fails, the transaction rolls back and the attempt is recorded as failed (Fail).
func (s *JobStore) RunTx(ctx context.Context, j *Job, now func() time.Time, retryAfter time.Duration, fn func(ctx context.Context, tx *Tx) error) error {
	err := s.db.WithTx(ctx, func(tx *Tx) error {
		if err := fn(ctx, tx); err != nil {
			return err
		}
		t := now()
		if err := holdLease(ctx, tx, j, t); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "UPDATE taak SET status = 'klaar', klaar_op = ?, lease_tot = NULL, fout = NULL WHERE id = ?", t.UnixMilli(), j.ID)
		return err
	})
	if err == nil || errors.Is(err, ErrLeaseLost) {
		return err
	}
	if ferr := s.Fail(ctx, j, err, now(), retryAfter); ferr != nil {
		return errors.Join(err, ferr)
	}
	return err
}

// Fail records a failed attempt: the job waits until now+retryAfter for its next attempt, or is
// 'mislukt' when its attempts are used up. msg must hold no personal data.
func (s *JobStore) Fail(ctx context.Context, j *Job, cause error, now time.Time, retryAfter time.Duration) error {
	msg := cause.Error()
	if len(msg) > 500 {
		msg = msg[:500]
	}
	return s.db.WithTx(ctx, func(tx *Tx) error {
		if err := holdLease(ctx, tx, j, now); err != nil {
			return err
		}
		status := "wacht"
		if j.Attempt >= j.MaxTries {
			status = "mislukt"
		}
		_, err := tx.Exec(ctx, "UPDATE taak SET status = ?, gepland_op = ?, lease_tot = NULL, eigenaar = NULL, fout = ? WHERE id = ?",
			status, now.Add(retryAfter).UnixMilli(), msg, j.ID)
		if err != nil {
			return fmt.Errorf("mislukte poging vastleggen: %w", err)
		}
		return nil
	})
}

// JobState is a job's row as an operator sees it.
type JobState struct {
	Kind, Key, Status, Error string
	Attempts                 int
}

// JobStates lists the jobs of kind, oldest first.
func (s *JobStore) JobStates(ctx context.Context, kind string) ([]JobState, error) {
	rows, err := s.db.Query(ctx, "SELECT soort, sleutel, status, coalesce(fout, ''), pogingen FROM taak WHERE soort = ? ORDER BY gepland_op, id", kind)
	if err != nil {
		return nil, fmt.Errorf("taken lezen: %w", err)
	}
	defer rows.Close()
	var out []JobState
	for rows.Next() {
		var st JobState
		if err := rows.Scan(&st.Kind, &st.Key, &st.Status, &st.Error, &st.Attempts); err != nil {
			return nil, fmt.Errorf("taken lezen: %w", err)
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// Run runs fn outside any transaction of the job store, for a job whose effects commit in
// transactions of their own (and are idempotent: a rerun after a crash between the effect and the
// completion changes nothing, like RetentionStore.Plan); then marks the job done while j's lease
// holds. A failure is recorded with Fail.
func (s *JobStore) Run(ctx context.Context, j *Job, now func() time.Time, retryAfter time.Duration, fn func(ctx context.Context) error) error {
	if err := fn(ctx); err != nil {
		if ferr := s.Fail(ctx, j, err, now(), retryAfter); ferr != nil {
			return errors.Join(err, ferr)
		}
		return err
	}
	return s.db.WithTx(ctx, func(tx *Tx) error {
		t := now()
		if err := holdLease(ctx, tx, j, t); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "UPDATE taak SET status = 'klaar', klaar_op = ?, lease_tot = NULL, fout = NULL WHERE id = ?", t.UnixMilli(), j.ID)
		return err
	})
}

// DeleteFinished deletes the finished jobs (done or failed) of kinds that were planned before
// before, and returns how many it deleted: periodic jobs add a row per slot. Pending and running
// jobs are kept.
func (s *JobStore) DeleteFinished(ctx context.Context, kinds []string, before time.Time) (int64, error) {
	if len(kinds) == 0 {
		return 0, nil
	}
	in := "?"
	args := []any{kinds[0]}
	for _, k := range kinds[1:] {
		in += ", ?"
		args = append(args, k)
	}
	args = append(args, before.UnixMilli())
	res, err := s.db.Exec(ctx, "DELETE FROM taak WHERE soort IN ("+in+") AND status IN ('klaar', 'mislukt') AND gepland_op < ?", args...)
	if err != nil {
		return 0, fmt.Errorf("afgeronde taken opruimen: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("afgeronde taken opruimen: %w", err)
	}
	return n, nil
}
