package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/consent"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/web"
)

// onlineConsentWorld mounts the consent pages with online requests; pupil 1 is made 9 years old
// and gets a second parent with gezag (Frank Visser), so jeugdhulp needs both parents' yes.
func onlineConsentWorld(t *testing.T) (w *world, jh, father int64) {
	t.Helper()
	w = newWorld(t)
	ctx := context.Background()
	conv, err := convenant.Default()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := consent.FromConvenant(conv)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.db.QueryRow(ctx, "SELECT id FROM organisatie WHERE regio_id = ? AND soort = 'jeugdhulp'", w.r1).Scan(&jh); err != nil {
		t.Fatal(err)
	}
	father = ins(t, w.db, `INSERT INTO ouder (regio_id, voornaam, achternaam, email) VALUES (?, 'Frank', 'Visser', 'frank@thuis.example')`, w.r1)
	if err := w.db.WithTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO leerling_ouder (regio_id, leerling_id, ouder_id, relatie, gezag) VALUES (?, ?, ?, 'vader', 1)`, w.r1, w.pupil1, father); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE leerling SET geboortedatum = '2016-02-01' WHERE regio_id = ? AND id = ?`, w.r1, w.pupil1)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	err = w.web.MountToestemming(web.ToestemmingDeps{Register: consent.NewRegister(w.db, cfg, nil).WithShareLog(w.db).WithAsks(w.db),
		Families: w.db, Expiring: w.db, Names: w.db, Forms: w.db,
		Orgs: func(ctx context.Context, regionID int64) ([]web.OrgRef, error) {
			return []web.OrgRef{{ID: jh, Name: "Jeugdhulp Een", Party: "jeugdhulp"}}, nil
		},
		FormText: func(ctx context.Context, regionID int64, hash string) (string, error) {
			f, err := w.db.ConsentFormByHash(ctx, regionID, hash)
			return f.Text, err
		}})
	if err != nil {
		t.Fatal(err)
	}
	return w, jh, father
}

