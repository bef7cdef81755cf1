package main

import (
	"context"
	"testing"

	"github.com/grondslag/grondslag/internal/convenant"
)

// TestDossierRulesFromRegion: the server reads the first-contact term from the region's
// convenant; without one, the model convenant's 5 school days.
func TestDossierRulesFromRegion(t *testing.T) {
	ctx := context.Background()
	if r, err := dossierRules(nil)(ctx, 1); err != nil || r.FirstContactDays != 5 {
		t.Fatalf("model: %+v %v", r, err)
	}
	region := func(context.Context, int64) (convenant.RegionalSettings, error) {
		r := convenant.DefaultRegional()
		r.FirstContactDays = 8
		return r, nil
	}
	if r, err := dossierRules(region)(ctx, 1); err != nil || r.FirstContactDays != 8 {
		t.Fatalf("regio: %+v %v", r, err)
	}
}
