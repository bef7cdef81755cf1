package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/audit"
)

// StoredExemptionRequest is absence.StoredExemptionRequest.
type StoredExemptionRequest = absence.StoredExemptionRequest

// ExemptionTrail is absence.ExemptionTrail.
type ExemptionTrail = absence.ExemptionTrail

func nullDate(d absence.Date) any {
	if d == 0 {
		return nil
	}
	return d.String()
}

// CreateExemptionRequest stores a checked request (absence.NewExemptionRequest) with its audit
// entries in one transaction.
func (db *DB) CreateExemptionRequest(ctx context.Context, regionID, pupilID int64, r absence.ExemptionRequest, now time.Time, trail ExemptionTrail) (int64, error) {
	var id int64
	err := db.WithTx(ctx, func(tx *Tx) error {
		docs, err := json.Marshal(r.Documents)
		if err != nil {
			return fmt.Errorf("vrijstellingsaanvraag vastleggen: %w", err)
		}
		seal := func(field, v string) (string, error) {
			return tx.SealForPupil(ctx, regionID, pupilID, "vrijstelling_aanvraag."+field, v)
		}
		name, err1 := seal("aanvrager_naam", r.RequesterName)
		reason, err2 := seal("reden", r.Reason)
		sdocs, err3 := seal("documenten", string(docs))
		if err := errors.Join(err1, err2, err3); err != nil {
			return err
		}
		id, err = tx.InsertID(ctx, `INSERT INTO vrijstelling_aanvraag (regio_id, leerling_id, soort, artikel, aanvrager, aanvrager_naam, ontvangen, van, tot,
			schooldagen, reden, documenten, besluit, motivering, besloten_door, vastgelegd_op) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', '', ?)`,
			regionID, pupilID, string(r.Kind), r.Article(), string(r.Requester), name, r.Received.String(), r.From.String(), nullDate(r.To),
			r.SchoolDays, reason, sdocs, now.UnixMilli())
		if err != nil {
			return fmt.Errorf("aanvraag opslaan: %w", err)
		}
		return appendTrail(ctx, tx, regionID, func() ([]audit.Entry, error) {
			if trail == nil {
				return nil, nil
			}
			return trail(id)
		})
	})
	return id, err
}

const exemptionRequestCols = `id, leerling_id, soort, aanvrager, aanvrager_naam, ontvangen, van, tot, schooldagen, reden, documenten, besluit, besloten_op,
	motivering, besluit_van, besluit_tot, besloten_door, COALESCE(vrijstelling_id, 0), vastgelegd_op`

// rawExemptionRequest is a row as scanned, its sealed text not yet opened (so that opening, which
// may query the key vault, happens after the rows are closed).
type rawExemptionRequest struct {
	s                                                                  StoredExemptionRequest
	kind, req, name, received, from, reason, docs, outcome, motivation string
	by                                                                 string
	to, decided, dfrom, dto                                            sql.NullString
	at                                                                 int64
}

func scanExemptionRequest(sc interface{ Scan(...any) error }) (rawExemptionRequest, error) {
	var r rawExemptionRequest
	err := sc.Scan(&r.s.ID, &r.s.PupilID, &r.kind, &r.req, &r.name, &r.received, &r.from, &r.to, &r.s.SchoolDays, &r.reason, &r.docs, &r.outcome, &r.decided,
		&r.motivation, &r.dfrom, &r.dto, &r.by, &r.s.ExemptionID, &r.at)
	return r, wrapErr(err, "vrijstellingsaanvraag lezen")
}

