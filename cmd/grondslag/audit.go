package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/civil"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
)

const auditUsage = `gebruik: grondslag audit <opdracht> [opties]

Opdrachten:
  verify      herberekent de Merkle-boom uit de opgeslagen regels en controleert elk ondertekend
              controlepunt (en met --checkpoint een eerder ontvangen controlepunt)
  checkpoint  toont het laatste ondertekende controlepunt (--nieuw: maakt eerst een nieuw)
  sleutel     toont de openbare verificatiesleutel van de regio
  toon        de regels over één leerling, in volgorde (--leerling PSEUDONIEM of BSN)
  bewijs      het inclusiebewijs van één regel tegen een ondertekend controlepunt (--volgnummer N)
  controleer-bewijs BESTAND
              controleert een gedownload bewijsbestand zonder database (--sleutel SLEUTEL)
  export      schrijft de regels als JSON-regels (--formaat logboek of bladen; --organisatie: alleen
              die verwerkingsverantwoordelijke; --leerling: alleen die betrokkene)
  controleer-logboek [BESTAND]
              controleert een export in het Logboek-formaat tegen de regels van de standaard
              Logboek Dataverwerkingen, zonder database (--deel: een export van één partij)`

func runAudit(ctx context.Context, e env) error {
	if len(e.args) == 0 {
		return withExit(2, errors.New(auditUsage))
	}
	sub := e
	sub.args = e.args[1:]
	switch e.args[0] {
	case "verify", "verifieer":
		return runAuditVerify(ctx, sub)
	case "checkpoint", "controlepunt":
		return runAuditCheckpoint(ctx, sub)
	case "sleutel":
		return runAuditKey(ctx, sub)
	case "toon":
		return runAuditShow(ctx, sub)
	case "bewijs":
		return runAuditProof(ctx, sub)
	case "controleer-bewijs":
		return runAuditCheckProof(ctx, sub)
	case "export", "exporteer":
		return runAuditExport(ctx, sub)
	case "controleer-logboek":
		return runAuditCheckLogboek(ctx, sub)
	}
	return withExit(2, fmt.Errorf("onbekende opdracht %q\n%s", e.args[0], auditUsage))
}

// auditSetup opens the store and resolves the region for an audit subcommand.
type auditSetup struct {
	cfg    *config
	db     *store.DB
	as     *store.AuditStore
	region regionRef
}

func openAudit(ctx context.Context, cfg *config) (*auditSetup, error) {
	db, err := cfg.openStore(ctx)
	if err != nil {
		return nil, err
	}
	return newAuditSetup(ctx, cfg, db)
}

// openAuditReadOnly is openAudit on a read-only store (audit verify never writes).
func openAuditReadOnly(ctx context.Context, cfg *config) (*auditSetup, error) {
	db, err := cfg.openStoreReadOnly(ctx)
	if err != nil {
		return nil, err
	}
	return newAuditSetup(ctx, cfg, db)
}

