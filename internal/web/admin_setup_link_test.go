package web_test

import (
	"net/url"
	"strings"
	"testing"
)

// setupWith opens a setup link and chooses pw; it returns the status of the post.
func setupWith(t *testing.T, w *world, token, pw string) int {
	t.Helper()
	u := w.client()
	link := "/account-instellen/" + token
	sp := u.get(link)
	if sp.status != 200 {
		return sp.status
	}
	return u.do("POST", link, url.Values{"csrf": {csrfOf(t, sp.body)}, "wachtwoord": {pw}, "wachtwoord-herhalen": {pw}}).status
}

func TestBeheerderReissuesSetupLink(t *testing.T) {
	w := newWorld(t)
	b := w.client()
	b.login("beheerder")
	zc := w.users["zc"]
	action := "/beheer/accounts/" + w.pid("gebruiker", zc.id) + "/instellink"
	if r := b.get("/beheer/accounts"); !strings.Contains(r.body, `action="`+action+`"`) {
		t.Fatal("no reissue button for zc on the accounts page")
	}
	if r := b.get("/beheer/accounts"); strings.Contains(r.body, `action="/beheer/accounts/`+itoa(w.users["beheerder"].id)+`/instellink"`) {
		t.Error("a reissue button for the beheerder's own account")
	}

	// The zorgcoördinator is signed in somewhere.
	z := w.client()
	z.login("zc")
	if r := z.get("/start"); r.status != 200 {
		t.Fatalf("zc start: %d", r.status)
	}

	// Refused: without CSRF token (nothing changes), by other roles, for another region, for
	// an unknown id, and for the beheerder's own account.
	if r := b.do("POST", action, url.Values{}); r.status != 403 {
		t.Errorf("reissue without csrf: %d", r.status)
	}
	for _, key := range []string{"zc2", "fg"} {
		c := w.client()
		c.login(key)
		if r := c.post("/start", action, url.Values{}); r.status != 403 {
			t.Errorf("%s reissues: %d", key, r.status)
		}
	}
	if r := z.get("/start"); r.status != 200 {
		t.Fatalf("a refused reissue ended zc's session: %d", r.status)
	}
	for _, id := range []int64{w.users["zcR2"].id, 999999} {
		if r := b.post("/beheer/accounts", "/beheer/accounts/"+w.pid("gebruiker", id)+"/instellink", url.Values{}); r.status != 404 {
			t.Errorf("reissue for account %d outside the region: %d", id, r.status)
		}
	}
	if r := b.post("/beheer/accounts", "/beheer/accounts/"+w.pid("gebruiker", w.users["beheerder"].id)+"/instellink", url.Values{}); r.status != 409 {
		t.Errorf("reissue for own account: %d", r.status)
	}
	// zcR2 still signs in with the old password: the 404 changed nothing in region 2.
	w.client().login("zcR2")

	// Reissued: the link is shown once, with no-store.
	r := b.post("/beheer/accounts", action, url.Values{})
	token := regexpFind(setupLinkRe, r.body)
	if r.status != 200 || token == "" || !strings.Contains(r.body, "Nieuwe instellink voor Gebruiker zc") ||
		!strings.Contains(r.body, w.srv.URL+"/account-instellen/"+token) || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("reissue: %d %q %s", r.status, r.header.Get("Cache-Control"), r.body)
	}
	if !strings.Contains(r.body, "tweestapsverificatie blijft") {
		t.Error("the result page does not say that TOTP stays")
	}
	if r := b.get("/beheer/accounts"); strings.Contains(r.body, token) {
		t.Error("link shown again on the accounts page")
	}
	// The sessions of zc ended, and the old password no longer works.
	if r := z.get("/start"); r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/inloggen") {
		t.Errorf("zc's session after reissue: %d %s", r.status, r.header.Get("Location"))
	}
	if r := w.client().post("/inloggen", "/inloggen", url.Values{"email": {zc.email}, "wachtwoord": {zc.password}}); r.status != 401 {
		t.Errorf("old password after reissue: %d", r.status)
	}

	// A second reissue kills the first link; the second one sets a password, once.
	r = b.post("/beheer/accounts", action, url.Values{})
	token2 := regexpFind(setupLinkRe, r.body)
	if r.status != 200 || token2 == "" || token2 == token {
		t.Fatalf("second reissue: %d", r.status)
	}
	const pw = "een nieuwe lange zin"
	if st := setupWith(t, w, token, pw); st != 404 {
		t.Errorf("earlier link after a new one: %d", st)
	}
	if st := setupWith(t, w, token2, pw); st != 200 {
		t.Fatalf("new link: %d", st)
	}
	if st := setupWith(t, w, token2, "en nog een andere zin"); st != 404 {
		t.Errorf("new link used twice: %d", st)
	}

	// The new password signs in, and TOTP was kept: the MFA step, not enrolment.
	zc.password = pw
	w.users["zc"] = zc
	w.client().login("zc")
}

// A link that was never used (a new account) is replaced by the reissued one.
func TestReissueReplacesUnusedLink(t *testing.T) {
	w := newWorld(t)
	b := w.client()
	b.login("beheerder")
	const page = "/beheer/accounts/nieuw"
	r := b.post(page, page, url.Values{"naam": {"Sem Bakker"}, "email": {"sem@gemeente.example"}, "organisatie": {itoa(w.gem1)}, "rol": {"leerplicht"}})
	old := regexpFind(setupLinkRe, r.body)
	if r.status != 200 || old == "" {
		t.Fatalf("create: %d", r.status)
	}
	acc := b.get("/beheer/accounts")
	id := regexpFind(`action="/beheer/accounts/([A-Za-z0-9_-]{22})/instellink"[^>]*>\s*<input type="hidden" name="csrf" value="[^"]+">\s*<button type="submit" class="knop knop-tweede">Nieuwe instellink<span class="verborgen">: Sem Bakker`, acc.body)
	if id == "" {
		t.Fatal("no reissue button for the new account")
	}
	r = b.post("/beheer/accounts", "/beheer/accounts/"+id+"/instellink", url.Values{})
	fresh := regexpFind(setupLinkRe, r.body)
	if r.status != 200 || fresh == "" || !strings.Contains(r.body, "stelt de medewerker bij de eerste keer inloggen de tweestapsverificatie in") {
		t.Fatalf("reissue: %d", r.status)
	}
	if r := w.client().get("/account-instellen/" + old); r.status != 404 {
		t.Errorf("old unused link: %d", r.status)
	}
	if st := setupWith(t, w, fresh, "lange zin om te onthouden"); st != 200 {
		t.Errorf("fresh link: %d", st)
	}

	// A switched-off account gets no link (it would not work).
	if r := b.post("/beheer/accounts", "/beheer/accounts/"+id+"/actief", url.Values{"actief": {"nee"}}); r.status != 303 {
		t.Fatalf("switch off: %d", r.status)
	}
	if r := b.post("/beheer/accounts", "/beheer/accounts/"+id+"/instellink", url.Values{}); r.status != 409 {
		t.Errorf("reissue for a switched-off account: %d", r.status)
	}
}
