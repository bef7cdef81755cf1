package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
)

// runCLI runs grondslag with args and stdin and returns the exit code and both streams.
func runToestemmingCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), env{args: args, stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb,
		getenv: func(string) string { return "" }})
	return code, out.String(), errb.String()
}

func TestToestemmingNodigJSON(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		leerling bool
		ouders   string
	}{
		{"jeugdhulp 9 joint gezag", `{"geboortedatum":"2017-01-01","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":2}`, false, "alle"},
		{"jeugdhulp 9 sole gezag", `{"geboortedatum":"2017-01-01","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":1}`, false, "een"},
		{"jeugdhulp 15 day before 16", `{"geboortedatum":"2010-06-02","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":2}`, true, "alle"},
		{"jeugdhulp 16 on birthday", `{"geboortedatum":"2010-06-01","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":2}`, true, "geen"},
		{"signalering 12 on birthday: parents decide until 16", `{"geboortedatum":"2014-06-01","peildatum":"2026-06-01","doel":"signalering","gezaghebbenden":2}`, false, "een"},
		{"signalering 16 on birthday", `{"geboortedatum":"2010-06-01","peildatum":"2026-06-01","doel":"signalering","gezaghebbenden":1}`, true, "geen"},
		{"jeugdhulp 12 on birthday", `{"geboortedatum":"2014-06-01","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":2}`, true, "alle"},
		{"jeugdhulp 11 day before 12", `{"geboortedatum":"2014-06-02","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":2}`, false, "alle"},
		{"jeugdhulp no gezag recorded", `{"geboortedatum":"2014-06-02","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":0}`, false, "een"},
		{"born 29 Feb, 28 Feb of a non-leap year: not yet 15", `{"geboortedatum":"2012-02-29","peildatum":"2027-02-28","doel":"jeugdhulp","gezaghebbenden":2}`, true, "alle"},
		{"signalering 11 day before", `{"geboortedatum":"2014-06-02","peildatum":"2026-06-01","doel":"signalering","gezaghebbenden":2}`, false, "een"},
		{"leerplicht", `{"geboortedatum":"2014-06-02","peildatum":"2026-06-01","doel":"handhaving-leerplicht","gezaghebbenden":2}`, false, "geen"},
		{"monitoring, fields reordered and spaced", ` { "gezaghebbenden": 0, "doel": "monitoring", "peildatum": "2026-06-01", "geboortedatum": "2014-06-02" } `, false, "geen"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runToestemmingCLI(t, tt.in, "toestemming", "nodig", "--json")
			if code != 0 {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			var got map[string]any
			dec := json.NewDecoder(strings.NewReader(out))
			if err := dec.Decode(&got); err != nil {
				t.Fatalf("output %q: %v", out, err)
			}
			if len(got) != 4 {
				t.Errorf("want exactly leerling, ouders, reden, bron; got %v", got)
			}
			if got["leerling"] != tt.leerling || got["ouders"] != tt.ouders {
				t.Errorf("got leerling=%v ouders=%v, want %v %v", got["leerling"], got["ouders"], tt.leerling, tt.ouders)
			}
			if r, _ := got["reden"].(string); r == "" {
				t.Error("empty reden")
			}
			if b, _ := got["bron"].(string); b == "" {
				t.Error("empty bron")
			}
			if !strings.HasPrefix(out, `{"leerling":`) {
				t.Errorf("field order changed: %s", out)
			}
		})
	}
}

