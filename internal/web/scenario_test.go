package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/web"
)

// scenario is one request with what must and must not be in the answer.
type scenario struct {
	name    string
	method  string
	path    string
	status  int
	want    []string
	notWant []string
}

func runScenarios(t *testing.T, c *client, ss []scenario) {
	t.Helper()
	for _, s := range ss {
		var r resp
		if s.method == "POST" {
			r = c.do("POST", s.path, url.Values{})
		} else {
			r = c.get(s.path)
		}
		if r.status != s.status {
			t.Errorf("%s: %s %s = %d, want %d\n%.600s", s.name, s.method, s.path, r.status, s.status, r.body)
			continue
		}
		for _, w := range s.want {
			if !strings.Contains(r.body, w) {
				t.Errorf("%s: %s %s lacks %q", s.name, s.method, s.path, w)
			}
		}
		for _, w := range s.notWant {
			if strings.Contains(r.body, w) {
				t.Errorf("%s: %s %s shows %q", s.name, s.method, s.path, w)
			}
		}
	}
}

func TestScenariosPerRole(t *testing.T) {
	w := newWorld(t)
	p1, p2, pR2 := "/leerlingen/"+w.pid("leerling", w.pupil1), "/leerlingen/"+w.pid("leerling", w.pupil2), "/leerlingen/"+w.pid("leerling", w.pupilR2)

	t.Run("anoniem", func(t *testing.T) {
		c := w.client()
		runScenarios(t, c, []scenario{
			{"root", "GET", "/", 303, nil, nil},
			{"inloggen", "GET", "/inloggen", 200, []string{"<h1>Inloggen</h1>", `autocomplete="current-password"`, `lang="nl"`, "Naar de inhoud"}, nil},
			{"ouder", "GET", "/inloggen/ouder", 200, []string{"Inloggen voor ouders"}, nil},
			{"start", "GET", "/start", 303, nil, nil},
			{"leerling", "GET", p1, 303, nil, []string{"Anouk"}},
			{"healthz", "GET", "/healthz", 200, []string{"ok"}, nil},
			{"css", "GET", "/static/grondslag.css", 200, []string{"--kleur-primair"}, nil},
			{"mfa zonder wachtwoord", "GET", "/inloggen/mfa", 303, nil, nil},
			{"qr zonder sessie", "GET", "/inloggen/mfa/qr.png", 303, nil, nil},
			{"postvak demo", "GET", "/dev/postvak", 200, []string{"Postvak van de demo"}, nil},
		})
	})

	t.Run("zorgcoordinator", func(t *testing.T) {
		c := w.client()
		c.login("zc")
		runScenarios(t, c, []scenario{
			{"start zonder doel", "GET", "/start", 200, []string{"Welkom, Gebruiker zc", "nog geen doel gekozen", "Verzuimmeldingen om af te maken", "Er liggen geen meldingen klaar"}, nil},
			{"lijst zonder doel", "GET", "/leerlingen", 200, []string{"U ziet hier geen namen", "Er is geen doel gekozen"}, []string{"Anouk", "Bart", "Cem"}},
			{"pagina vraagt doel", "GET", p1, 200, []string{"Kies eerst uw doel"}, []string{"2013"}},
			{"andere school", "GET", p2, 404, []string{"Niet gevonden"}, []string{"Bart", "Kies eerst uw doel"}},
			{"andere regio", "GET", pR2, 404, nil, []string{"Cem"}},
			{"beheer", "GET", "/beheer/accounts", 403, []string{"Geen toegang", "Ingelogd als"}, nil},
			{"audit", "GET", "/audit", 403, nil, nil},
			{"mag ik", "GET", "/mag-ik-dit-delen", 200, []string{"Mag ik dit delen?", "Heb ik toestemming van beide ouders nodig?"}, nil},
		})
		c.setPurpose("signalering")
		runScenarios(t, c, []scenario{
			{"lijst", "GET", "/leerlingen", 200, []string{"Visser, Anouk", "1 leerling"}, []string{"Bart", "Cem"}},
			{"leerlingpagina", "GET", p1, 200, []string{"Anouk Visser", "04-05-2013", "De Linde", "Olga Visser", "met gezag", "grondslag:", "artikel 4 lid 6", "Signalering", "Geen verzuimsignalen", "Geen toestemmingen vastgelegd"}, []string{"Bart"}},
			{"andere school met doel", "GET", p2, 404, nil, []string{"Bart"}},
		})
		// A purpose the convenant does not give the zorgcoördinator is not offered, and cannot be
		// chosen (issue 15).
		if r := c.get("/start"); strings.Contains(r.body, `value="toeleiding"`) {
			t.Error("the purpose picker offers toeleiding to the zorgcoördinator")
		}
		if r := c.post("/start", "/doel", url.Values{"doel": {"toeleiding"}}); r.status != http.StatusBadRequest {
			t.Errorf("choosing toeleiding: %d", r.status)
		}
	})

	t.Run("mentor en directeur", func(t *testing.T) {
		c := w.client()
		c.login("mentor")
		c.setPurpose("signalering")
		runScenarios(t, c, []scenario{{"mentor leest", "GET", p1, 200, []string{"Anouk Visser", "Inschrijvingen"}, nil}})
		d := w.client()
		d.login("directeur")
		// The model convenant gives the directeur no reading of pupil data: no purpose is offered,
		// and the pupil page shows no name (issue 15).
		if r := d.post("/start", "/doel", url.Values{"doel": {"signalering"}}); r.status != http.StatusBadRequest {
			t.Errorf("directeur chooses signalering: %d", r.status)
		}
		runScenarios(t, d, []scenario{{"directeur niet", "GET", p1, 200, nil, []string{"04-05-2013", "Anouk"}}})
	})

	t.Run("leerplicht zonder melding", func(t *testing.T) {
		c := w.client()
		c.login("lpa")
		runScenarios(t, c, []scenario{
			{"start", "GET", "/start", 200, []string{"Verzuimmeldingen in behandeling"}, nil},
			{"lijst zonder doel", "GET", "/leerlingen", 200, []string{"U ziet hier geen namen"}, []string{"Anouk", "Bart"}},
			{"geen relatie", "GET", p1, 404, nil, []string{"Anouk"}},
		})
		c.setPurpose("handhaving-leerplicht")
		runScenarios(t, c, []scenario{{"lijst leeg", "GET", "/leerlingen", 200, []string{"Geen leerlingen gevonden"}, []string{"Anouk", "Bart"}}})
	})

	for _, key := range []string{"swv", "oco", "jeugdarts", "jhv"} {
		t.Run(key, func(t *testing.T) {
			c := w.client()
			c.login(key)
			runScenarios(t, c, []scenario{
				{"start", "GET", "/start", 200, []string{"Casussen"}, nil},
				{"geen relatie", "GET", p1, 404, nil, []string{"Anouk"}},
				{"geen beheer", "GET", "/beheer/accounts", 403, nil, nil},
			})
		})
	}

	t.Run("fg", func(t *testing.T) {
		c := w.client()
		c.login("fg")
		runScenarios(t, c, []scenario{
			{"start", "GET", "/start", 200, []string{"Functionaris gegevensbescherming"}, nil},
			{"audit", "GET", "/audit", 200, []string{"Auditlog"}, nil},
			{"geen leerlingen", "GET", "/leerlingen", 403, nil, []string{"Anouk"}},
			{"geen leerling", "GET", p1, 403, nil, []string{"Anouk"}},
		})
	})

	t.Run("beheerder", func(t *testing.T) {
		c := w.client()
		c.login("beheerder")
		runScenarios(t, c, []scenario{
			{"start", "GET", "/start", 200, []string{"U ziet geen gegevens van leerlingen"}, nil},
			{"accounts", "GET", "/beheer/accounts", 200, []string{"zc@linde.example", "ingesteld"}, []string{"zc@zuider.example", "$argon2id"}},
			{"geen leerlingen", "GET", "/leerlingen", 403, nil, []string{"Anouk"}},
			{"geen leerling", "GET", p1, 403, nil, []string{"Anouk"}},
			{"geen mag ik", "GET", "/mag-ik-dit-delen", 403, nil, nil},
		})
	})

	t.Run("ouder", func(t *testing.T) {
		c := w.client()
		c.loginParent()
		runScenarios(t, c, []scenario{
			{"portaal", "GET", "/start", 200, []string{"Mijn kind", "Anouk Visser", "Wie heeft gegevens van mijn kind?", "Inzage vragen"}, []string{"Bart"}},
			{"eigen kind", "GET", p1, 200, []string{"Anouk Visser", "AVG art. 15"}, nil},
			{"ander kind", "GET", p2, 404, nil, []string{"Bart"}},
			{"geen lijst", "GET", "/leerlingen", 403, nil, nil},
			{"geen mag ik", "GET", "/mag-ik-dit-delen", 403, nil, nil},
		})
	})
}

