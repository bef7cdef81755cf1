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
		Families: w.db, Names: w.db, Forms: w.db,
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
	pupilPage := "/leerlingen/" + itoa(w.pupil1)
	schoolPage := "/toestemmingen/leerling/" + itoa(w.pupil1)
	parentPage := "/toestemmingen/kind/" + itoa(w.pupil1)

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
	askID := regexpFind(`/toestemmingen/verzoek/(\d+)/antwoord`, r.body)
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
	if r := mother.post(parentPage, parentPage+"/intrekken", url.Values{"toestemming": {itoa(recs[0].ID())}}); r.status != http.StatusOK || !strings.Contains(r.body, "is ingetrokken") {
		t.Fatalf("withdraw: %d\n%s", r.status, r.body)
	}
	if r := jhv.get(pupilPage); r.status != http.StatusNotFound {
		t.Fatalf("jeugdhulp after withdrawal: %d", r.status)
	}
	if r := mother.post(parentPage, parentPage+"/intrekken", url.Values{"toestemming": {itoa(recs[0].ID())}}); r.status != http.StatusConflict {
		t.Fatalf("second withdrawal: %d", r.status)
	}
}
