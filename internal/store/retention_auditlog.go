package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/retention"
)

// The audit log's own retention period on the destruction lists (retention.UnitAuditLog,
// docs/audit.md §14): the daily job proposes the prefix of the log that is due to every
// controller with entries in it; executing an approved list prunes the prefix that every such
// controller approved (AuditStore.prune), and records it like any destruction — counts only.

// auditLogScan feeds pl the region's entries from pl.From in index order until it stops. The
// controller of an entry is the organisation its actor acted for (organisation kind → party).
func (s *RetentionStore) auditLogScan(ctx context.Context, regionID int64, pl *retention.AuditLogPlanner) error {
	orgs, err := s.db.Organisations(ctx, regionID)
	if err != nil {
		return err
	}
	ctl := map[int64]retention.Controller{}
	for _, o := range orgs {
		ctl[o.ID] = retention.Controller{Party: o.Party(), OrganisationID: o.ID}
	}
	live := map[string]bool{}
	next := pl.From
	for {
		type row struct {
			idx   int64
			at    int64
			pupil string
			leaf  []byte
		}
		var rs []row
		rows, err := s.db.Query(ctx, "SELECT volgnummer, tijd, leerling, blad FROM audit_regel WHERE regio_id = ? AND volgnummer >= ? ORDER BY volgnummer LIMIT 500", regionID, int64(next))
		if err != nil {
			return fmt.Errorf("auditlog voor vernietiging lezen: %w", err)
		}
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.idx, &r.at, &r.pupil, &r.leaf); err != nil {
				rows.Close()
				return fmt.Errorf("auditlog voor vernietiging lezen: %w", err)
			}
			rs = append(rs, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("auditlog voor vernietiging lezen: %w", err)
		}
		if len(rs) == 0 {
			return nil // the end of the log
		}
		for _, r := range rs {
			e := retention.AuditEntry{Index: uint64(r.idx), Time: time.UnixMilli(r.at).UTC()}
			if r.pupil != "" {
				alive, seen := live[r.pupil]
				if !seen {
					if alive, err = s.audit.pupilExists(ctx, regionID, r.pupil); err != nil {
						return err
					}
					live[r.pupil] = alive
				}
				e.LivePupil = alive
			}
			// Only an entry that may go is decoded for its controller.
			if !e.LivePupil {
				l, err := audit.DecodeLeaf(r.leaf)
				if err != nil {
					return fmt.Errorf("auditregel %d voor vernietiging lezen: %w (controleer met 'grondslag audit verify')", r.idx, err)
				}
				if org := l.Entry.Record().Actor.OrganisationID; org != 0 {
					c, ok := ctl[org]
					if !ok {
						return fmt.Errorf("auditregel %d: organisatie %d bestaat niet in de regio", r.idx, org)
					}
					e.Controller = c
				}
			}
			if !pl.Add(e) {
				return nil
			}
			next = uint64(r.idx) + 1
		}
	}
}

// auditLogPlanner returns a planner at the region's boundary, capped at its largest signed
// checkpoint.
func (s *RetentionStore) auditLogPlanner(ctx context.Context, regionID int64, p retention.Periods, day time.Time) (*retention.AuditLogPlanner, error) {
	from, err := s.audit.PrunedTo(ctx, regionID)
	if err != nil {
		return nil, err
	}
	var maxCP sql.NullInt64
	if err := s.db.QueryRow(ctx, "SELECT MAX(grootte) FROM audit_controlepunt WHERE regio_id = ?", regionID).Scan(&maxCP); err != nil {
		return nil, fmt.Errorf("controlepunt lezen: %w", err)
	}
	return retention.NewAuditLogPlanner(p, from, uint64(maxCP.Int64), day), nil
}

// AuditLogDue returns what of the region's audit log is due on day, as a line for a destruction
// list, and the controllers that decide over it (ok false: nothing due, or only entries without
// an organisation). The daily job (Plan) puts it on each controller's list.
func (s *RetentionStore) AuditLogDue(ctx context.Context, regionID int64, p retention.Periods, day time.Time) (retention.Item, []retention.Controller, bool, error) {
	pl, err := s.auditLogPlanner(ctx, regionID, p, day)
	if err != nil {
		return retention.Item{}, nil, false, err
	}
	if err := s.auditLogScan(ctx, regionID, pl); err != nil {
		return retention.Item{}, nil, false, err
	}
	it, ok := pl.Item()
	return it, pl.Controllers(), ok, nil
}

