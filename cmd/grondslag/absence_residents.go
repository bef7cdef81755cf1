package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/civil"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
)

const gemeentelijstUsage = "verzuim gemeentelijst --invoer BESTAND.csv --door E-MAIL [--db …] [--regio CODE] [--peildatum JJJJ-MM-DD]"

// runVerzuimGemeentelijst reads the gemeente's list of children of compulsory age (BRP-like CSV:
// bsn,voornaam,achternaam,geboortedatum[,voorvoegsel]) and opens an absoluut-verzuim dossier for
// every child on it who is under leerplicht or kwalificatieplicht, enrolled nowhere and not
// exempt: the same use case as the web's upload (absence.Service.ImportResidents), access point CLI.
func runVerzuimGemeentelijst(ctx context.Context, e env) error {
	fs := newFlagSet(e, "verzuim gemeentelijst", gemeentelijstUsage)
	cfg := storeFlags(fs, e)
	convenantFlag(fs, e, cfg)
	var input, by, asOfFlag string
	fs.StringVar(&input, "invoer", "", "de lijst van de gemeente (CSV met kopregel bsn,voornaam,achternaam,geboortedatum en eventueel voorvoegsel)")
	fs.StringVar(&by, "door", "", "e-mailadres van de leerplichtambtenaar van de gemeente (komt in het auditlog)")
	fs.StringVar(&asOfFlag, "peildatum", "", "de dag waarop ingeschreven-zijn wordt vergeleken (JJJJ-MM-DD of DD-MM-JJJJ; standaard vandaag)")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if input == "" || by == "" || fs.NArg() > 0 {
		return withExit(2, fmt.Errorf("gebruik: grondslag %s", gemeentelijstUsage))
	}
	now := time.Now().UTC()
	asOf := absence.DateOf(now.In(civil.Amsterdam))
	if asOfFlag != "" {
		d, err := absence.ParseDate(asOfFlag)
		if err != nil {
			return withExit(2, fmt.Errorf("--peildatum: %w", err))
		}
		asOf = d
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
	u, err := db.UserByEmail(ctx, reg.ID, by)
	if err != nil || !u.Active {
		return withExit(2, fmt.Errorf("--door: geen actieve gebruiker %q in deze regio", by))
	}
	org, err := db.Organisation(ctx, reg.ID, u.OrganisationID)
	if err != nil || org.Kind != region.KindGemeente {
		return withExit(2, fmt.Errorf("--door: %s werkt niet bij een gemeente", by))
	}
	conv, err := loadConvenant(cfg)
	if err != nil {
		return err
	}
	ring, err := cfg.keyRing()
	if err != nil {
		return err
	}
	keys, err := ring.Region(reg.Code)
	if err != nil {
		return err
	}
	cal, err := absence.DefaultCalendar(absence.Region(reg.Holiday))
	if err != nil {
		return err
	}
	ev, err := absence.NewEvaluator(cal, absence.DefaultRules())
	if err != nil {
		return err
	}
	svc, err := absence.NewService(absence.ServiceDeps{Repo: store.AbsenceRepository{DB: db}, Decisions: access.New(policy.NewEngine(conv), reg.ID), Log: directAudit{db: db, enc: keys},
		Seal:      func(context.Context, int64) (audit.Encrypter, error) { return keys, nil },
		Evaluator: func(context.Context, int64) (*absence.Evaluator, error) { return ev, nil },
		Today:     func() absence.Date { return asOf }, Now: func() time.Time { return now },
		Residents: store.ResidentsRepository{DB: db, Keys: func(context.Context, int64) (store.Keys, error) { return keys, nil }}})
	if err != nil {
		return err
	}
	op := audit.NewOperationID()
	res, err := svc.ImportResidents(ctx, absence.ResidentsImport{RegionID: reg.ID, GemeenteID: org.ID, Actor: policy.Actor{Party: "gemeente", Role: string(u.Role)}, CSV: f, AsOf: asOf,
		Base: audit.Record{Time: now, Actor: audit.Actor{UserID: u.ID, OrganisationID: u.OrganisationID, Role: string(u.Role)}, AccessPoint: audit.AccessCLI,
			RequestID: "gemeentelijst-" + op.String(), TraceID: audit.NewTraceID(), OperationID: op, Name: "gemeentelijst inlezen"}})
	if err != nil {
		var no *access.DeniedError
		switch {
		case errors.As(err, &no):
			return fmt.Errorf("het convenant staat %s niet toe een dossier over absoluut verzuim bij te houden: %s", u.Role, no.Decision.Reason)
		case errors.Is(err, absence.ErrFile):
			return withExit(1, fmt.Errorf("%s: %w", input, err))
		}
		return err
	}
	opened := 0
	for _, c := range res.NotEnrolled {
		if c.Opened {
			opened++
		}
	}
	fmt.Fprintf(e.stdout, "%d kinderen op de lijst (%d al bekend, %d met een andere woongemeente bijgewerkt); op %s staan %d leer- of kwalificatieplichtige kinderen nergens ingeschreven: %d nieuwe dossiers over absoluut verzuim, %d hadden er al een.\n",
		res.Rows, res.Known, res.Moved, asOf.Dutch(), len(res.NotEnrolled), opened, len(res.NotEnrolled)-opened)
	for _, c := range res.NotEnrolled {
		fmt.Fprintf(e.stdout, "  regel %d: dossier %d, niet ingeschreven sinds %s\n", c.Line, c.DossierID, c.From.Dutch())
	}
	return nil
}
