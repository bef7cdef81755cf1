package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/store"
)

// auditFixture makes a migrated store with one region and its key file, and appends n entries,
// every third about the pupil with BSN 111222333.
func auditFixture(t *testing.T, n int) (dbPath string, st []string, pseudonym string) {
	t.Helper()
	dir := t.TempDir()
	dbPath = filepath.Join(dir, "g.db")
	keys := filepath.Join(dir, "k.json")
	st = []string{"--db", dbPath, "--sleutels", keys}
	if code, _, errs := runCmd(t, "", "migrate", "--db", dbPath); code != 0 {
		t.Fatalf("migrate: %s", errs)
	}
	if code, _, errs := runCmd(t, "", append([]string{"regio", "aanmaken", "--code", "test-regio", "--naam", "Testregio", "--vakantieregio", "zuid"}, st...)...); code != 0 {
		t.Fatalf("regio: %s", errs)
	}
	ring, err := ident.LoadKeyFile(keys)
	if err != nil {
		t.Fatal(err)
	}
	rk, err := ring.Region("test-regio")
	if err != nil {
		t.Fatal(err)
	}
	pseudonym = rk.Pseudonym(ident.BSN, "111222333")
	appendAudit(t, dbPath, rk, pseudonym, 0, n)
	return dbPath, st, pseudonym
}

func appendAudit(t *testing.T, dbPath string, rk *ident.RegionKeys, pseudonym string, from, n int) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var regionID int64
	if err := db.QueryRow(ctx, "SELECT id FROM regio WHERE code = ?", "test-regio").Scan(&regionID); err != nil {
		t.Fatal(err)
	}
	enc := audit.EncryptFunc(func(p, ad []byte) ([]byte, error) { _, s, err := rk.Seal(p, ad); return s, err })
	var es []audit.Entry
	for i := from; i < from+n; i++ {
		pupil := fmt.Sprintf("ps-%016x", i)
		if i%3 == 0 {
			pupil = pseudonym
		}
		r := audit.Record{
			Time: time.Date(2026, 11, 2, 9, 0, i, 0, time.UTC), Actor: audit.Actor{UserID: 4, OrganisationID: 2, Role: "leerplicht"},
			Pupil: pupil, Categories: []string{"verzuim"}, Action: audit.ActionRead, Purpose: "verzuimaanpak",
			LegalGround: "avg-6-1-c", Article: "art. 4", Melding: "duo-1", Outcome: audit.Allowed, AccessPoint: audit.AccessUI,
			RequestID: fmt.Sprintf("req-%d", i), TraceID: audit.NewTraceID(), OperationID: audit.NewOperationID(),
			Name: "leerling-lezen", ProcessingActivity: "https://register.example.nl/verzuim",
		}
		if i%5 == 4 {
			r.Outcome, r.Reason, r.Purpose, r.LegalGround, r.ProcessingActivity = audit.Denied, "geen-grondslag", "", "", ""
		}
		e, err := audit.NewEntry(r, enc)
		if err != nil {
			t.Fatal(err)
		}
		es = append(es, e)
	}
	as := store.NewAuditStore(db)
	if err := db.WithTx(ctx, func(tx *store.Tx) error { return as.Append(ctx, tx, regionID, es...) }); err != nil {
		t.Fatal(err)
	}
}

