package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/retention"
)

// The end of the audit log's own retention period (docs/audit.md §14, migration 0320). Entries
// past the period of the convenant's category auditlog whose pupil no longer exists lose their
// content (blad, leerling); index, time and leaf hash stay, so the tree, its nodes and every
// signed checkpoint still verify. Pruning takes a prefix of the log that a signed checkpoint
// covers, so every pruned hash is already bound to a signed root.

// AuditLogCategory is the convenant's retention category of the audit log itself.
const AuditLogCategory = convenant.AuditLogCategory

// PrunedTo returns the index below which the region's entries may have lost their content (0:
// nothing pruned).
func (s *AuditStore) PrunedTo(ctx context.Context, regionID int64) (uint64, error) {
	var to int64
	if err := s.db.QueryRow(ctx, "SELECT COALESCE(MAX(tot), 0) FROM audit_snoei WHERE regio_id = ?", regionID).Scan(&to); err != nil {
		return 0, fmt.Errorf("snoeigrens lezen: %w", err)
	}
	return uint64(to), nil
}

// PruneDue returns up to which index the region's entries are due for destruction on day under
// period (the convenant's auditlog period, counted from each entry's time): the longest prefix
// from the current boundary in which every entry's period has ended and no entry names a pupil
// that still exists (the log is kept at least as long as the data it is about: an entry about a
// live pupil, by pseudonym or by alias, stops the prefix), capped at the largest signed
// checkpoint. The result is never below the current boundary.
func (s *AuditStore) PruneDue(ctx context.Context, regionID int64, period convenant.Period, day time.Time) (uint64, error) {
	from, err := s.PrunedTo(ctx, regionID)
	if err != nil {
		return 0, err
	}
	var maxCP sql.NullInt64
	if err := s.db.QueryRow(ctx, "SELECT MAX(grootte) FROM audit_controlepunt WHERE regio_id = ?", regionID).Scan(&maxCP); err != nil {
		return 0, fmt.Errorf("snoeivoorstel: %w", err)
	}
	limit := uint64(maxCP.Int64)
	to := from
	live := map[string]bool{}
	day = retention.Day(day)
	for to < limit {
		type row struct {
			idx   uint64
			at    int64
			pupil string
		}
		var rs []row
		rows, err := s.db.Query(ctx, "SELECT volgnummer, tijd, leerling FROM audit_regel WHERE regio_id = ? AND volgnummer >= ? AND volgnummer < ? ORDER BY volgnummer",
			regionID, int64(to), int64(min(limit, to+2000)))
		if err != nil {
			return 0, fmt.Errorf("snoeivoorstel: %w", err)
		}
		for rows.Next() {
			var r row
			var idx int64
			if err := rows.Scan(&idx, &r.at, &r.pupil); err != nil {
				rows.Close()
				return 0, fmt.Errorf("snoeivoorstel: %w", err)
			}
			r.idx = uint64(idx)
			rs = append(rs, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, fmt.Errorf("snoeivoorstel: %w", err)
		}
		if len(rs) == 0 {
			break
		}
		for _, r := range rs {
			if r.idx != to {
				return to, nil // a gap: verify names it; prune nothing beyond it
			}
			if retention.DueFrom(time.UnixMilli(r.at).UTC(), period).After(day) {
				return to, nil
			}
			if r.pupil != "" {
				alive, seen := live[r.pupil]
				if !seen {
					if alive, err = s.pupilExists(ctx, regionID, r.pupil); err != nil {
						return 0, err
					}
					live[r.pupil] = alive
				}
				if alive {
					return to, nil
				}
			}
			to++
		}
	}
	return to, nil
}

// pupilExists reports whether an entry's pupil value (a pseudonym, or an alias whose key still
// exists) names a pupil of the region. Without a key vault an alias cannot be resolved: it
// counts as a pupil that exists (the entry is kept, never pruned too early).
func (s *AuditStore) pupilExists(ctx context.Context, regionID int64, pupil string) (bool, error) {
	if audit.IsAlias(pupil) {
		if s.db.vault == nil {
			return true, nil
		}
		m, err := s.db.AuditAliasPupils(ctx, regionID, []string{pupil})
		if err != nil {
			return false, fmt.Errorf("snoeivoorstel: %w", err)
		}
		return len(m) > 0, nil
	}
	var n int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM leerling WHERE regio_id = ? AND pseudoniem = ?", regionID, pupil).Scan(&n); err != nil {
		return false, fmt.Errorf("snoeivoorstel: %w", err)
	}
	return n > 0, nil
}

// Prune removes the content of the region's entries below to — what PruneDue proposed and the
// controller approved — in one transaction: it records the pruning (audit_snoei, with the signed
// checkpoint that covers it), empties blad and leerling of those entries (the triggers of
// migration 0320 allow exactly that), and appends an entry of its own (action vernietigen,
// category auditlog, the count — no content). It returns how many entries lost their content.
func (s *AuditStore) Prune(ctx context.Context, regionID int64, to uint64, ground string, ex Executor, now time.Time) (int, error) {
	return s.prune(ctx, regionID, to, ground, ex, now, nil)
}

