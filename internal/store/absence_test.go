package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

const absenceFile = "leerling,datum,uren,reden\n" +
	"L100,2025-09-08,2,ongeoorloofd\nL100,2025-09-08,2,ongeoorloofd\n" + // add up to 4
	"L100,2025-09-15,4,ongeoorloofd\nL100,2025-09-22,4,ongeoorloofd\nL100,2025-09-29,4,ongeoorloofd\n" +
	"L100,2025-09-30,5,ziek\n"

func mustD(t *testing.T, s string) absence.Date {
	t.Helper()
	d, err := absence.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func evaluator(t *testing.T) *absence.Evaluator {
	cal, err := absence.DefaultCalendar(absence.Middle)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := absence.NewEvaluator(cal, absence.DefaultRules())
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func registrationRows(t *testing.T, db *store.DB, regionID int64) (n int, hours int64) {
	t.Helper()
	if err := db.QueryRow(context.Background(), "SELECT COUNT(*), COALESCE(SUM(uren_centi), 0) FROM verzuim_registratie WHERE regio_id = ?", regionID).Scan(&n, &hours); err != nil {
		t.Fatal(err)
	}
	return n, hours
}

func TestImportAbsenceIdempotentAndAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedRegion(t, db, "regio-a", newRing(t))
		res, err := db.ImportAbsence(ctx, f.reg.ID, f.school, strings.NewReader(absenceFile), false, now)
		if err != nil {
			t.Fatal(err)
		}
		if res.Lines != 6 || res.Imported != 6 || res.Keys != 5 || len(res.Pupils) != 1 || res.Pupils[0] != f.pupil {
			t.Fatalf("%+v", res)
		}
		n, h := registrationRows(t, db, f.reg.ID)
		if n != 5 || h != 2100 {
			t.Fatalf("rows %d hours %d", n, h)
		}
		// The same file again: nothing doubles.
		if _, err := db.ImportAbsence(ctx, f.reg.ID, f.school, strings.NewReader(absenceFile), false, now); err != nil {
			t.Fatal(err)
		}
		if n2, h2 := registrationRows(t, db, f.reg.ID); n2 != n || h2 != h {
			t.Fatalf("second import changed %d/%d to %d/%d", n, h, n2, h2)
		}
		// A correction replaces the hours of its keys.
		if _, err := db.ImportAbsence(ctx, f.reg.ID, f.school, strings.NewReader("leerling,datum,uren,reden\nL100,2025-09-08,3,ongeoorloofd\n"), false, now); err != nil {
			t.Fatal(err)
		}
		if _, h3 := registrationRows(t, db, f.reg.ID); h3 != 2000 {
			t.Fatalf("correction: %d", h3)
		}
		// Bad lines: nothing imported, every line named.
		bad := "leerling,datum,uren,reden\nL100,2025-10-06,4,ongeoorloofd\nL999,2025-10-06,4,ongeoorloofd\nL100,2024-01-08,4,ongeoorloofd\nL100,2025-10-07,4,spijbelen\n"
		res, err = db.ImportAbsence(ctx, f.reg.ID, f.school, strings.NewReader(bad), false, now)
		if !errors.Is(err, store.ErrAbsenceFile) || len(res.Errors) != 3 || res.Imported != 0 {
			t.Fatalf("%+v %v", res, err)
		}
		for i, want := range []string{"regel 3: leerling \"L999\" is niet bekend", "regel 4: leerling \"L100\" was op 2024-01-08 niet ingeschreven", "regel 5: onbekende reden"} {
			if !strings.Contains(res.Errors[i].Error(), want) {
				t.Errorf("error %d: %v, want %q", i, res.Errors[i], want)
			}
		}
		if n4, _ := registrationRows(t, db, f.reg.ID); n4 != 5 {
			t.Fatalf("a bad file imported rows: %d", n4)
		}
		// With skip: the good line is imported.
		res, err = db.ImportAbsence(ctx, f.reg.ID, f.school, strings.NewReader(bad), true, now)
		if err != nil || res.Imported != 1 || len(res.Errors) != 3 {
			t.Fatalf("skip: %+v %v", res, err)
		}
		// The pseudonym works as pupil key too.
		if _, err := db.ImportAbsence(ctx, f.reg.ID, f.school, strings.NewReader("leerling,datum,uren,reden\n"+f.pseudo+",2025-10-08,1,te-laat\n"), false, now); err != nil {
			t.Fatal(err)
		}
		// More than 24 hours on a day together with stored rows: refused, nothing written.
		if _, err := db.ImportAbsence(ctx, f.reg.ID, f.school, strings.NewReader("leerling,datum,uren,reden\nL100,2025-09-30,20,ongeoorloofd\n"), false, now); !errors.Is(err, store.ErrAbsenceFile) {
			t.Fatalf("24h across files: %v", err)
		}
		// Another region sees none of it.
		g := seedRegion(t, db, "regio-b", newRing(t))
		if n, _ := registrationRows(t, db, g.reg.ID); n != 0 {
			t.Fatal("registrations leak across regions")
		}
		if _, err := db.ImportAbsence(ctx, g.reg.ID, g.school, strings.NewReader(absenceFile), false, now); err != nil {
			t.Fatal(err) // L100 is also a number at the other region's school: its own pupil
		}
	})
}

