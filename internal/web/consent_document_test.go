package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/consent"
)

// postConsentWithFile posts the zorgcoördinator's consent form with a signed form attached.
func (c *client) postConsentWithFile(page string, fields map[string][]string, filename string, file []byte) resp {
	c.w.t.Helper()
	r := c.get(page)
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("csrf", csrfOf(c.w.t, r.body))
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if file != nil {
		fw, _ := mw.CreateFormFile("bestand", filename)
		fw.Write(file)
	}
	mw.Close()
	return c.doBody("POST", page, b.String(), "Content-Type", mw.FormDataContentType())
}

// TestPaperConsentWithSignedForm: the zorgcoördinator records a paper consent with the scan of
// the signed form; a file that is no PDF/JPEG/PNG by content is refused at its field and nothing
// is stored; the form is sealed at rest, downloadable by the school and by the parent with gezag,
// not by another school or another parent, and every read is logged.
func TestPaperConsentWithSignedForm(t *testing.T) {
	w, jh, father := onlineConsentWorld(t)
	ctx := context.Background()
	zc, zc2, mother, stranger := w.client(), w.client(), w.client(), w.client()
	zc.login("zc")
	zc2.login("zc2")
	page := "/toestemmingen/leerling/" + w.pid("leerling", w.pupil1)
	fields := map[string][]string{"status": {"gegeven"}, "doelen": {"jeugdhulp"}, "ontvangers": {"jeugdhulp:" + itoa(jh)}, "categorieen": {"gezinssituatie"},
		"gevers": {"ouder:" + itoa(w.parent), "ouder:" + itoa(father)}, "kanaal": {"schriftelijk"}, "formulier_versie": {consent.FormVersion},
		"formulier_hash": {hash64}, "geldig_van": {"2025-10-06"}, "geldig_tot": {"2026-06-30"}}

	// A text file named like a PDF: refused by its content, at the file field, nothing stored.
	r := zc.postConsentWithFile(page, fields, "formulier.pdf", []byte("Ja hoor, getekend."))
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, `id="bestand-fout"`) || !strings.Contains(r.body, "geen PDF, JPEG of PNG") {
		t.Fatalf("text as pdf: %d\n%s", r.status, r.body)
	}
	if recs, _ := w.db.ConsentsOfPupil(ctx, w.r1, w.pupil1); len(recs) != 0 {
		t.Fatalf("a refused upload stored %d consents", len(recs))
	}

	signed := []byte("%PDF-1.7\n% getekend door Olga en Frank Visser\n%%EOF\n")
	r = zc.postConsentWithFile(page, fields, "scan.bin", signed)
	if r.status != http.StatusSeeOther {
		t.Fatalf("record with form: %d\n%s", r.status, r.body)
	}
	recs, err := w.db.ConsentsOfPupil(ctx, w.r1, w.pupil1)
	if err != nil || len(recs) != 1 || recs[0].Data().Document == nil {
		t.Fatalf("stored: %v %+v", err, recs)
	}
	id := recs[0].ID()
	want, _ := consent.NewDocument(signed)
	if recs[0].Data().EvidenceHash != want.SHA256 {
		t.Fatalf("evidence hash %s is not the file's %s", recs[0].Data().EvidenceHash, want.SHA256)
	}
	var stored string
	w.db.QueryRow(ctx, "SELECT document FROM toestemming_bewijs WHERE toestemming_id = ?", id).Scan(&stored)
	if !strings.HasPrefix(stored, "gs1:") || strings.Contains(stored, "Frank") {
		t.Fatalf("stored in clear: %.40q", stored)
	}

	link := page + "/bewijs/" + w.pid("toestemming", id)
	if r := zc.get(page); !strings.Contains(r.body, `href="`+link+`"`) || !strings.Contains(r.body, "Getekend formulier") {
		t.Fatalf("the list does not link the form:\n%s", r.body)
	}
	r = zc.get(link)
	if r.status != 200 || r.body != string(signed) || r.header.Get("Content-Type") != consent.MediaPDF || r.header.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(r.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("school download: %d %v", r.status, r.header)
	}
	if r := zc2.get(link); r.status != http.StatusNotFound {
		t.Fatalf("another school's download: %d", r.status)
	}
	if r := zc.get(page + "/bewijs/999999"); r.status != http.StatusNotFound {
		t.Fatalf("unknown consent: %d", r.status)
	}

	// The parent with gezag sees and opens it on the family page; another parent cannot.
	mother.loginParentAs(w.parentEm)
	own := "/toestemmingen/kind/" + w.pid("leerling", w.pupil1) + "/bewijs/" + w.pid("toestemming", id)
	if r := mother.get("/toestemmingen/kind/" + w.pid("leerling", w.pupil1)); !strings.Contains(r.body, `href="`+own+`"`) {
		t.Fatalf("parent page does not link the form:\n%s", r.body)
	}
	if r := mother.get(own); r.status != 200 || r.body != string(signed) {
		t.Fatalf("parent download: %d", r.status)
	}
	if r := mother.get(link); r.status != http.StatusForbidden && r.status != http.StatusNotFound {
		t.Fatalf("parent on the school's route: %d", r.status)
	}
	ins(t, w.db, `INSERT INTO ouder (regio_id, voornaam, achternaam, email) VALUES (?, 'Vreemde', 'Ouder', 'vreemd@thuis.example')`, w.r1)
	w.db.Exec(ctx, `INSERT INTO leerling_ouder (regio_id, leerling_id, ouder_id, relatie, gezag) SELECT ?, ?, id, 'moeder', 1 FROM ouder WHERE email = 'vreemd@thuis.example'`, w.r1, w.pupil2)
	stranger.loginParentAs("vreemd@thuis.example")
	if r := stranger.get(own); r.status != http.StatusNotFound {
		t.Fatalf("stranger download: %d", r.status)
	}
	if r := stranger.get("/toestemmingen/kind/" + w.pid("leerling", w.pupil2) + "/bewijs/" + w.pid("toestemming", id)); r.status != http.StatusNotFound {
		t.Fatalf("stranger through own child: %d", r.status)
	}

	// Each read is in the trail.
	school, parent := 0, 0
	for _, rec := range w.audit.all() {
		if rec.ConsentID == id && rec.Name == "toestemming-bewijs" && rec.LegalGround != "" {
			school++
		}
		if rec.ConsentID == id && rec.Name == "toestemming-bewijs-ouder" && rec.Actor.ParentID != 0 {
			parent++
		}
	}
	if school != 1 || parent != 1 {
		t.Fatalf("logged reads: school %d, parent %d", school, parent)
	}
}