// prune is Prune; also, when record is not nil, it calls record in the pruning's transaction
// with the range that lost its content and the count (the destruction list's record of it).
func (s *AuditStore) prune(ctx context.Context, regionID int64, to uint64, ground string, ex Executor, now time.Time, record func(tx *Tx, from uint64, n int) error) (int, error) {
	from, err := s.PrunedTo(ctx, regionID)
	if err != nil {
		return 0, err
	}
	if to <= from {
		return 0, nil
	}
	var cpID int64
	err = s.db.QueryRow(ctx, "SELECT id FROM audit_controlepunt WHERE regio_id = ? AND grootte >= ? ORDER BY grootte, id LIMIT 1", regionID, int64(to)).Scan(&cpID)
	if err == sql.ErrNoRows {
		return 0, fmt.Errorf("snoeien tot regel %d: geen ondertekend controlepunt dat deze regels dekt; maak eerst een controlepunt", to)
	}
	if err != nil {
		return 0, fmt.Errorf("snoeien: %w", err)
	}
	n := 0
	err = s.db.WithTx(ctx, func(tx *Tx) error {
		if err := tx.SetRegion(ctx, regionID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "INSERT INTO audit_snoei (regio_id, tot, controlepunt_id, aantal, uitgevoerd_op, uitgevoerd_door, grond) VALUES (?, ?, ?, ?, ?, ?, ?)",
			regionID, int64(to), cpID, int64(to-from), now.UnixMilli(), optionalID(ex.UserID), ground); err != nil {
			return fmt.Errorf("snoeien vastleggen: %w", err)
		}
		res, err := tx.Exec(ctx, "UPDATE audit_regel SET blad = ?, leerling = '' WHERE regio_id = ? AND volgnummer >= ? AND volgnummer < ?", []byte{}, regionID, int64(from), int64(to))
		if err != nil {
			return fmt.Errorf("snoeien: %w", err)
		}
		m, _ := res.RowsAffected()
		n = int(m)
		if record != nil {
			if err := record(tx, from, n); err != nil {
				return err
			}
		}
		role, point := ex.Role, ex.Point
		if role == "" {
			role = "bewaartermijntaak"
		}
		if point == "" {
			point = audit.AccessJob
		}
		e, err := audit.NewEntry(audit.Record{
			Time: now, Actor: audit.Actor{UserID: ex.UserID, OrganisationID: ex.OrganisationID, Role: role},
			Categories: []string{AuditLogCategory}, Action: audit.ActionDestroy,
			Purpose: "vernietiging", LegalGround: "avg-5-1-e", Article: "AVG art. 5 lid 1 sub e; convenant artikel 27 (bewaren van het logboek)",
			Outcome: audit.Allowed, AccessPoint: point, RequestID: "snoeien-" + strconv.FormatUint(to, 10),
			TraceID: audit.NewTraceID(), OperationID: audit.NewOperationID(),
			Name:               fmt.Sprintf("inhoud van auditregels %d tot %d vernietigd (%d regels); bladhashes en controlepunten blijven", from, to, n),
			ProcessingActivity: "urn:grondslag:vernietiging:" + ground,
		}, nil)
		if err != nil {
			return err
		}
		return s.Append(ctx, tx, regionID, e)
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// Pruning is one pruning of the region's log: the entries From up to To lost their content on
// At, on Ground, covered by a signed checkpoint of CheckpointSize; Lists and Rules when a
// destruction list decided it (retention.UnitAuditLog).
type Pruning struct {
	From, To       uint64
	Ground         string
	At             time.Time
	CheckpointSize uint64
	Lists          string
	Rules          []string
}

// Prunings returns the region's prunings in index order.
func (s *AuditStore) Prunings(ctx context.Context, regionID int64) ([]Pruning, error) {
	rows, err := s.db.Query(ctx, `SELECT s.tot, s.grond, s.uitgevoerd_op, c.grootte, COALESCE(v.lijsten, ''), COALESCE(v.regels, '')
		FROM audit_snoei s JOIN audit_controlepunt c ON c.regio_id = s.regio_id AND c.id = s.controlepunt_id
		LEFT JOIN vernietiging v ON v.regio_id = s.regio_id AND v.soort = 'auditlog' AND v.audit_tot = s.tot
		WHERE s.regio_id = ? ORDER BY s.tot`, regionID)
	if err != nil {
		return nil, fmt.Errorf("snoeiingen lezen: %w", err)
	}
	defer rows.Close()
	var out []Pruning
	var from uint64
	for rows.Next() {
		var p Pruning
		var to, at, size int64
		var rules string
		if err := rows.Scan(&to, &p.Ground, &at, &size, &p.Lists, &rules); err != nil {
			return nil, fmt.Errorf("snoeiingen lezen: %w", err)
		}
		p.From, p.To, p.At, p.CheckpointSize = from, uint64(to), time.UnixMilli(at).UTC(), uint64(size)
		if rules != "" {
			p.Rules = strings.Split(rules, "\n")
		}
		from = p.To
		out = append(out, p)
	}
	return out, rows.Err()
}

// PrunedLine returns what a leaves export writes for a stored entry without content: the
// pruning among ps that covers it (ok false when none does — the entry is not pruned). The day is
// the pruning's day in loc.
func PrunedLine(ps []Pruning, e audit.StoredEntry, loc *time.Location) (audit.PrunedLine, bool) {
	if len(e.Leaf) != 0 {
		return audit.PrunedLine{}, false
	}
	for _, p := range ps {
		if e.Index >= p.From && e.Index < p.To {
			return audit.PrunedLine{Pruned: true, RegionID: e.RegionID, Index: e.Index, LeafHash: e.LeafHash, PrunedTo: p.To, Ground: p.Ground,
				PrunedOn: p.At.In(loc).Format(time.DateOnly), CheckpointSize: p.CheckpointSize, Lists: p.Lists, Rules: p.Rules}, true
		}
	}
	return audit.PrunedLine{}, false
}
