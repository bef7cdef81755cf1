package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/civil"
	"github.com/grondslag/grondslag/internal/consent"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
)

// toestemmingStoreCommands are the register commands that work on a store (--db).
func toestemmingStoreCommands() []struct {
	name, summary string
	run           func(context.Context, env) error
} {
	return []struct {
		name, summary string
		run           func(context.Context, env) error
	}{
		{"formulier", "maakt het toestemmingsformulier (HTML of PDF, afdrukbaar) voor een leerling en doel", runToestemmingFormulier},
		{"vastleggen", "legt een gegeven of geweigerde toestemming vast", runToestemmingVastleggen},
		{"lijst", "toont de toestemmingen van een leerling, of wat binnen N dagen afloopt", runToestemmingLijst},
		{"intrekken", "trekt een toestemming in en toont welke verstrekkingen erop steunden", runToestemmingIntrekken},
		{"controleer", "zegt of een toestemming een verstrekking nu dekt, of wat ontbreekt", runToestemmingControleer},
	}
}

// consentSetup is an opened store with the region, key ring and register.
type consentSetup struct {
	cfg    *config
	db     *store.DB
	region regionRef
	reg    *consent.Register
	conv   *convenant.Compiled
}

func openConsent(ctx context.Context, c *config) (*consentSetup, error) {
	ccfg, k, err := consentConfig(c.Convenant)
	if err != nil {
		return nil, err
	}
	db, err := c.openStore(ctx)
	if err != nil {
		return nil, err
	}
	reg, err := c.region(ctx, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &consentSetup{cfg: c, db: db, region: reg, reg: consent.NewRegister(db, ccfg, nil).WithShareLog(db), conv: k}, nil
}

// change checks that user ref ("gebruiker:<id>", an active user of the region; of the pupil's
// school when a school's) may act on the pupil's consents, and returns the change for the
// consent service (which decides it through the policy and logs it, as the web does).
func (s *consentSetup) change(ctx context.Context, ref string, pupil region.Pupil, name string, at time.Time) (consent.Change, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(ref), "gebruiker:"), 10, 64)
	if err != nil || id <= 0 {
		return consent.Change{}, withExit(2, fmt.Errorf("--door: gebruik gebruiker:<id> van een gebruiker van de regio, niet %q", ref))
	}
	u, err := s.db.User(ctx, s.region.ID, id)
	if err != nil || !u.Active {
		return consent.Change{}, withExit(2, fmt.Errorf("--door: gebruiker %d is geen actieve gebruiker van deze regio", id))
	}
	org, err := s.db.Organisation(ctx, s.region.ID, u.OrganisationID)
	if err != nil {
		return consent.Change{}, err
	}
	if org.Kind == region.KindSchool {
		// A school keeps consents for its own pupils only.
		enrolled := false
		for _, en := range pupil.Enrolments {
			enrolled = enrolled || (en.SchoolID == org.ID && en.Current(dayUTC(consent.Today(at))))
		}
		if !enrolled {
			return consent.Change{}, withExit(2, fmt.Errorf("--door: de leerling staat niet ingeschreven bij %s, de school van gebruiker %d", org.Name, u.ID))
		}
	}
	op := audit.NewOperationID()
	return consent.Change{RegionID: s.region.ID, Actor: policy.Actor{Party: org.Party(), Role: string(u.Role)},
		Base: audit.Record{Time: at, Actor: audit.Actor{UserID: u.ID, OrganisationID: u.OrganisationID, Role: string(u.Role)},
			Pupil: pupil.Pseudonym, AccessPoint: audit.AccessCLI, RequestID: "toestemming-" + op.String(), TraceID: audit.NewTraceID(), OperationID: op, Name: name}}, nil
}

// service is the consent service over the region's register, decision point and keys.
func (s *consentSetup) service() (*consent.Service, error) {
	ring, err := s.cfg.keyRing()
	if err != nil {
		return nil, err
	}
	keys, err := ring.Region(s.region.Code)
	if err != nil {
		return nil, err
	}
	return consent.NewService(consent.ServiceDeps{Register: s.reg, Decisions: access.New(policy.NewEngine(s.conv), s.region.ID),
		Log: directAudit{db: s.db, enc: keys}, Now: time.Now,
		Seal: func(context.Context, int64) (audit.Encrypter, error) { return keys, nil }})
}

