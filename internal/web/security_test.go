package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/web"
)

// The security suite: every route tried by every role and by an anonymous client; IDOR across
// schools and regions; CSRF; session fixation; expiry; brute force; skipping MFA. None may pass.

type probe struct {
	method, path string
	// allowed lists the roles (fixture keys) that may get a 2xx; everybody else must not.
	allowed []string
}

func TestEveryRouteEveryRole(t *testing.T) {
	w := newWorld(t)
	p1, p2, pR2 := w.pid("leerling", w.pupil1), w.pid("leerling", w.pupil2), w.pid("leerling", w.pupilR2)
	readers := []string{"zc", "mentor"} // the roles the model convenant lets read pupil1 for signalering
	all := []string{"zc", "mentor", "directeur", "zc2", "lpa", "swv", "oco", "jeugdarts", "jhv", "fg", "beheerder", "zcR2", "ouder"}
	prof := []string{"zc", "mentor", "directeur", "zc2", "lpa", "swv", "oco", "jeugdarts", "jhv", "fg", "zcR2"}
	probes := []probe{
		{"GET", "/start", all},
		{"GET", "/leerlingen", []string{"zc", "mentor", "directeur", "zc2", "lpa", "swv", "oco", "jeugdarts", "jhv", "zcR2"}},
		// The directeur has a relation (same school) but no purpose that shows anything: the page
		// works, says so, and shows no name (issue 15).
		{"GET", "/leerlingen/" + p1, append([]string{"ouder", "directeur"}, readers...)},
		{"GET", "/leerlingen/" + p2, []string{"zc2"}},
		{"GET", "/leerlingen/" + pR2, []string{"zcR2"}},
		{"GET", "/leerlingen/999999", nil},
		{"GET", "/leerlingen/" + itoa(w.pupil1), nil}, // a row number is no id
		{"GET", "/mag-ik-dit-delen", prof},
		{"GET", "/beheer/accounts", []string{"beheerder"}},
		{"GET", "/beheer/api-clients", []string{"beheerder"}},
		{"GET", "/beheer/accounts/nieuw", []string{"beheerder"}},
		{"POST", "/beheer/accounts/nieuw", nil},           // no CSRF token in these probes
		{"GET", "/account-instellen/onbekende-code", nil}, // a link that does not exist: 404 for all
		{"POST", "/account-instellen/onbekende-code", nil},
		{"POST", "/beheer/api-clients", nil},
		{"POST", "/beheer/accounts/" + w.pid("gebruiker", w.users["zc"].id) + "/actief", nil},
		{"POST", "/beheer/accounts/" + w.pid("gebruiker", w.users["zc"].id) + "/mfa-opnieuw", nil},
		{"POST", "/beheer/accounts/" + w.pid("gebruiker", w.users["zc"].id) + "/instellink", nil}, // no CSRF token
		{"GET", "/audit", []string{"fg"}},
		{"GET", "/inloggen/mfa", nil}, // only half-way through sign-in
		{"GET", "/inloggen/mfa/instellen", nil},
		{"GET", "/inloggen/mfa/qr.png", nil},
		{"GET", "/api/v1/leerlingen?doel=signalering", []string{"zc", "mentor", "zc2", "zcR2"}},
		{"GET", "/api/v1/leerlingen/" + w.pid("leerling", w.pupil1) + "?doel=signalering", readers},
		{"GET", "/api/v1/leerlingen/" + w.pid("leerling", w.pupil2) + "?doel=signalering", []string{"zc2"}},
		{"GET", "/api/v1/leerlingen/" + w.pid("leerling", w.pupilR2) + "?doel=signalering", []string{"zcR2"}},
		{"POST", "/api/v1/mag-ik-dit-delen", nil}, // bearer only
		{"POST", "/doel", nil},                    // no CSRF token in these probes
		{"POST", "/mag-ik-dit-delen", nil},
		{"POST", "/uitloggen", nil},
	}
	secret := map[string][]string{ // names that must never show for a role
		"zc": {"Bart", "Cem"}, "mentor": {"Bart", "Cem"}, "directeur": {"Bart", "Cem"}, "zc2": {"Anouk", "Cem"}, "lpa": {"Anouk", "Bart", "Cem"},
		"swv": {"Anouk", "Bart", "Cem"}, "oco": {"Anouk", "Bart", "Cem"}, "jeugdarts": {"Anouk", "Bart", "Cem"}, "jhv": {"Anouk", "Bart", "Cem"},
		"fg": {"Anouk", "Bart", "Cem"}, "beheerder": {"Anouk", "Bart", "Cem"}, "zcR2": {"Anouk", "Bart"}, "ouder": {"Bart", "Cem"}, "": {"Anouk", "Bart", "Cem"},
	}
	for _, who := range append([]string{""}, all...) {
		c := w.client()
		switch who {
		case "":
		case "ouder":
			c.loginParent()
		default:
			c.login(who)
			if contains(prof, who) && who != "fg" {
				c.setOfferedPurpose()
			}
		}
		for _, pr := range probes {
			r := c.do(pr.method, pr.path, url.Values{})
			ok := r.status >= 200 && r.status < 300
			if ok != contains(pr.allowed, who) {
				t.Errorf("%q %s %s: status %d; allowed roles %v", who, pr.method, pr.path, r.status, pr.allowed)
			}
			for _, name := range secret[who] {
				if strings.Contains(r.body, name) {
					t.Errorf("%q %s %s shows %s", who, pr.method, pr.path, name)
				}
			}
		}
	}
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func TestIDORAnswersAreIndistinguishable(t *testing.T) {
	w := newWorld(t)
	c := w.client()
	c.login("zc")
	c.setPurpose("signalering")
	other := c.get("/leerlingen/" + w.pid("leerling", w.pupil2))
	region := c.get("/leerlingen/" + w.pid("leerling", w.pupilR2))
	none := c.get("/leerlingen/" + w.pid("leerling", 999999))
	row := c.get("/leerlingen/" + itoa(w.pupil2)) // a row number is no id in the web either
	if other.status != 404 || region.status != 404 || none.status != 404 || row.status != 404 {
		t.Fatalf("statuses %d %d %d %d", other.status, region.status, none.status, row.status)
	}
	strip := func(s string) string { return csrfRe.ReplaceAllString(s, "") }
	if strip(other.body) != strip(none.body) || strip(region.body) != strip(none.body) || strip(row.body) != strip(none.body) {
		t.Error("a pupil elsewhere is distinguishable from a pupil that does not exist")
	}
	// Also before a purpose is chosen (the purpose form must not reveal existence).
	c2 := w.client()
	c2.login("zc2")
	if r := c2.get("/leerlingen/" + w.pid("leerling", w.pupil1)); r.status != 404 || strings.Contains(r.body, "Kies eerst uw doel") {
		t.Errorf("purpose form for an unrelated pupil: %d", r.status)
	}
	// Cross-region by a user of region 2.
	c3 := w.client()
	c3.login("zcR2")
	c3.setPurpose("signalering")
	if r := c3.get("/api/v1/leerlingen/" + w.pid("leerling", w.pupil1) + "?doel=signalering"); r.status != 404 {
		t.Errorf("cross-region API: %d", r.status)
	}
}

func TestCSRF(t *testing.T) {
	w := newWorld(t)
	c := w.client()
	c.login("zc")
	// No token.
	if r := c.do("POST", "/doel", url.Values{"doel": {"signalering"}}); r.status != 403 {
		t.Errorf("POST /doel without token: %d", r.status)
	}
	// Another session's token.
	other := w.client()
	other.login("mentor")
	tok := csrfOf(t, other.get("/start").body)
	if r := c.do("POST", "/doel", url.Values{"doel": {"signalering"}, "csrf": {tok}}); r.status != 403 {
		t.Errorf("POST /doel with another session's token: %d", r.status)
	}
	// Right token, foreign origin.
	mine := csrfOf(t, c.get("/start").body)
	if r := c.do("POST", "/doel", url.Values{"doel": {"signalering"}, "csrf": {mine}}, "Origin", "https://aanvaller.example"); r.status != 403 {
		t.Errorf("cross-origin POST: %d", r.status)
	}
	if r := c.do("POST", "/doel", url.Values{"doel": {"signalering"}, "csrf": {mine}}); r.status != 303 {
		t.Errorf("POST with own token: %d", r.status)
	}
	// Logout needs the token too (no forced logout by another site).
	if r := c.do("POST", "/uitloggen", url.Values{}); r.status != 403 {
		t.Errorf("logout without token: %d", r.status)
	}
	// The login form: without the pre-session token, and with a token for another browser.
	anon := w.client()
	u := w.users["zc"]
	if r := anon.do("POST", "/inloggen", url.Values{"email": {u.email}, "wachtwoord": {u.password}}); r.status != 403 {
		t.Errorf("login without token: %d", r.status)
	}
	stranger := w.client()
	tok = csrfOf(t, stranger.get("/inloggen").body)
	anon.get("/inloggen")
	if r := anon.do("POST", "/inloggen", url.Values{"email": {u.email}, "wachtwoord": {u.password}, "csrf": {tok}}); r.status != 403 {
		t.Errorf("login with another browser's token: %d", r.status)
	}
	if r := anon.do("POST", "/inloggen/ouder", url.Values{"email": {w.parentEm}}); r.status != 403 {
		t.Errorf("parent code request without token: %d", r.status)
	}
}

func TestSessionFixation(t *testing.T) {
	w := newWorld(t)
	c := w.client()
	// The attacker plants a session id in the victim's browser.
	u, _ := url.Parse(w.srv.URL)
	planted := "geplant-sessie-id-van-de-aanvaller-000000000"
	c.jar.SetCookies(u, []*http.Cookie{{Name: "gs_sessie", Value: planted, Path: "/"}})
	usr := w.users["zc"]
	r := c.post("/inloggen", "/inloggen", url.Values{"email": {usr.email}, "wachtwoord": {usr.password}})
	if r.status != 303 {
		t.Fatal(r.status)
	}
	preMFA := c.cookie("gs_sessie")
	if preMFA == planted || preMFA == "" {
		t.Fatal("planted session id kept after password")
	}
	w.clock.Add(31 * time.Second)
	code, _ := auth.TOTPCode(usr.secret, w.clock.Now())
	c.post("/inloggen/mfa", "/inloggen/mfa", url.Values{"code": {code}})
	final := c.cookie("gs_sessie")
	if final == preMFA || final == planted {
		t.Fatal("session id not rotated after MFA")
	}
	// Neither the planted nor the pre-MFA id opens anything.
	for _, id := range []string{planted, preMFA} {
		a := w.client()
		a.jar.SetCookies(u, []*http.Cookie{{Name: "gs_sessie", Value: id, Path: "/"}})
		if r := a.get("/start"); r.status != 303 || r.header.Get("Location") == "/start" {
			t.Errorf("old id %q: %d %s", id[:8], r.status, r.header.Get("Location"))
		}
		if r := a.get("/api/v1/leerlingen?doel=signalering"); r.status != 401 {
			t.Errorf("old id on API: %d", r.status)
		}
	}
	if r := c.get("/start"); r.status != 200 {
		t.Errorf("real session: %d", r.status)
	}
}

func TestSessionExpiry(t *testing.T) {
	w := newWorld(t)
	c := w.client()
	c.login("zc")
	w.clock.Add(29 * time.Minute)
	if r := c.get("/start"); r.status != 200 {
		t.Fatalf("within idle time: %d", r.status)
	}
	w.clock.Add(31 * time.Minute)
	if r := c.get("/start"); r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/inloggen") {
		t.Fatalf("after idle time: %d %s", r.status, r.header.Get("Location"))
	}
	if r := c.get("/api/v1/leerlingen?doel=signalering"); r.status != 401 {
		t.Errorf("expired session on API: %d", r.status)
	}
	// Absolute limit: active every 20 minutes, still out after the absolute limit (12 h default).
	c2 := w.client()
	c2.login("mentor")
	for i := 1; i <= 12*3+1; i++ {
		w.clock.Add(20 * time.Minute)
		r := c2.get("/start")
		if i <= 12*3 && r.status != 200 {
			t.Fatalf("active session expired early at step %d", i)
		}
		if i == 12*3+1 && r.status == 200 {
			t.Fatal("session outlived the absolute limit")
		}
	}
	// A half-finished sign-in (password, no MFA) lapses after 10 minutes.
	c3 := w.client()
	usr := w.users["zc2"]
	c3.post("/inloggen", "/inloggen", url.Values{"email": {usr.email}, "wachtwoord": {usr.password}})
	w.clock.Add(11 * time.Minute)
	if r := c3.get("/inloggen/mfa"); r.status == 200 {
		t.Error("MFA page after the pre-auth limit")
	}
}

