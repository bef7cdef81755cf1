package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// dirFiles lists the names in dir, to prove a refused command created nothing.
func dirFiles(t *testing.T, dir string) string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

// newKeyedRegion makes a migrated database with region "test-regio" whose keys are in keyPath,
// and returns the pseudonym fingerprint line regio aanmaken printed.
func newKeyedRegion(t *testing.T, dbPath, keyPath string) string {
	t.Helper()
	if code, _, errs := runCmd(t, "", "migrate", "--db", dbPath); code != 0 {
		t.Fatalf("migrate: %s", errs)
	}
	code, out, errs := runCmd(t, "", "regio", "aanmaken", "--db", dbPath, "--sleutels", keyPath, "--code", "test-regio", "--naam", "Testregio", "--vakantieregio", "zuid")
	if code != 0 {
		t.Fatalf("regio: %s", errs)
	}
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "pseudoniem v1 ") {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "pseudoniem v1"))
		}
	}
	t.Fatalf("no fingerprint printed:\n%s", out)
	return ""
}

func TestCommandsRefuseMissingOrWrongKeysAndCreateNothing(t *testing.T) {
	dir := t.TempDir()
	dbPath, keys := filepath.Join(dir, "g.db"), filepath.Join(dir, "k.json")
	fp := newKeyedRegion(t, dbPath, keys)
	orgs := writeFile(t, dir, "org.csv", "soort,naam,brin,vestiging,sector,cbs_code,gemeente\ngemeente,Gemeente Test,,,,GM9990,\nschool,De Test,99ZZ,00,po,,\n")
	pupils := writeFile(t, dir, "ll.csv", "nummer,voornaam,achternaam,geboortedatum,school,leerlingnummer,van,leerjaar\n999900006,Sam,Test,2015-01-01,99ZZ00,1,2024-08-26,groep 5\n")
	st := []string{"--db", dbPath, "--sleutels", keys}
	for _, args := range [][]string{{"importeer", "organisaties", orgs}, {"importeer", "leerlingen", pupils}, {"audit", "checkpoint", "--nieuw"}} {
		if code, _, errs := runCmd(t, "", append(args, st...)...); code != 0 {
			t.Fatalf("%v: %s", args, errs)
		}
	}

	// A second database and key file with the same region code: the "wrong" keys.
	other := t.TempDir()
	wrongKeys := filepath.Join(other, "k.json")
	newKeyedRegion(t, filepath.Join(other, "g.db"), wrongKeys)

	// Work from an empty directory so a key file created by mistake would show.
	work := t.TempDir()
	missing := filepath.Join(work, "grondslag-sleutels.json")
	before := dirFiles(t, work) + "|" + dirFiles(t, dir)
	stat, _ := os.Stat(keys)
	for _, c := range []struct {
		name    string
		keyFile string
		want    []string
	}{
		{"missing key file", missing, []string{fp, missing, "GRONDSLAG_SLEUTELS"}},
		{"wrong key file", wrongKeys, []string{fp, wrongKeys, "vingerafdruk"}},
	} {
		for _, args := range [][]string{
			{"audit", "verify"},
			{"serve", "--adres", "127.0.0.1:0"},
			{"importeer", "leerlingen", pupils},
			{"audit", "checkpoint", "--nieuw"},
		} {
			code, out, errs := runCmd(t, "", append(args, "--db", dbPath, "--sleutels", c.keyFile)...)
			if code == 0 {
				t.Errorf("%s: %v accepted:\n%s", c.name, args, out)
				continue
			}
			for _, w := range c.want {
				if !strings.Contains(errs, w) {
					t.Errorf("%s: %v: error does not name %q:\n%s", c.name, args, w, errs)
				}
			}
		}
	}
	if after := dirFiles(t, work) + "|" + dirFiles(t, dir); after != before {
		t.Errorf("files changed: %s -> %s", before, after)
	}
	if st2, _ := os.Stat(keys); !st2.ModTime().Equal(stat.ModTime()) {
		t.Error("the region's key file was rewritten")
	}
	if n := countRows(t, dbPath, "leerling"); n != 1 {
		t.Errorf("%d pupils, want 1: a second pseudonym for the same child", n)
	}
	// With the right key the same child is recognised, not imported twice.
	if code, _, errs := runCmd(t, "", append([]string{"importeer", "leerlingen", pupils}, st...)...); code == 0 || !strings.Contains(errs, "staat al in de regio") {
		t.Errorf("re-import with the right key: %d %s", code, errs)
	}
	if code, out, errs := runCmd(t, "", append([]string{"audit", "verify"}, st...)...); code != 0 {
		t.Errorf("verify with the right key: %s %s", out, errs)
	}
	// A database path with a typo is refused, not created.
	typo := filepath.Join(work, "typo.db")
	if code, _, errs := runCmd(t, "", "audit", "verify", "--db", typo, "--sleutels", keys); code == 0 || !strings.Contains(errs, "bestaat niet") {
		t.Errorf("missing database: %d %s", code, errs)
	}
	if _, err := os.Stat(typo); err == nil {
		t.Error("verify created a database file")
	}
	// Keys are made only by regio aanmaken and sleutels aanmaken: not for a region that has them.
	if code, _, errs := runCmd(t, "", append([]string{"sleutels", "aanmaken"}, "--db", dbPath, "--sleutels", missing)...); code == 0 || !strings.Contains(errs, "heeft al sleutels") {
		t.Errorf("sleutels aanmaken for a keyed region: %d %s", code, errs)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("a key file was created")
	}
}