// pupil resolves --leerling: a 9-digit BSN or onderwijsnummer (pseudonymised with the region's
// key) or the pseudonym itself.
func (s *consentSetup) pupil(ctx context.Context, arg string) (region.Pupil, error) {
	arg = strings.TrimSpace(arg)
	if arg == "" {
		return region.Pupil{}, withExit(2, errors.New("--leerling ontbreekt (pseudoniem, BSN of onderwijsnummer)"))
	}
	ps := arg
	if len(arg) == 9 && strings.Trim(arg, "0123456789") == "" {
		kind := ident.BSN
		if ident.Validate(ident.BSN, arg) != nil {
			kind = ident.Onderwijsnummer
			if err := ident.Validate(kind, arg); err != nil {
				return region.Pupil{}, withExit(2, errors.New("--leerling: dit is geen geldig BSN of onderwijsnummer"))
			}
		}
		ring, err := s.cfg.keyRing()
		if err != nil {
			return region.Pupil{}, err
		}
		keys, err := ring.Region(s.region.Code)
		if err != nil {
			return region.Pupil{}, err
		}
		ps = keys.Pseudonym(kind, arg)
	}
	p, err := s.db.PupilByPseudonym(ctx, s.region.ID, ps)
	if errors.Is(err, store.ErrNotFound) {
		return region.Pupil{}, withExit(2, errors.New("--leerling: deze leerling is niet bekend in de regio"))
	}
	return p, err
}

// splitList splits a comma-separated flag value.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseMoment reads "YYYY-MM-DD HH:MM" or "YYYY-MM-DDTHH:MM" in Dutch time, or RFC 3339.
func parseMoment(s string) (time.Time, error) {
	loc := civil.Amsterdam
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is geen tijdstip (JJJJ-MM-DD UU:MM)", s)
}

// consentExit maps the register's errors to exit codes: 2 for input the register refuses.
func consentExit(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, consent.ErrInvalid), errors.Is(err, consent.ErrWrongGiver), errors.Is(err, consent.ErrUnknownPurpose),
		errors.Is(err, consent.ErrInvalidRequest), errors.Is(err, consent.ErrNotFound), errors.Is(err, consent.ErrAlreadyWithdrawn):
		return withExit(2, err)
	}
	return err
}

func runToestemmingFormulier(ctx context.Context, e env) (err error) {
	defer wrap(&err, "toestemmingsformulier maken")
	fs := newFlagSet(e, "toestemming formulier", "toestemming formulier --leerling X --doel DOEL --contact TEKST [--school NAAM] [--datum JJJJ-MM-DD] [--formaat html|pdf] [--uitvoer BESTAND] [--db …] [--regio CODE]")
	c := storeFlags(fs, e)
	convenantFlag(fs, e, c)
	pupilArg := fs.String("leerling", "", "pseudoniem, BSN of onderwijsnummer van de leerling")
	purpose := fs.String("doel", "", "doelcode van het convenant, bijvoorbeeld jeugdhulp")
	contact := fs.String("contact", "", "bij wie de ouder de toestemming kan intrekken (naam, functie, e-mail)")
	school := fs.String("school", "", "naam van de school die het vraagt; leeg: de school van de huidige inschrijving")
	day := fs.String("datum", "", "datum van het formulier (JJJJ-MM-DD); leeg: vandaag")
	out := fs.String("uitvoer", "", "schrijf het formulier naar dit bestand in plaats van naar standaarduitvoer")
	format := fs.String("formaat", "html", "html of pdf")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *format != "html" && *format != "pdf" {
		return withExit(2, fmt.Errorf("--formaat: kies html of pdf, niet %q", *format))
	}
	s, err := openConsent(ctx, c)
	if err != nil {
		return err
	}
	defer s.db.Close()
	p, err := s.pupil(ctx, *pupilArg)
	if err != nil {
		return err
	}
	date := consent.Today(time.Now())
	if *day != "" {
		if date, err = consent.ParseDate(*day); err != nil {
			return withExit(2, fmt.Errorf("--datum: %v", err))
		}
	}
	org := *school
	if org == "" {
		for _, en := range p.Enrolments {
			if en.Current(dayUTC(date)) {
				if o, err := s.db.Organisation(ctx, s.region.ID, en.SchoolID); err == nil {
					org = o.Name
				}
			}
		}
	}
	if org == "" {
		return withExit(2, errors.New("--school ontbreekt en de leerling heeft op deze datum geen inschrijving"))
	}
	fam, err := s.db.ConsentFamily(ctx, s.region.ID, p.ID)
	if err != nil {
		return err
	}
	f, err := consent.RenderForm(consent.FormInput{Organisation: org, Contact: *contact, PupilID: p.ID,
		PupilName: strings.TrimSpace(p.FirstName + " " + p.LastName), BirthDate: fam.BirthDate, Guardians: fam.GezagCount(),
		Purpose: *purpose, Date: date}, s.reg.Config())
	if err != nil {
		return consentExit(err)
	}
	if err := s.db.SaveConsentForm(ctx, s.region.ID, store.ConsentForm{Hash: f.Hash, Version: f.Version, PupilID: p.ID,
		Purpose: *purpose, Text: f.Text, HTML: string(f.HTML)}, time.Now()); err != nil {
		return err
	}
	doc := f.HTML
	if *format == "pdf" {
		if doc, err = f.PDF(); err != nil {
			return err
		}
	}
	if *out != "" {
		if err := os.WriteFile(*out, doc, 0o600); err != nil {
			return fmt.Errorf("kan %s niet schrijven: %w", *out, err)
		}
	} else if _, err := e.stdout.Write(doc); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "Formulier %s (versie %s) bewaard; noem bij het vastleggen: --formulier %s\n", f.Ref(), f.Version, f.Ref())
	return nil
}

