package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/consent"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/web"
)

func toestemmingWorld(t *testing.T) (*world, int64) {
	t.Helper()
	w := newWorld(t)
	conv, err := convenant.Default()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := consent.FromConvenant(conv)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.web.MountToestemming(web.ToestemmingDeps{Register: consent.NewRegister(w.db, cfg, nil).WithShareLog(w.db), Families: w.db, Expiring: w.db}); err != nil {
		t.Fatal(err)
	}
	var jh int64
	if err := w.db.QueryRow(context.Background(), "SELECT id FROM organisatie WHERE regio_id = ? AND soort = 'jeugdhulp'", w.r1).Scan(&jh); err != nil {
		t.Fatal(err)
	}
	return w, jh
}

const hash64 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

func TestToestemmingRecordAndWithdraw(t *testing.T) {
	w, jh := toestemmingWorld(t)
	zc, jhv, zc2, zcR2 := w.client(), w.client(), w.client(), w.client()
	zc.login("zc")
	jhv.login("jhv")
	jhv.setPurpose("jeugdhulp")
	zc2.login("zc2")
	zcR2.login("zcR2")
	page := "/toestemmingen/leerling/" + w.pid("leerling", w.pupil1)

	// Other schools and regions: 404; the jeugdhulpverlener has no relation yet.
	for _, c := range []*client{zc2, zcR2} {
		if r := c.get(page); r.status != http.StatusNotFound || strings.Contains(r.body, "Anouk") {
			t.Fatalf("cross-school consents: %d", r.status)
		}
	}
	if r := jhv.get("/leerlingen/" + w.pid("leerling", w.pupil1)); r.status != http.StatusNotFound {
		t.Fatalf("jeugdhulp before consent: %d", r.status)
	}
	form := url.Values{"status": {"gegeven"}, "doelen": {"jeugdhulp"}, "ontvangers": {"jeugdhulp:" + itoa(jh)}, "categorieen": {"identificatie", "gezinssituatie"},
		"gevers": {"ouder:" + itoa(w.parent)}, "kanaal": {"schriftelijk"}, "formulier_versie": {consent.FormVersion}, "formulier_hash": {hash64}, "bewijs": {hash64},
		"geldig_van": {"2025-10-06"}, "geldig_tot": {"2026-06-30"}}
	// The pupil is 12: jeugdhulp needs the pupil's own consent too; the error is at the givers.
	if r := zc.do("POST", page, form); r.status != http.StatusForbidden {
		t.Fatalf("csrf-less consent: %d", r.status)
	}
	r := zc.post(page, page, form)
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, `id="gevers-fout"`) || !strings.Contains(r.body, "van de leerling zelf") {
		t.Fatalf("wrong givers: %d\n%s", r.status, r.body)
	}
	form["gevers"] = []string{"leerling", "ouder:" + itoa(w.parent)}
	r = zc.post(page, page, form)
	if r.status != http.StatusSeeOther {
		t.Fatalf("record: %d\n%s", r.status, r.body)
	}
	recs, err := w.db.ConsentsOfPupil(context.Background(), w.r1, w.pupil1)
	if err != nil || len(recs) != 1 {
		t.Fatalf("stored: %v %d", err, len(recs))
	}
	id := recs[0].ID()
	if r := zc.get(page); r.status != 200 || !strings.Contains(r.body, "geldig") || !strings.Contains(r.body, "jeugdhulp:"+itoa(jh)) {
		t.Fatalf("list: %d", r.status)
	}
	// The consent gives jeugdhulp a relation: the pupil page now answers (the policy decides per block).
	if r := jhv.get("/leerlingen/" + w.pid("leerling", w.pupil1)); r.status == http.StatusNotFound {
		t.Fatalf("jeugdhulp with consent: %d", r.status)
	}
	// Withdraw: the very next pupil-page decision sees it.
	wd := "/toestemmingen/intrekking/" + w.pid("toestemming", id)
	if r := zc2.post("/start", wd, url.Values{"namens": {"leerling"}}); r.status != http.StatusNotFound {
		t.Fatalf("other school's withdrawal: %d", r.status)
	}
	r = zc.post(page, wd, url.Values{"namens": {"leerling"}})
	if r.status != 200 || !strings.Contains(r.body, "is ingetrokken") {
		t.Fatalf("withdraw: %d\n%s", r.status, r.body)
	}
	if r := jhv.get("/leerlingen/" + w.pid("leerling", w.pupil1)); r.status != http.StatusNotFound {
		t.Fatalf("jeugdhulp after withdrawal: %d", r.status)
	}
	if r := zc.post(page, wd, url.Values{"namens": {"leerling"}}); r.status != http.StatusConflict {
		t.Fatalf("second withdrawal: %d", r.status)
	}
	// The audit trail has the change (through the auditor: no Seal in this fixture).
	found := false
	for _, rec := range w.audit.all() {
		found = found || rec.Name == "toestemming-intrekken" && rec.ConsentID == id && rec.LegalGround != ""
	}
	if !found {
		t.Fatal("withdrawal not audited")
	}
	// The printable form and the reminders page.
	if r := zc.get(page + "/formulier?doel=jeugdhulp"); r.status != 200 || !strings.Contains(r.body, "Anouk") {
		t.Fatalf("form: %d", r.status)
	}
	if r := zc2.get(page + "/formulier?doel=jeugdhulp"); r.status != 404 {
		t.Fatalf("other school's form: %d", r.status)
	}
	if r := zc.get("/toestemmingen/verlopend"); r.status != 200 {
		t.Fatalf("expiring: %d", r.status)
	}
}

