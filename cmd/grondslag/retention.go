package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/retention"
	"github.com/grondslag/grondslag/internal/store"
)

const bewaarUsage = `Gebruik: grondslag bewaartermijnen <opdracht> [opties]

De vernietiging van wat niet langer bewaard mag worden (bewaartermijnen uit het convenant):
voorstel → advies van de FG → besluit van de bevoegde functionaris → uitvoeren → rapport.

Opdrachten:
  voorstel [--peildatum JJJJ-MM-DD]        stelt per verwerkingsverantwoordelijke een vernietigingslijst op van wat vervallen is
                                           (de dagelijkse taak; 'grondslag serve' doet dit ook elke dag); ook het begin
                                           van het auditlog na zijn eigen termijn (categorie auditlog)
  lijsten [--status STATUS]                de vernietigingslijsten
  toon LIJST [--json]                      een lijst met per regel de eenheid, de datum en de regels die gelden
  advies LIJST --door E-MAIL --oordeel positief|positief-met-opmerkingen|negatief [--toelichting TEKST]
                                           het advies van de FG
  besluit LIJST --door E-MAIL --functie TEKST (--goedkeuren | --afwijzen) [--toelichting TEKST]
                                           het besluit van de bevoegde functionaris (zorgdrager bij een overheid,
                                           het bevoegd gezag bij een school of SWV)
  uitvoeren LIJST --door E-MAIL            vernietigt wat elke betrokken verantwoordelijke heeft goedgekeurd
  rapport [--van JJJJ-MM-DD] [--tot JJJJ-MM-DD] [--json]
                                           wat is vernietigd, wanneer, op grond van welke regel, goedgekeurd door wie
  blokkade --leerling ID [--casus ID] --reden TEKST --tot JJJJ-MM-DD --door E-MAIL
                                           een bewaarblokkade (klacht, bezwaar, procedure): niets wordt vernietigd
  blokkade-opheffen ID --door E-MAIL       een blokkade opheffen
  blokkades                                alle blokkades
  wissen --leerling ID --verzoek TEKST --toegewezen-door TEKST --door E-MAIL
                                           alles over een leerling wissen op een toegewezen verzoek (AVG art. 17)
  na-herstel --door E-MAIL                 na het terugzetten van een back-up: vernietigingen opnieuw toepassen
  herverpakken                             na 'sleutels roteren --soort gegevens': de leerlingsleutels opnieuw verpakken
  sleutels                                 aantallen leerlingsleutels (levend, vernietigd, per regiosleutelversie)`

// runBewaartermijnen is 'grondslag bewaartermijnen'.
func runBewaartermijnen(ctx context.Context, e env) error {
	if len(e.args) == 0 {
		//lint:ignore ST1005 the usage text is shown to the user as is
		return withExit(2, errors.New(bewaarUsage))
	}
	sub := e
	sub.args = e.args[1:]
	for _, c := range bewaarCommands {
		if c.name == e.args[0] {
			return c.exec(ctx, sub)
		}
	}
	return withExit(2, fmt.Errorf("onbekende opdracht %q\n%s", e.args[0], bewaarUsage))
}

// bewaarCmd is one 'bewaartermijnen' subcommand. exec does what every one of them shares: the
// store and convenant flags, --door when the command records who acts, the command's own flags,
// parsing (flags and positional arguments in any order), opening the store and finding the
// official; run then does the command's own work.
type bewaarCmd struct {
	name, args string // "advies", "LIJST --door E-MAIL …" (the usage line after the name)
	door       string // the help text of --door; "" when the command takes none
	positional bool   // the command takes positional arguments (a list or hold number)
	// flags registers the command's own flags into o and returns what checks them once parsed
	// (before the store is opened); nil when there are none.
	flags func(fs *flag.FlagSet, o *bewaarOpts) func() error
	run   func(ctx context.Context, e env, r *bewaarRun, o *bewaarOpts, pos []string) error
}

// bewaarOpts are the parsed flags of one subcommand (each uses the ones it registered).
type bewaarOpts struct {
	day, from, to                           time.Time
	status, opinion, note, function, reason string
	request, granted                        string
	approve, reject, asJSON                 bool
	pupil, caseID                           int64
}

