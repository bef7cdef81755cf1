package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/demo"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
)

// keptDemo is what TestListTimings needs of a demo build to serve it again: the region, its
// organisations and accounts (the rest of demo.Result only matters while building).
type keptDemo struct {
	Pupils   int
	Today    string
	Region   region.Region
	Orgs     []region.Organisation
	Accounts []demo.Account
}

// keptDemoSite serves the demo region of n pupils kept in dir (GRONDSLAG_BENCH_MAP), building it
// there first when dir holds none of that size yet. Building 50,000 pupils takes minutes on a
// busy machine; keeping it lets a change be measured against the same data, run after run. The
// store is migrated on every open, so a new index migration applies to the kept database. It
// returns whether it built the region now.
func keptDemoSite(t *testing.T, n int, dir string) (*demoSite, bool) {
	t.Helper()
	ctx := context.Background()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "grondslag-demo-sleutels.json")
	meta := filepath.Join(dir, "demo.json")
	var kept keptDemo
	if b, err := os.ReadFile(meta); err == nil {
		if err := json.Unmarshal(b, &kept); err != nil {
			t.Fatalf("%s: %v", meta, err)
		}
		if kept.Pupils != n {
			t.Fatalf("%s holds a demo of %d pupils, not %d: choose another GRONDSLAG_BENCH_MAP", dir, kept.Pupils, n)
		}
	} else {
		// A half-built directory is not reused.
		for _, f := range []string{"demo.db", "demo-sleutelkluis.db", "grondslag-demo-sleutels.json"} {
			matches, _ := filepath.Glob(filepath.Join(dir, f+"*"))
			for _, m := range matches {
				os.Remove(m)
			}
		}
	}
	db, err := store.Open(ctx, filepath.Join(dir, "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx, time.Now().UnixMilli()); err != nil {
		t.Fatal(err)
	}
	ring, err := ident.LoadKeyFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	v, err := store.OpenKeyVault(ctx, filepath.Join(dir, "demo-sleutelkluis.db"), ring)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	db.UseKeyVault(v)
	built := false
	if kept.Pupils == 0 {
		now := time.Now().UTC()
		today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
		res, err := demo.Generate(ctx, db, ring, demo.Options{Seed: 1, Pupils: n, Today: today})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := populateDemo(ctx, db, ring, res, today); err != nil {
			t.Fatal(err)
		}
		kept = keptDemo{Pupils: n, Today: today.Format(time.DateOnly), Region: res.Region, Orgs: res.Orgs, Accounts: res.Accounts}
		b, err := json.Marshal(kept)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(meta, b, 0o600); err != nil {
			t.Fatal(err)
		}
		built = true
	}
	res := &demo.Result{Region: kept.Region, Orgs: kept.Orgs, Accounts: kept.Accounts}
	return serveDemoSite(t, db, ring, res, keyFile), built
}