func newAuditSetup(ctx context.Context, cfg *config, db *store.DB) (*auditSetup, error) {
	reg, err := cfg.region(ctx, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &auditSetup{cfg: cfg, db: db, as: store.NewAuditStore(db), region: reg}, nil
}

// signer returns the region's checkpoint signer from the key ring.
func (a *auditSetup) signer() (audit.CheckpointSigner, error) {
	ring, err := a.cfg.keyRing()
	if err != nil {
		return nil, err
	}
	keys, err := ring.Region(a.region.Code)
	if err != nil {
		return nil, fmt.Errorf("sleutels van regio %s: %w", a.region.Code, err)
	}
	return audit.NewSigner(audit.Origin(a.region.Code), keys.Signer())
}

// verifiers returns the verifier keys to check checkpoints with: the one given with --sleutel
// (a key string or a file holding it), or else the region's own key from the key ring.
func (a *auditSetup) verifiers(flagKey string) ([]note.Verifier, string, error) {
	if flagKey != "" {
		vkey := flagKey
		if b, err := os.ReadFile(flagKey); err == nil {
			vkey = strings.TrimSpace(string(b))
		}
		v, err := audit.ParseVerifierKey(vkey)
		if err != nil {
			return nil, "", withExit(2, err)
		}
		return []note.Verifier{v}, "opgegeven sleutel", nil
	}
	ring, err := a.cfg.keyRing()
	if err != nil {
		return nil, "", err
	}
	keys, err := ring.Region(a.region.Code)
	if err != nil {
		return nil, "", fmt.Errorf("sleutels van regio %s: %w", a.region.Code, err)
	}
	vs, err := regionVerifiers(a.region.Code, keys)
	if err != nil {
		return nil, "", err
	}
	return vs, "sleutel uit het sleutelbestand", nil
}

// fileList is a repeatable flag.
type fileList []string

func (f *fileList) String() string     { return strings.Join(*f, ",") }
func (f *fileList) Set(v string) error { *f = append(*f, v); return nil }

func runAuditVerify(ctx context.Context, e env) (err error) {
	defer wrap(&err, "auditlog controleren")
	fs := newFlagSet(e, "audit verify", "audit verify [--db …] [--regio CODE] [--checkpoint BESTAND]… [--sleutel SLEUTEL|BESTAND] [--grondig]\n       grondslag audit verify --bladen BESTAND --checkpoint BESTAND… --sleutel SLEUTEL|BESTAND")
	cfg := storeFlags(fs, e)
	var cpFiles fileList
	fs.Var(&cpFiles, "checkpoint", "een eerder ontvangen ondertekend controlepunt: het log moet daarmee consistent zijn (mag vaker)")
	vkey := fs.String("sleutel", "", "openbare verificatiesleutel van de regio (of een bestand ermee); standaard die uit het sleutelbestand")
	thorough := fs.Bool("grondig", false, "decodeer ook elke regel volledig (geldige, canoniek gecodeerde auditregel); trager")
	leavesFile := fs.String("bladen", "", "controleer zonder database: de bladen uit 'audit export --formaat bladen' tegen de controlepunten")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *leavesFile != "" {
		return verifyLeavesFile(e, *leavesFile, cpFiles, *vkey, *thorough)
	}
	a, err := openAuditReadOnly(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.db.Close()
	vs, keySource, err := a.verifiers(*vkey)
	if err != nil {
		return err
	}
	extra, err := readCheckpoints(cpFiles, vs)
	if err != nil {
		return err
	}
	start := time.Now()
	res, err := a.as.Verify(ctx, a.region.ID, store.VerifyOptions{Verifiers: vs, Extra: extra, Thorough: *thorough})
	if err != nil {
		if errors.Is(err, audit.ErrTampered) {
			return withExit(1, fmt.Errorf("het auditlog van regio %s klopt NIET: %w", a.region.Code, err))
		}
		return err
	}
	fmt.Fprintf(e.stdout, "auditlog regio %s klopt\ngrootte: %d\nroot: %s\ncontrolepunten: %d gecontroleerd (%s)\n",
		a.region.Code, res.Size, audit.RootString(res.Root), res.Checkpoints, keySource)
	for i, cp := range extra {
		// Besides recomputing the root at the checkpoint's size, check the RFC 6962 consistency
		// proof an outsider would check.
		p, err := a.as.ConsistencyProof(ctx, a.region.ID, cp.Size, res.Size)
		if err != nil {
			return err
		}
		if err := audit.VerifyConsistency(cp.Size, res.Size, p, cp.Root, res.Root); err != nil {
			return withExit(1, fmt.Errorf("het auditlog van regio %s klopt NIET: %w", a.region.Code, err))
		}
		fmt.Fprintf(e.stdout, "consistent met %s (grootte %d, %s): bewijs van %d hashes klopt\n", cpFiles[i], cp.Size, cp.Time.Format(time.RFC3339), len(p))
	}
	fmt.Fprintf(e.stdout, "duur: %s\n", time.Since(start).Round(time.Millisecond))
	return nil
}

func readCheckpoints(files []string, vs []note.Verifier) ([]audit.Checkpoint, error) {
	var out []audit.Checkpoint
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, withExit(2, fmt.Errorf("controlepunt lezen: %w", err))
		}
		cp, err := openAny(b, vs)
		if err != nil {
			return nil, withExit(1, fmt.Errorf("%s: %w", f, err))
		}
		out = append(out, cp)
	}
	return out, nil
}

