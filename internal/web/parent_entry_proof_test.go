package web_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/audit"
)

// TestParentEntryProofChecksIndependently: a parent downloads one entry of the child's trail
// with its leaf bytes; it verifies with the region's key (audit.CheckProofFile, what
// `grondslag audit controleer-bewijs` runs) and by hand with SHA-256 as docs/audit.md §13 spells
// out; a changed leaf, a wrong key and another child's entry fail.
func TestParentEntryProofChecksIndependently(t *testing.T) {
	w, _, other, _ := proofWorld(t)
	c := w.client()
	c.loginParentAs(w.parentEm)
	base := "/leerlingen/" + w.pid("leerling", w.pupil1) + "/auditbewijs/"
	// Entries 0, 2, 4, … are about pupil 1; 1 is about pupil 2.
	if r := c.get(base + "1"); r.status != http.StatusNotFound {
		t.Fatalf("another child's entry: %d", r.status)
	}
	r := c.get(base + "4")
	if r.status != http.StatusOK || !strings.Contains(r.header.Get("Content-Disposition"), "auditregel-4.json") {
		t.Fatalf("download: %d %s", r.status, r.body)
	}
	key := ed25519.NewKeyFromSeed(make([]byte, 32))
	signer, _ := audit.NewSigner(audit.Origin("r1"), key)
	regionKey := signer.VerifierKey()
	res, err := audit.CheckProofFile([]byte(r.body), regionKey)
	if err != nil || !res.WithLeaf || len(res.Entries) != 1 || res.Entries[0] != 4 || res.KeyInFile || !audit.IsAlias(res.Leaf.Entry.Record().Pupil) {
		// The leaf names the child's audit alias (docs/audit.md §10), not its pseudonym.
		t.Fatalf("check: %+v %v", res, err)
	}
	// By hand: SHA-256(0x00 ‖ blad) is the leaf hash.
	var p audit.EntryProof
	if err := json.Unmarshal([]byte(r.body), &p); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(append([]byte{0}, p.Blad...))
	if base64.StdEncoding.EncodeToString(sum[:]) != p.Bladhash {
		t.Error("leaf hash is not SHA-256(0x00 ‖ leaf)")
	}
	// A changed leaf fails.
	changed := strings.Replace(r.body, `\"actie\":\"lezen\"`, `\"actie\":\"delen\"`, 1)
	if changed == r.body {
		t.Fatal("could not change the leaf")
	}
	if _, err := audit.CheckProofFile([]byte(changed), regionKey); !errors.Is(err, audit.ErrProofFile) {
		t.Errorf("changed leaf: %v", err)
	}
	// Another key fails.
	k2 := ed25519.NewKeyFromSeed([]byte("0123456789abcdef0123456789abcdef"))
	s2, _ := audit.NewSigner(audit.Origin("r1"), k2)
	if _, err := audit.CheckProofFile([]byte(r.body), s2.VerifierKey()); !errors.Is(err, audit.ErrProofFile) {
		t.Errorf("wrong key: %v", err)
	}
	// The whole-trail download checks with the same function.
	tr := c.get("/leerlingen/" + w.pid("leerling", w.pupil1) + "/auditbewijs")
	if res, err := audit.CheckProofFile([]byte(tr.body), regionKey); err != nil || len(res.Entries) != 11 || res.WithLeaf {
		t.Errorf("trail file: %d entries, %v", len(res.Entries), err)
	}
	// Another parent gets nothing.
	o := w.client()
	o.loginParentAs(other)
	if r := o.get(base + "4"); r.status != http.StatusNotFound {
		t.Errorf("other parent: %d", r.status)
	}
}

// TestEntryProofWithPython runs the independent checker of docs/tools (Python, hashlib only) on
// a downloaded entry and on a changed one.
func TestEntryProofWithPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is niet geïnstalleerd; de onafhankelijke controle in Python is niet gedraaid")
	}
	w, _, _, _ := proofWorld(t)
	c := w.client()
	c.loginParentAs(w.parentEm)
	r := c.get("/leerlingen/" + w.pid("leerling", w.pupil1) + "/auditbewijs/20")
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "goed.json"), filepath.Join(dir, "fout.json")
	os.WriteFile(good, []byte(r.body), 0o600)
	os.WriteFile(bad, []byte(strings.Replace(r.body, `\"actie\":\"lezen\"`, `\"actie\":\"delen\"`, 1)), 0o600)
	script := filepath.Join("..", "..", "docs", "tools", "controleer_bewijs.py")
	if out, err := exec.Command(py, script, good).CombinedOutput(); err != nil || !strings.Contains(string(out), "klopt: regel 20") {
		t.Fatalf("python on a good proof: %v\n%s", err, out)
	}
	if out, err := exec.Command(py, script, bad).CombinedOutput(); err == nil {
		t.Fatalf("python accepts a changed leaf:\n%s", out)
	}
}
