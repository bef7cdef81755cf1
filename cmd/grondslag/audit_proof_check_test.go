package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
)

// proofFileFor makes a one-leaf log (size 1: the root is the leaf hash, the path is empty),
// signs its checkpoint and writes the proof file.
func proofFileFor(t *testing.T, dir string) (file, key string) {
	t.Helper()
	e, err := audit.NewEntry(audit.Record{Time: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Actor: audit.Actor{UserID: 7, OrganisationID: 3, Role: "leerplicht"},
		Pupil: "ps-00000000000003e8", Categories: []string{"verzuim"}, Action: audit.ActionRead, Purpose: "handhaving-leerplicht", LegalGround: "avg-6-1-c",
		Outcome: audit.Allowed, AccessPoint: audit.AccessUI, RequestID: "req-1", TraceID: audit.NewTraceID(), OperationID: audit.NewOperationID(),
		Name: "leerling-lezen", ProcessingActivity: "urn:test:verwerking"}, audit.EncryptFunc(func(p, _ []byte) ([]byte, error) { return p, nil }))
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := audit.EncodeLeaf(1, 0, e)
	if err != nil {
		t.Fatal(err)
	}
	s, err := audit.NewSigner(audit.Origin("r1"), ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	h := audit.LeafHash(leaf)
	note, err := audit.Checkpoint{Origin: audit.Origin("r1"), Size: 1, Root: h, Time: time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)}.Sign(s)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(audit.EntryProof{Volgnummer: 0, Blad: string(leaf), Bladhash: audit.RootString(h), Grootte: 1, Root: audit.RootString(h),
		Bewijs: []string{}, Controlepunt: string(note), Verificatiesleutel: s.VerifierKey()})
	file = filepath.Join(dir, "bewijs.json")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return file, s.VerifierKey()
}

func TestAuditControleerBewijs(t *testing.T) {
	dir := t.TempDir()
	file, key := proofFileFor(t, dir)
	cli := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(context.Background(), env{args: args, stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }})
		return code, out.String(), errb.String()
	}
	code, out, errs := cli("audit", "controleer-bewijs", "--sleutel", key, file)
	if code != 0 || !strings.Contains(out, "Het bewijs klopt: 1 regel(s)") || !strings.Contains(out, "grondslag/audit/r1") || strings.Contains(out, "Let op") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	keyFile := filepath.Join(dir, "sleutel.txt")
	os.WriteFile(keyFile, []byte(key+"\n"), 0o600)
	if code, _, errs := cli("audit", "controleer-bewijs", "--sleutel", keyFile, file); code != 0 {
		t.Fatalf("key from a file: %d %s", code, errs)
	}
	if code, out, _ := cli("audit", "controleer-bewijs", file); code != 0 || !strings.Contains(out, "Let op: de sleutel kwam uit het bestand zelf") {
		t.Fatalf("key from the proof file: %d %s", code, out)
	}
	// One changed character in the leaf: exit 1, named.
	b, _ := os.ReadFile(file)
	bad := filepath.Join(dir, "veranderd.json")
	os.WriteFile(bad, []byte(strings.Replace(string(b), "verzuim", "verzuin", 1)), 0o600)
	if code, _, errs := cli("audit", "controleer-bewijs", "--sleutel", key, bad); code != 1 || !strings.Contains(errs, "SHA-256(0x00") {
		t.Fatalf("changed leaf: %d %s", code, errs)
	}
	if code, _, _ := cli("audit", "controleer-bewijs"); code != 2 {
		t.Fatalf("no file: %d", code)
	}
}
