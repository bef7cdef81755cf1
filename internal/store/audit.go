package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/transparency-dev/merkle/compact"
	"golang.org/x/mod/sumdb/note"

	"github.com/grondslag/grondslag/internal/audit"
)

// AuditStore keeps the per-region audit logs (Merkle trees of audit entries) and their signed
// checkpoints.
type AuditStore struct {
	db *DB
}

// NewAuditStore returns the audit store of db.
func NewAuditStore(db *DB) *AuditStore { return &AuditStore{db: db} }

// auditInsertChunk is the number of rows per multi-row INSERT.
const auditInsertChunk = 100

// Append adds entries to the region's audit log inside the caller's transaction, so that a data
// change and its entries commit or roll back together. Entries get the next consecutive leaf
// indexes: the region's head row is locked (FOR UPDATE on PostgreSQL; SQLite has one writer)
// until the transaction ends, so concurrent writers queue behind each other.
func (s *AuditStore) Append(ctx context.Context, tx *Tx, regionID int64, entries ...audit.Entry) error {
	_, err := s.appendTx(ctx, tx, regionID, entries)
	return err
}

// appendTx is Append; it also returns the head the transaction leaves (for the batcher's cache).
func (s *AuditStore) appendTx(ctx context.Context, tx *Tx, regionID int64, entries []audit.Entry) (auditHead, error) {
	if len(entries) == 0 {
		return auditHead{}, nil
	}
	if regionID <= 0 {
		return auditHead{}, fmt.Errorf("auditregels toevoegen: regio ontbreekt")
	}
	if err := tx.SetRegion(ctx, regionID); err != nil {
		return auditHead{}, fmt.Errorf("auditregels toevoegen: %w", err)
	}
	// Per-pupil aliases (audit_alias.go) before the head is locked: a pupil's entries name its
	// alias, which dies with its key.
	entries, err := s.aliasEntries(ctx, tx, regionID, entries)
	if err != nil {
		return auditHead{}, fmt.Errorf("auditregels toevoegen: %w", err)
	}
	size, tree, err := lockHead(ctx, tx, regionID)
	if err != nil {
		return auditHead{}, fmt.Errorf("auditregels toevoegen: %w", err)
	}
	p, err := planAppend(regionID, size, tree, entries)
	if err != nil {
		return auditHead{}, err
	}
	// Multi-row INSERTs on both engines (measured against one unnest(...) statement with array
	// parameters on PostgreSQL, which was not faster).
	rows := make([]any, 0, len(entries)*6)
	for i := range p.idxs {
		rows = append(rows, regionID, p.idxs[i], p.times[i], p.pupils[i], p.leaves[i], p.hashes[i])
	}
	if err := insertRows(ctx, tx, "INSERT INTO audit_regel (regio_id, volgnummer, tijd, leerling, blad, blad_hash) VALUES ", 6, rows); err != nil {
		return auditHead{}, fmt.Errorf("auditregels opslaan: %w", err)
	}
	nodes := make([]any, 0, len(p.nodeLevels)*4)
	for i := range p.nodeLevels {
		nodes = append(nodes, regionID, p.nodeLevels[i], p.nodePositions[i], p.nodeHashes[i])
	}
	if err := insertRows(ctx, tx, "INSERT INTO audit_knoop (regio_id, niveau, positie, hash) VALUES ", 4, nodes); err != nil {
		return auditHead{}, fmt.Errorf("auditknopen opslaan: %w", err)
	}
	if _, err := tx.Exec(ctx, "UPDATE audit_kop SET grootte = ?, bereik = ? WHERE regio_id = ?",
		int64(p.head.size), p.head.rng, regionID); err != nil {
		return auditHead{}, fmt.Errorf("auditkop bijwerken: %w", err)
	}
	if obs := s.db.auditObserver; obs != nil {
		obs(regionID, entries)
	}
	return p.head, nil
}

// auditHead is a region's head row: the tree size and the encoded compact range.
type auditHead struct {
	size uint64
	rng  []byte
}

// appendPlan is what appending entries to a tree writes: the rows of audit_regel and
// audit_knoop, column by column, and the new head.
type appendPlan struct {
	idxs, times               []int64
	pupils                    []string
	leaves, hashes            [][]byte
	nodeLevels, nodePositions []int64
	nodeHashes                [][]byte
	head                      auditHead
}