func TestBruteForceLockout(t *testing.T) {
	w := newWorld(t)
	usr := w.users["zc"]
	c := w.client()
	for i := 0; i < 5; i++ {
		r := c.post("/inloggen", "/inloggen", url.Values{"email": {usr.email}, "wachtwoord": {"fout-wachtwoord"}})
		if r.status != 401 || !strings.Contains(r.body, "Deze combinatie van e-mailadres en wachtwoord klopt niet") {
			t.Fatalf("try %d: %d", i, r.status)
		}
	}
	// Locked: the right password fails with the same message, also from another address.
	wrong := c.post("/inloggen", "/inloggen", url.Values{"email": {usr.email}, "wachtwoord": {"nog-een-fout"}})
	right := c.post("/inloggen", "/inloggen", url.Values{"email": {usr.email}, "wachtwoord": {usr.password}})
	if right.status != 401 || csrfRe.ReplaceAllString(right.body, "") != csrfRe.ReplaceAllString(wrong.body, "") {
		t.Fatalf("locked account: %d", right.status)
	}
	// An unknown address gets the same answer.
	unknown := c.post("/inloggen", "/inloggen", url.Values{"email": {"niemand@nergens.example"}, "wachtwoord": {"x"}})
	if unknown.status != 401 || !strings.Contains(unknown.body, "klopt niet") {
		t.Error("unknown address answered differently")
	}
	w.clock.Add(16 * time.Minute)
	if r := c.post("/inloggen", "/inloggen", url.Values{"email": {usr.email}, "wachtwoord": {usr.password}}); r.status != 303 {
		t.Fatalf("after the lock: %d", r.status)
	}
	// Per address: 20 failures over many accounts lock the address for everyone.
	w.clock.Add(16 * time.Minute)
	c2 := w.client()
	for i := 0; i < 20; i++ {
		c2.post("/inloggen", "/inloggen", url.Values{"email": {"poging" + itoa(int64(i)) + "@x.example"}, "wachtwoord": {"x"}})
	}
	m := w.users["mentor"]
	if r := c2.post("/inloggen", "/inloggen", url.Values{"email": {m.email}, "wachtwoord": {m.password}}); r.status != 401 {
		t.Errorf("address not locked after 20 failures: %d", r.status)
	}
	// Wrong TOTP codes are throttled as well.
	w.clock.Add(16 * time.Minute)
	c3 := w.client()
	u3 := w.users["zc2"]
	c3.post("/inloggen", "/inloggen", url.Values{"email": {u3.email}, "wachtwoord": {u3.password}})
	for i := 0; i < 5; i++ {
		c3.post("/inloggen/mfa", "/inloggen/mfa", url.Values{"code": {"000000"}})
	}
	code, _ := auth.TOTPCode(u3.secret, w.clock.Now())
	r := c3.get("/inloggen/mfa")
	if r.status == 200 {
		if r := c3.do("POST", "/inloggen/mfa", url.Values{"code": {code}, "csrf": {csrfOf(t, r.body)}}); r.status == 303 {
			t.Error("right TOTP accepted after 5 wrong ones")
		}
	}
}

