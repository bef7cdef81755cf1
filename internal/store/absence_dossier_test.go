package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

func TestDossierStored(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedRegion(t, db, "regio-a", newRing(t))
		opened := mustD(t, "2026-11-02")
		// A relative-absence dossier needs a melding; an absolute one has none.
		if _, err := db.OpenDossier(ctx, f.reg.ID, store.StoredDossier{PupilID: f.pupil, GemeenteID: f.gem, Ground: absence.GroundRelative, Opened: opened}, now, nil); !errors.Is(err, absence.ErrDossier) {
			t.Fatalf("relative without melding: %v", err)
		}
		d := store.StoredDossier{PupilID: f.pupil, GemeenteID: f.gem, Ground: absence.GroundAbsolute, Opened: opened}
		id, err := db.OpenDossier(ctx, f.reg.ID, d, now, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Opening twice gives the one dossier.
		if again, err := db.OpenDossier(ctx, f.reg.ID, d, now, nil); !errors.Is(err, store.ErrDossierExists) || again != id {
			t.Fatalf("opened twice: %d %v", again, err)
		}
		s, err := absence.NewStep(absence.Step{Kind: absence.StepNote, On: opened, Source: "BRP-lijst", Text: "Geen inschrijving gevonden; moeder gebeld.", By: "L. Plicht"}, opened)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddDossierStep(ctx, f.reg.ID, id, s, now, nil); err != nil {
			t.Fatal(err)
		}
		var raw string
		db.QueryRow(ctx, "SELECT tekst FROM leerplicht_dossier_stap WHERE dossier_id = ?", id).Scan(&raw)
		if strings.Contains(raw, "moeder") {
			t.Fatal("the note is stored in clear")
		}
		steps, err := db.DossierSteps(ctx, f.reg.ID, id)
		if err != nil || len(steps) != 1 || steps[0].Text != s.Text || steps[0].Source != "BRP-lijst" {
			t.Fatalf("%+v %v", steps, err)
		}
		ds, err := db.DossiersInGemeente(ctx, f.reg.ID, f.gem)
		if err != nil || len(ds) != 1 || !ds[0].Open || ds[0].Ground != absence.GroundAbsolute {
			t.Fatalf("%+v %v", ds, err)
		}
		if err := db.CloseDossier(ctx, f.reg.ID, id, opened+3, "ingeschreven op een school", nil); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddDossierStep(ctx, f.reg.ID, id, s, now, nil); !errors.Is(err, absence.ErrDossier) {
			t.Fatalf("step in a closed dossier: %v", err)
		}
		if err := db.CloseDossier(ctx, f.reg.ID, id, opened+3, "x", nil); !errors.Is(err, absence.ErrDossier) {
			t.Fatalf("closed twice: %v", err)
		}
		// A new dossier may open after the old one closed.
		if _, err := db.OpenDossier(ctx, f.reg.ID, d, now, nil); err != nil {
			t.Fatal(err)
		}
		g := seedRegion(t, db, "regio-b", newRing(t))
		if _, err := db.Dossier(ctx, g.reg.ID, id); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("other region: %v", err)
		}
		if on, err := db.EnrolledOn(ctx, f.reg.ID, f.pupil, opened); err != nil || !on {
			t.Fatalf("enrolled: %v %v", on, err)
		}
		if on, _ := db.EnrolledOn(ctx, f.reg.ID, f.pupil, mustD(t, "2024-01-01")); on {
			t.Fatal("enrolled before the enrolment")
		}
	})
}
