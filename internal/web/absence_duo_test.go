package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/duo"
)

// makeMelding uploads the registrations and submits the melding of the 16-hour signal as the
// school's zorgcoördinator; it returns the client and the melding's path.
func makeMelding(t *testing.T, w *world) (*client, string) {
	t.Helper()
	zc := w.client()
	zc.login("zc")
	zc.setPurpose("signalering")
	if r := zc.upload(goodCSV, false); r.status != http.StatusOK {
		t.Fatalf("upload: %d", r.status)
	}
	meldPath := "/verzuim/signalen/" + w.pid("verzuimsignaal", signalOf(t, w, absence.Kind16Hours)) + "/melding"
	r := zc.post(meldPath, meldPath, clone(completeMelding))
	if r.status != http.StatusSeeOther {
		t.Fatalf("melding: %d %s", r.status, r.body)
	}
	return zc, r.header.Get("Location")
}

// TestDUOExchangeWithFake: the school sends the melding to the (fake) DUO, which numbers it and
// received the BSN; the gemeente's handling at DUO comes back as the melding's status; each
// exchange is in the school's log; leerplicht cannot send.
func TestDUOExchangeWithFake(t *testing.T) {
	fake := duo.NewFake()
	w := newWorld(t)
	mountVerzuimWith(t, w, fake)
	zc, mPath := makeMelding(t, w)
	if page := zc.get(mPath); page.status != 200 || !strings.Contains(page.body, "Melding naar DUO sturen") || !strings.Contains(page.body, "nog niet bekend") {
		t.Fatalf("melding page before: %d", page.status)
	}
	lpa := w.client()
	lpa.login("lpa")
	lpa.setPurpose("handhaving-leerplicht")
	if r := lpa.do("POST", mPath+"/duo", nil); r.status != http.StatusForbidden && r.status != http.StatusNotFound {
		t.Fatalf("leerplicht sends to DUO: %d", r.status)
	}
	if r := zc.post(mPath, mPath+"/duo", url.Values{}); r.status != http.StatusSeeOther {
		t.Fatalf("send: %d %s", r.status, r.body)
	}
	if fake.Received() != 1 {
		t.Fatalf("DUO received %d meldingen", fake.Received())
	}
	if n, ok := fake.PersonNumber("VZM00000001"); !ok || n != "123456782" {
		t.Fatalf("DUO received number %q", n)
	}
	page := zc.get(mPath)
	if !strings.Contains(page.body, "VZM00000001") || !strings.Contains(page.body, "via fake-duo") {
		t.Fatalf("melding page after sending: %s", page.body)
	}
	if strings.Contains(page.body, "123456782") {
		t.Fatal("the page shows the BSN")
	}
	// A second send is the same melding at DUO.
	if r := zc.post(mPath, mPath+"/duo", url.Values{}); r.status != http.StatusSeeOther || fake.Received() != 1 {
		t.Fatalf("second send: %d, %d received", r.status, fake.Received())
	}
	// The gemeente takes it in behandeling at DUO; the school asks DUO.
	if err := fake.Handle("VZM00000001", absence.StatusInProgress, "", "", "M. de Vries", w.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if r := zc.post(mPath, mPath+"/duo-status", url.Values{}); r.status != http.StatusSeeOther {
		t.Fatalf("ask status: %d %s", r.status, r.body)
	}
	page = zc.get(mPath)
	if !strings.Contains(page.body, "In behandeling") || !strings.Contains(page.body, "M. de Vries") {
		t.Fatalf("status not taken over: %s", page.body)
	}
	names := auditLeaves(t, w)
	for _, want := range []string{"verzuimmelding-naar-duo (fake-duo) · DUO VZM00000001", "verzuimmelding-status-van-duo"} {
		if !strings.Contains(names, want) {
			t.Errorf("log mist %q: %s", want, names)
		}
	}
}

// TestDUOExchangeFileAndStatusFile: the file channel gives the documented file (BSN, BRIN of the
// school, Dutch dates); DUO's status file brings the number and the status back by the kenmerk.
func TestDUOExchangeFileAndStatusFile(t *testing.T) {
	w := verzuimWorld(t)
	zc, mPath := makeMelding(t, w)
	r := zc.post(mPath, mPath+"/duo", url.Values{})
	if r.status != 200 || !strings.Contains(r.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("file: %d %v", r.status, r.header)
	}
	for _, want := range []string{`"formaat": "grondslag-duo-verzuimmelding/2"`, `"persoonsgebonden_nummer": "123456782"`, `"brin": "11AA"`, `"begindatum": "22-09-2025"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("bestand mist %s", want)
		}
	}
	i := strings.Index(r.body, `"kenmerk": "`)
	if i < 0 {
		t.Fatal("geen kenmerk")
	}
	ref := r.body[i+len(`"kenmerk": "`):]
	ref = ref[:strings.Index(ref, `"`)]
	csv := "meldingsnummer;kenmerk;status;datum;reden_afsluiting;afsluitnotitie;contactpersoon\r\n" +
		"VZM00000042;" + ref + ";Geregistreerd;29-09-2025;;;\r\n" +
		"VZM00000042;;In behandeling;30-09-2025;;;M. de Vries\r\n" +
		"VZM00000099;;In behandeling;30-09-2025;;;\r\n"
	res := zc.uploadFile("/verzuim/meldingen", "/verzuim/meldingen/duo-statusbestand", "bestand", "status.csv", csv)
	if res.status != 200 || !strings.Contains(res.body, "Meldingsnummer van DUO vastgelegd") || !strings.Contains(res.body, "Status overgenomen") ||
		!strings.Contains(res.body, "Geen melding van uw school") {
		t.Fatalf("status file: %d %s", res.status, res.body)
	}
	page := zc.get(mPath)
	if !strings.Contains(page.body, "VZM00000042") || !strings.Contains(page.body, "In behandeling") {
		t.Fatalf("page after status file: %s", page.body)
	}
}

// auditLeaves returns the region's stored audit leaves as one text (the test sealer keeps the
// sealed fields readable), to find an operation's name.
func auditLeaves(t *testing.T, w *world) string {
	t.Helper()
	rows, err := w.db.Query(context.Background(), "SELECT blad FROM audit_regel WHERE regio_id = ?", w.r1)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var leaf []byte
		if err := rows.Scan(&leaf); err != nil {
			t.Fatal(err)
		}
		b.Write(leaf)
		b.WriteByte('\n')
	}
	return b.String()
}

// uploadFile posts one file field (with the csrf token of page) to action.
func (c *client) uploadFile(page, action, field, name, content string) resp {
	c.w.t.Helper()
	p := c.get(page)
	var b strings.Builder
	const boundary = "grens"
	b.WriteString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + csrfOf(c.w.t, p.body) + "\r\n")
	b.WriteString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + name + "\"\r\nContent-Type: text/csv\r\n\r\n" + content + "\r\n")
	b.WriteString("--" + boundary + "--\r\n")
	return c.doBody("POST", action, b.String(), "Content-Type", "multipart/form-data; boundary="+boundary)
}

