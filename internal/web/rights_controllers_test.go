package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/consent"
	"github.com/grondslag/grondslag/internal/rights"
)

// TestRightsPerController: a parent's request goes to every organisation that holds data about
// the child, each answers for its own data and term; a request that names no data is refused at
// its field; the JGZ data of a 12-year-old who objects is withheld from the parent (in the
// request the jeugdarts sees, on the parent's page and in the export); a refusal needs its
// reasons and the parent reads them; the FG's board shows only its own organisation's requests.
func TestRightsPerController(t *testing.T) {
	w, _ := inzageWorld(t)
	ctx := context.Background()
	var ggd int64
	if err := w.db.QueryRow(ctx, "SELECT id FROM organisatie WHERE regio_id = ? AND soort = 'ggd'", w.r1).Scan(&ggd); err != nil {
		t.Fatal(err)
	}
	// The GGD received data with consent: it is a controller of this pupil's data too.
	reg := consent.NewRegister(w.db, consent.BuiltinConfig(), nil)
	now := w.clock.Now()
	if _, err := reg.Record(ctx, w.r1, consent.Draft{PupilID: w.pupil1, Status: consent.StatusGiven, Givers: []consent.Giver{consent.PupilGiver(), consent.ParentGiver(w.parent)},
		Purposes: []string{consent.PurposeJeugdhulp}, Recipients: []consent.Recipient{{Party: "ggd", OrganisationID: ggd}}, Categories: []string{"gezondheid"},
		Channel: consent.ChannelEmail, EvidenceHash: hash64, FormVersion: "2026-1", FormHash: hash64, GivenAt: now, ValidFrom: consent.Today(now),
		RecordedBy: "gebruiker:1"}, nil); err != nil {
		t.Fatal(err)
	}
	// The FG of the GGD.
	if _, err := w.db.Exec(ctx, "UPDATE gebruiker SET organisatie_id = ? WHERE email = 'fg@gemeente.example'", ggd); err != nil {
		t.Fatal(err)
	}
	parent, zc, arts, fg := w.client(), w.client(), w.client(), w.client()
	parent.loginParent()
	zc.login("zc")
	arts.login("jeugdarts")
	fg.login("fg")
	page := "/inzage/leerling/" + w.pid("leerling", w.pupil1)

	r := parent.get(page)
	if r.status != 200 || !strings.Contains(r.body, "De Linde") || !strings.Contains(r.body, "GGD Een") || !strings.Contains(r.body, "gegevens die met toestemming zijn gedeeld") {
		t.Fatalf("who holds what:\n%s", r.body)
	}
	// Erasure without saying what: refused at the field, nothing stored.
	if r := parent.post(page, page, url.Values{"soort": {"wissen"}}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="toelichting-fout"`) {
		t.Fatalf("erasure without text: %d\n%s", r.status, r.body)
	}
	if all, _ := w.db.AccessRequestsOfPupil(ctx, w.r1, w.pupil1); len(all) != 0 {
		t.Fatalf("refused request stored %d rows", len(all))
	}
	r = parent.post(page, page, url.Values{"soort": {"wissen"}, "toelichting": {"De notitie over de scheiding"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != page+"?verzonden=2" {
		t.Fatalf("erasure: %d %s", r.status, r.header.Get("Location"))
	}
	all, _ := w.db.AccessRequestsOfPupil(ctx, w.r1, w.pupil1)
	to := map[int64]rights.Data{}
	for _, q := range all {
		to[q.Data().ControllerID] = q.Data()
	}
	if len(all) != 2 || to[w.school1].Kind != rights.KindErasure || to[ggd].Text != "De notitie over de scheiding" || to[ggd].Withheld != "" {
		t.Fatalf("one request per controller: %+v", to)
	}
	// Each controller sees its own request only.
	if r := arts.get("/inzage"); r.status != 200 || !strings.Contains(r.body, "Anouk") || !strings.Contains(r.body, "De notitie over de scheiding") {
		t.Fatalf("jeugdarts list: %d\n%s", r.status, r.body)
	}
	if r := zc.get("/inzage"); strings.Count(r.body, `/afgehandeld"`) != 1 {
		t.Fatalf("school list shows %d requests", strings.Count(r.body, `/afgehandeld"`))
	}

	// The child (12) objects: the parent's next request to the JGZ carries the WGBO reason.
	if err := w.db.SetJGZObjection(ctx, w.r1, w.pupil1, true, now, nil); err != nil {
		t.Fatal(err)
	}
	if r := parent.get(page); !strings.Contains(r.body, "heeft bezwaar gemaakt") || !strings.Contains(r.body, "7:457") {
		t.Fatalf("parent page does not say the JGZ data is withheld:\n%s", r.body)
	}
	if r := parent.post(page, page, url.Values{"soort": {"inzage"}}); r.status != http.StatusSeeOther {
		t.Fatalf("access request: %d", r.status)
	}
	if r := arts.get("/inzage"); !strings.Contains(r.body, "Let op (WGBO)") {
		t.Fatalf("jeugdarts is not told to withhold:\n%s", r.body)
	}
	ex := parent.get(page + "/export.json")
	var doc struct {
		Controllers []struct {
			Organisation string `json:"organisatie"`
			Data         any    `json:"gegevens"`
			Withheld     string `json:"achtergehouden"`
		} `json:"verwerkingsverantwoordelijken"`
		Trail []struct {
			Organisation string `json:"organisatie"`
		} `json:"wie_verwerkte_de_gegevens"`
	}
	if ex.status != 200 || json.Unmarshal([]byte(ex.body), &doc) != nil || len(doc.Controllers) != 2 {
		t.Fatalf("export: %d\n%s", ex.status, ex.body)
	}
	for _, c := range doc.Controllers {
		if c.Organisation == "GGD Een" && (c.Withheld == "" || c.Data != nil) {
			t.Errorf("JGZ not withheld in the export: %+v", c)
		}
		if c.Organisation == "De Linde" && c.Data == nil {
			t.Errorf("school data missing from the export")
		}
	}
	for _, x := range doc.Trail {
		if x.Organisation == "GGD Een" {
			t.Error("the JGZ's processing is in the parent's export despite the objection")
		}
	}

	pdf := parent.get(page + "/export.pdf")
	if pdf.status != 200 || !strings.HasPrefix(pdf.body, "%PDF-") || pdf.header.Get("Content-Type") != "application/pdf" ||
		!strings.Contains(pdf.body, "De Linde") || !strings.Contains(pdf.body, "7:457") {
		t.Fatalf("export pdf: %d %.20q", pdf.status, pdf.body)
	}
	if r := arts.get(page + "/export.pdf"); r.status != http.StatusForbidden && r.status != http.StatusNotFound {
		t.Fatalf("a professional got the parent's export: %d", r.status)
	}

	// The jeugdarts refuses the erasure: reasons required, then the parent reads them.
	eraseGGD := "/inzage/verzoeken/" + w.pid("inzageverzoek", to[ggd].ID) + "/afgehandeld"
	if r := arts.post("/inzage", eraseGGD, url.Values{"uitkomst": {"afgewezen"}}); r.status != http.StatusBadRequest || !strings.Contains(r.body, "reden") {
		t.Fatalf("refusal without reasons: %d", r.status)
	}
	if r := zc.post("/inzage", eraseGGD, url.Values{"uitkomst": {"toegewezen"}}); r.status != http.StatusNotFound {
		t.Fatalf("the school handled the GGD's request: %d", r.status)
	}
	if r := arts.post("/inzage", eraseGGD, url.Values{"uitkomst": {"afgewezen"}, "notitie": {"Het JGZ-dossier moet 20 jaar bewaard blijven (BW 7:454 lid 3)."}}); r.status != http.StatusSeeOther {
		t.Fatalf("refusal: %d", r.status)
	}
	if r := parent.get(page); !strings.Contains(r.body, "Afgewezen") || !strings.Contains(r.body, "BW 7:454") || !strings.Contains(r.body, "Autoriteit Persoonsgegevens") {
		t.Fatalf("parent does not read the refusal:\n%s", r.body)
	}

	// The FG of the GGD: its own organisation's requests, without names; others have no board.
	b := fg.get("/inzage/fg")
	if b.status != 200 || strings.Count(b.body, "<strong>Verzoek ") != 2 || strings.Contains(b.body, "Anouk") || !strings.Contains(b.body, "AVG art. 17") {
		t.Fatalf("fg board: %d\n%s", b.status, b.body)
	}
	if r := zc.get("/inzage/fg"); r.status != http.StatusForbidden {
		t.Fatalf("zc on the fg board: %d", r.status)
	}
}