// addAuditLogProposals adds the due range of the audit log to the proposals of its controllers.
func (s *RetentionStore) addAuditLogProposals(ctx context.Context, regionID int64, p retention.Periods, day time.Time, props []retention.Proposal) ([]retention.Proposal, error) {
	it, ctls, ok, err := s.AuditLogDue(ctx, regionID, p, day)
	if err != nil || !ok {
		return props, err
	}
	for _, c := range ctls {
		i := 0
		for i < len(props) && props[i].Controller != c {
			i++
		}
		if i == len(props) {
			props = append(props, retention.Proposal{Controller: c})
		}
		props[i].Items = append(props[i].Items, it)
	}
	sort.Slice(props, func(i, j int) bool {
		if props[i].Controller.Party != props[j].Controller.Party {
			return props[i].Controller.Party < props[j].Controller.Party
		}
		return props[i].Controller.OrganisationID < props[j].Controller.OrganisationID
	})
	return props, nil
}

type auditApproval struct {
	list            int64
	ctl             retention.Controller
	to              uint64
	name, fn, capac string
}

// auditLogApprovals returns the open auditlog lines on approved lists: per controller the end of
// the largest range it approved, and the lines themselves.
func (s *RetentionStore) auditLogApprovals(ctx context.Context, regionID int64) (map[retention.Controller]uint64, []auditApproval, error) {
	rows, err := s.db.Query(ctx, `SELECT l.id, l.partij, COALESCE(l.organisatie_id, 0), r.audit_tot, l.besluit_naam, l.besluit_functie, l.besluit_hoedanigheid
		FROM vernietigingslijst_regel r JOIN vernietigingslijst l ON l.regio_id = r.regio_id AND l.id = r.lijst_id
		WHERE r.regio_id = ? AND r.soort = 'auditlog' AND r.status = 'voorgesteld' AND l.status IN ('goedgekeurd', 'uitgevoerd') ORDER BY l.id`, regionID)
	if err != nil {
		return nil, nil, fmt.Errorf("goedkeuringen van het auditlog lezen: %w", err)
	}
	defer rows.Close()
	to := map[retention.Controller]uint64{}
	var out []auditApproval
	for rows.Next() {
		var a auditApproval
		var end int64
		if err := rows.Scan(&a.list, &a.ctl.Party, &a.ctl.OrganisationID, &end, &a.name, &a.fn, &a.capac); err != nil {
			return nil, nil, fmt.Errorf("goedkeuringen van het auditlog lezen: %w", err)
		}
		a.to = uint64(end)
		if a.to > to[a.ctl] {
			to[a.ctl] = a.to
		}
		out = append(out, a)
	}
	return to, out, rows.Err()
}