// TestNoBSNOutsideDUOExport: the pupil's BSN (the only way to it is VerzuimDeps.PupilNumber,
// which answers 123456782 here) appears in no page, list, CSV export or file that the
// zorgcoördinator or the leerplichtambtenaar can GET — every GET route of the server is tried with
// the melding's, the pupil's and the signal's public id in its wildcards, and the lists also as
// CSV — and only in the DUO port's export (POST …/duo), which is logged.
func TestNoBSNOutsideDUOExport(t *testing.T) {
	const bsn = "123456782"
	w := verzuimWorld(t)
	zc, mPath := makeMelding(t, w)
	mid := strings.TrimPrefix(mPath, "/verzuim/meldingen/")
	lpa := w.client()
	lpa.login("lpa")
	lpa.setPurpose("handhaving-leerplicht")
	ids := []string{mid, w.pid("leerling", w.pupil1), w.pid("verzuimsignaal", signalOf(t, w, absence.Kind16Hours))}
	tried := 0
	for _, rt := range w.web.Routes() {
		method, path, _ := strings.Cut(rt.Pattern, " ")
		if method != "GET" || rt.Kind == "publiek" || strings.Contains(path, "/uitloggen") {
			continue
		}
		var urls []string
		if strings.Contains(path, "{") {
			for _, id := range ids {
				u := path
				for strings.Contains(u, "{") {
					i, j := strings.Index(u, "{"), strings.Index(u, "}")
					u = u[:i] + id + u[j+1:]
				}
				urls = append(urls, u)
			}
		} else {
			urls = append(urls, path, path+"?formaat=csv", path+"?doel=handhaving-leerplicht", path+"?doel=signalering")
		}
		for _, u := range urls {
			for _, c := range []*client{zc, lpa} {
				r := c.get(u)
				tried++
				if strings.Contains(r.body, bsn) {
					t.Errorf("GET %s (%d, %s) bevat het BSN", u, r.status, r.header.Get("Content-Type"))
				}
			}
		}
	}
	if tried < 100 {
		t.Fatalf("maar %d verzoeken geprobeerd", tried)
	}
	// The DUO export carries it, and its disclosure is logged.
	r := zc.post(mPath, mPath+"/duo", url.Values{})
	if r.status != 200 || !strings.Contains(r.body, `"persoonsgebonden_nummer": "`+bsn+`"`) {
		t.Fatalf("DUO-export: %d %s", r.status, r.body)
	}
	if !strings.Contains(auditLeaves(t, w), "verzuimmelding-naar-duo (bestand)") {
		t.Error("de export staat niet in het logboek")
	}
	if r := zc.get(mPath + "/bestand"); r.status != http.StatusNotFound {
		t.Errorf("het oude meldingsbestand bestaat nog: %d", r.status)
	}
}

