package web_test

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/consent"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/web"
)

// apiWorld is the case world with the absence and consent parts mounted too: every API route.
func apiWorld(t *testing.T) (*world, int64) {
	t.Helper()
	w, _, caseID := caseWorld(t)
	mountVerzuim(t, w)
	conv, _ := convenant.Default()
	cfg, err := consent.FromConvenant(conv)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.web.MountToestemming(web.ToestemmingDeps{Register: consent.NewRegister(w.db, cfg, nil).WithShareLog(w.db), Families: w.db, Expiring: w.db}); err != nil {
		t.Fatal(err)
	}
	return w, caseID
}

// token makes an API client of school 1 in the zorgcoördinator role with scopes.
func (w *world) token(scopes ...string) string {
	w.t.Helper()
	tok, hash := auth.NewAPIToken()
	if _, err := w.db.CreateAPIClient(w.t.Context(), auth.APIClient{RegionID: w.r1, OrgID: w.school1, Name: "LAS", Role: "zorgcoordinator", Scopes: scopes}, hash, w.clock.Now()); err != nil {
		w.t.Fatal(err)
	}
	return tok
}

// TestAPIClientScopes, one subtest per operation of the served document: every secured
// operation names its scope (x-scope), the scope is one `grondslag api-client aanmaken`
// accepts, a client holding every other scope is refused with 403 naming it, and a client
// holding only that scope is let through; reading operations then answer 200.
func TestAPIClientScopes(t *testing.T) {
	w, caseID := apiWorld(t)
	c := w.client()
	var doc struct {
		Paths map[string]map[string]struct {
			Scope    string           `json:"x-scope"`
			Security []map[string]any `json:"security"`
		} `json:"paths"`
	}
	if err := json.Unmarshal([]byte(c.get("/api/v1/openapi.json").body), &doc); err != nil {
		t.Fatal(err)
	}
	// A melding of school 1, for the operations on one melding.
	_, mPath := makeMelding(t, w)
	melding := strings.TrimPrefix(mPath, "/verzuim/meldingen/")
	// Concrete values for the path and query parameters.
	fill := func(path string) string {
		p := strings.NewReplacer("{id}", "ID", "{vid}", w.pid("verslag", 1), "{aid}", w.pid("afspraak", 1), "{qid}", w.pid("informatievraag", 1)).Replace(path)
		switch {
		case strings.HasPrefix(path, "/casussen/"):
			p = strings.Replace(p, "ID", w.pid("casus", caseID), 1)
		case strings.HasPrefix(path, "/leerlingen/"):
			p = strings.Replace(p, "ID", w.pid("leerling", w.pupil1), 1)
		case strings.HasPrefix(path, "/toestemmingen/"):
			p = strings.Replace(p, "ID", w.pid("toestemming", 1), 1)
		default:
			p = strings.Replace(p, "ID", melding, 1)
		}
		q := map[string]string{
			"/leerlingen": "?doel=signalering", "/leerlingen/{id}": "?doel=signalering", "/verzuimsignalen": "?doel=signalering",
			"/verzuimmeldingen": "?doel=signalering", "/verzuimmeldingen/{id}/duo": "?doel=signalering", "/verzuimregistraties": "?doel=signalering", "/toestemmingen": "?leerling=" + w.pid("leerling", w.pupil1),
			"/toestemming-nodig": "?geboortedatum=2013-05-04&peildatum=2025-10-06&doel=toeleiding&gezaghebbenden=2",
		}[path]
		return "/api/v1" + p + q
	}
	var paths []string
	for p := range doc.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	n := 0
	for _, p := range paths {
		for m, op := range doc.Paths[p] {
			if len(op.Security) == 0 {
				continue // public: gezondheid, openapi.json
			}
			n++
			name := strings.ToUpper(m) + " " + p
			t.Run(name, func(t *testing.T) {
				if op.Scope == "" || !auth.KnownScope(op.Scope) {
					t.Fatalf("scope %q is not one a client can be given", op.Scope)
				}
				var others []string
				for _, s := range auth.Scopes {
					if s.Name != op.Scope {
						others = append(others, s.Name)
					}
				}
				url := fill(p)
				send := func(tok string) resp {
					hdr := []string{"Authorization", "Bearer " + tok, "Content-Type", "application/json", "If-Match", w.web.ETagFor("casus", caseID, 1)}
					if m == "get" {
						return c.get(url, hdr[:2]...)
					}
					return c.doBody(strings.ToUpper(m), url, `{}`, hdr...)
				}
				r := send(w.token(others...))
				if r.status != http.StatusForbidden || !strings.Contains(r.body, op.Scope) {
					t.Errorf("without %s: %d %s", op.Scope, r.status, r.body)
				}
				r = send(w.token(op.Scope))
				if r.status == http.StatusUnauthorized || r.status == http.StatusForbidden && strings.Contains(r.body, "heeft de scope") || r.status >= 500 {
					t.Errorf("with only %s: %d %s", op.Scope, r.status, r.body)
				}
				if m == "get" && r.status != http.StatusOK {
					t.Errorf("read with only %s: %d %s", op.Scope, r.status, r.body)
				}
			})
		}
	}
	if n < 25 {
		t.Errorf("only %d secured operations", n)
	}
}

// TestAPIClientListsCases: an API client with casussen:lezen lists the cases its organisation
// takes part in, in its role (issue 20: this was a 500), and only those.
func TestAPIClientListsCases(t *testing.T) {
	w, caseID := apiWorld(t)
	c := w.client()
	r := c.get("/api/v1/casussen", "Authorization", "Bearer "+w.token(auth.ScopeCasussenLezen))
	var page struct {
		Embedded struct {
			Casussen []struct{ ID string } `json:"casussen"`
		} `json:"_embedded"`
		Totaal int `json:"totaal"`
	}
	if json.Unmarshal([]byte(r.body), &page); r.status != 200 || page.Totaal != 1 || len(page.Embedded.Casussen) != 1 || page.Embedded.Casussen[0].ID != w.pid("casus", caseID) {
		t.Fatalf("list: %d %s", r.status, r.body)
	}
	// (The casework service writes its audit entries with the case; an entry without a user,
	// parent or client is refused by audit.NewEntry, which is what made this a 500.)
	// Another school's client (not taking part) sees none; so does a mentor's client of the
	// same school (no mentor takes part).
	tok, hash := auth.NewAPIToken()
	w.db.CreateAPIClient(t.Context(), auth.APIClient{RegionID: w.r1, OrgID: w.school2, Name: "LAS", Role: "zorgcoordinator", Scopes: []string{auth.ScopeCasussenLezen}}, hash, w.clock.Now())
	if r := c.get("/api/v1/casussen", "Authorization", "Bearer "+tok); r.status != 200 || strings.Contains(r.body, `"id"`) {
		t.Errorf("other school: %d %s", r.status, r.body)
	}
	if r := c.get("/api/v1/casussen/"+w.pid("casus", caseID), "Authorization", "Bearer "+tok); r.status != 404 && r.status != 403 {
		t.Errorf("other school's read of the case: %d", r.status)
	}
	tok, hash = auth.NewAPIToken()
	w.db.CreateAPIClient(t.Context(), auth.APIClient{RegionID: w.r1, OrgID: w.school1, Name: "LAS", Role: "mentor", Scopes: []string{auth.ScopeCasussenLezen}}, hash, w.clock.Now())
	if r := c.get("/api/v1/casussen", "Authorization", "Bearer "+tok); r.status != 200 || strings.Contains(r.body, `"id"`) {
		t.Errorf("mentor's client: %d %s", r.status, r.body)
	}
}
