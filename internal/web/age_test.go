package web_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/auth"
)

// TestAgeOnTheDayDecides: the web counts the pupil's age on the Dutch calendar day of each
// decision. Bart turns 18 on 7 October 2025: on the 6th leerplicht (with the DUO melding) sees
// his name on the start page and opens his page; from the 7th — already at 00:30 Amsterdam
// time, while the server's clock still says the 6th in UTC — leerplicht's person-level work has
// ended (BW 1:233; Lpw art. 2: leerplicht and kwalificatieplicht end at 18) and neither the name
// nor the page is shown.
func TestAgeOnTheDayDecides(t *testing.T) {
	w := newWorld(t)
	ctx := t.Context()
	if _, err := w.db.Exec(ctx, `UPDATE leerling SET geboortedatum = '2007-10-07', woongemeente_id = ? WHERE id = ?`, w.gem1, w.pupil2); err != nil {
		t.Fatal(err)
	}
	ins(t, w.db, `INSERT INTO verzuimmelding (regio_id, leerling_id, school_id, soort, begindatum, vermoedelijke_reden, alle_lessen_verzuimd, actie_school,
		actie_gemeente_gewenst, toelichting_geen_actie, leslocatie, melder_naam, melder_functie, melder_telefoon, melder_email, telefoon_ouder, verblijfadres,
		verzuimde_dagen, verzuimde_uren_centi, signaal_soort, status, status_op, reden_afsluiting, afsluitnotitie, contact_gemeente, duo_nummer, aangemaakt_op)
		VALUES (?, ?, ?, '16-uur-in-4-lesweken', '2025-09-08', '', 0, '', 1, '', '', '', '', '', '', '', '', 4, 1700, '16-uur-in-4-lesweken', 'in-behandeling', ?, '', '', '', '', 0)`,
		w.r1, w.pupil2, w.school2, w.clock.Now().UnixMilli())
	// 6 October 2025, 22:00 UTC = 00:00 on the 7th in Amsterdam is the edge; 21:58 UTC is 17
	// (signing in moves the clock half a minute).
	w.clock.Add(time.Date(2025, 10, 6, 21, 58, 0, 0, time.UTC).Sub(w.clock.Now()))
	l := w.client()
	l.login("lpa")
	l.setPurpose("handhaving-leerplicht")
	page := "/leerlingen/" + w.pid("leerling", w.pupil2)
	if r := l.get("/start"); !strings.Contains(r.body, "Bart Visser") {
		t.Errorf("17: leerplicht start misses the name:\n%s", r.body)
	}
	if r := l.get(page); r.status != 200 || !strings.Contains(r.body, "Bart Visser") {
		t.Errorf("17: leerplicht pupil page: %d", r.status)
	}
	w.clock.Add(31 * time.Minute) // 22:30 UTC on the 6th: 00:30 on the 7th in Amsterdam
	if r := l.get("/start"); strings.Contains(r.body, "Bart Visser") {
		t.Errorf("18: leerplicht start still shows the name:\n%s", r.body)
	}
	if r := l.get(page); strings.Contains(r.body, "Bart Visser") {
		t.Errorf("18: leerplicht pupil page still shows the name: %d", r.status)
	}
}

// TestShareAPIAgeFacts: POST /api/v1/mag-ik-dit-delen takes the facts the rules of age need,
// as `grondslag mag` does (leeftijd, or geboortedatum counted on peildatum; toestemmingDoor),
// and the answer changes on the 12th birthday: from then the jeugdarts needs the child's own
// consent, the parents' is not enough (BW 7:457 with 7:465).
func TestShareAPIAgeFacts(t *testing.T) {
	w := newWorld(t)
	tok, hash := auth.NewAPIToken()
	if _, err := w.db.CreateAPIClient(t.Context(), auth.APIClient{RegionID: w.r1, OrgID: w.school1, Name: "LAS", Role: "zorgcoordinator", Scopes: []string{auth.ScopeMagIkDitDelen}}, hash, w.clock.Now()); err != nil {
		t.Fatal(err)
	}
	c := w.client()
	ask := func(context string) (int, map[string]any, string) {
		t.Helper()
		r := c.doBody("POST", "/api/v1/mag-ik-dit-delen", `{"actor":{"partij":"ggd","rol":"jeugdarts"},"handeling":"verstrekken","categorie":"gezondheid","doel":"toeleiding","ontvanger":{"partij":"school","rol":"zorgcoordinator"},"context":`+context+`}`,
			"Authorization", "Bearer "+tok, "Content-Type", "application/json")
		var v map[string]any
		_ = json.Unmarshal([]byte(r.body), &v)
		return r.status, v, r.body
	}
	for _, tt := range []struct {
		context string
		allowed bool
		reason  string
	}{
		{`{"leeftijd":11,"toestemmingDoor":["ouders"]}`, true, ""},
		{`{"leeftijd":12,"toestemmingDoor":["ouders"]}`, false, "de leerling zelf"},
		{`{"leeftijd":14,"toestemmingDoor":["ouder"]}`, false, "de toestemming van een ouder is niet genoeg"},
		{`{"leeftijd":14,"toestemmingDoor":["leerling"]}`, true, ""},
		{`{"geboortedatum":"2013-10-07","peildatum":"2025-10-06","toestemmingDoor":["ouders"]}`, true, ""},
		{`{"geboortedatum":"2013-10-07","peildatum":"2025-10-07","toestemmingDoor":["ouders"]}`, false, "de leerling zelf"},
	} {
		status, v, body := ask(tt.context)
		if status != 200 || v["toegestaan"] != tt.allowed || !strings.Contains(fmt.Sprint(v["reden"]), tt.reason) {
			t.Errorf("%s: %d %s", tt.context, status, body)
		}
	}
	for _, tt := range []struct{ context, field string }{
		{`{"toestemmingDoor":["leerling"]}`, "context.leeftijd"},
		{`{"leeftijd":14,"toestemmingDoor":["voogd"]}`, "context.toestemmingDoor"},
		{`{"leeftijd":40}`, "context.leeftijd"},
		{`{"geboortedatum":"7-10-2013"}`, "context.geboortedatum"},
	} {
		if status, _, body := ask(tt.context); status != 400 || !strings.Contains(body, `"name":"`+tt.field+`"`) {
			t.Errorf("%s: %d %s", tt.context, status, body)
		}
	}
}
