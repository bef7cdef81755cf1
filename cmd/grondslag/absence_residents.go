package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/civil"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/region"
)

const gemeentelijstUsage = "verzuim gemeentelijst --invoer BESTAND.csv --door E-MAIL [--db …] [--regio CODE] [--peildatum JJJJ-MM-DD]"

// runVerzuimGemeentelijst reads the gemeente's list of children of compulsory age (BRP-like CSV:
// bsn,voornaam,achternaam,geboortedatum[,voorvoegsel]) and opens an absoluut-verzuim dossier for
// every child on it who is under leerplicht or kwalificatieplicht, enrolled nowhere and not
// exempt: the same use case as the web's upload (absence.Service.ImportResidents), access point CLI.
func runVerzuimGemeentelijst(ctx context.Context, e env) (err error) {
	defer wrap(&err, "gemeentelijst inlezen")
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
	c, err := openAbsenceCLI(ctx, cfg, by, now)
	if err != nil {
		return err
	}
	defer c.db.Close()
	u := c.user
	org, err := c.db.Organisation(ctx, c.region.ID, u.OrganisationID)
	if err != nil || org.Kind != region.KindGemeente {
		return withExit(2, fmt.Errorf("--door: %s werkt niet bij een gemeente", by))
	}
	cal, err := absence.DefaultCalendar(absence.Region(c.region.Holiday))
	if err != nil {
		return err
	}
	ev, err := absence.NewEvaluator(cal, absence.DefaultRules())
	if err != nil {
		return err
	}
	svc, err := c.service(ev, asOf)
	if err != nil {
		return err
	}
	res, err := svc.ImportResidents(ctx, absence.ResidentsImport{RegionID: c.region.ID, GemeenteID: org.ID, Actor: policy.Actor{Party: "gemeente", Role: string(u.Role)}, CSV: f, AsOf: asOf,
		Base: c.base("gemeentelijst-", "gemeentelijst inlezen")})
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