func TestAuditOfPupilPage(t *testing.T) {
	w := newWorld(t)
	ins(t, w.db, `INSERT INTO verzuim_signaal (regio_id, leerling_id, soort, van, tot, uren_centi, dagen, bron, prioriteit, peildatum, gevonden_op)
		VALUES (?, ?, '16-uur-in-4-lesweken', '2025-09-08', '2025-10-03', 1700, 4, 'Leerplichtwet art. 21a', 0, '2025-10-06', 0)`, w.r1, w.pupil1)
	c := w.client()
	c.login("zc")
	c.setPurpose("signalering")
	before := len(w.audit.all())
	if r := c.get("/leerlingen/" + w.pid("leerling", w.pupil1)); r.status != 200 || !strings.Contains(r.body, "16 uur verzuim in 4 lesweken") || !strings.Contains(r.body, "Leerplichtwet art. 21a") {
		t.Fatal(r.status, r.body)
	}
	recs := w.audit.all()[before:]
	// The categories allowed on the same rule share one record; the toestemming category (the
	// consent register) rests on another rule, or is denied, and has its own record.
	if len(recs) != 2 || strings.Join(recs[0].Categories, ",") != "identificatie,onderwijs,contact,verzuim" {
		t.Fatalf("audit records: %+v", recs)
	}
	recs = recs[:1]
	if r := c.get("/api/v1/leerlingen/" + w.pid("leerling", w.pupil1) + "?doel=signalering"); !strings.Contains(r.body, `"verzuimsignalen":[{"soort":"16-uur-in-4-lesweken"`) {
		t.Errorf("API lacks the signal: %s", r.body)
	}
	for _, r := range recs {
		if r.Pupil != "pseudo-leerling-een-0001" || r.Purpose != "signalering" || r.Outcome != "toegestaan" || r.Actor.UserID != w.users["zc"].id ||
			r.LegalGround != "avg-6-1-e" || r.Article == "" || r.AccessPoint != "ui" || r.ProcessingActivity == "" || r.RequestID == "" {
			t.Errorf("record %+v", r)
		}
	}
	// A denied read is recorded too, with what was missing (the API takes any purpose of the
	// convenant; the picker offers only the role's).
	before = len(w.audit.all())
	c.get("/api/v1/leerlingen/" + w.pid("leerling", w.pupil1) + "?doel=toeleiding")
	recs = w.audit.all()[before:]
	denied := 0
	for _, r := range recs {
		if r.Outcome == "geweigerd" {
			denied++
			if !strings.HasPrefix(r.Reason, "ontbreekt-") {
				t.Errorf("reason %q", r.Reason)
			}
		}
	}
	if denied == 0 {
		t.Error("denied reads not audited")
	}
	// An unrelated pupil produces no audit record naming that pupil.
	before = len(w.audit.all())
	c.get("/leerlingen/" + w.pid("leerling", w.pupil2))
	if n := len(w.audit.all()) - before; n != 0 {
		t.Errorf("%d audit records for a pupil without relation", n)
	}
}

