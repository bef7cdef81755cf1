package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
)

// TestBewaartermijnenCommands: erasure on request from the command line, the report, the key
// counts, the audit log verifying after it, and clear errors for bad input.
func TestBewaartermijnenCommands(t *testing.T) {
	st := casusFixture(t)
	ctx := context.Background()
	db, err := store.Open(ctx, st[1])
	if err != nil {
		t.Fatal(err)
	}
	var pupil int64
	if err := db.QueryRow(ctx, "SELECT id FROM leerling").Scan(&pupil); err != nil {
		t.Fatal(err)
	}
	db.Close()
	id := strconv.FormatInt(pupil, 10)
	run := func(args ...string) (int, string, string) {
		t.Helper()
		return runCmd(t, "", append(append([]string{"bewaartermijnen"}, args...), st...)...)
	}
	if code, _, errs := run("bestaat-niet"); code != 2 || !strings.Contains(errs, "onbekende opdracht") {
		t.Fatalf("unknown: %d %q", code, errs)
	}
	if code, out, errs := run("voorstel", "--peildatum", "2026-12-03"); code != 0 || !strings.Contains(out, "niets nieuws") {
		t.Fatalf("voorstel: %d %q %q", code, out, errs)
	}
	if code, _, errs := run("voorstel", "--peildatum", "3-12-2026"); code != 2 || !strings.Contains(errs, "JJJJ-MM-DD") {
		t.Fatalf("bad date: %d %q", code, errs)
	}
	if code, _, errs := run("blokkade", "--leerling", id, "--reden", "", "--tot", "2099-01-01", "--door", "zc1@school.example"); code != 2 || !strings.Contains(errs, "reden") {
		t.Fatalf("hold without reason: %d %q", code, errs)
	}
	if code, out, errs := run("sleutels"); code != 0 || !strings.Contains(out, "1 levend, 0 vernietigd") {
		t.Fatalf("sleutels: %d %q %q", code, out, errs)
	}
	if code, _, errs := run("wissen", "--leerling", id, "--verzoek", "", "--toegewezen-door", "", "--door", "zc1@school.example"); code != 2 || !strings.Contains(errs, "verzoek") {
		t.Fatalf("erasure without request: %d %q", code, errs)
	}
	code, out, errs := run("wissen", "--leerling", id, "--verzoek", "verzoek 17 van 1 december 2026", "--toegewezen-door", "M. Jansen, directeur", "--door", "zc1@school.example")
	if code != 0 || !strings.Contains(out, "gewist") || !strings.Contains(out, "1 casus_verslag") {
		t.Fatalf("wissen: %d %q %q", code, out, errs)
	}
	if code, out, _ := run("sleutels"); code != 0 || !strings.Contains(out, "0 levend, 1 vernietigd") {
		t.Fatalf("sleutels after: %q", out)
	}
	if code, out, _ := run("rapport"); code != 0 || !strings.Contains(out, "wissingsverzoek") || !strings.Contains(out, "crypto-shredding") || !strings.Contains(out, "M. Jansen") {
		t.Fatalf("rapport: %q", out)
	}
	if code, out, errs := runCmd(t, "", append([]string{"audit", "verify"}, st...)...); code != 0 {
		t.Fatalf("audit verify after erasure: %d %q %q", code, out, errs)
	}
	if code, out, _ := runCmd(t, "", append([]string{"casus", "lijst", "--gebruiker", "zc1@school.example"}, st...)...); code != 0 || strings.Contains(out, "zat") {
		t.Fatalf("the case is still listed: %q", out)
	}
	if code, _, errs := run("wissen", "--leerling", id, "--verzoek", "nogmaals", "--toegewezen-door", "x", "--door", "zc1@school.example"); code == 0 || !strings.Contains(errs, "bestaat niet") {
		t.Fatalf("erasing twice: %d %q", code, errs)
	}
}

