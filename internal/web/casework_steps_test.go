package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// as signs a fresh browser in as who ("ouder" for the parent).
func (w *world) as(who string) *client {
	c := w.client()
	if who == "ouder" {
		c.loginParent()
	} else {
		c.login(who)
	}
	return c
}

// caseVersionOn reads the case version from the page's hidden fields.
func caseVersionOn(body string) string { return regexpFind(`name="casusversie" value="(\d+)"`, body) }

// TestCasusStepsScenario takes the ZAT of caseWorld through minutes, the plan van aanpak,
// progress, an information request, inbreng, regie handover, the escalation signal, the
// doorbraakoverleg and closing, in the browser, asserting per role what is and is not shown.
func TestCasusStepsScenario(t *testing.T) {
	w, _, id := caseWorld(t)
	page := "/casussen/" + w.pid("casus", id)
	plan := page + "/plan-van-aanpak"
	zc := w.as("zc")
	must := func(who string, r resp, status int) {
		t.Helper()
		if r.status != status {
			t.Fatalf("%s: status %d, want %d\n%s", who, r.status, status, r.body)
		}
	}
	const minutes = "Gesprek met moeder; zij vertelt over de thuissituatie."
	must("verslag", zc.post(page, page+"/verslagen", url.Values{"datum": {"2025-10-06"}, "tekst": {minutes}}), http.StatusSeeOther)
	// A field error is shown at the field, with the text kept.
	r := zc.post(page, page+"/verslagen", url.Values{"datum": {"6 oktober"}, "tekst": {"Mijn verslag dat niet verloren mag gaan."}})
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, `id="verslag-datum-fout"`) || !strings.Contains(r.body, "Mijn verslag dat niet verloren mag gaan.") || !strings.Contains(r.body, `href="#verslag-datum"`) {
		t.Fatalf("field error: %d %s", r.status, r.body)
	}
	// The mentor joins (the zorgcoördinator adds them), then the plan phase.
	must("deelnemer", zc.post(page, page+"/deelnemers", url.Values{"gebruiker": {itoa(w.users["mentor"].id)}}), http.StatusSeeOther)
	must("fase", zc.post(page, page+"/fase", url.Values{"fase": {"plan-van-aanpak"}}), http.StatusSeeOther)

	// Agreements: a missing description is tied to its field; then two agreements.
	r = zc.post(page, page+"/afspraken", url.Values{"omschrijving": {""}, "eigenaar": {"gebruiker:" + itoa(w.users["mentor"].id)}, "datum": {"2025-10-20"}})
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, `id="afspraak-omschrijving-fout"`) || !strings.Contains(r.body, `value="2025-10-20"`) {
		t.Fatalf("agreement field error: %d %s", r.status, r.body)
	}
	const forMentor, forMother = "Mentor belt Anouk elke maandag.", "Moeder brengt Anouk naar school."
	must("afspraak mentor", zc.post(page, page+"/afspraken", url.Values{"omschrijving": {forMentor}, "eigenaar": {"gebruiker:" + itoa(w.users["mentor"].id)}, "datum": {"2025-10-20"}}), http.StatusSeeOther)
	must("afspraak moeder", zc.post(page, page+"/afspraken", url.Values{"omschrijving": {forMother}, "eigenaar": {"ouder:" + itoa(w.parent)}, "datum": {"2025-10-13"}, "voor_ouders": {"ja"}}), http.StatusSeeOther)

	for _, tt := range []struct {
		who     string
		path    string
		status  int
		must    []string
		mustNot []string
	}{
		{"zc", page, 200, []string{minutes, forMentor, forMother, `action="` + page + `/afspraken"`, "Casus afsluiten"}, nil},
		{"zc", plan, 200, []string{forMentor, forMother, "Lopende afspraken"}, nil},
		// The mentor reads the agreements within the school, not the minutes; reports progress on their own.
		{"mentor", page, 200, []string{forMentor, forMother, "Status melden"}, []string{minutes, "Casus afsluiten", "Regie overdragen"}},
		// school-naar-swv-casusoverleg: the SWV sees minutes and plan in the plan phase.
		{"swv", page, 200, []string{minutes, forMentor, "Opschalen naar het doorbraakoverleg"}, []string{"Casus afsluiten"}},
		{"swv", plan, 200, []string{forMentor}, nil},
		// Jeugdhulp gets no school minutes or agreements without consent.
		{"jhv", page, 200, nil, []string{minutes, forMentor, forMother}},
		{"ouder", page, 200, []string{forMother, "Status melden"}, []string{minutes, forMentor, "Casus afsluiten"}},
		{"ouder", plan, 200, []string{forMother}, []string{forMentor}},
		{"lpa", page, 404, nil, []string{forMentor}}, // not a participant: as if the case did not exist (issue 15)
		{"zc2", plan, 404, nil, []string{forMentor}},
		{"zcR2", page, 404, nil, []string{forMentor}},
	} {
		c := w.as(tt.who)
		r := c.get(tt.path)
		if r.status != tt.status {
			t.Errorf("%s %s: status %d, want %d", tt.who, tt.path, r.status, tt.status)
		}
		for _, s := range tt.must {
			if !strings.Contains(r.body, s) {
				t.Errorf("%s %s: misses %q", tt.who, tt.path, s)
			}
		}
		for _, s := range tt.mustNot {
			if strings.Contains(r.body, s) {
				t.Errorf("%s %s: shows %q", tt.who, tt.path, s)
			}
		}
	}

	// Two writers on agreement version 1: the mentor reports progress, the zorgcoördinator's
	// stale edit gets 409 with the current version and keeps their text.
	zcPage := zc.get(page).body
	aid := regexpFind(`<tr id="afspraak-([A-Za-z0-9_-]{22})">\s*<td>`+forMentor, zcPage)
	if aid == "" {
		t.Fatal("no agreement row")
	}
	mentor := w.as("mentor")
	must("voortgang", mentor.post(page, page+"/afspraken/"+aid, url.Values{"versie": {"1"}, "status": {"loopt"}}), http.StatusSeeOther)
	r = zc.do("POST", page+"/afspraken/"+aid, url.Values{"csrf": {csrfOf(t, zcPage)}, "versie": {"1"}, "omschrijving": {"Mentor belt Anouk elke dag."}, "eigenaar": {"gebruiker:" + itoa(w.users["mentor"].id)}, "datum": {"2025-10-20"}, "status": {"open"}})
	if r.status != http.StatusConflict || !strings.Contains(r.body, "huidige versie is 2") || !strings.Contains(r.body, "Mentor belt Anouk elke dag.") {
		t.Fatalf("stale agreement edit: %d %s", r.status, r.body)
	}
	// The mentor may report status but not rewrite the agreement.
	r = mentor.post(page, page+"/afspraken/"+aid, url.Values{"versie": {"2"}, "omschrijving": {"Iets anders"}, "eigenaar": {"gebruiker:" + itoa(w.users["mentor"].id)}, "datum": {"2025-10-20"}, "status": {"open"}})
	if r.status == http.StatusSeeOther || strings.Contains(mentor.get(page).body, "Iets anders") {
		t.Errorf("mentor rewrote the agreement: %d", r.status)
	}
	// The mother reports progress on her own agreement.
	mother := w.as("ouder")
	mid := regexpFind(`<tr id="afspraak-([A-Za-z0-9_-]{22})">\s*<td>`+forMother, mother.get(page).body)
	must("moeder voortgang", mother.post(page, page+"/afspraken/"+mid, url.Values{"versie": {"1"}, "status": {"afgerond"}}), http.StatusSeeOther)
	if r := mother.post(page, page+"/afsluiten", url.Values{"resultaat": {"terug-naar-school"}}); r.status != http.StatusForbidden {
		t.Errorf("parent closes: %d", r.status)
	}

	// "Wat weet de jeugdhulpverlener?": without consent jeugdhulp may not say even that it is
	// involved (Jeugdwet 7.3.11): 403 on the form, with the lawful routes, the question kept.
	r = zc.do("POST", page+"/vragen", url.Values{"csrf": {csrfOf(t, zc.get(page).body)}, "aan": {"gebruiker:" + itoa(w.users["jhv"].id)}, "categorie": {"jeugdhulp"}, "vraag": {"Is er hulp in het gezin?"}})
	if r.status != http.StatusForbidden || !strings.Contains(r.body, `id="vraag-aan-fout"`) || !strings.Contains(r.body, "ook niet dat jeugdhulp betrokken is") ||
		!strings.Contains(r.body, "Verwijsindex") || !strings.Contains(r.body, ">Is er hulp in het gezin?</textarea>") {
		t.Errorf("question without consent: %d %s", r.status, r.body)
	}
	jhv := w.as("jhv")
	if b := jhv.get(page).body; strings.Contains(b, "Is er hulp in het gezin?") {
		t.Errorf("a refused question reached the jhv")
	}
	// Inbreng: jeugdhulp brings in the family situation; the school sees only that jeugdhulp is involved.
	const help = "Gezin krijgt ambulante hulp, twee keer per week."
	must("inbreng", jhv.post(page, page+"/inbreng", url.Values{"categorie": {"gezinssituatie"}, "tekst": {help}}), http.StatusSeeOther)
	if b := jhv.get(page).body; !strings.Contains(b, help) {
		t.Errorf("jhv misses own inbreng")
	}
	if b := zc.get(page).body; strings.Contains(b, help) {
		t.Errorf("zc sees jeugdhulp content without consent")
	}

	// Regie: a handover needs a note (field error), then to the SWV and back.
	r = zc.post(page, page+"/regie", url.Values{"soort": {"breed"}, "naar": {"gebruiker:" + itoa(w.users["swv"].id)}, "toelichting": {""}})
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, `id="regie-toelichting-fout"`) {
		t.Fatalf("handover without note: %d", r.status)
	}
	must("regie naar swv", zc.post(page, page+"/regie", url.Values{"soort": {"breed"}, "naar": {"gebruiker:" + itoa(w.users["swv"].id)}, "toelichting": {"SWV zoekt een plek"}}), http.StatusSeeOther)
	swv := w.as("swv")
	if !strings.Contains(swv.get(page).body, "Casus afsluiten") || strings.Contains(zc.get(page).body, "Casus afsluiten") {
		t.Errorf("broad regie did not move to the SWV")
	}
	must("regie terug", swv.post(page, page+"/regie", url.Values{"soort": {"breed"}, "naar": {"gebruiker:" + itoa(w.users["zc"].id)}, "toelichting": {"Terug naar school"}}), http.StatusSeeOther)

	// Seven weeks without progress on the mentor's agreement: the signal shows.
	w.clock.Add(7 * 7 * 24 * time.Hour)
	zc = w.as("zc")
	body := zc.get(page).body
	if !strings.Contains(body, "Signaal: geen voortgang") {
		t.Fatalf("no stall signal: %s", body)
	}
	// Escalation on a stale case version: 409, the writer's reason kept.
	stale := caseVersionOn(body)
	must("fase", zc.post(page, page+"/fase", url.Values{"fase": {"uitvoering-en-evaluatie"}}), http.StatusSeeOther)
	esc := url.Values{"csrf": {csrfOf(t, body)}, "casusversie": {stale}, "reden": {"stagnatie"}, "toelichting": {"Niemand komt in actie; mijn toelichting."},
		"onderwijsconsulent": {itoa(w.users["oco"].id)}, "doorzettingsmacht_naam": {"J. de Vries"}, "doorzettingsmacht_functie": {"directeur SWV"}}
	r = zc.do("POST", page+"/opschalen", esc)
	if r.status != http.StatusConflict || !strings.Contains(r.body, "Niemand komt in actie; mijn toelichting.") || !strings.Contains(r.body, "casus") {
		t.Fatalf("stale escalation: %d %s", r.status, r.body)
	}
	// Without doorzettingsmacht: field error.
	body = zc.get(page).body
	esc.Set("csrf", csrfOf(t, body))
	esc.Set("casusversie", caseVersionOn(body))
	esc.Set("doorzettingsmacht_naam", "")
	if r := zc.do("POST", page+"/opschalen", esc); r.status != http.StatusBadRequest || !strings.Contains(r.body, `id="opschalen-doorzettingsmacht_naam-fout"`) {
		t.Fatalf("escalation without holder: %d", r.status)
	}
	esc.Set("doorzettingsmacht_naam", "J. de Vries")
	must("opschalen", zc.do("POST", page+"/opschalen", esc), http.StatusSeeOther)

	// The onderwijsconsulent now takes part, in the overleg phase, and sees the school's minutes.
	oco := w.as("oco")
	body = oco.get(page).body
	if !strings.Contains(body, "doorbraakoverleg") || !strings.Contains(body, minutes) || !strings.Contains(body, "J. de Vries, directeur SWV") || !strings.Contains(body, "Besluit vastleggen") {
		t.Fatalf("oco page: %s", body)
	}
	if b := w.as("mentor").get(page).body; strings.Contains(b, "Besluit vastleggen") || strings.Contains(b, minutes) {
		t.Errorf("mentor may decide or sees minutes")
	}
	must("besluit", oco.post(page, page+"/doorbraakbesluit", url.Values{"besluit": {"J. de Vries besluit: plaatsing op De Linde met extra begeleiding."}}), http.StatusSeeOther)
	if !strings.Contains(zc.get(page).body, "plaatsing op De Linde") {
		t.Errorf("decision not shown")
	}

	// Closing: "anders" needs a note; then back to school. A closed case takes no more changes.
	r = zc.post(page, page+"/afsluiten", url.Values{"resultaat": {"anders"}})
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, `id="afsluiten-toelichting-fout"`) {
		t.Fatalf("closing without note: %d", r.status)
	}
	if r := w.as("mentor").post(page, page+"/afsluiten", url.Values{"resultaat": {"terug-naar-school"}}); r.status != http.StatusForbidden {
		t.Errorf("mentor closes: %d", r.status)
	}
	must("afsluiten", zc.post(page, page+"/afsluiten", url.Values{"resultaat": {"terug-naar-school"}}), http.StatusSeeOther)
	body = zc.get(page).body
	if !strings.Contains(body, "Afgesloten op") || !strings.Contains(body, "bewaartermijnen lopen") || strings.Contains(body, `action="`+page+`/afspraken"`) {
		t.Errorf("closed page: %s", body)
	}
	if r := zc.post(page, page+"/afspraken", url.Values{"omschrijving": {"x"}, "eigenaar": {"gebruiker:" + itoa(w.users["zc"].id)}, "datum": {"2026-01-01"}}); r.status != http.StatusConflict {
		t.Errorf("agreement on a closed case: %d", r.status)
	}
}
