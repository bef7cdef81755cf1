package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
)

// Per-pupil audit aliases (docs/audit.md §10). An audit entry about a pupil is stored with the
// pupil's alias (envelope.Key.AuditAlias: a keyed pseudonym under a key derived from the pupil's
// data key) instead of the region's pseudonym, and its encrypted data subject id holds the alias
// too. Destroying the pupil's data key destroys the alias key: the entries keep their bytes, leaf
// hashes, Merkle tree and checkpoints, but nobody can tie them to the child any more. While the
// pupil exists, every reader translates the pseudonym to the alias (AuditSubjects); entries
// written before aliases carry the pseudonym and are found by it.

// aliasMissTTL bounds how long "no pupil has this pseudonym" is remembered, so that appends about
// unknown pseudonyms (a refused request naming no pupil of the region) do not query each time,
// while a pupil created just after such an entry gets its alias within this time.
const aliasMissTTL = 30 * time.Second

// aliasRef names a cached alias: region and pseudonym.
type aliasRef struct {
	region    int64
	pseudonym string
}

type cachedAlias struct {
	alias string
	pupil int64
	at    time.Time
}

// queryRower is what the alias look-up needs: the caller's transaction or the database.
type queryRower interface {
	QueryRow(ctx context.Context, q string, args ...any) *sql.Row
}

// auditAlias returns the alias of the region's pupil with the pseudonym. ok is false when the
// store has no key vault, no pupil of the region has the pseudonym, or the pupil's key was
// destroyed: then the entry keeps what it names. q is the caller's transaction when there is one
// (SQLite has a single writer). With create the pupil's key is made when it has none (as for
// sealing); without, a pupil without a key has no alias.
func (db *DB) auditAlias(ctx context.Context, q queryRower, regionID int64, pseudonym string, create bool) (string, bool, error) {
	v := db.vault
	if v == nil || pseudonym == "" || audit.IsAlias(pseudonym) {
		return "", false, nil
	}
	ref := aliasRef{regionID, pseudonym}
	v.mu.Lock()
	c, hit := v.aliases[ref]
	v.mu.Unlock()
	switch {
	case hit && c.alias != "" && time.Since(c.at) < keyCacheTTL:
		return c.alias, true, nil
	case hit && c.alias == "" && time.Since(c.at) < aliasMissTTL:
		return "", false, nil
	}
	var pupilID int64
	err := q.QueryRow(ctx, "SELECT id FROM leerling WHERE regio_id = ? AND pseudoniem = ?", regionID, pseudonym).Scan(&pupilID)
	if errors.Is(err, sql.ErrNoRows) {
		v.mu.Lock()
		if len(v.aliases) >= keyCacheMax {
			clear(v.aliases)
		}
		v.aliases[ref] = cachedAlias{at: time.Now()}
		v.mu.Unlock()
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("auditalias: leerling zoeken: %w", err)
	}
	k, err := v.key(ctx, regionID, pupilID, create)
	if errors.Is(err, ErrContentDestroyed) || !create && errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("auditalias: %w", err)
	}
	alias := k.AuditAlias(regionID, pupilID)
	v.mu.Lock()
	if len(v.aliases) >= keyCacheMax {
		clear(v.aliases)
	}
	v.aliases[ref] = cachedAlias{alias: alias, pupil: pupilID, at: time.Now()}
	v.mu.Unlock()
	return alias, true, nil
}

// AuditAlias returns the audit alias of the region's pupil with the pseudonym; ok is false when
// there is none (no key vault, no such pupil, or its key was destroyed).
func (db *DB) AuditAlias(ctx context.Context, regionID int64, pseudonym string) (string, bool, error) {
	return db.auditAlias(ctx, db, regionID, pseudonym, true)
}

// AuditSubjects returns the values an audit entry about the pupil with the pseudonym can carry
// in its leerling field: the pseudonym (entries written before aliases, or without a key vault)
// and, while the pupil's key exists, its alias.
func (db *DB) AuditSubjects(ctx context.Context, regionID int64, pseudonym string) ([]string, error) {
	alias, ok, err := db.auditAlias(ctx, db, regionID, pseudonym, false)
	if err != nil {
		return nil, err
	}
	if ok {
		return []string{pseudonym, alias}, nil
	}
	return []string{pseudonym}, nil
}