func TestShareForm(t *testing.T) {
	w := newWorld(t)
	c := w.client()
	c.login("zc")
	form := url.Values{"rol": {"school/zorgcoordinator"}, "handeling": {"verstrekken"}, "ontvanger": {"swv/swv-consulent"}, "categorie": {"ondersteuningsbehoefte"},
		"doel": {"toeleiding"}, "niveau": {"persoon"}}
	r := c.post("/mag-ik-dit-delen", "/mag-ik-dit-delen", form)
	if r.status != 200 || !strings.Contains(r.body, "Ja, dit mag") || !strings.Contains(r.body, "WPO art. 18a") || !strings.Contains(r.body, "artikel 4 lid 3") {
		t.Fatalf("allowed answer: %d\n%s", r.status, r.body)
	}
	form.Set("categorie", "gezondheid")
	form.Set("ontvanger", "gemeente/leerplicht")
	r = c.post("/mag-ik-dit-delen", "/mag-ik-dit-delen", form)
	if r.status != 200 || !strings.Contains(r.body, "Nee, dit mag niet") {
		t.Fatalf("denied answer: %d\n%s", r.status, r.body)
	}
	// Errors are tied to their fields.
	r = c.post("/mag-ik-dit-delen", "/mag-ik-dit-delen", url.Values{"rol": {"onbekend"}, "handeling": {"lezen"}, "categorie": {"x"}, "doel": {"signalering"}, "niveau": {"persoon"}})
	if r.status != 422 || !strings.Contains(r.body, `aria-describedby="rol-fout"`) || !strings.Contains(r.body, `href="#categorie"`) || !strings.Contains(r.body, "<title>Fout: ") {
		t.Fatalf("errors: %d\n%s", r.status, r.body)
	}
}

