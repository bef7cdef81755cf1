package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/auth"
)

const setupLinkRe = `/account-instellen/([A-Za-z0-9_-]{43})`

func TestBeheerderCreatesAccount(t *testing.T) {
	w := newWorld(t)
	b := w.client()
	b.login("beheerder")
	const page = "/beheer/accounts/nieuw"
	if r := b.get("/beheer/accounts"); !strings.Contains(r.body, `href="/beheer/accounts/nieuw"`) {
		t.Error("no link to the new-account page")
	}
	if r := b.get(page); r.status != 200 || !strings.Contains(r.body, "De Linde") || !strings.Contains(r.body, `value="mentor"`) {
		t.Fatalf("form: %d", r.status)
	}

	// A role that does not fit the organisation: 400 at the field "rol", nothing stored.
	form := url.Values{"naam": {"Fatima de Vries"}, "email": {"fatima@linde.example"}, "organisatie": {itoa(w.school1)}, "rol": {"leerplicht"}}
	if r := b.post(page, page, form); r.status != 400 || !strings.Contains(r.body, `aria-describedby="rol-fout"`) ||
		strings.Contains(r.body, `aria-describedby="email-fout"`) || !strings.Contains(r.body, `value="Fatima de Vries"`) {
		t.Errorf("role of another party: %d %s", r.status, r.body)
	}
	// A duplicate e-mail address (in another spelling): 400 at "email".
	dup := url.Values{"naam": {"Tweede"}, "email": {" ZC@Linde.example "}, "organisatie": {itoa(w.school1)}, "rol": {"mentor"}}
	if r := b.post(page, page, dup); r.status != 400 || !strings.Contains(r.body, `aria-describedby="email-fout"`) || !strings.Contains(r.body, "al een account") {
		t.Errorf("duplicate email: %d %s", r.status, r.body)
	}
	// No name, a bad address, and an organisation of another region.
	var schoolR2 int64
	if err := w.db.QueryRow(context.Background(), "SELECT id FROM organisatie WHERE regio_id = ?", w.r2).Scan(&schoolR2); err != nil {
		t.Fatal(err)
	}
	bad := url.Values{"naam": {" "}, "email": {"geen-adres"}, "organisatie": {itoa(schoolR2)}, "rol": {"mentor"}}
	if r := b.post(page, page, bad); r.status != 400 || !strings.Contains(r.body, `aria-describedby="naam-fout"`) || !strings.Contains(r.body, `aria-describedby="organisatie-fout"`) {
		t.Errorf("bad fields: %d", r.status)
	}
	bad = url.Values{"naam": {"X"}, "email": {"geen-adres"}, "organisatie": {itoa(w.school1)}, "rol": {"mentor"}}
	if r := b.post(page, page, bad); r.status != 400 || !strings.Contains(r.body, `aria-describedby="email-fout"`) {
		t.Errorf("bad email: %d", r.status)
	}
	// Without a CSRF token the post is refused and nothing is stored.
	noCSRF := url.Values{"naam": {"Fatima de Vries"}, "email": {"fatima@linde.example"}, "organisatie": {itoa(w.school1)}, "rol": {"mentor"}}
	if r := b.do("POST", page, noCSRF); r.status != 403 {
		t.Errorf("post without csrf: %d", r.status)
	}
	// Other roles: 403, as for the other beheer routes; anonymous: to the login.
	for _, key := range []string{"fg", "zc"} {
		c := w.client()
		c.login(key)
		if r := c.get(page); r.status != 403 {
			t.Errorf("%s reads the form: %d", key, r.status)
		}
		if r := c.post("/start", page, url.Values{"naam": {"X"}, "email": {"x@linde.example"}, "organisatie": {itoa(w.school1)}, "rol": {"mentor"}}); r.status != 403 {
			t.Errorf("%s creates: %d", key, r.status)
		}
	}
	if r := w.client().get(page); r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/inloggen") {
		t.Errorf("anonymous: %d %s", r.status, r.header.Get("Location"))
	}
	if r := b.get("/beheer/accounts"); strings.Contains(r.body, "fatima@") || strings.Contains(r.body, "x@linde.example") {
		t.Fatal("a refused post stored an account")
	}

	// Created: the one-time link is shown once.
	form.Set("rol", "mentor")
	r := b.post(page, page, form)
	token := regexpFind(setupLinkRe, r.body)
	if r.status != 200 || token == "" || !strings.Contains(r.body, "Account aangemaakt voor Fatima de Vries") || !strings.Contains(r.body, w.srv.URL+"/account-instellen/"+token) {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	for _, p := range []string{page, "/beheer/accounts"} {
		if r := b.get(p); strings.Contains(r.body, token) {
			t.Errorf("link shown again on %s", p)
		}
	}
	if r := b.get("/beheer/accounts"); !strings.Contains(r.body, "fatima@linde.example") {
		t.Error("new account not listed")
	}
	// The account has no password yet: signing in is refused like any wrong password.
	if r := w.client().post("/inloggen", "/inloggen", url.Values{"email": {"fatima@linde.example"}, "wachtwoord": {"wat-dan-ook-lang-genoeg"}}); r.status != 401 {
		t.Errorf("login before setup: %d", r.status)
	}

	// The new user opens the link and chooses a password.
	u := w.client()
	link := "/account-instellen/" + token
	sp := u.get(link)
	if sp.status != 200 || !strings.Contains(sp.body, `value="fatima@linde.example"`) || sp.header.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("setup page: %d", sp.status)
	}
	csrf := csrfOf(t, sp.body)
	const pw = "lange zin om te onthouden"
	for _, c := range []struct {
		form   url.Values
		status int
		field  string
	}{
		{url.Values{"csrf": {csrf}, "wachtwoord": {"kort"}, "wachtwoord-herhalen": {"kort"}}, 400, "wachtwoord"},
		{url.Values{"csrf": {csrf}, "wachtwoord": {pw}, "wachtwoord-herhalen": {pw + "x"}}, 400, "wachtwoord-herhalen"},
		{url.Values{"csrf": {csrf}, "wachtwoord": {strings.Repeat("é", 600)}, "wachtwoord-herhalen": {strings.Repeat("é", 600)}}, 400, "wachtwoord"},
		{url.Values{"wachtwoord": {pw}, "wachtwoord-herhalen": {pw}}, 403, ""}, // no CSRF token
		{url.Values{"csrf": {csrf}, "wachtwoord": {pw}, "wachtwoord-herhalen": {pw}}, 200, ""},
		{url.Values{"csrf": {csrf}, "wachtwoord": {"nog een ander wachtwoord"}, "wachtwoord-herhalen": {"nog een ander wachtwoord"}}, 404, ""}, // once
	} {
		r := u.do("POST", link, c.form)
		if r.status != c.status || (c.field != "" && !strings.Contains(r.body, `aria-describedby="`+c.field+`-fout"`)) {
			t.Errorf("setup post (%s): %d, want %d at %q", c.form.Get("wachtwoord"), r.status, c.status, c.field)
		}
	}
	if r := u.get(link); r.status != 404 {
		t.Errorf("used link: %d", r.status)
	}
	if r := u.get("/account-instellen/" + strings.Repeat("A", 43)); r.status != 404 {
		t.Errorf("unknown link: %d", r.status)
	}

	// Sign-in with the chosen password leads to TOTP enrolment, then to the start page.
	r = u.post("/inloggen", "/inloggen", url.Values{"email": {"fatima@linde.example"}, "wachtwoord": {"nog een ander wachtwoord"}})
	if r.status != 401 {
		t.Errorf("the second (refused) password works: %d", r.status)
	}
	r = u.post("/inloggen", "/inloggen", url.Values{"email": {"fatima@linde.example"}, "wachtwoord": {pw}})
	if r.status != 303 || r.header.Get("Location") != "/inloggen/mfa/instellen" {
		t.Fatalf("login after setup: %d %s", r.status, r.header.Get("Location"))
	}
	if r := u.get("/start"); r.header.Get("Location") != "/inloggen/mfa/instellen" {
		t.Fatalf("start before enrolment: %d %s", r.status, r.header.Get("Location"))
	}
	enrol := u.get("/inloggen/mfa/instellen")
	secret := strings.ReplaceAll(regexpFind(`<code class="sleutel">([A-Z2-7 ]+)</code>`, enrol.body), " ", "")
	code, _ := auth.TOTPCode(secret, w.clock.Now())
	if r := u.post("/inloggen/mfa/instellen", "/inloggen/mfa/instellen", url.Values{"code": {code}}); r.status != 200 || !strings.Contains(r.body, "Bewaar uw herstelcodes") {
		t.Fatalf("enrol: %d", r.status)
	}
	if r := u.get("/start"); r.status != 200 {
		t.Errorf("start after enrolment: %d", r.status)
	}
	// The mentor reads the pupils of the school (the role the beheerder gave, and nothing more).
	if r := u.get("/beheer/accounts"); r.status != 403 {
		t.Errorf("new mentor on beheer: %d", r.status)
	}
}

