package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/rights"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/web"
)

// inzageWorld mounts the inzage pages on the world and adds a second parent, with gezag over
// pupil2 (school2), who must not reach pupil1.
func inzageWorld(t *testing.T) (*world, string) {
	t.Helper()
	w := newWorld(t)
	seal := func(context.Context, int64) (audit.Encrypter, error) {
		return audit.EncryptFunc(func(p, _ []byte) ([]byte, error) { return append([]byte("enc:"), p...), nil }), nil
	}
	if _, err := rights.NewService(store.RightsRepository{DB: w.db}, nil, w.clock.Now); err == nil {
		t.Fatal("an inzage service without Seal")
	}
	svc, err := rights.NewService(store.RightsRepository{DB: w.db}, seal, w.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.web.MountInzage(web.InzageDeps{Service: svc, Store: w.db}); err != nil {
		t.Fatal(err)
	}
	if err := w.web.MountInzage(web.InzageDeps{Store: w.db}); err == nil {
		t.Fatal("mounted without the service")
	}
	other := "andere-ouder@thuis.example"
	p2 := ins(t, w.db, `INSERT INTO ouder (regio_id, voornaam, achternaam, email) VALUES (?, 'Otto', 'Bakker', ?)`, w.r1, other)
	if _, err := w.db.Exec(context.Background(), `INSERT INTO leerling_ouder (regio_id, leerling_id, ouder_id, relatie, gezag) VALUES (?, ?, ?, 'vader', 1)`, w.r1, w.pupil2, p2); err != nil {
		t.Fatal(err)
	}
	return w, other
}

// loginParentAs signs a parent in with the newest e-mail code sent to email.
func (c *client) loginParentAs(email string) {
	t := c.w.t
	t.Helper()
	if r := c.post("/inloggen/ouder", "/inloggen/ouder", url.Values{"email": {email}}); r.status != http.StatusSeeOther {
		t.Fatalf("parent request: %d", r.status)
	}
	code := ""
	for _, m := range c.w.mailbox.Messages() {
		if m.To == email {
			code = regexp.MustCompile(`\b(\d{8})\b`).FindString(m.Body)
		}
	}
	if r := c.post("/inloggen/ouder/code", "/inloggen/ouder/code", url.Values{"code": {code}}); r.status != http.StatusSeeOther {
		t.Fatalf("parent code: %d %s", r.status, r.body)
	}
}

func storedAudit(t *testing.T, w *world) []audit.Leaf {
	t.Helper()
	ls, err := store.NewAuditStore(w.db).ForPupil(context.Background(), w.r1, "pseudo-leerling-een-0001")
	if err != nil {
		t.Fatal(err)
	}
	return ls
}

func TestInzageScenario(t *testing.T) {
	w, otherEmail := inzageWorld(t)
	ctx := context.Background()
	parent, other, zc, zc2, zcR2, mentor := w.client(), w.client(), w.client(), w.client(), w.client(), w.client()
	parent.loginParent()
	other.loginParentAs(otherEmail)
	zc.login("zc")
	zc2.login("zc2")
	zcR2.login("zcR2")
	mentor.login("mentor")
	page := "/inzage/leerling/" + w.pid("leerling", w.pupil1)

	// The parent of the child: the page explains what they get and the one-month term
	// (today 06-10-2025, so 06-11-2025).
	r := parent.get(page)
	if r.status != 200 || !strings.Contains(r.body, "Een verzoek doen") || !strings.Contains(r.body, "een maand") ||
		!strings.Contains(r.body, "06-11-2025") || !strings.Contains(r.body, `href="/leerlingen/`+w.pid("leerling", w.pupil1)+`"`) {
		t.Fatalf("parent page: %d\n%s", r.status, r.body)
	}
	// Anyone without gezag over this child: 404, the page of a pupil that does not exist.
	for name, c := range map[string]struct {
		cl   *client
		path string
	}{
		"andere ouder":              {other, page},
		"ouder, ander kind":         {parent, "/inzage/leerling/" + w.pid("leerling", w.pupil2)},
		"ouder, andere regio":       {parent, "/inzage/leerling/" + w.pid("leerling", w.pupilR2)},
		"ouder, bestaat niet":       {parent, "/inzage/leerling/999999"},
		"andere ouder, eigen kind?": {other, "/inzage/leerling/" + w.pid("leerling", w.pupilR2)},
	} {
		if r := c.cl.get(c.path); r.status != http.StatusNotFound || strings.Contains(r.body, "Anouk") {
			t.Errorf("%s: %d", name, r.status)
		}
	}
	if r := other.post("/inzage/leerling/"+w.pid("leerling", w.pupil2), page, url.Values{}); r.status != http.StatusNotFound {
		t.Fatalf("other parent's post: %d", r.status)
	}
	// Professionals do not use the parents' page.
	if r := zc.get(page); r.status != http.StatusForbidden {
		t.Fatalf("zc on parent page: %d", r.status)
	}
	// Without the CSRF token: refused, nothing stored.
	if r := parent.do("POST", page, url.Values{}); r.status != http.StatusForbidden {
		t.Fatalf("csrf-less post: %d", r.status)
	}
	if all, _ := w.db.AccessRequestsOfPupil(ctx, w.r1, w.pupil1); len(all) != 0 || len(storedAudit(t, w)) != 0 {
		t.Fatalf("refused posts stored %d requests", len(all))
	}

	// The request: stored with its audit entry (in the store's log, the same transaction).
	r = parent.post(page, page, url.Values{})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != page+"?verzonden=1" {
		t.Fatalf("request: %d %s\n%s", r.status, r.header.Get("Location"), r.body)
	}
	all, err := w.db.AccessRequestsOfPupil(ctx, w.r1, w.pupil1)
	if err != nil || len(all) != 1 || all[0].Data().ControllerID != w.school1 || all[0].Deadline().String() != "2025-11-06" {
		t.Fatalf("stored: %v %+v", err, all)
	}
	id := all[0].ID()
	leaves := storedAudit(t, w)
	if len(leaves) != 1 {
		t.Fatalf("audit entries: %d", len(leaves))
	}
	if rec := leaves[0].Entry.Record(); rec.Actor.ParentID != w.parent || rec.Action != audit.ActionCreate || rec.Name != "inzage-aanvragen" || rec.LegalGround != "avg-6-1-c" {
		t.Fatalf("audit entry: %+v", rec)
	}
	r = parent.get(page + "?verzonden=1")
	if !strings.Contains(r.body, "Uw verzoek is verstuurd naar 1 organisatie") || !strings.Contains(r.body, "Antwoord uiterlijk op <strong>06-11-2025") {
		t.Fatalf("after request:\n%s", r.body)
	}
	// A second request of the same kind while the first runs: 409, said at the field.
	if r := parent.post("/start", page, url.Values{}); r.status != http.StatusConflict || !strings.Contains(r.body, "al een verzoek van deze soort") {
		t.Fatalf("second request: %d", r.status)
	}

	// The school's zorgcoördinator sees it with its deadline; another school, another region and
	// another role do not.
	r = zc.get("/inzage")
	if r.status != 200 || !strings.Contains(r.body, "Anouk") || !strings.Contains(r.body, "06-11-2025") || !strings.Contains(r.body, "nog 31 dagen") {
		t.Fatalf("zc list: %d\n%s", r.status, r.body)
	}
	if r := zc2.get("/inzage"); r.status != 200 || strings.Contains(r.body, "Anouk") {
		t.Fatalf("other school's list: %d", r.status)
	}
	if r := mentor.get("/inzage"); r.status != http.StatusForbidden {
		t.Fatalf("mentor: %d", r.status)
	}
	ext := "/inzage/verzoeken/" + w.pid("inzageverzoek", id) + "/verlengen"
	done := "/inzage/verzoeken/" + w.pid("inzageverzoek", id) + "/afgehandeld"
	for name, c := range map[string]*client{"andere school": zc2, "andere regio": zcR2} {
		for _, action := range []string{ext, done} {
			if r := c.post("/inzage", action, url.Values{"maanden": {"2"}, "reden": {"x"}}); r.status != http.StatusNotFound {
				t.Errorf("%s %s: %d", name, action, r.status)
			}
		}
	}
	if r := zc.do("POST", ext, url.Values{"maanden": {"2"}, "reden": {"x"}}); r.status != http.StatusForbidden {
		t.Fatalf("zc csrf-less extension: %d", r.status)
	}

	// Extend: a reason is required (the error at the field), then once, never twice.
	r = zc.post("/inzage", ext, url.Values{"maanden": {"2"}, "reden": {"  "}})
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, `id="reden-`+w.pid("inzageverzoek", id)+`-fout"`) {
		t.Fatalf("extension without reason: %d\n%s", r.status, r.body)
	}
	if r := zc.post("/inzage", ext, url.Values{"maanden": {"3"}, "reden": {"veel"}}); r.status != http.StatusBadRequest || !strings.Contains(r.body, `id="maanden-`+w.pid("inzageverzoek", id)+`-fout"`) {
		t.Fatalf("three months: %d", r.status)
	}
	if r := zc.post("/inzage", ext, url.Values{"maanden": {"2"}, "reden": {"Gegevens bij meerdere partijen"}}); r.status != http.StatusSeeOther {
		t.Fatalf("extension: %d\n%s", r.status, r.body)
	}
	r = zc.get("/inzage")
	if !strings.Contains(r.body, "06-01-2026") || !strings.Contains(r.body, "Al verlengd") || strings.Contains(r.body, `action="`+ext+`"`) {
		t.Fatalf("after extension:\n%s", r.body)
	}
	if r := zc.post("/inzage", ext, url.Values{"maanden": {"1"}, "reden": {"nog een keer"}}); r.status != http.StatusConflict || !strings.Contains(r.body, "al een keer verlengd") {
		t.Fatalf("second extension: %d\n%s", r.status, r.body)
	}
	if r := parent.get(page); !strings.Contains(r.body, "06-01-2026") || !strings.Contains(r.body, "Gegevens bij meerdere partijen") {
		t.Fatalf("parent sees extension:\n%s", r.body)
	}

	// Handle.
	if r := zc.post("/inzage", done, url.Values{"notitie": {"Kopie gegeven op school"}}); r.status != http.StatusSeeOther {
		t.Fatalf("handle: %d", r.status)
	}
	if r := zc.get("/inzage"); strings.Contains(r.body, "Anouk") {
		t.Fatal("handled request still listed")
	}
	if r := zc.post("/start", done, url.Values{}); r.status != http.StatusConflict {
		t.Fatalf("handle twice: %d", r.status)
	}
	if r := parent.get(page); !strings.Contains(r.body, "Beantwoord op 06-10-2025") || !strings.Contains(r.body, `action="`+page+`"`) {
		t.Fatalf("parent after handling:\n%s", r.body)
	}
	// create, extend, handle: three entries; none for what was refused.
	if n := len(storedAudit(t, w)); n != 3 {
		t.Fatalf("audit entries: %d", n)
	}
}

