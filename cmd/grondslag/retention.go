package main

import (
	"context"
	"encoding/json"
	"errors"
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
                                           (de dagelijkse taak; 'grondslag serve' doet dit ook elke dag)
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
	fn, ok := map[string]func(context.Context, env) error{
		"voorstel": runBewaarVoorstel, "lijsten": runBewaarLijsten, "toon": runBewaarToon, "advies": runBewaarAdvies,
		"besluit": runBewaarBesluit, "uitvoeren": runBewaarUitvoeren, "rapport": runBewaarRapport, "blokkade": runBewaarBlokkade,
		"blokkade-opheffen": runBewaarOpheffen, "blokkades": runBewaarBlokkades, "wissen": runBewaarWissen,
		"na-herstel": runBewaarNaHerstel, "herverpakken": runBewaarHerverpakken, "sleutels": runBewaarSleutels,
	}[e.args[0]]
	if !ok {
		return withExit(2, fmt.Errorf("onbekende opdracht %q\n%s", e.args[0], bewaarUsage))
	}
	return fn(ctx, sub)
}

// bewaarRun is the wiring of one command.
type bewaarRun struct {
	db     *store.DB
	rs     *store.RetentionStore
	region regionRef
	k      *convenant.Compiled
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
	return &bewaarRun{db: db, rs: store.NewRetentionStore(db), region: reg, k: k}, nil
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

func runBewaarVoorstel(ctx context.Context, e env) error {
	fs := newFlagSet(e, "bewaartermijnen voorstel", "bewaartermijnen voorstel [--peildatum JJJJ-MM-DD]")
	cfg := storeFlags(fs, e)
	convenantFlag(fs, e, cfg)
	on := fs.String("peildatum", "", "de dag waarop beoordeeld wordt (standaard vandaag)")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	day := today()
	if *on != "" {
		var err error
		if day, err = parseDay(*on, "--peildatum"); err != nil {
			return err
		}
	}
	r, err := openBewaar(ctx, cfg)
	if err != nil {
		return err
	}
	defer r.db.Close()
	lists, err := r.rs.Plan(ctx, r.region.ID, r.k, day, time.Now())
	if err != nil {
		return err
	}
	if len(lists) == 0 {
		fmt.Fprintf(e.stdout, "Op %s is er niets nieuws te vernietigen.\n", retention.DutchDate(day))
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

func runBewaarLijsten(ctx context.Context, e env) error {
	fs := newFlagSet(e, "bewaartermijnen lijsten", "bewaartermijnen lijsten [--status STATUS]")
	cfg := storeFlags(fs, e)
	status := fs.String("status", "", "alleen lijsten met deze status (voorgesteld, advies-gegeven, goedgekeurd, afgewezen, uitgevoerd)")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	r, err := openBewaar(ctx, cfg)
	if err != nil {
		return err
	}
	defer r.db.Close()
	lists, err := r.rs.Lists(ctx, r.region.ID, *status)
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

func runBewaarToon(ctx context.Context, e env) error {
	fs := newFlagSet(e, "bewaartermijnen toon", "bewaartermijnen toon LIJST [--json]")
	cfg := storeFlags(fs, e)
	asJSON := fs.Bool("json", false, "als JSON")
	pos, err := parseInterspersed(fs, e.args)
	if err != nil {
		return err
	}
	r, err := openBewaar(ctx, cfg)
	if err != nil {
		return err
	}
	defer r.db.Close()
	l, err := r.listArg(ctx, pos, "toon")
	if err != nil {
		return err
	}
	if *asJSON {
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
		items = append(items, map[string]any{"regel": it.ID, "soort": it.Unit.Kind, "leerling": it.Unit.PupilID, "casus": it.Unit.CaseID,
			"vernietigen_vanaf": it.DueFrom.Format(time.DateOnly), "categorieen": it.Categories, "regels": it.Rules, "status": it.Status, "toelichting": it.Note})
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

func runBewaarAdvies(ctx context.Context, e env) error {
	fs := newFlagSet(e, "bewaartermijnen advies", "bewaartermijnen advies LIJST --door E-MAIL --oordeel OORDEEL [--toelichting TEKST]")
	cfg := storeFlags(fs, e)
	by := fs.String("door", "", "e-mailadres van de FG")
	opinion := fs.String("oordeel", "", "positief, positief-met-opmerkingen of negatief")
	note := fs.String("toelichting", "", "toelichting (verplicht bij opmerkingen of een negatief advies)")
	pos, err := parseInterspersed(fs, e.args)
	if err != nil {
		return err
	}
	r, err := openBewaar(ctx, cfg)
	if err != nil {
		return err
	}
	defer r.db.Close()
	l, err := r.listArg(ctx, pos, "advies")
	if err != nil {
		return err
	}
	o, err := r.official(ctx, *by)
	if err != nil {
		return err
	}
	if err := l.Advise(retention.Advice{UserID: o.user.ID, Name: o.user.Name, Opinion: *opinion, Note: *note, At: time.Now()}, string(o.user.Role)); err != nil {
		return domainErr(err)
	}
	if err := r.rs.SaveAdvice(ctx, r.region.ID, l); err != nil {
		return domainErr(err)
	}
	fmt.Fprintf(e.stdout, "Advies vastgelegd op lijst %d (%s). Nu besluit de bevoegde functionaris van %s (%s).\n", l.ID, *opinion, l.Controller.Party, retention.Capacity(l.Controller.Party))
	return nil
}

func runBewaarBesluit(ctx context.Context, e env) error {
	fs := newFlagSet(e, "bewaartermijnen besluit", "bewaartermijnen besluit LIJST --door E-MAIL --functie TEKST (--goedkeuren | --afwijzen) [--toelichting TEKST]")
	cfg := storeFlags(fs, e)
	by := fs.String("door", "", "e-mailadres van de bevoegde functionaris")
	function := fs.String("functie", "", "functie en mandaat, bijvoorbeeld 'teamleider leerplicht, gemandateerd door B en W'")
	approve := fs.Bool("goedkeuren", false, "de lijst goedkeuren")
	reject := fs.Bool("afwijzen", false, "de lijst afwijzen")
	note := fs.String("toelichting", "", "toelichting (verplicht bij afwijzen en bij afwijken van een negatief advies)")
	pos, err := parseInterspersed(fs, e.args)
	if err != nil {
		return err
	}
	if *approve == *reject {
		return withExit(2, errors.New("kies --goedkeuren of --afwijzen"))
	}
	r, err := openBewaar(ctx, cfg)
	if err != nil {
		return err
	}
	defer r.db.Close()
	l, err := r.listArg(ctx, pos, "besluit")
	if err != nil {
		return err
	}
	o, err := r.official(ctx, *by)
	if err != nil {
		return err
	}
	if err := l.Decide(retention.Decision{UserID: o.user.ID, Name: o.user.Name, Function: *function, Approved: *approve, Note: *note, At: time.Now()}, o.party, string(o.user.Role)); err != nil {
		return domainErr(err)
	}
	if err := r.rs.SaveDecision(ctx, r.region.ID, l); err != nil {
		return domainErr(err)
	}
	if *approve {
		fmt.Fprintf(e.stdout, "Lijst %d goedgekeurd. Voer hem uit met: grondslag bewaartermijnen uitvoeren %d --door …\n", l.ID, l.ID)
	} else {
		fmt.Fprintf(e.stdout, "Lijst %d afgewezen; er wordt niets vernietigd.\n", l.ID)
	}
	return nil
}

func runBewaarUitvoeren(ctx context.Context, e env) error {
	fs := newFlagSet(e, "bewaartermijnen uitvoeren", "bewaartermijnen uitvoeren LIJST --door E-MAIL")
	cfg := storeFlags(fs, e)
	convenantFlag(fs, e, cfg)
	by := fs.String("door", "", "e-mailadres van wie uitvoert")
	pos, err := parseInterspersed(fs, e.args)
	if err != nil {
		return err
	}
	r, err := openBewaar(ctx, cfg)
	if err != nil {
		return err
	}
	defer r.db.Close()
	l, err := r.listArg(ctx, pos, "uitvoeren")
	if err != nil {
		return err
	}
	o, err := r.official(ctx, *by)
	if err != nil {
		return err
	}
	done, err := r.rs.Execute(ctx, r.region.ID, l.ID, r.k, o.executor(), today(), time.Now())
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

func runBewaarRapport(ctx context.Context, e env) error {
	fs := newFlagSet(e, "bewaartermijnen rapport", "bewaartermijnen rapport [--van JJJJ-MM-DD] [--tot JJJJ-MM-DD] [--json]")
	cfg := storeFlags(fs, e)
	fromS := fs.String("van", "", "eerste dag (standaard een jaar geleden)")
	toS := fs.String("tot", "", "laatste dag (standaard vandaag)")
	asJSON := fs.Bool("json", false, "als JSON")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	to, from := today(), today().AddDate(-1, 0, 0)
	var err error
	if *toS != "" {
		if to, err = parseDay(*toS, "--tot"); err != nil {
			return err
		}
	}
	if *fromS != "" {
		if from, err = parseDay(*fromS, "--van"); err != nil {
			return err
		}
	}
	r, err := openBewaar(ctx, cfg)
	if err != nil {
		return err
	}
	defer r.db.Close()
	rep, err := r.rs.Report(ctx, r.region.ID, from, to)
	if err != nil {
		return err
	}
	if *asJSON {
		out := []map[string]any{}
		for _, d := range rep {
			out = append(out, map[string]any{"vernietiging": d.ID, "soort": d.Unit.Kind, "leerling": d.Unit.PupilID, "casus": d.Unit.CaseID,
				"grond": d.Ground, "lijsten": d.Lists, "verzoek": d.Request, "regels": d.Rules, "goedgekeurd_door": d.ApprovedBy,
				"uitgevoerd_door": d.ExecutedBy, "op": d.At, "sleutel_vernietigd": d.KeyDestroyed, "aantallen": d.Counts})
		}
		return json.NewEncoder(e.stdout).Encode(out)
	}
	fmt.Fprintf(e.stdout, "Vernietigingen van %s tot en met %s: %d\n", retention.DutchDate(from), retention.DutchDate(to), len(rep))
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

func runBewaarBlokkade(ctx context.Context, e env) error {
	fs := newFlagSet(e, "bewaartermijnen blokkade", "bewaartermijnen blokkade --leerling ID [--casus ID] --reden TEKST --tot JJJJ-MM-DD --door E-MAIL")
	cfg := storeFlags(fs, e)
	pupil := fs.Int64("leerling", 0, "id van de leerling")
	caseID := fs.Int64("casus", 0, "alleen deze casus van de leerling")
	reason := fs.String("reden", "", "de reden (klacht, bezwaar, procedure, onderzoek)")
	untilS := fs.String("tot", "", "laatste dag van de blokkade (JJJJ-MM-DD)")
	by := fs.String("door", "", "e-mailadres van wie de blokkade oplegt")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	var until time.Time
	if *untilS != "" {
		var err error
		if until, err = parseDay(*untilS, "--tot"); err != nil {
			return err
		}
	}
	r, err := openBewaar(ctx, cfg)
	if err != nil {
		return err
	}
	defer r.db.Close()
	o, err := r.official(ctx, *by)
	if err != nil {
		return err
	}
	h, err := retention.NewHold(retention.Hold{PupilID: *pupil, CaseID: *caseID, Reason: *reason, Until: until, SetBy: o.user.ID, SetAt: time.Now()}, today())
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

func runBewaarOpheffen(ctx context.Context, e env) error {
	fs := newFlagSet(e, "bewaartermijnen blokkade-opheffen", "bewaartermijnen blokkade-opheffen ID --door E-MAIL")
	cfg := storeFlags(fs, e)
	by := fs.String("door", "", "e-mailadres van wie de blokkade opheft")
	pos, err := parseInterspersed(fs, e.args)
	if err != nil {
		return err
	}
	var id int64
	if len(pos) != 1 {
		return withExit(2, errors.New("noem het nummer van de blokkade"))
	}
	if _, err := fmt.Sscan(pos[0], &id); err != nil {
		return withExit(2, fmt.Errorf("blokkade %q is geen getal", pos[0]))
	}
	r, err := openBewaar(ctx, cfg)
	if err != nil {
		return err
	}
	defer r.db.Close()
	o, err := r.official(ctx, *by)
	if err != nil {
		return err
	}
	if err := r.rs.LiftHold(ctx, r.region.ID, id, o.user.ID, time.Now()); err != nil {
		return fmt.Errorf("blokkade %d bestaat niet of is al opgeheven", id)
	}
	fmt.Fprintf(e.stdout, "Blokkade %d opgeheven.\n", id)
	return nil
}

func runBewaarBlokkades(ctx context.Context, e env) error {
	fs := newFlagSet(e, "bewaartermijnen blokkades", "bewaartermijnen blokkades")
	cfg := storeFlags(fs, e)
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	r, err := openBewaar(ctx, cfg)
	if err != nil {
		return err
	}
	defer r.db.Close()
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

func runBewaarWissen(ctx context.Context, e env) error {
	fs := newFlagSet(e, "bewaartermijnen wissen", "bewaartermijnen wissen --leerling ID --verzoek TEKST --toegewezen-door TEKST --door E-MAIL")
	cfg := storeFlags(fs, e)
	pupil := fs.Int64("leerling", 0, "id van de leerling")
	request := fs.String("verzoek", "", "kenmerk en datum van het wissingsverzoek")
	granted := fs.String("toegewezen-door", "", "naam en functie van wie het verzoek heeft toegewezen")
	by := fs.String("door", "", "e-mailadres van wie uitvoert")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *pupil <= 0 {
		return withExit(2, errors.New("--leerling ontbreekt"))
	}
	r, err := openBewaar(ctx, cfg)
	if err != nil {
		return err
	}
	defer r.db.Close()
	o, err := r.official(ctx, *by)
	if err != nil {
		return err
	}
	d, err := r.rs.ErasePupil(ctx, r.region.ID, *pupil, *request, *granted, o.executor(), time.Now())
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("leerling %d bestaat niet in regio %s", *pupil, r.region.Code)
	}
	if err != nil {
		return domainErr(err)
	}
	fmt.Fprintf(e.stdout, "Leerling %d gewist (sleutel vernietigd; %s). De vernietiging staat in het auditlog.\n", *pupil, retention.CountsText(d.Counts))
	return nil
}

func runBewaarNaHerstel(ctx context.Context, e env) error {
	fs := newFlagSet(e, "bewaartermijnen na-herstel", "bewaartermijnen na-herstel --door E-MAIL")
	cfg := storeFlags(fs, e)
	by := fs.String("door", "", "e-mailadres van wie uitvoert")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	r, err := openBewaar(ctx, cfg)
	if err != nil {
		return err
	}
	defer r.db.Close()
	o, err := r.official(ctx, *by)
	if err != nil {
		return err
	}
	done, err := r.rs.ReapplyDestructions(ctx, r.region.ID, o.executor(), time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s opnieuw vernietigd (hun sleutel was al vernietigd).\n", count(len(done), "leerling", "leerlingen"))
	return nil
}

func runBewaarHerverpakken(ctx context.Context, e env) error {
	fs := newFlagSet(e, "bewaartermijnen herverpakken", "bewaartermijnen herverpakken")
	cfg := storeFlags(fs, e)
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	r, err := openBewaar(ctx, cfg)
	if err != nil {
		return err
	}
	defer r.db.Close()
	n, err := r.db.KeyVault().Rewrap(ctx, r.region.ID, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s opnieuw verpakt met de huidige regiosleutel; de inhoud is niet herschreven.\n", count(n, "leerlingsleutel", "leerlingsleutels"))
	return nil
}

func runBewaarSleutels(ctx context.Context, e env) error {
	fs := newFlagSet(e, "bewaartermijnen sleutels", "bewaartermijnen sleutels")
	cfg := storeFlags(fs, e)
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	r, err := openBewaar(ctx, cfg)
	if err != nil {
		return err
	}
	defer r.db.Close()
	st, err := r.db.KeyVault().Stats(ctx, r.region.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Leerlingsleutels in %s: %d levend, %d vernietigd\n", cfg.vaultDSNForDisplay(), st.Live, st.Destroyed)
	for v, n := range st.ByVersion {
		fmt.Fprintf(e.stdout, "  verpakt met regiosleutelversie %d: %d\n", v, n)
	}
	return nil
}
