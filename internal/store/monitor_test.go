package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/civil"
	"github.com/grondslag/grondslag/internal/monitor"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

func TestMonitorSpellsMergeSignalsAndReadExemptions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedRegion(t, db, "regio-m", newRing(t))
		other := seedRegion(t, db, "regio-n", newRing(t))
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := db.Exec(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		sig := `INSERT INTO verzuim_signaal (regio_id, leerling_id, soort, van, tot, uren_centi, dagen, bron, prioriteit, peildatum, gevonden_op) VALUES (?, ?, ?, ?, ?, 0, 0, 'test', 1, ?, 0)`
		// Three re-emitted signals of one long absence: one spell, still running on 2026-11-30.
		exec(sig, f.reg.ID, f.pupil, "langdurig-relatief-verzuim", "2026-09-01", "2026-10-02", "2026-10-05")
		exec(sig, f.reg.ID, f.pupil, "langdurig-relatief-verzuim", "2026-09-08", "2026-11-06", "2026-11-09")
		exec(sig, f.reg.ID, f.pupil, "langdurig-relatief-verzuim", "2026-09-15", "2026-11-27", "2026-11-30")
		// Another kind is another spell; signals of other kinds are not read.
		exec(sig, f.reg.ID, f.pupil, "absoluut-verzuim", "2026-01-05", "2026-02-27", "2026-06-30")
		exec(sig, f.reg.ID, f.pupil, "beginnend-verzuim", "2026-09-01", "2026-09-05", "2026-09-07")
		// An episode (migration 0201) of another pupil: its own end decides, no merging.
		ep := `INSERT INTO verzuim_signaal (regio_id, leerling_id, soort, van, tot, uren_centi, dagen, bron, prioriteit, peildatum, gevonden_op, spoor, einde) VALUES (?, ?, ?, ?, ?, 0, 0, 'test', 1, ?, 0, 'ongeoorloofd', ?)`
		exec(ep, other.reg.ID, other.pupil, "langdurig-relatief-verzuim", "2026-01-05", "2026-03-27", "2026-11-30", "2026-04-10")
		exec(ep, other.reg.ID, other.pupil, "langdurig-relatief-verzuim", "2026-09-01", "2026-11-27", "2026-11-30", nil)
		ex := `INSERT INTO vrijstelling (regio_id, leerling_id, soort, van, tot, toelichting, vastgelegd_op) VALUES (?, ?, ?, ?, ?, '', 0)`
		exec(ex, f.reg.ID, f.pupil, "art5a", "2026-01-01", nil)
		exec(ex, f.reg.ID, f.pupil, "verlof-art14", "2026-03-01", "2026-03-20")

		spells, gem, err := db.MonitorSpells(ctx, f.reg.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(gem) != 1 || gem[0] != "Gemeente regio-m" {
			t.Fatalf("gemeenten %v", gem)
		}
		if len(spells) != 3 {
			t.Fatalf("spells %+v", spells)
		}
		byKind := map[monitor.Kind]monitor.Spell{}
		for _, s := range spells {
			byKind[s.Kind] = s
		}
		lr := byKind[monitor.LongRelative]
		if lr.Start != (civil.Date{Year: 2026, Month: 9, Day: 1}) || !lr.End.IsZero() || lr.SchoolType != monitor.VO || lr.Gemeente != 0 {
			t.Errorf("relative spell %+v", lr)
		}
		ab := byKind[monitor.Absolute]
		if ab.End != (civil.Date{Year: 2026, Month: 2, Day: 27}) || ab.SchoolType != monitor.NoSchool {
			t.Errorf("absolute spell %+v (ended long before its reference date)", ab)
		}
		if _, ok := byKind[monitor.Exempt5a]; !ok {
			t.Error("art. 5 onder a missing")
		}
		spells2, _, err := db.MonitorSpells(ctx, other.reg.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(spells2) != 2 || spells2[0].End != (civil.Date{Year: 2026, Month: 4, Day: 10}) || !spells2[1].End.IsZero() {
			t.Errorf("episodes %+v", spells2)
		}
		for _, s := range spells {
			if s.Birth != (civil.Date{Year: 2012, Month: 4, Day: 2}) {
				t.Errorf("birth %v", s.Birth)
			}
		}
	})
}

