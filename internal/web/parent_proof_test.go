package web_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/web"
)

// The audit store is the proof source cmd/grondslag wires.
var _ web.AuditProofReader = (*store.AuditStore)(nil)

// proofAudit is the world's recording AuditReader plus the region's real audit store, as
// cmd/grondslag wires it: the page shows the trail and proves it against the store.
type proofAudit struct {
	web.AuditReader
	*store.AuditStore
}

// PupilTrail reads the child's entries from the store first, as cmd/grondslag's reader does, so
// that an unreadable leaf fails the trail there too.
func (p *proofAudit) PupilTrail(ctx context.Context, regionID int64, pseudonym string) ([]web.TrailItem, error) {
	if _, err := p.ForPupil(ctx, regionID, pseudonym); err != nil {
		return nil, err
	}
	return p.AuditReader.PupilTrail(ctx, regionID, pseudonym)
}

// proofWorld is a world whose audit store holds entries about pupil1 (and others, so proofs are
// not trivial) under a signed checkpoint, and a second parent (gezag over pupil2) and a parent in
// region 2.
func proofWorld(t *testing.T) (*world, *store.AuditStore, string, string) {
	t.Helper()
	pa := &proofAudit{}
	w := newWorld(t, func(d *web.Deps) { pa.AuditReader = d.AuditReader; d.AuditReader = pa })
	pa.AuditStore = store.NewAuditStore(w.db)
	ctx := context.Background()
	enc := audit.EncryptFunc(func(p, _ []byte) ([]byte, error) { return append([]byte("enc:"), p...), nil })
	pupils := []string{"pseudo-leerling-een-0001", "pseudo-leerling-twee-0002"}
	var es []audit.Entry
	for i := range 21 {
		e, err := audit.NewEntry(audit.Record{
			Time:               time.Date(2025, 10, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute),
			Actor:              audit.Actor{UserID: 7, OrganisationID: w.gem1, Role: "leerplicht"},
			Pupil:              pupils[i%2],
			Categories:         []string{"verzuim"},
			Action:             audit.ActionRead,
			Purpose:            "verzuimaanpak",
			LegalGround:        "avg-6-1-c",
			Outcome:            audit.Allowed,
			AccessPoint:        audit.AccessAPI,
			RequestID:          fmt.Sprintf("req-%d", i%10),
			TraceID:            audit.NewTraceID(),
			OperationID:        audit.NewOperationID(),
			Name:               "verzuim-lezen",
			ProcessingActivity: "https://register.example.nl/verwerkingen/verzuim",
		}, enc)
		if err != nil {
			t.Fatal(err)
		}
		es = append(es, e)
	}
	if err := w.db.WithTx(ctx, func(tx *store.Tx) error { return pa.AuditStore.Append(ctx, tx, w.r1, es...) }); err != nil {
		t.Fatal(err)
	}
	key := ed25519.NewKeyFromSeed(make([]byte, 32))
	signer, err := audit.NewSigner(audit.Origin("r1"), key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pa.AuditStore.MakeCheckpoint(ctx, w.r1, signer, w.clock.Now()); err != nil {
		t.Fatal(err)
	}
	other := "andere-ouder@thuis.example"
	p2 := ins(t, w.db, `INSERT INTO ouder (regio_id, voornaam, achternaam, email) VALUES (?, 'Otto', 'Bakker', ?)`, w.r1, other)
	if _, err := w.db.Exec(ctx, `INSERT INTO leerling_ouder (regio_id, leerling_id, ouder_id, relatie, gezag) VALUES (?, ?, ?, 'vader', 1)`, w.r1, w.pupil2, p2); err != nil {
		t.Fatal(err)
	}
	south := "zuid-ouder@thuis.example"
	p3 := ins(t, w.db, `INSERT INTO ouder (regio_id, voornaam, achternaam, email) VALUES (?, 'Zara', 'Zuid', ?)`, w.r2, south)
	if _, err := w.db.Exec(ctx, `INSERT INTO leerling_ouder (regio_id, leerling_id, ouder_id, relatie, gezag) VALUES (?, ?, ?, 'moeder', 1)`, w.r2, w.pupilR2, p3); err != nil {
		t.Fatal(err)
	}
	return w, pa.AuditStore, other, south
}

type downloadedProof struct {
	Controlepunt       string `json:"controlepunt"`
	Verificatiesleutel string `json:"verificatiesleutel"`
	Klopt              bool   `json:"klopt"`
	Fouten             []uint64
	Regels             []struct {
		Index    uint64   `json:"index"`
		BladHash string   `json:"blad_hash"`
		Bewijs   []string `json:"bewijs"`
	} `json:"regels"`
}

// checkDownload checks the download as an outsider would (docs/audit.md): open the note with the
// verifier key, then verify each entry's inclusion proof against the note's root.
func checkDownload(t *testing.T, body string) (downloadedProof, []error) {
	t.Helper()
	var d downloadedProof
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		t.Fatalf("download: %v\n%s", err, body)
	}
	v, err := audit.ParseVerifierKey(d.Verificatiesleutel)
	if err != nil {
		t.Fatal(err)
	}
	cp, err := audit.OpenCheckpoint([]byte(d.Controlepunt), v)
	if err != nil {
		t.Fatal(err)
	}
	var errs []error
	for _, r := range d.Regels {
		lh, err := base64.StdEncoding.DecodeString(r.BladHash)
		if err != nil {
			t.Fatal(err)
		}
		var p [][]byte
		for _, h := range r.Bewijs {
			b, err := base64.StdEncoding.DecodeString(h)
			if err != nil {
				t.Fatal(err)
			}
			p = append(p, b)
		}
		if err := audit.VerifyInclusion(r.Index, cp.Size, lh, p, cp.Root); err != nil {
			errs = append(errs, err)
		}
	}
	return d, errs
}