// aliasEntries replaces, in entries about a pupil, the pseudonym by the pupil's alias, and
// encrypts the alias as the data subject id with the region's data key. Entries that name no
// pupil, already carry an alias, or whose pupil has no alias are kept as they are.
func (s *AuditStore) aliasEntries(ctx context.Context, tx queryRower, regionID int64, entries []audit.Entry) ([]audit.Entry, error) {
	if s.db.vault == nil {
		return entries, nil
	}
	var out []audit.Entry
	for i, e := range entries {
		alias, ok, err := s.db.auditAlias(ctx, tx, regionID, e.Pupil(), true)
		if err != nil {
			return nil, err
		}
		if !ok {
			if out != nil {
				out[i] = e
			}
			continue
		}
		if out == nil {
			out = make([]audit.Entry, len(entries))
			copy(out, entries[:i])
		}
		keys, err := s.db.vault.regionKeys(ctx, regionID)
		if err != nil {
			return nil, fmt.Errorf("auditalias: %w", err)
		}
		if out[i], err = e.WithPupil(alias, keys); err != nil {
			return nil, fmt.Errorf("auditalias: %w", err)
		}
	}
	if out == nil {
		return entries, nil
	}
	return out, nil
}

// AuditAliasPupils returns, for the aliases given, alias → pseudonym of the region's pupils whose
// key exists: what a reader needs that meets aliases in leaves without knowing the pupil (the FG's
// overview, the notices' batch). The vault keeps each live key's alias (cleared with the key); an
// alias of a destroyed pupil resolves to no one and is absent from the answer. Keys made before
// aliases get theirs here, once per region and process.
func (db *DB) AuditAliasPupils(ctx context.Context, regionID int64, aliases []string) (map[string]string, error) {
	out := map[string]string{}
	v := db.vault
	if v == nil || len(aliases) == 0 {
		return out, nil
	}
	if err := v.backfillAliases(ctx, regionID); err != nil {
		return nil, err
	}
	pupils := map[int64]string{} // pupil id → alias
	for start := 0; start < len(aliases); start += 500 {
		chunk := aliases[start:min(start+500, len(aliases))]
		args := []any{regionID}
		for _, a := range chunk {
			args = append(args, a)
		}
		rows, err := v.db.Query(ctx, "SELECT leerling_id, audit_alias FROM leerling_sleutel WHERE regio_id = ? AND audit_alias IN ("+placeholders(len(chunk))+")", args...)
		if err != nil {
			return nil, fmt.Errorf("auditaliassen: %w", err)
		}
		for rows.Next() {
			var id int64
			var a string
			if err := rows.Scan(&id, &a); err != nil {
				rows.Close()
				return nil, err
			}
			pupils[id] = a
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	for id, a := range pupils {
		var ps string
		err := db.QueryRow(ctx, "SELECT pseudoniem FROM leerling WHERE regio_id = ? AND id = ?", regionID, id).Scan(&ps)
		if errors.Is(err, sql.ErrNoRows) {
			continue // rows destroyed while the key is not (yet)
		}
		if err != nil {
			return nil, fmt.Errorf("auditaliassen: %w", err)
		}
		out[a] = ps
	}
	return out, nil
}

// backfillAliases stores the alias of every live key of the region that has none (keys made
// before aliases), once per region and process.
func (v *KeyVault) backfillAliases(ctx context.Context, regionID int64) error {
	v.mu.Lock()
	done := v.aliasesFilled[regionID]
	v.mu.Unlock()
	if done {
		return nil
	}
	rows, err := v.db.Query(ctx, "SELECT leerling_id FROM leerling_sleutel WHERE regio_id = ? AND audit_alias IS NULL AND vernietigd_op IS NULL AND sleutel IS NOT NULL", regionID)
	if err != nil {
		return fmt.Errorf("auditaliassen aanvullen: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		k, err := v.key(ctx, regionID, id, false)
		if errors.Is(err, ErrContentDestroyed) || errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return fmt.Errorf("auditaliassen aanvullen: %w", err)
		}
		if _, err := v.db.Exec(ctx, "UPDATE leerling_sleutel SET audit_alias = ? WHERE regio_id = ? AND leerling_id = ? AND vernietigd_op IS NULL",
			k.AuditAlias(regionID, id), regionID, id); err != nil {
			return fmt.Errorf("auditaliassen aanvullen: %w", err)
		}
	}
	v.mu.Lock()
	v.aliasesFilled[regionID] = true
	v.mu.Unlock()
	return nil
}

// placeholders returns n comma-separated "?".
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// AuditAliasPupils resolves aliases to pseudonyms for the audit log's readers (DB.AuditAliasPupils).
func (s *AuditStore) AuditAliasPupils(ctx context.Context, regionID int64, aliases []string) (map[string]string, error) {
	return s.db.AuditAliasPupils(ctx, regionID, aliases)
}