func TestSignalsAndMeldingGround(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedRegion(t, db, "regio-a", newRing(t))
		ev := evaluator(t)
		if _, err := db.ImportAbsence(ctx, f.reg.ID, f.school, strings.NewReader(absenceFile), false, now); err != nil {
			t.Fatal(err)
		}
		asOf := mustD(t, "2025-12-01")
		n, err := db.RefreshSignals(ctx, f.reg.ID, []int64{f.pupil}, ev, asOf, now)
		if err != nil || n == 0 {
			t.Fatalf("%d %v", n, err)
		}
		// Twice: no duplicates.
		if _, err := db.RefreshSignals(ctx, f.reg.ID, []int64{f.pupil}, ev, asOf, now); err != nil {
			t.Fatal(err)
		}
		sigs, err := db.Signals(ctx, f.reg.ID, f.pupil)
		if err != nil || len(sigs) != n {
			t.Fatalf("%d signals stored, %d found: %v", len(sigs), n, err)
		}
		var s16 store.StoredSignal
		for _, s := range sigs {
			if s.Kind == absence.Kind16Hours {
				s16 = s
			}
		}
		if s16.ID == 0 || s16.From.String() != "2025-09-08" || s16.To.String() != "2025-09-29" || s16.Hours != 1600 {
			t.Fatalf("16-hour signal: %+v", sigs)
		}
		if got, err := db.Signal(ctx, f.reg.ID, s16.ID); err != nil || got.ID != s16.ID {
			t.Fatalf("Signal: %v", err)
		}

		// Reportable signals without a melding are the zorgcoördinator's to-do list.
		todo, err := db.SignalsToReport(ctx, f.reg.ID, f.school, asOf)
		if err != nil || len(todo) == 0 {
			t.Fatalf("SignalsToReport: %v %v", todo, err)
		}
		for _, s := range todo {
			if s.Kind == absence.KindMAZL || s.Kind == absence.KindAbsolute {
				t.Fatalf("not reportable: %+v", s)
			}
		}
		// No melding yet: no ground for person-level notes.
		if ok, err := db.HasMelding(ctx, f.reg.ID, f.pupil, now); err != nil || ok {
			t.Fatalf("HasMelding before: %v %v", ok, err)
		}
		c, err := absence.ProposeMelding(s16.Signal)
		if err != nil {
			t.Fatal(err)
		}
		c.SuspectedReason, c.SchoolAction, c.Location, c.ParentPhone = "Spijbelt op maandag.", "Gesprek met ouders.", "01AA00", "0612345678"
		c.Reporter = absence.Contact{Name: "Zorg Coördinator", Function: "zorgcoördinator", Phone: "0201234567", Email: "zc@school.example"}
		m, err := absence.NewMelding(s16.Pupil, c, now)
		if err != nil {
			t.Fatal(err)
		}
		id, err := db.CreateMelding(ctx, f.reg.ID, f.pupil, f.school, s16.ID, m)
		if err != nil {
			t.Fatal(err)
		}
		after, _ := db.SignalsToReport(ctx, f.reg.ID, 0, asOf)
		if len(after) != len(todo)-1 {
			t.Fatalf("the reported signal is still to do: %d of %d", len(after), len(todo))
		}
		got, err := db.Melding(ctx, f.reg.ID, id)
		if err != nil || got.Content() != c || got.Status() != absence.StatusRegistered || got.SignalID != s16.ID {
			t.Fatalf("round trip: %+v %v", got, err)
		}
		if ok, _ := db.HasMelding(ctx, f.reg.ID, f.pupil, now); !ok {
			t.Fatal("a registered melding gives ground")
		}
		if g, err := db.MeldingGround(ctx, f.reg.ID, f.pupil, now, absence.DefaultGroundRetention); err != nil || g.ID != id || g.Reference() != fmt.Sprintf("verzuimmelding %d", id) {
			t.Fatalf("MeldingGround: %+v %v", g, err)
		}
		// The school may not take it in behandeling; the gemeente closes it with a reason.
		if _, err := db.ChangeMeldingStatus(ctx, f.reg.ID, id, absence.StatusChange{To: absence.StatusInProgress, By: absence.PartySchool, At: now}); !errors.Is(err, absence.ErrTransition) {
			t.Fatalf("school in behandeling: %v", err)
		}
		t1 := now.Add(24 * time.Hour)
		if _, err := db.ChangeMeldingStatus(ctx, f.reg.ID, id, absence.StatusChange{To: absence.StatusInProgress, By: absence.PartyGemeente, Contact: "lpa Jansen", At: t1}); err != nil {
			t.Fatal(err)
		}
		t2 := t1.Add(30 * 24 * time.Hour)
		if _, err := db.ChangeMeldingStatus(ctx, f.reg.ID, id, absence.StatusChange{To: absence.StatusClosed, By: absence.PartyGemeente, Reason: absence.CloseBackToSchool, Note: absence.NotePupilSeen, At: t2}); err != nil {
			t.Fatal(err)
		}
		hist, err := db.MeldingHistory(ctx, f.reg.ID, id)
		if err != nil || len(hist) != 3 || hist[2].Reason != absence.CloseBackToSchool || hist[1].By != absence.PartyGemeente {
			t.Fatalf("history %+v %v", hist, err)
		}
		if ok, _ := db.HasMelding(ctx, f.reg.ID, f.pupil, t2.Add(365*24*time.Hour)); !ok {
			t.Error("closed a year ago: still ground")
		}
		if ok, _ := db.HasMelding(ctx, f.reg.ID, f.pupil, t2.Add(absence.DefaultGroundRetention+time.Hour)); ok {
			t.Error("closed longer ago than the retention: no ground")
		}
		if ok, _ := db.HasMeldingWithin(ctx, f.reg.ID, f.pupil, t2.Add(48*time.Hour), 24*time.Hour); ok {
			t.Error("convenant retention not applied")
		}
		// Other region: no ground there, even for the same pupil id.
		g := seedRegion(t, db, "regio-b", newRing(t))
		if ok, _ := db.HasMelding(ctx, g.reg.ID, f.pupil, now); ok {
			t.Error("melding crosses regions")
		}
		if _, err := db.Melding(ctx, g.reg.ID, id); !errors.Is(err, store.ErrNotFound) {
			t.Error("melding readable from another region")
		}
		if err := db.SetMeldingDUONumber(ctx, f.reg.ID, id, "DUO-123"); err != nil {
			t.Fatal(err)
		}
		ms, err := db.Meldingen(ctx, f.reg.ID, f.pupil)
		if err != nil || len(ms) != 1 || ms[0].DUONumber() != "DUO-123" || ms[0].Status() != absence.StatusClosed {
			t.Fatalf("Meldingen: %+v %v", ms, err)
		}

		// The gemeente closed the case: the day is passed on, so that the episode ends there.
		in, err := db.AbsenceInput(ctx, f.reg.ID, f.pupil, asOf)
		if err != nil || len(in.CaseClosed) != 1 || in.CaseClosed[0] != absence.DateOf(t2) || in.Birth == 0 {
			t.Fatalf("AbsenceInput closed cases: %+v %v", in.CaseClosed, err)
		}
	})
}

