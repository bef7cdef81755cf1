package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/grondslag/grondslag/internal/audit"
)

// AuditFilter is audit.Filter.
type AuditFilter = audit.Filter

// Search returns the entries matching f, newest first, from f.Offset and at most f.Limit, with
// the number of all matches: one count and one page query whatever the log's size. The period
// and the pupil are columns of audit_regel; user, organisation, outcome and purpose are inside
// the leaf and are searched in audit_kenmerk, which Search first brings up to date with the
// leaves appended since its last call (catchUpKenmerk: each leaf is decoded for it once). Each
// leaf of the page is decoded and checked against its row (place, region, pupil) and against
// the filter, so a wrong kenmerk row is an error, not a silent answer.
func (s *AuditStore) Search(ctx context.Context, regionID int64, f AuditFilter) ([]audit.Leaf, int, error) {
	inLeaf := f.UserID != 0 || f.OrgID != 0 || f.Outcome != "" || f.Purpose != ""
	from := " FROM audit_regel r WHERE r.regio_id = ?"
	args := []any{regionID}
	if inLeaf {
		if err := s.catchUpKenmerk(ctx, regionID); err != nil {
			return nil, 0, err
		}
		from = " FROM audit_kenmerk k JOIN audit_regel r ON r.regio_id = k.regio_id AND r.volgnummer = k.volgnummer WHERE k.regio_id = ?"
		for _, c := range []struct {
			on  bool
			col string
			v   any
		}{{f.UserID != 0, "k.gebruiker_id", f.UserID}, {f.OrgID != 0, "k.organisatie_id", f.OrgID}, {f.Outcome != "", "k.uitkomst", f.Outcome}, {f.Purpose != "", "k.doel", f.Purpose}} {
			if c.on {
				from += " AND " + c.col + " = ?"
				args = append(args, c.v)
			}
		}
	}
	// Entries below the pruning boundary have no content any more (audit_prune.go).
	if pruned, err := s.PrunedTo(ctx, regionID); err != nil {
		return nil, 0, err
	} else if pruned > 0 {
		from += " AND r.volgnummer >= ?"
		args = append(args, int64(pruned))
	}
	// A pupil's entries carry its pseudonym (before aliases) or its audit alias (audit_alias.go).
	pupil, alias := f.Pupil, f.Pupil
	if f.Pupil != "" {
		subjects, err := s.db.AuditSubjects(ctx, regionID, f.Pupil)
		if err != nil {
			return nil, 0, fmt.Errorf("auditregels zoeken: %w", err)
		}
		alias = subjects[len(subjects)-1]
		from += " AND r.leerling IN (?, ?)"
		args = append(args, pupil, alias)
	}
	if !f.From.IsZero() {
		from += " AND r.tijd >= ?"
		args = append(args, f.From.UnixMilli())
	}
	if !f.To.IsZero() {
		from += " AND r.tijd < ?"
		args = append(args, f.To.UnixMilli())
	}
	total := 0
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*)"+from, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("auditregels tellen: %w", err)
	}
	q := "SELECT r.volgnummer, r.blad" + from + " ORDER BY r.volgnummer DESC"
	skip := f.Offset // without a limit the offset is applied while reading
	if f.Limit > 0 {
		q += " LIMIT ? OFFSET ?"
		args = append(args, f.Limit, f.Offset)
		skip = 0
	}
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("auditregels zoeken: %w", err)
	}
	defer rows.Close()
	var out []audit.Leaf
	for rows.Next() {
		var idx int64
		var b []byte
		if err := rows.Scan(&idx, &b); err != nil {
			return nil, 0, fmt.Errorf("logboek doorzoeken: %w", err)
		}
		if skip > 0 {
			skip--
			continue
		}
		l, err := audit.DecodeLeaf(b)
		if err != nil {
			return nil, 0, fmt.Errorf("auditregel %d: %w", idx, err)
		}
		if l.Index != uint64(idx) || l.RegionID != regionID || (f.Pupil != "" && l.Entry.Pupil() != pupil && l.Entry.Pupil() != alias) || !f.Matches(l.Entry.Record()) {
			return nil, 0, fmt.Errorf("auditregel %d: %w: de regel past niet bij zijn plaats of zijn kenmerken", idx, audit.ErrTampered)
		}
		out = append(out, l)
	}
	return out, total, rows.Err()
}

