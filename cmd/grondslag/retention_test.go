package main

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/store"
)

// TestBewaartermijnenCommands: erasure on request from the command line, the report, the key
// counts, the audit log verifying after it, and clear errors for bad input.
func TestBewaartermijnenCommands(t *testing.T) {
	st := casusFixture(t)
	ctx := context.Background()
	db, err := store.Open(ctx, st[1])
	if err != nil {
		t.Fatal(err)
	}
	var pupil int64
	if err := db.QueryRow(ctx, "SELECT id FROM leerling").Scan(&pupil); err != nil {
		t.Fatal(err)
	}
	db.Close()
	id := strconv.FormatInt(pupil, 10)
	run := func(args ...string) (int, string, string) {
		t.Helper()
		return runCmd(t, "", append(append([]string{"bewaartermijnen"}, args...), st...)...)
	}
	if code, _, errs := run("bestaat-niet"); code != 2 || !strings.Contains(errs, "onbekende opdracht") {
		t.Fatalf("unknown: %d %q", code, errs)
	}
	if code, out, errs := run("voorstel", "--peildatum", "2026-12-03"); code != 0 || !strings.Contains(out, "niets nieuws") {
		t.Fatalf("voorstel: %d %q %q", code, out, errs)
	}
	if code, _, errs := run("voorstel", "--peildatum", "3-12-2026"); code != 2 || !strings.Contains(errs, "JJJJ-MM-DD") {
		t.Fatalf("bad date: %d %q", code, errs)
	}
	if code, _, errs := run("blokkade", "--leerling", id, "--reden", "", "--tot", "2099-01-01", "--door", "zc1@school.example"); code != 2 || !strings.Contains(errs, "reden") {
		t.Fatalf("hold without reason: %d %q", code, errs)
	}
	if code, out, errs := run("sleutels"); code != 0 || !strings.Contains(out, "1 levend, 0 vernietigd") {
		t.Fatalf("sleutels: %d %q %q", code, out, errs)
	}
	if code, _, errs := run("wissen", "--leerling", id, "--verzoek", "", "--toegewezen-door", "", "--door", "zc1@school.example"); code != 2 || !strings.Contains(errs, "verzoek") {
		t.Fatalf("erasure without request: %d %q", code, errs)
	}
	code, out, errs := run("wissen", "--leerling", id, "--verzoek", "verzoek 17 van 1 december 2026", "--toegewezen-door", "M. Jansen, directeur", "--door", "zc1@school.example")
	if code != 0 || !strings.Contains(out, "gewist") || !strings.Contains(out, "1 casus_verslag") {
		t.Fatalf("wissen: %d %q %q", code, out, errs)
	}
	if code, out, _ := run("sleutels"); code != 0 || !strings.Contains(out, "0 levend, 1 vernietigd") {
		t.Fatalf("sleutels after: %q", out)
	}
	if code, out, _ := run("rapport"); code != 0 || !strings.Contains(out, "wissingsverzoek") || !strings.Contains(out, "crypto-shredding") || !strings.Contains(out, "M. Jansen") {
		t.Fatalf("rapport: %q", out)
	}
	if code, out, errs := runCmd(t, "", append([]string{"audit", "verify"}, st...)...); code != 0 {
		t.Fatalf("audit verify after erasure: %d %q %q", code, out, errs)
	}
	if code, out, _ := runCmd(t, "", append([]string{"casus", "lijst", "--gebruiker", "zc1@school.example"}, st...)...); code != 0 || strings.Contains(out, "zat") {
		t.Fatalf("the case is still listed: %q", out)
	}
	if code, _, errs := run("wissen", "--leerling", id, "--verzoek", "nogmaals", "--toegewezen-door", "x", "--door", "zc1@school.example"); code == 0 || !strings.Contains(errs, "bestaat niet") {
		t.Fatalf("erasing twice: %d %q", code, errs)
	}
}
