package main

import (
	"context"
	"time"

	"github.com/grondslag/grondslag/internal/demo"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/store"
)

// populateDemo fills the generated region with the data of the other concerns: absence
// registrations, signals and meldingen, consents, accounts' credentials and a history in the
// audit log. Each concern adds its step here.
func populateDemo(ctx context.Context, db *store.DB, ring *ident.KeyRing, res *demo.Result, today time.Time) ([]demoStep, error) {
	var steps []demoStep
	return steps, nil
}
