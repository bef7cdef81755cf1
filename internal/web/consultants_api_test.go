package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/auth"
)

// TestAPIOnderwijsconsulenten: GET /api/v1/onderwijsconsulenten lists the region's active
// onderwijsconsulenten with the public id the escalation asks for, paged, validated against the
// served document (every test client's transport); no e-mail address, nobody of another region.
func TestAPIOnderwijsconsulenten(t *testing.T) {
	w, _ := apiWorld(t)
	c := w.client()
	tok := w.token(auth.ScopeCasussenLezen)
	r := c.get("/api/v1/onderwijsconsulenten?perPagina=1", "Authorization", "Bearer "+tok)
	var page struct {
		Embedded struct {
			Onderwijsconsulenten []struct{ ID, Naam, Organisatie string } `json:"onderwijsconsulenten"`
		} `json:"_embedded"`
		Totaal    int `json:"totaal"`
		PerPagina int `json:"perPagina"`
	}
	if err := json.Unmarshal([]byte(r.body), &page); err != nil || r.status != http.StatusOK {
		t.Fatalf("list: %d %v %s", r.status, err, r.body)
	}
	if page.Totaal != 1 || page.PerPagina != 1 || len(page.Embedded.Onderwijsconsulenten) != 1 {
		t.Fatalf("page: %+v", page)
	}
	got := page.Embedded.Onderwijsconsulenten[0]
	if got.ID != w.pid("gebruiker", w.users["oco"].id) || got.Naam != "Gebruiker oco" || got.Organisatie == "" {
		t.Errorf("consultant %+v", got)
	}
	if strings.Contains(r.body, "@") {
		t.Errorf("an e-mail address in the list: %s", r.body)
	}
	if r := c.get("/api/v1/onderwijsconsulenten?perPagina=1000", "Authorization", "Bearer "+tok); r.status != http.StatusBadRequest {
		t.Errorf("page size beyond the limit: %d", r.status)
	}
	if r := c.get("/api/v1/onderwijsconsulenten"); r.status != http.StatusUnauthorized {
		t.Errorf("anonymous: %d", r.status)
	}
}
