package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/store"
)

// Populate fills a generated region with the data of the other concerns, through the same
// store paths the product uses: absence imports, signals and meldingen, then (as they are wired)
// consents, credentials and a history in the audit log.
func Populate(ctx context.Context, db *store.DB, ring *ident.KeyRing, res *Result, today time.Time) ([]Step, error) {
	var steps []Step
	// Everything the demo dates is relative to the reference day, not the time of the run.
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	s, plan, err := populateAbsence(ctx, db, ring, res, today)
	if err != nil {
		return steps, err
	}
	steps = append(steps, s...)
	if s, err = populateHistory(ctx, db, ring, res, today, plan); err != nil {
		return steps, fmt.Errorf("audithistorie: %w", err)
	}
	steps = append(steps, s...)
	if s, err = populateDossiers(ctx, db, ring, res, today); err != nil {
		return steps, fmt.Errorf("leerplichtdossiers: %w", err)
	}
	steps = append(steps, s...)
	if s, err = populateConsents(ctx, db, ring, res, today); err != nil {
		return steps, fmt.Errorf("toestemmingen: %w", err)
	}
	steps = append(steps, s...)
	if s, err = populateConsentAsk(ctx, db, ring, res, today); err != nil {
		return steps, fmt.Errorf("toestemmingsverzoek: %w", err)
	}
	steps = append(steps, s...)
	if s, err = populateCases(ctx, db, ring, res, today); err != nil {
		return steps, fmt.Errorf("casussen: %w", err)
	}
	steps = append(steps, s...)
	if s, err = populateAccessRequests(ctx, db, ring, res, today); err != nil {
		return steps, fmt.Errorf("inzageverzoeken: %w", err)
	}
	steps = append(steps, s...)
	if s, err = populateRetention(ctx, db, ring, res, today); err != nil {
		return steps, fmt.Errorf("bewaartermijnen: %w", err)
	}
	steps = append(steps, s...)
	if ring != nil {
		// A checkpoint over everything the demo wrote, so the latest one covers the whole log.
		keys, err := ring.Region(res.Region.Code)
		if err != nil {
			return steps, err
		}
		signer, err := audit.NewSigner(audit.Origin(res.Region.Code), keys.Signer())
		if err != nil {
			return steps, err
		}
		if _, err := store.NewAuditStore(db).MakeCheckpoint(ctx, res.Region.ID, signer, today.Add(12*time.Hour)); err != nil {
			return steps, fmt.Errorf("checkpoint: %w", err)
		}
	}
	return steps, nil
}