func TestAPI(t *testing.T) {
	w := newWorld(t)
	c := w.client()
	r := c.get("/api/v1/gezondheid")
	if r.status != 200 || r.header.Get("API-Version") != "1.0.0" || !strings.Contains(r.body, `"status":"gezond"`) {
		t.Fatalf("health: %d %v %s", r.status, r.header, r.body)
	}
	r = c.get("/api/v1/leerlingen?doel=signalering")
	if r.status != 401 || r.header.Get("Content-Type") != "application/problem+json" || r.header.Get("API-Version") == "" {
		t.Fatalf("anonymous list: %d %s", r.status, r.header.Get("Content-Type"))
	}
	c.login("zc")
	r = c.get("/api/v1/leerlingen")
	var p struct {
		Status        int
		InvalidParams []struct{ Name, Reason string }
	}
	json.Unmarshal([]byte(r.body), &p)
	if r.status != 400 || p.Status != 400 || len(p.InvalidParams) != 1 || p.InvalidParams[0].Name != "doel" {
		t.Fatalf("missing doel: %d %s", r.status, r.body)
	}
	r = c.get("/api/v1/leerlingen?doel=signalering&perPagina=1")
	var list struct {
		Links    map[string]struct{ Href string } `json:"_links"`
		Embedded struct {
			Leerlingen []struct {
				ID       string
				Voornaam string
			}
		} `json:"_embedded"`
		Totaal int
	}
	if err := json.Unmarshal([]byte(r.body), &list); err != nil || r.status != 200 || list.Totaal != 1 || len(list.Embedded.Leerlingen) != 1 || list.Embedded.Leerlingen[0].Voornaam != "Anouk" {
		t.Fatalf("list: %d %s", r.status, r.body)
	}
	if _, ok := list.Links["next"]; ok {
		t.Error("next link on the last page")
	}
	r = c.get("/api/v1/leerlingen/" + w.pid("leerling", w.pupil1) + "?doel=signalering")
	if r.status != 200 || !strings.Contains(r.body, `"grondslagTekst"`) || !strings.Contains(r.body, `"Olga Visser"`) {
		t.Fatalf("pupil: %d %s", r.status, r.body)
	}
	for _, path := range []string{"/api/v1/leerlingen/" + w.pid("leerling", w.pupil2) + "?doel=signalering", "/api/v1/leerlingen/" + w.pid("leerling", w.pupilR2) + "?doel=signalering", "/api/v1/leerlingen/999999?doel=signalering"} {
		r = c.get(path)
		if r.status != 404 || r.header.Get("Content-Type") != "application/problem+json" || strings.Contains(r.body, "Bart") || strings.Contains(r.body, "Cem") {
			t.Errorf("%s: %d %s", path, r.status, r.body)
		}
	}
	// Trailing slashes and unknown paths: problem+json 404 with the version header.
	for _, path := range []string{"/api/v1/leerlingen/", "/api/v1/bestaat-niet"} {
		r = c.get(path)
		if r.status != 404 || r.header.Get("API-Version") != "1.0.0" || r.header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %v", path, r.status, r.header)
		}
	}
	// A known path with another method: 405 with Allow, as problem+json with the version header.
	r = c.do("DELETE", "/api/v1/leerlingen", nil)
	if r.status != 405 || r.header.Get("Allow") != "GET" || r.header.Get("API-Version") == "" || r.header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("DELETE: %d %v", r.status, r.header)
	}
	// Session cookies only read: a POST with a cookie is refused.
	r = c.do("POST", "/api/v1/mag-ik-dit-delen", nil, "Content-Type", "application/json")
	if r.status != 401 {
		t.Errorf("cookie POST: %d", r.status)
	}
}

