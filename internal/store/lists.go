package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/dossier"
)

// Lists whose cost follows what the actor can see, not the region's size (issue 15): each is one
// count and one page query, ordered and paged in SQL. The caller (the web) still asks the policy
// about every row of the page it shows and logs each decision.

// MeldingListItem is absence.MeldingListItem.
type MeldingListItem = absence.MeldingListItem

// meldingOrders are the orders of a melding list (dossier.Page.Sort); newest first by default.
var meldingOrders = map[string]string{
	"":            `x.begindatum DESC, x.id DESC`,
	"-begindatum": `x.begindatum DESC, x.id DESC`,
	"begindatum":  `x.begindatum, x.id`,
	"status":      `x.status, x.begindatum DESC, x.id DESC`,
	"soort":       `x.soort, x.begindatum DESC, x.id DESC`,
}

// MeldingSorts are the values dossier.Page.Sort may take for MeldingList.
func MeldingSorts() []string { return absence.MeldingSorts() }

// MeldingList lists one page of the meldingen the actor handles, with the total: for a school
// its own meldingen about pupils it holds the enrolment relation with; for a gemeente those
// (not withdrawn) about pupils living in it, the melding relation. open keeps the meldingen that
// are geregistreerd or in behandeling. The relation is relationClauses' own condition, so a
// narrower relation (a mentor's classes) narrows this list too.
func (db *DB) MeldingList(ctx context.Context, a dossier.Actor, today string, open bool, p dossier.Page) ([]MeldingListItem, int, error) {
	order, ok := meldingOrders[p.Sort]
	if !ok {
		return nil, 0, fmt.Errorf("melding list: unknown order %q", p.Sort)
	}
	want := dossier.RelEnrolled
	where := `m.regio_id = ? AND m.school_id = ?`
	args := []any{a.RegionID, a.OrgID}
	switch a.Party {
	case "school":
	case "gemeente":
		want = dossier.RelMelding
		where = `m.regio_id = ? AND m.status <> 'ingetrokken'`
		args = []any{a.RegionID}
	default:
		return nil, 0, nil
	}
	kinds, conds, cargs := relationClauses(a, today)
	rel := -1
	for i, k := range kinds {
		if k == want {
			rel = i
		}
	}
	if rel < 0 || a.OrgID == 0 {
		return nil, 0, nil
	}
	where += ` AND ` + conds[rel]
	args = append(args, cargs[rel]...)
	if open {
		where += ` AND m.status IN ('geregistreerd', 'in-behandeling')`
	}
	from := ` FROM verzuimmelding m JOIN leerling l ON l.regio_id = m.regio_id AND l.id = m.leerling_id WHERE ` + where
	var total int
	if err := db.QueryRow(ctx, `SELECT COUNT(*)`+from, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("melding list: %w", err)
	}
	if total == 0 || p.Offset() >= total {
		return nil, total, nil
	}
	rows, err := db.Query(ctx, `SELECT `+meldingCols+`, l_pseudoniem, l_voornaam, l_achternaam FROM (SELECT m.*, l.pseudoniem AS l_pseudoniem,
		l.voornaam AS l_voornaam, l.achternaam AS l_achternaam`+from+` ORDER BY `+strings.ReplaceAll(order, "x.", "m.")+` LIMIT ? OFFSET ?) x ORDER BY `+order,
		append(args, p.Size, p.Offset())...)
	if err != nil {
		return nil, 0, fmt.Errorf("melding list: %w", err)
	}
	defer rows.Close()
	o := db.opener(ctx, a.RegionID)
	var out []MeldingListItem
	for rows.Next() {
		var it MeldingListItem
		sc := scanWith{rows, []any{&it.Pseudonym, &it.FirstName, &it.LastName}}
		if it.StoredMelding, err = scanMelding(sc, o); err != nil {
			return nil, 0, fmt.Errorf("melding list: %w", err)
		}
		out = append(out, it)
	}
	return out, total, rows.Err()
}

// scanWith scans a row whose first columns one scanner reads, and the rest into extra.
type scanWith struct {
	rows  *sql.Rows
	extra []any
}

func (s scanWith) Scan(dest ...any) error { return s.rows.Scan(append(dest, s.extra...)...) }

// PupilsWithRelation returns which of the pupils ids the actor holds the relation kind with on
// day today: one query for a whole list (a list of the region's consents, say) instead of one
// PupilRelations per row. The condition is relationClauses' own.
func (db *DB) PupilsWithRelation(ctx context.Context, a dossier.Actor, today string, kind dossier.RelationKind, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	kinds, conds, cargs := relationClauses(a, today)
	rel := -1
	for i, k := range kinds {
		if k == kind {
			rel = i
		}
	}
	if rel < 0 || len(ids) == 0 {
		return out, nil
	}
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		args := []any{a.RegionID}
		for _, id := range chunk {
			args = append(args, id)
		}
		args = append(args, cargs[rel]...)
		rows, err := db.Query(ctx, `SELECT l.id FROM leerling l WHERE l.regio_id = ? AND l.id IN (?`+strings.Repeat(", ?", len(chunk)-1)+`) AND `+conds[rel], args...)
		if err != nil {
			return nil, fmt.Errorf("pupils with relation: %w", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("leerlingen met relatie lezen: %w", err)
			}
			out[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("leerlingen met relatie lezen: %w", err)
		}
	}
	return out, nil
}
