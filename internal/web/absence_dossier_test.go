package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/web"
)

func mountDossiers(t *testing.T, w *world) {
	t.Helper()
	err := w.web.MountDossiers(web.DossierDeps{Store: w.db, LeerplichtDeps: testLeerplichtDeps()})
	if err != nil {
		t.Fatal(err)
	}
}

// TestDossierWebAndAPI: the leerplichtambtenaar opens a dossier on a melding (relative absence)
// and one on a child enrolled nowhere (absoluut verzuim, no melding), records notes, an invitation
// with its letter and an agreement, from the web and the API; the melding gate holds for an
// enrolled pupil without melding; the text is sealed; other roles get nothing.
func TestDossierWebAndAPI(t *testing.T) {
	w := verzuimWorld(t)
	mountDossiers(t, w)
	ctx := context.Background()
	lpa := w.client()
	lpa.login("lpa")
	if r := lpa.get("/verzuim/dossiers"); r.status != http.StatusOK || !strings.Contains(r.body, "Dossier over absoluut verzuim openen") {
		t.Fatalf("list: %d %s", r.status, r.body)
	}
	// Pupil 1 is enrolled: no absoluut-verzuim dossier, and without a melding no relative one.
	abs := url.Values{"grond": {"absoluut-verzuim"}, "soort_nummer": {"bsn"}, "nummer": {"999900006"}}
	if r := lpa.post("/verzuim/dossiers", "/verzuim/dossiers", abs); r.status != http.StatusBadRequest || !strings.Contains(r.body, "geen absoluut verzuim") {
		t.Fatalf("enrolled child as absoluut verzuim: %d %s", r.status, r.body)
	}

	// The school makes a melding about pupil 1.
	zc := w.client()
	zc.login("zc")
	zc.setPurpose("signalering")
	if r := zc.upload(goodCSV, false); r.status != http.StatusOK {
		t.Fatalf("upload: %d", r.status)
	}
	meldPath := "/verzuim/signalen/" + w.pid("verzuimsignaal", signalOf(t, w, absence.Kind16Hours)) + "/melding"
	r := zc.post(meldPath, meldPath, clone(completeMelding))
	if r.status != http.StatusSeeOther {
		t.Fatalf("melding: %d %s", r.status, r.body)
	}
	mPath := r.header.Get("Location")
	mID := strings.TrimPrefix(mPath, "/verzuim/meldingen/")
	// The zorgcoördinator cannot open a leerplicht dossier.
	if r := zc.post(mPath, "/verzuim/dossiers", url.Values{"grond": {"relatief-verzuim"}, "melding": {mID}}); r.status != http.StatusForbidden && r.status != http.StatusNotFound {
		t.Fatalf("zorgcoördinator opens a dossier: %d", r.status)
	}
	lpa.setPurpose("handhaving-leerplicht")
	if r := lpa.get(mPath); r.status != 200 || !strings.Contains(r.body, "Leerplichtdossier openen") {
		t.Fatalf("melding page offers the dossier: %d %s", r.status, r.body)
	}
	r = lpa.post(mPath, "/verzuim/dossiers", url.Values{"grond": {"relatief-verzuim"}, "melding": {mID}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("open on melding: %d %s", r.status, r.body)
	}
	dPath := r.header.Get("Location")
	// Twice: the same dossier.
	if r := lpa.post(mPath, "/verzuim/dossiers", url.Values{"grond": {"relatief-verzuim"}, "melding": {mID}}); r.header.Get("Location") != dPath {
		t.Fatalf("opened twice: %s vs %s", r.header.Get("Location"), dPath)
	}
	// A note without its source is refused, nothing stored.
	if r := lpa.post(dPath, dPath+"/stappen", url.Values{"soort": {"notitie"}, "tekst": {"Moeder gebeld."}}); r.status != http.StatusBadRequest || !strings.Contains(r.body, "bron van de notitie") {
		t.Fatalf("note without source: %d %s", r.status, r.body)
	}
	if r := lpa.post(dPath, dPath+"/stappen", url.Values{"soort": {"notitie"}, "bron": {"telefoongesprek met moeder"}, "tekst": {"Moeder zegt dat Anouk niet wil gaan."}, "door": {"L. Plicht"}}); r.status != http.StatusSeeOther {
		t.Fatalf("note: %d %s", r.status, r.body)
	}
	today := absence.DateOf(w.clock.Now())
	if r := lpa.post(dPath, dPath+"/stappen", url.Values{"soort": {"uitnodiging"}, "uiterlijk": {(today + 7).String()}, "door": {"L. Plicht"}}); r.status != http.StatusSeeOther {
		t.Fatalf("invitation: %d %s", r.status, r.body)
	}
	page := lpa.get(dPath)
	if page.status != 200 || !strings.Contains(page.body, "Moeder zegt dat Anouk niet wil gaan.") || !strings.Contains(page.body, "art. 21a") || !strings.Contains(page.body, "/brief") {
		t.Fatalf("dossier page: %d %s", page.status, page.body)
	}
	i := strings.Index(page.body, dPath+"/stappen/")
	link := page.body[i : i+strings.Index(page.body[i:], `"`)]
	if l := lpa.get(link); l.status != 200 || !bytes.HasPrefix([]byte(l.body), []byte("%PDF-")) {
		t.Fatalf("letter %s: %d", link, l.status)
	}
	var raw string
	w.db.QueryRow(ctx, "SELECT tekst FROM leerplicht_dossier_stap WHERE soort = 'notitie'").Scan(&raw)
	if strings.Contains(raw, "Anouk") {
		t.Fatal("note stored in clear")
	}

	// Absoluut verzuim: pupil 2 lives in the gemeente and is enrolled nowhere; no melding.
	if _, err := w.db.Exec(ctx, "UPDATE leerling SET woongemeente_id = ? WHERE id = ?", w.gem1, w.pupil2); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.Exec(ctx, "UPDATE inschrijving SET tot = '2021-07-31' WHERE leerling_id = ?", w.pupil2); err != nil {
		t.Fatal(err)
	}
	tok := apiClient(t, w, w.gem1, "leerplicht", auth.ScopeVerzuimVastleggen)
	c := w.client()
	post := func(path, body string) resp {
		return c.doBody("POST", path, body, "Authorization", "Bearer "+tok, "Content-Type", "application/json")
	}
	res := post("/api/v1/leerplichtdossiers", `{"grond":"absoluut-verzuim","leerling":{"soort":"bsn","nummer":"999900018"}}`)
	var got struct {
		ID, Grond, Status string
		Termijnen         []struct{ Wat string }
		Stappen           []struct{ Soort, Tekst string }
	}
	if json.Unmarshal([]byte(res.body), &got); res.status != 201 || got.Grond != "absoluut-verzuim" || len(got.Termijnen) != 1 || got.Termijnen[0].Wat != "eerste contact" {
		t.Fatalf("API open: %d %s", res.status, res.body)
	}
	if again := post("/api/v1/leerplichtdossiers", `{"grond":"absoluut-verzuim","leerling":{"soort":"bsn","nummer":"999900018"}}`); again.status != 200 || !strings.Contains(again.body, `"alGeopend":true`) {
		t.Fatalf("API open twice: %d %s", again.status, again.body)
	}
	if bad := post("/api/v1/leerplichtdossiers/"+got.ID+"/stappen", `{"soort":"afspraak","tekst":"Inschrijven bij een school."}`); bad.status != 400 || !strings.Contains(bad.body, "uiterste datum") {
		t.Fatalf("agreement without due date: %d %s", bad.status, bad.body)
	}
	step := post("/api/v1/leerplichtdossiers/"+got.ID+"/stappen", `{"soort":"gesprek","tekst":"Gesprek met vader: het gezin is verhuisd.","door":"L. Plicht"}`)
	if json.Unmarshal([]byte(step.body), &got); step.status != 201 || len(got.Stappen) != 1 || len(got.Termijnen) != 0 {
		t.Fatalf("API step: %d %s", step.status, step.body)
	}
	if g := c.doBody("GET", "/api/v1/leerplichtdossiers/"+got.ID, "", "Authorization", "Bearer "+tok); g.status != 200 || !strings.Contains(g.body, "verhuisd") {
		t.Fatalf("API get: %d %s", g.status, g.body)
	}
	// The list shows both dossiers.
	if r := lpa.get("/verzuim/dossiers"); !strings.Contains(r.body, "absoluut verzuim (niet ingeschreven)") || !strings.Contains(r.body, "relatief verzuim (na DUO-melding)") {
		t.Fatalf("list: %s", r.body)
	}
	// Purpose binding: under handhaving-leerplicht the list names Anouk (relative dossier) but
	// neither names nor links the absoluut-verzuim child, and that dossier's page asks for its
	// own purpose; under absoluut-verzuim it is the other way round.
	var absRow int64
	if err := w.db.QueryRow(ctx, "SELECT id FROM leerplicht_dossier WHERE grond = 'absoluut-verzuim' AND leerling_id = ?", w.pupil2).Scan(&absRow); err != nil {
		t.Fatal(err)
	}
	absPath := "/verzuim/dossiers/" + w.pid("leerplichtdossier", absRow)
	list := lpa.get("/verzuim/dossiers")
	if !strings.Contains(list.body, "Anouk") || strings.Contains(list.body, `href="`+absPath+`"`) || !strings.Contains(list.body, "kies het doel") {
		t.Fatalf("list under handhaving-leerplicht: %s", list.body)
	}
	if r := lpa.get(absPath); r.status != http.StatusForbidden || !strings.Contains(r.body, "Ander doel") {
		t.Fatalf("absolute dossier under handhaving-leerplicht: %d", r.status)
	}
	lpa.setPurpose("absoluut-verzuim")
	if r := lpa.get(dPath); r.status != http.StatusForbidden || strings.Contains(r.body, "Anouk") {
		t.Fatalf("relative dossier under absoluut-verzuim: %d", r.status)
	}
	if r := lpa.get("/verzuim/dossiers"); strings.Contains(r.body, "Anouk") {
		t.Fatal("list under absoluut-verzuim names the child of a relative dossier")
	}
	// Once pupil 2 is enrolled again, the absoluut-verzuim ground is gone: reading is refused.
	if _, err := w.db.Exec(ctx, "UPDATE inschrijving SET tot = NULL WHERE leerling_id = ?", w.pupil2); err != nil {
		t.Fatal(err)
	}
	if g := c.doBody("GET", "/api/v1/leerplichtdossiers/"+got.ID, "", "Authorization", "Bearer "+tok); g.status != 403 {
		t.Fatalf("absolute dossier of an enrolled child: %d %s", g.status, g.body)
	}
}

// TestMeldingFormPrefillsSchoolLocation: the lesson location on the melding form is the reporting
// school's own BRIN with its vestiging (DUO loket: BRIN comes from the school), and dates read
// DD-MM-JJJJ.
func TestMeldingFormPrefillsSchoolLocation(t *testing.T) {
	w := verzuimWorld(t)
	zc := w.client()
	zc.login("zc")
	zc.setPurpose("signalering")
	if r := zc.upload(goodCSV, false); r.status != http.StatusOK {
		t.Fatalf("upload: %d", r.status)
	}
	r := zc.get("/verzuim/signalen/" + w.pid("verzuimsignaal", signalOf(t, w, absence.Kind16Hours)) + "/melding")
	if r.status != 200 || !strings.Contains(r.body, `value="11AA00"`) || !strings.Contains(r.body, `value="22-09-2025"`) {
		t.Fatalf("form: %d %s", r.status, r.body)
	}
}

// testLeerplichtDeps are the leerplicht pages' collaborators in tests: a readable seal, the
// noord calendar and two known numbers.
func testLeerplichtDeps() web.LeerplichtDeps {
	return web.LeerplichtDeps{
		Seal: func(context.Context, int64) (audit.Encrypter, error) {
			return audit.EncryptFunc(func(p, _ []byte) ([]byte, error) { return append([]byte("x"), p...), nil }), nil
		},
		Calendar: func(context.Context, int64) (*absence.Calendar, error) {
			return absence.DefaultCalendar(absence.Region("noord"))
		},
		Pseudonym: func(_ context.Context, _ int64, kind, number string) (string, error) {
			switch number {
			case "999900006":
				return "pseudo-leerling-een-0001", nil
			case "999900018":
				return "pseudo-leerling-twee-0002", nil
			}
			return "", errors.New("ongeldig")
		}}
}