// verifyLeavesFile checks exported leaves against checkpoints without a database: what an
// outsider holding the verifier key and earlier checkpoints does.
func verifyLeavesFile(e env, path string, cpFiles []string, vkey string, thorough bool) error {
	if vkey == "" || len(cpFiles) == 0 {
		return withExit(2, errors.New("--bladen vraagt --sleutel en minstens één --checkpoint"))
	}
	if b, err := os.ReadFile(vkey); err == nil {
		vkey = strings.TrimSpace(string(b))
	}
	v, err := audit.ParseVerifierKey(vkey)
	if err != nil {
		return withExit(2, err)
	}
	cps, err := readCheckpoints(cpFiles, []note.Verifier{v})
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return withExit(2, err)
	}
	defer f.Close()
	ver := audit.NewTreeVerifier(cps)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	var region int64
	var idx, pruned, prunedTo uint64
	for sc.Scan() {
		leaf := sc.Bytes()
		// An entry pruned at the end of the log's own period carries only its leaf hash: taken as
		// given, vouched for by the signed checkpoints alone (docs/audit.md §14).
		if p, ok, err := audit.ParsePrunedLine(leaf); ok {
			if err == nil && (p.Index != idx || idx > 0 && p.RegionID != region) {
				err = fmt.Errorf("de gesnoeide regel noemt volgnummer %d van regio %d", p.Index, p.RegionID)
			}
			if err != nil {
				return withExit(1, fmt.Errorf("de bladen kloppen NIET: regel %d: %w", idx, err))
			}
			if idx == 0 {
				region = p.RegionID
			}
			if err := ver.Add(idx, p.LeafHash); err != nil {
				return withExit(1, fmt.Errorf("de bladen kloppen NIET: %w", err))
			}
			pruned, prunedTo = pruned+1, max(prunedTo, p.PrunedTo)
			idx++
			continue
		}
		k, err := audit.ParseLeafKey(leaf)
		if err != nil {
			return withExit(1, fmt.Errorf("de bladen kloppen NIET: regel %d: %w", idx, err))
		}
		if idx == 0 {
			region = k.RegionID
		}
		s := audit.StoredEntry{RegionID: region, Index: idx, Leaf: leaf, LeafHash: audit.LeafHash(leaf), Time: k.Time, Pupil: k.Pupil}
		h, fnd := audit.CheckEntry(s, thorough)
		if fnd != nil {
			return withExit(1, fmt.Errorf("de bladen kloppen NIET: %w", ver.Fail(fnd)))
		}
		if err := ver.Add(idx, h); err != nil {
			return withExit(1, fmt.Errorf("de bladen kloppen NIET: %w", err))
		}
		idx++
	}
	if err := sc.Err(); err != nil {
		return err
	}
	size, root, err := ver.Finish()
	if err != nil {
		return withExit(1, fmt.Errorf("de bladen kloppen NIET: %w", err))
	}
	fmt.Fprintf(e.stdout, "bladen kloppen met %d controlepunt(en)\ngrootte: %d\nroot: %s\n", len(cps), size, audit.RootString(root))
	if pruned > 0 {
		largest := uint64(0)
		for _, cp := range cps {
			largest = max(largest, cp.Size)
		}
		fmt.Fprintf(e.stdout, "gesnoeid: %d regel(s) aan het eind van de bewaartermijn van het log; daarvan staat alleen de bladhash in het bestand, en alleen de controlepunten staan ervoor in\n", pruned)
		if largest < prunedTo {
			fmt.Fprintf(e.stdout, "let op: de gesnoeide regels tot %d vallen deels na uw grootste controlepunt (%d); vraag een nieuwer controlepunt om ook die bladhashes te controleren\n", prunedTo, largest)
		}
	}
	return nil
}

func openAny(b []byte, vs []note.Verifier) (audit.Checkpoint, error) {
	var first error
	for _, v := range vs {
		cp, err := audit.OpenCheckpoint(b, v)
		if err == nil {
			return cp, nil
		}
		if first == nil {
			first = err
		}
	}
	return audit.Checkpoint{}, first
}