// planAppend encodes entries as the leaves size, size+1, … of the region's tree (which it
// extends) and collects the rows to write.
func planAppend(regionID int64, size uint64, tree *audit.Tree, entries []audit.Entry) (appendPlan, error) {
	n := len(entries)
	p := appendPlan{idxs: make([]int64, 0, n), times: make([]int64, 0, n), pupils: make([]string, 0, n), leaves: make([][]byte, 0, n), hashes: make([][]byte, 0, n)}
	for i, e := range entries {
		idx := size + uint64(i)
		leaf, err := audit.EncodeLeaf(regionID, idx, e)
		if err != nil {
			return appendPlan{}, fmt.Errorf("auditregel %d: %w", i, err)
		}
		h := audit.LeafHash(leaf)
		err = tree.Append(h, func(id compact.NodeID, hash []byte) {
			if audit.KeepNode(id) {
				p.nodeLevels, p.nodePositions, p.nodeHashes = append(p.nodeLevels, int64(id.Level)), append(p.nodePositions, int64(id.Index)), append(p.nodeHashes, hash)
			}
		})
		if err != nil {
			return appendPlan{}, err
		}
		p.idxs, p.times, p.pupils = append(p.idxs, int64(idx)), append(p.times, e.Time().UnixMilli()), append(p.pupils, e.Pupil())
		p.leaves, p.hashes = append(p.leaves, leaf), append(p.hashes, h)
	}
	p.head = auditHead{size: tree.Size(), rng: audit.EncodeRange(tree.Hashes())}
	return p, nil
}

// lockHead locks the region's head row (creating it for the first entry) and restores its tree.
func lockHead(ctx context.Context, tx *Tx, regionID int64) (uint64, *audit.Tree, error) {
	q := "SELECT grootte, bereik FROM audit_kop WHERE regio_id = ?"
	if tx.Dialect() == Postgres {
		q += " FOR UPDATE"
	}
	var size int64
	var rng []byte
	err := tx.QueryRow(ctx, q, regionID).Scan(&size, &rng)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := tx.Exec(ctx, "INSERT INTO audit_kop (regio_id, grootte, bereik) VALUES (?, 0, ?) ON CONFLICT (regio_id) DO NOTHING", regionID, []byte{}); err != nil {
			return 0, nil, fmt.Errorf("kop van het logboek vergrendelen: %w", err)
		}
		err = tx.QueryRow(ctx, q, regionID).Scan(&size, &rng)
	}
	if err != nil {
		return 0, nil, fmt.Errorf("kop van het logboek vergrendelen: %w", err)
	}
	hashes, err := audit.DecodeRange(rng)
	if err != nil {
		return 0, nil, fmt.Errorf("kop van het logboek vergrendelen: %w", err)
	}
	tree, err := audit.TreeFrom(uint64(size), hashes)
	if err != nil {
		return 0, nil, fmt.Errorf("kop van het logboek vergrendelen: %w", err)
	}
	return uint64(size), tree, nil
}

// insertRows inserts rows of width values with multi-row INSERTs.
func insertRows(ctx context.Context, tx *Tx, prefix string, width int, vals []any) error {
	n := len(vals) / width
	for start := 0; start < n; start += auditInsertChunk {
		end := min(start+auditInsertChunk, n)
		var b strings.Builder
		b.WriteString(prefix)
		tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", width), ", ") + ")"
		for i := start; i < end; i++ {
			if i > start {
				b.WriteString(", ")
			}
			b.WriteString(tuple)
		}
		if _, err := tx.Exec(ctx, b.String(), vals[start*width:end*width]...); err != nil {
			return fmt.Errorf("logboekregels schrijven: %w", err)
		}
	}
	return nil
}

// Head returns the region's tree size and root hash as the head row states them.
func (s *AuditStore) Head(ctx context.Context, regionID int64) (uint64, []byte, error) {
	var size int64
	var rng []byte
	err := s.db.QueryRow(ctx, "SELECT grootte, bereik FROM audit_kop WHERE regio_id = ?", regionID).Scan(&size, &rng)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, audit.NewTree().Root(), nil
	}
	if err != nil {
		return 0, nil, fmt.Errorf("auditkop lezen: %w", err)
	}
	hashes, err := audit.DecodeRange(rng)
	if err != nil {
		return 0, nil, err
	}
	t, err := audit.TreeFrom(uint64(size), hashes)
	if err != nil {
		return 0, nil, err
	}
	return t.Size(), t.Root(), nil
}