func TestTraceparentAndHeaders(t *testing.T) {
	w := newWorld(t)
	c := w.client()
	tp := "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	r := c.get("/api/v1/gezondheid", "traceparent", tp, "X-Request-ID", "verzoek-12345678")
	// Our own trace (the caller's is kept as the foreign operation, never adopted).
	resp, err := audit.ParseTraceparent(r.header.Get("traceresponse"))
	if err != nil || resp.TraceID.String() == "4bf92f3577b34da6a3ce929d0e0e4736" || resp.SpanID.String() == "00f067aa0ba902b7" {
		t.Errorf("traceresponse %q: %v", r.header.Get("traceresponse"), err)
	}
	if r.header.Get("X-Request-ID") != "verzoek-12345678" {
		t.Errorf("request id %q", r.header.Get("X-Request-ID"))
	}
	// An API client's read with a traceparent: its record names the caller's operation as
	// foreign_operation, with the client's organisation as entity, and has no parent (the
	// request is no logged operation); without a traceparent, no foreign operation.
	tok := "Bearer " + w.token("leerlingen:lezen")
	path := "/api/v1/leerlingen/" + w.pid("leerling", w.pupil1) + "?doel=signalering"
	for _, withTP := range []bool{true, false} {
		before := len(w.audit.all())
		hdr := []string{"Authorization", tok}
		if withTP {
			hdr = append(hdr, "traceparent", tp)
		}
		r = w.client().get(path, hdr...)
		if r.status != 200 {
			t.Fatalf("API read: %d %s", r.status, r.body)
		}
		own, _ := audit.ParseTraceparent(r.header.Get("traceresponse"))
		recs := w.audit.all()[before:]
		if len(recs) == 0 {
			t.Fatal("no audit record of the API read")
		}
		for _, rec := range recs {
			if rec.TraceID != own.TraceID || !rec.ParentOperationID.IsZero() {
				t.Errorf("record trace %s parent %s, the response's trace %s", rec.TraceID, rec.ParentOperationID, own.TraceID)
			}
			switch f := rec.Foreign; {
			case !withTP && f != nil:
				t.Errorf("foreign operation without a traceparent: %+v", f)
			case withTP && (f == nil || f.TraceID.String() != "4bf92f3577b34da6a3ce929d0e0e4736" || f.OperationID.String() != "00f067aa0ba902b7" ||
				f.Entity != audit.OrganisationURI(w.r1, w.school1)):
				t.Errorf("foreign operation %+v", f)
			}
		}
	}
	r = c.get("/inloggen")
	csp := r.header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "frame-ancestors 'none'", "form-action 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP lacks %s: %s", want, csp)
		}
	}
	if strings.Contains(csp, "script-src") || strings.Contains(r.body, "<script") || strings.Contains(r.body, "style=") {
		t.Error("inline script or style")
	}
	if r.header.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS without TLS")
	}
	if r.header.Get("X-Content-Type-Options") != "nosniff" || r.header.Get("X-Frame-Options") != "DENY" {
		t.Error("security headers")
	}
	tw := newWorld(t, func(c *web.Config) { c.TLS = true })
	r = tw.client().get("/inloggen")
	if !strings.Contains(r.header.Get("Strict-Transport-Security"), "max-age=") {
		t.Error("no HSTS with TLS")
	}
	if sc := r.header.Get("Set-Cookie"); !strings.Contains(sc, "Secure") || !strings.Contains(sc, "HttpOnly") {
		t.Errorf("cookie flags with TLS: %s", sc)
	}
	_ = http.StatusOK
}

