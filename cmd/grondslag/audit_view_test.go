package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
)

// TestFGInvestigates: the FG filters the demo region's audit log by user and period, looks up
// everyone who looked at one pupil (only with a reason, and that look-up is itself logged), pages,
// and exports CSV for Dutch Excel and JSON whose inclusion proofs verify (issue 15).
func TestFGInvestigates(t *testing.T) {
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer slog.SetDefault(prev)
	d := newDemoSite(t, 120)
	ctx := context.Background()
	var fg, zc string
	var zcID int64
	for _, a := range d.res.Accounts {
		if a.Role == "fg" && fg == "" {
			fg = a.Email
		}
		if a.Role == "zorgcoordinator" && zc == "" {
			zc, zcID = a.Email, a.UserID
		}
	}
	// The zorgcoördinator looks at a pupil; the FG will find that.
	z := d.browser("zc")
	z.login(zc)
	z.post("/start", "/doel", url.Values{"doel": {"signalering"}})
	list := z.do("GET", "/leerlingen", nil)
	pupilPath := regexpFirst(`href="(/leerlingen/[A-Za-z0-9_-]{22})"`, list.body)
	if pupilPath == "" {
		t.Fatalf("no pupil in the list:\n%s", list.body)
	}
	page := z.do("GET", pupilPath, nil)
	ref := regexpFirst(`Kenmerk (L-[0-9A-Z]{8})`, page.body)
	if ref == "" {
		t.Fatalf("no reference on the pupil page:\n%s", page.body)
	}
	// A signed checkpoint, so that the export carries proofs.
	if _, err := d.reader.AuditStore.MakeCheckpoint(ctx, d.res.Region.ID, mustSigner(t, d), time.Now()); err != nil {
		t.Fatal(err)
	}

	b := d.browser("fg")
	b.login(fg)
	all := b.do("GET", "/audit", nil)
	if all.status != 200 || !strings.Contains(all.body, "regels") || !strings.Contains(all.body, "Volgende pagina") {
		t.Fatalf("audit: %d\n%s", all.status, all.body)
	}
	today := time.Now().Format(time.DateOnly)
	byUser := b.do("GET", "/audit?gebruiker="+d.publicID("gebruiker", zcID)+"&van="+today+"&tot="+today, nil)
	if byUser.status != 200 || !strings.Contains(byUser.body, "(zorgcoördinator)") || strings.Contains(byUser.body, "(mentor)</td>") || strings.Contains(byUser.body, "avg-6-1-e") ||
		!strings.Contains(byUser.body, "AVG art. 6 lid 1 sub e (publieke taak)") || !strings.Contains(byUser.body, "Signalering") {
		t.Fatalf("by user:\n%s", byUser.body)
	}
	// One pupil: a reason is required; with it, only that pupil's entries, and the look-up logged.
	if r := b.do("GET", "/audit?leerling="+ref, nil); r.status != 400 || !strings.Contains(r.body, "Waarom zoekt u deze leerling op?") {
		t.Errorf("pupil without reason: %d", r.status)
	}
	if r := b.do("GET", "/audit?leerling=L-00000000&reden=klacht+ouder+2026-17", nil); r.status != 400 || !strings.Contains(r.body, "geen leerling met dit kenmerk") {
		t.Errorf("unknown pupil: %d", r.status)
	}
	one := b.do("GET", "/audit?leerling="+ref+"&reden=klacht+ouder+2026-17", nil)
	if one.status != 200 || !strings.Contains(one.body, ref) || !strings.Contains(one.body, "reden: klacht ouder 2026-17") {
		t.Fatalf("one pupil: %d\n%s", one.status, one.body)
	}
	for _, m := range regexpAllFirst(`<td>(L-[0-9A-Z]{8})</td>`, one.body) {
		if m != ref {
			t.Errorf("another pupil in the result: %s", m)
		}
	}
	// CSV for Dutch Excel.
	csv := b.do("GET", "/audit/export?formaat=csv&leerling="+ref+"&reden=klacht+ouder+2026-17", nil)
	if csv.status != 200 || !strings.HasPrefix(csv.body, "\ufeffvolgnummer;tijd;wie;namens;organisatie;leerling;wat;waarom;grondslag;uitkomst;via\r\n") ||
		!strings.Contains(csv.ctype, "text/csv") || !strings.Contains(csv.body, ";"+ref+";") {
		t.Fatalf("csv: %d %s\n%.500s", csv.status, csv.ctype, csv.body)
	}
	// JSON with proofs that verify against the checkpoint's root.
	js := b.do("GET", "/audit/export?formaat=json&gebruiker="+d.publicID("gebruiker", zcID), nil)
	var out struct {
		Grootte uint64 `json:"grootte"`
		Root    string `json:"root"`
		Regels  []struct {
			Volgnummer     uint64   `json:"volgnummer"`
			Blad           string   `json:"blad"`
			Inclusiebewijs []string `json:"inclusiebewijs"`
			Bewijsfout     string   `json:"bewijsfout"`
		} `json:"regels"`
	}
	if err := json.Unmarshal([]byte(js.body), &out); err != nil || out.Grootte == 0 || len(out.Regels) == 0 {
		t.Fatalf("json: %v\n%.800s", err, js.body)
	}
	root, _ := base64.StdEncoding.DecodeString(out.Root)
	proved := 0
	for _, e := range out.Regels {
		if e.Bewijsfout != "" {
			t.Errorf("entry %d: %s", e.Volgnummer, e.Bewijsfout)
		}
		if e.Volgnummer >= out.Grootte {
			continue
		}
		leaf, _ := base64.StdEncoding.DecodeString(e.Blad)
		var proof [][]byte
		for _, h := range e.Inclusiebewijs {
			b, _ := base64.StdEncoding.DecodeString(h)
			proof = append(proof, b)
		}
		if err := audit.VerifyInclusion(e.Volgnummer, out.Grootte, audit.LeafHash(leaf), proof, root); err != nil {
			t.Errorf("entry %d does not verify: %v", e.Volgnummer, err)
		}
		proved++
	}
	if proved == 0 {
		t.Error("no entry inside the checkpoint")
	}
	// The FG's look-ups are in the log, with the reason.
	recs, err := d.reader.RecentAudit(ctx, d.res.Region.ID, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	logged := 0
	for _, r := range recs {
		if r.Purpose == "toezicht-fg" && r.Name == "fg-onderzoek: klacht ouder 2026-17" && r.Pupil != "" {
			logged++
		}
	}
	if logged < 2 {
		t.Errorf("%d FG look-ups logged", logged)
	}
	// Other roles do not reach the audit view.
	if r := z.do("GET", "/audit/export?formaat=csv", nil); r.status != 403 {
		t.Errorf("zorgcoördinator export: %d", r.status)
	}
}

func mustSigner(t *testing.T, d *demoSite) audit.CheckpointSigner {
	t.Helper()
	s, err := checkpointSigner(d.db, d.ring)(context.Background(), d.res.Region.ID)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func regexpFirst(expr, s string) string {
	m := regexpMust(expr).FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	return m[1]
}

func regexpAllFirst(expr, s string) []string {
	var out []string
	for _, m := range regexpMust(expr).FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

func regexpMust(expr string) *regexp.Regexp { return regexp.MustCompile(expr) }
