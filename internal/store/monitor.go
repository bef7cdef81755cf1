package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"

	"github.com/grondslag/grondslag/internal/civil"
	"github.com/grondslag/grondslag/internal/monitor"
)

// The thuiszitter monitor (internal/monitor) reads spells: kind, gemeente, school type and
// dates — never a name, a pseudonym or an identifier leaves this file. Relative and absolute
// absence come from the stored episodes of the Leerplichtwet rules (migration 0201: `einde` is
// NULL while an episode runs). Rows from before episodes (no `spoor`) are read as they were
// written: several signals of one pupil and kind that overlap or follow within a week are one
// spell, and a spell whose last signal day lies within a week of its reference date still runs. Vrijstellingen come from their own register; leave (art. 13a, 14) is
// no vrijstelling.

// spellGap is the largest gap between two signals of one pupil and kind that still makes them
// one spell (a weekend plus a few school days).
const spellGap = 7

// MonitorSpells returns the region's spells and the names of its gemeenten (index order).
func (db *DB) MonitorSpells(ctx context.Context, regionID int64) ([]monitor.Spell, []string, error) {
	gemIdx := map[int64]int{}
	var gemeenten []string
	rows, err := db.Query(ctx, `SELECT id, naam FROM organisatie WHERE regio_id = ? AND soort = 'gemeente' ORDER BY naam, id`, regionID)
	if err != nil {
		return nil, nil, fmt.Errorf("gemeenten voor de monitor: %w", err)
	}
	for rows.Next() {
		var id int64
		var naam string
		if err := rows.Scan(&id, &naam); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("verzuimperioden voor de monitor lezen: %w", err)
		}
		gemIdx[id] = len(gemeenten)
		gemeenten = append(gemeenten, naam)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("verzuimperioden voor de monitor lezen: %w", err)
	}

	type raw struct {
		pupil         int64
		kind          monitor.Kind
		from, to, ref civil.Date
		episode       bool // an episode row (0201): to is its end, zero while it runs
		birth         civil.Date
		gemeente      int
		sector        string
	}
	const school = `(SELECT o.sector FROM inschrijving i JOIN organisatie o ON o.regio_id = i.regio_id AND o.id = i.school_id
		WHERE i.regio_id = l.regio_id AND i.leerling_id = l.id AND i.van <= %s ORDER BY i.van DESC, i.id DESC LIMIT 1)`
	var raws []raw
	scan := func(q string, args ...any) error {
		rows, err := db.Query(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("verzuimperioden voor de monitor lezen: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var r raw
			var kind, from, birth string
			var to, ref, sector, end sql.NullString
			var gem sql.NullInt64
			if err := rows.Scan(&r.pupil, &kind, &from, &to, &ref, &birth, &gem, &sector, &r.episode, &end); err != nil {
				return fmt.Errorf("verzuimperioden voor de monitor lezen: %w", err)
			}
			if r.episode {
				to = end
			}
			var perr error
			if r.from, perr = civil.ParseISO(from); perr != nil {
				return fmt.Errorf("begindatum: %w", perr)
			}
			if to.Valid && to.String != "" {
				if r.to, perr = civil.ParseISO(to.String); perr != nil {
					return fmt.Errorf("einddatum: %w", perr)
				}
			}
			if ref.Valid && ref.String != "" {
				if r.ref, perr = civil.ParseISO(ref.String); perr != nil {
					return fmt.Errorf("peildatum: %w", perr)
				}
			}
			if r.birth, perr = civil.ParseISO(birth); perr != nil {
				return fmt.Errorf("geboortedatum: %w", perr)
			}
			switch kind {
			case "langdurig-relatief-verzuim":
				r.kind = monitor.LongRelative
			case "absoluut-verzuim":
				r.kind = monitor.Absolute
			case "art5a":
				r.kind = monitor.Exempt5a
			default:
				r.kind = monitor.ExemptOther
			}
			r.gemeente = -1
			if gem.Valid {
				if i, ok := gemIdx[gem.Int64]; ok {
					r.gemeente = i
				}
			}
			r.sector = sector.String
			raws = append(raws, r)
		}
		return rows.Err()
	}
	if err := scan(`SELECT s.leerling_id, s.soort, s.van, s.tot, s.peildatum, l.geboortedatum, l.woongemeente_id, `+fmt.Sprintf(school, "s.van")+`,
			s.spoor <> '', s.einde
		FROM verzuim_signaal s JOIN leerling l ON l.regio_id = s.regio_id AND l.id = s.leerling_id
		WHERE s.regio_id = ? AND s.soort IN ('langdurig-relatief-verzuim', 'absoluut-verzuim')
		ORDER BY s.leerling_id, s.soort, s.van`, regionID); err != nil {
		return nil, nil, fmt.Errorf("signalen voor de monitor: %w", err)
	}
	if err := scan(`SELECT v.leerling_id, v.soort, v.van, v.tot, NULL, l.geboortedatum, l.woongemeente_id, `+fmt.Sprintf(school, "v.van")+`,
			1 = 1, v.tot
		FROM vrijstelling v JOIN leerling l ON l.regio_id = v.regio_id AND l.id = v.leerling_id
		WHERE v.regio_id = ? AND v.soort IN ('art5a', 'art5b', 'art5c', 'art5a-trekkend', 'art15')
		ORDER BY v.leerling_id, v.soort, v.van`, regionID); err != nil {
		return nil, nil, fmt.Errorf("vrijstellingen voor de monitor: %w", err)
	}

	sort.SliceStable(raws, func(i, j int) bool {
		a, b := raws[i], raws[j]
		if a.pupil != b.pupil {
			return a.pupil < b.pupil
		}
		if a.kind != b.kind {
			return a.kind < b.kind
		}
		return a.from.Before(b.from)
	})
	var out []monitor.Spell
	for i := 0; i < len(raws); {
		r := raws[i]
		sp := monitor.Spell{Kind: r.kind, Gemeente: r.gemeente, SchoolType: schoolType(r.sector, r.birth, r.from), Birth: r.birth, Start: r.from}
		if r.kind == monitor.Absolute {
			sp.SchoolType = monitor.NoSchool
		}
		end, ref := r.to, r.ref
		j := i + 1
		for ; !r.episode && j < len(raws) && raws[j].pupil == r.pupil && raws[j].kind == r.kind && !raws[j].episode; j++ {
			if end.IsZero() || raws[j].from.After(end.AddDays(spellGap)) {
				break
			}
			if raws[j].to.IsZero() || raws[j].to.After(end) {
				end = raws[j].to
			}
			if raws[j].ref.After(ref) {
				ref = raws[j].ref
			}
		}
		switch {
		case !r.episode && (r.kind == monitor.LongRelative || r.kind == monitor.Absolute):
			// A signal reaching to within a week of its reference date is still running.
			if !end.IsZero() && !ref.IsZero() && !end.AddDays(spellGap).Before(ref) {
				end = civil.Date{}
			}
		}
		sp.End = end
		out = append(out, sp)
		i = j
	}
	return out, gemeenten, nil
}

