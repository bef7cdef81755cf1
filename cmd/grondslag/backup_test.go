package main

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

// fillRegion imports organisations and pupils and makes a checkpoint, so the audit log has
// entries and a signed checkpoint to verify after a restore.
func fillRegion(t *testing.T, dir string, st []string) {
	t.Helper()
	ring, err := ident.OpenKeyFile(st[3])
	if err != nil {
		t.Fatal(err)
	}
	rk, err := ring.Region("test-regio")
	if err != nil {
		t.Fatal(err)
	}
	appendAudit(t, st[1], rk, rk.Pseudonym(ident.BSN, "999900006"), 0, 700)
	orgs := writeFile(t, dir, "org.csv", "soort,naam,brin,vestiging,sector,cbs_code,gemeente\ngemeente,Gemeente Test,,,,GM9990,\nschool,De Test,99ZZ,00,po,,\n")
	pupils := writeFile(t, dir, "ll.csv", "nummer,voornaam,achternaam,geboortedatum,school,leerlingnummer,van,leerjaar\n999900006,Sam,Test,2015-01-01,99ZZ00,1,2024-08-26,groep 5\n999900018,Kim,Test,2015-02-01,99ZZ00,2,2024-08-26,groep 5\n")
	for _, args := range [][]string{{"importeer", "organisaties", orgs}, {"importeer", "leerlingen", pupils}, {"audit", "checkpoint", "--nieuw"}} {
		if code, _, errs := runCmd(t, "", append(args, st...)...); code != 0 {
			t.Fatalf("%v: %s", args, errs)
		}
	}
}

func TestBackupRestoreVerifySQLite(t *testing.T) {
	dir := t.TempDir()
	dbPath, keys := filepath.Join(dir, "g.db"), filepath.Join(dir, "k.json")
	newKeyedRegion(t, dbPath, keys)
	st := []string{"--db", dbPath, "--sleutels", keys}
	fillRegion(t, dir, st)

	bdir, kdir := t.TempDir(), t.TempDir()
	backup, keyCopy := filepath.Join(bdir, "g.backup"), filepath.Join(kdir, "sleutels.json")
	if code, _, errs := runCmd(t, "", append([]string{"backup", "--naar", backup, "--sleutelkopie", filepath.Join(bdir, "k.json")}, st...)...); code != 2 || !strings.Contains(errs, "andere plek") {
		t.Fatalf("key copy beside the backup: %d %s", code, errs)
	}
	code, out, errs := runCmd(t, "", append([]string{"backup", "--naar", backup, "--sleutelkopie", keyCopy}, st...)...)
	if code != 0 {
		t.Fatalf("backup: %s %s", out, errs)
	}
	for _, p := range []string{backup, keyCopy} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v %v, want mode 600", p, fi, err)
		}
	}
	if code, _, _ := runCmd(t, "", append([]string{"backup", "--naar", backup}, st...)...); code == 0 {
		t.Error("backup overwrote an existing file")
	}
	restored := filepath.Join(t.TempDir(), "terug.db")
	if code, out, errs := runCmd(t, "", "restore", "--van", backup, "--db", restored); code != 0 {
		t.Fatalf("restore: %s %s", out, errs)
	}
	if fi, _ := os.Stat(restored); fi == nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("restored file mode: %v", fi)
	}
	code, out, errs = runCmd(t, "", "audit", "verify", "--db", restored, "--sleutels", keyCopy)
	if code != 0 || !strings.Contains(out, "klopt") || !strings.Contains(out, "grootte: 700") {
		t.Fatalf("verify after restore: %d %s %s", code, out, errs)
	}
	if n := countRows(t, restored, "leerling"); n != 2 {
		t.Errorf("%d pupils restored, want 2", n)
	}
	// Not over an existing database, and not from something that is no backup.
	if code, _, errs := runCmd(t, "", "restore", "--van", backup, "--db", dbPath); code == 0 || !strings.Contains(errs, "bestaat al") {
		t.Errorf("restore over an existing file: %d %s", code, errs)
	}
	if code, _, errs := runCmd(t, "", "restore", "--van", keys, "--db", filepath.Join(dir, "x.db")); code != 2 || !strings.Contains(errs, "geen back-up") {
		t.Errorf("restore from a key file: %d %s", code, errs)
	}
	// A damaged copy is refused and leaves no database behind.
	b, _ := os.ReadFile(backup)
	for i := 4096; i < len(b) && i < 4096*4; i++ {
		b[i] ^= 0x5a
	}
	bad := writeFile(t, t.TempDir(), "kapot.backup", string(b))
	broken := filepath.Join(t.TempDir(), "kapot.db")
	if code, _, _ := runCmd(t, "", "restore", "--van", bad, "--db", broken); code == 0 {
		t.Error("a damaged backup was restored")
	}
	if _, err := os.Stat(broken); err == nil {
		t.Error("a refused restore left a database file")
	}
}

func TestBackupRestoreVerifyPostgres(t *testing.T) {
	base := os.Getenv(storetest.EnvPostgres)
	if base == "" {
		t.Skip(storetest.EnvPostgres + " is niet gezet")
	}
	if _, err := pgTool(env{getenv: os.Getenv}, "pg_dump"); err != nil {
		t.Skip(err.Error())
	}
	dsn, drop := storetest.NewPostgresDatabase(t, base)
	t.Cleanup(drop)
	target, drop2 := storetest.NewPostgresDatabase(t, base)
	t.Cleanup(drop2)
	dir := t.TempDir()
	keys := filepath.Join(dir, "k.json")
	newKeyedRegion(t, dsn, keys)
	st := []string{"--db", dsn, "--sleutels", keys}
	fillRegion(t, dir, st)
	backup := filepath.Join(t.TempDir(), "g.dump")
	if code, out, errs := runCmd(t, "", append([]string{"backup", "--naar", backup}, st...)...); code != 0 {
		t.Fatalf("backup: %s %s", out, errs)
	}
	if fi, _ := os.Stat(backup); fi == nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("dump mode: %v", fi)
	}
	if code, out, errs := runCmd(t, "", "restore", "--van", backup, "--db", target); code != 0 {
		t.Fatalf("restore: %s %s", out, errs)
	}
	code, out, errs := runCmd(t, "", "audit", "verify", "--db", target, "--sleutels", keys)
	if code != 0 || !strings.Contains(out, "klopt") || !strings.Contains(out, "grootte: 700") {
		t.Fatalf("verify after restore: %d %s %s", code, out, errs)
	}
	// The append-only triggers came back with the schema.
	u, _ := url.Parse(target)
	db, err := sql.Open("pgx", u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(context.Background(), "DELETE FROM audit_regel"); err == nil || !strings.Contains(err.Error(), "alleen-toevoegen") {
		t.Errorf("restored audit log not append-only: %v", err)
	}
	if code, _, errs := runCmd(t, "", "restore", "--van", backup, "--db", target); code == 0 || !strings.Contains(errs, "lege database") {
		t.Errorf("restore into a database with tables: %d %s", code, errs)
	}
}
