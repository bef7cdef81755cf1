package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/consent"
)

// TestToestemmingForTheJeugdarts: the zorgcoördinator records the consent of a 12-year-old for
// the jeugdarts' disclosure to the school without a parent (BW 7:457 with 7:465: from 12 the
// child itself); the same consent for the school's own disclosure is refused at the givers
// (AVG art. 8: the parents up to 16). Through the form and through the API.
func TestToestemmingForTheJeugdarts(t *testing.T) {
	w, _ := toestemmingWorld(t)
	zc := w.client()
	zc.login("zc")
	page := "/toestemmingen/leerling/" + w.pid("leerling", w.pupil1) // Anouk is 12 on the test's day
	form := url.Values{"status": {"gegeven"}, "doelen": {"toeleiding"}, "ontvangers": {"school:" + itoa(w.school1)}, "categorieen": {"gezondheid"},
		"gevers": {"leerling"}, "kanaal": {"schriftelijk"}, "formulier_versie": {consent.FormVersion}, "formulier_hash": {hash64}, "bewijs": {hash64},
		"geldig_van": {"2025-10-06"}}
	if b := zc.get(page).body; !strings.Contains(b, `name="verstrekker"`) || !strings.Contains(b, `<option value="ggd">`) {
		t.Fatalf("the form does not ask who discloses")
	}
	r := zc.post(page, page, form)
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, `id="gevers-fout"`) {
		t.Fatalf("the school's disclosure on the 12-year-old's own consent: %d", r.status)
	}
	form.Set("verstrekker", "ggd")
	if r := zc.post(page, page, form); r.status != http.StatusSeeOther {
		t.Fatalf("the jeugdarts' disclosure on the child's own consent: %d\n%s", r.status, r.body)
	}
	recs, err := w.db.ConsentsOfPupil(context.Background(), w.r1, w.pupil1)
	if err != nil || len(recs) != 1 || recs[0].Data().Discloser != "ggd" || len(recs[0].Data().Givers) != 1 {
		t.Fatalf("stored: %v %+v", err, recs)
	}
	form.Set("verstrekker", "huisarts")
	if r := zc.post(page, page, form); r.status != http.StatusBadRequest || !strings.Contains(r.body, `id="verstrekker-fout"`) {
		t.Fatalf("unknown discloser: %d", r.status)
	}

	// The API: the same consent with "verstrekker": "ggd" is 201 and names it; without, 400 at gevers.
	tok := w.token(auth.ScopeToestemmingenVastleggen)
	body := map[string]any{"leerling": w.pid("leerling", w.pupil1), "doelen": []string{"toeleiding"}, "ontvangers": []string{"school"}, "categorieen": []string{"gezondheid"},
		"gevers": []string{"leerling"}, "kanaal": "e-mail", "formulierVersie": consent.FormVersion, "formulierHash": hash64, "bewijs": hash64, "geldigVan": "2025-10-06"}
	send := func() resp {
		b, _ := json.Marshal(body)
		return zc.doBody("POST", "/api/v1/toestemmingen", string(b), "Authorization", "Bearer "+tok, "Content-Type", "application/json")
	}
	if r := send(); r.status != http.StatusBadRequest || !strings.Contains(r.body, "gevers") {
		t.Fatalf("API without discloser: %d %s", r.status, r.body)
	}
	body["verstrekker"] = "ggd"
	r = send()
	if r.status != http.StatusCreated || !strings.Contains(r.body, `"verstrekker":"ggd"`) {
		t.Fatalf("API with discloser ggd: %d %s", r.status, r.body)
	}
}
