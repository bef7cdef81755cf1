package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/grondslag/grondslag/internal/region"
)

func runRegio(ctx context.Context, e env) (err error) {
	defer wrap(&err, "regio beheren")
	if len(e.args) == 0 || e.args[0] != "aanmaken" {
		return withExit(2, fmt.Errorf("gebruik: grondslag regio aanmaken --code CODE --naam NAAM --vakantieregio noord|midden|zuid"))
	}
	fs := newFlagSet(e, "regio aanmaken", "regio aanmaken --code CODE --naam NAAM --vakantieregio noord|midden|zuid [--db …]")
	cfg := storeFlags(fs, e)
	code := fs.String("code", "", "korte code van de regio, bijvoorbeeld swv-lindewaard")
	name := fs.String("naam", "", "naam van de regio")
	holiday := fs.String("vakantieregio", "", "vakantieregio van de scholen: noord, midden of zuid")
	if err := parseFlags(fs, e.args[1:]); err != nil {
		return err
	}
	r, err := region.NewRegion(*code, *name, region.HolidayRegion(*holiday))
	if err != nil {
		return withExit(2, err)
	}
	db, err := cfg.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.RegionByCode(ctx, r.Code); err == nil {
		return withExit(2, fmt.Errorf("regio %q bestaat al", r.Code))
	}
	ring, err := cfg.loadRing()
	if err != nil {
		return err
	}
	// The region's keys are made here and nowhere else (besides 'sleutels aanmaken'): saved to the
	// key file first, then the region and their fingerprints in one transaction; if that fails,
	// the keys are taken out again.
	keys, err := ring.Create(r.Code)
	if err != nil {
		return fmt.Errorf("sleutels voor regio %s: %w", r.Code, err)
	}
	r, err = db.CreateRegionWithKeys(ctx, r, keys.Fingerprints(), time.Now())
	if err != nil {
		return errors.Join(err, ring.Discard(r.Code))
	}
	fmt.Fprintf(e.stdout, "regio %s aangemaakt (sleutels in %s)\n", r.Code, ring.Source())
	printFingerprints(e, keys.Fingerprints())
	return nil
}
