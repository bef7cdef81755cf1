package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/grondslag/grondslag/internal/audit"
)

// The batcher's write on PostgreSQL in one round trip. Appending through database/sql takes
// seven (BEGIN, the region, the head FOR UPDATE, the rows, the nodes, the head, COMMIT), and a
// batch's callers wait for all of them: on a busy machine every round trip is a wake-up of the
// server and of us. The batcher is the only writer of most entries, so it remembers the head it
// left (size and compact range) and sends the whole transaction as one pipeline of statements
// with a single Sync, which PostgreSQL runs as one implicit transaction and commits at the Sync:
//
//  1. the region for row-level security (set_config, local to the transaction);
//  2. the head update, guarded: it takes the head row's lock and changes it only if its size is
//     still the one remembered; otherwise it divides by zero, which aborts the transaction;
//  3. the rows and the nodes (one INSERT … unnest(…) each: fixed texts, prepared once per
//     connection).
//
// A data change that appended entries in its own transaction since (AuditStore.Append) makes the
// remembered head stale: the guard fails, nothing is written, and the batch goes through the
// ordinary Append in a database/sql transaction, which reads and locks the head and tells the
// batcher the head it left. Either way the caller is answered only after the commit.

const (
	pgSetRegion = "SELECT set_config('" + RegionSetting + "', $1, true)"
	// pgGuardHead fails with division_by_zero (22012) when the head is not at size $4.
	pgGuardHead  = "WITH k AS (UPDATE audit_kop SET grootte = $1, bereik = $2 WHERE regio_id = $3 AND grootte = $4 RETURNING 1) SELECT 1 / count(*) FROM k"
	pgInsertRows = "INSERT INTO audit_regel (regio_id, volgnummer, tijd, leerling, blad, blad_hash) " +
		"SELECT $1, v, t, l, b, h FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::bytea[], $6::bytea[]) AS u(v, t, l, b, h)"
	pgInsertNodes = "INSERT INTO audit_knoop (regio_id, niveau, positie, hash) " +
		"SELECT $1, n, p, h FROM unnest($2::bigint[], $3::bigint[], $4::bytea[]) AS u(n, p, h)"
)

// errStaleHead reports that the remembered head no longer is the region's head.
var errStaleHead = errors.New("de kop van het logboek is intussen verschoven")

// appendRegionPG appends one region's entries of a batch on PostgreSQL: in one round trip when
// the batcher knows the region's head, else (and when the head moved) through Append.
func (b *AuditBatcher) appendRegionPG(ctx context.Context, regionID int64, entries []audit.Entry) error {
	s := b.store
	if h, ok := b.heads[regionID]; ok {
		delete(b.heads, regionID) // remembered again only after a commit
		head, err := s.appendPipelined(ctx, regionID, h, entries)
		if err == nil {
			b.heads[regionID] = head
			b.pipelined.Add(1)
			return nil
		}
		if !errors.Is(err, errStaleHead) {
			s.db.noteWriteError(err)
			return err
		}
	}
	var head auditHead
	err := s.db.WithTx(ctx, func(tx *Tx) error {
		var err error
		head, err = s.appendTx(ctx, tx, regionID, entries)
		return err
	})
	if err == nil {
		b.heads[regionID] = head
		b.viaTx.Add(1)
	}
	return err
}

// appendPipelined writes entries after the head h in one pipelined implicit transaction; it
// returns errStaleHead (and writes nothing) when the region's head is no longer h.
func (s *AuditStore) appendPipelined(ctx context.Context, regionID int64, h auditHead, entries []audit.Entry) (auditHead, error) {
	// Aliases are looked up before the transaction, limited to the region (row-level security).
	entries, err := s.aliasEntries(WithRegion(ctx, regionID), s.db, regionID, entries)
	if err != nil {
		return auditHead{}, fmt.Errorf("auditregels toevoegen: %w", err)
	}
	hashes, err := audit.DecodeRange(h.rng)
	if err != nil {
		return auditHead{}, fmt.Errorf("auditregels toevoegen: %w", err)
	}
	tree, err := audit.TreeFrom(h.size, hashes)
	if err != nil {
		return auditHead{}, fmt.Errorf("auditregels toevoegen: %w", err)
	}
	p, err := planAppend(regionID, h.size, tree, entries)
	if err != nil {
		return auditHead{}, err
	}
	pool, err := s.db.writer(ctx)
	if err != nil {
		return auditHead{}, fmt.Errorf("auditregels toevoegen: %w", err)
	}
	c, err := pool.Conn(ctx)
	if err != nil {
		return auditHead{}, fmt.Errorf("auditregels toevoegen: verbinding: %w", err)
	}
	defer c.Close()
	err = c.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("onverwachte databaseverbinding %T", dc)
		}
		var batch pgx.Batch
		batch.Queue(pgSetRegion, strconv.FormatInt(regionID, 10))
		batch.Queue(pgGuardHead, int64(p.head.size), p.head.rng, regionID, int64(h.size))
		batch.Queue(pgInsertRows, regionID, p.idxs, p.times, p.pupils, p.leaves, p.hashes)
		if len(p.nodeLevels) > 0 {
			batch.Queue(pgInsertNodes, regionID, p.nodeLevels, p.nodePositions, p.nodeHashes)
		}
		// Close reads every result up to the Sync: nil means the implicit transaction committed.
		return sc.Conn().SendBatch(ctx, &batch).Close()
	})
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "22012" {
			return auditHead{}, errStaleHead
		}
		return auditHead{}, fmt.Errorf("auditregels opslaan: %w", err)
	}
	if obs := s.db.auditObserver; obs != nil {
		obs(regionID, entries)
	}
	return p.head, nil
}