// TestDUORefusalShown: DUO refuses the melding (afgewezen): the school lands on the melding, which
// says so in Dutch with DUO's text (never the BSN DUO echoed); the history has a line with an error
// status; the log has the exchange with its failure code (Logboek status 2); the
// leerplichtambtenaar sees the same; sent again after DUO lifts it, the melding goes through.
func TestDUORefusalShown(t *testing.T) {
	fake := duo.NewFake()
	w := newWorld(t)
	mountVerzuimWith(t, w, fake)
	zc, mPath := makeMelding(t, w)
	ref := "GS-" + strings.TrimPrefix(mPath, "/verzuim/meldingen/")
	fake.Refuse(ref, absence.NewDUORefusal(absence.RefusalRejected, "F012", "Persoonsgebonden nummer 123456782 is niet bekend bij DUO."))
	r := zc.post(mPath, mPath+"/duo", url.Values{})
	if r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), "duo=geweigerd") {
		t.Fatalf("send: %d %s", r.status, r.body)
	}
	lpa := w.client()
	lpa.login("lpa")
	lpa.setPurpose("handhaving-leerplicht")
	for who, c := range map[string]*client{"zorgcoördinator": zc, "leerplichtambtenaar": lpa} {
		page := c.get(mPath)
		for _, want := range []string{"DUO heeft de melding niet aangenomen", "Afgewezen door DUO (F012): Persoonsgebonden nummer [nummer] is niet bekend bij DUO.", "<strong>fout</strong>", "de status bleef Geregistreerd"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("%s: de pagina mist %q", who, want)
			}
		}
		if strings.Contains(page.body, "123456782") {
			t.Errorf("%s: de pagina toont het BSN", who)
		}
	}
	if leaves := auditLeaves(t, w); !strings.Contains(leaves, `"fout":"duo-afgewezen"`) || !strings.Contains(leaves, "verzuimmelding-naar-duo (fake-duo) · afgewezen door duo") {
		t.Errorf("log: %s", leaves)
	}
	fake.Refuse(ref, nil)
	if r := zc.post(mPath, mPath+"/duo", url.Values{}); r.status != http.StatusSeeOther || strings.Contains(r.header.Get("Location"), "geweigerd") {
		t.Fatalf("again: %d %v", r.status, r.header)
	}
	page := zc.get(mPath)
	if strings.Contains(page.body, "DUO heeft de melding niet aangenomen") || !strings.Contains(page.body, "VZM00000001") || !strings.Contains(page.body, "<strong>fout</strong>") {
		t.Errorf("after a good submission the refusal leaves the block and stays in the history: %s", page.body)
	}
}