func runAuditCheckpoint(ctx context.Context, e env) (err error) {
	defer wrap(&err, "controlepunt maken")
	fs := newFlagSet(e, "audit checkpoint", "audit checkpoint [--nieuw] [--db …] [--regio CODE]")
	cfg := storeFlags(fs, e)
	fresh := fs.Bool("nieuw", false, "maak eerst een nieuw controlepunt van de huidige stand (met de sleutel van de regio)")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	a, err := openAudit(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.db.Close()
	if *fresh {
		s, err := a.signer()
		if err != nil {
			return err
		}
		cp, err := a.as.MakeCheckpoint(ctx, a.region.ID, s, time.Now())
		if err != nil {
			return err
		}
		_, err = e.stdout.Write(cp.Note)
		return err
	}
	cp, err := a.as.LatestCheckpoint(ctx, a.region.ID)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("regio %s heeft nog geen controlepunt; maak er een met 'grondslag audit checkpoint --nieuw'", a.region.Code)
	}
	if err != nil {
		return err
	}
	_, err = e.stdout.Write(cp.Note)
	return err
}

func runAuditKey(ctx context.Context, e env) (err error) {
	defer wrap(&err, "auditsleutel tonen")
	fs := newFlagSet(e, "audit sleutel", "audit sleutel [--db …] [--regio CODE]")
	cfg := storeFlags(fs, e)
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	a, err := openAudit(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.db.Close()
	s, err := a.signer()
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, s.VerifierKey())
	return nil
}

// pupilPseudonym turns --leerling into the region's pseudonym: a 9-digit BSN or onderwijsnummer
// is pseudonymised with the region's key; anything else is taken as the pseudonym itself.
func (a *auditSetup) pupilPseudonym(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) != 9 || strings.Trim(s, "0123456789") != "" {
		return s, nil
	}
	kind := ident.BSN
	if ident.Validate(ident.BSN, s) != nil {
		kind = ident.Onderwijsnummer
		if err := ident.Validate(kind, s); err != nil {
			return "", withExit(2, errors.New("dit is geen geldig BSN of onderwijsnummer"))
		}
	}
	ring, err := a.cfg.keyRing()
	if err != nil {
		return "", err
	}
	keys, err := ring.Region(a.region.Code)
	if err != nil {
		return "", err
	}
	return keys.Pseudonym(kind, s), nil
}

// nameCache resolves user and organisation ids to names for the pupil's view.
type nameCache struct {
	db     *store.DB
	region int64
	m      map[string]string
}

func (n *nameCache) name(ctx context.Context, table string, id int64) string {
	if id == 0 {
		return ""
	}
	key := fmt.Sprintf("%s/%d", table, id)
	if v, ok := n.m[key]; ok {
		return v
	}
	var name string
	q := "SELECT naam FROM organisatie WHERE regio_id = ? AND id = ?"
	if table == "gebruiker" {
		q = "SELECT naam FROM gebruiker WHERE regio_id = ? AND id = ?"
	}
	if err := n.db.QueryRow(ctx, q, n.region, id).Scan(&name); err != nil {
		if !errors.Is(err, sql.ErrNoRows) {
			name = fmt.Sprintf("%s %d", table, id)
		} else {
			name = fmt.Sprintf("%s %d (onbekend)", table, id)
		}
	}
	n.m[key] = name
	return name
}

// shownEntry is one line of the pupil's view (JSON keys Dutch).
type shownEntry struct {
	Volgnummer   uint64   `json:"volgnummer"`
	Tijd         string   `json:"tijd"`
	Wie          string   `json:"wie"`
	Organisatie  string   `json:"organisatie,omitempty"`
	Rol          string   `json:"rol"`
	Namens       string   `json:"namens,omitempty"`
	Gegevens     []string `json:"gegevens"`
	Actie        string   `json:"actie"`
	Doel         string   `json:"doel,omitempty"`
	Grondslag    string   `json:"grondslag,omitempty"`
	Artikel      string   `json:"artikel,omitempty"`
	Toestemming  int64    `json:"toestemming,omitempty"`
	Melding      string   `json:"melding,omitempty"`
	Uitkomst     string   `json:"uitkomst"`
	Reden        string   `json:"reden,omitempty"`
	Toegangspunt string   `json:"toegangspunt"`
	Noodtoegang  bool     `json:"noodtoegang"`
}

