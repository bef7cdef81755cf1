package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/casework"
	"github.com/grondslag/grondslag/internal/consent"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/store"
)

const casusUsage = `Gebruik: grondslag casus <opdracht> [opties]

Opdrachten:
  openen --gebruiker E-MAIL --leerling ID --soort SOORT --doel DOEL --vraag TEKST [--startdatum JJJJ-MM-DD]
                                           een casus openen (zorgcoördinator, SWV, leerplicht na een melding)
  sluiten ID --gebruiker E-MAIL --resultaat RESULTAAT [--toelichting TEKST]
                                           een casus afsluiten (wie de brede regie heeft)
  lijst --gebruiker E-MAIL [--alle]        de casussen waaraan de gebruiker deelneemt (SWV: ook de opgeschaalde)
  toon ID --gebruiker E-MAIL [--json]      een casus zoals de gebruiker hem mag zien (elke inzage komt in het auditlog)
  opschalen-check [--weken N] [--maanden N] casussen die naar het doorbraakoverleg moeten (stagnatie, thuiszitter-termijn)`

// runCasus is 'grondslag casus': the casusoverleg from the command line.
func runCasus(ctx context.Context, e env) error {
	if len(e.args) == 0 {
		//lint:ignore ST1005 the usage text is shown to the user as is
		return withExit(2, errors.New(casusUsage))
	}
	sub := e
	sub.args = e.args[1:]
	switch e.args[0] {
	case "openen":
		return runCasusOpen(ctx, sub)
	case "sluiten":
		return runCasusClose(ctx, sub)
	case "lijst":
		return runCasusList(ctx, sub)
	case "toon":
		return runCasusShow(ctx, sub)
	case "opschalen-check":
		return runCasusDue(ctx, sub)
	}
	return withExit(2, fmt.Errorf("onbekende opdracht %q\n%s", e.args[0], casusUsage))
}

// casusSetup is the wiring of the casework service for one CLI run.
type casusSetup struct {
	db     *store.DB
	region regionRef
	svc    *casework.Service
}

func openCasus(ctx context.Context, cfg *config, esc casework.Config, now func() time.Time) (*casusSetup, error) {
	k, err := loadConvenant(cfg)
	if err != nil {
		return nil, err
	}
	db, err := cfg.openStore(ctx)
	if err != nil {
		return nil, err
	}
	reg, err := cfg.region(ctx, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	ring, err := cfg.keyRing()
	if err != nil {
		db.Close()
		return nil, err
	}
	keys, err := ring.Region(reg.Code)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("sleutels van regio %s: %w", reg.Code, err)
	}
	var enc audit.Encrypter = keys        // the key version goes in front (ident.RegionKeys.Encrypt)
	ccfg, err := consent.FromConvenant(k) // the consent rules of the convenant the guard decides by
	if err != nil {
		db.Close()
		return nil, err
	}
	reg2 := consent.NewRegister(db, ccfg, nil)
	svc, err := casework.NewService(store.NewCaseStore(db), casework.NewGuard(k, policy.NewEngine(k), reg2), store.CaseDirectory{DB: db}, enc, esc, now)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &casusSetup{db: db, region: reg, svc: svc}, nil
}

// actorByEmail resolves the acting professional.
func (s *casusSetup) actorByEmail(ctx context.Context, email string) (casework.Op, error) {
	if strings.TrimSpace(email) == "" {
		return casework.Op{}, withExit(2, errors.New("--gebruiker (e-mailadres) is verplicht: elke inzage wordt op naam van een gebruiker vastgelegd"))
	}
	u, err := s.db.UserByEmail(ctx, s.region.ID, strings.ToLower(strings.TrimSpace(email)))
	if err != nil {
		return casework.Op{}, fmt.Errorf("gebruiker %q bestaat niet in regio %s", email, s.region.Code)
	}
	o, err := s.db.Organisation(ctx, s.region.ID, u.OrganisationID)
	if err != nil {
		return casework.Op{}, err
	}
	return casework.Op{Actor: store.ActorOf(u, o), Point: audit.AccessCLI, RequestID: "cli-" + audit.NewOperationID().String()}, nil
}

func runCasusList(ctx context.Context, e env) (err error) {
	defer wrap(&err, "casussen tonen")
	fs := newFlagSet(e, "casus lijst", "casus lijst --gebruiker E-MAIL [--alle]")
	cfg := storeFlags(fs, e)
	convenantFlag(fs, e, cfg)
	user := fs.String("gebruiker", "", "e-mailadres van de gebruiker namens wie u kijkt")
	all := fs.Bool("alle", false, "ook afgesloten casussen")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	s, err := openCasus(ctx, cfg, casework.DefaultConfig(), time.Now)
	if err != nil {
		return err
	}
	defer s.db.Close()
	op, err := s.actorByEmail(ctx, *user)
	if err != nil {
		return err
	}
	list, err := s.svc.List(ctx, s.region.ID, op, !*all)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(e.stdout, "Geen casussen.")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CASUS\tLEERLING\tSOORT\tFASE\tGEOPEND\tSTATUS")
	for _, c := range list {
		st := "open"
		switch {
		case c.Closed:
			st = "afgesloten"
		case c.Escalated:
			st = "doorbraakoverleg"
		}
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\n", c.ID, c.PupilID, c.Type, c.Phase, c.OpenedAt.Local().Format("2-1-2006"), st)
	}
	return tw.Flush()
}