func TestAuditCommands(t *testing.T) {
	dbPath, st, ps := auditFixture(t, 30)
	dir := filepath.Dir(dbPath)

	// No checkpoint yet.
	if code, _, errs := runCmd(t, "", append([]string{"audit", "checkpoint"}, st...)...); code != 1 || !strings.Contains(errs, "--nieuw") {
		t.Errorf("checkpoint without one: %d %s", code, errs)
	}
	code, cpText, errs := runCmd(t, "", append([]string{"audit", "checkpoint", "--nieuw"}, st...)...)
	if code != 0 || !strings.HasPrefix(cpText, "grondslag/audit/test-regio\n30\n") {
		t.Fatalf("checkpoint --nieuw: %d %q %s", code, cpText, errs)
	}
	if code, again, _ := runCmd(t, "", append([]string{"audit", "checkpoint"}, st...)...); code != 0 || again != cpText {
		t.Errorf("checkpoint: %q, want the stored %q", again, cpText)
	}
	cpFile := writeFile(t, dir, "cp.txt", cpText)
	_, vkey, _ := runCmd(t, "", append([]string{"audit", "sleutel"}, st...)...)
	if !strings.HasPrefix(vkey, "grondslag/audit/test-regio+") {
		t.Fatalf("sleutel: %q", vkey)
	}

	// More entries after the checkpoint; verify with the outsider's checkpoint and key.
	ring, _ := ident.LoadKeyFile(st[3])
	rk, _ := ring.Region("test-regio")
	appendAudit(t, dbPath, rk, ps, 30, 12)
	code, out, errs := runCmd(t, "", append([]string{"audit", "verify", "--checkpoint", cpFile, "--sleutel", strings.TrimSpace(vkey)}, st...)...)
	if code != 0 || !strings.Contains(out, "grootte: 42") || !strings.Contains(out, "consistent met") {
		t.Fatalf("verify: %d\n%s\n%s", code, out, errs)
	}

	// Offline: the exported leaves against the checkpoint, no database.
	code, leaves, _ := runCmd(t, "", append([]string{"audit", "export", "--formaat", "bladen"}, st...)...)
	leavesFile := writeFile(t, dir, "bladen.jsonl", leaves)
	keyFile := writeFile(t, dir, "sleutel.txt", vkey)
	if code, out, errs := runCmd(t, "", "audit", "verify", "--bladen", leavesFile, "--checkpoint", cpFile, "--sleutel", keyFile); code != 0 || !strings.Contains(out, "grootte: 42") {
		t.Fatalf("verify --bladen: %d %s %s", code, out, errs)
	}
	lines := strings.SplitAfter(leaves, "\n")
	dropped := writeFile(t, dir, "minder.jsonl", strings.Join(append(append([]string{}, lines[:7]...), lines[8:]...), ""))
	if code, _, errs := runCmd(t, "", "audit", "verify", "--bladen", dropped, "--checkpoint", cpFile, "--sleutel", keyFile); code != 1 || !strings.Contains(errs, "regel 7:") {
		t.Errorf("verify --bladen with a line removed: %d %s", code, errs)
	}
	if code != 0 {
		t.Fatal("export bladen failed")
	}

	// An inclusion proof for entry 12 against the outsider's checkpoint, checked independently.
	code, out, errs = runCmd(t, "", append([]string{"audit", "bewijs", "--volgnummer", "12", "--checkpoint", cpFile}, st...)...)
	if code != 0 {
		t.Fatalf("bewijs: %d %s", code, errs)
	}
	var pr struct {
		Volgnummer uint64   `json:"volgnummer"`
		Blad       string   `json:"blad"`
		Grootte    uint64   `json:"grootte"`
		Root       string   `json:"root"`
		Bewijs     []string `json:"bewijs"`
	}
	if err := json.Unmarshal([]byte(out), &pr); err != nil {
		t.Fatal(err)
	}
	var path [][]byte
	for _, b := range pr.Bewijs {
		h, _ := base64.StdEncoding.DecodeString(b)
		path = append(path, h)
	}
	root, _ := base64.StdEncoding.DecodeString(pr.Root)
	if err := audit.VerifyInclusion(pr.Volgnummer, pr.Grootte, audit.LeafHash([]byte(pr.Blad)), path, root); err != nil || pr.Grootte != 30 || len(path) == 0 {
		t.Errorf("proof does not verify: %v (size %d)", err, pr.Grootte)
	}
	if code, _, _ := runCmd(t, "", append([]string{"audit", "bewijs", "--volgnummer", "35", "--checkpoint", cpFile}, st...)...); code != 2 {
		t.Errorf("proof beyond the checkpoint: exit %d", code)
	}

	// The pupil's view, by BSN and by pseudonym.
	code, out, errs = runCmd(t, "", append([]string{"audit", "toon", "--leerling", "111222333", "--json"}, st...)...)
	if code != 0 {
		t.Fatalf("toon: %s", errs)
	}
	var view struct {
		Leerling string `json:"leerling"`
		Regels   []struct {
			Volgnummer int    `json:"volgnummer"`
			Uitkomst   string `json:"uitkomst"`
			Reden      string `json:"reden"`
		} `json:"regels"`
	}
	if err := json.Unmarshal([]byte(out), &view); err != nil {
		t.Fatal(err)
	}
	if view.Leerling != ps || len(view.Regels) != 14 || view.Regels[1].Volgnummer != 3 {
		t.Errorf("view: %+v", view)
	}
	if strings.Contains(out, "111222333") {
		t.Error("the view shows the BSN")
	}
	code, out, _ = runCmd(t, "", append([]string{"audit", "toon", "--leerling", ps}, st...)...)
	if code != 0 || !strings.Contains(out, "geweigerd (geen-grondslag)") || !strings.Contains(out, "melding duo-1") {
		t.Errorf("toon table:\n%s", out)
	}
	if code, _, errs := runCmd(t, "", append([]string{"audit", "toon", "--leerling", "111222334"}, st...)...); code != 2 {
		t.Errorf("invalid BSN: %d %s", code, errs)
	}

	// Logboek export: one record per entry, no pseudonym in clear, the keyed subject id (the same
	// for every record of the pupil) with its type, the standard's version named; a refusal is a
	// completed decision (status UNSET, outcome in an attribute), never status ERROR.
	code, out, errs = runCmd(t, "", append([]string{"audit", "export", "--formaat", "logboek"}, st...)...)
	if code != 0 {
		t.Fatalf("export: %s", errs)
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	n, subject := 0, ""
	for sc.Scan() {
		var rec audit.LogboekRecord
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		if len(rec.TraceID) != 32 || len(rec.SpanID) != 16 || len(rec.Attributes[audit.AttrDataSubject]) != 32 ||
			rec.Attributes[audit.AttrDataSubjectType] != audit.DataSubjectIDType || rec.Resource == nil ||
			rec.Resource.Attributes[audit.AttrStandard] != audit.LogboekVersion {
			t.Errorf("record %d: %+v", n, rec)
		}
		// Every third entry is about the pupil ps (auditFixture): one keyed id for all of them,
		// another for each of the others.
		if got := rec.Attributes[audit.AttrDataSubject]; n%3 == 0 {
			if n > 0 && got != subject {
				t.Errorf("record %d: data subject %q, the pupil's first was %q", n, got, subject)
			}
			subject = got
		} else if got == subject {
			t.Errorf("record %d: another pupil has the data subject id of ps", n)
		}
		if want := map[bool]int{true: audit.StatusUnset, false: audit.StatusOK}[n%5 == 4]; rec.StatusCode != want {
			t.Errorf("record %d: status %d, want %d", n, rec.StatusCode, want)
		}
		n++
	}
	if n != 42 || strings.Contains(out, ps) {
		t.Errorf("export: %d records; pseudonym in clear: %v", n, strings.Contains(out, ps))
	}
	// Selected by the pupil's BSN: its 14 records; by another pupil: none.
	if code, sel, errs := runCmd(t, "", append([]string{"audit", "export", "--leerling", "111222333"}, st...)...); code != 0 || strings.Count(sel, "\n") != 14 || !strings.Contains(sel, subject) {
		t.Errorf("export --leerling: exit %d, %d lines %s", code, strings.Count(sel, "\n"), errs)
	}
	if code, sel, _ := runCmd(t, "", append([]string{"audit", "export", "--leerling", "123456782"}, st...)...); code != 0 || sel != "" {
		t.Errorf("export --leerling of another pupil: exit %d, %q", code, sel)
	}
	// The fixture's refusals are made without an activity (as the log did before): the checker
	// names them and fails; their subject ids and statuses are fine.
	logFile := writeFile(t, dir, "logboek.jsonl", out)
	code, probs, errs := runCmd(t, "", "audit", "controleer-logboek", logFile)
	if code != 1 || strings.Count(probs, "\n") != 8 || !strings.Contains(probs, "dpl.core.processing_activity_id ontbreekt") || !strings.Contains(errs, "8 van de regels") {
		t.Errorf("controleer-logboek: exit %d\n%s%s", code, probs, errs)
	}
	if code, _, _ := runCmd(t, "", "audit", "controleer-logboek", writeFile(t, dir, "kapot.jsonl", "{\"trace_id\": 1}\n")); code != 1 {
		t.Errorf("controleer-logboek of a broken file: exit %d", code)
	}
	if code, _, _ := runCmd(t, "", append([]string{"audit", "export", "--formaat", "csv"}, st...)...); code != 2 {
		t.Errorf("unknown format: exit %d", code)
	}

	// Tampering: exit 1, naming the entry.
	db, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	// The append-only trigger refuses the deletion; someone with direct access to the database
	// can drop it first, and verify must still catch the change.
	if _, err := db.Exec(context.Background(), "DELETE FROM audit_regel WHERE volgnummer = 17"); err == nil {
		t.Fatal("deleting an audit row succeeded despite the append-only trigger")
	}
	for _, q := range []string{"DROP TRIGGER audit_regel_geen_verwijdering", "DELETE FROM audit_regel WHERE volgnummer = 17"} {
		if _, err := db.Exec(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	code, _, errs = runCmd(t, "", append([]string{"audit", "verify", "--checkpoint", cpFile}, st...)...)
	if code != 1 || !strings.Contains(errs, "regel 17:") || !strings.Contains(errs, "klopt NIET") {
		t.Errorf("verify after deletion: %d %s", code, errs)
	}
}

func TestAuditVerifyRejectsForeignCheckpoint(t *testing.T) {
	_, st, _ := auditFixture(t, 5)
	_, st2, _ := auditFixture(t, 5)
	_, cpText, _ := runCmd(t, "", append([]string{"audit", "checkpoint", "--nieuw"}, st2...)...)
	cp := writeFile(t, t.TempDir(), "cp.txt", cpText)
	// The other log's checkpoint is signed by another key: refused.
	if code, _, errs := runCmd(t, "", append([]string{"audit", "verify", "--checkpoint", cp}, st...)...); code != 1 || !strings.Contains(errs, "handtekening") {
		t.Errorf("foreign checkpoint: %d %s", code, errs)
	}
	if code, _, _ := runCmd(t, "", "audit"); code != 2 {
		t.Errorf("audit without subcommand: exit %d", code)
	}
	if code, _, _ := runCmd(t, "", "audit", "wis"); code != 2 {
		t.Errorf("unknown subcommand: exit %d", code)
	}
}
