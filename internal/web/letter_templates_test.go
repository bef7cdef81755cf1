package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestLetterTemplatesPerRegion: the region's beheerder previews and saves a template (a new
// version each time); code in a template is refused; the dossier's letter uses the newest
// version; others cannot reach the pages.
func TestLetterTemplatesPerRegion(t *testing.T) {
	w := newWorld(t)
	if err := w.web.MountLetterTemplates(w.db); err != nil {
		t.Fatal(err)
	}
	b := w.client()
	b.login("beheerder")
	const page = "/beheer/briefsjablonen/uitnodiging"
	if r := b.get(page); r.status != 200 || !strings.Contains(r.body, "Nog geen eigen versie") || !strings.Contains(r.body, "Geachte") {
		t.Fatalf("edit page: %d %s", r.status, r.body)
	}
	bad := b.post(page, page, url.Values{"actie": {"opslaan"}, "tekst": {`{{leerling}} {{printf "%s" .Secret}}`}})
	if bad.status != http.StatusBadRequest || !strings.Contains(bad.body, "onbekende invulvelden") {
		t.Fatalf("code in a template: %d %s", bad.status, bad.body)
	}
	text := "Regio Noord nodigt {{aan}} uit om over {{leerling}} te praten op {{datum}}."
	pv := b.post(page, page, url.Values{"actie": {"voorbeeld"}, "tekst": {text}})
	if pv.status != 200 || !strings.Contains(pv.body, "Regio Noord nodigt ouder(s)/verzorger(s) van Sam Voorbeeld uit om over Sam Voorbeeld te praten op 1 oktober 2026.") ||
		!strings.Contains(pv.body, "Nog geen eigen versie") {
		t.Fatalf("preview (not saved): %d %s", pv.status, pv.body)
	}
	for i := 0; i < 2; i++ {
		if r := b.post(page, page, url.Values{"actie": {"opslaan"}, "tekst": {text}}); r.status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.status, r.body)
		}
	}
	if r := b.get(page); !strings.Contains(r.body, "versie 2") || !strings.Contains(r.body, "versie 1") || !strings.Contains(r.body, "Regio Noord nodigt") {
		t.Fatalf("versions: %s", r.body)
	}
	cur, err := w.db.LetterTemplate(t.Context(), w.r1, "uitnodiging")
	if err != nil || cur.Version != 2 || cur.Text != text {
		t.Fatalf("stored: %+v %v", cur, err)
	}
	if _, err := w.db.LetterTemplate(t.Context(), w.r2, "uitnodiging"); err == nil {
		t.Fatal("another region has no template")
	}
	lpa := w.client()
	lpa.login("lpa")
	if r := lpa.get(page); r.status != http.StatusForbidden {
		t.Fatalf("leerplicht edits templates: %d", r.status)
	}
}