func TestMFACannotBeSkipped(t *testing.T) {
	w := newWorld(t)
	c := w.client()
	usr := w.users["zc"]
	c.post("/inloggen", "/inloggen", url.Values{"email": {usr.email}, "wachtwoord": {usr.password}})
	for _, path := range []string{"/start", "/leerlingen", "/leerlingen/" + w.pid("leerling", w.pupil1), "/mag-ik-dit-delen"} {
		if r := c.get(path); r.status != 303 || r.header.Get("Location") != "/inloggen/mfa" {
			t.Errorf("%s before MFA: %d %s", path, r.status, r.header.Get("Location"))
		}
	}
	if r := c.get("/api/v1/leerlingen?doel=signalering"); r.status != 401 {
		t.Errorf("API before MFA: %d", r.status)
	}
	// The enrolment page is not reachable for an enrolled account (no re-enrolment without MFA).
	if r := c.get("/inloggen/mfa/instellen"); r.status == 200 {
		t.Error("enrolment page open to an enrolled account before MFA")
	}
	// A replayed code does not work a second time.
	w.clock.Add(31 * time.Second)
	code, _ := auth.TOTPCode(usr.secret, w.clock.Now())
	if r := c.post("/inloggen/mfa", "/inloggen/mfa", url.Values{"code": {code}}); r.status != 303 {
		t.Fatalf("first use: %d", r.status)
	}
	c2 := w.client()
	c2.post("/inloggen", "/inloggen", url.Values{"email": {usr.email}, "wachtwoord": {usr.password}})
	if r := c2.post("/inloggen/mfa", "/inloggen/mfa", url.Values{"code": {code}}); r.status == 303 {
		t.Error("replayed TOTP code accepted")
	}
}

