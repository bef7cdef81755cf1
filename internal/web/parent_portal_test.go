package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/web"
)

// TestParentAccessEndsAt18: on the 18th birthday the parent's start page no longer links the
// child, says why, and the child's page and trail are closed (404); when the young adult
// authorises the parent, both open again with that reason.
func TestParentAccessEndsAt18(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	if err := w.web.MountParentPortal(web.ParentPortalDeps{Adults: w.db}); err != nil {
		t.Fatal(err)
	}
	// The world's clock is 6 October 2025; Anouk turns 18 tomorrow.
	if _, err := w.db.Exec(ctx, "UPDATE leerling SET geboortedatum = '2007-10-07' WHERE regio_id = ? AND id = ?", w.r1, w.pupil1); err != nil {
		t.Fatal(err)
	}
	parent := w.client()
	parent.loginParent()
	page := "/leerlingen/" + w.pid("leerling", w.pupil1)
	if r := parent.get(page); r.status != http.StatusOK || !strings.Contains(r.body, "Wie heeft gegevens van uw kind bekeken") {
		t.Fatalf("17 years old: %d", r.status)
	}
	w.clock.Add(24 * 60 * 60 * 1e9) // 7 October 2025: 18
	parent = w.client()
	parent.loginParentNewest(w.parentEm)
	r := parent.get("/start")
	if strings.Contains(r.body, `href="`+page+`"`) || !strings.Contains(r.body, "Anouk is op 7 oktober 2025 18 geworden") || !strings.Contains(r.body, "1:233") {
		t.Fatalf("start page at 18:\n%s", r.body)
	}
	if r := parent.get(page); r.status != http.StatusNotFound || strings.Contains(r.body, "Wie heeft gegevens") {
		t.Fatalf("the trail is still open at 18: %d", r.status)
	}
	if r := parent.get(page + "/auditbewijs"); r.status != http.StatusNotFound {
		t.Fatalf("proof download at 18: %d", r.status)
	}
	// The young adult authorises the parent.
	if err := w.db.AuthoriseParent(ctx, w.r1, w.pupil1, w.parent, w.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if r := parent.get(page); r.status != http.StatusOK {
		t.Fatalf("authorised parent: %d", r.status)
	}
	if r := parent.get("/start"); !strings.Contains(r.body, "heeft u op 7 oktober 2025 toestemming gegeven") {
		t.Fatalf("start page after authorisation:\n%s", r.body)
	}
	if err := w.db.WithdrawParentAuthorisation(ctx, w.r1, w.pupil1, w.parent, w.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if r := parent.get(page); r.status != http.StatusNotFound {
		t.Fatalf("after withdrawal: %d", r.status)
	}
}

// loginParentNewest signs a parent in with the newest code sent to email (the mailbox lists the
// newest message first).
func (c *client) loginParentNewest(email string) {
	t := c.w.t
	t.Helper()
	if r := c.post("/inloggen/ouder", "/inloggen/ouder", url.Values{"email": {email}}); r.status != http.StatusSeeOther {
		t.Fatalf("parent request: %d", r.status)
	}
	code := ""
	for _, m := range c.w.mailbox.Messages() {
		if m.To == email {
			code = regexp.MustCompile(`\b(\d{8})\b`).FindString(m.Body)
			break
		}
	}
	if r := c.post("/inloggen/ouder/code", "/inloggen/ouder/code", url.Values{"code": {code}}); r.status != http.StatusSeeOther {
		t.Fatalf("parent code: %d", r.status)
	}
}

// TestParentTrailInWordsAndPaged: the trail is one plain sentence per entry (no codes), 20 per
// page with links to newer and older entries.
func TestParentTrailInWordsAndPaged(t *testing.T) {
	w := newWorld(t)
	zc := w.client()
	zc.login("zc")
	zc.setPurpose("signalering")
	for range 25 {
		zc.get("/leerlingen/" + w.pid("leerling", w.pupil1))
	}
	p := w.client()
	p.loginParent()
	r := p.get("/leerlingen/" + w.pid("leerling", w.pupil1))
	if !strings.Contains(r.body, "pagina 1 van 3") || strings.Count(r.body, "<li><strong>") != 20 || !strings.Contains(r.body, `href="?spoor=2#spoor-kop"`) ||
		!strings.Contains(r.body, "bekeek") || strings.Contains(r.body, "avg-6-1") {
		t.Fatalf("page 1:\n%s", r.body)
	}
	r = p.get("/leerlingen/" + w.pid("leerling", w.pupil1) + "?spoor=3")
	if !strings.Contains(r.body, "pagina 3 van 3") || !strings.Contains(r.body, `href="?spoor=2#spoor-kop"`) || strings.Count(r.body, "<li><strong>") < 1 {
		t.Fatalf("page 2:\n%s", r.body)
	}
}
