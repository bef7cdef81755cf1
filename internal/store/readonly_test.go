package store_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

// fileState is every file in dir with its size, mode, mtime and content hash.
func fileState(t *testing.T, dir string) string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		p := filepath.Join(dir, e.Name())
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %s %s %d %s", e.Name(), st.Mode(), st.ModTime().Format(time.RFC3339Nano), len(b), hashHex(b)))
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

func hashHex(b []byte) string {
	h := sha256.Sum256(b)
	const digits = "0123456789abcdef"
	var s [64]byte
	for i, c := range h {
		s[2*i], s[2*i+1] = digits[c>>4], digits[c&15]
	}
	return string(s[:])
}

// readOnlyMustRefuse checks that reads work and every kind of write fails.
func readOnlyMustRefuse(t *testing.T, ro *store.DB) {
	t.Helper()
	ctx := context.Background()
	var n int
	if err := ro.QueryRow(ctx, "SELECT count(*) FROM regio").Scan(&n); err != nil {
		t.Fatalf("read on the read-only store: %v", err)
	}
	for _, q := range []string{
		"INSERT INTO regio (code, naam, vakantieregio, aangemaakt_op) VALUES ('x', 'x', 'zuid', 0)",
		"CREATE TABLE ro_proef (id INTEGER)",
		"UPDATE regio SET naam = naam",
	} {
		if _, err := ro.Exec(ctx, q); err == nil {
			t.Errorf("the read-only store accepted %q", q)
		}
	}
}

func TestOpenReadOnlySQLiteWritesNothing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "g.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx, time.Now().UnixMilli()); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateRegion(ctx, region.Region{Code: "ro-regio", Name: "Regio", Holiday: region.Zuid}, time.Now()); err != nil {
		t.Fatal(err)
	}
	db.Close() // the last connection folds the WAL into the file and removes it
	before := fileState(t, dir)

	ro, err := store.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := ro.CheckSchema(ctx); err != nil {
		t.Fatal(err)
	}
	readOnlyMustRefuse(t, ro)
	ro.Close()
	// The database file keeps its bytes, mode and mtime. SQLite's WAL reader needs the -shm
	// index beside the file and may create it and an empty -wal (as any reader does); nothing
	// else may appear and the -wal must stay empty.
	after := fileState(t, dir)
	if !strings.HasPrefix(after, before+"\n") && after != before {
		t.Errorf("a read-only open changed the database file:\nbefore\n%s\nafter\n%s", before, after)
	}
	for _, l := range strings.Split(after, "\n")[1:] {
		name, rest, _ := strings.Cut(l, " ")
		if name != "g.db-shm" && (name != "g.db-wal" || !strings.Contains(rest, " 0 ")) {
			t.Errorf("a read-only open left %s", l)
		}
	}
	if _, err := store.OpenReadOnly(ctx, filepath.Join(dir, "typo.db")); err == nil {
		t.Error("a missing file was opened")
	}
	if _, err := os.Stat(filepath.Join(dir, "typo.db")); err == nil {
		t.Error("a missing file was created")
	}
}

func TestOpenReadOnlyPostgresRefusesWrites(t *testing.T) {
	base := os.Getenv(storetest.EnvPostgres)
	if base == "" {
		t.Skip(storetest.EnvPostgres + " is niet gezet")
	}
	ctx := context.Background()
	dsn, drop := storetest.NewPostgresDatabase(t, base)
	defer drop()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx, time.Now().UnixMilli()); err != nil {
		t.Fatal(err)
	}
	ro, err := store.OpenReadOnly(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	readOnlyMustRefuse(t, ro)
	var on string
	if err := ro.QueryRow(ctx, "SHOW transaction_read_only").Scan(&on); err != nil || on != "on" {
		t.Errorf("transaction_read_only = %q (%v), want on", on, err)
	}
}