func TestExemptionsAndAbsolute(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedRegion(t, db, "regio-a", newRing(t))
		ev := evaluator(t)
		if _, err := db.ImportAbsence(ctx, f.reg.ID, f.school, strings.NewReader(absenceFile), false, now); err != nil {
			t.Fatal(err)
		}
		ex, err := absence.NewExemption(absence.Leave14, mustD(t, "2025-09-15"), mustD(t, "2025-09-15"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddExemption(ctx, f.reg.ID, f.pupil, ex, "begrafenis", now); err != nil {
			t.Fatal(err)
		}
		asOf := mustD(t, "2025-12-01")
		if _, err := db.RefreshSignals(ctx, f.reg.ID, []int64{f.pupil}, ev, asOf, now); err != nil {
			t.Fatal(err)
		}
		sigs, _ := db.Signals(ctx, f.reg.ID, f.pupil)
		for _, s := range sigs {
			if s.Kind == absence.Kind16Hours {
				t.Fatalf("leave did not stop the 16-hour signal: %+v", s)
			}
		}
		// Absoluut verzuim: a pupil whose enrolment ended.
		var gone int64
		err = db.WithTx(ctx, func(tx *store.Tx) error {
			p, err := region.NewPupil(region.Pupil{FirstName: "Sem", LastName: "Bakker", Number: "999900018", BirthDate: day("2013-02-01")}, now)
			if err != nil {
				return err
			}
			if gone, _, err = tx.CreatePupil(ctx, f.reg.ID, p, f.keys, now); err != nil {
				return err
			}
			_, err = tx.AddEnrolment(ctx, f.reg.ID, gone, region.Enrolment{SchoolID: f.school, Number: "L200", From: day("2024-08-26"), To: day("2025-10-03"), Year: "vmbo 1"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		cands, err := db.AbsoluteCandidates(ctx, f.reg.ID, asOf)
		if err != nil || len(cands) != 2 {
			t.Fatalf("%d candidates: %v", len(cands), err)
		}
		var found []absence.Signal
		for _, c := range cands {
			if s, ok := ev.AbsoluteAbsence(c); ok {
				found = append(found, s)
			}
		}
		if len(found) != 1 || found[0].From.String() != "2025-10-04" || len(cands[0].Exemptions) != 1 {
			t.Fatalf("absolute: %+v", found)
		}
		for range 2 { // twice: updated, not duplicated
			if n, err := db.RefreshAbsoluteSignals(ctx, f.reg.ID, ev, asOf, now); err != nil || n != 1 {
				t.Fatalf("RefreshAbsoluteSignals: %d %v", n, err)
			}
		}
		stored, _ := db.Signals(ctx, f.reg.ID, gone)
		if len(stored) != 1 || stored[0].Kind != absence.KindAbsolute || stored[0].To != asOf {
			t.Fatalf("stored absolute signals: %+v", stored)
		}
	})
}

func TestImportRegistrationsAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedRegion(t, db, "regio-a", newRing(t))
		regs := []absence.Registration{
			{Pupil: "L100", Day: mustD(t, "2025-09-08"), Hours: 300, Reason: absence.Unauthorised},
			{Pupil: "L100", Day: mustD(t, "2025-09-08"), Hours: 100, Reason: absence.Unauthorised},
		}
		res, err := db.ImportRegistrations(ctx, f.reg.ID, f.school, regs, false, now)
		if err != nil || res.Keys != 1 {
			t.Fatalf("%+v %v", res, err)
		}
		if _, h := registrationRows(t, db, f.reg.ID); h != 400 {
			t.Fatalf("hours %d", h)
		}
		// Invalid rows are refused before anything is looked up.
		_, err = db.ImportRegistrations(ctx, f.reg.ID, f.school, []absence.Registration{{Pupil: "L100", Day: mustD(t, "2025-09-09"), Hours: 2500, Reason: absence.Sick}}, false, now)
		if !errors.Is(err, store.ErrAbsenceFile) || !strings.Contains(err.Error(), "regel 1") {
			t.Fatalf("invalid row: %v", err)
		}
	})
}