func (db *DB) openExemptionRequest(ctx context.Context, regionID int64, r rawExemptionRequest) (StoredExemptionRequest, error) {
	s := r.s
	open := func(field, v string) (string, error) {
		return db.OpenForPupil(ctx, regionID, s.PupilID, "vrijstelling_aanvraag."+field, v)
	}
	date := func(v string) (absence.Date, error) {
		if v == "" {
			return 0, nil
		}
		return absence.ParseDate(v)
	}
	var errs [12]error
	s.Kind, s.Requester = absence.ExemptionKind(r.kind), absence.Requester(r.req)
	s.RequesterName, errs[0] = open("aanvrager_naam", r.name)
	s.Reason, errs[1] = open("reden", r.reason)
	docText, e := open("documenten", r.docs)
	errs[2] = e
	if e == nil && docText != "" {
		errs[3] = json.Unmarshal([]byte(docText), &s.Documents)
	}
	s.Received, errs[4] = date(r.received)
	s.From, errs[5] = date(r.from)
	s.To, errs[6] = date(r.to.String)
	if r.outcome != "" {
		d := absence.ExemptionDecision{Outcome: absence.Outcome(r.outcome), DecidedBy: r.by}
		d.Reasons, errs[7] = open("motivering", r.motivation)
		d.On, errs[8] = date(r.decided.String)
		d.From, errs[9] = date(r.dfrom.String)
		d.To, errs[10] = date(r.dto.String)
		s.Decision = &d
	}
	s.RecordedAt = time.UnixMilli(r.at).UTC()
	return s, errors.Join(errs[:]...)
}