// Leaf returns the decoded entry at index.
func (s *AuditStore) Leaf(ctx context.Context, regionID int64, index uint64) (audit.Leaf, error) {
	var b []byte
	err := s.db.QueryRow(ctx, "SELECT blad FROM audit_regel WHERE regio_id = ? AND volgnummer = ?", regionID, int64(index)).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return audit.Leaf{}, ErrNotFound
	}
	if err != nil {
		return audit.Leaf{}, fmt.Errorf("logboekregel lezen: %w", err)
	}
	return audit.DecodeLeaf(b)
}

// Entries calls fn with every stored entry of the region with index in [from, to), in index
// order, as stored (not checked). Verification and export read the log through it.
func (s *AuditStore) Entries(ctx context.Context, regionID int64, from, to uint64, fn func(audit.StoredEntry) error) error {
	rows, err := s.db.Query(ctx, "SELECT volgnummer, tijd, leerling, blad, blad_hash FROM audit_regel WHERE regio_id = ? AND volgnummer >= ? AND volgnummer < ? ORDER BY volgnummer",
		regionID, int64(from), int64(min(to, 1<<62)))
	if err != nil {
		return fmt.Errorf("auditregels lezen: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e := audit.StoredEntry{RegionID: regionID}
		var idx int64
		if err := rows.Scan(&idx, &e.Time, &e.Pupil, &e.Leaf, &e.LeafHash); err != nil {
			return fmt.Errorf("logboek lezen: %w", err)
		}
		e.Index = uint64(idx)
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ForPupil returns the region's entries about the pupil with the pseudonym, oldest first (the
// chronological view NEN 7513 gives the data subject). Each leaf is decoded and must name the
// pupil itself; verify proves that no entry was hidden by changing the look-up column.
func (s *AuditStore) ForPupil(ctx context.Context, regionID int64, pseudonym string) ([]audit.Leaf, error) {
	if pseudonym == "" {
		return nil, fmt.Errorf("leerling ontbreekt")
	}
	subjects, err := s.db.AuditSubjects(ctx, regionID, pseudonym)
	if err != nil {
		return nil, fmt.Errorf("auditregels lezen: %w", err)
	}
	alias := subjects[len(subjects)-1] // the pseudonym itself when the pupil has no alias
	rows, err := s.db.Query(ctx, "SELECT volgnummer, blad FROM audit_regel WHERE regio_id = ? AND leerling IN (?, ?) ORDER BY volgnummer", regionID, pseudonym, alias)
	if err != nil {
		return nil, fmt.Errorf("auditregels lezen: %w", err)
	}
	defer rows.Close()
	var out []audit.Leaf
	for rows.Next() {
		var idx int64
		var b []byte
		if err := rows.Scan(&idx, &b); err != nil {
			return nil, fmt.Errorf("logboek van de leerling lezen: %w", err)
		}
		l, err := audit.DecodeLeaf(b)
		if err != nil {
			return nil, fmt.Errorf("auditregel %d: %w", idx, err)
		}
		if p := l.Entry.Pupil(); l.Index != uint64(idx) || l.RegionID != regionID || p != pseudonym && p != alias {
			return nil, fmt.Errorf("auditregel %d: %w: de regel past niet bij zijn plaats", idx, audit.ErrTampered)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// hashReader reads a region's stored hashes for proofs.
type hashReader struct {
	db       *DB
	regionID int64
}

func (h hashReader) LeafHashes(ctx context.Context, begin, end uint64) ([][]byte, error) {
	return h.read(ctx, "SELECT blad_hash FROM audit_regel WHERE regio_id = ? AND volgnummer >= ? AND volgnummer < ? ORDER BY volgnummer",
		h.regionID, int64(begin), int64(end))
}

func (h hashReader) NodeHashes(ctx context.Context, level uint, begin, end uint64) ([][]byte, error) {
	return h.read(ctx, "SELECT hash FROM audit_knoop WHERE regio_id = ? AND niveau = ? AND positie >= ? AND positie < ? ORDER BY positie",
		h.regionID, int64(level), int64(begin), int64(end))
}

func (h hashReader) read(ctx context.Context, q string, args ...any) ([][]byte, error) {
	rows, err := h.db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, fmt.Errorf("logboek lezen voor de hashketen: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// InclusionProof returns the proof that entry index is in the region's tree of the given size.
func (s *AuditStore) InclusionProof(ctx context.Context, regionID int64, index, size uint64) ([][]byte, error) {
	return audit.InclusionProof(ctx, hashReader{s.db, regionID}, index, size)
}

// ConsistencyProof returns the proof that the region's tree of size2 extends that of size1.
func (s *AuditStore) ConsistencyProof(ctx context.Context, regionID int64, size1, size2 uint64) ([][]byte, error) {
	return audit.ConsistencyProof(ctx, hashReader{s.db, regionID}, size1, size2)
}

// StoredCheckpoint is audit.StoredCheckpoint.
type StoredCheckpoint = audit.StoredCheckpoint

// MakeCheckpoint signs the region's current tree (size, root, now) with the region's key and
// stores it. Before signing it checks, with a consistency proof from the stored hashes, that the
// current tree extends the previous checkpoint, so that a tampered log is never signed.
func (s *AuditStore) MakeCheckpoint(ctx context.Context, regionID int64, signer audit.CheckpointSigner, now time.Time) (StoredCheckpoint, error) {
	var out StoredCheckpoint
	err := s.db.WithTx(ctx, func(tx *Tx) error {
		if err := tx.SetRegion(ctx, regionID); err != nil {
			return err
		}
		size, tree, err := lockHead(ctx, tx, regionID)
		if err != nil {
			return err
		}
		root := tree.Root()
		var prevSize int64
		var prevRoot []byte
		err = tx.QueryRow(ctx, "SELECT grootte, root FROM audit_controlepunt WHERE regio_id = ? ORDER BY grootte DESC, id DESC LIMIT 1", regionID).Scan(&prevSize, &prevRoot)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return wrapErr(err, "controlepunt maken")
		default:
			if uint64(prevSize) > size {
				return fmt.Errorf("%w: het log (%d regels) is korter dan het vorige controlepunt (%d)", audit.ErrTampered, size, prevSize)
			}
			p, err := audit.ConsistencyProof(ctx, txHashReader{tx, regionID}, uint64(prevSize), size)
			if err != nil {
				return fmt.Errorf("consistentiebewijs: %w", err)
			}
			if err := audit.VerifyConsistency(uint64(prevSize), size, p, prevRoot, root); err != nil {
				return fmt.Errorf("%w: het log past niet meer op het vorige controlepunt (%d regels): %v", audit.ErrTampered, prevSize, err)
			}
		}
		cp := audit.Checkpoint{Origin: signer.Name(), Size: size, Root: root, Time: now.UTC().Truncate(time.Millisecond)}
		msg, err := cp.Sign(signer)
		if err != nil {
			return err
		}
		id, err := tx.InsertID(ctx, "INSERT INTO audit_controlepunt (regio_id, grootte, root, tijd, notitie) VALUES (?, ?, ?, ?, ?)",
			regionID, int64(size), root, cp.Time.UnixMilli(), string(msg))
		if err != nil {
			return fmt.Errorf("controlepunt maken: %w", err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO audit_sleutel (regio_id, sleutel, eerst_gebruikt) VALUES (?, ?, ?) ON CONFLICT (regio_id, sleutel) DO NOTHING",
			regionID, signer.VerifierKey(), cp.Time.UnixMilli()); err != nil {
			return fmt.Errorf("controlepunt maken: %w", err)
		}
		out = StoredCheckpoint{ID: id, Size: size, Root: root, Time: cp.Time, Note: msg}
		return nil
	})
	if err != nil {
		return StoredCheckpoint{}, fmt.Errorf("controlepunt maken: %w", err)
	}
	return out, nil
}

// txHashReader reads stored hashes inside a transaction.
type txHashReader struct {
	tx       *Tx
	regionID int64
}

func (h txHashReader) LeafHashes(ctx context.Context, begin, end uint64) ([][]byte, error) {
	return txRead(ctx, h.tx, "SELECT blad_hash FROM audit_regel WHERE regio_id = ? AND volgnummer >= ? AND volgnummer < ? ORDER BY volgnummer",
		h.regionID, int64(begin), int64(end))
}

func (h txHashReader) NodeHashes(ctx context.Context, level uint, begin, end uint64) ([][]byte, error) {
	return txRead(ctx, h.tx, "SELECT hash FROM audit_knoop WHERE regio_id = ? AND niveau = ? AND positie >= ? AND positie < ? ORDER BY positie",
		h.regionID, int64(level), int64(begin), int64(end))
}

func txRead(ctx context.Context, tx *Tx, q string, args ...any) ([][]byte, error) {
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("logboek lezen: %w", err)
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, fmt.Errorf("logboek lezen: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// Checkpoints returns the region's stored checkpoints, oldest first.
func (s *AuditStore) Checkpoints(ctx context.Context, regionID int64) ([]StoredCheckpoint, error) {
	rows, err := s.db.Query(ctx, "SELECT id, grootte, root, tijd, notitie FROM audit_controlepunt WHERE regio_id = ? ORDER BY grootte, id", regionID)
	if err != nil {
		return nil, fmt.Errorf("controlepunten lezen: %w", err)
	}
	defer rows.Close()
	var out []StoredCheckpoint
	for rows.Next() {
		var c StoredCheckpoint
		var size, t int64
		var n string
		if err := rows.Scan(&c.ID, &size, &c.Root, &t, &n); err != nil {
			return nil, fmt.Errorf("controlepunten lezen: %w", err)
		}
		c.Size, c.Time, c.Note = uint64(size), time.UnixMilli(t).UTC(), []byte(n)
		out = append(out, c)
	}
	return out, rows.Err()
}

// LatestCheckpoint returns the region's most recent checkpoint, or ErrNotFound.
func (s *AuditStore) LatestCheckpoint(ctx context.Context, regionID int64) (StoredCheckpoint, error) {
	var c StoredCheckpoint
	var size, t int64
	var n string
	err := s.db.QueryRow(ctx, "SELECT id, grootte, root, tijd, notitie FROM audit_controlepunt WHERE regio_id = ? ORDER BY grootte DESC, id DESC LIMIT 1", regionID).
		Scan(&c.ID, &size, &c.Root, &t, &n)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("laatste controlepunt lezen: %w", err)
	}
	c.Size, c.Time, c.Note = uint64(size), time.UnixMilli(t).UTC(), []byte(n)
	return c, nil
}

// VerifierKeys returns the public verifier keys that signed the region's checkpoints, as the
// database records them.
func (s *AuditStore) VerifierKeys(ctx context.Context, regionID int64) ([]string, error) {
	rows, err := s.db.Query(ctx, "SELECT sleutel FROM audit_sleutel WHERE regio_id = ? ORDER BY eerst_gebruikt", regionID)
	if err != nil {
		return nil, fmt.Errorf("controlesleutels lezen: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("controlesleutels lezen: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// VerifyResult is what a successful verification found.
type VerifyResult struct {
	Size        uint64
	Root        []byte
	Checkpoints int // stored checkpoints whose signature and root were checked
}

// VerifyOptions says what Verify checks against.
type VerifyOptions struct {
	// Verifiers are the public keys that stored checkpoints must be signed with.
	Verifiers []note.Verifier
	// Extra are checkpoints from outside (e.g. one an FG kept): the log must contain them too.
	Extra []audit.Checkpoint
	// Thorough also decodes every leaf fully (audit.DecodeLeaf): it must be a valid, canonically
	// encoded entry. Without it verification reads only the indexed fields, which suffices for
	// tamper evidence because the leaf hash covers every byte.
	Thorough bool
}

// Verify recomputes the region's tree from the stored entries: every leaf is re-hashed and must
// sit at its own index with matching look-up columns, the recomputed roots must equal every
// stored checkpoint (each of whose signatures must verify with one of opts.Verifiers) and every
// extra checkpoint, and the stored nodes and head must equal the recomputed ones. The first entry
// that does not fit is reported as an *audit.Finding (errors.Is(err, audit.ErrTampered)).
func (s *AuditStore) Verify(ctx context.Context, regionID int64, opts VerifyOptions) (VerifyResult, error) {
	verifiers, extra := opts.Verifiers, opts.Extra
	// The log may grow while it is verified. Read the checkpoints first, then the head: the head
	// only grows and is updated in the same transaction as the rows it counts, so every row below
	// its size is committed and every checkpoint read before it is no larger. Rows appended after
	// the head was read are left for the next verification.
	stored, err := s.Checkpoints(ctx, regionID)
	if err != nil {
		return VerifyResult{}, err
	}
	headSize, headRoot, err := s.Head(ctx, regionID)
	if err != nil {
		return VerifyResult{}, err
	}
	cps := make([]audit.Checkpoint, 0, len(stored)+len(extra))
	for _, sc := range stored {
		cp, err := openWithAny(sc.Note, verifiers)
		if err != nil {
			return VerifyResult{}, fmt.Errorf("%w: controlepunt %d (grootte %d): %v", audit.ErrTampered, sc.ID, sc.Size, err)
		}
		if cp.Size != sc.Size || !bytes.Equal(cp.Root, sc.Root) {
			return VerifyResult{}, fmt.Errorf("%w: controlepunt %d: kolommen wijken af van de ondertekende tekst", audit.ErrTampered, sc.ID)
		}
		cps = append(cps, cp)
	}
	cps = append(cps, extra...)
	// Entries below the pruning boundary (audit_prune.go) have only their hash: a signed
	// checkpoint must cover them, so that each pruned hash is bound to a signed root.
	pruned, err := s.PrunedTo(ctx, regionID)
	if err != nil {
		return VerifyResult{}, err
	}
	if pruned > 0 && !slices.ContainsFunc(stored, func(c StoredCheckpoint) bool { return c.Size >= pruned }) {
		return VerifyResult{}, &audit.Finding{Index: 0, Reason: fmt.Sprintf("de inhoud van de regels 0 tot %d is gesnoeid, maar geen ondertekend controlepunt dekt ze", pruned)}
	}
	v := audit.NewTreeVerifier(cps)

	if err := s.walk(ctx, regionID, headSize, opts.Thorough, pruned, v); err != nil {
		return VerifyResult{}, err
	}
	size, root, err := v.Finish()
	if err != nil {
		return VerifyResult{}, err
	}
	if headSize != size || !bytes.Equal(headRoot, root) {
		return VerifyResult{}, &audit.Finding{Index: min(headSize, size), Reason: fmt.Sprintf("de kop van het log (%d regels) wijkt af van de herberekende boom (%d regels): regels aan het eind zijn verwijderd of de kop is buiten het log om gewijzigd", headSize, size)}
	}
	// Stored nodes within the verified size must equal the recomputed ones (they serve proofs).
	rows, err := s.db.Query(ctx, "SELECT niveau, positie, hash FROM audit_knoop WHERE regio_id = ? ORDER BY niveau, positie", regionID)
	if err != nil {
		return VerifyResult{}, fmt.Errorf("logboek controleren: %w", err)
	}
	for rows.Next() {
		var level, pos int64
		var h []byte
		if err := rows.Scan(&level, &pos, &h); err != nil {
			rows.Close()
			return VerifyResult{}, fmt.Errorf("logboek controleren: %w", err)
		}
		if uint64(pos+1)<<uint(level) > size {
			continue // completed after the head was read
		}
		if err := v.CheckNode(uint(level), uint64(pos), h); err != nil {
			rows.Close()
			return VerifyResult{}, err
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return VerifyResult{}, fmt.Errorf("logboek controleren: %w", err)
	}
	if n := v.MissingNodes(); n > 0 {
		return VerifyResult{}, fmt.Errorf("%w: %d opgeslagen knopen ontbreken", audit.ErrTampered, n)
	}
	return VerifyResult{Size: size, Root: root, Checkpoints: len(stored)}, nil
}

func openWithAny(msg []byte, verifiers []note.Verifier) (audit.Checkpoint, error) {
	if len(verifiers) == 0 {
		return audit.Checkpoint{}, errors.New("geen verificatiesleutel")
	}
	var first error
	for _, v := range verifiers {
		cp, err := audit.OpenCheckpoint(msg, v)
		if err == nil {
			return cp, nil
		}
		if first == nil {
			first = err
		}
	}
	return audit.Checkpoint{}, first
}

// walk reads the entries below size in chunks of consecutive indexes; several goroutines each
// read a chunk (its own range query, so the database works in parallel too) and check its
// entries (CheckEntry), and the verifier takes the chunks' hashes in index order. A goroutine
// takes a slot before it claims the next chunk, so the chunk the verifier waits for always holds
// one: at most 2·workers chunks are in memory.
func (s *AuditStore) walk(ctx context.Context, regionID int64, size uint64, thorough bool, pruned uint64, v *audit.Verifier) error {
	const chunk = 4096
	type result struct {
		indexes []uint64
		hashes  [][]byte
		bad     *audit.Finding
		err     error
	}
	n := (size + chunk - 1) / chunk
	if n == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := max(4, runtime.GOMAXPROCS(0))
	results := make([]chan result, n)
	for i := range results {
		results[i] = make(chan result, 1)
	}
	slots := make(chan struct{}, 2*workers)
	var next atomic.Uint64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case slots <- struct{}{}:
				case <-ctx.Done():
					return
				}
				c := next.Add(1) - 1
				if c >= n {
					<-slots
					return
				}
				from, to := c*chunk, min((c+1)*chunk, size)
				r := result{indexes: make([]uint64, 0, to-from), hashes: make([][]byte, 0, to-from)}
				r.err = s.scanChunk(ctx, regionID, from, to, func(e audit.StoredEntry) error {
					if r.bad != nil {
						return nil
					}
					var h []byte
					var f *audit.Finding
					if e.Index < pruned && len(e.Leaf) == 0 {
						h, f = audit.CheckPruned(e)
					} else {
						h, f = audit.CheckEntry(e, thorough)
					}
					if f != nil {
						r.bad = f
						return nil
					}
					r.indexes = append(r.indexes, e.Index)
					r.hashes = append(r.hashes, h)
					return nil
				})
				results[c] <- r
			}
		}()
	}
	var firstErr error
	for c := uint64(0); c < n && firstErr == nil; c++ {
		var r result
		select {
		case r = <-results[c]:
		case <-ctx.Done():
			firstErr = ctx.Err()
			continue
		}
		<-slots
		if r.err != nil {
			firstErr = r.err
			break
		}
		for i, idx := range r.indexes {
			if err := v.Add(idx, r.hashes[i]); err != nil {
				firstErr = err
				break
			}
		}
		if firstErr == nil && r.bad != nil {
			firstErr = v.Fail(r.bad)
		}
	}
	cancel()
	wg.Wait()
	return firstErr
}

// selectChunk reads the rows of one verify chunk: exactly the columns CheckEntry compares.
const selectChunk = "SELECT volgnummer, tijd, leerling, blad, blad_hash FROM audit_regel WHERE regio_id = ? AND volgnummer >= ? AND volgnummer < ? ORDER BY volgnummer"

// scanChunk calls fn with the stored entries with index in [from, to), in index order, for
// verification. Unlike Entries, the Leaf and LeafHash fn gets point into the driver's row buffer
// and are valid only during the call (CheckEntry keeps neither): no per-row copies of the leaf.
// On PostgreSQL the rows are read through pgx itself in the binary format; on SQLite through
// database/sql into sql.RawBytes.
func (s *AuditStore) scanChunk(ctx context.Context, regionID int64, from, to uint64, fn func(audit.StoredEntry) error) error {
	if s.db.dialect == Postgres {
		return s.scanChunkPgx(ctx, regionID, from, to, fn)
	}
	rows, err := s.db.Query(ctx, selectChunk, regionID, int64(from), int64(min(to, 1<<62)))
	if err != nil {
		return fmt.Errorf("auditregels lezen: %w", err)
	}
	defer rows.Close()
	var leaf, hash sql.RawBytes
	for rows.Next() {
		e := audit.StoredEntry{RegionID: regionID}
		var idx int64
		if err := rows.Scan(&idx, &e.Time, &e.Pupil, &leaf, &hash); err != nil {
			return fmt.Errorf("logboekblok lezen: %w", err)
		}
		e.Index, e.Leaf, e.LeafHash = uint64(idx), leaf, hash
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// scanChunkPgx is scanChunk on PostgreSQL: the query runs on the pgx connection under a pooled
// database/sql connection (Conn.Raw) with binary results, and the values are taken straight from
// pgx's row buffer (RawValues): BIGINT as 8 bytes big-endian, TEXT and BYTEA as their bytes. This
// skips database/sql's conversion of every value and two copies of every leaf.
func (s *AuditStore) scanChunkPgx(ctx context.Context, regionID int64, from, to uint64, fn func(audit.StoredEntry) error) error {
	p, err := s.db.pool(ctx)
	if err != nil {
		return fmt.Errorf("auditregels lezen: %w", err)
	}
	c, err := p.Conn(ctx)
	if err != nil {
		return fmt.Errorf("auditregels lezen: %w", err)
	}
	defer c.Close()
	return c.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("auditregels lezen: onverwachte databaseverbinding %T", dc)
		}
		rows, err := sc.Conn().Query(ctx, s.db.Rebind(selectChunk), pgx.QueryResultFormats{pgx.BinaryFormatCode},
			regionID, int64(from), int64(min(to, 1<<62)))
		if err != nil {
			return fmt.Errorf("auditregels lezen: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			v := rows.RawValues()
			if len(v) != 5 || len(v[0]) != 8 || len(v[1]) != 8 || v[2] == nil || v[3] == nil || v[4] == nil {
				return fmt.Errorf("auditregels lezen: onverwachte kolomwaarden")
			}
			e := audit.StoredEntry{
				RegionID: regionID,
				Index:    binary.BigEndian.Uint64(v[0]),
				Time:     int64(binary.BigEndian.Uint64(v[1])),
				Pupil:    string(v[2]),
				Leaf:     v[3],
				LeafHash: v[4],
			}
			if err := fn(e); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

// Recent returns the region's latest entries, newest first (the FG's overview).
func (s *AuditStore) Recent(ctx context.Context, regionID int64, limit int) ([]audit.Leaf, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.db.Query(ctx, "SELECT blad FROM audit_regel WHERE regio_id = ? ORDER BY volgnummer DESC LIMIT ?", regionID, limit)
	if err != nil {
		return nil, fmt.Errorf("auditregels lezen: %w", err)
	}
	defer rows.Close()
	var out []audit.Leaf
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, fmt.Errorf("recente logboekregels lezen: %w", err)
		}
		l, err := audit.DecodeLeaf(b)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// CheckpointDue makes a checkpoint for every region whose log grew since its latest checkpoint,
// or whose latest checkpoint is older than maxAge (so that an outsider always finds a recent
// one), and returns how many it made. The server calls it on a ticker; signer returns the
// region's checkpoint signer (from the key ring). Errors of one region do not stop the others;
// they are joined.
func (s *AuditStore) CheckpointDue(ctx context.Context, signer func(ctx context.Context, regionID int64) (audit.CheckpointSigner, error), now time.Time, maxAge time.Duration) (int, error) {
	rows, err := s.db.Query(ctx, "SELECT regio_id, grootte FROM audit_kop ORDER BY regio_id")
	if err != nil {
		return 0, fmt.Errorf("auditkoppen lezen: %w", err)
	}
	type head struct{ region, size int64 }
	var heads []head
	for rows.Next() {
		var h head
		if err := rows.Scan(&h.region, &h.size); err != nil {
			rows.Close()
			return 0, fmt.Errorf("controlepunt nodig bepalen: %w", err)
		}
		heads = append(heads, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("controlepunt nodig bepalen: %w", err)
	}
	made := 0
	var errs []error
	for _, h := range heads {
		last, err := s.LatestCheckpoint(ctx, h.region)
		if err == nil && last.Size == uint64(h.size) && now.Sub(last.Time) < maxAge {
			continue
		}
		if err != nil && !errors.Is(err, ErrNotFound) {
			errs = append(errs, fmt.Errorf("regio %d: %w", h.region, err))
			continue
		}
		sg, err := signer(ctx, h.region)
		if err != nil {
			errs = append(errs, fmt.Errorf("regio %d: %w", h.region, err))
			continue
		}
		if _, err := s.MakeCheckpoint(ctx, h.region, sg, now); err != nil {
			errs = append(errs, fmt.Errorf("regio %d: %w", h.region, err))
			continue
		}
		made++
	}
	return made, errors.Join(errs...)
}