func TestSigningKeyRotationKeepsOldCheckpointsVerifying(t *testing.T) {
	dir := t.TempDir()
	dbPath, keys := filepath.Join(dir, "g.db"), filepath.Join(dir, "k.json")
	newKeyedRegion(t, dbPath, keys)
	st := []string{"--db", dbPath, "--sleutels", keys}
	orgs := writeFile(t, dir, "org.csv", "soort,naam,brin,vestiging,sector,cbs_code,gemeente\ngemeente,Gemeente Test,,,,GM9990,\nschool,De Test,99ZZ,00,po,,\n")
	steps := [][]string{
		{"importeer", "organisaties", orgs},
		{"audit", "checkpoint", "--nieuw"},
		{"sleutels", "roteren", "--soort", "ondertekening"},
		{"sleutels", "roteren", "--soort", "gegevens"},
		{"importeer", "leerlingen", writeFile(t, dir, "ll.csv", "nummer,voornaam,achternaam,geboortedatum\n999900006,Sam,Test,2015-01-01\n")},
		{"audit", "checkpoint", "--nieuw"},
		{"audit", "verify"},
		{"sleutels", "toon"},
	}
	for _, args := range steps {
		code, out, errs := runCmd(t, "", append(args, st...)...)
		if code != 0 {
			t.Fatalf("%v: %d\n%s\n%s", args, code, out, errs)
		}
		if args[0] == "sleutels" && args[1] == "toon" {
			for _, w := range []string{"ondertekening  2", "gegevens       2", "passen bij de database"} {
				if !strings.Contains(out, w) {
					t.Errorf("toon lacks %q:\n%s", w, out)
				}
			}
		}
	}
	if code, out, _ := runCmd(t, "", append([]string{"audit", "verify"}, st...)...); code != 0 || !strings.Contains(out, "2") {
		t.Errorf("verify after rotation: %d %s", code, out)
	}
}

// TestAuditVerifyWritesNothing: verify opens the store read-only and no key vault, so the files
// of the region keep their bytes, mode and mtime (SQLite may add its empty -wal and -shm beside
// the database, as any reader does).
func TestAuditVerifyWritesNothing(t *testing.T) {
	dir := t.TempDir()
	dbPath, keys := filepath.Join(dir, "g.db"), filepath.Join(dir, "k.json")
	newKeyedRegion(t, dbPath, keys)
	st := []string{"--db", dbPath, "--sleutels", keys}
	if code, _, errs := runCmd(t, "", append([]string{"audit", "checkpoint", "--nieuw"}, st...)...); code != 0 {
		t.Fatalf("checkpoint: %s", errs)
	}
	// Verify a copy of the database alone, as an FG or auditor would verify a backup: the key
	// file stays where it is, and there is no key vault beside the copy.
	dir = t.TempDir()
	b, err := os.ReadFile(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	dbPath = filepath.Join(dir, "g.db")
	if err := os.WriteFile(dbPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	st = []string{"--db", dbPath, "--sleutels", keys}
	state := func() map[string]string {
		m := map[string]string{}
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			p := filepath.Join(dir, e.Name())
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			m[e.Name()] = fmt.Sprintf("%s %s %x", fi.Mode(), fi.ModTime().Format(time.RFC3339Nano), sha256.Sum256(b))
		}
		return m
	}
	before := state()
	if _, ok := before["g.db"]; !ok {
		t.Fatalf("no database file: %v", before)
	}
	if code, out, errs := runCmd(t, "", append([]string{"audit", "verify"}, st...)...); code != 0 || !strings.Contains(out, "klopt") {
		t.Fatalf("verify: %d %s %s", code, out, errs)
	}
	after := state()
	for name, was := range before {
		if after[name] != was {
			t.Errorf("verify changed %s: %s -> %s", name, was, after[name])
		}
	}
	for name, now := range after {
		if _, ok := before[name]; ok {
			continue
		}
		empty := strings.HasSuffix(now, fmt.Sprintf("%x", sha256.Sum256(nil)))
		if name != "g.db-shm" && !(name == "g.db-wal" && empty) {
			t.Errorf("verify created %s", name)
		}
	}
}