func (c bewaarCmd) exec(ctx context.Context, e env) error {
	fs := newFlagSet(e, "bewaartermijnen "+c.name, strings.TrimSpace("bewaartermijnen "+c.name+" "+c.args))
	cfg := storeFlags(fs, e)
	convenantFlag(fs, e, cfg)
	var by *string
	if c.door != "" {
		by = fs.String("door", "", c.door)
	}
	o := &bewaarOpts{}
	var check func() error
	if c.flags != nil {
		check = c.flags(fs, o)
	}
	pos, err := parseInterspersed(fs, e.args)
	if err != nil {
		return err
	}
	if !c.positional && len(pos) > 0 {
		return withExit(2, fmt.Errorf("onverwacht argument %q: grondslag bewaartermijnen %s %s", pos[0], c.name, c.args))
	}
	if check != nil {
		if err := check(); err != nil {
			return err
		}
	}
	r, err := openBewaar(ctx, cfg)
	if err != nil {
		return err
	}
	defer r.db.Close()
	if by != nil {
		if r.by, err = r.official(ctx, *by); err != nil {
			return err
		}
	}
	return c.run(ctx, e, r, o, pos)
}

// dayFlag registers a date flag (JJJJ-MM-DD) that fills *dst, def when not given, and returns its
// check.
func dayFlag(fs *flag.FlagSet, dst *time.Time, name, help string, def time.Time) func() error {
	s := fs.String(name, "", help)
	*dst = def
	return func() error {
		if *s == "" {
			return nil
		}
		var err error
		*dst, err = parseDay(*s, "--"+name)
		return err
	}
}

// checks runs the checks in order (nil ones skipped).
func checks(fns ...func() error) func() error {
	return func() error {
		for _, f := range fns {
			if f == nil {
				continue
			}
			if err := f(); err != nil {
				return err
			}
		}
		return nil
	}
}

// bewaarRun is the wiring of one command.
type bewaarRun struct {
	db     *store.DB
	rs     *store.RetentionStore
	region regionRef
	k      *convenant.Compiled
	by     official // who acts (--door), for the commands that record it
	vault  string   // the key vault's location, for display (no password)
}

func openBewaar(ctx context.Context, cfg *config) (*bewaarRun, error) {
	db, err := cfg.openStore(ctx)
	if err != nil {
		return nil, err
	}
	reg, err := cfg.region(ctx, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	k, err := loadConvenant(cfg)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &bewaarRun{db: db, rs: store.NewRetentionStore(db), region: reg, k: k, vault: cfg.vaultDSNForDisplay()}, nil
}

// official is a user of the region with the party of their organisation.
type official struct {
	user  region.User
	party string
}

func (r *bewaarRun) official(ctx context.Context, email string) (official, error) {
	if strings.TrimSpace(email) == "" {
		return official{}, withExit(2, errors.New("--door ontbreekt: het e-mailadres van wie dit doet"))
	}
	u, err := r.db.UserByEmail(ctx, r.region.ID, email)
	if err != nil {
		return official{}, fmt.Errorf("gebruiker %s bestaat niet in regio %s", email, r.region.Code)
	}
	o, err := r.db.Organisation(ctx, r.region.ID, u.OrganisationID)
	if err != nil {
		return official{}, err
	}
	return official{user: u, party: string(o.Kind)}, nil
}

func (o official) executor() store.Executor {
	return store.Executor{UserID: o.user.ID, OrganisationID: o.user.OrganisationID, Role: string(o.user.Role), Point: audit.AccessCLI}
}

func parseDay(s, flag string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, withExit(2, fmt.Errorf("%s %q: schrijf de datum als JJJJ-MM-DD", flag, s))
	}
	return t, nil
}

func today() time.Time { return retention.Day(time.Now().In(amsterdam())) }

func amsterdam() *time.Location {
	if l, err := time.LoadLocation("Europe/Amsterdam"); err == nil {
		return l
	}
	return time.UTC
}

