package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/grondslag/grondslag/internal/store"
)

// runBackup writes a consistent copy of the database: SQLite online with VACUUM INTO, PostgreSQL
// with pg_dump (custom format). The key material is never inside the copy; --sleutelkopie writes
// it to a separate file, which must not sit in the same directory.
func runBackup(ctx context.Context, e env) (err error) {
	defer wrap(&err, "back-up maken")
	fs := newFlagSet(e, "backup", "backup --naar BESTAND [--sleutelkopie BESTAND] [--db BESTAND|postgres://…]")
	cfg := storeFlags(fs, e)
	dest := fs.String("naar", "", "nieuw bestand voor de back-up (rechten 0600); mag nog niet bestaan")
	keyCopy := fs.String("sleutelkopie", "", "schrijf ook een kopie van de sleutels (rechten 0600) naar dit bestand, in een andere map dan de back-up")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *dest == "" {
		return withExit(2, errors.New("--naar ontbreekt: het bestand voor de back-up"))
	}
	if *keyCopy != "" && sameDir(*keyCopy, *dest) {
		return withExit(2, errors.New("--sleutelkopie staat in dezelfde map als de back-up; wie beide heeft, kan alles lezen. Kies een andere plek (een andere schijf, kluis of beheerder)"))
	}
	db, err := cfg.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	ring, err := cfg.keyRing()
	if err != nil {
		return err
	}
	start := time.Now()
	if db.Dialect() == store.Postgres {
		err = pgDump(ctx, e, cfg.DB, *dest)
	} else {
		err = db.BackupSQLite(ctx, *dest)
		if err == nil {
			err = checkSQLiteCopy(ctx, *dest)
		}
	}
	if err != nil {
		return err
	}
	st, _ := os.Stat(*dest)
	fmt.Fprintf(e.stdout, "back-up geschreven: %s (%d bytes, %.1f s)\n", *dest, st.Size(), time.Since(start).Seconds())
	if *keyCopy != "" {
		b, err := ring.Export()
		if err != nil {
			return err
		}
		if err := writeNew(*keyCopy, b); err != nil {
			return fmt.Errorf("sleutelkopie: %w", err)
		}
		fmt.Fprintf(e.stdout, "sleutelkopie geschreven: %s (bewaar hem gescheiden van de back-up)\n", *keyCopy)
	} else {
		fmt.Fprintf(e.stdout, "De sleutels zitten niet in de back-up. Zonder de sleutels (%s) is de back-up niet te gebruiken: bewaar ze apart.\n", ring.Source())
	}
	return nil
}

// runRestore puts a backup back into a new SQLite file or an empty PostgreSQL database.
func runRestore(ctx context.Context, e env) (err error) {
	defer wrap(&err, "back-up terugzetten")
	fs := newFlagSet(e, "restore", "restore --van BACK-UP --db NIEUW-BESTAND|postgres://…(lege database)")
	cfg := storeFlags(fs, e)
	src := fs.String("van", "", "het back-upbestand (van grondslag backup)")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *src == "" {
		return withExit(2, errors.New("--van ontbreekt: het back-upbestand"))
	}
	head := make([]byte, 16)
	f, err := os.Open(*src)
	if err != nil {
		return fmt.Errorf("back-up: %w", err)
	}
	_, err = io.ReadFull(f, head)
	f.Close()
	if err != nil {
		return fmt.Errorf("back-up %s is geen back-up van grondslag (te kort)", *src)
	}
	isSQLite, isPgDump := bytes.HasPrefix(head, []byte("SQLite format 3\x00")), bytes.HasPrefix(head, []byte("PGDMP"))
	switch {
	case store.IsPostgresURL(cfg.DB) && isPgDump:
		db, err := store.Open(ctx, cfg.DB)
		if err != nil {
			return err
		}
		n, err := db.TableCount(ctx)
		db.Close()
		if err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("de doeldatabase heeft al %d tabellen; zet een back-up alleen terug in een lege database (CREATE DATABASE …)", n)
		}
		if err := pgRestore(ctx, e, cfg.DB, *src); err != nil {
			return err
		}
	case !store.IsPostgresURL(cfg.DB) && isSQLite:
		if err := restoreSQLite(ctx, *src, cfg.DB); err != nil {
			return err
		}
	case isSQLite:
		return withExit(2, fmt.Errorf("%s is een SQLite-back-up; zet hem terug in een SQLite-bestand (--db pad)", *src))
	case isPgDump:
		return withExit(2, fmt.Errorf("%s is een PostgreSQL-back-up (pg_dump); zet hem terug in een lege PostgreSQL-database (--db postgres://…)", *src))
	default:
		return withExit(2, fmt.Errorf("%s is geen back-up van grondslag (geen SQLite-bestand en geen pg_dump-bestand)", *src))
	}
	fmt.Fprintf(e.stdout, "teruggezet in %s\n", cfg.DB)
	fmt.Fprintf(e.stdout, "Zet de sleutels klaar (--sleutels of GRONDSLAG_SLEUTELS) en controleer: grondslag audit verify --db %s\n", cfg.DB)
	if store.IsPostgresURL(cfg.DB) {
		fmt.Fprintln(e.stdout, "PostgreSQL: de eigenaar is nu de rol die terugzette; stel de applicatierol opnieuw in met: grondslag migrate --db … --app-rol …")
	}
	return nil
}

