package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/store"
)

// TestCasusOpenAndCloseCommands: 'casus openen' with a start date in the past, its errors with
// exit codes, and 'casus sluiten' with a result (issue 15).
func TestCasusOpenAndCloseCommands(t *testing.T) {
	st := casusFixture(t)
	ctx := context.Background()
	db, err := store.Open(ctx, st[1])
	if err != nil {
		t.Fatal(err)
	}
	var pupil, school int64
	if err := db.QueryRow(ctx, `SELECT id FROM leerling`).Scan(&pupil); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, `SELECT id FROM organisatie WHERE soort = 'school'`).Scan(&school); err != nil {
		t.Fatal(err)
	}
	if err := db.WithTx(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO inschrijving (regio_id, leerling_id, school_id, leerlingnummer, van, leerjaar) VALUES ((SELECT id FROM regio), ?, ?, '7', '2020-08-01', 'vwo 1')`, pupil, school)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	id := itoa64(pupil)
	start := time.Now().AddDate(0, 0, -20).Format(time.DateOnly)
	open := func(extra ...string) (int, string, string) {
		args := append([]string{"casus", "openen", "--gebruiker", "zc2@school.example", "--leerling", id, "--soort", "mdo", "--doel", "toeleiding"}, extra...)
		return runCmd(t, "", append(args, st...)...)
	}
	if code, _, errs := open("--vraag", "Wat heeft Sem nodig?", "--startdatum", "2099-01-01"); code != 2 || !strings.Contains(errs, "startdatum") {
		t.Errorf("future start: %d %s", code, errs)
	}
	if code, _, errs := open("--startdatum", start); code != 2 || !strings.Contains(errs, "vraag") {
		t.Errorf("no question: %d %s", code, errs)
	}
	code, out, errs := open("--vraag", "Wat heeft Sem nodig?", "--startdatum", start)
	if code != 0 || !strings.Contains(out, "geopend: mdo, fase aanmelding, gestart op "+time.Now().AddDate(0, 0, -20).Format("02-01-2006")) {
		t.Fatalf("open: %d %q %q", code, out, errs)
	}
	caseID := strings.TrimSuffix(strings.Fields(out)[1], ":")
	// Not related to the pupil: refused without saying whether the pupil exists.
	if code, _, errs := runCmd(t, "", append([]string{"casus", "openen", "--gebruiker", "zc2@school.example", "--leerling", "999999", "--soort", "mdo", "--doel", "toeleiding", "--vraag", "x"}, st...)...); code != 3 || !strings.Contains(errs, "niet gevonden") {
		t.Errorf("unknown pupil: %d %s", code, errs)
	}
	// Only the holder of the broad regie closes; someone else is told the case is not found.
	if code, _, errs := runCmd(t, "", append([]string{"casus", "sluiten", caseID, "--gebruiker", "zc1@school.example", "--resultaat", "terug-naar-school"}, st...)...); code != 3 {
		t.Errorf("close by non-participant: %d %s", code, errs)
	}
	if code, _, errs := runCmd(t, "", append([]string{"casus", "sluiten", caseID, "--gebruiker", "zc2@school.example", "--resultaat", "koffie"}, st...)...); code != 2 || !strings.Contains(errs, "resultaat") {
		t.Errorf("unknown result: %d %s", code, errs)
	}
	code, out, errs = runCmd(t, "", append([]string{"casus", "sluiten", caseID, "--gebruiker", "zc2@school.example", "--resultaat", "terug-naar-school", "--toelichting", "Sem gaat weer"}, st...)...)
	if code != 0 || !strings.Contains(out, "afgesloten: terug-naar-school") {
		t.Fatalf("close: %d %q %q", code, out, errs)
	}
}
