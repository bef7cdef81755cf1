package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/web"
)

// mountVrijstellingen mounts the vrijstelling pages: BSN 999900006 is pupil 1 (living in
// gemeente 1), 999900018 is pupil 2 (living nowhere known).
func mountVrijstellingen(t *testing.T, w *world) {
	t.Helper()
	err := w.web.MountVrijstellingen(web.ExemptionDeps{Store: w.db, LeerplichtDeps: testLeerplichtDeps()})
	if err != nil {
		t.Fatal(err)
	}
}

// TestVrijstellingWebAndAPI: the leerplichtambtenaar records a vrijstelling without any DUO
// melding, from the web and the API, decides it with reasons and prints the letter; the granted
// period is stored as the exemption; other roles and other gemeenten get nothing.
func TestVrijstellingWebAndAPI(t *testing.T) {
	w := verzuimWorld(t)
	mountVrijstellingen(t, w)
	lpa := w.client()
	lpa.login("lpa")
	if r := lpa.get("/verzuim/vrijstellingen"); r.status != http.StatusOK || !strings.Contains(r.body, "Aanvraag vastleggen") {
		t.Fatalf("page: %d %s", r.status, r.body)
	}
	form := url.Values{"soort_nummer": {"bsn"}, "nummer": {"999900006"}, "soort": {"art5a"}, "aanvrager": {"ouder"}, "aanvrager_naam": {"Mevrouw Visser"},
		"ontvangen": {"10-09-2025"}, "van": {"15-09-2025"}, "reden": {"Langdurig ziek."},
		"document_soort": {"verklaring-art7"}, "document_door": {"jeugdarts GGD"}, "document_datum": {"01-09-2025"}}
	// Without the art. 7 statement: refused with the reason, nothing stored.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("document_soort", "")
	if r := lpa.post("/verzuim/vrijstellingen", "/verzuim/vrijstellingen", bad); r.status != http.StatusBadRequest || !strings.Contains(r.body, "verklaring-art7") {
		t.Fatalf("without statement: %d", r.status)
	}
	// A child who does not live in the gemeente: not found, the number not echoed.
	other := url.Values{}
	for k, v := range form {
		other[k] = v
	}
	other.Set("nummer", "999900018")
	if r := lpa.post("/verzuim/vrijstellingen", "/verzuim/vrijstellingen", other); r.status != http.StatusBadRequest || !strings.Contains(r.body, "in uw gemeente woont") || strings.Contains(r.body, "999900018") {
		t.Fatalf("other gemeente: %d", r.status)
	}
	r := lpa.post("/verzuim/vrijstellingen", "/verzuim/vrijstellingen", form)
	if r.status != http.StatusSeeOther {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	page := r.header.Get("Location")
	if r := lpa.get("/verzuim/vrijstellingen"); !strings.Contains(r.body, "Anouk Visser") || !strings.Contains(r.body, page) {
		t.Fatalf("the list shows the request: %s", r.body)
	}
	if r := lpa.get(page); r.status != 200 || !strings.Contains(r.body, "art. 5 sub a jo. art. 7") || !strings.Contains(r.body, "Mevrouw Visser") {
		t.Fatalf("request page: %d %s", r.status, r.body)
	}
	if r := lpa.post(page, page+"/besluit", url.Values{"besluit": {"toegekend"}, "besloten_op": {"20-09-2025"}, "besluit_van": {"22-09-2025"}, "besluit_tot": {"31-07-2026"}}); r.status != http.StatusBadRequest {
		t.Fatalf("decision without reasons: %d", r.status)
	}
	if r := lpa.post(page, page+"/besluit", url.Values{"besluit": {"toegekend"}, "besloten_op": {"20-09-2025"}, "besluit_van": {"22-09-2025"}, "besluit_tot": {"31-07-2026"},
		"motivering": {"Verklaring van de jeugdarts: niet in staat tot schoolbezoek."}}); r.status != http.StatusSeeOther {
		t.Fatalf("decision: %d %s", r.status, r.body)
	}
	letter := lpa.get(page + "/brief")
	if letter.status != 200 || !bytes.HasPrefix([]byte(letter.body), []byte("%PDF-")) {
		t.Fatalf("letter: %d", letter.status)
	}
	ex, err := w.db.Exemptions(context.Background(), w.r1, w.pupil1)
	if err != nil || len(ex) != 1 || ex[0].Kind != absence.Exempt5a {
		t.Fatalf("exemption: %+v %v", ex, err)
	}
	// No melding exists for this pupil: the vrijstelling rests on its own ground.
	var n int
	w.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM verzuimmelding WHERE leerling_id = ?", w.pupil1).Scan(&n)
	if n != 0 {
		t.Fatal("the test pupil should have no melding")
	}
	// The school's zorgcoördinator has no access to these pages.
	zc := w.client()
	zc.login("zc")
	if r := zc.get(page); r.status != http.StatusForbidden && r.status != http.StatusNotFound {
		t.Fatalf("zorgcoördinator: %d", r.status)
	}

	// The API: leave above ten school days (art. 14 lid 3).
	c := w.client()
	tok := apiClient(t, w, w.gem1, "leerplicht", auth.ScopeVerzuimVastleggen)
	body := `{"leerling":{"soort":"bsn","nummer":"999900006"},"soort":"verlof-art14","aanvrager":"ouder","aanvragerNaam":"Mevrouw Visser",` +
		`"ontvangen":"2025-10-01","van":"2025-11-03","tot":"2025-11-21","reden":"Begrafenis in het buitenland."}`
	resp := c.doBody("POST", "/api/v1/vrijstellingen", body, "Authorization", "Bearer "+tok, "Content-Type", "application/json")
	var got struct {
		ID          string
		Artikel     string
		Schooldagen int
	}
	if json.Unmarshal([]byte(resp.body), &got); resp.status != 201 || got.Artikel != "Leerplichtwet 1969 art. 14 lid 3" || got.Schooldagen != 15 {
		t.Fatalf("API create: %d %s", resp.status, resp.body)
	}
	dec := c.doBody("POST", "/api/v1/vrijstellingen/"+got.ID+"/besluit", `{"besluit":"afgewezen","motivering":"Geen gewichtige omstandigheid aangetoond.","beslotenDoor":"J. Jansen, leerplichtambtenaar"}`,
		"Authorization", "Bearer "+tok, "Content-Type", "application/json")
	if dec.status != 200 || !strings.Contains(dec.body, `"besluit":"afgewezen"`) {
		t.Fatalf("API decide: %d %s", dec.status, dec.body)
	}
	// Leave of five school days is the head's: refused with the article.
	short := strings.Replace(body, "2025-11-21", "2025-11-07", 1)
	if r := c.doBody("POST", "/api/v1/vrijstellingen", short, "Authorization", "Bearer "+tok, "Content-Type", "application/json"); r.status != 400 || !strings.Contains(r.body, "art. 14 lid 1") {
		t.Fatalf("short leave: %d %s", r.status, r.body)
	}
}
