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

const importeerVerzuimUsage = "verzuim importeer --invoer BESTAND.csv --school BRIN[VESTIGING]|ID --door E-MAIL [--doel DOEL] [--db …] [--regio CODE] [--sla-fouten-over] [--peildatum JJJJ-MM-DD] [--vakanties BESTAND.csv] [--lesuren-per-dag N]"

// runVerzuimImporteer imports a school's registrations into the store (all or nothing unless
// --sla-fouten-over) and refreshes the signals of the pupils in the file: the same use case as
// the web's upload (absence.Service.Import), with access point CLI.
func runVerzuimImporteer(ctx context.Context, e env) (err error) {
	defer wrap(&err, "verzuim importeren")
	fs := newFlagSet(e, "verzuim importeer", importeerVerzuimUsage)
	cfg := storeFlags(fs, e)
	convenantFlag(fs, e, cfg)
	var cf calendarFlags
	var input, school, by, purpose string
	var skip bool
	fs.StringVar(&input, "invoer", "", "verzuimregistraties van de school (CSV met kopregel leerling,datum,uren,reden; leerling = leerlingnummer of pseudoniem)")
	fs.StringVar(&school, "school", "", "de school: BRIN met vestiging (bijv. 01AA00; zonder vestiging 00) of het id van de organisatie")
	fs.StringVar(&by, "door", "", "e-mailadres van de verantwoordelijke gebruiker van de school (komt in het auditlog)")
	fs.StringVar(&purpose, "doel", "", "het doel waaronder de gebruiker werkt (een doel van het convenant); zonder --doel het eerste doel waarvoor het convenant deze rol verzuim laat vastleggen")
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
	c, err := openAbsenceCLI(ctx, cfg, by, time.Now().UTC())
	if err != nil {
		return err
	}
	defer c.db.Close()
	cf.region = string(c.region.Holiday)
	ev, asOf, err := cf.evaluator(c.now)
	if err != nil {
		return err
	}
	schoolID, err := resolveSchool(ctx, c.db, c.region.ID, school)
	if err != nil {
		return withExit(2, err)
	}
	u := c.user
	if u.OrganisationID != schoolID {
		return withExit(2, fmt.Errorf("--door: %s werkt niet bij deze school", by))
	}
	actor := policy.Actor{Party: "school", Role: string(u.Role)}
	if purpose == "" {
		// The purpose follows from the convenant: the first under which it lets this role
		// record absence (the denial, if none, names what is missing).
		var purposes []string
		for _, p := range c.conv.Purposes() {
			purposes = append(purposes, p.Code)
		}
		if _, purpose, err = c.point.FirstAllowed(ctx, access.Request{RegionID: c.region.ID, Request: policy.Request{Actor: actor, Action: policy.Record, Category: "verzuim",
			Context: policy.Context{Level: policy.LevelPerson}}}, purposes); err != nil {
			return err
		}
	} else if _, ok := c.conv.Purpose(purpose); !ok {
		return withExit(2, fmt.Errorf("--doel %q: dit doel staat niet in het convenant", purpose))
	}
	svc, err := c.service(ev, asOf)
	if err != nil {
		return err
	}
	res, err := svc.Import(ctx, absence.Import{RegionID: c.region.ID, SchoolID: schoolID, Actor: actor, Purpose: purpose, CSV: f, SkipErrors: skip,
		Evaluator: ev, AsOf: asOf, Base: c.base("verzuim-import-", "verzuim importeren")})
	for _, le := range res.Errors {
		fmt.Fprintf(e.stderr, "%s: %s\n", input, le)
	}
	if err != nil {
		var no *access.DeniedError
		switch {
		case errors.As(err, &no):
			return fmt.Errorf("het convenant staat %s niet toe verzuim vast te leggen voor doel %s: %s", u.Role, purpose, no.Decision.Reason)
		case errors.Is(err, absence.ErrFile) || errors.Is(err, absence.ErrHeader):
			return withExit(1, fmt.Errorf("%s: %w", input, err))
		}
		return err
	}
	n := res.Signals
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

// directAudit appends decision records to the region's log in their own transaction: the CLI's
// log for refusals (the server uses the batcher instead).
type directAudit struct {
	db  *store.DB
	enc audit.Encrypter
}

func (d directAudit) Append(ctx context.Context, regionID int64, recs ...audit.Record) error {
	log := access.Entries{Enc: d.enc}
	if err := log.Append(ctx, regionID, recs...); err != nil {
		return err
	}
	as := store.NewAuditStore(d.db)
	return d.db.WithTx(ctx, func(tx *store.Tx) error { return as.Append(ctx, tx, regionID, log.List...) })
}
