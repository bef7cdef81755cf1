package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/web"
)

type apiResp struct {
	status int
	header http.Header
	body   string
}

// TestCasusAPISteps drives the write endpoints as participants: 201 with ETags, If-Match
// required (428), stale versions (412 with the current ETag), problem+json with the wrong field,
// and what each role may not do.
func TestCasusAPISteps(t *testing.T) {
	w, svc, id := caseWorld(t)
	ctx := context.Background()
	account := func(key string) auth.Account {
		accs, err := w.db.AccountsByEmail(ctx, w.users[key].email)
		if err != nil || len(accs) != 1 {
			t.Fatalf("account %s: %v", key, err)
		}
		return accs[0]
	}
	call := func(who, method, path, body string, hdr ...string) apiResp {
		t.Helper()
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		if body != "" {
			r.Header.Set("Content-Type", "application/json")
		}
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Set(hdr[i], hdr[i+1])
		}
		rec := httptest.NewRecorder()
		web.CaseAPIAs(w.web, svc, account(who)).ServeHTTP(rec, r)
		return apiResp{rec.Code, rec.Header(), rec.Body.String()}
	}
	base := "/api/v1/casussen/" + w.pid("casus", id)
	get := call("zc", "GET", base, "")
	caseTag := get.header.Get("ETag")
	if get.status != 200 || caseTag == "" {
		t.Fatalf("GET: %d %s", get.status, get.body)
	}
	// Participants and regie holders are named by references that cannot be enumerated: the
	// user's or parent's public id, never the row number.
	var view struct {
		Regie      map[string]string `json:"regie"`
		Deelnemers []struct {
			ID   string `json:"id"`
			Naam string `json:"naam"`
		} `json:"deelnemers"`
	}
	if err := json.Unmarshal([]byte(get.body), &view); err != nil || len(view.Deelnemers) == 0 || len(view.Regie) == 0 {
		t.Fatalf("case view: %v %s", err, get.body)
	}
	refRe := regexp.MustCompile(`^((gebruiker|ouder):[A-Za-z0-9_-]{22}|leerling)$`)
	refs := map[string]bool{}
	for _, d := range view.Deelnemers {
		if !refRe.MatchString(d.ID) {
			t.Errorf("participant %q has reference %q", d.Naam, d.ID)
		}
		refs[d.ID] = true
	}
	for kind, h := range view.Regie {
		if !refs["gebruiker:"+h] {
			t.Errorf("regie %s held by %q, no participant's public id", kind, h)
		}
	}
	// The school does not learn from the API that the child receives jeugdhulp (Jeugdwet
	// 7.3.11): the participant is there, without name, party or role.
	if strings.Contains(get.body, "Gebruiker jhv") || strings.Contains(get.body, `"partij":"jeugdhulp"`) || !strings.Contains(get.body, "Een deelnemer") {
		t.Errorf("the school's API view names the jeugdhulpverlener: %s", get.body)
	}
	if jhv := "gebruiker:" + w.pid("gebruiker", w.users["jhv"].id); !refs[jhv] {
		t.Errorf("the jeugdhulpverlener's reference %s is not among the participants %v", jhv, refs)
	}
	// Case steps need the case's ETag.
	if r := call("zc", "POST", base+"/fase", `{"fase":"plan-van-aanpak"}`); r.status != http.StatusPreconditionRequired || r.header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("phase without If-Match: %d %s", r.status, r.body)
	}
	// ETags are opaque: no row number, no "casus-1-v2" to guess the next one from.
	if !regexp.MustCompile(`^"[A-Za-z0-9_-]{22}"$`).MatchString(caseTag) || strings.Contains(caseTag, "casus") {
		t.Errorf("case ETag %s is not opaque", caseTag)
	}
	if r := call("zc", "POST", base+"/fase", `{"fase":"plan-van-aanpak"}`, "If-Match", w.web.ETagFor("casus", id, 1)); r.status != http.StatusPreconditionFailed || r.header.Get("ETag") != caseTag {
		t.Errorf("phase with stale ETag: %d %s %s", r.status, r.header.Get("ETag"), r.body)
	}
	// An ETag of another record, or no ETag of ours at all, names no version of this case.
	for _, tag := range []string{`"casus-` + itoa(id) + `-v2"`, w.web.ETagFor("casus", id+1, 2), w.web.ETagFor("afspraak", id, 2), `"` + w.pid("casus", id) + `"`} {
		if r := call("zc", "POST", base+"/fase", `{"fase":"plan-van-aanpak"}`, "If-Match", tag); r.status != http.StatusPreconditionFailed || !strings.Contains(r.body, "geen ETag van deze casus") {
			t.Errorf("phase with If-Match %s: %d %s", tag, r.status, r.body)
		}
	}
	if r := call("zc", "POST", base+"/fase", `{"fase":"afgerond"}`, "If-Match", caseTag); r.status != http.StatusBadRequest && r.status != http.StatusConflict {
		t.Errorf("unknown phase: %d %s", r.status, r.body)
	}
	r := call("zc", "POST", base+"/fase", `{"fase":"plan-van-aanpak"}`, "If-Match", caseTag)
	if r.status != 200 || r.header.Get("ETag") == caseTag || !strings.Contains(r.body, `"fase":"plan-van-aanpak"`) {
		t.Fatalf("phase: %d %s", r.status, r.body)
	}
	caseTag = r.header.Get("ETag")

	// Agreements: 400 naming the field, 201 with ETag and Location.
	var prob struct {
		InvalidParams []struct{ Name string } `json:"invalidParams"`
	}
	mentorRef := "gebruiker:" + w.pid("gebruiker", w.users["zc"].id)
	// A row number is no reference (ids cannot be enumerated): 400 naming the field.
	r = call("zc", "POST", base+"/afspraken", fmt.Sprintf(`{"omschrijving":"x","eigenaar":"gebruiker:%d","datum":"2025-10-20"}`, w.users["zc"].id))
	if json.Unmarshal([]byte(r.body), &prob); r.status != 400 || len(prob.InvalidParams) != 1 || prob.InvalidParams[0].Name != "eigenaar" {
		t.Errorf("agreement with a numeric owner: %d %s", r.status, r.body)
	}
	r = call("zc", "POST", base+"/afspraken", `{"omschrijving":"Dagelijks gesprek","eigenaar":"`+mentorRef+`"}`)
	if json.Unmarshal([]byte(r.body), &prob); r.status != 400 || len(prob.InvalidParams) != 1 || prob.InvalidParams[0].Name != "datum" {
		t.Errorf("agreement without date: %d %s", r.status, r.body)
	}
	r = call("zc", "POST", base+"/afspraken", `{"omschrijving":"Dagelijks gesprek","eigenaar":"ouder:`+w.pid("ouder", 999)+`","datum":"2025-10-20"}`)
	if json.Unmarshal([]byte(r.body), &prob); r.status != 400 || len(prob.InvalidParams) != 1 || prob.InvalidParams[0].Name != "eigenaar" {
		t.Errorf("agreement with a stranger as owner: %d %s", r.status, r.body)
	}
	r = call("zc", "POST", base+"/afspraken", `{"omschrijving":"Dagelijks gesprek","eigenaar":"`+mentorRef+`","datum":"2025-10-20","voorOuders":true}`)
	var a struct {
		ID   string `json:"id"`
		ETag string `json:"etag"`
	}
	if json.Unmarshal([]byte(r.body), &a); r.status != http.StatusCreated || a.ETag != r.header.Get("ETag") || !regexp.MustCompile(`^"[A-Za-z0-9_-]{22}"$`).MatchString(a.ETag) || r.header.Get("Location") == "" {
		t.Fatalf("agreement: %d %v %s", r.status, r.header, r.body)
	}
	// The SWV cannot add agreements (bijlage 3: only the school in this phase).
	if r := call("swv", "POST", base+"/afspraken", `{"omschrijving":"x","eigenaar":"`+mentorRef+`","datum":"2025-10-20"}`); r.status != http.StatusForbidden {
		t.Errorf("SWV adds an agreement: %d %s", r.status, r.body)
	}
	at := base + "/afspraken/" + a.ID
	if r := call("zc", "PATCH", at, `{"status":"loopt"}`); r.status != http.StatusPreconditionRequired {
		t.Errorf("PATCH without If-Match: %d", r.status)
	}
	r = call("zc", "PATCH", at, `{"status":"loopt"}`, "If-Match", a.ETag)
	aTag2 := r.header.Get("ETag")
	if r.status != 200 || aTag2 == "" || aTag2 == a.ETag || !strings.Contains(r.body, aTag2[1:len(aTag2)-1]) {
		t.Fatalf("PATCH: %d %s %s", r.status, aTag2, r.body)
	}
	r = call("zc", "PATCH", at, `{"omschrijving":"Gesprek om de dag"}`, "If-Match", a.ETag)
	if r.status != http.StatusPreconditionFailed || r.header.Get("ETag") != aTag2 || !strings.Contains(r.body, "huidige versie is 2") {
		t.Errorf("stale PATCH: %d %s", r.status, r.body)
	}
	if r := call("zc", "PATCH", at, `{"status":"klaar"}`, "If-Match", aTag2); r.status != 400 || !strings.Contains(r.body, `"name":"status"`) {
		t.Errorf("unknown status: %d %s", r.status, r.body)
	}
	// The plan van aanpak: the SWV sees the school's agreement (school-naar-swv-casusoverleg), jeugdhulp does not.
	if r := call("swv", "GET", base+"/plan-van-aanpak", ""); r.status != 200 || !strings.Contains(r.body, "Dagelijks gesprek") {
		t.Errorf("SWV plan: %d %s", r.status, r.body)
	}
	if r := call("jhv", "GET", base+"/plan-van-aanpak", ""); r.status != 200 || strings.Contains(r.body, "Dagelijks gesprek") {
		t.Errorf("jeugdhulp plan: %d %s", r.status, r.body)
	}

	// Information request to jeugdhulp without consent: refused (Jeugdwet 7.3.11), not even a
	// buitenkant answer; the problem names the lawful routes. (Buitenkant answers and the
	// refusal of a content answer to them: internal/store TestThuiszitterScenario.)
	r = call("zc", "POST", base+"/informatievragen", `{"aan":"gebruiker:`+w.pid("gebruiker", w.users["jhv"].id)+`","categorie":"jeugdhulp","vraag":"Is er hulp?"}`)
	if r.status != http.StatusForbidden || r.header.Get("Content-Type") != "application/problem+json" || !strings.Contains(r.body, "ook niet dat jeugdhulp betrokken is") || !strings.Contains(r.body, "Verwijsindex") {
		t.Fatalf("question: %d %s", r.status, r.body)
	}
	// Inbreng: only what the phase lists.
	if r := call("jhv", "POST", base+"/inbreng", `{"categorie":"gezinssituatie","tekst":"Gezinsbegeleiding loopt."}`); r.status != http.StatusCreated {
		t.Errorf("jeugdhulp inbreng: %d %s", r.status, r.body)
	}
	if r := call("jhv", "POST", base+"/inbreng", `{"categorie":"strafrechtelijk","tekst":"x"}`); r.status != http.StatusForbidden {
		t.Errorf("criminal data brought in: %d %s", r.status, r.body)
	}

	// Regie and escalation with the case's ETag; an unknown consultant names the field.
	r = call("zc", "POST", base+"/regie-overdracht", fmt.Sprintf(`{"soort":"breed","naar":%q,"toelichting":""}`, w.pid("gebruiker", w.users["swv"].id)), "If-Match", caseTag)
	if json.Unmarshal([]byte(r.body), &prob); r.status != 400 || len(prob.InvalidParams) != 1 || prob.InvalidParams[0].Name != "toelichting" {
		t.Errorf("handover without note: %d %s", r.status, r.body)
	}
	esc := `{"reden":"handmatig","toelichting":"Geen plek gevonden.","onderwijsconsulent":%q,"doorzettingsmacht":{"naam":"J. de Vries","functie":"directeur SWV"}}`
	if r := call("zc", "POST", base+"/doorbraakoverleg", fmt.Sprintf(esc, w.pid("gebruiker", 99999)), "If-Match", caseTag); r.status != 400 || !strings.Contains(r.body, `"name":"onderwijsconsulent"`) {
		t.Errorf("unknown consultant: %d %s", r.status, r.body)
	}
	if r := call("mentor", "POST", base+"/doorbraakoverleg", fmt.Sprintf(esc, w.pid("gebruiker", w.users["oco"].id)), "If-Match", caseTag); r.status != http.StatusForbidden {
		t.Errorf("mentor (no participant) escalates: %d %s", r.status, r.body)
	}
	r = call("zc", "POST", base+"/doorbraakoverleg", fmt.Sprintf(esc, w.pid("gebruiker", w.users["oco"].id)), "If-Match", caseTag)
	if r.status != 200 || !strings.Contains(r.body, `"soort":"doorbraakoverleg"`) || !strings.Contains(r.body, `"fase":"overleg"`) {
		t.Fatalf("escalate: %d %s", r.status, r.body)
	}
	caseTag = r.header.Get("ETag")
	if r := call("zc", "POST", base+"/doorbraakoverleg", fmt.Sprintf(esc, w.pid("gebruiker", w.users["oco"].id)), "If-Match", caseTag); r.status != 400 {
		t.Errorf("second escalation: %d %s", r.status, r.body)
	}
	// The onderwijsconsulent sees the school's plan in the doorbraakoverleg and decides.
	if r := call("oco", "GET", base, ""); r.status != 200 || !strings.Contains(r.body, "Dagelijks gesprek") || !strings.Contains(r.body, "J. de Vries") {
		t.Errorf("oco case: %d %s", r.status, r.body)
	}
	r = call("oco", "POST", base+"/doorbraakoverleg/besluit", `{"besluit":"Plaatsing met begeleiding."}`, "If-Match", caseTag)
	if r.status != 200 || !strings.Contains(r.body, "Plaatsing met begeleiding.") {
		t.Fatalf("decision: %d %s", r.status, r.body)
	}
	caseTag = r.header.Get("ETag")
	// Closing: only the broad regie holder; then nothing changes any more.
	if r := call("oco", "POST", base+"/afsluiting", `{"resultaat":"terug-naar-school"}`, "If-Match", caseTag); r.status != http.StatusForbidden {
		t.Errorf("oco closes: %d", r.status)
	}
	r = call("zc", "POST", base+"/afsluiting", `{"resultaat":"terug-naar-school"}`, "If-Match", caseTag)
	if r.status != 200 || !strings.Contains(r.body, `"resultaat":"terug-naar-school"`) {
		t.Fatalf("close: %d %s", r.status, r.body)
	}
	if r := call("zc", "PATCH", at, `{"status":"afgerond"}`, "If-Match", aTag2); r.status != http.StatusConflict {
		t.Errorf("change after closing: %d %s", r.status, r.body)
	}

	// Through the real server: a session cannot write (401); the school's system writes as the
	// school's zorgcoördinator (who takes part), or is refused by the phase (409).
	zc := w.client()
	zc.login("zc")
	if r := zc.doBody("POST", base+"/afspraken", `{}`, "Content-Type", "application/json"); r.status != http.StatusUnauthorized {
		t.Errorf("session POST: %d", r.status)
	}
	tok, hash := auth.NewAPIToken()
	if _, err := w.db.CreateAPIClient(ctx, auth.APIClient{RegionID: w.r1, OrgID: w.school1, Name: "LAS", Role: "zorgcoordinator", Scopes: []string{"casussen:vastleggen"}}, hash, w.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if r := zc.doBody("POST", base+"/inbreng", `{"categorie":"verzuim","tekst":"x"}`, "Content-Type", "application/json", "Authorization", "Bearer "+tok); r.status != http.StatusForbidden && r.status != http.StatusConflict {
		t.Errorf("system POST: %d %s", r.status, r.body)
	}
	if r := zc.get(base + "/plan-van-aanpak"); r.status != 200 || !strings.Contains(r.body, "Dagelijks gesprek") || r.header.Get("API-Version") == "" {
		t.Errorf("plan through the server: %d %s", r.status, r.body)
	}
}

// TestCasusOpenAPI: every casework route is in the served OpenAPI document, and nothing more.
func TestCasusOpenAPI(t *testing.T) {
	w, _, _ := caseWorld(t)
	r := w.client().get("/api/v1/openapi.json")
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		if strings.HasPrefix(p, "/casussen") {
			for m := range ops {
				documented[strings.ToUpper(m)+" /api/v1"+p] = true
			}
		}
	}
	n := 0
	for _, route := range w.web.APIPatterns() {
		if strings.Contains(route, "/api/v1/casussen") {
			n++
			if !documented[route] {
				t.Errorf("%s is not documented", route)
			}
		}
	}
	if n != len(documented) || n < 16 {
		t.Errorf("%d casework routes, %d documented", n, len(documented))
	}
}