// bewaarCommands are the subcommands of 'grondslag bewaartermijnen' (the usage text lists them).
var bewaarCommands = []bewaarCmd{
	{name: "voorstel", args: "[--peildatum JJJJ-MM-DD]", run: runBewaarVoorstel, flags: func(fs *flag.FlagSet, o *bewaarOpts) func() error {
		return dayFlag(fs, &o.day, "peildatum", "de dag waarop beoordeeld wordt (standaard vandaag)", today())
	}},
	{name: "lijsten", args: "[--status STATUS]", run: runBewaarLijsten, flags: func(fs *flag.FlagSet, o *bewaarOpts) func() error {
		fs.StringVar(&o.status, "status", "", "alleen lijsten met deze status (voorgesteld, advies-gegeven, goedgekeurd, afgewezen, uitgevoerd)")
		return nil
	}},
	{name: "toon", args: "LIJST [--json]", positional: true, run: runBewaarToon, flags: jsonFlag},
	{name: "advies", args: "LIJST --door E-MAIL --oordeel OORDEEL [--toelichting TEKST]", door: "e-mailadres van de FG", positional: true, run: runBewaarAdvies,
		flags: func(fs *flag.FlagSet, o *bewaarOpts) func() error {
			fs.StringVar(&o.opinion, "oordeel", "", "positief, positief-met-opmerkingen of negatief")
			fs.StringVar(&o.note, "toelichting", "", "toelichting (verplicht bij opmerkingen of een negatief advies)")
			return nil
		}},
	{name: "besluit", args: "LIJST --door E-MAIL --functie TEKST (--goedkeuren | --afwijzen) [--toelichting TEKST]", door: "e-mailadres van de bevoegde functionaris",
		positional: true, run: runBewaarBesluit, flags: func(fs *flag.FlagSet, o *bewaarOpts) func() error {
			fs.StringVar(&o.function, "functie", "", "functie en mandaat, bijvoorbeeld 'teamleider leerplicht, gemandateerd door B en W'")
			fs.BoolVar(&o.approve, "goedkeuren", false, "de lijst goedkeuren")
			fs.BoolVar(&o.reject, "afwijzen", false, "de lijst afwijzen")
			fs.StringVar(&o.note, "toelichting", "", "toelichting (verplicht bij afwijzen en bij afwijken van een negatief advies)")
			return func() error {
				if o.approve == o.reject {
					return withExit(2, errors.New("kies --goedkeuren of --afwijzen"))
				}
				return nil
			}
		}},
	{name: "uitvoeren", args: "LIJST --door E-MAIL", door: "e-mailadres van wie uitvoert", positional: true, run: runBewaarUitvoeren},
	{name: "rapport", args: "[--van JJJJ-MM-DD] [--tot JJJJ-MM-DD] [--json]", run: runBewaarRapport, flags: func(fs *flag.FlagSet, o *bewaarOpts) func() error {
		return checks(jsonFlag(fs, o),
			dayFlag(fs, &o.to, "tot", "laatste dag (standaard vandaag)", today()),
			dayFlag(fs, &o.from, "van", "eerste dag (standaard een jaar geleden)", today().AddDate(-1, 0, 0)))
	}},
	{name: "blokkade", args: "--leerling ID [--casus ID] --reden TEKST --tot JJJJ-MM-DD --door E-MAIL", door: "e-mailadres van wie de blokkade oplegt",
		run: runBewaarBlokkade, flags: func(fs *flag.FlagSet, o *bewaarOpts) func() error {
			fs.Int64Var(&o.pupil, "leerling", 0, "id van de leerling")
			fs.Int64Var(&o.caseID, "casus", 0, "alleen deze casus van de leerling")
			fs.StringVar(&o.reason, "reden", "", "de reden (klacht, bezwaar, procedure, onderzoek)")
			return dayFlag(fs, &o.to, "tot", "laatste dag van de blokkade (JJJJ-MM-DD)", time.Time{})
		}},
	{name: "blokkade-opheffen", args: "ID --door E-MAIL", door: "e-mailadres van wie de blokkade opheft", positional: true, run: runBewaarOpheffen},
	{name: "blokkades", run: runBewaarBlokkades},
	{name: "wissen", args: "--leerling ID --verzoek TEKST --toegewezen-door TEKST --door E-MAIL", door: "e-mailadres van wie uitvoert",
		run: runBewaarWissen, flags: func(fs *flag.FlagSet, o *bewaarOpts) func() error {
			fs.Int64Var(&o.pupil, "leerling", 0, "id van de leerling")
			fs.StringVar(&o.request, "verzoek", "", "kenmerk en datum van het wissingsverzoek")
			fs.StringVar(&o.granted, "toegewezen-door", "", "naam en functie van wie het verzoek heeft toegewezen")
			return func() error {
				if o.pupil <= 0 {
					return withExit(2, errors.New("--leerling ontbreekt"))
				}
				return nil
			}
		}},
	{name: "na-herstel", args: "--door E-MAIL", door: "e-mailadres van wie uitvoert", run: runBewaarNaHerstel},
	{name: "herverpakken", run: runBewaarHerverpakken},
	{name: "sleutels", run: runBewaarSleutels},
}