func TestParentProofVerifies(t *testing.T) {
	w, as, _, _ := proofWorld(t)
	c := w.client()
	c.loginParentAs(w.parentEm)
	page := c.get("/leerlingen/" + w.pid("leerling", w.pupil1))
	if page.status != http.StatusOK || !strings.Contains(page.body, "Is deze lijst compleet?") || !strings.Contains(page.body, "Voor elke regel over uw kind hebben wij") ||
		strings.Contains(page.body, "controle van het logboek is mislukt") {
		t.Fatalf("page: %d\n%s", page.status, page.body)
	}
	cp, err := as.LatestCheckpoint(context.Background(), w.r1)
	if err != nil {
		t.Fatal(err)
	}
	body := html.UnescapeString(page.body)
	if !strings.Contains(body, base64.StdEncoding.EncodeToString(cp.Root)) || !strings.Contains(body, "21 regels in het logboek") ||
		!strings.Contains(body, audit.Origin("r1")+"+") || !strings.Contains(body, "<dd>11</dd>") {
		t.Fatalf("page lacks the checkpoint:\n%s", page.body)
	}
	r := c.get("/leerlingen/" + w.pid("leerling", w.pupil1) + "/auditbewijs")
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("download: %d %s", r.status, r.body)
	}
	d, errs := checkDownload(t, r.body)
	if len(errs) != 0 || !d.Klopt || len(d.Regels) != 11 {
		t.Fatalf("download: klopt=%v regels=%d errs=%v", d.Klopt, len(d.Regels), errs)
	}
	for i, reg := range d.Regels {
		if reg.Index != uint64(2*i) {
			t.Fatalf("entry %d has index %d: not the child's", i, reg.Index)
		}
	}
	// A proof for another entry's hash must not verify: the check is not vacuous.
	d.Regels[0].BladHash = d.Regels[1].BladHash
	b, _ := json.Marshal(d)
	if _, errs := checkDownload(t, string(b)); len(errs) != 1 {
		t.Fatalf("swapped leaf hash verified: %v", errs)
	}
}

func TestParentProofOnlyForGuardian(t *testing.T) {
	w, _, other, south := proofWorld(t)
	path := "/leerlingen/" + w.pid("leerling", w.pupil1) + "/auditbewijs"
	c := w.client()
	c.loginParentAs(other)
	if r := c.get(path); r.status != http.StatusNotFound {
		t.Fatalf("other parent: %d %s", r.status, r.body)
	}
	c = w.client()
	c.loginParentAs(south)
	if r := c.get(path); r.status != http.StatusNotFound {
		t.Fatalf("region 2 parent: %d %s", r.status, r.body)
	}
	// Their own child passes the gezag check, but region 2's log has no checkpoint: region 1's
	// checkpoint is never used for it.
	if r := c.get("/leerlingen/" + w.pid("leerling", w.pupilR2) + "/auditbewijs"); r.status != http.StatusNotFound || !strings.Contains(r.body, "nog geen ondertekend controlepunt") {
		t.Fatalf("region 2 parent, own child: %d %s", r.status, r.body)
	}
	if r := w.client().get(path); r.status == http.StatusOK {
		t.Fatalf("anonymous: %d", r.status)
	}
	zc := w.client()
	zc.login("zc")
	if r := zc.get(path); r.status != http.StatusNotFound {
		t.Fatalf("zorgcoordinator: %d", r.status)
	}
}