func TestToestemmingNodigMalformed(t *testing.T) {
	tests := []struct {
		name, in, field string
	}{
		{"empty", ``, "standaardinvoer"},
		{"not json", `geboortedatum=2010-01-01`, "ongeldige JSON"},
		{"unclosed", `{"geboortedatum":"2010-01-01"`, "onvolledige JSON"},
		{"missing geboortedatum", `{"peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":2}`, "geboortedatum"},
		{"missing peildatum", `{"geboortedatum":"2010-01-01","doel":"jeugdhulp","gezaghebbenden":2}`, "peildatum"},
		{"missing doel", `{"geboortedatum":"2010-01-01","peildatum":"2026-06-01","gezaghebbenden":2}`, "doel"},
		{"missing gezaghebbenden", `{"geboortedatum":"2010-01-01","peildatum":"2026-06-01","doel":"jeugdhulp"}`, "gezaghebbenden"},
		{"bad date", `{"geboortedatum":"2010-02-30","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":2}`, "geboortedatum"},
		{"dutch date order", `{"geboortedatum":"01-02-2010","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":2}`, "geboortedatum"},
		{"bad peildatum", `{"geboortedatum":"2010-01-01","peildatum":"morgen","doel":"jeugdhulp","gezaghebbenden":2}`, "peildatum"},
		{"unknown purpose", `{"geboortedatum":"2010-01-01","peildatum":"2026-06-01","doel":"vakantie","gezaghebbenden":2}`, "doel"},
		{"three guardians", `{"geboortedatum":"2010-01-01","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":3}`, "gezaghebbenden"},
		{"negative guardians", `{"geboortedatum":"2010-01-01","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":-1}`, "gezaghebbenden"},
		{"guardians as text", `{"geboortedatum":"2010-01-01","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":"2"}`, "gezaghebbenden"},
		{"guardians fraction", `{"geboortedatum":"2010-01-01","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":1.5}`, "gezaghebbenden"},
		{"date as number", `{"geboortedatum":20100101,"peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":2}`, "geboortedatum"},
		{"unknown field", `{"geboortedatum":"2010-01-01","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":2,"bsn":"1"}`, "bsn"},
		{"two objects", `{"geboortedatum":"2010-01-01","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":2}{}`, "één vraag"},
		{"array", `[]`, "ongeldige JSON"},
		{"peildatum before birth", `{"geboortedatum":"2010-01-01","peildatum":"2009-06-01","doel":"jeugdhulp","gezaghebbenden":2}`, "peildatum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runToestemmingCLI(t, tt.in, "toestemming", "nodig", "--json")
			if code != 2 {
				t.Fatalf("exit %d, want 2 (stdout %q, stderr %q)", code, out, stderr)
			}
			if out != "" {
				t.Errorf("stdout should be empty on error, got %q", out)
			}
			if !strings.Contains(stderr, tt.field) {
				t.Errorf("stderr %q does not name %q", stderr, tt.field)
			}
		})
	}
}

func TestToestemmingNodigText(t *testing.T) {
	code, out, stderr := runToestemmingCLI(t, `{"geboortedatum":"2012-01-01","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":2}`,
		"toestemming", "nodig")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Toestemming leerling zelf: ja", "Toestemming ouders met gezag: alle", "Bron: Jeugdwet"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestToestemmingUsage(t *testing.T) {
	if code, _, _ := runToestemmingCLI(t, "", "toestemming"); code != 2 {
		t.Errorf("no subcommand: exit %d, want 2", code)
	}
	if code, _, stderr := runToestemmingCLI(t, "", "toestemming", "raden"); code != 2 || !strings.Contains(stderr, "raden") {
		t.Errorf("unknown subcommand: exit %d, %q", code, stderr)
	}
	if code, _, _ := runToestemmingCLI(t, "", "toestemming", "nodig", "--onzin"); code != 2 {
		t.Errorf("unknown flag: exit %d", code)
	}
}

