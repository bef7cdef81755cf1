package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/store"
)

// /gezond answers while the process runs; /gereed turns 503 as soon as the store cannot write,
// although it can still read; the metrics count both by route pattern.
func TestReadinessFailsWhenStoreCannotWrite(t *testing.T) {
	ctx := context.Background()
	s, db, srv, cleanup := newTestServer(t, func(string) string { return "" })
	defer cleanup()
	get := func(path string) int {
		t.Helper()
		r, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		return r.StatusCode
	}
	if c := get("/gezond"); c != 200 {
		t.Fatalf("/gezond: %d", c)
	}
	if c := get("/gereed"); c != 200 {
		t.Fatalf("/gereed on a healthy store: %d", c)
	}
	// The writer turns read-only (as after a full disk or a read-only remount).
	if _, err := db.Exec(ctx, "PRAGMA query_only = ON"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // past the one-second cache
	if c := get("/gereed"); c != http.StatusServiceUnavailable {
		t.Errorf("/gereed with a store that cannot write: %d, want 503", c)
	}
	if c := get("/gezond"); c != 200 {
		t.Errorf("/gezond must not depend on the store: %d", c)
	}
	rec := httptest.NewRecorder()
	s.obs.metricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`grondslag_http_verzoeken_totaal{methode="GET",route="GET /gereed",status="503"} 1`,
		`grondslag_http_verzoeken_totaal{methode="GET",route="GET /gezond",status="200"} 2`,
		`grondslag_taak_achterstand_seconden{taak="controlepunten"}`,
		`grondslag_http_duur_seconden_bucket{route="GET /gereed"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// newTestServer builds, as grondslag serve does with the environment getenv, the server of a
// fresh keyed region in a temporary SQLite file and serves it over HTTP; the store and the HTTP
// server close with the test. cleanup is the server's own (it flushes a trace exporter).
func newTestServer(t *testing.T, getenv func(string) string) (s *webServer, db *store.DB, srv *httptest.Server, cleanup func()) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	dbPath, keys := filepath.Join(dir, "g.db"), filepath.Join(dir, "k.json")
	newKeyedRegion(t, dbPath, keys)
	cfg := &config{DB: dbPath, KeyFile: keys}
	db, err := cfg.openStore(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ring, err := cfg.keyRing()
	if err != nil {
		t.Fatal(err)
	}
	e := env{stdout: io.Discard, stderr: io.Discard, getenv: getenv}
	s, cleanup, _, err = newWebServer(ctx, e, cfg, db, ring)
	if err != nil {
		t.Fatal(err)
	}
	srv = httptest.NewServer(s.obs.handler(s.web))
	t.Cleanup(srv.Close)
	return s, db, srv, cleanup
}