// TestWorklists: the start pages' work lists come from the store, limited to related pupils (a
// mentor: his own classes); an item only where the policy lets the user read its category for
// his purpose, names only where identification is allowed, and everything shown is audited.
func TestWorklists(t *testing.T) {
	w := newWorld(t)
	ctx := t.Context()
	// Dirk is at the same school as Anouk, in 7B: not the mentor's class.
	dirk := ins(t, w.db, `INSERT INTO leerling (regio_id, pseudoniem, id_soort, id_versleuteld, sleutel_versie, voornaam, achternaam, geboortedatum, aangemaakt_op) VALUES (?, 'pseudo-leerling-dirk-0004', 'bsn', ?, 1, 'Dirk', 'Visser', '2013-06-01', 0)`, w.r1, []byte{1})
	ins(t, w.db, `INSERT INTO inschrijving (regio_id, leerling_id, school_id, leerlingnummer, van, leerjaar, klas) VALUES (?, ?, ?, '102', '2020-08-01', 'groep 7', '7B')`, w.r1, dirk, w.school1)
	for _, pupil := range []int64{w.pupil1, w.pupil2, dirk} {
		ins(t, w.db, `INSERT INTO verzuim_signaal (regio_id, leerling_id, soort, van, tot, uren_centi, dagen, bron, prioriteit, peildatum, gevonden_op)
			VALUES (?, ?, '16-uur-in-4-lesweken', '2025-09-08', '2025-10-03', 1700, 4, 'Leerplichtwet art. 21a', 0, '2025-10-06', 0)`, w.r1, pupil)
	}
	if _, err := w.db.Exec(ctx, `UPDATE leerling SET woongemeente_id = ? WHERE id IN (?, ?)`, w.gem1, w.pupil2, dirk); err != nil {
		t.Fatal(err)
	}
	melding := func(pupil, school int64, status string, made time.Time) {
		ins(t, w.db, `INSERT INTO verzuimmelding (regio_id, leerling_id, school_id, soort, begindatum, vermoedelijke_reden, alle_lessen_verzuimd, actie_school,
		actie_gemeente_gewenst, toelichting_geen_actie, leslocatie, melder_naam, melder_functie, melder_telefoon, melder_email, telefoon_ouder, verblijfadres,
		verzuimde_dagen, verzuimde_uren_centi, signaal_soort, status, status_op, reden_afsluiting, afsluitnotitie, contact_gemeente, duo_nummer, aangemaakt_op)
		VALUES (?, ?, ?, '16-uur-in-4-lesweken', '2025-09-08', '', 0, '', 1, '', '', '', '', '', '', '', '', 4, 1700, '16-uur-in-4-lesweken', ?, 0, '', '', '', '', ?)`,
			w.r1, pupil, school, status, made.UnixMilli())
	}
	melding(w.pupil2, w.school2, "in-behandeling", w.clock.Now().AddDate(0, 0, -30))
	// A new melding about Dirk, 12 days old: past the default reaction term of 10 days.
	melding(dirk, w.school1, "geregistreerd", w.clock.Now().AddDate(0, 0, -12))
	// A consent request about Anouk still waiting for the parents.
	ins(t, w.db, `INSERT INTO toestemming_verzoek (regio_id, leerling_id, doel, formulier_versie, formulier_hash, gevraagd_door, gevraagd_op, status)
		VALUES (?, ?, 'jeugdhulp', '1', 'x', 'gebruiker:1', ?, 'open')`, w.r1, w.pupil1, w.clock.Now().AddDate(0, 0, -3).UnixMilli())

	c := w.client()
	c.login("zc")
	r := c.get("/start")
	// No purpose: no item, no name; the page says how many it does not show and why.
	if strings.Contains(r.body, "16 uur verzuim in 4 lesweken") || strings.Contains(r.body, "Anouk") || !strings.Contains(r.body, "niet getoond") ||
		!strings.Contains(r.body, "Verzuimsignalen zonder actie") || !strings.Contains(r.body, "Toestemmingsverzoeken die op antwoord wachten") {
		t.Fatalf("zc start without purpose:\n%s", r.body)
	}
	c.setPurpose("signalering")
	before := len(w.audit.all())
	r = c.get("/start")
	// Anouk and Dirk (signals without a melding of their own, no case); Bart is of another school.
	if !strings.Contains(r.body, "Anouk Visser") || !strings.Contains(r.body, "Dirk Visser") || strings.Contains(r.body, "Bart") ||
		!strings.Contains(r.body, "toestemmingsverzoek wacht op antwoord") || strings.Contains(r.body, "2025-09-08") {
		t.Fatalf("zc start with purpose:\n%s", r.body)
	}
	cats := map[string]bool{}
	for _, rec := range w.audit.all()[before:] {
		if rec.Pupil == "pseudo-leerling-een-0001" {
			for _, c := range rec.Categories {
				cats[c] = true
			}
		}
		if rec.Pupil == "pseudo-leerling-twee-0002" {
			t.Errorf("Bart audited on another school's start page: %+v", rec)
		}
	}
	if !cats["identificatie"] || !cats["verzuim"] {
		t.Errorf("audit of Anouk on the start page: %v", cats)
	}

	// The daily digest by e-mail: off until the user turns it on.
	if !strings.Contains(r.body, "Het overzicht staat uit.") {
		t.Fatalf("digest setting not on the start page:\n%s", r.body)
	}
	if r := c.post("/start", "/start/overzicht", url.Values{"aan": {"1"}}); r.status != http.StatusSeeOther {
		t.Fatalf("digest on: %d %s", r.status, r.body)
	}
	if on, err := w.db.DigestOn(ctx, w.r1, w.users["zc"].id); err != nil || !on {
		t.Fatalf("digest not stored: %v %v", on, err)
	}
	if r := c.get("/start"); !strings.Contains(r.body, "Het overzicht staat <strong>aan</strong>.") {
		t.Fatalf("digest on not shown:\n%s", r.body)
	}
	c.post("/start", "/start/overzicht", url.Values{})
	if on, _ := w.db.DigestOn(ctx, w.r1, w.users["zc"].id); on {
		t.Fatal("digest still on after turning it off")
	}

	// The mentor of 7A: Anouk, not Dirk (7B).
	m := w.client()
	m.login("mentor")
	m.setPurpose("signalering")
	r = m.get("/start")
	if !strings.Contains(r.body, "Leerlingen uit uw klassen met open verzuimsignalen") || !strings.Contains(r.body, "Anouk Visser") || strings.Contains(r.body, "Dirk") {
		t.Fatalf("mentor start:\n%s", r.body)
	}
	if r := m.get("/leerlingen/" + w.pid("leerling", dirk)); r.status != 404 {
		t.Errorf("mentor opens a pupil of another class: %d", r.status)
	}

	// The directeur: counts only.
	d := w.client()
	d.login("directeur")
	r = d.get("/start")
	if !strings.Contains(r.body, "2 leerlingen") || strings.Contains(r.body, "Anouk") || strings.Contains(r.body, `class="werklijst"`) || strings.Contains(r.body, "Dagelijks overzicht") {
		t.Fatalf("directeur start:\n%s", r.body)
	}
	if r := d.post("/start", "/start/overzicht", url.Values{"aan": {"1"}}); r.status != http.StatusNotFound {
		t.Errorf("digest for the directeur (counts only): %d", r.status)
	}

	l := w.client()
	l.login("lpa")
	l.setPurpose("handhaving-leerplicht")
	r = l.get("/start")
	if !strings.Contains(r.body, "Nieuwe verzuimmeldingen") || !strings.Contains(r.body, "Dirk Visser") || !strings.Contains(r.body, "te laat: uiterlijk 4 oktober 2025") ||
		!strings.Contains(r.body, "Bart Visser") || !strings.Contains(r.body, "in behandeling sinds 8 september 2025") || strings.Contains(r.body, "Anouk") ||
		!strings.Contains(r.body, "16 uur verzuim in 4 lesweken") || strings.Contains(r.body, "16-uur-in-4-lesweken") {
		t.Fatalf("leerplicht start:\n%s", r.body)
	}
	// With the melding, leerplicht may open Bart's page (person-level, DUO melding gives ground).
	if r := l.get("/leerlingen/" + w.pid("leerling", w.pupil2)); r.status != 200 || !strings.Contains(r.body, "Bart Visser") {
		t.Errorf("leerplicht pupil page with melding: %d", r.status)
	}
}

