// Package storetest gives tests a fresh, migrated store on every engine the machine offers:
// SQLite always, and PostgreSQL whenever GRONDSLAG_TEST_POSTGRES holds a server URL (each test
// then gets its own new database on that server, dropped afterwards).
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/store"
)

// EnvPostgres names the environment variable with the PostgreSQL server URL for tests.
const EnvPostgres = "GRONDSLAG_TEST_POSTGRES"

// Each runs fn as a subtest once per available engine ("sqlite", "postgres"), each with a fresh
// migrated store.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	if os.Getenv(EnvPostgres) != "" {
		t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
	}
}

// SQLite opens a fresh migrated SQLite store in a temporary directory.
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	return openMigrated(t, filepath.Join(t.TempDir(), "test.db"))
}

// Postgres creates a fresh database on the server named by GRONDSLAG_TEST_POSTGRES, migrates it,
// and drops it when the test ends. It skips the test when the variable is empty.
func Postgres(t testing.TB) *store.DB {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Skip(EnvPostgres + " is niet gezet")
	}
	dsn, cleanup := NewPostgresDatabase(t, base)
	t.Cleanup(cleanup)
	return openMigrated(t, dsn)
}

// NewPostgresDatabase creates an empty database with a random name on the server of base and
// returns its URL and a function that drops it.
func NewPostgresDatabase(t testing.TB, base string) (string, func()) {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgres, err)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	var b [6]byte
	rand.Read(b[:])
	name := "grondslag_test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		t.Fatalf("create database: %v", err)
	}
	u.Path = "/" + name
	return u.String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close()
	}
}

func openMigrated(t testing.TB, dsn string) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx, time.Now().UnixMilli()); err != nil {
		t.Fatal(err)
	}
	AttachKeyVault(t, db)
	return db
}

// autoRing makes a region's keys on first use, as tests create regions freely.
type autoRing struct{ *ident.KeyRing }

func (r autoRing) Region(code string) (*ident.RegionKeys, error) {
	if !r.Has(code) {
		return r.Create(code)
	}
	return r.KeyRing.Region(code)
}

// AttachKeyVault gives db a key vault for pupil content (a SQLite file in a temporary directory,
// with a fresh key ring), as the binary does with --sleutelkluis and --sleutels.
func AttachKeyVault(t testing.TB, db *store.DB) *store.KeyVault {
	t.Helper()
	dir := t.TempDir()
	ring, err := ident.LoadKeyFile(filepath.Join(dir, "sleutels.json"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := store.OpenKeyVault(context.Background(), filepath.Join(dir, "sleutelkluis.db"), autoRing{ring})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	db.UseKeyVault(v)
	return v
}