func TestToestemmingNodigAPI(t *testing.T) {
	w, _ := toestemmingWorld(t)
	tok := apiClient(t, w, w.school1, "zorgcoordinator", auth.ScopeToestemmingenLezen)
	c := w.client()
	r := c.get("/api/v1/toestemming-nodig?geboortedatum=2012-03-15&peildatum=2026-06-01&doel=jeugdhulp&gezaghebbenden=2", "Authorization", "Bearer "+tok)
	if r.status != 200 || !strings.Contains(r.body, `"leerling":true`) || !strings.Contains(r.body, `"ouders":"alle"`) {
		t.Fatalf("nodig: %d %s", r.status, r.body)
	}
	if r := c.get("/api/v1/toestemming-nodig?geboortedatum=2012-03-15&peildatum=2026-06-01&doel=onbekend&gezaghebbenden=2", "Authorization", "Bearer "+tok); r.status != 400 || !strings.Contains(r.body, `"name":"doel"`) {
		t.Fatalf("unknown purpose: %d %s", r.status, r.body)
	}
	// The disclosing party counts (as `grondslag toestemming nodig` with partij): for the school
	// one parent suffices below 16; the jeugdarts needs the child itself from 12 (BW 7:457 with
	// 7:465), and below 12 every parent with gezag. Edges: the day before and of the birthday.
	for _, tt := range []struct {
		query, want string
	}{
		{"peildatum=2026-06-01&doel=toeleiding&partij=school", `"leerling":false,"ouders":"een"`},
		{"peildatum=2026-06-01&doel=toeleiding&partij=ggd", `"leerling":true,"ouders":"geen"`},
		{"peildatum=2026-06-01&doel=toeleiding", `"leerling":false,"ouders":"een"`},
		{"peildatum=2024-03-14&doel=toeleiding&partij=ggd", `"leerling":false,"ouders":"alle"`},
		{"peildatum=2024-03-15&doel=toeleiding&partij=ggd", `"leerling":true,"ouders":"geen"`},
		{"peildatum=2028-03-14&doel=toeleiding&partij=school", `"leerling":false,"ouders":"een"`},
		{"peildatum=2028-03-15&doel=toeleiding&partij=school", `"leerling":true,"ouders":"geen"`},
		{"peildatum=2030-03-15&doel=toeleiding&partij=school", `"leerling":true,"ouders":"geen"`},
		{"peildatum=2026-06-01&doel=jeugdhulp&partij=jeugdhulp", `"leerling":true,"ouders":"geen"`},
	} {
		r := c.get("/api/v1/toestemming-nodig?geboortedatum=2012-03-15&gezaghebbenden=2&"+tt.query, "Authorization", "Bearer "+tok)
		if r.status != 200 || !strings.Contains(r.body, tt.want) {
			t.Errorf("%s: %d %s", tt.query, r.status, r.body)
		}
	}
	if r := c.get("/api/v1/toestemming-nodig?geboortedatum=2012-03-15&peildatum=2026-06-01&doel=toeleiding&gezaghebbenden=2&partij=huisarts", "Authorization", "Bearer "+tok); r.status != 400 || !strings.Contains(r.body, `"name":"partij"`) {
		t.Errorf("unknown party: %d %s", r.status, r.body)
	}
}
