package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/grondslag/grondslag/internal/dossier"
)

// VisiblePupilsBaseline is the pupil list as it was read before issue 15: every pupil of the
// region tested against the OR of the relation conditions, twice (count and page), with the
// page's columns computed for every row the sort sees. It is kept only as the baseline that
// TestListTimings (cmd/grondslag) measures VisiblePupils against in the same run; nothing else
// calls it.
func (db *DB) VisiblePupilsBaseline(ctx context.Context, a dossier.Actor, today string, p dossier.Page) ([]dossier.PupilSummary, int, error) {
	_, conds, cargs := relationClauses(a, today)
	if len(conds) == 0 {
		return nil, 0, nil
	}
	where := `l.regio_id = ? AND (` + strings.Join(conds, " OR ") + `)`
	wargs := []any{a.RegionID}
	for _, ca := range cargs {
		wargs = append(wargs, ca...)
	}
	var total int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM leerling l WHERE `+where, wargs...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("visible pupils baseline: %w", err)
	}
	args := append([]any{today, today, today, today}, wargs...)
	args = append(args, p.Size, p.Offset())
	rows, err := db.Query(ctx, `SELECT `+pupilSummaryCols+` FROM leerling l WHERE `+where+` ORDER BY l.achternaam, l.voornaam, l.id LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("visible pupils baseline: %w", err)
	}
	defer rows.Close()
	var out []dossier.PupilSummary
	for rows.Next() {
		var s dossier.PupilSummary
		if err := rows.Scan(&s.ID, &s.Pseudonym, &s.FirstName, &s.LastName, &s.BirthDate, &s.SchoolName, &s.Year); err != nil {
			return nil, 0, fmt.Errorf("zichtbare leerlingen lezen: %w", err)
		}
		out = append(out, s)
	}
	return out, total, rows.Err()
}