// TestParentSeesTrail: the parent sees who looked at the child's data, with purpose and ground.
func TestParentSeesTrail(t *testing.T) {
	w := newWorld(t)
	zc := w.client()
	zc.login("zc")
	zc.setPurpose("signalering")
	zc.get("/leerlingen/" + w.pid("leerling", w.pupil1))
	p := w.client()
	p.loginParent()
	r := p.get("/leerlingen/" + w.pid("leerling", w.pupil1))
	if r.status != 200 || !strings.Contains(r.body, "Wie heeft gegevens van uw kind bekeken") || !strings.Contains(r.body, "zorgcoördinator") ||
		!strings.Contains(r.body, "signalering") || !strings.Contains(r.body, "AVG artikel 6 lid 1 sub e") {
		t.Fatalf("trail: %d\n%s", r.status, r.body)
	}
}

// TestCountOnlyCountsTheWholeList: the directeur's start page counts every pupil of a list, not
// the 25 items a list shows, and a pupil with two open signals once.
func TestCountOnlyCountsTheWholeList(t *testing.T) {
	w := newWorld(t)
	signal := func(pupil int64, kind, from string) {
		ins(t, w.db, `INSERT INTO verzuim_signaal (regio_id, leerling_id, soort, van, tot, uren_centi, dagen, bron, prioriteit, peildatum, gevonden_op)
			VALUES (?, ?, ?, ?, '2025-10-03', 1700, 4, 'Leerplichtwet art. 21a', 0, '2025-10-06', 0)`, w.r1, pupil, kind, from)
	}
	// Anouk and 29 more pupils of De Linde with an open signal; Anouk has a second one.
	signal(w.pupil1, "16-uur-in-4-lesweken", "2025-09-08")
	signal(w.pupil1, "luxe-verzuim", "2025-09-01")
	for i := 0; i < 29; i++ {
		p := ins(t, w.db, `INSERT INTO leerling (regio_id, pseudoniem, id_soort, id_versleuteld, sleutel_versie, voornaam, achternaam, geboortedatum, aangemaakt_op) VALUES (?, ?, 'bsn', ?, 1, 'Kind', ?, '2013-06-01', 0)`,
			w.r1, fmt.Sprintf("pseudo-leerling-telling-%04d", i), []byte{byte(i + 1)}, fmt.Sprintf("Nummer%d", i))
		ins(t, w.db, `INSERT INTO inschrijving (regio_id, leerling_id, school_id, leerlingnummer, van, leerjaar, klas) VALUES (?, ?, ?, ?, '2020-08-01', 'groep 7', '7B')`, w.r1, p, w.school1, fmt.Sprintf("9%03d", i))
		signal(p, "16-uur-in-4-lesweken", "2025-09-08")
	}
	d := w.client()
	d.login("directeur")
	r := d.get("/start")
	// 30 pupils with open signals (31 signals); none has a melding: 30 pupils with meldingen to make
	// (luxe verzuim included).
	if strings.Count(r.body, "30 leerlingen") != 2 || strings.Contains(r.body, "25 leerlingen") || strings.Contains(r.body, "31 leerlingen") || strings.Contains(r.body, "Anouk") {
		t.Fatalf("directeur start:\n%s", r.body)
	}
}