// schoolType maps a school's sector to the monitor's school types; a special school counts as
// VSO from the age of 12 on the first day (SO and VSO share one sector in the register).
func schoolType(sector string, birth, on civil.Date) monitor.SchoolType {
	switch sector {
	case "po":
		return monitor.PO
	case "vo":
		return monitor.VO
	case "so":
		if civil.AgeOn(birth, on) >= 12 {
			return monitor.VSO
		}
		return monitor.SO
	case "mbo":
		return monitor.MBO
	}
	return monitor.NoSchool
}

// MonitorSchoolAbsence returns per school the pupils enrolled and the absence hours registered
// between from and to (inclusive), for the registration reliability check. The hours come from
// monitor_schooldag (migration 0800: the sums per school and day, kept by triggers in step with
// every change of verzuim_registratie), so the check reads a row per school and day instead of
// every registration of the year.
func (db *DB) MonitorSchoolAbsence(ctx context.Context, regionID int64, from, to civil.Date) ([]monitor.SchoolAbsence, error) {
	rows, err := db.Query(ctx, `SELECT o.naam, COALESCE(o.sector, ''),
			(SELECT COUNT(DISTINCT i.leerling_id) FROM inschrijving i WHERE i.regio_id = o.regio_id AND i.school_id = o.id AND i.van <= ? AND (i.tot IS NULL OR i.tot >= ?)),
			COALESCE(d.uren, 0), COALESCE(d.ongeoorloofd, 0)
		FROM organisatie o LEFT JOIN (SELECT school_id, SUM(uren_centi) AS uren, SUM(ongeoorloofd_centi) AS ongeoorloofd FROM monitor_schooldag
			WHERE regio_id = ? AND datum >= ? AND datum <= ? GROUP BY school_id) d ON d.school_id = o.id
		WHERE o.regio_id = ? AND o.soort = 'school' ORDER BY o.naam, o.id`,
		to.String(), from.String(), regionID, from.String(), to.String(), regionID)
	if err != nil {
		return nil, fmt.Errorf("verzuim per school: %w", err)
	}
	defer rows.Close()
	var out []monitor.SchoolAbsence
	for rows.Next() {
		var s monitor.SchoolAbsence
		var sector string
		var hours, unexcused int64
		if err := rows.Scan(&s.School, &sector, &s.Pupils, &hours, &unexcused); err != nil {
			return nil, fmt.Errorf("schoolverzuim voor de monitor lezen: %w", err)
		}
		switch sector {
		case "po":
			s.Type = monitor.PO
		case "vo":
			s.Type = monitor.VO
		case "so":
			s.Type = monitor.SO
		default:
			s.Type = monitor.NoSchool
		}
		s.Hours, s.Unexcused = float64(hours)/100, float64(unexcused)/100
		out = append(out, s)
	}
	return out, rows.Err()
}