func runToestemmingVastleggen(ctx context.Context, e env) (err error) {
	defer wrap(&err, "toestemming vastleggen")
	fs := newFlagSet(e, "toestemming vastleggen", "toestemming vastleggen --leerling X --doel D[,D] --ontvanger PARTIJ[:ORG-ID][,…] --categorie C[,…] --gever leerling|ouder:ID[,…] [--verstrekker ggd|jeugdhulp] --kanaal K --formulier KENMERK (--bewijs BESTAND | --bewijs-hash HEX | --gehoord-door TEKST) --door WIE [--weigering] [--gegeven-op …] [--van …] [--tot …]")
	c := storeFlags(fs, e)
	convenantFlag(fs, e, c)
	pupilArg := fs.String("leerling", "", "pseudoniem, BSN of onderwijsnummer van de leerling")
	purposes := fs.String("doel", "", "doelcode(s), gescheiden door komma's")
	recipients := fs.String("ontvanger", "", "ontvangende partij(en), eventueel met organisatie-id: jeugdhulp:12,ggd")
	categories := fs.String("categorie", "", "categorie(ën) persoonsgegevens, gescheiden door komma's")
	givers := fs.String("gever", "", "wie toestemde of weigerde: leerling en/of ouder:<id>, gescheiden door komma's")
	discloser := fs.String("verstrekker", "", "de partij wier verstrekking de toestemming toestaat: ggd (jeugdarts: vanaf 12 jaar de leerling zelf, BW 7:457 en 7:465) of jeugdhulp (Jeugdwet 7.3.11); leeg: de school")
	channel := fs.String("kanaal", "", "schriftelijk, e-mail, digitaal-formulier of mondeling")
	heardBy := fs.String("gehoord-door", "", "bij mondelinge toestemming: wie haar hoorde (naam en functie)")
	formRef := fs.String("formulier", "", "kenmerk van het voorgelegde formulier (zie 'toestemming formulier')")
	evidence := fs.String("bewijs", "", "bestand met het bewijs (getekend formulier, e-mail); alleen de SHA-256 wordt bewaard")
	evidenceHash := fs.String("bewijs-hash", "", "SHA-256 (hex) van het bewijs, als het bestand elders staat")
	givenAt := fs.String("gegeven-op", "", "tijdstip van de toestemming of weigering (JJJJ-MM-DD UU:MM); leeg: nu")
	from := fs.String("van", "", "geldig vanaf (JJJJ-MM-DD); leeg: de dag van geven")
	until := fs.String("tot", "", "geldig tot en met (JJJJ-MM-DD); leeg: de termijn van het convenant")
	by := fs.String("door", "", "wie dit vastlegt: gebruiker:<id> (komt in het auditlogboek)")
	refused := fs.Bool("weigering", false, "leg een weigering vast in plaats van een toestemming")
	note := fs.String("notitie", "", "korte, feitelijke notitie")
	asJSON := fs.Bool("json", false, "uitvoer als JSON")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	s, err := openConsent(ctx, c)
	if err != nil {
		return err
	}
	defer s.db.Close()
	p, err := s.pupil(ctx, *pupilArg)
	if err != nil {
		return err
	}
	d := consent.Draft{PupilID: p.ID, Status: consent.StatusGiven, Purposes: splitList(*purposes), Categories: splitList(*categories),
		Channel: consent.Channel(*channel), HeardBy: *heardBy, RecordedBy: *by, Note: *note, EvidenceHash: *evidenceHash, Discloser: *discloser}
	if *refused {
		d.Status = consent.StatusRefused
	}
	for _, g := range splitList(*givers) {
		giver, err := consent.ParseGiver(g)
		if err != nil {
			return withExit(2, fmt.Errorf("--gever: %w", err))
		}
		d.Givers = append(d.Givers, giver)
	}
	for _, r := range splitList(*recipients) {
		rc, err := consent.ParseRecipient(r)
		if err != nil {
			return withExit(2, fmt.Errorf("--ontvanger: %w", err))
		}
		d.Recipients = append(d.Recipients, rc)
	}
	if *formRef == "" {
		return withExit(2, errors.New("--formulier ontbreekt: noem het kenmerk van het formulier dat is voorgelegd (maak het met 'grondslag toestemming formulier')"))
	}
	form, err := s.db.ConsentFormByHash(ctx, s.region.ID, *formRef)
	if err != nil {
		return consentExit(fmt.Errorf("--formulier: %w", err))
	}
	if form.PupilID != 0 && form.PupilID != p.ID {
		return withExit(2, errors.New("--formulier: dit formulier is voor een andere leerling gemaakt"))
	}
	if !contains(d.Purposes, form.Purpose) {
		return withExit(2, fmt.Errorf("--formulier: dit formulier vraagt toestemming voor doel %s, niet voor %s", form.Purpose, strings.Join(d.Purposes, ", ")))
	}
	d.FormVersion, d.FormHash = form.Version, form.Hash
	if *evidence != "" {
		if d.EvidenceHash != "" {
			return withExit(2, errors.New("geef --bewijs of --bewijs-hash, niet allebei"))
		}
		b, err := os.ReadFile(*evidence)
		if err != nil {
			return withExit(2, fmt.Errorf("--bewijs: %w", err))
		}
		sum := sha256.Sum256(b)
		d.EvidenceHash = hex.EncodeToString(sum[:])
	}
	d.GivenAt = time.Now()
	if *givenAt != "" {
		if d.GivenAt, err = parseMoment(*givenAt); err != nil {
			return withExit(2, fmt.Errorf("--gegeven-op: %v", err))
		}
	}
	d.ValidFrom = consent.Today(d.GivenAt)
	if *from != "" {
		if d.ValidFrom, err = consent.ParseDate(*from); err != nil {
			return withExit(2, fmt.Errorf("--van: %v", err))
		}
	}
	if *until != "" {
		if d.ValidUntil, err = consent.ParseDate(*until); err != nil {
			return withExit(2, fmt.Errorf("--tot: %v", err))
		}
	}
	ch, err := s.change(ctx, *by, p, "toestemming vastleggen", time.Now())
	if err != nil {
		return err
	}
	svc, err := s.service()
	if err != nil {
		return err
	}
	rec, err := svc.Record(ctx, ch, d)
	if err != nil {
		return consentExit(err)
	}
	if *asJSON {
		return writeJSON(e.stdout, shownConsent(rec, time.Now()))
	}
	what := "Toestemming"
	if *refused {
		what = "Weigering"
	}
	fmt.Fprintf(e.stdout, "%s %d vastgelegd voor leerling %s.\n", what, rec.ID(), p.Pseudonym)
	if rec.Data().Channel.WeakEvidence() {
		fmt.Fprintln(e.stdout, "Let op: mondelinge toestemming is zwak bewijs. Vraag de ouder het per e-mail of op papier te bevestigen.")
	}
	return nil
}

