package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
)

// AuditFilter narrows the FG's search in a region's audit log (issue 15). Zero fields do not
// filter. To is exclusive.
type AuditFilter struct {
	Pupil    string // pseudonym
	From, To time.Time
	UserID   int64
	OrgID    int64
	Outcome  string // audit.Allowed or audit.Denied
	Purpose  string
	Offset   int
	Limit    int // 0: all matches
}

func (f AuditFilter) match(r audit.Record) bool {
	return (f.UserID == 0 || r.Actor.UserID == f.UserID) && (f.OrgID == 0 || r.Actor.OrganisationID == f.OrgID) &&
		(f.Outcome == "" || string(r.Outcome) == f.Outcome) && (f.Purpose == "" || r.Purpose == f.Purpose)
}

// Search returns the entries matching f, newest first, from f.Offset and at most f.Limit, with
// the number of all matches. The period and the pupil narrow the rows in SQL (the pupil by its
// index); user, organisation, outcome and purpose are inside the leaf, so the rows of the period
// are decoded and filtered here: the cost grows with the period searched, not with the page.
// Each leaf is checked against its row (place, region, pupil), as ForPupil does.
func (s *AuditStore) Search(ctx context.Context, regionID int64, f AuditFilter) ([]audit.Leaf, int, error) {
	q := "SELECT volgnummer, blad FROM audit_regel WHERE regio_id = ?"
	args := []any{regionID}
	if f.Pupil != "" {
		q += " AND leerling = ?"
		args = append(args, f.Pupil)
	}
	if !f.From.IsZero() {
		q += " AND tijd >= ?"
		args = append(args, f.From.UnixMilli())
	}
	if !f.To.IsZero() {
		q += " AND tijd < ?"
		args = append(args, f.To.UnixMilli())
	}
	inLeaf := f.UserID != 0 || f.OrgID != 0 || f.Outcome != "" || f.Purpose != ""
	total := 0
	if !inLeaf {
		// Only the period and the pupil: count and page in SQL, decode only the page.
		if err := s.db.QueryRow(ctx, strings.Replace(q, "SELECT volgnummer, blad", "SELECT COUNT(*)", 1), args...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("auditregels tellen: %w", err)
		}
		q += " ORDER BY volgnummer DESC"
		if f.Limit > 0 {
			q += " LIMIT ? OFFSET ?"
			args = append(args, f.Limit, f.Offset)
			f.Offset = 0
		}
	} else {
		q += " ORDER BY volgnummer DESC"
	}
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("auditregels zoeken: %w", err)
	}
	defer rows.Close()
	var out []audit.Leaf
	n := 0
	for rows.Next() {
		var idx int64
		var b []byte
		if err := rows.Scan(&idx, &b); err != nil {
			return nil, 0, err
		}
		l, err := audit.DecodeLeaf(b)
		if err != nil {
			return nil, 0, fmt.Errorf("auditregel %d: %w", idx, err)
		}
		if l.Index != uint64(idx) || l.RegionID != regionID || (f.Pupil != "" && l.Entry.Pupil() != f.Pupil) {
			return nil, 0, fmt.Errorf("auditregel %d: %w: de regel past niet bij zijn plaats", idx, audit.ErrTampered)
		}
		if !f.match(l.Entry.Record()) {
			continue
		}
		if n >= f.Offset && (f.Limit == 0 || len(out) < f.Limit) {
			out = append(out, l)
		}
		n++
	}
	if inLeaf {
		total = n
	}
	return out, total, rows.Err()
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
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
