package main

import (
	"context"
	"fmt"
	"time"

	"github.com/grondslag/grondslag/internal/region"
)

func runRegio(ctx context.Context, e env) error {
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
	ring, err := cfg.keyRing()
	if err != nil {
		return err
	}
	r, err = db.CreateRegion(ctx, r, time.Now())
	if err != nil {
		return err
	}
	if _, err := ring.Region(r.Code); err != nil {
		return fmt.Errorf("sleutels voor regio %s: %w", r.Code, err)
	}
	fmt.Fprintf(e.stdout, "regio %s aangemaakt (sleutels in %s)\n", r.Code, cfg.KeyFile)
	return nil
}