// dayUTC is a calendar day as the region package stores dates: midnight UTC.
func dayUTC(d consent.Date) time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// jsonConsent is a consent record as the CLI (and API) shows it; field names are Dutch.
type jsonConsent struct {
	ID             int64           `json:"id"`
	Leerling       int64           `json:"leerling"`
	Status         string          `json:"status"`
	Stand          string          `json:"stand"`
	Gevers         []string        `json:"gevers"`
	Doelen         []string        `json:"doelen"`
	Ontvangers     []string        `json:"ontvangers"`
	Categorieen    []string        `json:"categorieen"`
	Kanaal         string          `json:"kanaal"`
	ZwakBewijs     bool            `json:"zwak_bewijs"`
	GehoordDoor    string          `json:"gehoord_door,omitempty"`
	Formulier      string          `json:"formulier"`
	FormulierHash  string          `json:"formulier_hash"`
	BewijsHash     string          `json:"bewijs_hash,omitempty"`
	GegevenOp      string          `json:"gegeven_op"`
	GeldigVan      string          `json:"geldig_van"`
	GeldigTot      string          `json:"geldig_tot,omitempty"`
	VastgelegdDoor string          `json:"vastgelegd_door"`
	Notitie        string          `json:"notitie,omitempty"`
	Intrekking     *jsonWithdrawal `json:"intrekking,omitempty"`
}

