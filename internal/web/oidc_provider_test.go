package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"

	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/web"
)

// A real OpenID provider in process: the example provider of github.com/zitadel/oidc (a
// certified OpenID Connect library). With the authorization code flow it puts no e-mail in the
// ID token: the e-mail and email_verified come from its UserInfo endpoint only.

// idpUsers is the provider's user store; users can be changed between logins.
type idpUsers struct {
	mu    sync.Mutex
	users map[string]*storage.User
}

func (u *idpUsers) GetUserByID(id string) *storage.User {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.users[id]
}

func (u *idpUsers) GetUserByUsername(name string) *storage.User {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, x := range u.users {
		if x.Username == name {
			return x
		}
	}
	return nil
}

func (u *idpUsers) ExampleClientID() string { return "service" }

func (u *idpUsers) set(id, email string, verified bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.users[id] = &storage.User{ID: id, Username: id, Password: "geheim-" + id, FirstName: "Gebruiker", LastName: id, Email: email, EmailVerified: verified, PreferredLanguage: language.Dutch}
}

// startIdP starts the example provider with one web client (id, secret, Grondslag's callback
// path) and returns its users and its issuer URL.
func startIdP(t *testing.T, w *world, clientID, secret, callback string) (*idpUsers, string) {
	t.Helper()
	users := &idpUsers{users: map[string]*storage.User{}}
	srv := httptest.NewUnstartedServer(nil)
	issuer := "http://" + srv.Listener.Addr().String()
	clients := map[string]*storage.Client{clientID: storage.WebClient(clientID, secret, w.srv.URL+callback)}
	srv.Config.Handler = exampleop.SetupServer(issuer, storage.NewStorageWithClients(users, clients), nil, false, op.WithAllowInsecure())
	srv.Start()
	t.Cleanup(srv.Close)
	return users, issuer
}

// zitadelIdP starts the provider for w's school 1 and configures it as the school's login.
func zitadelIdP(t *testing.T, w *world) *idpUsers {
	t.Helper()
	users, issuer := startIdP(t, w, "grondslag", "client-geheim", "/inloggen/oidc-terug")
	cfg := auth.OIDCConfig{RegionID: w.r1, OrgID: w.school1, Issuer: issuer, ClientID: "grondslag"}
	if err := w.db.SetOIDC(t.Context(), cfg, web.SealOIDCSecret(w.sealer, w.r1, w.school1, "client-geheim")); err != nil {
		t.Fatal(err)
	}
	return users
}

// zitadelLogin walks the browser through Grondslag's login link, the provider's login page (user
// id and password) and back, and returns Grondslag's answer to the callback.
func zitadelLogin(t *testing.T, w *world, c *client, user string) resp {
	t.Helper()
	page := c.get("/inloggen")
	link := regexpFind(`href="(/inloggen/oidc/[^"]+)"`, page.body)
	r := c.get(strings.ReplaceAll(link, "&amp;", "&"))
	return idpLogin(t, w, c, r, user, "/inloggen/oidc-terug")
}

// TestOIDCWithARealProvider: the e-mail comes from UserInfo; email_verified false (or missing)
// is refused; after the first login confirmed with the second factor the account is bound to
// issuer + subject, so a changed e-mail at the provider still finds it, and another subject with
// the account's e-mail is refused.
func TestOIDCWithARealProvider(t *testing.T) {
	w := newWorld(t)
	users := zitadelIdP(t, w)
	zc := w.users["zc"]
	users.set("anna", zc.email, true)

	c := w.client()
	r := zitadelLogin(t, w, c, "anna")
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/inloggen/mfa" {
		t.Fatalf("login with the e-mail from UserInfo: %d %s %s", r.status, r.header.Get("Location"), r.body)
	}
	w.clock.Add(31 * time.Second)
	code, _ := auth.TOTPCode(zc.secret, w.clock.Now())
	if r := c.post("/inloggen/mfa", "/inloggen/mfa", url.Values{"code": {code}}); r.header.Get("Location") != "/start" {
		t.Fatalf("second factor: %d", r.status)
	}
	if r := c.get("/start"); r.status != 200 || !strings.Contains(r.body, "Gebruiker zc") {
		t.Fatalf("signed in: %d", r.status)
	}

	// email_verified false: refused.
	users.set("bert", w.users["mentor"].email, false)
	if r := zitadelLogin(t, w, w.client(), "bert"); r.status != http.StatusUnauthorized {
		t.Errorf("email_verified false: %d %s", r.status, r.header.Get("Location"))
	}

	// Bound: anna's address changes at the provider to the mentor's; she is still the zc.
	users.set("anna", w.users["mentor"].email, true)
	c2 := w.client()
	if r := zitadelLogin(t, w, c2, "anna"); r.status != http.StatusSeeOther {
		t.Fatalf("bound login: %d %s", r.status, r.body)
	}
	w.clock.Add(31 * time.Second)
	code, _ = auth.TOTPCode(zc.secret, w.clock.Now())
	if r := c2.post("/inloggen/mfa", "/inloggen/mfa", url.Values{"code": {code}}); r.header.Get("Location") != "/start" {
		t.Errorf("bound account's second factor (the zc's TOTP): %d %s", r.status, r.header.Get("Location"))
	}
	// Another subject at the provider with the zc's address: the account is bound to anna.
	users.set("carla", zc.email, true)
	if r := zitadelLogin(t, w, w.client(), "carla"); r.status != http.StatusUnauthorized {
		t.Errorf("other subject with a bound account's e-mail: %d %s", r.status, r.header.Get("Location"))
	}
}

// idpLogin follows Grondslag's redirect r to the provider, signs in there as user (user id and
// password) and follows the provider back to Grondslag's callback path; it returns Grondslag's
// answer to the callback.
func idpLogin(t *testing.T, w *world, c *client, r resp, user, callback string) resp {
	t.Helper()
	if r.status != http.StatusFound {
		t.Fatalf("start: %d %s", r.status, r.body)
	}
	follow := func(u string) *http.Response {
		res, err := c.hc.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	res := follow(r.header.Get("Location")) // the provider's authorize endpoint → its login page
	login, _ := url.Parse(r.header.Get("Location"))
	loginURL, err := login.Parse(res.Header.Get("Location"))
	if err != nil || res.StatusCode != http.StatusFound {
		t.Fatalf("authorize: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	authReq := loginURL.Query().Get("authRequestID")
	res, err = c.hc.PostForm(loginURL.Scheme+"://"+loginURL.Host+"/login/username", url.Values{"username": {user}, "password": {"geheim-" + user}, "id": {authReq}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	next, _ := loginURL.Parse(res.Header.Get("Location"))
	for i := 0; i < 5 && !strings.HasPrefix(next.String(), w.srv.URL); i++ {
		res = follow(next.String())
		next, _ = next.Parse(res.Header.Get("Location"))
	}
	if !strings.HasPrefix(next.String(), w.srv.URL+""+callback) {
		t.Fatalf("the provider did not send the browser back to %s: %s", callback, next)
	}
	return c.get(strings.TrimPrefix(next.String(), w.srv.URL))
}