// TestBewaartermijnenListCommands walks a destruction list through the commands: proposal, the
// FG's advice (nobody else advises), the directeur's decision (a choice and a function required),
// execution, the list and the report; unexpected arguments and unknown lists are refused.
func TestBewaartermijnenListCommands(t *testing.T) {
	st := casusFixture(t)
	ctx := context.Background()
	db, err := store.Open(ctx, st[1])
	if err != nil {
		t.Fatal(err)
	}
	var regionID, school int64
	if err := db.QueryRow(ctx, "SELECT regio_id, id FROM organisatie WHERE soort = 'school'").Scan(&regionID, &school); err != nil {
		t.Fatal(err)
	}
	var former int64
	err = db.WithTx(ctx, func(tx *store.Tx) error {
		for _, u := range [][2]string{{"fg@school.example", "fg"}, {"directeur@school.example", "directeur"}} {
			if _, err := tx.Exec(ctx, "INSERT INTO gebruiker (regio_id, organisatie_id, naam, email, rol, aangemaakt_op) VALUES (?, ?, ?, ?, ?, 0)", regionID, school, "Naam "+u[1], u[0], u[1]); err != nil {
				return err
			}
		}
		if former, err = tx.InsertID(ctx, `INSERT INTO leerling (regio_id, pseudoniem, id_soort, id_versleuteld, sleutel_versie, voornaam, achternaam, geboortedatum, aangemaakt_op)
			VALUES (?, 'pseudo-oud-cli-0000001', 'bsn', ?, 1, 'Sanne', 'Oudhof', '2002-03-31', 0)`, regionID, []byte{1}); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "INSERT INTO inschrijving (regio_id, leerling_id, school_id, leerlingnummer, van, tot, leerjaar) VALUES (?, ?, ?, 'oud', '2014-08-01', '2019-07-31', 'vwo 6')", regionID, former, school)
		return err
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string, string) {
		t.Helper()
		return runCmd(t, "", append(append([]string{"bewaartermijnen"}, args...), st...)...)
	}
	code, out, errs := run("voorstel")
	if code != 0 || !strings.Contains(out, "Lijst 1 voor school") || !strings.Contains(out, "1 eenheid") {
		t.Fatalf("voorstel: %d %q %q", code, out, errs)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"lijsten", "extra"}, "onverwacht argument"},
		{[]string{"toon"}, "noem één lijstnummer"},
		{[]string{"toon", "99"}, "bestaat niet"},
		{[]string{"advies", "1", "--door", "zc1@school.example", "--oordeel", "positief"}, "alleen de functionaris gegevensbescherming"},
		{[]string{"advies", "1", "--oordeel", "positief"}, "--door ontbreekt"},
		{[]string{"advies", "1", "--door", "fg@school.example", "--oordeel", "negatief"}, "licht een negatief advies"},
		{[]string{"besluit", "1", "--door", "directeur@school.example", "--functie", "directeur"}, "kies --goedkeuren of --afwijzen"},
		{[]string{"besluit", "1", "--door", "directeur@school.example", "--functie", "directeur", "--goedkeuren"}, "vraag eerst het advies"},
		{[]string{"rapport", "--van", "1-1-2026"}, "JJJJ-MM-DD"},
	} {
		if code, _, errs := run(c.args...); code == 0 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: %d %q, want %q", c.args, code, errs, c.want)
		}
	}
	for _, args := range [][]string{
		{"advies", "1", "--door", "fg@school.example", "--oordeel", "positief"},
		{"besluit", "--door", "directeur@school.example", "1", "--functie", "directeur, gemandateerd door het bestuur", "--goedkeuren"},
	} {
		if code, out, errs := run(args...); code != 0 {
			t.Fatalf("%v: %d %q %q", args, code, out, errs)
		}
	}
	if code, out, errs := run("toon", "1", "--json"); code != 0 || !strings.Contains(out, `"status":"goedgekeurd"`) || !strings.Contains(out, `"hoedanigheid":"bevoegd gezag (bestuur)"`) {
		t.Fatalf("toon: %d %q %q", code, out, errs)
	}
	if code, out, errs := run("uitvoeren", "1", "--door", "directeur@school.example"); code != 0 || !strings.Contains(out, "1 eenheid vernietigd") {
		t.Fatalf("uitvoeren: %d %q %q", code, out, errs)
	}
	if code, out, _ := run("lijsten", "--status", "uitgevoerd"); code != 0 || !strings.Contains(out, "uitgevoerd") {
		t.Fatalf("lijsten: %q", out)
	}
	if code, out, _ := run("rapport"); code != 0 || !strings.Contains(out, "leerling "+strconv.FormatInt(former, 10)) || !strings.Contains(out, "directeur, gemandateerd door het bestuur") || strings.Contains(out, "Sanne") {
		t.Fatalf("rapport: %q", out)
	}
	if code, out, errs := runCmd(t, "", append([]string{"audit", "verify"}, st...)...); code != 0 {
		t.Fatalf("audit verify: %d %q %q", code, out, errs)
	}
}

