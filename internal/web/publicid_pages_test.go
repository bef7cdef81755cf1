package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/web"
)

// numericPath finds a link or form whose path has a row number as a segment (/leerlingen/866).
var numericPath = regexp.MustCompile(`(?:href|action)="(/[a-z-]+(?:/[A-Za-z0-9_.-]+)*?/[0-9]+(?:[/?#][^"]*)?)"`)

// TestPagePublicIDs: the pages link pupils by their public id, never by row number; a row
// number, an id of another kind or a garbled id answers the same Dutch 404 as a pupil that does
// not exist (no redirect that would confirm the row); a public id of a pupil in another region
// answers 404 to a user there (tenant isolation: the id opens nothing by itself).
func TestPagePublicIDs(t *testing.T) {
	w := newWorld(t)
	zc := w.client()
	zc.login("zc")
	zc.setPurpose("signalering")
	good := w.pid("leerling", w.pupil1)
	list := zc.get("/leerlingen")
	if !strings.Contains(list.body, `href="/leerlingen/`+good+`"`) {
		t.Fatalf("list does not link the public id: %s", list.body)
	}
	if m := numericPath.FindString(list.body); m != "" {
		t.Errorf("row number in a link of /leerlingen: %s", m)
	}
	page := zc.get("/leerlingen/" + good)
	if page.status != http.StatusOK {
		t.Fatalf("pupil page by public id: %d", page.status)
	}
	if m := numericPath.FindString(page.body); m != "" {
		t.Errorf("row number in a link of the pupil page: %s", m)
	}
	none := zc.get("/leerlingen/" + w.pid("leerling", 999999))
	strip := func(s string) string { return csrfRe.ReplaceAllString(s, "") }
	for _, bad := range []string{itoa(w.pupil1), w.pid("casus", w.pupil1), good[:21] + "A", "0" + itoa(w.pupil1)} {
		for _, path := range []string{"/leerlingen/" + bad, "/toestemmingen/leerling/" + bad} {
			r := zc.get(path)
			if r.status != http.StatusNotFound || strip(r.body) != strip(none.body) && strings.HasPrefix(path, "/leerlingen/") {
				t.Errorf("%s: %d %s", path, r.status, r.header.Get("Location"))
			}
		}
	}
	// Another region: the same public id opens nothing there.
	r2 := w.client()
	r2.login("zcR2")
	r2.setPurpose("signalering")
	for _, path := range []string{"/leerlingen/" + good, "/toestemmingen/leerling/" + good, "/casussen/nieuw?leerling=" + good} {
		if r := r2.get(path); r.status != http.StatusNotFound {
			t.Errorf("region 2 on %s: %d", path, r.status)
		}
	}
	if r := r2.get("/leerlingen/" + w.pid("leerling", w.pupilR2)); r.status != http.StatusOK {
		t.Errorf("region 2 on its own pupil: %d", r.status)
	}
}

// TestPageWildcardsHaveKinds: every path wildcard of every page names the kind of public id it
// carries (publicid_pages.go), except the few that carry no row number. (Server.page also
// refuses such a page when it is registered; this checks the table from outside.)
func TestPageWildcardsHaveKinds(t *testing.T) {
	w := newWorld(t)
	wild := regexp.MustCompile(`\{([a-z]+)\}`)
	checked := 0
	for _, r := range w.web.Routes() {
		if r.Kind == "api" || !strings.Contains(r.Pattern, "{") {
			continue
		}
		checked++
		n := 0
		for _, m := range wild.FindAllStringSubmatch(r.Pattern, -1) {
			if !web.PageLiteralWildcards[m[1]] {
				n++
			}
		}
		if got := web.PageIDKinds(r.Pattern); got != n {
			t.Errorf("%s: %d of %d wildcards have a kind of public id", r.Pattern, got, n)
		}
	}
	if checked < 10 {
		t.Errorf("only %d pages with wildcards: are the features mounted?", checked)
	}
}