func runCasusShow(ctx context.Context, e env) (err error) {
	defer wrap(&err, "casus tonen")
	fs := newFlagSet(e, "casus toon", "casus toon ID --gebruiker E-MAIL [--json]")
	cfg := storeFlags(fs, e)
	convenantFlag(fs, e, cfg)
	user := fs.String("gebruiker", "", "e-mailadres van de gebruiker namens wie u kijkt")
	asJSON := fs.Bool("json", false, "uitvoer als JSON")
	pos, err := parseInterspersed(fs, e.args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return withExit(2, errors.New("geef één casusnummer"))
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil || id <= 0 {
		return withExit(2, fmt.Errorf("%q is geen casusnummer", pos[0]))
	}
	s, err := openCasus(ctx, cfg, casework.DefaultConfig(), time.Now)
	if err != nil {
		return err
	}
	defer s.db.Close()
	op, err := s.actorByEmail(ctx, *user)
	if err != nil {
		return err
	}
	v, err := s.svc.View(ctx, s.region.ID, op, id)
	if errors.Is(err, casework.ErrNotAllowed) {
		return withExit(3, err)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(CaseJSON(v))
	}
	printCase(e.stdout, v)
	return nil
}

func printCase(w io.Writer, v *casework.View) {
	c := v.Case
	fmt.Fprintf(w, "Casus %d — %s, fase %s\n", c.ID, c.Type, c.Phase)
	fmt.Fprintf(w, "Doel: %s\nVraag: %s\n", c.Purpose, c.Question)
	for _, k := range casework.RegieKinds {
		if h := c.RegieHolder(k); h != 0 {
			name := strconv.FormatInt(h, 10)
			if p, ok := c.Participant(casework.Ref("gebruiker:" + name)); ok {
				name = p.Name
			}
			fmt.Fprintf(w, "%s: %s\n", capitalize(k.Label()), name)
		}
	}
	fmt.Fprintln(w, "\nDeelnemers:")
	for _, p := range c.Participants {
		role := p.Role
		if role == "" {
			role = string(p.Kind)
		}
		fmt.Fprintf(w, "  - %s (%s) — %s\n", p.Name, role, p.Status)
	}
	if c.Escalation != nil {
		fmt.Fprintf(w, "\nDoorbraakoverleg sinds %s (%s): %s\n", c.Escalation.At.Local().Format("2-1-2006"), c.Escalation.Reason, c.Escalation.Detail)
		fmt.Fprintf(w, "Doorzettingsmacht: %s, %s\n", c.Escalation.Holder.Name, c.Escalation.Holder.Function)
		if c.Escalation.Decision != "" {
			fmt.Fprintf(w, "Besluit: %s\n", c.Escalation.Decision)
		}
	}
	if len(v.Minutes) > 0 {
		fmt.Fprintln(w, "\nVerslagen:")
		for _, m := range v.Minutes {
			fmt.Fprintf(w, "  [%s, versie %d, %s] %s\n", m.Item.MeetingOn.Format("2-1-2006"), m.Item.Version, m.Scope, dash(m.Item.Text))
		}
	}
	if len(v.Agreements) > 0 {
		fmt.Fprintln(w, "\nPlan van aanpak:")
		for _, a := range v.Agreements {
			fmt.Fprintf(w, "  - %s (eigenaar %s, uiterlijk %s, %s)\n", dash(a.Item.Description), dash(a.Item.OwnerName), a.Item.Due.Format("2-1-2006"), a.Item.Status)
		}
	}
	if len(v.Contribution) > 0 {
		fmt.Fprintln(w, "\nInbreng:")
		for _, x := range v.Contribution {
			text := x.Item.Text
			if x.Scope == casework.ScopeOutside {
				text = x.Item.Party + " is betrokken (buitenkantinformatie)"
			}
			fmt.Fprintf(w, "  - %s, %s: %s\n", x.Item.Party, x.Item.Category, text)
		}
	}
	if v.Hidden > 0 {
		fmt.Fprintf(w, "\n%d stuk(ken) zijn in deze fase niet voor u zichtbaar (convenant, bijlage 3).\n", v.Hidden)
	}
	for _, t := range v.Triggers {
		fmt.Fprintf(w, "\nLet op: %s.\n", t.Detail)
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func runCasusDue(ctx context.Context, e env) (err error) {
	defer wrap(&err, "termijnen tonen")
	fs := newFlagSet(e, "casus opschalen-check", "casus opschalen-check [--weken N] [--maanden N]")
	cfg := storeFlags(fs, e)
	convenantFlag(fs, e, cfg)
	def := casework.DefaultConfig()
	weeks := fs.Int("weken", def.StallWeeks, "weken zonder voortgang op de afspraken waarna een casus stagneert")
	months := fs.Int("maanden", def.ThuiszitterLimit.Months, "maanden thuis waarna een thuiszitter naar het doorbraakoverleg gaat (Thuiszitterspact: 3)")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	esc := def
	esc.StallWeeks, esc.ThuiszitterLimit.Months = *weeks, *months
	if err := esc.Validate(); err != nil {
		return withExit(2, err)
	}
	s, err := openCasus(ctx, cfg, esc, time.Now)
	if err != nil {
		return err
	}
	defer s.db.Close()
	due, err := s.svc.DueForEscalation(ctx, s.region.ID)
	if err != nil {
		return err
	}
	if len(due) == 0 {
		fmt.Fprintln(e.stdout, "Geen casussen om op te schalen.")
		return nil
	}
	for _, d := range due {
		for _, t := range d.Triggers {
			fmt.Fprintf(e.stdout, "casus %d: %s — %s\n", d.CaseID, t.Reason, t.Detail)
		}
	}
	return withExit(1, fmt.Errorf("%d casus(sen) moeten naar het doorbraakoverleg", len(due)))
}

// caseJSON is the Dutch JSON form of a case view (also usable by the API).
type caseJSON struct {
	ID          int64            `json:"id"`
	Soort       string           `json:"soort"`
	Fase        string           `json:"fase"`
	Doel        string           `json:"doel"`
	Vraag       string           `json:"vraag"`
	Versie      int              `json:"versie"`
	Regie       map[string]int64 `json:"regie"`
	Deelnemers  []deelnemerJSON  `json:"deelnemers"`
	Verslagen   []itemJSON       `json:"verslagen"`
	Afspraken   []itemJSON       `json:"afspraken"`
	Inbreng     []itemJSON       `json:"inbreng"`
	Verborgen   int              `json:"verborgen"`
	Opgeschaald *escalatieJSON   `json:"doorbraakoverleg,omitempty"`
	Afgesloten  string           `json:"resultaat,omitempty"`
}

type deelnemerJSON struct {
	Naam   string `json:"naam"`
	Soort  string `json:"soort"`
	Partij string `json:"partij,omitempty"`
	Rol    string `json:"rol,omitempty"`
	Status string `json:"status"`
}

type itemJSON struct {
	ID       int64  `json:"id"`
	Omvang   string `json:"omvang"`
	Tekst    string `json:"tekst,omitempty"`
	Partij   string `json:"partij"`
	Versie   int    `json:"versie,omitempty"`
	Status   string `json:"status,omitempty"`
	Datum    string `json:"datum,omitempty"`
	Categ    string `json:"categorie,omitempty"`
	Eigenaar string `json:"eigenaar,omitempty"`
}

type escalatieJSON struct {
	Reden             string `json:"reden"`
	Toelichting       string `json:"toelichting"`
	Doorzettingsmacht string `json:"doorzettingsmacht"`
	Besluit           string `json:"besluit,omitempty"`
}

// CaseJSON renders a view.
func CaseJSON(v *casework.View) caseJSON {
	c := v.Case
	out := caseJSON{ID: c.ID, Soort: c.Type, Fase: c.Phase, Doel: c.Purpose, Vraag: c.Question, Versie: c.Version, Regie: map[string]int64{}, Verborgen: v.Hidden,
		Deelnemers: []deelnemerJSON{}, Verslagen: []itemJSON{}, Afspraken: []itemJSON{}, Inbreng: []itemJSON{}}
	for _, k := range casework.RegieKinds {
		if h := c.RegieHolder(k); h != 0 {
			out.Regie[string(k)] = h
		}
	}
	for _, p := range c.Participants {
		out.Deelnemers = append(out.Deelnemers, deelnemerJSON{Naam: p.Name, Soort: string(p.Kind), Partij: p.Party, Rol: p.Role, Status: string(p.Status)})
	}
	for _, m := range v.Minutes {
		out.Verslagen = append(out.Verslagen, itemJSON{ID: m.Item.ID, Omvang: m.Scope, Tekst: m.Item.Text, Partij: m.Item.AuthorParty, Versie: m.Item.Version, Datum: m.Item.MeetingOn.Format(time.DateOnly)})
	}
	for _, a := range v.Agreements {
		out.Afspraken = append(out.Afspraken, itemJSON{ID: a.Item.ID, Omvang: a.Scope, Tekst: a.Item.Description, Partij: a.Item.AuthorParty, Versie: a.Item.Version, Status: string(a.Item.Status), Datum: a.Item.Due.Format(time.DateOnly), Eigenaar: a.Item.OwnerName})
	}
	for _, x := range v.Contribution {
		out.Inbreng = append(out.Inbreng, itemJSON{ID: x.Item.ID, Omvang: x.Scope, Tekst: x.Item.Text, Partij: x.Item.Party, Categ: x.Item.Category})
	}
	if e := c.Escalation; e != nil {
		out.Opgeschaald = &escalatieJSON{Reden: e.Reason, Toelichting: e.Detail, Doorzettingsmacht: e.Holder.Name + ", " + e.Holder.Function, Besluit: e.Decision}
	}
	if c.Closure != nil {
		out.Afgesloten = c.Closure.Result
	}
	return out
}