// restoreSQLite copies the backup to a temporary file beside dest (0600), checks it, and renames
// it into place: dest never holds half a database. An existing dest is refused.
func restoreSQLite(ctx context.Context, src, dest string) (err error) {
	defer wrap(&err, "SQLite-back-up terugzetten")
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("%s bestaat al; zet een back-up terug in een nieuw bestand (of verplaats het oude eerst)", dest)
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dest), ".grondslag-terugzetten-*")
	if err != nil {
		return fmt.Errorf("terugzetten: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := io.Copy(tmp, in); err != nil {
		tmp.Close()
		return fmt.Errorf("terugzetten: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := checkSQLiteCopy(ctx, tmp.Name()); err != nil {
		return err
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(tmp.Name() + suffix)
	}
	if err := os.Link(tmp.Name(), dest); err != nil { // fails if dest appeared meanwhile
		return fmt.Errorf("terugzetten naar %s: %w", dest, err)
	}
	if d, err := os.Open(filepath.Dir(dest)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// checkSQLiteCopy opens a copy and runs SQLite's quick_check on it.
func checkSQLiteCopy(ctx context.Context, path string) error {
	db, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.QuickCheck(ctx); err != nil {
		return fmt.Errorf("kopie %s: %w", path, err)
	}
	if n, err := db.TableCount(ctx); err != nil || n == 0 {
		return fmt.Errorf("kopie %s bevat geen tabellen van grondslag (%v)", path, err)
	}
	return nil
}

// pgTool finds pg_dump or pg_restore: in GRONDSLAG_PG_BIN, else on PATH.
func pgTool(e env, name string) (string, error) {
	if dir := e.getenv("GRONDSLAG_PG_BIN"); dir != "" {
		return filepath.Join(dir, name), nil
	}
	p, err := exec.LookPath(name)
	if err != nil {
		// Debian's server packages keep them here, not always on PATH.
		if m, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name); len(m) > 0 {
			return m[len(m)-1], nil
		}
		return "", fmt.Errorf("%s niet gevonden; installeer de PostgreSQL-clientprogramma's of wijs de map aan met GRONDSLAG_PG_BIN", name)
	}
	return p, nil
}

func pgDump(ctx context.Context, e env, dsn, dest string) error {
	bin, err := pgTool(e, "pg_dump")
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s bestaat al; kies een nieuw bestand voor de back-up", dest)
	}
	if err != nil {
		return err
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "--format=custom", "--dbname="+dsn)
	cmd.Stdout, cmd.Stderr = out, &stderr
	err = cmd.Run()
	if err == nil {
		err = out.Sync()
	}
	out.Close()
	if err != nil {
		os.Remove(dest)
		return fmt.Errorf("pg_dump: %w: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	return nil
}

func pgRestore(ctx context.Context, e env, dsn, src string) error {
	bin, err := pgTool(e, "pg_restore")
	if err != nil {
		return err
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "--no-owner", "--no-acl", "--single-transaction", "--exit-on-error", "--dbname="+dsn, src)
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pg_restore (niets teruggezet: één transactie): %w: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	return nil
}

// writeNew writes b to a new file with mode 0600, refusing an existing one.
func writeNew(path string, b []byte) (err error) {
	defer wrap(&err, "bestand schrijven")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func sameDir(a, b string) bool {
	da, err1 := filepath.Abs(filepath.Dir(a))
	db, err2 := filepath.Abs(filepath.Dir(b))
	return err1 == nil && err2 == nil && da == db
}
