package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

// daysFile writes 4 hours of unauthorised absence for L100 on every school day of [from, to].
func daysFile(t *testing.T, from, to string) string {
	cal, _ := absence.DefaultCalendar(absence.Middle)
	var b strings.Builder
	b.WriteString("leerling,datum,uren,reden\n")
	for d := mustD(t, from); d <= mustD(t, to); d++ {
		if cal.IsSchoolDay(d) {
			fmt.Fprintf(&b, "L100,%s,4,ongeoorloofd\n", d)
		}
	}
	return b.String()
}

// TestEpisodesStored: continuing absence is one stored signal that grows; its melding stays linked
// and is updated; a double submit makes one melding; recomputation deletes stale signals.
func TestEpisodesStored(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedRegion(t, db, "regio-a", newRing(t))
		ev := evaluator(t)
		asOf := mustD(t, "2025-09-12")
		if _, err := db.ImportAbsence(ctx, f.reg.ID, f.school, strings.NewReader(daysFile(t, "2025-09-08", "2025-09-12")), false, now); err != nil {
			t.Fatal(err)
		}
		// A stale signal from an earlier evaluation (the old flood): replaced, not kept.
		stale := absence.Signal{Pupil: "x", Kind: absence.KindStarting, From: mustD(t, "2025-09-08"), To: mustD(t, "2025-09-10"), Hours: 1200, Source: "oud"}
		if err := db.SaveSignals(ctx, f.reg.ID, f.pupil, []absence.Signal{stale, {Pupil: "x", Kind: absence.KindStarting, From: mustD(t, "2025-09-11"), To: mustD(t, "2025-09-12"), Source: "oud"}}, asOf, now); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RefreshSignals(ctx, f.reg.ID, []int64{f.pupil}, ev, asOf, now); err != nil {
			t.Fatal(err)
		}
		sigs, err := db.Signals(ctx, f.reg.ID, f.pupil)
		if err != nil || len(sigs) != 1 || sigs[0].Kind != absence.Kind16Hours || sigs[0].Hours != 2000 || !sigs[0].Running() || sigs[0].Reached.String() != "2025-09-11" {
			t.Fatalf("one running 16-uur episode expected: %+v %v", sigs, err)
		}
		first := sigs[0]
		c, _ := absence.ProposeMelding(first.Signal)
		c.SuspectedReason, c.SchoolAction, c.Location, c.ParentPhone = "Spijbelt.", "Gesprek met ouders.", "01AA00", "0612345678"
		c.Reporter = absence.Contact{Name: "Zorg Coördinator", Function: "zorgcoördinator", Phone: "0201234567", Email: "zc@school.example"}
		m, _ := absence.NewMelding(first.Pupil, c, now)
		id, err := db.CreateMelding(ctx, f.reg.ID, f.pupil, f.school, first.ID, m)
		if err != nil {
			t.Fatal(err)
		}
		// Double submit: the same melding, no second one.
		id2, err := db.CreateMelding(ctx, f.reg.ID, f.pupil, f.school, first.ID, m)
		if !errors.Is(err, store.ErrMeldingExists) || id2 != id {
			t.Fatalf("double submit: %d %v (first %d)", id2, err, id)
		}
		if ms, _ := db.Meldingen(ctx, f.reg.ID, f.pupil); len(ms) != 1 {
			t.Fatalf("%d meldingen after a double submit", len(ms))
		}
		// The database refuses a second one even past the check (the unique index).
		if _, err := db.Exec(ctx, `INSERT INTO verzuimmelding (regio_id, leerling_id, school_id, signaal_id, soort, begindatum, vermoedelijke_reden, alle_lessen_verzuimd,
			actie_school, actie_gemeente_gewenst, toelichting_geen_actie, leslocatie, melder_naam, melder_functie, melder_telefoon, melder_email, telefoon_ouder,
			verblijfadres, verzuimde_dagen, verzuimde_uren_centi, signaal_soort, status, status_op, reden_afsluiting, afsluitnotitie, contact_gemeente, duo_nummer, aangemaakt_op)
			SELECT regio_id, leerling_id, school_id, signaal_id, soort, begindatum, vermoedelijke_reden, alle_lessen_verzuimd, actie_school, actie_gemeente_gewenst,
			toelichting_geen_actie, leslocatie, melder_naam, melder_functie, melder_telefoon, melder_email, telefoon_ouder, verblijfadres, verzuimde_dagen,
			verzuimde_uren_centi, signaal_soort, status, status_op, reden_afsluiting, afsluitnotitie, contact_gemeente, duo_nummer, aangemaakt_op
			FROM verzuimmelding WHERE id = ?`, id); err == nil {
			t.Fatal("the database accepted a second melding for one episode")
		}
		if todo, _ := db.SignalsToReport(ctx, f.reg.ID, 0, asOf); len(todo) != 0 {
			t.Fatalf("a covered signal is still to do: %+v", todo)
		}
		// The absence continues the next week: the same episode grows, the melding is updated.
		asOf2 := mustD(t, "2025-09-19")
		if _, err := db.ImportAbsence(ctx, f.reg.ID, f.school, strings.NewReader(daysFile(t, "2025-09-15", "2025-09-19")), false, now); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RefreshSignals(ctx, f.reg.ID, []int64{f.pupil}, ev, asOf2, now); err != nil {
			t.Fatal(err)
		}
		sigs, _ = db.Signals(ctx, f.reg.ID, f.pupil)
		if len(sigs) != 1 || sigs[0].ID != first.ID || sigs[0].Hours != 4000 || sigs[0].MeldingID != id {
			t.Fatalf("the episode should grow in place: %+v", sigs)
		}
		got, _ := db.Melding(ctx, f.reg.ID, id)
		if got.Content().HoursAbsent != 4000 {
			t.Fatalf("melding not updated: %s uur", got.Content().HoursAbsent)
		}
		// Back at school for two lesweken, then 16 hours again: a new episode, a new proposal.
		if _, err := db.ImportAbsence(ctx, f.reg.ID, f.school, strings.NewReader(daysFile(t, "2025-10-06", "2025-10-09")), false, now); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RefreshSignals(ctx, f.reg.ID, []int64{f.pupil}, ev, mustD(t, "2025-10-09"), now); err != nil {
			t.Fatal(err)
		}
		sigs, _ = db.Signals(ctx, f.reg.ID, f.pupil)
		if len(sigs) != 2 || sigs[0].ID != first.ID || sigs[0].Ended.String() != "2025-09-22" || !sigs[1].Open() || sigs[1].From.String() != "2025-10-06" {
			t.Fatalf("a new episode after the return: %+v", sigs)
		}
		got, _ = db.Melding(ctx, f.reg.ID, id)
		if got.Content().To.String() != "2025-09-19" {
			t.Fatalf("the melding's end date once the pupil is back: %s", got.Content().To)
		}
	})
}
