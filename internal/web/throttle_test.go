package web_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/web"
)

// postFrom is post with a client address (X-Forwarded-For, trusted in this world).
func (c *client) postFrom(addr, page, action string, form url.Values) resp {
	c.w.t.Helper()
	r := c.get(page, "X-Forwarded-For", addr)
	form.Set("csrf", csrfOf(c.w.t, r.body))
	return c.do("POST", action, form, "X-Forwarded-For", addr)
}

// An attacker guessing at a colleague's e-mail address from many addresses slows down unknown
// browsers for that account, but cannot lock the colleague out of the browser they signed in with
// before (device cookie), and is stopped per address and per (account, address) pair.
func TestThrottleSlowsAttackerWithoutLockingColleagueOut(t *testing.T) {
	w := newWorld(t, func(c *web.Config) { c.TrustProxy = true })
	usr := w.users["zc"]

	// The colleague signed in before from their own browser: it holds the device cookie.
	colleague := w.client()
	colleague.login("zc")
	if colleague.cookie("gs_apparaat") == "" {
		// the cookie's path is /inloggen; look it up there
		u, _ := url.Parse(w.srv.URL + "/inloggen")
		found := false
		for _, k := range colleague.jar.Cookies(u) {
			found = found || k.Name == "gs_apparaat"
		}
		if !found {
			t.Fatal("no device cookie after a complete sign-in")
		}
	}
	colleague.post("/start", "/uitloggen", url.Values{})

	// The attacker: 40 wrong passwords from 8 addresses (5 each: every pair gets locked).
	attacker := w.client()
	for i := 0; i < 40; i++ {
		addr := "203.0.113." + itoa(int64(1+i/5))
		attacker.postFrom(addr, "/inloggen", "/inloggen", url.Values{"email": {usr.email}, "wachtwoord": {"gok-" + itoa(int64(i))}})
	}
	// The attacker's pair is locked: even the right password fails from that address.
	if r := attacker.postFrom("203.0.113.1", "/inloggen", "/inloggen", url.Values{"email": {usr.email}, "wachtwoord": {usr.password}}); r.status != 401 {
		t.Errorf("attacker's locked pair accepted the right password: %d", r.status)
	}
	// An unknown browser from a fresh address is slowed down (account-wide counter)...
	stranger := w.client()
	if r := stranger.postFrom("198.51.100.7", "/inloggen", "/inloggen", url.Values{"email": {usr.email}, "wachtwoord": {usr.password}}); r.status != 401 {
		t.Errorf("unknown browser not slowed during the attack: %d", r.status)
	}
	// ...but the colleague's own browser signs in at once, even from an address the attacker used.
	if r := colleague.postFrom("203.0.113.1", "/inloggen", "/inloggen", url.Values{"email": {usr.email}, "wachtwoord": {usr.password}}); r.status != 303 {
		t.Fatalf("colleague locked out of their own browser: %d", r.status)
	}
	// The account-wide slowdown is short: five minutes later an unknown browser gets in.
	w.clock.Add(6 * time.Minute)
	if r := stranger.postFrom("198.51.100.7", "/inloggen", "/inloggen", url.Values{"email": {usr.email}, "wachtwoord": {usr.password}}); r.status != 303 {
		t.Errorf("unknown browser still held after the short account-wide lock: %d", r.status)
	}
	// A stolen-looking device cookie of another account does not help: it is bound to its account.
	other := w.users["mentor"]
	for i := 0; i < 5; i++ {
		colleague.postFrom("192.0.2.9", "/inloggen", "/inloggen", url.Values{"email": {other.email}, "wachtwoord": {"fout"}})
	}
	if r := colleague.postFrom("192.0.2.9", "/inloggen", "/inloggen", url.Values{"email": {other.email}, "wachtwoord": {other.password}}); r.status != 401 {
		t.Errorf("zc's device cookie shielded the mentor's account: %d", r.status)
	}
}
