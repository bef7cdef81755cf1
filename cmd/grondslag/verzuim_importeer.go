package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
)

const importeerVerzuimUsage = "verzuim importeer --invoer BESTAND.csv --school BRIN[VESTIGING]|ID [--db …] [--regio CODE] [--sla-fouten-over] [--peildatum JJJJ-MM-DD] [--vakanties BESTAND.csv] [--lesuren-per-dag N]"

// runVerzuimImporteer imports a school's registrations into the store (all or nothing unless
// --sla-fouten-over) and refreshes the signals of the pupils in the file.
func runVerzuimImporteer(ctx context.Context, e env) error {
	fs := newFlagSet(e, "verzuim importeer", importeerVerzuimUsage)
	cfg := storeFlags(fs, e)
	var cf calendarFlags
	var input, school string
	var skip bool
	fs.StringVar(&input, "invoer", "", "verzuimregistraties van de school (CSV met kopregel leerling,datum,uren,reden; leerling = leerlingnummer of pseudoniem)")
	fs.StringVar(&school, "school", "", "de school: BRIN met vestiging (bijv. 01AA00; zonder vestiging 00) of het id van de organisatie")
	fs.BoolVar(&skip, "sla-fouten-over", false, "importeer de goede regels van een bestand met fouten (de foute worden gemeld)")
	cf.register(fs)
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if input == "" || school == "" || fs.NArg() > 0 {
		return withExit(2, fmt.Errorf("gebruik: grondslag %s", importeerVerzuimUsage))
	}
	if cf.exemptions != "" {
		return withExit(2, fmt.Errorf("--vrijstellingen hoort bij 'verzuim signalen'; vrijstellingen in de database legt de leerplichtambtenaar vast"))
	}
	f, err := os.Open(input)
	if err != nil {
		return withExit(2, fmt.Errorf("invoer: %w", err))
	}
	defer f.Close()
	db, err := cfg.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	ref, err := cfg.region(ctx, db)
	if err != nil {
		return err
	}
	reg, err := db.RegionByCode(ctx, ref.Code)
	if err != nil {
		return err
	}
	cf.region = string(reg.Holiday)
	now := time.Now().UTC()
	ev, asOf, err := cf.evaluator(now)
	if err != nil {
		return err
	}
	schoolID, err := resolveSchool(ctx, db, reg.ID, school)
	if err != nil {
		return withExit(2, err)
	}
	res, err := db.ImportAbsence(ctx, reg.ID, schoolID, f, skip, now)
	for _, le := range res.Errors {
		fmt.Fprintf(e.stderr, "%s: %s\n", input, le)
	}
	if err != nil {
		if errors.Is(err, store.ErrAbsenceFile) || errors.Is(err, absence.ErrHeader) {
			return withExit(1, fmt.Errorf("%s: %w", input, err))
		}
		return err
	}
	n, err := db.RefreshSignals(ctx, reg.ID, res.Pupils, ev, asOf, now)
	if err != nil {
		return fmt.Errorf("signalen bijwerken: %w", err)
	}
	fmt.Fprintf(e.stdout, "%d regels gelezen, %d geïmporteerd (%d leerling-dag-redenen, %d leerlingen); %d signalen op peildatum %s.\n",
		res.Lines, res.Imported, res.Keys, len(res.Pupils), n, asOf)
	if len(res.Errors) > 0 {
		fmt.Fprintf(e.stdout, "%d foute regels overgeslagen.\n", len(res.Errors))
	}
	return nil
}

// resolveSchool finds a school of the region by id or BRIN (+ vestiging).
func resolveSchool(ctx context.Context, db *store.DB, regionID int64, s string) (int64, error) {
	s = strings.ToUpper(strings.NewReplacer(" ", "", "-", "", "+", "").Replace(s))
	if id, err := strconv.ParseInt(s, 10, 64); err == nil {
		o, err := db.Organisation(ctx, regionID, id)
		if err != nil || o.Kind != region.KindSchool {
			return 0, fmt.Errorf("--school %s: geen school in deze regio", s)
		}
		return id, nil
	}
	brin, vest := s, "00"
	if len(s) == 6 {
		brin, vest = s[:4], s[4:]
	}
	if len(brin) != 4 {
		return 0, fmt.Errorf("--school %q: geef BRIN (4 tekens) met vestiging (2 cijfers), of het id", s)
	}
	o, err := db.SchoolByBRIN(ctx, regionID, brin, vest)
	if err != nil {
		return 0, fmt.Errorf("--school %s%s: geen school in deze regio", brin, vest)
	}
	return o.ID, nil
}