func TestInzageOverdue(t *testing.T) {
	w, _ := inzageWorld(t)
	parent := w.client()
	parent.loginParent()
	page := "/inzage/leerling/" + w.pid("leerling", w.pupil1)
	if r := parent.post(page, page, url.Values{}); r.status != http.StatusSeeOther {
		t.Fatalf("request: %d", r.status)
	}
	all, _ := w.db.AccessRequestsOfPupil(context.Background(), w.r1, w.pupil1)
	// 40 days later nobody has answered: overdue for the school and the parent, too late to extend.
	w.clock.Add(40 * 24 * time.Hour)
	zc, parent2 := w.client(), w.client()
	zc.login("zc")
	parent2.loginParent()
	r := zc.get("/inzage")
	if !strings.Contains(r.body, "te laat") || !strings.Contains(r.body, "Niet meer mogelijk") {
		t.Fatalf("overdue list:\n%s", r.body)
	}
	ext := "/inzage/verzoeken/" + w.pid("inzageverzoek", all[0].ID()) + "/verlengen"
	if r := zc.post("/inzage", ext, url.Values{"maanden": {"2"}, "reden": {"laat"}}); r.status != http.StatusConflict || !strings.Contains(r.body, "eerste maand") {
		t.Fatalf("late extension: %d", r.status)
	}
	if r := parent2.get(page); !strings.Contains(r.body, "is voorbij.") {
		t.Fatalf("parent overdue:\n%s", r.body)
	}
	if got, _ := w.db.AccessRequest(context.Background(), w.r1, all[0].ID()); got.Status() != rights.StatusReceived {
		t.Fatalf("status: %s", got.Status())
	}
	// A late answer is still recorded, and the parent sees it came after the term.
	if r := zc.post("/inzage", "/inzage/verzoeken/"+w.pid("inzageverzoek", all[0].ID())+"/afgehandeld", url.Values{}); r.status != http.StatusSeeOther {
		t.Fatalf("late handling: %d", r.status)
	}
	if r := parent2.get(page); !strings.Contains(r.body, "Beantwoord op 15-11-2025 (na de termijn)") {
		t.Fatalf("parent late answer:\n%s", r.body)
	}
}
