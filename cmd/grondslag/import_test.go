package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/store"
)

// runCmd runs the binary's dispatcher with args and returns exit code, stdout and stderr.
func runCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), env{args: args, stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }})
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func countRows(t *testing.T, dbPath, table string) int {
	t.Helper()
	db, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportAllOrNothingWithLineErrors(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "g.db")
	keys := filepath.Join(dir, "k.json")
	st := []string{"--db", db, "--sleutels", keys}
	if code, _, errs := runCmd(t, "", "migrate", "--db", db); code != 0 {
		t.Fatalf("migrate: %s", errs)
	}
	if code, _, errs := runCmd(t, "", append([]string{"regio", "aanmaken", "--code", "test-regio", "--naam", "Testregio", "--vakantieregio", "zuid"}, st...)...); code != 0 {
		t.Fatalf("regio: %s", errs)
	}
	orgs := writeFile(t, dir, "org.csv", "soort,naam,brin,vestiging,sector,cbs_code,gemeente\ngemeente,Gemeente Test,,,,GM9990,\nschool,De Test,99ZZ,00,po,,\n")
	if code, out, errs := runCmd(t, "", append([]string{"importeer", "organisaties", orgs}, st...)...); code != 0 || !strings.Contains(out, "2 organisaties") {
		t.Fatalf("orgs: %d %s %s", code, out, errs)
	}

	cases := []struct {
		name, kind, csv, want string
	}{
		{"bad bsn on line 3", "leerlingen", "nummer,voornaam,achternaam,geboortedatum,school,leerlingnummer,van,leerjaar\n999900006,Sam,Test,2015-01-01,99ZZ00,1,2024-08-26,groep 5\n123456789,Kim,Test,2015-02-01,99ZZ00,2,2024-08-26,groep 5\n",
			"regel 3, kolom bsn: dit BSN voldoet niet aan de elfproef"},
		{"unknown school", "leerlingen", "nummer,voornaam,achternaam,geboortedatum,school,leerlingnummer,van,leerjaar\n999900006,Sam,Test,2015-01-01,11AA00,1,2024-08-26,groep 5\n",
			"regel 2, kolom school: onbekende school"},
		{"missing header column", "leerlingen", "nummer,voornaam,geboortedatum\n999900006,Sam,2015-01-01\n",
			"regel 1, kolom achternaam: verplichte kolom ontbreekt"},
		{"bad date", "leerlingen", "nummer,voornaam,achternaam,geboortedatum\n999900006,Sam,Test,1-1-2015\n",
			"regel 2, kolom geboortedatum"},
		{"duplicate pupil in one file", "leerlingen", "nummer,voornaam,achternaam,geboortedatum\n999900006,Sam,Test,2015-01-01\n999900006,Sam,Test,2015-01-01\n",
			"regel 3, kolom bsn: deze leerling staat al in de regio"},
		{"user at unknown organisation", "gebruikers", "naam,email,rol,organisatie\nA B,a@test.example,zorgcoordinator,99ZZ00\nC D,c@test.example,zorgcoordinator,Bakkerij\n",
			"regel 3, kolom organisatie: onbekende organisatie"},
		{"role that does not fit", "gebruikers", "naam,email,rol,organisatie\nA B,a@test.example,leerplicht,99ZZ00\n",
			"regel 2, kolom rol"},
		{"classes for a zorgcoordinator", "gebruikers", "naam,email,rol,organisatie,klassen\nA B,a@test.example,zorgcoordinator,99ZZ00,7A\n",
			"regel 2, kolom klassen: alleen een mentor heeft klassen"},
		{"class with a comma", "leerlingen", "nummer,voornaam,achternaam,geboortedatum,school,leerlingnummer,van,leerjaar,klas\n999900006,Sam,Test,2015-01-01,99ZZ00,1,2024-08-26,groep 5,\"5A,5B\"\n",
			"regel 2, kolom klas"},
	}
	for _, c := range cases {
		f := writeFile(t, dir, "in.csv", c.csv)
		code, _, errs := runCmd(t, "", append([]string{"importeer", c.kind, f}, st...)...)
		if code == 0 {
			t.Errorf("%s: exit 0", c.name)
		}
		if !strings.Contains(errs, c.want) || !strings.Contains(errs, "niets geïmporteerd") {
			t.Errorf("%s: stderr %q, want %q", c.name, errs, c.want)
		}
		if n := countRows(t, db, "leerling"); n != 0 {
			t.Fatalf("%s: %d pupils written by a failed import", c.name, n)
		}
		if n := countRows(t, db, "gebruiker"); n != 0 {
			t.Fatalf("%s: %d users written by a failed import", c.name, n)
		}
	}

	good := writeFile(t, dir, "ok.csv", "nummer,voornaam,achternaam,geboortedatum,woongemeente,school,leerlingnummer,van,leerjaar,klas\n999900006,Sam,Test,2015-01-01,GM9990,99ZZ00,1,2024-08-26,groep 5,5B\n")
	if code, out, errs := runCmd(t, "", append([]string{"importeer", "leerlingen", good}, st...)...); code != 0 || !strings.Contains(out, "1 leerling geïmporteerd") {
		t.Fatalf("good import: %d %s %s", code, out, errs)
	}
	// A mentor with two classes (a ;-separated file: the list is quoted).
	mentors := writeFile(t, dir, "mentor.csv", "naam;email;rol;organisatie;klassen\nM Entor;m@test.example;mentor;99ZZ00;\"5A; 5B\"\n")
	if code, out, errs := runCmd(t, "", append([]string{"importeer", "gebruikers", mentors}, st...)...); code != 0 {
		t.Fatalf("mentor import: %d %s %s", code, out, errs)
	}
	if n := countRows(t, db, "mentor_klas"); n != 2 {
		t.Fatalf("mentor_klas: %d rows, want 2", n)
	}
	if n := countRows(t, db, "inschrijving WHERE klas = '5B'"); n != 1 {
		t.Fatalf("enrolment class: %d rows with klas 5B, want 1", n)
	}
}

func TestServeRefusesOutdatedSchema(t *testing.T) {
	db := filepath.Join(t.TempDir(), "leeg.db")
	code, _, errs := runCmd(t, "", "serve", "--db", db, "--adres", "127.0.0.1:0")
	if code == 0 || !strings.Contains(errs, "grondslag migrate --db "+db) {
		t.Fatalf("serve on empty db: exit %d, %q", code, errs)
	}
}

func TestHelpListsCommands(t *testing.T) {
	_, out, _ := runCmd(t, "", "help")
	for _, c := range []string{"serve", "demo", "migrate", "versie", "importeer"} {
		if !strings.Contains(out, c) {
			t.Errorf("help does not list %s", c)
		}
	}
	if code, _, _ := runCmd(t, "", "bestaat-niet"); code != 2 {
		t.Errorf("unknown command exit %d, want 2", code)
	}
}
