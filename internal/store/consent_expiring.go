package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/grondslag/grondslag/internal/consent"
	"github.com/grondslag/grondslag/internal/dossier"
)

// ExpiringConsents reads the consents of window w (consent.ExpiryWindow: valid today, and an end
// date in the window or a pupil who reaches a consent age in it) of the pupils the actor holds
// the enrolment relation with today, with their pupils' families. Issue 15: the list
// of one school's expiring consents read every active consent of the region (1.5 s at 50,000
// pupils); this is one query for the window, then the consents' child rows and the families of
// those pupils only, whatever the number of consents in the region.
func (db *DB) ExpiringConsents(ctx context.Context, a dossier.Actor, w consent.ExpiryWindow) ([]consent.Record, map[int64]consent.Family, error) {
	today := w.Today.String()
	kinds, conds, cargs := relationClauses(a, today)
	rel := -1
	for i, k := range kinds {
		if k == dossier.RelEnrolled {
			rel = i
		}
	}
	if rel < 0 {
		return nil, map[int64]consent.Family{}, nil
	}
	// One branch per range, so that each reads its own index range: the end dates from
	// toestemming (regio_id, geldig_tot), each birth range from leerling (regio_id,
	// geboortedatum) and then the pupil's consents (CROSS JOIN keeps SQLite from scanning the
	// region's consents instead).
	const valid = `t.status = 'gegeven' AND t.ingetrokken_op IS NULL AND t.geldig_van <= ? AND (t.geldig_tot IS NULL OR t.geldig_tot >= ?)`
	branches := []string{`SELECT t.id FROM toestemming t JOIN leerling l ON l.regio_id = t.regio_id AND l.id = t.leerling_id
		WHERE t.regio_id = ? AND t.geldig_tot >= ? AND t.geldig_tot <= ? AND ` + valid + ` AND ` + conds[rel]}
	args := []any{a.RegionID, w.EndFrom.String(), w.EndTo.String(), today, today}
	args = append(args, cargs[rel]...)
	for _, b := range w.Births {
		branches = append(branches, `SELECT t.id FROM leerling l CROSS JOIN toestemming t
		WHERE l.regio_id = ? AND l.geboortedatum >= ? AND l.geboortedatum <= ? AND t.regio_id = l.regio_id AND t.leerling_id = l.id AND `+valid+` AND `+conds[rel])
		args = append(args, a.RegionID, b.From.String(), b.To.String(), today, today)
		args = append(args, cargs[rel]...)
	}
	rows, err := db.Query(ctx, strings.Join(branches, " UNION "), args...)
	if err != nil {
		return nil, nil, fmt.Errorf("verlopende toestemmingen lezen: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("verlopende toestemmingen lezen: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("verlopende toestemmingen lezen: %w", err)
	}
	var recs []consent.Record
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		in, inArgs := idList(chunk)
		more, err := db.loadConsents(ctx, a.RegionID, "t.id IN "+in, inArgs...)
		if err != nil {
			return nil, nil, err
		}
		recs = append(recs, more...)
	}
	var pupilIDs []int64
	seen := map[int64]bool{}
	for _, r := range recs {
		if id := r.Data().PupilID; !seen[id] {
			seen[id] = true
			pupilIDs = append(pupilIDs, id)
		}
	}
	fams, err := db.consentFamilies(ctx, a.RegionID, pupilIDs)
	return recs, fams, err
}

// consentFamilies returns the families (birth date, parents with gezag) of pupils ids.
func (db *DB) consentFamilies(ctx context.Context, regionID int64, ids []int64) (map[int64]consent.Family, error) {
	fams := map[int64]consent.Family{}
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		in, inArgs := idList(chunk)
		rows, err := db.Query(ctx, `SELECT l.id, l.geboortedatum, COALESCE(lo.ouder_id, 0), COALESCE(lo.gezag, 0)
			FROM leerling l LEFT JOIN leerling_ouder lo ON lo.regio_id = l.regio_id AND lo.leerling_id = l.id
			WHERE l.regio_id = ? AND l.id IN `+in+` ORDER BY l.id, lo.ouder_id`, append([]any{regionID}, inArgs...)...)
		if err != nil {
			return nil, fmt.Errorf("gezinnen bij toestemmingen lezen: %w", err)
		}
		for rows.Next() {
			var id, parent int64
			var birth string
			var gezag int
			if err := rows.Scan(&id, &birth, &parent, &gezag); err != nil {
				rows.Close()
				return nil, fmt.Errorf("gezinnen bij toestemmingen lezen: %w", err)
			}
			f, ok := fams[id]
			if !ok {
				bd, err := consent.ParseDate(birth)
				if err != nil {
					rows.Close()
					return nil, fmt.Errorf("leerling %d: geboortedatum: %w", id, err)
				}
				f = consent.Family{PupilID: id, BirthDate: bd}
			}
			if parent != 0 {
				f.Guardians = append(f.Guardians, consent.Guardian{ParentID: parent, Gezag: gezag == 1})
			}
			fams[id] = f
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("gezinnen bij toestemmingen lezen: %w", err)
		}
	}
	return fams, nil
}

// PupilLabels returns, for the pupils ids of the region, what a list row may show of them: the
// pseudonym (for the reference and the audit entry) and the name (shown only where the caller's
// identification decision allows it). Pupils of another region are simply absent.
func (db *DB) PupilLabels(ctx context.Context, regionID int64, ids []int64) (map[int64]dossier.PupilSummary, error) {
	out := map[int64]dossier.PupilSummary{}
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		in, inArgs := idList(chunk)
		rows, err := db.Query(ctx, `SELECT l.id, l.pseudoniem, l.voornaam, l.achternaam FROM leerling l WHERE l.regio_id = ? AND l.id IN `+in,
			append([]any{regionID}, inArgs...)...)
		if err != nil {
			return nil, fmt.Errorf("leerlingen van een lijst lezen: %w", err)
		}
		for rows.Next() {
			var s dossier.PupilSummary
			if err := rows.Scan(&s.ID, &s.Pseudonym, &s.FirstName, &s.LastName); err != nil {
				rows.Close()
				return nil, fmt.Errorf("leerlingen van een lijst lezen: %w", err)
			}
			out[s.ID] = s
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("leerlingen van een lijst lezen: %w", err)
		}
	}
	return out, nil
}

// idList is "(?, ?, …)" for ids, with the ids as arguments.
func idList(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return "(?" + strings.Repeat(", ?", len(ids)-1) + ")", args
}
