package web_test

import (
	"encoding/json"
	"github.com/grondslag/grondslag/internal/audit"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/auth"
)

// TestOpenAPIMatchesRoutes: every API route of routes.go is documented with the same method, and
// every documented operation is a route; every 2xx and error response documents the version
// header and problem+json.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	checkOpenAPIMatches(t, newWorld(t))
}

// TestOpenAPIMatchesRoutesWithMounts: the same with the casework and verzuim parts mounted, as
// cmd/grondslag serves them.
func TestOpenAPIMatchesRoutesWithMounts(t *testing.T) {
	w, _, _ := caseWorld(t)
	checkOpenAPIMatches(t, w)
	checkOpenAPIMatches(t, verzuimWorld(t))
}

func checkOpenAPIMatches(t *testing.T, w *world) {
	t.Helper()
	r := w.client().get("/api/v1/openapi.json")
	if r.status != 200 || r.header.Get("API-Version") == "" {
		t.Fatalf("openapi.json: %d", r.status)
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
		Servers []struct{ URL string }
		Paths   map[string]map[string]struct {
			Responses map[string]struct {
				Headers map[string]any
				Content map[string]any
			}
		}
	}
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") || len(doc.Servers) != 1 || !strings.HasSuffix(doc.Servers[0].URL, "/api/v1") {
		t.Fatalf("header of document: %s %v", doc.OpenAPI, doc.Servers)
	}
	var documented []string
	for p, ops := range doc.Paths {
		if strings.HasSuffix(p, "/") || p != strings.ToLower(p) && !strings.Contains(p, "{") {
			t.Errorf("path %s: trailing slash or not kebab-case", p)
		}
		for m, op := range ops {
			documented = append(documented, strings.ToUpper(m)+" /api/v1"+p)
			for code, resp := range op.Responses {
				if code[0] == '2' || code[0] == '3' {
					if resp.Headers["API-Version"] == nil {
						t.Errorf("%s %s %s: no API-Version header", m, p, code)
					}
				} else if resp.Content["application/problem+json"] == nil {
					t.Errorf("%s %s %s: not problem+json", m, p, code)
				}
			}
		}
	}
	routes := w.web.APIPatterns()
	sort.Strings(documented)
	sort.Strings(routes)
	if strings.Join(documented, "\n") != strings.Join(routes, "\n") {
		t.Errorf("documented operations and routes differ:\ndocumented:\n%s\nroutes:\n%s", strings.Join(documented, "\n"), strings.Join(routes, "\n"))
	}
}

// TestAPIResponsesUseDocumentedFields decodes real responses and checks every field against the
// schema of the document (recursively, through $ref), so the document cannot drift from the code.
func TestAPIResponsesUseDocumentedFields(t *testing.T) {
	w := newWorld(t)
	c := w.client()
	schemas := openAPISchemas(t, c)
	c.login("zc")
	tok, hash := auth.NewAPIToken()
	if _, err := w.db.CreateAPIClient(t.Context(), auth.APIClient{RegionID: w.r1, OrgID: w.school1, Name: "LAS", Role: "zorgcoordinator", Scopes: []string{auth.ScopeMagIkDitDelen}}, hash, w.clock.Now()); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, method, path, schema, body string
		hdr                              []string
	}{
		{"gezondheid", "GET", "/api/v1/gezondheid", "Gezondheid", "", nil},
		{"lijst", "GET", "/api/v1/leerlingen?doel=signalering", "LeerlingenPagina", "", nil},
		{"leerling", "GET", "/api/v1/leerlingen/" + w.pid("leerling", w.pupil1) + "?doel=signalering", "Leerling", "", nil},
		{"probleem", "GET", "/api/v1/leerlingen?doel=onbekend", "Problem", "", nil},
		{"mag ik", "POST", "/api/v1/mag-ik-dit-delen", "Privacyantwoord",
			`{"actor":{"partij":"school","rol":"zorgcoordinator"},"handeling":"verstrekken","categorie":"verzuim","doel":"handhaving-leerplicht","ontvanger":{"partij":"gemeente","rol":"leerplicht"},"context":{"duoMelding":true}}`,
			[]string{"Authorization", "Bearer " + tok, "Content-Type", "application/json"}},
	}
	for _, tc := range cases {
		var r resp
		if tc.method == "POST" {
			r = c.doBody(tc.method, tc.path, tc.body, tc.hdr...)
		} else {
			r = c.get(tc.path, tc.hdr...)
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(r.body), &v); err != nil {
			t.Fatalf("%s: %d %s", tc.name, r.status, r.body)
		}
		extra := map[string]bool{"invalidParams": true} // RFC 9457 extension, described in the schema text
		for k := range extra {
			delete(v, k)
		}
		checkDocumented(t, schemas, tc.name, v, schemas[tc.schema].(map[string]any))
	}
}