// executeAuditLog executes one auditlog line of an approved list: it prunes the longest prefix
// of the log, up to the line's end, that is still due and that every controller with entries in
// it approved on a list of its own; it records the destruction (range, lists, rules, approvers,
// count) in the pruning's transaction. Every open auditlog line the pruning covers is then done.
// The line waits when another controller's approval is missing; when part of its range is no
// longer due (a pupil it names exists again, after a restore) it is closed with the reason.
func (s *RetentionStore) executeAuditLog(ctx context.Context, regionID, listID int64, it retention.Item, p retention.Periods, ex Executor, day, now time.Time) ([]Destruction, error) {
	pl, err := s.auditLogPlanner(ctx, regionID, p, day)
	if err != nil {
		return nil, err
	}
	if pl.From >= it.Unit.To {
		return nil, s.closeAuditLines(ctx, regionID, pl.From, "")
	}
	approved, lines, err := s.auditLogApprovals(ctx, regionID)
	if err != nil {
		return nil, err
	}
	pl.RequireApproval(approved)
	if err := s.auditLogScanTo(ctx, regionID, pl, it.Unit.To); err != nil {
		return nil, err
	}
	waiting := pl.AwaitsApproval
	var done []Destruction
	if pl.To > pl.From {
		d := Destruction{Unit: retention.Unit{Kind: retention.UnitAuditLog, From: pl.From, To: pl.To}, Ground: "bewaartermijn", ExecutedBy: ex.UserID, At: now}
		it2, _ := pl.Item()
		d.Rules = it2.Rules
		var ids []string
		var by []string
		for _, c := range pl.Controllers() {
			best := -1
			for i, a := range lines {
				if a.ctl == c && a.to >= pl.To && (best < 0 || a.to < lines[best].to) {
					best = i
				}
			}
			if best < 0 { // cannot happen: the planner required the approval
				return nil, fmt.Errorf("auditlog vernietigen: geen goedkeuring van %s: %w", c, retention.ErrInvalid)
			}
			a := lines[best]
			ids = append(ids, strconv.FormatInt(a.list, 10))
			by = append(by, fmt.Sprintf("%s: %s, %s, %s", c, a.name, a.fn, a.capac))
		}
		d.Lists, d.ApprovedBy = strings.Join(ids, ","), strings.Join(by, "; ")
		n, err := s.audit.prune(ctx, regionID, pl.To, "bewaartermijn", ex, now, func(tx *Tx, from uint64, n int) error {
			d.Unit.From = from
			d.Counts = map[string]int{"audit_regel": n}
			counts, _ := json.Marshal(d.Counts)
			id, err := tx.InsertID(ctx, `INSERT INTO vernietiging (regio_id, soort, leerling_id, casus_id, grond, lijsten, verzoek, regels, goedgekeurd_door, uitgevoerd_door, uitgevoerd_op,
				sleutel_vernietigd, aantallen, audit_van, audit_tot) VALUES (?, ?, 0, 0, ?, ?, '', ?, ?, ?, ?, 0, ?, ?, ?)`,
				regionID, string(retention.UnitAuditLog), d.Ground, d.Lists, strings.Join(d.Rules, "\n"), d.ApprovedBy, optionalID(ex.UserID), now.UnixMilli(),
				string(counts), int64(from), int64(pl.To))
			d.ID = id
			return wrapErr(err, "vernietiging van het auditlog vastleggen")
		})
		if err != nil {
			return nil, err
		}
		d.Counts = map[string]int{"audit_regel": n}
		done = append(done, d)
	}
	if err := s.closeAuditLines(ctx, regionID, pl.To, ""); err != nil {
		return done, err
	}
	if pl.To < it.Unit.To && !waiting {
		note := fmt.Sprintf("regels %d tot %d niet meer vervallen: %s", pl.To, it.Unit.To, pl.Stop)
		status := retention.ItemSkipped
		if pl.To > it.Unit.From {
			status, note = retention.ItemDone, fmt.Sprintf("vernietigd tot regel %d; %s", pl.To, note)
		}
		_, err := s.db.Exec(ctx, "UPDATE vernietigingslijst_regel SET status = ?, toelichting = ? WHERE regio_id = ? AND lijst_id = ? AND id = ? AND status = 'voorgesteld'",
			status, note, regionID, listID, it.ID)
		return done, wrapErr(err, "regel van vernietigingslijst afvinken")
	}
	return done, nil
}

// auditLogScanTo scans with the prefix capped at to (the end of the approved line).
func (s *RetentionStore) auditLogScanTo(ctx context.Context, regionID int64, pl *retention.AuditLogPlanner, to uint64) error {
	pl.Cap(to)
	return s.auditLogScan(ctx, regionID, pl)
}

// closeAuditLines marks every open auditlog line whose range ends at or below the boundary as
// destroyed.
func (s *RetentionStore) closeAuditLines(ctx context.Context, regionID int64, boundary uint64, note string) error {
	if note == "" {
		note = fmt.Sprintf("inhoud van het auditlog tot regel %d vernietigd", boundary)
	}
	_, err := s.db.Exec(ctx, "UPDATE vernietigingslijst_regel SET status = 'vernietigd', toelichting = ? WHERE regio_id = ? AND soort = 'auditlog' AND status = 'voorgesteld' AND audit_tot <= ?",
		note, regionID, int64(boundary))
	return wrapErr(err, "regels van vernietigingslijsten afvinken")
}
