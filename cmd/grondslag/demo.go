package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"text/tabwriter"
	"time"

	"github.com/grondslag/grondslag/internal/demo"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
)

// demoDB is the default demo database; it is made anew on every `grondslag demo`.
const demoDB = "grondslag-demo.db"

// maxDemoPupils bounds --leerlingen: a large region (250,000 pupils) and a little room; the
// synthetic identifiers would last for 918,182 (ident.MaxSyntheticIdentifiers).
const maxDemoPupils = 300000

func runDemo(ctx context.Context, e env) (err error) {
	defer wrap(&err, "demoregio maken")
	fs := newFlagSet(e, "demo", "demo [--db BESTAND|postgres://…] [--adres HOST:POORT] [--seed N] [--leerlingen N] [--peildatum JJJJ-MM-DD] [--alleen-aanmaken]")
	cfg := &config{}
	fs.StringVar(&cfg.DB, "db", demoDB, "database voor de demo; het standaardbestand wordt elke keer opnieuw gemaakt, een ander bestand of een PostgreSQL-database moet leeg zijn")
	fs.StringVar(&cfg.KeyFile, "sleutels", "grondslag-demo-sleutels.json", "sleutelbestand voor de demo (rechten 0600)")
	convenantFlag(fs, e, cfg)
	addr := fs.String("adres", envOr(e, "GRONDSLAG_ADRES", "127.0.0.1:8080"), "adres waarop de server luistert")
	seed := fs.Uint64("seed", 1, "startgetal: dezelfde seed en peildatum geven dezelfde regio")
	pupils := fs.Int("leerlingen", 5000, "aantal leerlingen")
	day := fs.String("peildatum", "", "datum waarop het verzuimjaar eindigt (standaard vandaag)")
	onlyCreate := fs.Bool("alleen-aanmaken", false, "maak de regio aan maar start de server niet")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	now := time.Now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if *day != "" {
		d, err := region.ParseDate("peildatum", *day)
		if err != nil {
			return withExit(2, err)
		}
		today = d
	}
	if *pupils < 10 || *pupils > maxDemoPupils {
		return withExit(2, fmt.Errorf("--leerlingen moet tussen 10 en %d liggen", maxDemoPupils))
	}
	if err := prepareDemoDB(cfg.DB, cfg.vaultDSN()); err != nil {
		return err
	}
	start := time.Now()
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	db.ScopeAllRegions() // the demo makes its region before it can name it
	if _, err := db.Migrate(ctx, start.UnixMilli()); err != nil {
		return err
	}
	if err := cfg.attachVault(ctx, db); err != nil {
		return err
	}
	if rs, err := db.Regions(ctx); err != nil {
		return err
	} else if len(rs) > 0 {
		return fmt.Errorf("database %s bevat al een regio; de demo heeft een lege database nodig", cfg.DB)
	}
	ring, err := cfg.keyRing()
	if err != nil {
		return err
	}
	res, err := demo.Generate(ctx, db, ring, demo.Options{Seed: *seed, Pupils: *pupils, Today: today})
	if err != nil {
		return fmt.Errorf("demoregio maken: %w", err)
	}
	// The pupils' content keys in one vault transaction, instead of one durable commit per pupil
	// when its first text is written (bulk writers do this; see KeyVault.Prepare).
	ids := make([]int64, len(res.Pupils))
	for i, p := range res.Pupils {
		ids[i] = p.ID
	}
	if _, err := db.KeyVault().Prepare(ctx, res.Region.ID, ids); err != nil {
		return fmt.Errorf("demoregio: %w", err)
	}
	steps, err := populateDemo(ctx, db, ring, res, today)
	if err != nil {
		return fmt.Errorf("demoregio vullen: %w", err)
	}
	elapsed := time.Since(start)
	printDemo(e, res, steps, elapsed)
	if *onlyCreate {
		return nil
	}
	cfg.Region = res.Region.Code
	return serveDB(ctx, e, cfg, *addr, db, ring)
}

// prepareDemoDB removes the default demo database so every run starts fresh. Any other SQLite
// file is left alone (the region check afterwards refuses one that is not empty).
func prepareDemoDB(path, vault string) error {
	if store.IsPostgresURL(path) || path != demoDB {
		return nil
	}
	files := []string{path, path + "-wal", path + "-shm"}
	if !store.IsPostgresURL(vault) {
		files = append(files, vault, vault+"-wal", vault+"-shm")
	}
	for _, p := range files {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("oude demodatabase verwijderen: %w", err)
		}
	}
	return nil
}

func printDemo(e env, res *demo.Result, steps []demo.Step, elapsed time.Duration) {
	fmt.Fprintf(e.stdout, "Demoregio %q (%s) aangemaakt in %.1f s:\n", res.Region.Name, res.Region.Code, elapsed.Seconds())
	fmt.Fprintf(e.stdout, "  %d organisaties, %d leerlingen, %d ouders, %d inschrijvingen, %d verzuimregistraties\n",
		len(res.Orgs), len(res.Pupils), res.Parents, res.Enrolments, len(res.Registrations))
	for _, s := range steps {
		fmt.Fprintf(e.stdout, "  %d %s\n", s.Count, s.What)
	}
	fmt.Fprintln(e.stdout, "\nAlle namen en nummers zijn verzonnen; BSN's komen uit de testreeks 9999xxxxx, na de 9.091 daarvan")
	fmt.Fprintln(e.stdout, "onderwijsnummers vanaf 199999999 omlaag (zie docs/demo-identificatie.md).")
	fmt.Fprintln(e.stdout, "Scholen van de demoaccounts (zorgN, mentorN en directieN werken op school N):")
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	n := 0
	for _, o := range res.Orgs {
		if o.Kind != region.KindSchool {
			continue
		}
		n++
		fmt.Fprintf(tw, "  %d\t%s\t%s%s\t%s\n", n, o.Name, o.BRIN, o.Vestiging, o.Sector)
	}
	tw.Flush()
}
