package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/web"
)

// TestCasusOpenFromPupilPage: the zorgcoördinator opens a case from the pupil page with a start
// date in the past; bad input keeps what was typed and names the field; who may not open sees no
// link and gets 403; a pupil without relation is 404 (issue 15).
func TestCasusOpenFromPupilPage(t *testing.T) {
	w, _, _ := caseWorld(t)
	zc := w.as("zc")
	zc.setPurpose("signalering")
	page := zc.get("/leerlingen/" + w.pid("leerling", w.pupil1))
	link := "/casussen/nieuw?leerling=" + w.pid("leerling", w.pupil1)
	if !strings.Contains(page.body, `href="`+strings.ReplaceAll(link, "&", "&amp;")+`"`) {
		t.Fatalf("pupil page has no 'Casus openen' link:\n%s", page.body)
	}
	form := zc.get(link)
	if form.status != 200 || !strings.Contains(form.body, `name="startdatum"`) || !strings.Contains(form.body, `value="zat"`) {
		t.Fatalf("form: %d\n%s", form.status, form.body)
	}
	// A start date in the future: 400, the field named, the question kept.
	r := zc.post(link, "/casussen", url.Values{"leerling": {w.pid("leerling", w.pupil1)}, "soort": {"mdo"}, "doel": {"toeleiding"}, "vraag": {"Wat heeft Anouk nodig?"}, "startdatum": {"2099-01-01"}})
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, "Startdatum: de startdatum ligt in de toekomst") || !strings.Contains(r.body, "Wat heeft Anouk nodig?") {
		t.Fatalf("future start: %d\n%s", r.status, r.body)
	}
	if r := zc.post(link, "/casussen", url.Values{"leerling": {w.pid("leerling", w.pupil1)}, "soort": {"mdo"}, "doel": {"toeleiding"}, "vraag": {"x"}, "startdatum": {"1-2-2025"}}); r.status != http.StatusBadRequest || !strings.Contains(r.body, "JJJJ-MM-DD") {
		t.Fatalf("bad date: %d", r.status)
	}
	// The pupil's row number is no id in the form either.
	if r := zc.post(link, "/casussen", url.Values{"leerling": {itoa(w.pupil1)}, "soort": {"mdo"}, "doel": {"toeleiding"}, "vraag": {"x"}}); r.status != http.StatusBadRequest || !strings.Contains(r.body, "Kies de leerling vanaf de pagina") {
		t.Fatalf("row number as pupil: %d", r.status)
	}
	if r := zc.post(link, "/casussen", url.Values{"leerling": {w.pid("leerling", w.pupil1)}, "soort": {"mdo"}, "doel": {"toeleiding"}, "vraag": {"  "}}); r.status != http.StatusBadRequest || !strings.Contains(r.body, "Vraag van het overleg") {
		t.Fatalf("no question: %d", r.status)
	}
	// The world's clock is 6 October 2025; the work started on 15 September.
	r = zc.post(link, "/casussen", url.Values{"leerling": {w.pid("leerling", w.pupil1)}, "soort": {"mdo"}, "doel": {"toeleiding"}, "vraag": {"Wat heeft Anouk nodig?"}, "startdatum": {"2025-09-15"}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/casussen/") {
		t.Fatalf("open: %d %s", r.status, r.body)
	}
	c := zc.get(r.header.Get("Location"))
	if c.status != 200 || !strings.Contains(c.body, "Wat heeft Anouk nodig?") || !strings.Contains(c.body, "15 september 2025") {
		t.Fatalf("new case page: %d\n%s", c.status, c.body)
	}
	// Another school's pupil: 404, as if it did not exist.
	if r := zc.get("/casussen/nieuw?leerling=" + w.pid("leerling", w.pupil2)); r.status != http.StatusNotFound {
		t.Errorf("other school's pupil form: %d", r.status)
	}
	if r := zc.post(link, "/casussen", url.Values{"leerling": {w.pid("leerling", w.pupil2)}, "soort": {"mdo"}, "doel": {"toeleiding"}, "vraag": {"x y"}}); r.status != http.StatusNotFound {
		t.Errorf("other school's pupil: %d", r.status)
	}
	// The mentor does not open cases: no link, and the form is refused.
	m := w.as("mentor")
	m.setPurpose("signalering")
	if strings.Contains(m.get("/leerlingen/"+w.pid("leerling", w.pupil1)).body, "/casussen/nieuw") {
		t.Error("the mentor is offered 'Casus openen'")
	}
	if r := m.get(link); r.status != http.StatusForbidden {
		t.Errorf("mentor form: %d", r.status)
	}
}

// TestCasusOpenThroughAPI: POST /api/v1/casussen as a person gives 201 with Location and ETag; bad input
// names the field; a system token may not open a case; a pupil without relation is 404.
func TestCasusOpenThroughAPI(t *testing.T) {
	w, svc, _ := caseWorld(t)
	accs, err := w.db.AccountsByEmail(context.Background(), w.users["zc"].email)
	if err != nil || len(accs) != 1 {
		t.Fatal(err)
	}
	h := web.CaseAPIAs(w.web, svc, accs[0])
	call := func(body string) apiResp {
		r := httptest.NewRequest("POST", "/api/v1/casussen", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return apiResp{rec.Code, rec.Header(), rec.Body.String()}
	}
	r := call(`{"leerling":"` + w.web.PublicID("leerling", w.pupil1) + `","soort":"mdo","doel":"toeleiding","vraag":"Wat helpt?","startdatum":"2025-09-01"}`)
	if r.status != http.StatusCreated || !strings.HasPrefix(r.header.Get("Location"), "/api/v1/casussen/") || r.header.Get("ETag") == "" || !strings.Contains(r.body, `"fase":"aanmelding"`) {
		t.Fatalf("open: %d %v %s", r.status, r.header, r.body)
	}
	if r := call(`{"leerling":"` + w.web.PublicID("leerling", w.pupil1) + `","soort":"mdo","doel":"toeleiding"}`); r.status != http.StatusBadRequest || !strings.Contains(r.body, `"name":"vraag"`) {
		t.Errorf("no question: %d %s", r.status, r.body)
	}
	if r := call(`{"leerling":"` + w.web.PublicID("leerling", w.pupil1) + `","soort":"koffie","doel":"toeleiding","vraag":"x"}`); r.status != http.StatusBadRequest || !strings.Contains(r.body, `"name":"soort"`) {
		t.Errorf("unknown type: %d %s", r.status, r.body)
	}
	if r := call(`{"leerling":"` + w.web.PublicID("leerling", w.pupil2) + `","soort":"mdo","doel":"toeleiding","vraag":"x"}`); r.status != http.StatusNotFound {
		t.Errorf("other school's pupil: %d %s", r.status, r.body)
	}
	// Through the real server a session cannot write, and a system token is not a person.
	zc := w.as("zc")
	tok, hash := auth.NewAPIToken()
	if _, err := w.db.CreateAPIClient(context.Background(), auth.APIClient{RegionID: w.r1, OrgID: w.school1, Name: "LAS", Role: "zorgcoordinator", Scopes: []string{web.ScopeCasussen}}, hash, w.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if r := zc.doBody("POST", "/api/v1/casussen", `{"leerling":"`+w.web.PublicID("leerling", w.pupil1)+`","soort":"mdo","doel":"toeleiding","vraag":"x"}`, "Content-Type", "application/json", "Authorization", "Bearer "+tok); r.status != http.StatusForbidden {
		t.Errorf("system token: %d %s", r.status, r.body)
	}
}