// jsonFlag registers --json.
func jsonFlag(fs *flag.FlagSet, o *bewaarOpts) func() error {
	fs.BoolVar(&o.asJSON, "json", false, "als JSON")
	return nil
}

func runBewaarVoorstel(ctx context.Context, e env, r *bewaarRun, o *bewaarOpts, _ []string) error {
	lists, err := r.rs.Plan(ctx, r.region.ID, r.k, o.day, time.Now())
	if err != nil {
		return err
	}
	if len(lists) == 0 {
		fmt.Fprintf(e.stdout, "Op %s is er niets nieuws te vernietigen.\n", retention.DutchDate(o.day))
		return nil
	}
	for _, l := range lists {
		fmt.Fprintf(e.stdout, "Lijst %d voor %s: %s. Vraag het advies van de FG: grondslag bewaartermijnen advies %d --door …\n",
			l.ID, l.Controller, count(len(l.Items), "eenheid", "eenheden"), l.ID)
	}
	return nil
}

// count renders "1 eenheid" / "3 eenheden".
func count(n int, one, many string) string { return fmt.Sprintf("%d %s", n, plural(n, one, many)) }

func runBewaarLijsten(ctx context.Context, e env, r *bewaarRun, o *bewaarOpts, _ []string) error {
	lists, err := r.rs.Lists(ctx, r.region.ID, o.status)
	if err != nil {
		return err
	}
	if len(lists) == 0 {
		fmt.Fprintln(e.stdout, "Geen vernietigingslijsten.")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "LIJST\tVERANTWOORDELIJKE\tPEILDATUM\tSTATUS")
	for _, l := range lists {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", l.ID, l.Controller, l.Day.Format("02-01-2006"), l.Status)
	}
	return tw.Flush()
}

func (r *bewaarRun) listArg(ctx context.Context, fs []string, cmd string) (retention.List, error) {
	if len(fs) != 1 {
		return retention.List{}, withExit(2, fmt.Errorf("noem één lijstnummer: grondslag bewaartermijnen %s LIJST", cmd))
	}
	var id int64
	if _, err := fmt.Sscan(fs[0], &id); err != nil || id <= 0 {
		return retention.List{}, withExit(2, fmt.Errorf("lijstnummer %q is geen getal", fs[0]))
	}
	l, err := r.rs.List(ctx, r.region.ID, id)
	if errors.Is(err, store.ErrListNotFound) {
		return l, fmt.Errorf("lijst %d bestaat niet in regio %s", id, r.region.Code)
	}
	return l, err
}