func TestOnlineConsentTwoParentsThenWithdraw(t *testing.T) {
	w, jh, _ := onlineConsentWorld(t)
	zc, jhv, mother, father, stranger := w.client(), w.client(), w.client(), w.client(), w.client()
	zc.login("zc")
	jhv.login("jhv")
	jhv.setPurpose("jeugdhulp")
	pupilPage := "/leerlingen/" + w.pid("leerling", w.pupil1)
	schoolPage := "/toestemmingen/leerling/" + w.pid("leerling", w.pupil1)
	parentPage := "/toestemmingen/kind/" + w.pid("leerling", w.pupil1)

	if r := jhv.get(pupilPage); r.status != http.StatusNotFound {
		t.Fatalf("jeugdhulp before consent: %d", r.status)
	}
	// The school asks online; a recipient outside the convenant's scope is refused at its field.
	bad := url.Values{"verzoek_doel": {"jeugdhulp"}, "verzoek_ontvangers": {"ggd"}, "verzoek_categorieen": {"gezinssituatie"}}
	if r := zc.post(schoolPage, schoolPage+"/verzoek", bad); r.status != http.StatusBadRequest || !strings.Contains(r.body, `id="verzoek_ontvangers-fout"`) {
		t.Fatalf("bad request: %d\n%s", r.status, r.body)
	}
	ask := url.Values{"verzoek_doel": {"jeugdhulp"}, "verzoek_ontvangers": {"jeugdhulp:" + itoa(jh)}, "verzoek_categorieen": {"gezinssituatie", "ondersteuningsbehoefte"}}
	if r := zc.post(schoolPage, schoolPage+"/verzoek", ask); r.status != http.StatusSeeOther {
		t.Fatalf("ask: %d\n%s", r.status, r.body)
	}
	if r := zc.get(schoolPage); !strings.Contains(r.body, "Olga Visser") || !strings.Contains(r.body, "Frank Visser") || strings.Contains(r.body, "ouder:"+itoa(w.parent)+"<") {
		t.Fatalf("school page does not name the parents:\n%s", r.body)
	}

	// The mother signs in and sees the request for her child, by name, in plain words.
	mother.loginParentAs(w.parentEm)
	if r := mother.get("/start"); !strings.Contains(r.body, `href="`+parentPage+`"`) {
		t.Fatalf("start page does not link the consents:\n%s", r.body)
	}
	r := mother.get(parentPage)
	for _, want := range []string{"Toestemmingen voor Anouk Visser", "Jeugdhulp Een", "Wat ontbreekt nog?", "Olga Visser (u)", "Frank Visser", "Tekstversie", consent.FormVersion, "Ja, ik geef toestemming"} {
		if !strings.Contains(r.body, want) {
			t.Fatalf("parent page lacks %q:\n%s", want, r.body)
		}
	}
	askID := regexpFind(`/toestemmingen/verzoek/([A-Za-z0-9_-]{22})/antwoord`, r.body)
	if r := mother.post(parentPage, "/toestemmingen/verzoek/"+askID+"/antwoord", url.Values{"antwoord": {"ja"}}); r.status != http.StatusOK ||
		!strings.Contains(r.body, "Nog nodig: een ja van Frank Visser") {
		t.Fatalf("mother's yes: %d\n%s", r.status, r.body)
	}
	if r := jhv.get(pupilPage); r.status != http.StatusNotFound {
		t.Fatalf("jeugdhulp after one parent: %d", r.status)
	}
	// A parent of another child cannot see or answer it.
	ins(t, w.db, `INSERT INTO ouder (regio_id, voornaam, achternaam, email) VALUES (?, 'Vreemde', 'Ouder', 'vreemd@thuis.example')`, w.r1)
	w.db.Exec(context.Background(), `INSERT INTO leerling_ouder (regio_id, leerling_id, ouder_id, relatie, gezag) SELECT ?, ?, id, 'moeder', 1 FROM ouder WHERE email = 'vreemd@thuis.example'`, w.r1, w.pupil2)
	stranger.loginParentAs("vreemd@thuis.example")
	if r := stranger.get(parentPage); r.status != http.StatusNotFound {
		t.Fatalf("stranger sees the request: %d", r.status)
	}
	if r := stranger.post("/start", "/toestemmingen/verzoek/"+askID+"/antwoord", url.Values{"antwoord": {"ja"}}); r.status != http.StatusNotFound {
		t.Fatalf("stranger answers: %d", r.status)
	}

	// The father says yes: the consent is recorded and the next decision uses it.
	father.loginParentAs("frank@thuis.example")
	if r := father.post(parentPage, "/toestemmingen/verzoek/"+askID+"/antwoord", url.Values{"antwoord": {"ja"}}); r.status != http.StatusOK ||
		!strings.Contains(r.body, "De toestemming geldt vanaf nu") {
		t.Fatalf("father's yes: %d\n%s", r.status, r.body)
	}
	if r := jhv.get(pupilPage); r.status != http.StatusOK || !strings.Contains(r.body, "Anouk") {
		t.Fatalf("jeugdhulp after both parents: %d", r.status)
	}
	recs, _ := w.db.ConsentsOfPupil(context.Background(), w.r1, w.pupil1)
	if len(recs) != 1 || recs[0].Data().Channel != consent.ChannelDigital || len(recs[0].Data().Givers) != 2 || recs[0].Data().FormVersion != consent.FormVersion {
		t.Fatalf("recorded: %+v", recs)
	}
	// Each answer is in the audit trail as the parent's own act.
	n := 0
	for _, rec := range w.audit.all() {
		if rec.Name == "toestemming-antwoord" && rec.Actor.ParentID != 0 && rec.Action == audit.ActionCreate {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d answer entries in the trail", n)
	}

	// The mother withdraws: denied again at once.
	r = mother.get(parentPage)
	if !strings.Contains(r.body, "Toestemming intrekken") || !strings.Contains(r.body, "online") {
		t.Fatalf("no withdraw button:\n%s", r.body)
	}
	if r := mother.post(parentPage, parentPage+"/intrekken", url.Values{"toestemming": {w.pid("toestemming", recs[0].ID())}}); r.status != http.StatusOK || !strings.Contains(r.body, "is ingetrokken") {
		t.Fatalf("withdraw: %d\n%s", r.status, r.body)
	}
	if r := jhv.get(pupilPage); r.status != http.StatusNotFound {
		t.Fatalf("jeugdhulp after withdrawal: %d", r.status)
	}
	if r := mother.post(parentPage, parentPage+"/intrekken", url.Values{"toestemming": {w.pid("toestemming", recs[0].ID())}}); r.status != http.StatusConflict {
		t.Fatalf("second withdrawal: %d", r.status)
	}
}

// TestPupilOf16SignsInAndConsentsAlone: the school invites a 16-year-old, the pupil signs in with
// an e-mail code, sees the jeugdhulp request (only the pupil must answer now), says yes, and the
// jeugdhulpverlener can open the page at once; the parents cannot answer any more. A pupil under
// 12 cannot be invited; a 15-year-old with an account does not see their own data page.
func TestPupilOf16SignsInAndConsentsAlone(t *testing.T) {
	w, jh, _ := onlineConsentWorld(t)
	ctx := context.Background()
	if err := w.web.MountParentPortal(web.ParentPortalDeps{Adults: w.db, Pupils: w.db}); err != nil {
		t.Fatal(err)
	}
	zc, jhv, pupil, mother := w.client(), w.client(), w.client(), w.client()
	zc.login("zc")
	jhv.login("jhv")
	jhv.setPurpose("jeugdhulp")
	schoolPage := "/toestemmingen/leerling/" + w.pid("leerling", w.pupil1)
	// 9 years old (the world's default here): too young for an account.
	if r := zc.post(schoolPage, schoolPage+"/uitnodigen", url.Values{"leerling_email": {"anouk@school.example"}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("invite at 9: %d", r.status)
	}
	// 16 on 6 October 2025.
	if _, err := w.db.Exec(ctx, "UPDATE leerling SET geboortedatum = '2009-10-06' WHERE regio_id = ? AND id = ?", w.r1, w.pupil1); err != nil {
		t.Fatal(err)
	}
	if r := zc.post(schoolPage, schoolPage+"/uitnodigen", url.Values{"leerling_email": {"anouk@school.example"}}); r.status != http.StatusSeeOther {
		t.Fatalf("invite at 16: %d %s", r.status, r.body)
	}
	ask := url.Values{"verzoek_doel": {"jeugdhulp"}, "verzoek_ontvangers": {"jeugdhulp:" + itoa(jh)}, "verzoek_categorieen": {"gezinssituatie"}}
	if r := zc.post(schoolPage, schoolPage+"/verzoek", ask); r.status != http.StatusSeeOther {
		t.Fatalf("ask: %d", r.status)
	}
	// The pupil signs in with a code by e-mail.
	if r := pupil.post("/inloggen/leerling", "/inloggen/leerling", url.Values{"email": {"anouk@school.example"}}); r.status != http.StatusSeeOther {
		t.Fatalf("pupil code request: %d", r.status)
	}
	code := ""
	for _, m := range w.mailbox.Messages() {
		if m.To == "anouk@school.example" {
			code = regexpFind(`\b(\d{8})\b`, m.Body)
			break
		}
	}
	if r := pupil.post("/inloggen/leerling/code", "/inloggen/leerling/code", url.Values{"code": {code}}); r.status != http.StatusSeeOther {
		t.Fatalf("pupil code: %d %s", r.status, r.body)
	}
	start := pupil.get("/start")
	if !strings.Contains(start.body, "Welkom, Anouk Visser") || !strings.Contains(start.body, "Mijn gegevens bekijken") || strings.Contains(start.body, "Mijn ouders") {
		t.Fatalf("pupil start:\n%s", start.body)
	}
	page := "/toestemmingen/kind/" + w.pid("leerling", w.pupil1)
	r := pupil.get(page)
	// The page addresses the pupil, not a parent: "je", "jij", never "uw kind" or "u".
	if r.status != http.StatusOK || !strings.Contains(r.body, "Mijn toestemmingen") || !strings.Contains(r.body, "Hier zie je") ||
		!strings.Contains(r.body, "een ja van jou") || strings.Contains(r.body, "uw kind") || strings.Contains(r.body, "(u)") || strings.Contains(r.body, "ziet u") || !strings.Contains(r.body, "Ja, ik geef toestemming") {
		t.Fatalf("pupil consent page: %d\n%s", r.status, r.body)
	}
	askID := regexpFind(`/toestemmingen/verzoek/([A-Za-z0-9_-]{22})/antwoord`, r.body)
	// The mother cannot answer for a 16-year-old.
	mother.loginParentAs(w.parentEm)
	if r := mother.post(page, "/toestemmingen/verzoek/"+askID+"/antwoord", url.Values{"antwoord": {"ja"}}); r.status != http.StatusConflict {
		t.Fatalf("mother answers for a 16-year-old: %d", r.status)
	}
	if r := jhv.get("/leerlingen/" + w.pid("leerling", w.pupil1)); r.status != http.StatusNotFound {
		t.Fatalf("jeugdhulp before: %d", r.status)
	}
	if r := pupil.post(page, "/toestemmingen/verzoek/"+askID+"/antwoord", url.Values{"antwoord": {"ja"}}); r.status != http.StatusOK || !strings.Contains(r.body, "Je antwoord is opgeslagen. De toestemming geldt vanaf nu") {
		t.Fatalf("pupil's yes: %d\n%s", r.status, r.body)
	}
	if r := jhv.get("/leerlingen/" + w.pid("leerling", w.pupil1)); r.status != http.StatusOK {
		t.Fatalf("jeugdhulp after the pupil's yes: %d", r.status)
	}
	recs, _ := w.db.ConsentsOfPupil(ctx, w.r1, w.pupil1)
	if len(recs) != 1 || len(recs[0].Data().Givers) != 1 || recs[0].Data().Givers[0].Kind != "leerling" {
		t.Fatalf("recorded: %+v", recs)
	}
	// The answer is in the trail as the pupil's own act.
	self := 0
	for _, rec := range w.audit.all() {
		if rec.Actor.Self && rec.Name == "toestemming-antwoord" {
			self++
		}
	}
	if self != 1 {
		t.Errorf("%d entries of the pupil's own answer", self)
	}
	// The pupil sees their own data (16+), not another pupil's.
	if r := pupil.get("/leerlingen/" + w.pid("leerling", w.pupil1)); r.status != http.StatusOK || !strings.Contains(r.body, "over jou") || strings.Contains(r.body, "uw kind") {
		t.Fatalf("own page: %d\n%s", r.status, r.body)
	}
	if r := pupil.get("/leerlingen/" + w.pid("leerling", w.pupil2)); r.status != http.StatusNotFound {
		t.Fatalf("another pupil's page: %d", r.status)
	}
	// At 15 the own page is closed (the parents exercise the rights).
	if _, err := w.db.Exec(ctx, "UPDATE leerling SET geboortedatum = '2010-10-07' WHERE regio_id = ? AND id = ?", w.r1, w.pupil1); err != nil {
		t.Fatal(err)
	}
	if r := pupil.get("/leerlingen/" + w.pid("leerling", w.pupil1)); r.status != http.StatusNotFound {
		t.Fatalf("own page at 15: %d", r.status)
	}
}

// TestConsentFormPDF: the zorgcoördinator downloads the printable form as a PDF (tick boxes and
// signature lines drawn by go-pdf/fpdf, so no inline style the CSP would block); its wording is
// stored so the kenmerk on the returned paper finds it back; other schools get 404.
func TestConsentFormPDF(t *testing.T) {
	w, _, _ := onlineConsentWorld(t)
	zc, zc2 := w.client(), w.client()
	zc.login("zc")
	zc2.login("zc2")
	path := "/toestemmingen/leerling/" + w.pid("leerling", w.pupil1) + "/formulier.pdf?doel=jeugdhulp"
	r := zc.get(path)
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(r.body, "%PDF-") || !strings.Contains(r.header.Get("Content-Disposition"), ".pdf") {
		t.Fatalf("pdf: %d %s %q", r.status, r.header.Get("Content-Type"), r.body[:min(20, len(r.body))])
	}
	var n int
	if err := w.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM toestemming_formulier WHERE regio_id = ? AND leerling_id = ?", w.r1, w.pupil1).Scan(&n); err != nil || n != 1 {
		t.Errorf("stored forms: %d %v", n, err)
	}
	if r := zc2.get(path); r.status != http.StatusNotFound {
		t.Errorf("other school: %d", r.status)
	}
}
