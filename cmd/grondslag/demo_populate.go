package main

import (
	"context"
	"time"

	"github.com/grondslag/grondslag/internal/demo"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/store"
)

// populateDemo fills the generated region with the data of the other concerns (absence,
// signals, meldingen, consents, cases, an audit history) through internal/demo.
func populateDemo(ctx context.Context, db *store.DB, ring *ident.KeyRing, res *demo.Result, today time.Time) ([]demo.Step, error) {
	return demo.Populate(ctx, db, ring, res, today)
}