// kenmerkBatch is how many leaves catchUpKenmerk decodes per transaction.
const kenmerkBatch = 2000

// catchUpKenmerk adds to audit_kenmerk the search columns of the region's leaves it does not
// hold yet, in order; concurrent callers may both add a row (ON CONFLICT keeps the first).
func (s *AuditStore) catchUpKenmerk(ctx context.Context, regionID int64) error {
	for {
		var last int64
		if err := s.db.QueryRow(ctx, "SELECT COALESCE(MAX(volgnummer), -1) FROM audit_kenmerk WHERE regio_id = ?", regionID).Scan(&last); err != nil {
			return fmt.Errorf("auditkenmerken bijwerken: %w", err)
		}
		rows, err := s.db.Query(ctx, "SELECT volgnummer, tijd, blad FROM audit_regel WHERE regio_id = ? AND volgnummer > ? ORDER BY volgnummer LIMIT ?", regionID, last, kenmerkBatch)
		if err != nil {
			return fmt.Errorf("auditkenmerken bijwerken: %w", err)
		}
		type kenmerk struct {
			idx, at, user, org int64
			outcome, purpose   string
		}
		var ks []kenmerk
		for rows.Next() {
			var k kenmerk
			var b []byte
			if err := rows.Scan(&k.idx, &k.at, &b); err != nil {
				rows.Close()
				return fmt.Errorf("kenmerkindex bijwerken: %w", err)
			}
			if len(b) == 0 {
				ks = append(ks, k) // pruned (audit_prune.go): nothing to index
				continue
			}
			l, err := audit.DecodeLeaf(b)
			if err != nil {
				rows.Close()
				return fmt.Errorf("auditregel %d: %w", k.idx, err)
			}
			r := l.Entry.Record()
			k.user, k.org, k.outcome, k.purpose = r.Actor.UserID, r.Actor.OrganisationID, string(r.Outcome), r.Purpose
			ks = append(ks, k)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("kenmerkindex bijwerken: %w", err)
		}
		if len(ks) == 0 {
			return nil
		}
		err = s.db.WithTx(ctx, func(tx *Tx) error {
			for _, k := range ks {
				if _, err := tx.Exec(ctx, `INSERT INTO audit_kenmerk (regio_id, volgnummer, tijd, gebruiker_id, organisatie_id, uitkomst, doel) VALUES (?, ?, ?, ?, ?, ?, ?)
					ON CONFLICT (regio_id, volgnummer) DO NOTHING`, regionID, k.idx, k.at, k.user, k.org, k.outcome, k.purpose); err != nil {
					return fmt.Errorf("kenmerkindex bijwerken: %w", err)
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("auditkenmerken bijwerken: %w", err)
		}
		if len(ks) < kenmerkBatch {
			return nil
		}
	}
}

// PupilsWithRef returns the pseudonyms of the region's pupils that start with ref (the pupil
// reference pages show, "L-" and eight characters, or a whole pseudonym), at most 10.
func (s *AuditStore) PupilsWithRef(ctx context.Context, regionID int64, ref string) ([]string, error) {
	ref = strings.ToLower(strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(ref), "L-"), "l-"))
	if len(ref) < 8 {
		return nil, nil
	}
	rows, err := s.db.Query(ctx, "SELECT pseudoniem FROM leerling WHERE regio_id = ? AND substr(pseudoniem, 1, ?) = ? ORDER BY pseudoniem LIMIT 10", regionID, len(ref), ref)
	if err != nil {
		return nil, fmt.Errorf("leerling zoeken: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, fmt.Errorf("leerlingen met kenmerk lezen: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