func runBewaarToon(ctx context.Context, e env, r *bewaarRun, o *bewaarOpts, pos []string) error {
	l, err := r.listArg(ctx, pos, "toon")
	if err != nil {
		return err
	}
	if o.asJSON {
		return json.NewEncoder(e.stdout).Encode(listJSON(l))
	}
	fmt.Fprintf(e.stdout, "Vernietigingslijst %d — %s (%s)\nPeildatum %s, status %s\n", l.ID, l.Controller, retention.Capacity(l.Controller.Party), retention.DutchDate(l.Day), l.Status)
	if a := l.Advice; a != nil {
		fmt.Fprintf(e.stdout, "Advies FG: %s (%s, %s)%s\n", a.Opinion, a.Name, retention.DutchDate(a.At), suffix(a.Note))
	}
	if d := l.Decision; d != nil {
		verdict := "afgewezen"
		if d.Approved {
			verdict = "goedgekeurd"
		}
		fmt.Fprintf(e.stdout, "Besluit: %s door %s, %s — %s (%s)%s\n", verdict, d.Name, d.Function, d.Capacity, retention.DutchDate(d.At), suffix(d.Note))
	}
	for _, it := range l.Items {
		fmt.Fprintf(e.stdout, "\n%d. %s — vernietigen vanaf %s — %s%s\n", it.ID, it.Unit, retention.DutchDate(it.DueFrom), it.Status, suffix(it.Note))
		for _, rule := range it.Rules {
			fmt.Fprintf(e.stdout, "   %s\n", rule)
		}
	}
	return nil
}

func suffix(note string) string {
	if note == "" {
		return ""
	}
	return ": " + note
}

func listJSON(l retention.List) map[string]any {
	items := []map[string]any{}
	for _, it := range l.Items {
		m := map[string]any{"regel": it.ID, "soort": it.Unit.Kind, "leerling": it.Unit.PupilID, "casus": it.Unit.CaseID,
			"vernietigen_vanaf": it.DueFrom.Format(time.DateOnly), "categorieen": it.Categories, "regels": it.Rules, "status": it.Status, "toelichting": it.Note}
		if it.Unit.Kind == retention.UnitAuditLog {
			m["auditlog_van"], m["auditlog_tot"] = it.Unit.From, it.Unit.To
		}
		items = append(items, m)
	}
	out := map[string]any{"lijst": l.ID, "partij": l.Controller.Party, "organisatie": l.Controller.OrganisationID, "peildatum": l.Day.Format(time.DateOnly),
		"status": l.Status, "regels": items}
	if a := l.Advice; a != nil {
		out["advies"] = map[string]any{"door": a.Name, "oordeel": a.Opinion, "toelichting": a.Note, "op": a.At}
	}
	if d := l.Decision; d != nil {
		out["besluit"] = map[string]any{"door": d.Name, "functie": d.Function, "hoedanigheid": d.Capacity, "goedgekeurd": d.Approved, "toelichting": d.Note, "op": d.At}
	}
	return out
}

// domainErr turns a refused input into a usage error (exit 2) with its Dutch message.
func domainErr(err error) error {
	var fe *retention.FieldError
	if errors.As(err, &fe) {
		return withExit(2, fmt.Errorf("%s: %s", fe.Field, fe.Msg))
	}
	return err
}

func runBewaarAdvies(ctx context.Context, e env, r *bewaarRun, o *bewaarOpts, pos []string) error {
	l, err := r.listArg(ctx, pos, "advies")
	if err != nil {
		return err
	}
	if err := l.Advise(retention.Advice{UserID: r.by.user.ID, Name: r.by.user.Name, Opinion: o.opinion, Note: o.note, At: time.Now()}, string(r.by.user.Role)); err != nil {
		return domainErr(err)
	}
	if err := r.rs.SaveAdvice(ctx, r.region.ID, l); err != nil {
		return domainErr(err)
	}
	fmt.Fprintf(e.stdout, "Advies vastgelegd op lijst %d (%s). Nu besluit de bevoegde functionaris van %s (%s).\n", l.ID, o.opinion, l.Controller.Party, retention.Capacity(l.Controller.Party))
	return nil
}

func runBewaarBesluit(ctx context.Context, e env, r *bewaarRun, o *bewaarOpts, pos []string) error {
	l, err := r.listArg(ctx, pos, "besluit")
	if err != nil {
		return err
	}
	if err := l.Decide(retention.Decision{UserID: r.by.user.ID, Name: r.by.user.Name, Function: o.function, Approved: o.approve, Note: o.note, At: time.Now()}, r.by.party, string(r.by.user.Role)); err != nil {
		return domainErr(err)
	}
	if err := r.rs.SaveDecision(ctx, r.region.ID, l); err != nil {
		return domainErr(err)
	}
	if o.approve {
		fmt.Fprintf(e.stdout, "Lijst %d goedgekeurd. Voer hem uit met: grondslag bewaartermijnen uitvoeren %d --door …\n", l.ID, l.ID)
	} else {
		fmt.Fprintf(e.stdout, "Lijst %d afgewezen; er wordt niets vernietigd.\n", l.ID)
	}
	return nil
}

