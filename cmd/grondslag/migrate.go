package main

import (
	"context"
	"fmt"
	"time"

	"github.com/grondslag/grondslag/internal/store"
)

func runMigrate(ctx context.Context, e env) (err error) {
	defer wrap(&err, "database bijwerken")
	fs := newFlagSet(e, "migrate", "migrate [--db BESTAND|postgres://…] [--app-rol ROL]")
	cfg := storeFlags(fs, e)
	appRole := fs.String("app-rol", envOr(e, "GRONDSLAG_APP_ROL", ""), "PostgreSQL: de rol waarmee de applicatie verbindt; krijgt alleen wat nodig is (auditlog: alleen toevoegen en lezen) en rijbeveiliging per regio. Migreer zelf als eigenaar van het schema (GRONDSLAG_APP_ROL)")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *appRole != "" && !store.IsPostgresURL(cfg.DB) {
		return withExit(2, fmt.Errorf("--app-rol werkt alleen met PostgreSQL; SQLite kent geen databaserollen (bescherm het bestand met de bestandsrechten, 0600)"))
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
	if *appRole != "" {
		if err := db.SetupAppRole(ctx, *appRole); err != nil {
			return fmt.Errorf("applicatierol %s: %w", *appRole, err)
		}
		fmt.Fprintf(e.stdout, "applicatierol %s ingesteld: auditlog alleen toevoegen en lezen, rijbeveiliging per regio\n", *appRole)
	}
	// Content written before content encryption is sealed with the pupils' keys now.
	if legacy, err := db.HasLegacyContent(ctx); err != nil || !legacy {
		return err
	}
	if err := cfg.attachVault(ctx, db); err != nil {
		return err
	}
	sealed, err := db.EncryptLegacyContent(ctx)
	total := 0
	for _, n := range sealed {
		total += n
	}
	if total > 0 {
		fmt.Fprintf(e.stdout, "versleuteld: %d bestaande teksten met de sleutel van hun leerling\n", total)
	}
	return err
}