type jsonWithdrawal struct {
	Op             string `json:"op"`
	Door           string `json:"door"`
	VastgelegdDoor string `json:"vastgelegd_door"`
	Notitie        string `json:"notitie,omitempty"`
}

func shownConsent(r consent.Record, now time.Time) jsonConsent {
	d := r.Data()
	j := jsonConsent{ID: r.ID(), Leerling: d.PupilID, Status: string(d.Status), Stand: string(r.StateAt(now)), Doelen: d.Purposes,
		Categorieen: d.Categories, Kanaal: string(d.Channel), ZwakBewijs: d.Channel.WeakEvidence(), GehoordDoor: d.HeardBy,
		Formulier: d.FormVersion, FormulierHash: d.FormHash, BewijsHash: d.EvidenceHash, GegevenOp: d.GivenAt.Local().Format("2006-01-02 15:04"),
		GeldigVan: d.ValidFrom.String(), GeldigTot: d.ValidUntil.String(), VastgelegdDoor: d.RecordedBy, Notitie: d.Note}
	for _, g := range d.Givers {
		j.Gevers = append(j.Gevers, g.String())
	}
	for _, rc := range d.Recipients {
		j.Ontvangers = append(j.Ontvangers, rc.String())
	}
	if w, ok := r.Withdrawal(); ok {
		j.Intrekking = &jsonWithdrawal{Op: w.At.Local().Format("2006-01-02 15:04"), Door: w.By.String(), VastgelegdDoor: w.RecordedBy, Notitie: w.Note}
	}
	return j
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func runToestemmingLijst(ctx context.Context, e env) (err error) {
	defer wrap(&err, "toestemmingen tonen")
	fs := newFlagSet(e, "toestemming lijst", "toestemming lijst (--leerling X | --verloopt-binnen DAGEN) [--json] [--db …] [--regio CODE]")
	c := storeFlags(fs, e)
	convenantFlag(fs, e, c)
	pupilArg := fs.String("leerling", "", "pseudoniem, BSN of onderwijsnummer van de leerling")
	within := fs.Int("verloopt-binnen", -1, "toon de toestemmingen van de regio die binnen zoveel dagen niet meer dekken (verlopen of leeftijdsgrens)")
	asJSON := fs.Bool("json", false, "uitvoer als JSON")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if (*pupilArg == "") == (*within < 0) {
		return withExit(2, errors.New("geef --leerling of --verloopt-binnen"))
	}
	s, err := openConsent(ctx, c)
	if err != nil {
		return err
	}
	defer s.db.Close()
	now := time.Now()
	if *within >= 0 {
		rems, err := s.reg.Reminders(ctx, s.region.ID, now, *within)
		if err != nil {
			return err
		}
		if *asJSON {
			type jr struct {
				Toestemming  jsonConsent `json:"toestemming"`
				DektTotEnMet string      `json:"dekt_tot_en_met"`
				Reden        string      `json:"reden"`
				Toelichting  string      `json:"toelichting"`
			}
			out := []jr{}
			for _, r := range rems {
				out = append(out, jr{shownConsent(r.Consent, now), r.EndsAfter.String(), r.Reason, r.Detail})
			}
			return writeJSON(e.stdout, out)
		}
		if len(rems) == 0 {
			fmt.Fprintf(e.stdout, "Geen toestemmingen die binnen %d dagen aflopen.\n", *within)
			return nil
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tLEERLING\tDOELEN\tDEKT T/M\tWAAROM")
		for _, r := range rems {
			d := r.Consent.Data()
			fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\n", r.Consent.ID(), d.PupilID, strings.Join(d.Purposes, ","), r.EndsAfter, r.Detail)
		}
		return tw.Flush()
	}
	p, err := s.pupil(ctx, *pupilArg)
	if err != nil {
		return err
	}
	recs, err := s.reg.List(ctx, s.region.ID, p.ID)
	if err != nil {
		return err
	}
	if *asJSON {
		out := []jsonConsent{}
		for _, r := range recs {
			out = append(out, shownConsent(r, now))
		}
		return writeJSON(e.stdout, out)
	}
	if len(recs) == 0 {
		fmt.Fprintln(e.stdout, "Voor deze leerling is geen toestemming of weigering vastgelegd.")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTAND\tGEVERS\tDOELEN\tONTVANGERS\tCATEGORIEËN\tKANAAL\tGELDIG")
	for _, r := range recs {
		j := shownConsent(r, now)
		kanaal := j.Kanaal
		if j.ZwakBewijs {
			kanaal += " (zwak bewijs)"
		}
		until := j.GeldigTot
		if until == "" {
			until = "tot intrekking"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s – %s\n", j.ID, j.Stand, strings.Join(j.Gevers, ","), strings.Join(j.Doelen, ","),
			strings.Join(j.Ontvangers, ","), strings.Join(j.Categorieen, ","), kanaal, j.GeldigVan, until)
	}
	return tw.Flush()
}

func runToestemmingIntrekken(ctx context.Context, e env) (err error) {
	defer wrap(&err, "toestemming intrekken")
	fs := newFlagSet(e, "toestemming intrekken", "toestemming intrekken --id N --namens leerling|ouder:ID --door WIE [--op JJJJ-MM-DD UU:MM] [--notitie TEKST] [--json]")
	c := storeFlags(fs, e)
	convenantFlag(fs, e, c)
	id := fs.Int64("id", 0, "id van de toestemming")
	onBehalf := fs.String("namens", "", "wie intrekt: leerling of ouder:<id>")
	by := fs.String("door", "", "wie dit vastlegt: gebruiker:<id> (komt in het auditlogboek)")
	at := fs.String("op", "", "tijdstip van intrekken (JJJJ-MM-DD UU:MM); leeg: nu")
	note := fs.String("notitie", "", "korte, feitelijke notitie (hoe kwam de intrekking binnen)")
	asJSON := fs.Bool("json", false, "uitvoer als JSON")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *id <= 0 {
		return withExit(2, errors.New("--id ontbreekt"))
	}
	g, err := consent.ParseGiver(*onBehalf)
	if err != nil {
		return withExit(2, fmt.Errorf("--namens: %w", err))
	}
	when := time.Now()
	if *at != "" {
		if when, err = parseMoment(*at); err != nil {
			return withExit(2, fmt.Errorf("--op: %v", err))
		}
	}
	s, err := openConsent(ctx, c)
	if err != nil {
		return err
	}
	defer s.db.Close()
	rec, err := s.reg.Get(ctx, s.region.ID, *id)
	if err != nil {
		return consentExit(err)
	}
	p, err := s.db.Pupil(ctx, s.region.ID, rec.Data().PupilID)
	if err != nil {
		return err
	}
	ch, err := s.change(ctx, *by, p, "toestemming intrekken", time.Now())
	if err != nil {
		return err
	}
	svc, err := s.service()
	if err != nil {
		return err
	}
	w, uses, err := svc.Withdraw(ctx, ch, *id, g, when, *by, *note)
	if err != nil {
		return consentExit(err)
	}
	if *asJSON {
		type ju struct {
			Op          string `json:"op"`
			Doel        string `json:"doel"`
			Ontvanger   string `json:"ontvanger"`
			Categorie   string `json:"categorie"`
			Verwijzing  string `json:"verwijzing"`
			Verstrekker string `json:"verstrekker"`
		}
		out := struct {
			Toestemming    int64  `json:"toestemming"`
			IngetrokkenOp  string `json:"ingetrokken_op"`
			Door           string `json:"door"`
			Verstrekkingen []ju   `json:"verstrekkingen"`
		}{Toestemming: *id, IngetrokkenOp: w.At.Local().Format("2006-01-02 15:04"), Door: w.By.String(), Verstrekkingen: []ju{}}
		for _, u := range uses {
			out.Verstrekkingen = append(out.Verstrekkingen, ju{u.At.Local().Format("2006-01-02 15:04"), u.Purpose,
				consent.Recipient{Party: u.Party, OrganisationID: u.OrganisationID}.String(), u.Category, u.Reference, u.By})
		}
		return writeJSON(e.stdout, out)
	}
	fmt.Fprintf(e.stdout, "Toestemming %d is ingetrokken op %s namens %s. Vanaf nu dekt zij geen verstrekking meer.\n",
		*id, w.At.Local().Format("2006-01-02 15:04"), w.By)
	if len(uses) == 0 {
		fmt.Fprintln(e.stdout, "Er zijn geen verstrekkingen op deze toestemming vastgelegd.")
		return nil
	}
	fmt.Fprintf(e.stdout, "Deze %d verstrekking(en) steunden op de toestemming; laat de ontvangers weten dat zij is ingetrokken:\n", len(uses))
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "OP\tONTVANGER\tDOEL\tCATEGORIE\tVERWIJZING")
	for _, u := range uses {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.At.Local().Format("2006-01-02 15:04"), consent.Recipient{Party: u.Party, OrganisationID: u.OrganisationID},
			u.Purpose, u.Category, u.Reference)
	}
	return tw.Flush()
}

func runToestemmingControleer(ctx context.Context, e env) (err error) {
	defer wrap(&err, "toestemming controleren")
	fs := newFlagSet(e, "toestemming controleer", "toestemming controleer --leerling X --doel D --ontvanger PARTIJ[:ORG-ID] --categorie C [--op …] [--json]")
	c := storeFlags(fs, e)
	convenantFlag(fs, e, c)
	pupilArg := fs.String("leerling", "", "pseudoniem, BSN of onderwijsnummer van de leerling")
	purpose := fs.String("doel", "", "doelcode")
	recipient := fs.String("ontvanger", "", "ontvangende partij, eventueel met organisatie-id")
	category := fs.String("categorie", "", "categorie persoonsgegevens")
	at := fs.String("op", "", "tijdstip (JJJJ-MM-DD UU:MM); leeg: nu")
	asJSON := fs.Bool("json", false, "uitvoer als JSON")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	rc, err := consent.ParseRecipient(*recipient)
	if err != nil || rc.Party == "" {
		return withExit(2, errors.New("--ontvanger ontbreekt of is ongeldig"))
	}
	when := time.Now()
	if *at != "" {
		if when, err = parseMoment(*at); err != nil {
			return withExit(2, fmt.Errorf("--op: %v", err))
		}
	}
	s, err := openConsent(ctx, c)
	if err != nil {
		return err
	}
	defer s.db.Close()
	p, err := s.pupil(ctx, *pupilArg)
	if err != nil {
		return err
	}
	cov, err := s.reg.Check(ctx, s.region.ID, consent.Request{PupilID: p.ID, Purpose: *purpose, Party: rc.Party,
		OrganisationID: rc.OrganisationID, Category: *category, Now: when})
	if err != nil {
		return consentExit(err)
	}
	if *asJSON {
		return writeJSON(e.stdout, struct {
			Gedekt      bool   `json:"gedekt"`
			Toestemming string `json:"toestemming,omitempty"`
			Ontbreekt   string `json:"ontbreekt,omitempty"`
			Reden       string `json:"reden"`
			Bron        string `json:"bron"`
		}{cov.Covered, cov.ConsentRef(), cov.Missing, cov.Requirement.Reason, cov.Requirement.Source})
	}
	if cov.Covered {
		fmt.Fprintf(e.stdout, "Gedekt door toestemming %s.\n", strconv.FormatInt(cov.ConsentID, 10))
		return nil
	}
	fmt.Fprintf(e.stdout, "Niet gedekt: %s.\n", cov.Missing)
	return nil
}
