package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/casework"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
)

// caseWorld mounts the casework pages on the test world and opens a ZAT for pupil1 (Anouk, 12)
// with the SWV consultant and jeugdhulp as participants, the mother invited and accepted, in
// the overleg phase.
func caseWorld(t testing.TB) (*world, *casework.Service, int64) {
	t.Helper()
	w := newWorldTB(t)
	ctx := context.Background()
	k, err := convenant.Default()
	if err != nil {
		t.Fatal(err)
	}
	enc := audit.EncryptFunc(func(p, _ []byte) ([]byte, error) { return append([]byte("x"), p...), nil })
	svc, err := casework.NewService(store.NewCaseStore(w.db), casework.NewGuard(k, policy.NewEngine(k), nil), store.CaseDirectory{DB: w.db}, enc, casework.DefaultConfig(), w.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	w.web.MountCasework(svc)
	zc := casework.Op{Actor: store.ActorOf(region.User{ID: w.users["zc"].id, Role: "zorgcoordinator", Name: "ZC"}, region.Organisation{ID: w.school1, Kind: region.KindSchool}), Point: audit.AccessUI, RequestID: "t"}
	c, err := svc.Open(ctx, w.r1, zc, casework.OpenRequest{PupilID: w.pupil1, Type: "zat", Purpose: "toeleiding", Question: "Anouk verzuimt; wat helpt?"})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"swv", "jhv"} {
		if _, err := svc.AddProfessional(ctx, w.r1, zc, c.ID, w.users[u].id, ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.InviteFamily(ctx, w.r1, zc, c.ID); err != nil {
		t.Fatal(err)
	}
	mother := casework.Op{Actor: casework.Actor{Kind: casework.KindParent, ParentID: w.parent}, Point: audit.AccessUI, RequestID: "t"}
	if _, err := svc.Respond(ctx, w.r1, mother, c.ID, casework.RefOf(mother.Actor), true, ""); err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{"voorbereiding", "overleg"} {
		if _, err := svc.Advance(ctx, w.r1, zc, c.ID, to, ""); err != nil {
			t.Fatal(err)
		}
	}
	return w, svc, c.ID
}

func TestCasusPagesPerRole(t *testing.T) {
	w, _, id := caseWorld(t)
	page := "/casussen/" + w.pid("casus", id)
	zc := w.client()
	zc.login("zc")
	r := zc.get(page)
	if r.status != http.StatusOK || !strings.Contains(r.body, "Schrijf objectief en bondig") {
		t.Fatalf("zc page: %d %s", r.status, r.body)
	}
	r = zc.post(page, page+"/verslagen", url.Values{"datum": {"2025-10-06"}, "tekst": {"Anouk komt op maandag niet; moeder zoekt hulp."}, "voor_ouders": {"ja"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("write minutes: %d %s", r.status, r.body)
	}
	const text = "Anouk komt op maandag niet; moeder zoekt hulp."
	for _, tt := range []struct {
		who    string
		status int
		sees   bool
	}{
		{"zc", http.StatusOK, true},
		{"swv", http.StatusOK, true}, // school-naar-swv-casusoverleg, phase overleg
		{"jhv", http.StatusOK, false},
		{"mentor", http.StatusNotFound, false}, // not a participant: as if the case did not exist (issue 15)
		{"zc2", http.StatusNotFound, false},    // another school
		{"zcR2", http.StatusNotFound, false},   // another region
	} {
		c := w.client()
		c.login(tt.who)
		r := c.get(page)
		if r.status != tt.status || strings.Contains(r.body, text) != tt.sees {
			t.Errorf("%s: status %d, sees minutes %v", tt.who, r.status, strings.Contains(r.body, text))
		}
	}
	p := w.client()
	p.loginParent()
	if r := p.get(page); r.status != http.StatusOK || !strings.Contains(r.body, text) || strings.Contains(r.body, `action="/casussen/`) {
		t.Errorf("parent: %d, sees minutes %v", r.status, strings.Contains(r.body, text))
	}
	if r := p.get("/casussen"); r.status != http.StatusOK || !strings.Contains(r.body, "Casus "+caseRef(t, w, id)+"<") {
		t.Errorf("parent list: %d", r.status)
	}
	// A jump in phases is refused with the allowed phases.
	r = zc.post(page, page+"/fase", url.Values{"fase": {"uitvoering-en-evaluatie"}})
	if r.status != http.StatusConflict || !strings.Contains(r.body, "plan-van-aanpak") {
		t.Errorf("illegal transition: %d", r.status)
	}

	// Two edits of version 1: the second gets 409 with the current version and its own text.
	body := zc.get(page).body
	vid := regexpFind(`action="/casussen/[A-Za-z0-9_-]{22}/verslagen/([A-Za-z0-9_-]{22})"`, body)
	if vid == "" {
		t.Fatal("no edit form")
	}
	edit := func(text string) resp {
		return zc.do("POST", page+"/verslagen/"+vid, url.Values{"csrf": {csrfOf(t, body)}, "versie": {"1"}, "tekst": {text}, "voor_ouders": {"ja"}})
	}
	if r := edit("Anouk komt op maandag en dinsdag niet."); r.status != http.StatusSeeOther {
		t.Fatalf("first edit: %d %s", r.status, r.body)
	}
	r = edit("Mijn versie van het verslag.")
	if r.status != http.StatusConflict || !strings.Contains(r.body, "huidige versie is 2") || !strings.Contains(r.body, "Mijn versie van het verslag.") || !strings.Contains(r.body, "maandag en dinsdag") {
		t.Fatalf("second edit: %d %s", r.status, r.body)
	}
}

func TestCasusAPI(t *testing.T) {
	w, svc, id := caseWorld(t)
	ctx := context.Background()
	zcOp := casework.Op{Actor: store.ActorOf(region.User{ID: w.users["zc"].id, Role: "zorgcoordinator"}, region.Organisation{ID: w.school1, Kind: region.KindSchool}), Point: audit.AccessUI, RequestID: "t"}
	m, err := svc.WriteMinutes(ctx, w.r1, zcOp, id, casework.MinutesInput{MeetingOn: w.clock.Now(), Text: "Verslag via de dienst.", ForParents: true})
	if err != nil {
		t.Fatal(err)
	}
	zc := w.client()
	zc.login("zc")
	r := zc.get("/api/v1/casussen/" + w.pid("casus", id))
	if r.status != http.StatusOK || r.header.Get("ETag") == "" || r.header.Get("API-Version") == "" {
		t.Fatalf("GET case: %d %v %s", r.status, r.header, r.body)
	}
	var got struct {
		Fase      string `json:"fase"`
		Verslagen []struct {
			Tekst string `json:"tekst"`
			ETag  string `json:"etag"`
		} `json:"verslagen"`
		Volgende []string `json:"volgendeFasen"`
	}
	if err := json.Unmarshal([]byte(r.body), &got); err != nil || got.Fase != "overleg" || len(got.Verslagen) != 1 || got.Verslagen[0].ETag != w.web.ETagFor("verslag", m.ID, 1) || len(got.Volgende) == 0 {
		t.Fatalf("case JSON: %v %s", err, r.body)
	}
	swv := w.client()
	swv.login("swv")
	if r := swv.get("/api/v1/casussen/" + w.pid("casus", id)); r.status != http.StatusOK || !strings.Contains(r.body, "Verslag via de dienst.") {
		t.Errorf("SWV API: %d %s", r.status, r.body)
	}
	if r := zc.get("/api/v1/casussen"); r.status != http.StatusOK || !strings.Contains(r.body, `"soort":"zat"`) {
		t.Errorf("list: %d %s", r.status, r.body)
	}
	// Writing needs a token; a session cannot PUT (CSRF), and If-Match is required.
	put := "/api/v1/casussen/" + w.pid("casus", id) + "/verslagen/" + w.pid("verslag", m.ID)
	if r := zc.doBody("PUT", put, `{"tekst":"x"}`, "Content-Type", "application/json", "If-Match", got.Verslagen[0].ETag); r.status != http.StatusUnauthorized {
		t.Errorf("PUT with session: %d", r.status)
	}
	tok, hash := auth.NewAPIToken()
	if _, err := w.db.CreateAPIClient(ctx, auth.APIClient{RegionID: w.r1, OrgID: w.school1, Name: "LAS", Role: "zorgcoordinator", Scopes: []string{"casussen:vastleggen"}}, hash, w.clock.Now()); err != nil {
		t.Fatal(err)
	}
	bearer := "Bearer " + tok
	if r := zc.doBody("PUT", put, `{"tekst":"x"}`, "Content-Type", "application/json", "Authorization", bearer); r.status != http.StatusPreconditionRequired {
		t.Errorf("PUT without If-Match: %d %s", r.status, r.body)
	}
	if r := zc.doBody("PUT", put, `{"tekst":"x"}`, "Content-Type", "application/json", "Authorization", bearer, "If-Match", `"iets"`); r.status != http.StatusPreconditionFailed {
		t.Errorf("PUT with a foreign ETag: %d", r.status)
	}
	// An API client is its organisation's system: it takes part through the professional of
	// its organisation in its role (here the school's zorgcoördinator), and through nobody else.
	other, otherHash := auth.NewAPIToken()
	if _, err := w.db.CreateAPIClient(ctx, auth.APIClient{RegionID: w.r1, OrgID: w.school2, Name: "LAS", Role: "zorgcoordinator", Scopes: []string{"casussen:vastleggen"}}, otherHash, w.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if r := zc.doBody("PUT", put, `{"tekst":"x"}`, "Content-Type", "application/json", "Authorization", "Bearer "+other, "If-Match", got.Verslagen[0].ETag); r.status != http.StatusForbidden && r.status != http.StatusNotFound {
		t.Errorf("PUT by another school's system: %d %s", r.status, r.body)
	}
	if r := zc.doBody("PUT", put, `{"tekst":"x"}`, "Content-Type", "application/json", "Authorization", bearer, "If-Match", got.Verslagen[0].ETag); r.status != http.StatusOK {
		t.Errorf("PUT by the school's system: %d %s", r.status, r.body)
	}
}

// TestCasusParticipantsHideSecretParties: that a child receives jeugdhulp is itself secret
// (Jeugdwet 7.3.11). Without the consent of the right person the school and the SWV see the
// jeugdhulpverlener only as "een deelnemer" — no name, party or role, on the page and in the
// API; the jeugdhulpverlener sees himself, and the mother sees who sits at her child's table.
func TestCasusParticipantsHideSecretParties(t *testing.T) {
	w, _, id := caseWorld(t)
	page := "/casussen/" + w.pid("casus", id)
	jhvName := "Gebruiker jhv"
	for _, who := range []string{"zc", "swv"} {
		c := w.client()
		c.login(who)
		b := c.get(page).body
		if strings.Contains(b, jhvName) || strings.Contains(b, "(jeugdhulp)") || strings.Contains(b, "Jeugdhulpverlener") {
			t.Errorf("%s sees the jeugdhulpverlener at the table", who)
		}
		if !strings.Contains(b, casework.HiddenParticipantName) {
			t.Errorf("%s: the hidden participant is not shown as %q", who, casework.HiddenParticipantName)
		}
		if !strings.Contains(b, "Gebruiker swv") {
			t.Errorf("%s: school and SWV participants should stay visible", who)
		}
	}
	jhv := w.client()
	jhv.login("jhv")
	if b := jhv.get(page).body; !strings.Contains(b, jhvName) || !strings.Contains(b, "Gebruiker swv") {
		t.Errorf("the jeugdhulpverlener does not see the table as it is")
	}
	p := w.client()
	p.loginParent()
	if b := p.get(page).body; !strings.Contains(b, jhvName) {
		t.Errorf("the mother does not see the jeugdhulpverlener at her child's table")
	}
}
