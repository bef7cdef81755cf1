package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/consent"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
	"github.com/grondslag/grondslag/internal/web"
)

// TestInzageMounted: serve's wiring mounts the inzage pages, and their audit entries are sealed
// with the region's key (an unknown region has no key).
func TestInzageMounted(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	var region int64
	if err := db.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		region, err = tx.InsertID(ctx, `INSERT INTO regio (code, naam, vakantieregio, aangemaakt_op) VALUES ('inz', 'Inzage', 'noord', 0)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	ring, err := ident.LoadKeyFile(filepath.Join(t.TempDir(), "sleutels.json"))
	if err != nil {
		t.Fatal(err)
	}
	rk := &regionKeys{db: db, ring: ring, codes: map[int64]string{}}
	enc, err := inzageSeal(rk)(ctx, region)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := enc.Encrypt([]byte("pseudo-leerling-0001"), []byte(audit.SubjectAAD)); err != nil || len(c) == 0 || bytes.Contains(c, []byte("pseudo-leerling")) {
		t.Fatalf("seal: %v", err)
	}
	if _, err := inzageSeal(rk)(ctx, region+100); err == nil {
		t.Fatal("an unknown region was sealed")
	}

	conv, err := convenant.Default()
	if err != nil {
		t.Fatal(err)
	}
	ccfg, err := consent.FromConvenant(conv)
	if err != nil {
		t.Fatal(err)
	}
	engine := policy.NewEngine(conv)
	sealer, _ := auth.NewSealer(bytes.Repeat([]byte{7}, 32))
	ws := store.NewWebStore(db)
	t.Cleanup(func() { ws.CloseStatements() })
	s, err := web.New(web.Config{}, web.Deps{Accounts: ws, Sessions: ws, Throttle: ws, Dossiers: ws, Access: access.New(engine, 0),
		Vocab: web.VocabularyOf(conv), Audit: nopAuditor{}, Sealer: sealer, Mailbox: &web.DevMailbox{}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if err := mountAbsenceAndConsent(s, db, ring, access.New(engine, 0), nopAuditor{}, ccfg, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, path := range []string{"/inzage", "/inzage/leerling/1"} {
		resp, err := hc.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		// Mounted: a page that asks to sign in first (not mounted: 404).
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/inloggen") {
			t.Errorf("%s: %d %s", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}

type nopAuditor struct{}

func (nopAuditor) Append(context.Context, int64, ...audit.Record) error { return nil }