func runAuditShow(ctx context.Context, e env) (err error) {
	defer wrap(&err, "auditlog tonen")
	fs := newFlagSet(e, "audit toon", "audit toon --leerling PSEUDONIEM|BSN [--json] [--db …] [--regio CODE]")
	cfg := storeFlags(fs, e)
	pupil := fs.String("leerling", "", "pseudoniem van de leerling, of het BSN/onderwijsnummer (wordt met de sleutel van de regio gepseudonimiseerd)")
	asJSON := fs.Bool("json", false, "uitvoer als JSON")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *pupil == "" {
		return withExit(2, errors.New("--leerling ontbreekt"))
	}
	a, err := openAudit(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.db.Close()
	ps, err := a.pupilPseudonym(*pupil)
	if err != nil {
		return err
	}
	leaves, err := a.as.ForPupil(ctx, a.region.ID, ps)
	if err != nil {
		return err
	}
	names := &nameCache{db: a.db, region: a.region.ID, m: map[string]string{}}
	loc := civil.Amsterdam
	var shown []shownEntry
	for _, l := range leaves {
		r := l.Entry.Record()
		s := shownEntry{
			Volgnummer: l.Index, Tijd: r.Time.In(loc).Format("2006-01-02 15:04:05"), Rol: r.Actor.Role,
			Gegevens: r.Categories, Actie: string(r.Action), Doel: r.Purpose, Grondslag: r.LegalGround,
			Artikel: r.Article, Toestemming: r.ConsentID, Melding: r.Melding, Uitkomst: string(r.Outcome),
			Reden: r.Reason, Toegangspunt: string(r.AccessPoint), Noodtoegang: r.Emergency,
		}
		switch {
		case r.Actor.UserID > 0:
			s.Wie = names.name(ctx, "gebruiker", r.Actor.UserID)
		case r.Actor.ParentID > 0:
			s.Wie = fmt.Sprintf("ouder %d", r.Actor.ParentID)
		case r.Actor.ClientID > 0:
			s.Wie = fmt.Sprintf("systeem (API-client %d)", r.Actor.ClientID)
		default:
			s.Wie = "systeemtaak"
		}
		s.Organisatie = names.name(ctx, "organisatie", r.Actor.OrganisationID)
		if r.OnBehalfOf > 0 {
			s.Namens = names.name(ctx, "gebruiker", r.OnBehalfOf)
		}
		if s.Gegevens == nil {
			s.Gegevens = []string{}
		}
		shown = append(shown, s)
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if shown == nil {
			shown = []shownEntry{}
		}
		return enc.Encode(map[string]any{"leerling": ps, "regels": shown})
	}
	if len(shown) == 0 {
		fmt.Fprintf(e.stdout, "geen auditregels over leerling %s in regio %s\n", ps, a.region.Code)
		return nil
	}
	fmt.Fprintf(e.stdout, "Auditregels over leerling %s (regio %s), oudste eerst:\n\n", ps, a.region.Code)
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NR\tTIJD\tWIE\tORGANISATIE\tROL\tGEGEVENS\tACTIE\tDOEL\tGRONDSLAG / ARTIKEL\tTOESTEMMING / MELDING\tUITKOMST\tVIA")
	for _, s := range shown {
		basis := strings.TrimSpace(s.Grondslag + " " + s.Artikel)
		var rel []string
		if s.Toestemming > 0 {
			rel = append(rel, fmt.Sprintf("toestemming %d", s.Toestemming))
		}
		if s.Melding != "" {
			rel = append(rel, "melding "+s.Melding)
		}
		uit := s.Uitkomst
		if s.Reden != "" {
			uit += " (" + s.Reden + ")"
		}
		via := s.Toegangspunt
		if s.Noodtoegang {
			via += ", NOODTOEGANG"
		}
		wie := s.Wie
		if s.Namens != "" {
			wie += " namens " + s.Namens
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.Volgnummer, s.Tijd, wie, s.Organisatie, s.Rol,
			strings.Join(s.Gegevens, ","), s.Actie, dash(s.Doel), dash(basis), dash(strings.Join(rel, ", ")), uit, via)
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func runAuditExport(ctx context.Context, e env) (err error) {
	defer wrap(&err, "auditlog exporteren")
	fs := newFlagSet(e, "audit export", "audit export --formaat logboek|bladen [--organisatie NAAM|BRIN|GM-CODE] [--leerling PSEUDONIEM|BSN] [--uitvoer BESTAND] [--db …] [--regio CODE]")
	cfg := storeFlags(fs, e)
	format := fs.String("formaat", "logboek", "logboek: records van de standaard Logboek Dataverwerkingen ("+audit.LogboekVersion+"); bladen: de canonieke bladen van de Merkle-boom (om zelf na te rekenen)")
	out := fs.String("uitvoer", "", "bestand om naar te schrijven; standaard de standaarduitvoer")
	orgArg := fs.String("organisatie", "", "alleen de records van deze verwerkingsverantwoordelijke (naam, BRIN met vestiging, of CBS-code GM…); alleen bij --formaat logboek")
	pupilArg := fs.String("leerling", "", "alleen de records over deze leerling (pseudoniem, BSN of onderwijsnummer); alleen bij --formaat logboek")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *format != "logboek" && *format != "bladen" {
		return withExit(2, fmt.Errorf("onbekend formaat %q: gebruik logboek of bladen", *format))
	}
	if *format == "bladen" && (*orgArg != "" || *pupilArg != "") {
		return withExit(2, errors.New("--organisatie en --leerling gelden alleen bij --formaat logboek: de bladen gaan altijd allemaal mee, anders is de boom niet na te rekenen"))
	}
	a, err := openAudit(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.db.Close()
	var opts audit.LogboekOptions
	wantOrg, wantSubject, wantAlias := "", "", ""
	if *format == "logboek" {
		ring, err := a.cfg.keyRing()
		if err != nil {
			return err
		}
		keys, err := ring.Region(a.region.Code)
		if err != nil {
			return fmt.Errorf("sleutels van regio %s: %w", a.region.Code, err)
		}
		opts.SubjectID = keys.DataSubjectID
		opts.Resource = map[string]string{"service.name": "grondslag", "grondslag.regio": a.region.Code}
		if version != "" {
			opts.Resource["service.version"] = version
		}
		if *orgArg != "" {
			o, err := findOrganisation(ctx, a.db, a.region.ID, *orgArg)
			if err != nil {
				return err
			}
			wantOrg = audit.OrganisationURI(a.region.ID, o.ID)
			opts.Resource["grondslag.verwerkingsverantwoordelijke"] = o.Name
		}
		if *pupilArg != "" {
			ps, err := a.pupilPseudonym(*pupilArg)
			if err != nil {
				return err
			}
			wantSubject = keys.DataSubjectID(ps)
			// Entries written since per-pupil aliases carry the alias (docs/audit.md §10).
			subjects, err := a.db.AuditSubjects(ctx, a.region.ID, ps)
			if err != nil {
				return err
			}
			wantAlias = keys.DataSubjectID(subjects[len(subjects)-1])
		}
	}
	var w io.Writer = e.stdout
	var f *os.File
	if *out != "" {
		f, err = os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	// Entries whose content was destroyed at the end of the log's own period (docs/audit.md §14):
	// the leaves export writes what is left of them (audit.PrunedLine); the Logboek has no record.
	prunings, err := a.as.Prunings(ctx, a.region.ID)
	if err != nil {
		return err
	}
	n := 0
	err = a.as.Entries(ctx, a.region.ID, 0, 1<<62, func(s audit.StoredEntry) error {
		pl, pruned := store.PrunedLine(prunings, s, amsterdam())
		if *format == "bladen" {
			n++
			if pruned {
				b, err := pl.Encode()
				if err != nil {
					return err
				}
				bw.Write(b)
				return bw.WriteByte('\n')
			}
			bw.Write(s.Leaf)
			return bw.WriteByte('\n')
		}
		if pruned {
			return nil
		}
		l, err := audit.DecodeLeaf(s.Leaf)
		if err != nil {
			return fmt.Errorf("regel %d: %w (controleer met 'grondslag audit verify')", s.Index, err)
		}
		rec, err := l.Logboek(opts)
		if err != nil {
			return err
		}
		if wantOrg != "" && rec.Attributes[audit.AttrController] != wantOrg {
			return nil
		}
		if ds := rec.Attributes[audit.AttrDataSubject]; wantSubject != "" && ds != wantSubject && ds != wantAlias {
			return nil
		}
		n++
		return enc.Encode(rec)
	})
	if err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if f != nil {
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "%d regels geschreven naar %s\n", n, *out)
	}
	return nil
}

// findOrganisation finds an organisation of the region by its name (case-insensitive), its BRIN
// with or without vestiging (12AB or 12AB00) or its CBS code (GM0363).
func findOrganisation(ctx context.Context, db *store.DB, regionID int64, s string) (region.Organisation, error) {
	orgs, err := db.Organisations(ctx, regionID)
	if err != nil {
		return region.Organisation{}, err
	}
	s = strings.TrimSpace(s)
	var found []region.Organisation
	for _, o := range orgs {
		if strings.EqualFold(o.Name, s) || (o.CBSCode != "" && strings.EqualFold(o.CBSCode, s)) ||
			(o.BRIN != "" && (strings.EqualFold(o.BRIN+o.Vestiging, s) || strings.EqualFold(o.BRIN, s))) {
			found = append(found, o)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return region.Organisation{}, withExit(2, fmt.Errorf("geen organisatie %q in deze regio (geef de naam, de BRIN met vestiging of de CBS-code)", s))
	default:
		return region.Organisation{}, withExit(2, fmt.Errorf("%q past bij %d organisaties; geef de BRIN met vestiging of de volledige naam", s, len(found)))
	}
}

// proofJSON is the inclusion proof of one entry, self-contained for an outsider: the leaf (its
// exact bytes as a JSON string: hash those), the signed checkpoint and the RFC 6962 audit path
// (base64 hashes).
type proofJSON struct {
	Volgnummer   uint64   `json:"volgnummer"`
	Blad         string   `json:"blad"`
	Bladhash     string   `json:"bladhash"`
	Grootte      uint64   `json:"grootte"`
	Root         string   `json:"root"`
	Bewijs       []string `json:"bewijs"`
	Controlepunt string   `json:"controlepunt"`
}

func runAuditProof(ctx context.Context, e env) (err error) {
	defer wrap(&err, "bewijs maken")
	fs := newFlagSet(e, "audit bewijs", "audit bewijs --volgnummer N [--checkpoint BESTAND] [--sleutel SLEUTEL|BESTAND] [--db …] [--regio CODE]")
	cfg := storeFlags(fs, e)
	index := fs.Int64("volgnummer", -1, "volgnummer van de regel (zie 'audit toon')")
	cpFile := fs.String("checkpoint", "", "ondertekend controlepunt om tegen te bewijzen; standaard het laatste opgeslagen")
	vkey := fs.String("sleutel", "", "openbare verificatiesleutel van de regio (of een bestand ermee); standaard die uit het sleutelbestand")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *index < 0 {
		return withExit(2, errors.New("--volgnummer ontbreekt"))
	}
	a, err := openAudit(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.db.Close()
	vs, _, err := a.verifiers(*vkey)
	if err != nil {
		return err
	}
	var signed []byte
	if *cpFile != "" {
		if signed, err = os.ReadFile(*cpFile); err != nil {
			return withExit(2, err)
		}
	} else {
		last, err := a.as.LatestCheckpoint(ctx, a.region.ID)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("regio %s heeft nog geen controlepunt; maak er een met 'grondslag audit checkpoint --nieuw'", a.region.Code)
		}
		if err != nil {
			return err
		}
		signed = last.Note
	}
	cp, err := openAny(signed, vs)
	if err != nil {
		return withExit(1, err)
	}
	idx := uint64(*index)
	if idx >= cp.Size {
		return withExit(2, fmt.Errorf("regel %d valt niet onder het controlepunt (grootte %d); maak een nieuw controlepunt", idx, cp.Size))
	}
	var leaf []byte
	err = a.as.Entries(ctx, a.region.ID, idx, idx+1, func(s audit.StoredEntry) error { leaf = s.Leaf; return nil })
	if err != nil {
		return err
	}
	if leaf == nil {
		return withExit(1, fmt.Errorf("%w: regel %d ontbreekt", audit.ErrTampered, idx))
	}
	h := audit.LeafHash(leaf)
	p, err := a.as.InclusionProof(ctx, a.region.ID, idx, cp.Size)
	if err != nil {
		return err
	}
	if err := audit.VerifyInclusion(idx, cp.Size, h, p, cp.Root); err != nil {
		return withExit(1, fmt.Errorf("het auditlog van regio %s klopt NIET: regel %d: %w", a.region.Code, idx, err))
	}
	out := proofJSON{Volgnummer: idx, Blad: string(leaf), Bladhash: audit.RootString(h), Grootte: cp.Size, Root: audit.RootString(cp.Root), Controlepunt: string(signed)}
	for _, x := range p {
		out.Bewijs = append(out.Bewijs, audit.RootString(x))
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