// TestDUOThroughAPI: the melding's exchange with DUO through /api/v1: the school's system sends
// it (201 with DUO's number), reads the exchange, asks DUO for the status; leerplicht reads it;
// a refusal is 422 and shows in the exchange; the file channel answers with the export (the only
// response with the BSN). Every answer is checked against the served OpenAPI schema.
func TestDUOThroughAPI(t *testing.T) {
	fake := duo.NewFake()
	w := newWorld(t)
	mountVerzuimWith(t, w, fake)
	_, mPath := makeMelding(t, w)
	mid := strings.TrimPrefix(mPath, "/verzuim/meldingen/")
	c := w.client()
	schemas := openAPISchemas(t, c)
	school := apiClient(t, w, w.school1, "zorgcoordinator", auth.ScopeVerzuimVastleggen, auth.ScopeMeldingenLezen)
	lp := apiClient(t, w, w.gem1, "leerplicht", auth.ScopeMeldingenLezen, auth.ScopeVerzuimVastleggen)
	base := "/api/v1/verzuimmeldingen/" + mid + "/duo"
	bearer := func(tk string) []string { return []string{"Authorization", "Bearer " + tk} }
	decode := func(name string, r resp, status int, schema string) map[string]any {
		t.Helper()
		var v map[string]any
		if r.status != status || json.Unmarshal([]byte(r.body), &v) != nil || r.header.Get("API-Version") == "" {
			t.Fatalf("%s: %d %s", name, r.status, r.body)
		}
		checkDocumented(t, schemas, name, v, schemas[schema].(map[string]any))
		return v
	}
	v := decode("voor verzending", c.get(base+"?doel=signalering", bearer(school)...), 200, "VerzuimmeldingDUO")
	if v["verzonden"] != false || v["kenmerk"] != "GS-"+mid {
		t.Fatalf("before: %v", v)
	}
	// Refused first.
	fake.Refuse("GS-"+mid, absence.NewDUORefusal(absence.RefusalError, "T500", "Storing bij DUO."))
	p := decode("weigering", c.doBody("POST", base, "", bearer(school)...), 422, "Problem")
	if !strings.Contains(fmt.Sprint(p["detail"]), "Fout bij DUO (T500): Storing bij DUO.") {
		t.Fatalf("refusal: %v", p)
	}
	v = decode("na weigering", c.get(base+"?doel=handhaving-leerplicht", bearer(lp)...), 200, "VerzuimmeldingDUO")
	if wg, _ := v["weigering"].(map[string]any); wg == nil || !strings.Contains(fmt.Sprint(wg["tekst"]), "Fout bij DUO") {
		t.Fatalf("leerplicht sees no refusal: %v", v)
	}
	fake.Refuse("GS-"+mid, nil)
	v = decode("verzonden", c.doBody("POST", base, "", bearer(school)...), 201, "VerzuimmeldingDUO")
	if v["meldingsnummer"] != "VZM00000001" || v["verzonden"] != true || v["weigering"] != nil {
		t.Fatalf("sent: %v", v)
	}
	if err := fake.Handle("VZM00000001", absence.StatusInProgress, "", "", "M. de Vries", w.clock.Now()); err != nil {
		t.Fatal(err)
	}
	v = decode("status", c.doBody("POST", base+"/status", "", bearer(school)...), 200, "VerzuimmeldingDUO")
	if v["status"] != "in-behandeling" || v["statusGelezenOp"] == nil {
		t.Fatalf("status: %v", v)
	}
	if r := c.doBody("POST", base, "", bearer(lp)...); r.status != 403 && r.status != 404 {
		t.Fatalf("leerplicht sends: %d", r.status)
	}
	if r := c.get(base+"?doel=signalering", bearer(apiClient(t, w, w.school2, "zorgcoordinator", auth.ScopeMeldingenLezen))...); r.status != 404 {
		t.Fatalf("another school: %d", r.status)
	}
	for _, r := range []resp{c.get(base+"?doel=signalering", bearer(school)...), c.doBody("POST", base+"/status", "", bearer(school)...)} {
		if strings.Contains(r.body, "123456782") {
			t.Fatal("the exchange shows the BSN")
		}
	}

	// The file channel: the export is the answer.
	w2 := verzuimWorld(t)
	_, m2 := makeMelding(t, w2)
	c2 := w2.client()
	tok := apiClient(t, w2, w2.school1, "zorgcoordinator", auth.ScopeVerzuimVastleggen, auth.ScopeMeldingenLezen)
	f := decode("bestand", c2.doBody("POST", "/api/v1/verzuimmeldingen/"+strings.TrimPrefix(m2, "/verzuim/meldingen/")+"/duo", "", bearer(tok)...), 200, "DUOMeldingsbestand")
	if f["formaat"] != "grondslag-duo-verzuimmelding/2" || f["persoonsgebonden_nummer"] != "123456782" {
		t.Fatalf("export: %v", f)
	}
	if r := c2.doBody("POST", "/api/v1/verzuimmeldingen/"+strings.TrimPrefix(m2, "/verzuim/meldingen/")+"/duo/status", "", bearer(tok)...); r.status != 409 {
		t.Fatalf("file channel cannot ask: %d", r.status)
	}
}