func TestEnrolmentAndRecoveryCodes(t *testing.T) {
	w := newWorld(t)
	c := w.client()
	usr := w.users["new"]
	r := c.post("/inloggen", "/inloggen", url.Values{"email": {usr.email}, "wachtwoord": {usr.password}})
	if r.header.Get("Location") != "/inloggen/mfa/instellen" {
		t.Fatalf("new account: %s", r.header.Get("Location"))
	}
	if r := c.get("/start"); r.header.Get("Location") != "/inloggen/mfa/instellen" {
		t.Fatalf("start before enrolment: %d %s", r.status, r.header.Get("Location"))
	}
	page := c.get("/inloggen/mfa/instellen")
	if page.status != 200 || !strings.Contains(page.body, `src="/inloggen/mfa/qr.png"`) {
		t.Fatalf("enrol page %d", page.status)
	}
	png := c.get("/inloggen/mfa/qr.png")
	if png.status != 200 || png.header.Get("Content-Type") != "image/png" || !strings.HasPrefix(png.body, "\x89PNG") {
		t.Fatalf("qr: %d %s", png.status, png.header.Get("Content-Type"))
	}
	secret := strings.ReplaceAll(regexpFind(`<code class="sleutel">([A-Z2-7 ]+)</code>`, page.body), " ", "")
	if r := c.post("/inloggen/mfa/instellen", "/inloggen/mfa/instellen", url.Values{"code": {"123456"}}); r.status != 422 {
		t.Errorf("wrong enrolment code: %d", r.status)
	}
	code, _ := auth.TOTPCode(secret, w.clock.Now())
	r = c.post("/inloggen/mfa/instellen", "/inloggen/mfa/instellen", url.Values{"code": {code}})
	if r.status != 200 || !strings.Contains(r.body, "Bewaar uw herstelcodes") {
		t.Fatalf("enrol: %d %s", r.status, r.body)
	}
	codes := regexpAll(`<li><code>([a-z2-7]{5}-[a-z2-7]{5})</code></li>`, r.body)
	if len(codes) != 10 {
		t.Fatalf("%d recovery codes", len(codes))
	}
	if r := c.get("/start"); r.status != 200 {
		t.Fatalf("after enrolment: %d", r.status)
	}
	// Sign in again with a recovery code; it works once.
	for i, want := range []int{303, 401} {
		c2 := w.client()
		c2.post("/inloggen", "/inloggen", url.Values{"email": {usr.email}, "wachtwoord": {usr.password}})
		if r := c2.post("/inloggen/mfa", "/inloggen/mfa", url.Values{"herstelcode": {strings.ToUpper(codes[0])}}); r.status != want {
			t.Errorf("recovery code use %d: %d", i+1, r.status)
		}
	}
}