// ExemptionRequests returns a pupil's requests, newest first.
func (db *DB) ExemptionRequests(ctx context.Context, regionID, pupilID int64) ([]StoredExemptionRequest, error) {
	rows, err := db.Query(ctx, "SELECT "+exemptionRequestCols+" FROM vrijstelling_aanvraag WHERE regio_id = ? AND leerling_id = ? ORDER BY ontvangen DESC, id DESC", regionID, pupilID)
	if err != nil {
		return nil, fmt.Errorf("vrijstellingsaanvragen lezen: %w", err)
	}
	var raw []rawExemptionRequest
	for rows.Next() {
		r, err := scanExemptionRequest(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		raw = append(raw, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("vrijstellingsaanvragen lezen: %w", err)
	}
	out := make([]StoredExemptionRequest, 0, len(raw))
	for _, r := range raw {
		s, err := db.openExemptionRequest(ctx, regionID, r)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// ExemptionRequest returns one request of the region.
func (db *DB) ExemptionRequest(ctx context.Context, regionID, id int64) (StoredExemptionRequest, error) {
	r, err := scanExemptionRequest(db.QueryRow(ctx, "SELECT "+exemptionRequestCols+" FROM vrijstelling_aanvraag WHERE regio_id = ? AND id = ?", regionID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return StoredExemptionRequest{}, ErrNotFound
	}
	if err != nil {
		return StoredExemptionRequest{}, err
	}
	return db.openExemptionRequest(ctx, regionID, r)
}

// DecideExemptionRequest records the decision on a request (absence.ExemptionRequest.Decide: once,
// reasoned) and, when granted, the vrijstelling or leave it gives, with the audit entries, in one
// transaction.
func (db *DB) DecideExemptionRequest(ctx context.Context, regionID, id int64, d absence.ExemptionDecision, now time.Time, trail ExemptionTrail) (StoredExemptionRequest, error) {
	s, err := db.ExemptionRequest(ctx, regionID, id)
	if err != nil {
		return s, err
	}
	if err := s.Decide(d); err != nil {
		return s, err
	}
	dec := *s.Decision
	err = db.WithTx(ctx, func(tx *Tx) error {
		var exID any
		if ex, ok := s.Exemption(); ok {
			note := "Besluit op aanvraag " + fmt.Sprint(id) + " (" + s.Article() + ")"
			sealed, err := tx.SealForPupil(ctx, regionID, s.PupilID, "vrijstelling.toelichting", note)
			if err != nil {
				return fmt.Errorf("besluit op vrijstellingsaanvraag vastleggen: %w", err)
			}
			eid, err := tx.InsertID(ctx, `INSERT INTO vrijstelling (regio_id, leerling_id, soort, van, tot, toelichting, vastgelegd_op) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				regionID, s.PupilID, string(ex.Kind), ex.From.String(), nullDate(ex.To), sealed, now.UnixMilli())
			if err != nil {
				return fmt.Errorf("besluit op vrijstellingsaanvraag vastleggen: %w", err)
			}
			exID, s.ExemptionID = eid, eid
		}
		motivation, err := tx.SealForPupil(ctx, regionID, s.PupilID, "vrijstelling_aanvraag.motivering", dec.Reasons)
		if err != nil {
			return fmt.Errorf("besluit op vrijstellingsaanvraag vastleggen: %w", err)
		}
		res, err := tx.Exec(ctx, `UPDATE vrijstelling_aanvraag SET besluit = ?, besloten_op = ?, motivering = ?, besluit_van = ?, besluit_tot = ?, besloten_door = ?,
			vrijstelling_id = ? WHERE regio_id = ? AND id = ? AND besluit = ''`,
			string(dec.Outcome), dec.On.String(), motivation, nullDate(dec.From), nullDate(dec.To), dec.DecidedBy, exID, regionID, id)
		if err != nil {
			return fmt.Errorf("besluit op vrijstellingsaanvraag vastleggen: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("%w: op deze aanvraag is intussen beslist", absence.ErrRequest)
		}
		return appendTrail(ctx, tx, regionID, func() ([]audit.Entry, error) {
			if trail == nil {
				return nil, nil
			}
			return trail(id)
		})
	})
	return s, err
}

// ResidentPupil returns the pupil of the region with this pseudonym who lives in the gemeente
// (woongemeente): leerplicht's own territory for vrijstellingen and leave (Leerplichtwet 1969 art.
// 16). ErrNotFound when there is none, in another gemeente as well.
func (db *DB) ResidentPupil(ctx context.Context, regionID, gemeenteID int64, pseudonym string) (int64, error) {
	var id int64
	err := db.QueryRow(ctx, "SELECT id FROM leerling WHERE regio_id = ? AND pseudoniem = ? AND woongemeente_id = ?", regionID, pseudonym, gemeenteID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	return id, wrapErr(err, "ingezeten leerling zoeken")
}

// PupilResidence returns the gemeente a pupil of the region lives in (0 when unknown).
func (db *DB) PupilResidence(ctx context.Context, regionID, pupilID int64) (int64, error) {
	var g sql.NullInt64
	err := db.QueryRow(ctx, "SELECT woongemeente_id FROM leerling WHERE regio_id = ? AND id = ?", regionID, pupilID).Scan(&g)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	return g.Int64, wrapErr(err, "woongemeente van de leerling lezen")
}

// ExemptionRequestsInGemeente returns the requests about pupils living in the gemeente, newest
// first.
func (db *DB) ExemptionRequestsInGemeente(ctx context.Context, regionID, gemeenteID int64) ([]StoredExemptionRequest, error) {
	rows, err := db.Query(ctx, "SELECT "+prefixCols("a.", exemptionRequestCols)+` FROM vrijstelling_aanvraag a
		JOIN leerling l ON l.regio_id = a.regio_id AND l.id = a.leerling_id
		WHERE a.regio_id = ? AND l.woongemeente_id = ? ORDER BY a.ontvangen DESC, a.id DESC`, regionID, gemeenteID)
	if err != nil {
		return nil, fmt.Errorf("vrijstellingsaanvragen van de gemeente lezen: %w", err)
	}
	var raw []rawExemptionRequest
	for rows.Next() {
		r, err := scanExemptionRequest(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		raw = append(raw, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("vrijstellingsaanvragen van de gemeente lezen: %w", err)
	}
	out := make([]StoredExemptionRequest, 0, len(raw))
	for _, r := range raw {
		s, err := db.openExemptionRequest(ctx, regionID, r)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// prefixCols puts a table alias before each column of a column list (columns, or
// COALESCE(column, default)).
func prefixCols(alias, cols string) string {
	parts := strings.Split(cols, ",")
	var out []string
	for i := 0; i < len(parts); i++ {
		c := strings.TrimSpace(parts[i])
		if strings.HasPrefix(c, "COALESCE(") && i+1 < len(parts) {
			out = append(out, "COALESCE("+alias+strings.TrimPrefix(c, "COALESCE(")+","+parts[i+1])
			i++
			continue
		}
		out = append(out, alias+c)
	}
	return strings.Join(out, ", ")
}