// openAPISchemas returns the components.schemas of the served document.
func openAPISchemas(t *testing.T, c *client) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(c.get("/api/v1/openapi.json").body), &doc); err != nil {
		t.Fatal(err)
	}
	return doc["components"].(map[string]any)["schemas"].(map[string]any)
}

// checkDocumented checks a decoded response against its schema (recursively, through $ref):
// every required field present, no field the schema does not name.
func checkDocumented(t *testing.T, schemas map[string]any, path string, v any, schema map[string]any) {
	t.Helper()
	if ref, ok := schema["$ref"].(string); ok {
		schema = schemas[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any)
	}
	switch x := v.(type) {
	case map[string]any:
		props, _ := schema["properties"].(map[string]any)
		for _, req := range anyStrings(schema["required"]) {
			if _, ok := x[req]; !ok {
				t.Errorf("%s: required field %s missing", path, req)
			}
		}
		if schema["type"] == "object" && props == nil {
			return // free-form object
		}
		for k, val := range x {
			sub, ok := props[k].(map[string]any)
			if !ok {
				t.Errorf("%s.%s: not documented", path, k)
				continue
			}
			checkDocumented(t, schemas, path+"."+k, val, sub)
		}
	case []any:
		items, _ := schema["items"].(map[string]any)
		for _, it := range x {
			checkDocumented(t, schemas, path+"[]", it, items)
		}
	}
}

func anyStrings(v any) []string {
	var out []string
	if l, ok := v.([]any); ok {
		for _, x := range l {
			out = append(out, x.(string))
		}
	}
	return out
}

func TestBearerTokens(t *testing.T) {
	w := newWorld(t)
	ctx := t.Context()
	mk := func(role string, scopes ...string) string {
		tok, hash := auth.NewAPIToken()
		if _, err := w.db.CreateAPIClient(ctx, auth.APIClient{RegionID: w.r1, OrgID: w.school1, Name: "LAS", Role: role, Scopes: scopes}, hash, w.clock.Now()); err != nil {
			t.Fatal(err)
		}
		return tok
	}
	reader := mk("zorgcoordinator", auth.ScopeLeerlingenLezen)
	noScope := mk("zorgcoordinator", auth.ScopeMagIkDitDelen)
	c := w.client()
	bearer := func(tok string) []string { return []string{"Authorization", "Bearer " + tok} }
	p1 := "/api/v1/leerlingen/" + w.pid("leerling", w.pupil1) + "?doel=signalering"
	if r := c.get(p1, bearer(reader)...); r.status != 200 || !strings.Contains(r.body, "Anouk") {
		t.Fatalf("reader: %d %s", r.status, r.body)
	}
	if r := c.get("/api/v1/leerlingen/"+w.pid("leerling", w.pupil2)+"?doel=signalering", bearer(reader)...); r.status != 404 {
		t.Errorf("other school by token: %d", r.status)
	}
	if r := c.get(p1, bearer(noScope)...); r.status != 403 {
		t.Errorf("without scope: %d", r.status)
	}
	if r := c.get(p1, bearer("gsl_verzonnen")...); r.status != 401 || r.header.Get("WWW-Authenticate") == "" {
		t.Errorf("unknown token: %d", r.status)
	}
	if r := c.get(p1, "Authorization", "Basic eDp5"); r.status != 401 {
		t.Errorf("basic auth: %d", r.status)
	}
	// The read is audited as the client's organisation (no person).
	recs := w.audit.all()
	last := recs[len(recs)-1]
	if last.Actor.OrganisationID != w.school1 || last.Actor.ClientID == 0 || last.Actor.UserID != 0 || last.AccessPoint != audit.AccessAPI {
		t.Errorf("audit of a token read: %+v", last)
	}
	// Bad JSON names the field.
	share := mk("zorgcoordinator", auth.ScopeMagIkDitDelen)
	r := c.doBody("POST", "/api/v1/mag-ik-dit-delen", `{"actor":{"partij":"school","rol":"zorgcoordinator"},"handeling":"lezen","categorie":"verzuim","doel":"signalering","onbekend":1}`,
		append(bearer(share), "Content-Type", "application/json")...)
	if r.status != 400 || !strings.Contains(r.body, `"name":"onbekend"`) {
		t.Errorf("unknown field: %d %s", r.status, r.body)
	}
	r = c.doBody("POST", "/api/v1/mag-ik-dit-delen", `{}`, bearer(share)...)
	if r.status != 415 {
		t.Errorf("no content type: %d", r.status)
	}
	_ = url.Values{}
}
