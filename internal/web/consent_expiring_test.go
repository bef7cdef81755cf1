package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/consent"
)

// /toestemmingen/verlopend is sorted and exported as CSV (issue 15): by the date a consent stops
// covering (default, first first) or the reason; the CSV holds what the page may show — the name
// only when the identification block is allowed for the chosen purpose, else the pseudonymous
// reference — and every row exported is logged under its own name.
func TestExpiringConsentsSortAndCSV(t *testing.T) {
	w, jh := toestemmingWorld(t)
	zc := w.client()
	zc.login("zc")
	page := "/toestemmingen/leerling/" + w.pid("leerling", w.pupil1)
	for _, until := range []string{"2025-10-30", "2025-10-20"} {
		form := url.Values{"status": {"gegeven"}, "doelen": {"jeugdhulp"}, "ontvangers": {"jeugdhulp:" + itoa(jh)}, "categorieen": {"identificatie", "gezinssituatie"},
			"gevers": {"leerling", "ouder:" + itoa(w.parent)}, "kanaal": {"schriftelijk"}, "formulier_versie": {consent.FormVersion}, "formulier_hash": {hash64}, "bewijs": {hash64},
			"geldig_van": {"2025-10-06"}, "geldig_tot": {until}}
		if r := zc.post(page, page, form); r.status != http.StatusSeeOther {
			t.Fatalf("record consent until %s: %d\n%s", until, r.status, r.body)
		}
	}
	// Default: the first to stop covering first; reversed with -datum.
	r := zc.get("/toestemmingen/verlopend")
	if r.status != 200 || !strings.Contains(r.body, "20-10-2025") || strings.Index(r.body, "20-10-2025") > strings.Index(r.body, "30-10-2025") {
		t.Fatalf("default order: %d\n%s", r.status, r.body)
	}
	if !strings.Contains(r.body, `href="/toestemmingen/verlopend?sorteer=-datum"`) || !strings.Contains(r.body, `aria-sort="ascending"`) || !strings.Contains(r.body, "formaat=csv") {
		t.Fatalf("sort links and CSV link missing:\n%s", r.body)
	}
	if r := zc.get("/toestemmingen/verlopend?sorteer=-datum"); strings.Index(r.body, "30-10-2025") > strings.Index(r.body, "20-10-2025") {
		t.Fatalf("reversed order:\n%s", r.body)
	}
	if r := zc.get("/toestemmingen/verlopend?sorteer=naam"); r.status != http.StatusBadRequest {
		t.Fatalf("order by name (would place a withheld name): %d", r.status)
	}
	// No purpose chosen: no identification, so the CSV names no one.
	csv := zc.get("/toestemmingen/verlopend?formaat=csv")
	if csv.status != 200 || !strings.HasPrefix(csv.body, "\ufeffleerling;toestemming;doelen;dekt tot en met;waarom\r\n") ||
		strings.Count(csv.body, "Een leerling (L-") != 2 || strings.Contains(csv.body, "Anouk") || !strings.Contains(csv.body, ";20-10-2025;") {
		t.Fatalf("csv without identification: %d\n%s", csv.status, csv.body)
	}
	exported := func() int {
		n := 0
		for _, rec := range w.audit.all() {
			if rec.Name == "toestemmingen-verlopend-export" {
				n++
			}
		}
		return n
	}
	if n := exported(); n < 2 {
		t.Fatalf("export logged %d entries, want one per row", n)
	}
	// Under signalering the zorgcoördinator may identify the pupil: the name is in the CSV, and its
	// showing is logged.
	zc.setPurpose("signalering")
	before := exported()
	csv = zc.get("/toestemmingen/verlopend?formaat=csv&sorteer=-datum")
	if csv.status != 200 || strings.Count(csv.body, "Anouk Visser") != 2 || strings.Index(csv.body, "30-10-2025") > strings.Index(csv.body, "20-10-2025") {
		t.Fatalf("csv with identification: %d\n%s", csv.status, csv.body)
	}
	if exported() <= before+2 {
		t.Fatalf("export with names logged %d entries, want the rows and the names shown", exported()-before)
	}
}
