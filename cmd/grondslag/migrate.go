package main

import (
	"context"
	"fmt"
	"time"

	"github.com/grondslag/grondslag/internal/store"
)

func runMigrate(ctx context.Context, e env) error {
	fs := newFlagSet(e, "migrate", "migrate [--db BESTAND|postgres://…]")
	cfg := storeFlags(fs, e)
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx, time.Now().UnixMilli())
	for _, m := range applied {
		fmt.Fprintf(e.stdout, "toegepast: %04d_%s\n", m.Version, m.Name)
	}
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(e.stdout, "het schema is al actueel")
	}
	return nil
}
