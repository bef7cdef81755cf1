package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/demo"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/web"
	"github.com/grondslag/grondslag/internal/web/apitest"
)

// TestAPIOnDemoRegion serves a demo region exactly as `grondslag demo` does and calls every
// reading endpoint of the API as an API client of every organisation and role in the region,
// with all scopes, for every purpose of the convenant. Every exchange is validated against the
// served OpenAPI document (package apitest); every endpoint must answer 200 to at least one of
// the clients, so a client with the scope can use it.
func TestAPIOnDemoRegion(t *testing.T) {
	if testing.Short() {
		t.Skip("demo region: not in -short")
	}
	ctx := context.Background()
	dir := t.TempDir()
	cfg := &config{DB: filepath.Join(dir, "demo.db"), KeyFile: filepath.Join(dir, "sleutels.json")}
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx, time.Now().UnixMilli()); err != nil {
		t.Fatal(err)
	}
	ring, err := cfg.keyRing()
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.attachVault(ctx, db); err != nil { // pupils' content keys, as the demo command does
		t.Fatal(err)
	}
	now := time.Now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	res, err := demo.Generate(ctx, db, ring, demo.Options{Seed: 1, Pupils: 60, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := populateDemo(ctx, db, ring, res, today); err != nil {
		t.Fatal(err)
	}
	cfg.Region = res.Region.Code
	e := env{stdout: io.Discard, stderr: io.Discard, getenv: func(k string) string {
		if k == "GRONDSLAG_DEMO" {
			return "1"
		}
		return ""
	}}
	s, cleanup, _, err := newWebServer(ctx, e, cfg, db, ring)
	if err != nil {
		t.Fatal(err)
	}
	var cleaned sync.Once
	defer cleaned.Do(cleanup)
	srv := httptest.NewServer(s.web)
	defer srv.Close()
	conv, _ := convenant.Default()
	purposes := web.VocabularyOf(conv).Purposes

	// An API client for every organisation and role that has an account, with every scope.
	reg, _ := db.RegionByCode(ctx, res.Region.Code)
	accounts, err := db.Accounts(ctx, reg.ID)
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, sc := range auth.Scopes {
		all = append(all, sc.Name)
	}
	type client struct{ name, token string }
	var clients []client
	seen := map[string]bool{}
	for _, a := range accounts {
		k := a.Role + "@" + itoa64(a.OrgID)
		if seen[k] || a.Role == auth.RoleBeheerder || a.Role == auth.RoleOuder {
			continue
		}
		seen[k] = true
		tok, hash := auth.NewAPIToken()
		if _, err := db.CreateAPIClient(ctx, auth.APIClient{RegionID: reg.ID, OrgID: a.OrgID, Name: "test " + k, Role: a.Role, Scopes: all}, hash, time.Now()); err != nil {
			t.Fatal(err)
		}
		clients = append(clients, client{k, tok})
	}
	if len(clients) < 5 {
		t.Fatalf("only %d clients", len(clients))
	}

	hc := &http.Client{Transport: &apitest.Transport{T: t}}
	ok := map[string]int{} // endpoint → number of 200s
	calls, traced := 0, 0
	get := func(c client, endpoint, path string, v any) int {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+c.token)
		// Every other call comes with the caller's W3C trace context (Logboek foreign_operation).
		if calls++; calls%2 == 0 {
			req.Header.Set("traceparent", audit.TraceContext{TraceID: audit.NewTraceID(), SpanID: audit.NewOperationID(), Flags: 1}.Traceparent())
			traced++
		}
		r, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		if r.StatusCode >= 500 {
			t.Errorf("%s %s: %d %s", c.name, path, r.StatusCode, b)
		}
		if r.StatusCode == 200 {
			ok[endpoint]++
			if v != nil {
				json.Unmarshal(b, v)
			}
		}
		return r.StatusCode
	}
	type page struct {
		Embedded map[string][]struct {
			ID string `json:"id"`
		} `json:"_embedded"`
	}
	for _, c := range clients {
		get(c, "gezondheid", "/api/v1/gezondheid", nil)
		get(c, "toestemming-nodig", "/api/v1/toestemming-nodig?geboortedatum=2012-03-04&peildatum="+today.Format(time.DateOnly)+"&doel="+purposes[0].Code+"&gezaghebbenden=2", nil)
		var cases page
		get(c, "casussen", "/api/v1/casussen?alle=ja", &cases)
		for i, k := range cases.Embedded["casussen"] {
			if i == 3 {
				break
			}
			get(c, "casus", "/api/v1/casussen/"+k.ID, nil)
			get(c, "plan-van-aanpak", "/api/v1/casussen/"+k.ID+"/plan-van-aanpak", nil)
		}
		for _, p := range purposes {
			q := "?doel=" + url.QueryEscape(p.Code)
			var pupils page
			get(c, "leerlingen", "/api/v1/leerlingen"+q+"&perPagina=100", &pupils)
			for i, l := range pupils.Embedded["leerlingen"] {
				if i == 8 {
					break
				}
				get(c, "leerling", "/api/v1/leerlingen/"+l.ID+q, nil)
				get(c, "toestemmingen", "/api/v1/toestemmingen?leerling="+l.ID, nil)
			}
			get(c, "verzuimsignalen", "/api/v1/verzuimsignalen"+q+"&perPagina=100", nil)
			get(c, "verzuimmeldingen", "/api/v1/verzuimmeldingen"+q+"&alle=true&perPagina=100", nil)
		}
	}
	for _, ep := range []string{"gezondheid", "toestemming-nodig", "casussen", "casus", "plan-van-aanpak", "leerlingen", "leerling", "toestemmingen", "verzuimsignalen", "verzuimmeldingen"} {
		if ok[ep] == 0 {
			t.Errorf("%s: no client got a 200", ep)
		}
	}
	t.Logf("200s per endpoint: %v", ok)

	// The run's Logboek Dataverwerkingen: every record conform, each controller's own side of a
	// disclosure linked to the other's (logboek_conformance_test.go). The server's audit batcher
	// is flushed first.
	srv.Close()
	cleaned.Do(cleanup)
	st := []string{"--db", cfg.DB, "--sleutels", cfg.KeyFile, "--regio", res.Region.Code}
	checkLogboekOfRun(t, st, dir, traced, func(uri string) string {
		var regionID, orgID int64
		if _, err := fmt.Sscanf(uri, "urn:grondslag:regio:%d:organisatie:%d", &regionID, &orgID); err != nil || regionID != reg.ID {
			t.Fatalf("organisation URI %q: %v", uri, err)
		}
		o, err := db.Organisation(ctx, reg.ID, orgID)
		if err != nil {
			t.Fatal(err)
		}
		return o.Name
	})
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
