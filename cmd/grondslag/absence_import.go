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
	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
)

const importeerVerzuimUsage = "verzuim importeer --invoer BESTAND.csv --school BRIN[VESTIGING]|ID --door E-MAIL [--db …] [--regio CODE] [--sla-fouten-over] [--peildatum JJJJ-MM-DD] [--vakanties BESTAND.csv] [--lesuren-per-dag N]"

// runVerzuimImporteer imports a school's registrations into the store (all or nothing unless
// --sla-fouten-over) and refreshes the signals of the pupils in the file.
func runVerzuimImporteer(ctx context.Context, e env) error {
	fs := newFlagSet(e, "verzuim importeer", importeerVerzuimUsage)
	cfg := storeFlags(fs, e)
	convenantFlag(fs, e, cfg)
	var cf calendarFlags
	var input, school, by string
	var skip bool
	fs.StringVar(&input, "invoer", "", "verzuimregistraties van de school (CSV met kopregel leerling,datum,uren,reden; leerling = leerlingnummer of pseudoniem)")
	fs.StringVar(&school, "school", "", "de school: BRIN met vestiging (bijv. 01AA00; zonder vestiging 00) of het id van de organisatie")
	fs.StringVar(&by, "door", "", "e-mailadres van de verantwoordelijke gebruiker van de school (komt in het auditlog)")
	fs.BoolVar(&skip, "sla-fouten-over", false, "importeer de goede regels van een bestand met fouten (de foute worden gemeld)")
	cf.register(fs)
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if input == "" || school == "" || by == "" || fs.NArg() > 0 {
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
	trail, err := importTrail(ctx, cfg, db, reg.ID, reg.Code, schoolID, by, now)
	if err != nil {
		return err
	}
	res, err := db.ImportAbsenceAudited(ctx, reg.ID, schoolID, f, skip, now, trail)
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

// importTrail checks that the responsible user may record absence at the school under the
// convenant and returns the import's audit entries: one per pupil whose registrations were
// written, access point CLI.
func importTrail(ctx context.Context, cfg *config, db *store.DB, regionID int64, regionCode string, schoolID int64, email string, now time.Time) (store.ImportTrail, error) {
	u, err := db.UserByEmail(ctx, regionID, email)
	if err != nil || !u.Active {
		return nil, withExit(2, fmt.Errorf("--door: geen actieve gebruiker %q in deze regio", email))
	}
	if u.OrganisationID != schoolID {
		return nil, withExit(2, fmt.Errorf("--door: %s werkt niet bij deze school", email))
	}
	conv, err := loadConvenant(cfg)
	if err != nil {
		return nil, err
	}
	d, err := access.New(policy.NewEngine(conv), regionID).Ask(ctx, access.Request{RegionID: regionID,
		Request: policy.Request{Actor: policy.Actor{Party: "school", Role: string(u.Role)}, Action: policy.Record, Category: "verzuim", Purpose: "signalering"}})
	if err != nil {
		return nil, err
	}
	if !d.Allowed {
		return nil, fmt.Errorf("het convenant staat %s niet toe verzuim vast te leggen: %s", u.Role, d.Reason)
	}
	ring, err := cfg.keyRing()
	if err != nil {
		return nil, err
	}
	keys, err := ring.Region(regionCode)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, tx *store.Tx, res store.AbsenceImport) ([]audit.Entry, error) {
		op := audit.NewOperationID()
		base := audit.Record{Time: now, Actor: audit.Actor{UserID: u.ID, OrganisationID: u.OrganisationID, Role: string(u.Role)},
			Categories: []string{"verzuim"}, Action: audit.ActionImport, Purpose: "signalering", AccessPoint: audit.AccessCLI,
			RequestID: "verzuim-import-" + op.String(), TraceID: audit.NewTraceID(), OperationID: op, Name: "verzuim importeren"}
		base = d.Record(base)
		ps, err := tx.Pseudonyms(ctx, regionID, res.Pupils)
		if err != nil {
			return nil, err
		}
		list := make([]string, 0, len(res.Pupils))
		for _, id := range res.Pupils {
			list = append(list, ps[id])
		}
		return audit.PerPupil(base, list, keys)
	}, nil
}
