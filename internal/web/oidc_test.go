package web_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/web"
)

// testIdP is a small OpenID Connect provider for the tests: discovery, authorization (it signs
// in whoever the test says), token endpoint with PKCE check, and JWKS. ID tokens are RS256.
type testIdP struct {
	srv      *httptest.Server
	key      *rsa.PrivateKey
	mu       sync.Mutex
	email    string   // who "logs in" at the provider
	amr      []string // authentication methods asserted
	badNonce bool
	// noVerified leaves email_verified out of the ID token (this provider has no UserInfo).
	noVerified bool
	codes      map[string]idpCode
	clientID   string
	secret     string
	now        func() time.Time
}

type idpCode struct{ nonce, challenge, redirect string }

func newTestIdP(t *testing.T, now func() time.Time) *testIdP {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &testIdP{key: key, codes: map[string]idpCode{}, clientID: "grondslag", secret: "geheim-van-de-client", now: now}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"issuer": p.srv.URL, "authorization_endpoint": p.srv.URL + "/authorize", "token_endpoint": p.srv.URL + "/token",
			"jwks_uri": p.srv.URL + "/jwks", "response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"}, "code_challenge_methods_supported": []string{"S256"}})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		b64 := base64.RawURLEncoding.EncodeToString
		json.NewEncoder(w).Encode(map[string]any{"keys": []any{map[string]any{"kty": "RSA", "kid": "k1", "use": "sig", "alg": "RS256",
			"n": b64(key.N.Bytes()), "e": b64(big.NewInt(int64(key.E)).Bytes())}}})
	})
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("client_id") != p.clientID || q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" || q.Get("nonce") == "" {
			http.Error(w, "bad request", 400)
			return
		}
		code := base64.RawURLEncoding.EncodeToString(key.N.Bytes()[:12]) + q.Get("state")[:6]
		p.mu.Lock()
		p.codes[code] = idpCode{nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri")}
		p.mu.Unlock()
		http.Redirect(w, r, q.Get("redirect_uri")+"?code="+url.QueryEscape(code)+"&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		id, sec, ok := r.BasicAuth()
		if !ok {
			id, sec = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
		}
		p.mu.Lock()
		c, found := p.codes[r.PostForm.Get("code")]
		delete(p.codes, r.PostForm.Get("code"))
		p.mu.Unlock()
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		if id != p.clientID || sec != p.secret || !found || base64.RawURLEncoding.EncodeToString(sum[:]) != c.challenge || r.PostForm.Get("redirect_uri") != c.redirect {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			w.Write([]byte(`{"error":"invalid_grant"}`))
			return
		}
		nonce := c.nonce
		if p.badNonce {
			nonce = "andere-nonce"
		}
		claims := map[string]any{"iss": p.srv.URL, "sub": "u-" + p.email, "aud": p.clientID, "exp": p.now().Add(5 * time.Minute).Unix(), "iat": p.now().Unix(),
			"nonce": nonce, "email": p.email, "email_verified": true}
		if p.amr != nil {
			claims["amr"] = p.amr
		}
		if p.noVerified {
			delete(claims, "email_verified")
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": p.sign(claims)})
	})
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *testIdP) sign(claims map[string]any) string {
	enc := func(v any) string { b, _ := json.Marshal(v); return base64.RawURLEncoding.EncodeToString(b) }
	in := enc(map[string]string{"alg": "RS256", "kid": "k1", "typ": "JWT"}) + "." + enc(claims)
	h := sha256.Sum256([]byte(in))
	sig, _ := rsa.SignPKCS1v15(rand.Reader, p.key, crypto.SHA256, h[:])
	return in + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// oidcLogin walks the browser through the provider and returns the final answer of Grondslag.
func oidcLogin(t *testing.T, w *world, c *client, idp *testIdP) resp {
	t.Helper()
	page := c.get("/inloggen")
	link := regexpFind(`href="(/inloggen/oidc/[^"]+)"`, page.body)
	if link == "" {
		t.Fatalf("no OIDC link on the login page")
	}
	r := c.get(strings.ReplaceAll(link, "&amp;", "&"))
	if r.status != http.StatusFound || !strings.HasPrefix(r.header.Get("Location"), idp.srv.URL+"/authorize") {
		t.Fatalf("start: %d %s", r.status, r.header.Get("Location"))
	}
	ar, err := c.hc.Get(r.header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	ar.Body.Close()
	cb := ar.Header.Get("Location")
	if !strings.HasPrefix(cb, w.srv.URL+"/inloggen/oidc-terug") {
		t.Fatalf("provider redirect: %d %s", ar.StatusCode, cb)
	}
	return c.get(strings.TrimPrefix(cb, w.srv.URL))
}

func TestOIDCLogin(t *testing.T) {
	w := newWorld(t)
	idp := newTestIdP(t, w.clock.Now)
	ctx := t.Context()
	cfg := auth.OIDCConfig{RegionID: w.r1, OrgID: w.school1, Issuer: idp.srv.URL, ClientID: idp.clientID}
	if err := w.db.SetOIDC(ctx, cfg, web.SealOIDCSecret(w.sealer, w.r1, w.school1, idp.secret)); err != nil {
		t.Fatal(err)
	}
	// The provider says who logged in; Grondslag still asks its own TOTP.
	idp.email = w.users["zc"].email
	c := w.client()
	r := oidcLogin(t, w, c, idp)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/inloggen/mfa" {
		t.Fatalf("callback: %d %s %s", r.status, r.header.Get("Location"), r.body)
	}
	if r := c.get("/start"); r.status != 303 {
		t.Fatalf("start before TOTP after OIDC: %d", r.status)
	}
	w.clock.Add(31 * time.Second)
	code, _ := auth.TOTPCode(w.users["zc"].secret, w.clock.Now())
	if r := c.post("/inloggen/mfa", "/inloggen/mfa", url.Values{"code": {code}}); r.header.Get("Location") != "/start" {
		t.Fatalf("mfa after oidc: %d", r.status)
	}

	// A user of another organisation cannot log in through this organisation's provider.
	idp.email = w.users["zc2"].email
	if r := oidcLogin(t, w, w.client(), idp); r.status != http.StatusUnauthorized {
		t.Errorf("user of another organisation: %d", r.status)
	}
	// A wrong nonce is refused.
	idp.email, idp.badNonce = w.users["mentor"].email, true
	if r := oidcLogin(t, w, w.client(), idp); r.status != http.StatusUnauthorized {
		t.Errorf("bad nonce: %d", r.status)
	}
	idp.badNonce = false
	// Without email_verified the address proves nothing: refused.
	idp.noVerified = true
	if r := oidcLogin(t, w, w.client(), idp); r.status != http.StatusUnauthorized {
		t.Errorf("no email_verified: %d", r.status)
	}
	idp.noVerified = false
	// A forged state is refused.
	c2 := w.client()
	c2.get("/inloggen")
	if r := c2.get("/inloggen/oidc-terug?code=x&state=verzonnen"); r.status != http.StatusUnauthorized {
		t.Errorf("callback without our cookie: %d", r.status)
	}
	// When the organisation trusts its provider's MFA and the token asserts it, no TOTP is asked.
	cfg.MFAFromIdP = true
	w.db.SetOIDC(ctx, cfg, web.SealOIDCSecret(w.sealer, w.r1, w.school1, idp.secret))
	idp.amr = []string{"pwd", "mfa"}
	c3 := w.client()
	if r := oidcLogin(t, w, c3, idp); r.header.Get("Location") != "/start" {
		t.Fatalf("IdP MFA: %d %s", r.status, r.header.Get("Location"))
	}
	if r := c3.get("/start"); r.status != 200 {
		t.Errorf("start after IdP MFA: %d", r.status)
	}
	// Without the assertion, TOTP again.
	idp.amr = []string{"pwd"}
	if r := oidcLogin(t, w, w.client(), idp); r.header.Get("Location") != "/inloggen/mfa" {
		t.Errorf("no MFA asserted: %s", r.header.Get("Location"))
	}
}