func TestParentProofTampered(t *testing.T) {
	w, as, _, _ := proofWorld(t)
	ctx := context.Background()
	// Drop the append-only triggers of migration 0301 (a DBA could), then change a leaf of the
	// child in a way that still decodes: the request id of entry 4.
	for _, tbl := range []string{"audit_regel", "audit_knoop", "audit_controlepunt"} {
		for _, q := range []string{"DROP TRIGGER " + tbl + "_geen_wijziging", "DROP TRIGGER " + tbl + "_geen_verwijdering"} {
			if _, err := w.db.Exec(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}
	var leaf []byte
	if err := w.db.QueryRow(ctx, "SELECT blad FROM audit_regel WHERE regio_id = ? AND volgnummer = 4", w.r1).Scan(&leaf); err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(leaf), `"req-4"`, `"req-9"`, 1)
	if changed == string(leaf) {
		t.Fatalf("leaf has no req-4: %s", leaf)
	}
	if _, err := w.db.Exec(ctx, "UPDATE audit_regel SET blad = ? WHERE regio_id = ? AND volgnummer = 4", []byte(changed), w.r1); err != nil {
		t.Fatal(err)
	}
	if ls, err := as.ForPupil(ctx, w.r1, "pseudo-leerling-een-0001"); err != nil || len(ls) != 11 {
		t.Fatalf("tampered leaf no longer decodes (%d, %v): the test would not reach the proof", len(ls), err)
	}
	c := w.client()
	c.loginParentAs(w.parentEm)
	page := c.get("/leerlingen/" + w.pid("leerling", w.pupil1))
	if page.status != http.StatusOK || !strings.Contains(page.body, "controle van het logboek is mislukt") ||
		!strings.Contains(page.body, "nummer 4.") || strings.Contains(page.body, "Voor elke regel over uw kind hebben wij") {
		t.Fatalf("page: %d\n%s", page.status, page.body)
	}
	r := c.get("/leerlingen/" + w.pid("leerling", w.pupil1) + "/auditbewijs")
	d, errs := checkDownload(t, r.body)
	if d.Klopt || len(d.Fouten) != 1 || d.Fouten[0] != 4 || len(errs) != 1 || len(d.Regels) != 11 {
		t.Fatalf("download: klopt=%v fouten=%v errs=%v regels=%d", d.Klopt, d.Fouten, errs, len(d.Regels))
	}
}

// A leaf changed so that it no longer decodes makes the page say the log is not in order (not a
// server error, not a silently shorter list).
func TestParentProofUnreadableLeaf(t *testing.T) {
	w, _, _, _ := proofWorld(t)
	ctx := context.Background()
	for _, q := range []string{"DROP TRIGGER audit_regel_geen_wijziging", "DROP TRIGGER audit_regel_geen_verwijdering"} {
		if _, err := w.db.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if _, err := w.db.Exec(ctx, "UPDATE audit_regel SET blad = ? WHERE regio_id = ? AND volgnummer = 6", []byte(`{"v":1}`), w.r1); err != nil {
		t.Fatal(err)
	}
	c := w.client()
	c.loginParentAs(w.parentEm)
	page := c.get("/leerlingen/" + w.pid("leerling", w.pupil1))
	if page.status != http.StatusOK || !strings.Contains(page.body, "controle van het logboek is mislukt") || !strings.Contains(page.body, "is niet in orde") ||
		!strings.Contains(page.body, "De lijst kan nu niet worden getoond") || strings.Contains(page.body, "Niemand anders heeft") {
		t.Fatalf("page: %d\n%s", page.status, page.body)
	}
	r := c.get("/leerlingen/" + w.pid("leerling", w.pupil1) + "/auditbewijs")
	var d struct {
		Klopt    bool   `json:"klopt"`
		Probleem string `json:"probleem"`
	}
	if err := json.Unmarshal([]byte(r.body), &d); err != nil || r.status != http.StatusOK || d.Klopt || d.Probleem == "" {
		t.Fatalf("download: %d %s (%v)", r.status, r.body, err)
	}
}