func TestSetupLinkExpires(t *testing.T) {
	w := newWorld(t)
	b := w.client()
	b.login("beheerder")
	const page = "/beheer/accounts/nieuw"
	r := b.post(page, page, url.Values{"naam": {"Sem Bakker"}, "email": {"sem@gemeente.example"}, "organisatie": {itoa(w.gem1)}, "rol": {"leerplicht"}})
	token := regexpFind(setupLinkRe, r.body)
	if r.status != 200 || token == "" {
		t.Fatalf("create: %d", r.status)
	}
	link := "/account-instellen/" + token
	u := w.client()
	sp := u.get(link)
	if sp.status != 200 {
		t.Fatalf("fresh link: %d", sp.status)
	}
	csrf := csrfOf(t, sp.body)
	w.clock.Add(72*time.Hour + time.Second)
	if r := u.get(link); r.status != 404 || !strings.Contains(r.body, "Deze link werkt niet") {
		t.Errorf("expired link (get): %d", r.status)
	}
	pw := "lange zin om te onthouden"
	if r := u.do("POST", link, url.Values{"csrf": {csrf}, "wachtwoord": {pw}, "wachtwoord-herhalen": {pw}}); r.status != 404 {
		t.Errorf("expired link (post): %d", r.status)
	}
	if r := w.client().post("/inloggen", "/inloggen", url.Values{"email": {"sem@gemeente.example"}, "wachtwoord": {pw}}); r.status != 401 {
		t.Errorf("login with a password set through an expired link: %d", r.status)
	}
}
