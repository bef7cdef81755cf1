package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

// hoursFile writes h hours of unauthorised absence for L100 on every school day of [from, to].
func hoursFile(t *testing.T, h int, from, to string) string {
	cal, _ := absence.DefaultCalendar(absence.Middle)
	var b strings.Builder
	b.WriteString("leerling,datum,uren,reden\n")
	for d := mustD(t, from); d <= mustD(t, to); d++ {
		if cal.IsSchoolDay(d) {
			fmt.Fprintf(&b, "L100,%s,%d,ongeoorloofd\n", d, h)
		}
	}
	return b.String()
}

// TestMeldingRaisedTo16Hours: a melding of beginnend verzuim whose episode reaches 16 hours in 4
// lesweken becomes the statutory 16-hour melding (art. 21a) — the same melding, one per episode —
// with its audit entry in the refresh's transaction; a refresh without change writes nothing; a
// refusing trail leaves the melding alone.
func TestMeldingRaisedTo16Hours(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedRegion(t, db, "regio-a", newRing(t))
		ev := evaluator(t)
		if _, err := db.ImportAbsence(ctx, f.reg.ID, f.school, strings.NewReader(hoursFile(t, 2, "2025-09-08", "2025-09-10")), false, now); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RefreshSignals(ctx, f.reg.ID, []int64{f.pupil}, ev, mustD(t, "2025-09-10"), now); err != nil {
			t.Fatal(err)
		}
		sigs, _ := db.Signals(ctx, f.reg.ID, f.pupil)
		if len(sigs) != 1 || sigs[0].Kind != absence.KindStarting {
			t.Fatalf("one beginnend-verzuim episode expected: %+v", sigs)
		}
		c, _ := absence.ProposeMelding(sigs[0].Signal)
		c.SuspectedReason, c.SchoolAction, c.Location, c.ParentPhone = "Spijbelt.", "Gesprek met ouders.", "01AA00", "0612345678"
		c.Reporter = absence.Contact{Name: "Zorg Coördinator", Function: "zorgcoördinator", Phone: "0201234567", Email: "zc@school.example"}
		m, _ := absence.NewMelding(sigs[0].Pupil, c, now)
		id, err := db.CreateMelding(ctx, f.reg.ID, f.pupil, f.school, sigs[0].ID, m)
		if err != nil || c.Type != absence.MeldingStarting {
			t.Fatalf("melding %s: %v", c.Type, err)
		}
		var updates []absence.MeldingUpdate
		trail := func(u absence.MeldingUpdate) ([]audit.Entry, error) {
			updates = append(updates, u)
			return []audit.Entry{auditEntry(t, len(updates))}, nil
		}
		entries := func() int {
			var n int
			db.QueryRow(ctx, "SELECT COUNT(*) FROM audit_regel WHERE regio_id = ?", f.reg.ID).Scan(&n)
			return n
		}
		before := entries()
		// The absence continues: 16 hours reached in the same episode.
		if _, err := db.ImportAbsence(ctx, f.reg.ID, f.school, strings.NewReader(hoursFile(t, 4, "2025-09-11", "2025-09-17")), false, now); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RefreshSignalsAudited(ctx, f.reg.ID, []int64{f.pupil}, ev, mustD(t, "2025-09-17"), now, trail); err != nil {
			t.Fatal(err)
		}
		got, _ := db.Melding(ctx, f.reg.ID, id)
		if got.Content().Type != absence.Melding16Hours || len(updates) != 1 || !updates[0].Upgraded() || updates[0].MeldingID != id || updates[0].Pseudonym != f.pseudo {
			t.Fatalf("melding %s, updates %+v", got.Content().Type, updates)
		}
		if got.Content().HoursAbsent != 2600 {
			t.Fatalf("hours %s", got.Content().HoursAbsent)
		}
		if ms, _ := db.Meldingen(ctx, f.reg.ID, f.pupil); len(ms) != 1 {
			t.Fatalf("%d meldingen: the upgrade must not make a second", len(ms))
		}
		if n := entries(); n != before+1 {
			t.Fatalf("%d audit entries for the update, want 1", n-before)
		}
		// Nothing new: no update, no entry.
		if _, err := db.RefreshSignalsAudited(ctx, f.reg.ID, []int64{f.pupil}, ev, mustD(t, "2025-09-17"), now, trail); err != nil || len(updates) != 1 {
			t.Fatalf("refresh without change: %d updates %v", len(updates), err)
		}
		// A refusing trail: the signal grows, the melding stays.
		if _, err := db.ImportAbsence(ctx, f.reg.ID, f.school, strings.NewReader(hoursFile(t, 4, "2025-09-18", "2025-09-19")), false, now); err != nil {
			t.Fatal(err)
		}
		skip := func(absence.MeldingUpdate) ([]audit.Entry, error) { return nil, absence.ErrSkipMeldingUpdate }
		if _, err := db.RefreshSignalsAudited(ctx, f.reg.ID, []int64{f.pupil}, ev, mustD(t, "2025-09-19"), now, skip); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Melding(ctx, f.reg.ID, id); got.Content().HoursAbsent != 2600 {
			t.Fatalf("a refused update changed the melding: %s", got.Content().HoursAbsent)
		}
		if sigs, _ := db.Signals(ctx, f.reg.ID, f.pupil); len(sigs) != 1 || sigs[0].Hours != 3400 {
			t.Fatalf("the signal should still grow: %+v", sigs)
		}
	})
}
