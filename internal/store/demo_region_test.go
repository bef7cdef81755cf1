package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/demo"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/store"
)

// populatedDemo fills db with the populated demo region the list tests compare against (seed 7,
// 400 pupils, 3 December 2026): its key ring, the generated region and the day.
func populatedDemo(t *testing.T, db *store.DB) (*ident.KeyRing, *demo.Result, time.Time) {
	t.Helper()
	ctx := context.Background()
	ring, err := ident.LoadKeyFile(filepath.Join(t.TempDir(), "k.json"))
	if err != nil {
		t.Fatal(err)
	}
	today := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	res, err := demo.Generate(ctx, db, ring, demo.Options{Seed: 7, Pupils: 400, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Populate(ctx, db, ring, res, today); err != nil {
		t.Fatal(err)
	}
	return ring, res, today
}