func TestParentLogin(t *testing.T) {
	w := newWorld(t)
	c := w.client()
	// An unknown address gets the same answer and no message is sent.
	r := c.post("/inloggen/ouder", "/inloggen/ouder", url.Values{"email": {"onbekend@thuis.example"}})
	if r.status != 303 || r.header.Get("Location") != "/inloggen/ouder/code" || len(w.mailbox.Messages()) != 0 {
		t.Fatalf("unknown parent: %d, %d messages", r.status, len(w.mailbox.Messages()))
	}
	if r := c.post("/inloggen/ouder/code", "/inloggen/ouder/code", url.Values{"code": {"12345678"}}); r.status != 401 {
		t.Errorf("code for unknown address: %d", r.status)
	}
	c.loginParent()
	if r := c.get("/start"); !strings.Contains(r.body, "Anouk") {
		t.Error("parent portal")
	}
	// A used code cannot be used again.
	code := regexpFind(`(\d{8})`, w.mailbox.Messages()[0].Body)
	c2 := w.client()
	c2.post("/inloggen/ouder", "/inloggen/ouder", url.Values{"email": {w.parentEm}})
	if r := c2.post("/inloggen/ouder/code", "/inloggen/ouder/code", url.Values{"code": {code}}); r.status != 401 {
		t.Errorf("old code accepted: %d", r.status)
	}
}

// TestSessionExpiryPerRegion: with TimeoutsOf (cmd/grondslag passes the tenant registry's), a
// session ends by its own region's convenant: region r2 states 10 idle minutes, r1 the default.
func TestSessionExpiryPerRegion(t *testing.T) {
	var w *world
	w = newWorld(t, func(c *web.Config) {
		c.TimeoutsOf = func(_ context.Context, regionID int64) (auth.Timeouts, error) {
			t := auth.DefaultTimeouts
			if regionID == w.r2 {
				t.Idle = 10 * time.Minute
			}
			return t, nil
		}
	})
	c1, c2 := w.client(), w.client()
	c1.login("zc")
	c2.login("zcR2")
	w.clock.Add(12 * time.Minute)
	if r := c1.get("/start"); r.status != 200 {
		t.Errorf("region r1 (30 idle minutes) after 12: %d", r.status)
	}
	if r := c2.get("/start"); r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/inloggen") {
		t.Errorf("region r2 (10 idle minutes) after 12: %d %s", r.status, r.header.Get("Location"))
	}
}