// consentCLIFixture makes a migrated SQLite store with one region, a school, a jeugdhulp
// organisation and a pupil (BSN 111222333, 13 years and 2 months old today) with two parents with gezag and a
// stepparent without. It returns the store flags and the ids.
func consentCLIFixture(t *testing.T) (st []string, ids map[string]int64) {
	t.Helper()
	dir := t.TempDir()
	dbPath, keyPath := filepath.Join(dir, "g.db"), filepath.Join(dir, "k.json")
	st = []string{"--db", dbPath, "--sleutels", keyPath}
	if code, _, errs := runToestemmingCLI(t, "", "migrate", "--db", dbPath); code != 0 {
		t.Fatalf("migrate: %s", errs)
	}
	if code, _, errs := runToestemmingCLI(t, "", append([]string{"regio", "aanmaken", "--code", "test-regio", "--naam", "Testregio", "--vakantieregio", "midden"}, st...)...); code != 0 {
		t.Fatalf("regio: %s", errs)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ring, err := ident.LoadKeyFile(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := ring.Region("test-regio")
	if err != nil {
		t.Fatal(err)
	}
	r, err := db.RegionByCode(ctx, "test-regio")
	if err != nil {
		t.Fatal(err)
	}
	ids = map[string]int64{}
	err = db.WithTx(ctx, func(tx *store.Tx) error {
		school, _ := region.NewOrganisation(region.Organisation{Kind: region.KindSchool, Name: "Het Baken", BRIN: "12AB", Sector: region.SectorVO})
		if ids["school"], err = tx.CreateOrganisation(ctx, r.ID, school); err != nil {
			return err
		}
		u, err := region.NewUser(region.User{OrganisationID: ids["school"], Name: "J. Bakker", Email: "zorg@baken.example", Role: region.RoleZorgcoordinator, Active: true}, region.KindSchool)
		if err != nil {
			return err
		}
		if ids["gebruiker"], err = tx.CreateUser(ctx, r.ID, u, time.Now()); err != nil {
			return err
		}
		other, _ := region.NewOrganisation(region.Organisation{Kind: region.KindSchool, Name: "De Andere School", BRIN: "34CD", Sector: region.SectorPO})
		if ids["school2"], err = tx.CreateOrganisation(ctx, r.ID, other); err != nil {
			return err
		}
		u2, err := region.NewUser(region.User{OrganisationID: ids["school2"], Name: "A. Ander", Email: "zorg@ander.example", Role: region.RoleZorgcoordinator, Active: true}, region.KindSchool)
		if err != nil {
			return err
		}
		if ids["gebruiker2"], err = tx.CreateUser(ctx, r.ID, u2, time.Now()); err != nil {
			return err
		}
		gem, _ := region.NewOrganisation(region.Organisation{Kind: region.KindGemeente, Name: "Gemeente Oost", CBSCode: "GM0034"})
		if ids["gemeente"], err = tx.CreateOrganisation(ctx, r.ID, gem); err != nil {
			return err
		}
		lpa, err := region.NewUser(region.User{OrganisationID: ids["gemeente"], Name: "L. Plicht", Email: "lpa@oost.example", Role: region.RoleLeerplicht, Active: true}, region.KindGemeente)
		if err != nil {
			return err
		}
		if ids["leerplicht"], err = tx.CreateUser(ctx, r.ID, lpa, time.Now()); err != nil {
			return err
		}
		jh, _ := region.NewOrganisation(region.Organisation{Kind: region.KindJeugdhulp, Name: "Jeugdhulp Oost"})
		if ids["jeugdhulp"], err = tx.CreateOrganisation(ctx, r.ID, jh); err != nil {
			return err
		}
		p, err := region.NewPupil(region.Pupil{NumberKind: ident.BSN, Number: "111222333", FirstName: "Sem", LastName: "Jansen",
			BirthDate: time.Now().AddDate(-13, -2, 0).UTC().Truncate(24 * time.Hour)}, time.Now())
		if err != nil {
			return err
		}
		if ids["leerling"], _, err = tx.CreatePupil(ctx, r.ID, p, keys, time.Now()); err != nil {
			return err
		}
		if _, err := tx.AddEnrolment(ctx, r.ID, ids["leerling"], region.Enrolment{SchoolID: ids["school"], Number: "L1", From: time.Now().AddDate(-1, 0, 0).UTC().Truncate(24 * time.Hour), Year: "vwo 1"}); err != nil {
			return err
		}
		for _, x := range []struct {
			key, rel string
			gezag    bool
		}{{"moeder", "moeder", true}, {"vader", "vader", true}, {"stiefouder", "pleegouder", false}} {
			if ids[x.key], err = tx.CreateParent(ctx, r.ID, region.Parent{LastName: x.key}); err != nil {
				return err
			}
			if err := tx.LinkGuardian(ctx, r.ID, ids["leerling"], region.GuardianLink{ParentID: ids[x.key], Relation: x.rel, Gezag: x.gezag}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return st, ids
}

func TestToestemmingRegisterCLI(t *testing.T) {
	st, ids := consentCLIFixture(t)
	cmd := func(args ...string) []string { return append(append([]string{"toestemming"}, args...), st...) }
	user := "gebruiker:" + strconv.FormatInt(ids["gebruiker"], 10)
	// The form: pupil of 13, jeugdhulp, joint gezag: pupil and both parents sign.
	code, html, errs := runToestemmingCLI(t, "", cmd("formulier", "--leerling", "111222333", "--doel", "jeugdhulp", "--contact", "J. Bakker, zorgcoördinator")...)
	if code != 0 {
		t.Fatalf("formulier: %d %s", code, errs)
	}
	if !strings.Contains(html, "Het Baken") || strings.Count(html, `class="sign"`) != 3 {
		t.Errorf("form HTML lacks the school or three signature blocks")
	}
	i := strings.Index(errs, "--formulier ")
	if i < 0 {
		t.Fatalf("no reference in %q", errs)
	}
	ref := strings.Fields(errs[i+len("--formulier "):])[0]
	pdfPath := filepath.Join(t.TempDir(), "formulier.pdf")
	code, _, errs = runToestemmingCLI(t, "", cmd("formulier", "--leerling", "111222333", "--doel", "jeugdhulp", "--contact", "J. Bakker, zorgcoördinator", "--formaat", "pdf", "--uitvoer", pdfPath)...)
	if b, err := os.ReadFile(pdfPath); code != 0 || err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) || !strings.Contains(errs, ref) {
		t.Errorf("pdf: exit %d, %v, %s (same wording, same reference %s expected)", code, err, errs, ref)
	}

	evidence := filepath.Join(t.TempDir(), "getekend.pdf")
	os.WriteFile(evidence, []byte("scan"), 0o600)
	o := strconv.FormatInt
	base := []string{"vastleggen", "--leerling", "111222333", "--doel", "jeugdhulp", "--ontvanger", "jeugdhulp:" + o(ids["jeugdhulp"], 10),
		"--categorie", "gezondheid,gezinssituatie", "--kanaal", "schriftelijk", "--formulier", ref, "--bewijs", evidence, "--door", user}
	// Bad input: exit 2, Dutch reason, nothing stored.
	for _, tt := range []struct {
		extra []string
		want  string
	}{
		{[]string{"--gever", "leerling"}, "beide gezaghebbende ouders"},
		{[]string{"--gever", "leerling,ouder:" + o(ids["moeder"], 10) + ",ouder:" + o(ids["stiefouder"], 10)}, "geen gezag"},
		{[]string{"--gever", "leerling,ouder:" + o(ids["moeder"], 10) + ",ouder:" + o(ids["vader"], 10), "--tot", "2020-01-01"}, "vóór"},
		{[]string{"--gever", "ouder:x"}, "--gever"},
		{[]string{"--gever", "leerling,ouder:" + o(ids["moeder"], 10) + ",ouder:" + o(ids["vader"], 10), "--ontvanger", "politie"}, "onbekende ontvanger"},
	} {
		code, _, errs := runToestemmingCLI(t, "", cmd(append(append([]string{}, base...), tt.extra...)...)...)
		if code != 2 || !strings.Contains(errs, tt.want) {
			t.Errorf("%v: exit %d, stderr %q (want %q)", tt.extra, code, errs, tt.want)
		}
	}
	if _, out, _ := runToestemmingCLI(t, "", cmd("lijst", "--leerling", "111222333")...); !strings.Contains(out, "geen toestemming") {
		t.Errorf("something was stored: %s", out)
	}

	// The 13-year-old's own consent for the jeugdarts' disclosure to the school (BW 7:457 with
	// 7:465): refused as the school's (the parents decide up to 16), recorded with --verstrekker ggd.
	_, _, ferrs := runToestemmingCLI(t, "", cmd("formulier", "--leerling", "111222333", "--doel", "toeleiding", "--contact", "GGD, jeugdarts")...)
	fi := strings.Index(ferrs, "--formulier ")
	if fi < 0 {
		t.Fatalf("no reference for the toeleiding form in %q", ferrs)
	}
	jeugdarts := []string{"vastleggen", "--leerling", "111222333", "--doel", "toeleiding", "--ontvanger", "school", "--categorie", "gezondheid",
		"--kanaal", "schriftelijk", "--formulier", strings.Fields(ferrs[fi+len("--formulier "):])[0], "--bewijs", evidence, "--door", user, "--gever", "leerling"}
	if code, _, errs := runToestemmingCLI(t, "", cmd(jeugdarts...)...); code != 2 || !strings.Contains(errs, "kan nog niet zelf") {
		t.Errorf("the school's disclosure on the 13-year-old's own consent: exit %d, %s", code, errs)
	}
	if code, _, errs := runToestemmingCLI(t, "", cmd(append(jeugdarts, "--verstrekker", "ggd")...)...); code != 0 {
		t.Errorf("the jeugdarts' disclosure on the 13-year-old's own consent: exit %d, %s", code, errs)
	}

	all := "leerling,ouder:" + o(ids["moeder"], 10) + ",ouder:" + o(ids["vader"], 10)
	code, out, errs := runToestemmingCLI(t, "", cmd(append(base, "--gever", all, "--json")...)...)
	if code != 0 {
		t.Fatalf("vastleggen: %d %s", code, errs)
	}
	var rec struct {
		ID        int64  `json:"id"`
		Stand     string `json:"stand"`
		GeldigTot string `json:"geldig_tot"`
	}
	if err := json.Unmarshal([]byte(out), &rec); err != nil || rec.Stand != "geldig" || rec.GeldigTot == "" {
		t.Fatalf("vastleggen output %s: %v", out, err)
	}
	check := cmd("controleer", "--leerling", "111222333", "--doel", "jeugdhulp", "--ontvanger", "jeugdhulp:"+o(ids["jeugdhulp"], 10), "--categorie", "gezondheid", "--json")
	code, out, _ = runToestemmingCLI(t, "", check...)
	if code != 0 || !strings.Contains(out, `"gedekt": true`) || !strings.Contains(out, `"toestemming": "`+o(rec.ID, 10)+`"`) {
		t.Fatalf("controleer: %d %s", code, out)
	}
	// Withdrawal by the stepparent is refused; by the father it works, and the next check sees it.
	if code, _, errs := runToestemmingCLI(t, "", cmd("intrekken", "--id", o(rec.ID, 10), "--namens", "ouder:"+o(ids["stiefouder"], 10), "--door", user)...); code != 2 || !strings.Contains(errs, "alleen wie moest toestemmen") {
		t.Errorf("stepparent withdrawal: %d %s", code, errs)
	}
	code, out, errs = runToestemmingCLI(t, "", cmd("intrekken", "--id", o(rec.ID, 10), "--namens", "ouder:"+o(ids["vader"], 10), "--door", user)...)
	if code != 0 || !strings.Contains(out, "ingetrokken") {
		t.Fatalf("intrekken: %d %s %s", code, out, errs)
	}
	code, out, _ = runToestemmingCLI(t, "", check...)
	if code != 0 || !strings.Contains(out, `"gedekt": false`) || !strings.Contains(out, "ingetrokken") {
		t.Errorf("after withdrawal: %s", out)
	}
	if code, out, _ := runToestemmingCLI(t, "", cmd("lijst", "--leerling", "111222333")...); code != 0 || !strings.Contains(out, "ingetrokken") {
		t.Errorf("lijst: %s", out)
	}
	if code, _, errs := runToestemmingCLI(t, "", cmd("intrekken", "--id", o(rec.ID, 10), "--namens", "ouder:"+o(ids["moeder"], 10), "--door", user)...); code != 2 || !strings.Contains(errs, "al ingetrokken") {
		t.Errorf("second withdrawal: %d %s", code, errs)
	}
	if code, out, _ := runToestemmingCLI(t, "", cmd("lijst", "--verloopt-binnen", "30")...); code != 0 || !strings.Contains(out, "Geen toestemmingen") {
		t.Errorf("reminders: %d %s", code, out)
	}
	// Recording and withdrawing went into the audit trail, naming the consent.
	code, out, errs = runToestemmingCLI(t, "", append([]string{"audit", "toon", "--leerling", "111222333", "--json"}, st...)...)
	if code != 0 || strings.Count(out, `"toestemming": `+o(rec.ID, 10)) != 2 || !strings.Contains(out, "aanmaken") || !strings.Contains(out, "wijzigen") {
		t.Errorf("audit toon: %d %s %s", code, out, errs)
	}
	// The leerplichtambtenaar has no rule in the convenant to keep consents: the policy refuses.
	if code, _, errs := runToestemmingCLI(t, "", cmd(append(append([]string{}, base[:len(base)-1]...), "gebruiker:"+o(ids["leerplicht"], 10), "--gever", all)...)...); code == 0 || !strings.Contains(errs, "het convenant staat dit niet toe") {
		t.Errorf("leerplicht user: %d %s", code, errs)
	}
	// The zorgcoördinator of another school cannot record consents for this pupil.
	if code, _, errs := runToestemmingCLI(t, "", cmd(append(append([]string{}, base[:len(base)-1]...), "gebruiker:"+o(ids["gebruiker2"], 10), "--gever", all)...)...); code != 2 || !strings.Contains(errs, "staat niet ingeschreven bij De Andere School") {
		t.Errorf("other school's user: %d %s", code, errs)
	}
	// An unknown user cannot record.
	if code, _, errs := runToestemmingCLI(t, "", cmd(append(append([]string{}, base[:len(base)-1]...), "gebruiker:999", "--gever", all)...)...); code != 2 || !strings.Contains(errs, "geen actieve gebruiker") {
		t.Errorf("unknown user: %d %s", code, errs)
	}
}

func TestToestemmingNodigConvenantFile(t *testing.T) {
	// A region whose convenant asks both parents for toeleiding: the answer follows the file.
	path := filepath.Join(t.TempDir(), "convenant.yaml")
	if err := os.WriteFile(path, setConsentParents(t, convenant.DefaultYAML(), "toeleiding", "alle"), 0o600); err != nil {
		t.Fatal(err)
	}
	in := `{"geboortedatum":"2017-01-01","peildatum":"2026-06-01","doel":"toeleiding","gezaghebbenden":2}`
	_, def, _ := runToestemmingCLI(t, in, "toestemming", "nodig", "--json")
	code, own, errs := runToestemmingCLI(t, in, "toestemming", "nodig", "--json", "--convenant", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(def, `"ouders":"een"`) || !strings.Contains(own, `"ouders":"alle"`) {
		t.Errorf("model: %s\nown: %s", def, own)
	}
}

// FuzzToestemmingNodig: any input gives either exit 0 with exactly the four fields and a valid
// "ouders" value, or exit 2 with a message and nothing on standard output.
func FuzzToestemmingNodig(f *testing.F) {
	for _, s := range []string{
		`{"geboortedatum":"2012-03-15","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":2}`,
		`{"geboortedatum":"2012-02-29","peildatum":"2027-02-28","doel":"signalering","gezaghebbenden":0}`,
		`{"geboortedatum":"2012-03-15"}`, `[]`, `{"doel":1}`, ``, `{"geboortedatum":"2012-03-15","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":2}{`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		code, out, errs := runToestemmingCLI(t, in, "toestemming", "nodig", "--json")
		switch code {
		case 0:
			var got map[string]any
			if err := json.Unmarshal([]byte(out), &got); err != nil || len(got) != 4 {
				t.Fatalf("exit 0 with %q (%v)", out, err)
			}
			if o := got["ouders"]; o != "geen" && o != "een" && o != "alle" {
				t.Fatalf("ouders = %v", o)
			}
		case 2:
			if out != "" || strings.TrimSpace(errs) == "" {
				t.Fatalf("exit 2 with stdout %q, stderr %q", out, errs)
			}
		default:
			t.Fatalf("exit %d: %s", code, errs)
		}
	})
}

// setConsentParents returns the convenant src with the consent rule of purpose asking parents
// ("een" or "alle"), whatever the model convenant's layout; the result is loaded and checked, so a
// change of the model fails here instead of skipping the test.
func setConsentParents(t *testing.T, src []byte, purpose, parents string) []byte {
	t.Helper()
	k, err := convenant.Load(src, "model")
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := k.ConsentRule(purpose); !ok || r.Parents == parents {
		t.Fatalf("the model convenant has no consent rule for %s other than ouders: %s; pick another case", purpose, parents)
	}
	lines := strings.Split(string(src), "\n")
	section, item, done := false, false, false
	for i, l := range lines {
		trimmed := strings.TrimSpace(l)
		switch {
		case !strings.HasPrefix(l, " ") && trimmed != "" && !strings.HasPrefix(trimmed, "#"):
			section = strings.HasPrefix(l, "toestemming:")
			item = false
		case section && strings.HasPrefix(trimmed, "- "):
			item = strings.TrimSpace(strings.TrimPrefix(trimmed, "- ")) == "doel: "+purpose
		}
		if section && item && !done && strings.HasPrefix(trimmed, "ouders:") {
			lines[i] = l[:strings.Index(l, "ouders:")] + "ouders: " + parents
			done = true
		}
	}
	out := []byte(strings.Join(lines, "\n"))
	k, err = convenant.Load(out, "gewijzigd")
	if err != nil {
		t.Fatalf("changed convenant: %v", err)
	}
	if r, _ := k.ConsentRule(purpose); !done || r.Parents != parents {
		t.Fatalf("could not set ouders: %s for %s in the model convenant (layout changed?)", parents, purpose)
	}
	return out
}

// TestToestemmingVastleggenWithoutRegisterURI: recording and withdrawing a consent work on a
// convenant without verwerkingsregister_uri (the web always did), and the audit entries name
// the processing activity as a URI.
func TestToestemmingVastleggenWithoutRegisterURI(t *testing.T) {
	st, ids := consentCLIFixture(t)
	path := filepath.Join(t.TempDir(), "convenant.yaml")
	if err := os.WriteFile(path, withoutRegisterURI(t), 0o600); err != nil {
		t.Fatal(err)
	}
	st = append(st, "--convenant", path)
	o := strconv.FormatInt
	all := "leerling,ouder:" + o(ids["moeder"], 10) + ",ouder:" + o(ids["vader"], 10)
	code, _, errs := runToestemmingCLI(t, "", append([]string{"toestemming", "formulier", "--leerling", "111222333", "--doel", "jeugdhulp", "--contact", "J. Bakker, zorgcoördinator"}, st...)...)
	i := strings.Index(errs, "--formulier ")
	if code != 0 || i < 0 {
		t.Fatalf("formulier: %d %s", code, errs)
	}
	ref := strings.Fields(errs[i+len("--formulier "):])[0]
	evidence := filepath.Join(t.TempDir(), "getekend.pdf")
	if err := os.WriteFile(evidence, []byte("scan"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runToestemmingCLI(t, "", append([]string{"toestemming", "vastleggen", "--leerling", "111222333", "--doel", "jeugdhulp", "--formulier", ref, "--bewijs", evidence,
		"--ontvanger", "jeugdhulp:" + o(ids["jeugdhulp"], 10), "--categorie", "gezondheid", "--kanaal", "schriftelijk", "--gever", all,
		"--door", "gebruiker:" + o(ids["gebruiker"], 10), "--json"}, st...)...)
	if code != 0 {
		t.Fatalf("vastleggen: %d %s %s", code, out, errs)
	}
	var rec struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal([]byte(out), &rec); err != nil || rec.ID == 0 {
		t.Fatalf("%v %s", err, out)
	}
	if code, _, errs := runToestemmingCLI(t, "", append([]string{"toestemming", "intrekken", "--id", o(rec.ID, 10), "--namens", "ouder:" + o(ids["moeder"], 10),
		"--door", "gebruiker:" + o(ids["gebruiker"], 10)}, st...)...); code != 0 {
		t.Fatalf("intrekken: %d %s", code, errs)
	}
	code, out, errs = runToestemmingCLI(t, "", append([]string{"audit", "export", "--formaat", "logboek"}, st[:4]...)...)
	if code != 0 || strings.Count(out, "urn:grondslag:verwerking:") < 2 {
		t.Fatalf("audit export: %d %s %s", code, out, errs)
	}
}