func runBewaarUitvoeren(ctx context.Context, e env, r *bewaarRun, _ *bewaarOpts, pos []string) error {
	l, err := r.listArg(ctx, pos, "uitvoeren")
	if err != nil {
		return err
	}
	done, err := r.rs.Execute(ctx, r.region.ID, l.ID, r.k, r.by.executor(), today(), time.Now())
	if err != nil {
		return domainErr(err)
	}
	for _, d := range done {
		fmt.Fprintf(e.stdout, "Vernietigd: %s (%s)\n", d.Unit, retention.CountsText(d.Counts))
	}
	l, _ = r.rs.List(ctx, r.region.ID, l.ID)
	waiting := 0
	for _, it := range l.Items {
		if it.Status == retention.ItemProposed {
			waiting++
		}
	}
	fmt.Fprintf(e.stdout, "%s vernietigd", count(len(done), "eenheid", "eenheden"))
	if waiting > 0 {
		fmt.Fprintf(e.stdout, "; %s wacht op de goedkeuring van een andere verantwoordelijke", count(waiting, "eenheid", "eenheden"))
	}
	fmt.Fprintln(e.stdout, ".")
	return nil
}

func runBewaarRapport(ctx context.Context, e env, r *bewaarRun, o *bewaarOpts, _ []string) error {
	rep, err := r.rs.Report(ctx, r.region.ID, o.from, o.to)
	if err != nil {
		return err
	}
	if o.asJSON {
		out := []map[string]any{}
		for _, d := range rep {
			m := map[string]any{"vernietiging": d.ID, "soort": d.Unit.Kind, "leerling": d.Unit.PupilID, "casus": d.Unit.CaseID,
				"grond": d.Ground, "lijsten": d.Lists, "verzoek": d.Request, "regels": d.Rules, "goedgekeurd_door": d.ApprovedBy,
				"uitgevoerd_door": d.ExecutedBy, "op": d.At, "sleutel_vernietigd": d.KeyDestroyed, "aantallen": d.Counts}
			if d.Unit.Kind == retention.UnitAuditLog {
				m["auditlog_van"], m["auditlog_tot"] = d.Unit.From, d.Unit.To
			}
			out = append(out, m)
		}
		return json.NewEncoder(e.stdout).Encode(out)
	}
	fmt.Fprintf(e.stdout, "Vernietigingen van %s tot en met %s: %d\n", retention.DutchDate(o.from), retention.DutchDate(o.to), len(rep))
	for _, d := range rep {
		fmt.Fprintf(e.stdout, "\n%s — %s — %s\n", d.At.In(amsterdam()).Format("02-01-2006 15:04"), d.Unit, d.Ground)
		if d.Lists != "" {
			fmt.Fprintf(e.stdout, "  lijst(en): %s\n", d.Lists)
		}
		if d.Request != "" {
			fmt.Fprintf(e.stdout, "  verzoek: %s\n", d.Request)
		}
		for _, rule := range d.Rules {
			fmt.Fprintf(e.stdout, "  regel: %s\n", rule)
		}
		if d.ApprovedBy != "" {
			fmt.Fprintf(e.stdout, "  goedgekeurd door: %s\n", d.ApprovedBy)
		}
		key := "nee (alleen rijen verwijderd)"
		if d.KeyDestroyed {
			key = "ja (crypto-shredding: ook kopieën onleesbaar)"
		}
		fmt.Fprintf(e.stdout, "  sleutel vernietigd: %s\n  aantallen: %s\n", key, retention.CountsText(d.Counts))
	}
	return nil
}