// TestBewaartermijnenAuditLogCommands: the audit log's own period through the same commands as
// every other category. A region whose log starts with entries of 2005 by a school (no pupil):
// without a signed checkpoint nothing is proposed; after one, the daily proposal puts the range of
// the 2005 entries (twenty years and a day are over) on the school's list, not the entries of
// today; the FG advises, the directeur approves, execution prunes the range (counts only), the
// report names it with the approver, and `audit verify --grondig` passes before and after.
func TestBewaartermijnenAuditLogCommands(t *testing.T) {
	dir := t.TempDir()
	dbPath, keys := filepath.Join(dir, "g.db"), filepath.Join(dir, "k.json")
	st := []string{"--db", dbPath, "--sleutels", keys}
	if code, _, errs := runCmd(t, "", "migrate", "--db", dbPath); code != 0 {
		t.Fatalf("migrate: %s", errs)
	}
	if code, _, errs := runCmd(t, "", append([]string{"regio", "aanmaken", "--code", "log-regio", "--naam", "Logregio", "--vakantieregio", "midden"}, st...)...); code != 0 {
		t.Fatalf("regio: %s", errs)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	r, err := db.RegionByCode(ctx, "log-regio")
	if err != nil {
		t.Fatal(err)
	}
	var school int64
	err = db.WithTx(ctx, func(tx *store.Tx) error {
		o, _ := region.NewOrganisation(region.Organisation{Kind: region.KindSchool, Name: "De School", BRIN: "02BB", Sector: region.SectorVO})
		if school, err = tx.CreateOrganisation(ctx, r.ID, o); err != nil {
			return err
		}
		for _, u := range [][2]string{{"fg@school.example", "fg"}, {"directeur@school.example", "directeur"}} {
			if _, err := tx.Exec(ctx, "INSERT INTO gebruiker (regio_id, organisatie_id, naam, email, rol, aangemaakt_op) VALUES (?, ?, ?, ?, ?, 0)", r.ID, school, "Naam "+u[1], u[0], u[1]); err != nil {
				return err
			}
		}
		var es []audit.Entry
		for i, at := range []time.Time{time.Date(2005, 3, 1, 9, 0, 0, 0, time.UTC), time.Date(2005, 3, 2, 9, 0, 0, 0, time.UTC), time.Now()} {
			e, err := audit.NewEntry(audit.Record{Time: at, Actor: audit.Actor{UserID: 1, OrganisationID: school, Role: "zorgcoordinator"},
				Categories: []string{"verzuim"}, Action: audit.ActionRead, Purpose: "verzuimaanpak", LegalGround: "avg-6-1-c",
				Outcome: audit.Allowed, AccessPoint: audit.AccessUI, RequestID: "req-" + strconv.Itoa(i), TraceID: audit.NewTraceID(),
				OperationID: audit.NewOperationID(), Name: "overzicht", ProcessingActivity: "urn:grondslag:verwerking:verzuim"}, nil)
			if err != nil {
				return err
			}
			es = append(es, e)
		}
		return store.NewAuditStore(db).Append(ctx, tx, r.ID, es...)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string, string) {
		t.Helper()
		return runCmd(t, "", append(append([]string{"bewaartermijnen"}, args...), st...)...)
	}
	verify := func(when string) {
		t.Helper()
		if code, out, errs := runCmd(t, "", append([]string{"audit", "verify", "--grondig"}, st...)...); code != 0 || !strings.Contains(out, "klopt") {
			t.Fatalf("audit verify %s: %d %q %q", when, code, out, errs)
		}
	}
	if code, out, errs := run("voorstel"); code != 0 || !strings.Contains(out, "niets nieuws") {
		t.Fatalf("voorstel without a signed checkpoint: %d %q %q", code, out, errs)
	}
	if code, out, errs := runCmd(t, "", append([]string{"audit", "checkpoint", "--nieuw"}, st...)...); code != 0 {
		t.Fatalf("checkpoint: %d %q %q", code, out, errs)
	}
	verify("before")
	if code, out, errs := run("voorstel"); code != 0 || !strings.Contains(out, "Lijst 1 voor school") {
		t.Fatalf("voorstel: %d %q %q", code, out, errs)
	}
	code, out, errs := run("toon", "1", "--json")
	if code != 0 || !strings.Contains(out, `"soort":"auditlog"`) || !strings.Contains(out, `"auditlog_tot":2,"auditlog_van":0`) || !strings.Contains(out, `"categorieen":["auditlog"]`) {
		t.Fatalf("toon: %d %q %q", code, out, errs)
	}
	for _, args := range [][]string{
		{"advies", "1", "--door", "fg@school.example", "--oordeel", "positief"},
		{"besluit", "1", "--door", "directeur@school.example", "--functie", "directeur, gemandateerd door het bestuur", "--goedkeuren"},
	} {
		if code, out, errs := run(args...); code != 0 {
			t.Fatalf("%v: %d %q %q", args, code, out, errs)
		}
	}
	if code, out, errs := run("uitvoeren", "1", "--door", "directeur@school.example"); code != 0 || !strings.Contains(out, "Vernietigd: auditlog regels 0 tot 2 (2 audit_regel)") {
		t.Fatalf("uitvoeren: %d %q %q", code, out, errs)
	}
	if code, out, _ := run("rapport", "--van", "2020-01-01", "--tot", "2100-01-01"); code != 0 || !strings.Contains(out, "auditlog regels 0 tot 2") || !strings.Contains(out, "gemandateerd door het bestuur") {
		t.Fatalf("rapport: %q", out)
	}
	verify("after")

	// The leaves export after pruning: a pruned entry is a line with its leaf hash and the pruning
	// (boundary, ground, list, rules); an outsider's verification against a checkpoint signed
	// after the pruning passes, and fails when a pruned hash is changed. The Logboek export skips
	// the pruned entries.
	code, cpText, errs := runCmd(t, "", append([]string{"audit", "checkpoint", "--nieuw"}, st...)...)
	if code != 0 {
		t.Fatalf("checkpoint after: %d %q", code, errs)
	}
	_, vkey, _ := runCmd(t, "", append([]string{"audit", "sleutel"}, st...)...)
	cpFile, keyFile := writeFile(t, dir, "cp.txt", cpText), writeFile(t, dir, "sleutel.txt", vkey)
	code, leaves, errs := runCmd(t, "", append([]string{"audit", "export", "--formaat", "bladen"}, st...)...)
	lines := strings.Split(strings.TrimSpace(leaves), "\n")
	if code != 0 || len(lines) != 4 {
		t.Fatalf("export bladen: %d %d lines %q", code, len(lines), errs)
	}
	for i, l := range lines[:2] {
		if !strings.HasPrefix(l, `{"gesnoeid":true,`) || !strings.Contains(l, fmt.Sprintf(`"index":%d,`, i)) || !strings.Contains(l, `"snoeigrens":2`) ||
			!strings.Contains(l, `"grond":"bewaartermijn"`) || !strings.Contains(l, `"lijsten":"1"`) || !strings.Contains(l, "auditlog: 20 jaar na vastlegging") || !strings.Contains(l, `"blad_hash":"`) {
			t.Fatalf("pruned line %d: %s", i, l)
		}
	}
	if !strings.HasPrefix(lines[2], `{"actie":`) {
		t.Fatalf("line 2 is not a leaf: %s", lines[2])
	}
	leavesFile := writeFile(t, dir, "bladen.jsonl", leaves)
	if code, out, errs := runCmd(t, "", "audit", "verify", "--bladen", leavesFile, "--checkpoint", cpFile, "--sleutel", keyFile); code != 0 || !strings.Contains(out, "grootte: 4") || !strings.Contains(out, "gesnoeid: 2 regel(s)") {
		t.Fatalf("verify --bladen after pruning: %d %q %q", code, out, errs)
	}
	var pl audit.PrunedLine
	if err := json.Unmarshal([]byte(lines[0]), &pl); err != nil {
		t.Fatal(err)
	}
	pl.LeafHash[0] ^= 1
	b, _ := pl.Encode()
	tampered := writeFile(t, dir, "anders.jsonl", string(b)+"\n"+strings.Join(lines[1:], "\n")+"\n")
	if code, _, errs := runCmd(t, "", "audit", "verify", "--bladen", tampered, "--checkpoint", cpFile, "--sleutel", keyFile); code != 1 || !strings.Contains(errs, "NIET") {
		t.Fatalf("verify --bladen with a changed pruned hash: %d %q", code, errs)
	}
	if code, out, errs := runCmd(t, "", append([]string{"audit", "export", "--formaat", "logboek"}, st...)...); code != 0 || strings.Count(out, "\n") != 2 {
		t.Fatalf("export logboek after pruning: %d %q %q", code, out, errs)
	}
	db, err = store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var pruned int
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM audit_regel WHERE leerling = '' AND length(blad) = 0").Scan(&pruned); err != nil || pruned != 2 {
		t.Fatalf("entries without content: %d %v, want 2", pruned, err)
	}
}

// TestStartkwalificatieFromImportsOnTheBoundary: the startkwalificatie reaches the retention
// clock einde-kwalificatieplicht + 2 years (VNG Selectielijst 2020, 12.1.4) through the imports,
// not only through the store function: pupil A through the pupils file (DD-MM-JJJJ, ';',
// Windows-1252), pupil B through the absence file's optional column, pupil C has none. All three
// were born on 29 February 2008, left school on 31 July 2020 and have an exemption the gemeente
// recorded on 10 January 2025, while they were kwalificatieplichtig. With the startkwalificatie on
// 30 June 2025 the gemeente's file is kept up to and including 30 June 2027: nothing is proposed
// that day, A and B on 1 July 2027; C only on 2 March 2028 (18 on 1 March 2026, + 2 years).
func TestStartkwalificatieFromImportsOnTheBoundary(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "g.db")
	st := []string{"--db", dbPath, "--sleutels", filepath.Join(dir, "k.json")}
	pupils := "nummer;voornaam;achternaam;geboortedatum;woongemeente;school;leerlingnummer;van;tot;leerjaar;startkwalificatie\r\n" +
		"999900006;Zo\xeb;Aalbers;29-02-2008;GM9990;99ZZ00;L1;01-08-2014;31-07-2020;vwo 6;30-06-2025\r\n" +
		"999900018;Bram;Bos;29-02-2008;GM9990;99ZZ00;L2;01-08-2014;31-07-2020;havo 5;\r\n" +
		"999900031;Chris;Cok;29-02-2008;GM9990;99ZZ00;L3;01-08-2014;31-07-2020;vmbo 4;nee\r\n"
	for _, s := range [][]string{
		{"migrate", "--db", dbPath},
		append([]string{"regio", "aanmaken", "--code", "sk-regio", "--naam", "Skregio", "--vakantieregio", "midden"}, st...),
		append([]string{"importeer", "organisaties", writeFile(t, dir, "org.csv", "soort,naam,brin,vestiging,sector,cbs_code,gemeente\ngemeente,Gemeente Test,,,,GM9990,\nschool,De Test,99ZZ,00,vo,,\n")}, st...),
		append([]string{"importeer", "leerlingen", writeFile(t, dir, "ll.csv", pupils)}, st...),
		append([]string{"importeer", "gebruikers", writeFile(t, dir, "u.csv", "naam,email,rol,organisatie\nZorg Test,zorg@test.example,zorgcoordinator,99ZZ00\n")}, st...),
		append([]string{"verzuim", "importeer", "--school", "99ZZ00", "--door", "zorg@test.example", "--peildatum", "2020-03-20", "--invoer",
			writeFile(t, dir, "v.csv", "leerling,datum,uren,reden,startkwalificatie\nL2,2020-03-09,2,ongeoorloofd,2025-06-30\nL2,2020-03-10,2,ongeoorloofd,\nL3,2020-03-09,2,ongeoorloofd,ja\n")}, st...),
	} {
		if code, out, errs := runCmd(t, "", s...); code != 0 {
			t.Fatalf("%v: %d %s %s", s[:2], code, out, errs)
		}
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	sks := map[string]string{}
	rows, err := db.Query(ctx, "SELECT achternaam, id, COALESCE(startkwalificatie, '') FROM leerling")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name, sk string
		var id int64
		if err := rows.Scan(&name, &id, &sk); err != nil {
			t.Fatal(err)
		}
		ids[name], sks[name] = id, sk
	}
	rows.Close()
	if sks["Aalbers"] != "2025-06-30" || sks["Bos"] != "2025-06-30" || sks["Cok"] != "" {
		t.Fatalf("stored startkwalificatie: %v (want A and B 2025-06-30 from the two imports; C none: 'ja' has no date)", sks)
	}
	recorded := time.Date(2025, 1, 10, 9, 0, 0, 0, time.UTC).UnixMilli()
	for _, id := range ids {
		if _, err := db.Exec(ctx, "INSERT INTO vrijstelling (regio_id, leerling_id, soort, van, tot, toelichting, vastgelegd_op) SELECT regio_id, id, 'art5a', '2025-01-10', '2025-07-31', '', ? FROM leerling WHERE id = ?", recorded, id); err != nil {
			t.Fatal(err)
		}
	}
	proposed := func(on string) string {
		t.Helper()
		if code, out, errs := runCmd(t, "", append([]string{"bewaartermijnen", "voorstel", "--peildatum", on}, st...)...); code != 0 {
			t.Fatalf("voorstel %s: %d %q %q", on, code, out, errs)
		}
		var names []string
		rows, err := db.Query(ctx, "SELECT DISTINCT l.achternaam FROM vernietigingslijst_regel r JOIN leerling l ON l.id = r.leerling_id WHERE r.soort = 'leerling' ORDER BY l.achternaam")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var n string
			rows.Scan(&n)
			names = append(names, n)
		}
		return strings.Join(names, ",")
	}
	defer db.Close()
	for _, c := range []struct{ on, want string }{
		{"2027-06-30", ""},
		{"2027-07-01", "Aalbers,Bos"},
		{"2028-03-01", "Aalbers,Bos"},
		{"2028-03-02", "Aalbers,Bos,Cok"},
	} {
		if got := proposed(c.on); got != c.want {
			t.Errorf("on %s proposed %q, want %q", c.on, got, c.want)
		}
	}
	// A date that contradicts an earlier line of the same pupil, or lies in the future, imports nothing.
	for _, in := range []string{"leerling,datum,uren,reden,startkwalificatie\nL2,2020-03-11,1,ongeoorloofd,2025-06-30\nL2,2020-03-12,1,ongeoorloofd,2025-07-01\n",
		"leerling,datum,uren,reden,startkwalificatie\nL2,2020-03-11,1,ongeoorloofd,2099-06-30\n"} {
		code, _, errs := runCmd(t, "", append([]string{"verzuim", "importeer", "--school", "99ZZ00", "--door", "zorg@test.example", "--invoer", writeFile(t, dir, "w.csv", in)}, st...)...)
		if code == 0 || !strings.Contains(errs, "startkwalificatie") {
			t.Errorf("bad startkwalificatie imported: %d %q", code, errs)
		}
	}
}