// TestMonitorSchoolAbsenceFollowsEveryChange: the hours the reliability check reads (the sums per
// school and day of migration 0800) equal the registrations themselves after an import, a
// re-import, a correction, a new reason, a direct update and a delete, and another region's
// import counts only there.
func TestMonitorSchoolAbsenceFollowsEveryChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedRegion(t, db, "regio-m", newRing(t))
		other := seedRegion(t, db, "regio-n", newRing(t))
		from, to := civil.Date{Year: 2025, Month: 9, Day: 1}, civil.Date{Year: 2025, Month: 9, Day: 30}
		check := func(step string, hours, unexcused float64) {
			t.Helper()
			got, err := db.MonitorSchoolAbsence(ctx, f.reg.ID, from, to)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].School != "School regio-m" || got[0].Pupils != 1 {
				t.Fatalf("%s: schools %+v", step, got)
			}
			if got[0].Hours != hours || got[0].Unexcused != unexcused {
				t.Errorf("%s: %v uur, %v ongeoorloofd; want %v and %v", step, got[0].Hours, got[0].Unexcused, hours, unexcused)
			}
			// The registrations themselves, summed here, must say the same.
			var all, unex int64
			if err := db.QueryRow(ctx, `SELECT COALESCE(SUM(uren_centi), 0), COALESCE(SUM(CASE WHEN reden = 'ongeoorloofd' THEN uren_centi ELSE 0 END), 0)
				FROM verzuim_registratie WHERE regio_id = ? AND school_id = ? AND datum >= ? AND datum <= ?`, f.reg.ID, f.school, from.String(), to.String()).Scan(&all, &unex); err != nil {
				t.Fatal(err)
			}
			if float64(all)/100 != got[0].Hours || float64(unex)/100 != got[0].Unexcused {
				t.Errorf("%s: the registrations hold %d and %d centi-hours, the monitor reads %v and %v", step, all, unex, got[0].Hours, got[0].Unexcused)
			}
		}
		imp := func(db *store.DB, f fixture, file string) {
			t.Helper()
			if _, err := db.ImportAbsence(ctx, f.reg.ID, f.school, strings.NewReader(file), false, now); err != nil {
				t.Fatal(err)
			}
		}
		check("leeg", 0, 0)
		imp(db, f, absenceFile) // 4+4+4+4 ongeoorloofd, 5 ziek
		imp(db, other, absenceFile)
		check("import", 21, 16)
		imp(db, f, absenceFile)
		check("dezelfde import opnieuw", 21, 16)
		imp(db, f, "leerling,datum,uren,reden\nL100,2025-09-08,3,ongeoorloofd\n")
		check("correctie", 20, 15)
		imp(db, f, "leerling,datum,uren,reden\nL100,2025-09-30,2.5,ongeoorloofd\nL100,2025-10-01,6,ongeoorloofd\n")
		check("nieuwe reden op een dag, en een dag buiten de periode", 22.5, 17.5)
		if _, err := db.Exec(ctx, `UPDATE verzuim_registratie SET reden = 'geoorloofd', uren_centi = 100 WHERE regio_id = ? AND datum = '2025-09-30' AND reden = 'ziek'`, f.reg.ID); err != nil {
			t.Fatal(err)
		}
		check("rechtstreeks gewijzigd", 18.5, 17.5)
		if _, err := db.Exec(ctx, `UPDATE verzuim_registratie SET datum = '2025-08-29' WHERE regio_id = ? AND datum = '2025-09-15'`, f.reg.ID); err != nil {
			t.Fatal(err)
		}
		check("naar een dag buiten de periode verschoven", 14.5, 13.5)
		if _, err := db.Exec(ctx, `DELETE FROM verzuim_registratie WHERE regio_id = ? AND leerling_id = ?`, f.reg.ID, f.pupil); err != nil {
			t.Fatal(err)
		}
		check("verwijderd (vernietiging)", 0, 0)
		got, err := db.MonitorSchoolAbsence(ctx, other.reg.ID, from, to)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Hours != 21 || got[0].Unexcused != 16 {
			t.Errorf("other region %+v", got)
		}
	})
}