func runBewaarBlokkade(ctx context.Context, e env, r *bewaarRun, o *bewaarOpts, _ []string) error {
	h, err := retention.NewHold(retention.Hold{PupilID: o.pupil, CaseID: o.caseID, Reason: o.reason, Until: o.to, SetBy: r.by.user.ID, SetAt: time.Now()}, today())
	if err != nil {
		return domainErr(err)
	}
	id, err := r.rs.AddHold(ctx, r.region.ID, h)
	if err != nil {
		return domainErr(err)
	}
	fmt.Fprintf(e.stdout, "Bewaarblokkade %d vastgelegd tot en met %s.\n", id, retention.DutchDate(h.Until))
	return nil
}

func runBewaarOpheffen(ctx context.Context, e env, r *bewaarRun, _ *bewaarOpts, pos []string) error {
	var id int64
	if len(pos) != 1 {
		return withExit(2, errors.New("noem het nummer van de blokkade"))
	}
	if _, err := fmt.Sscan(pos[0], &id); err != nil {
		return withExit(2, fmt.Errorf("blokkade %q is geen getal", pos[0]))
	}
	if err := r.rs.LiftHold(ctx, r.region.ID, id, r.by.user.ID, time.Now()); err != nil {
		return fmt.Errorf("blokkade %d bestaat niet of is al opgeheven", id)
	}
	fmt.Fprintf(e.stdout, "Blokkade %d opgeheven.\n", id)
	return nil
}

func runBewaarBlokkades(ctx context.Context, e env, r *bewaarRun, _ *bewaarOpts, _ []string) error {
	hs, err := r.rs.Holds(ctx, r.region.ID)
	if err != nil {
		return err
	}
	if len(hs) == 0 {
		fmt.Fprintln(e.stdout, "Geen bewaarblokkades.")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "BLOKKADE\tLEERLING\tCASUS\tTOT EN MET\tSTAND\tREDEN")
	for _, h := range hs {
		st := "van kracht"
		switch {
		case !h.Lifted.IsZero():
			st = "opgeheven"
		case !h.Active(today()):
			st = "verlopen"
		}
		cs := "alle"
		if h.CaseID != 0 {
			cs = fmt.Sprint(h.CaseID)
		}
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\n", h.ID, h.PupilID, cs, h.Until.Format("02-01-2006"), st, h.Reason)
	}
	return tw.Flush()
}

func runBewaarWissen(ctx context.Context, e env, r *bewaarRun, o *bewaarOpts, _ []string) error {
	d, err := r.rs.ErasePupil(ctx, r.region.ID, o.pupil, o.request, o.granted, r.by.executor(), time.Now())
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("leerling %d bestaat niet in regio %s", o.pupil, r.region.Code)
	}
	if err != nil {
		return domainErr(err)
	}
	fmt.Fprintf(e.stdout, "Leerling %d gewist (sleutel vernietigd; %s). De vernietiging staat in het auditlog.\n", o.pupil, retention.CountsText(d.Counts))
	return nil
}

func runBewaarNaHerstel(ctx context.Context, e env, r *bewaarRun, _ *bewaarOpts, _ []string) error {
	done, err := r.rs.ReapplyDestructions(ctx, r.region.ID, r.by.executor(), time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s opnieuw vernietigd (hun sleutel was al vernietigd).\n", count(len(done), "leerling", "leerlingen"))
	return nil
}

func runBewaarHerverpakken(ctx context.Context, e env, r *bewaarRun, _ *bewaarOpts, _ []string) error {
	n, err := r.db.KeyVault().Rewrap(ctx, r.region.ID, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s opnieuw verpakt met de huidige regiosleutel; de inhoud is niet herschreven.\n", count(n, "leerlingsleutel", "leerlingsleutels"))
	return nil
}

func runBewaarSleutels(ctx context.Context, e env, r *bewaarRun, _ *bewaarOpts, _ []string) error {
	st, err := r.db.KeyVault().Stats(ctx, r.region.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Leerlingsleutels in %s: %d levend, %d vernietigd\n", r.vault, st.Live, st.Destroyed)
	for v, n := range st.ByVersion {
		fmt.Fprintf(e.stdout, "  verpakt met regiosleutelversie %d: %d\n", v, n)
	}
	return nil
}
