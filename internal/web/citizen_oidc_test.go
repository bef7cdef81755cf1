package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/web"
)

// citizenIdP starts the zitadel example provider as region 1's sign-in for parents and pupils.
func citizenIdP(t *testing.T, w *world) *idpUsers {
	t.Helper()
	users, issuer := startIdP(t, w, "grondslag-ouders", "ouders-geheim", "/inloggen/burger-terug")
	if err := w.db.SetCitizenOIDC(context.Background(), auth.CitizenOIDC{RegionID: w.r1, Name: "DigiD (test)", Issuer: issuer, ClientID: "grondslag-ouders",
		Secret: web.SealCitizenOIDCSecret(w.sealer, w.r1, "ouders-geheim")}); err != nil {
		t.Fatal(err)
	}
	return users
}

// citizenLogin follows the button on the parents' sign-in page through the provider's login
// page and back, and returns Grondslag's answer to the callback.
func citizenLogin(t *testing.T, w *world, c *client, user string) resp {
	t.Helper()
	page := c.get("/inloggen/ouder")
	link := regexpFind(`href="(/inloggen/burger/[A-Za-z0-9_-]{22})"`, page.body)
	if link == "" {
		t.Fatalf("no provider button:\n%s", page.body)
	}
	r := c.get(link)
	return idpLogin(t, w, c, r, user, "/inloggen/burger-terug")
}

// TestParentSignsInThroughTheRegionsProvider: the first sign-in through the region's provider
// (the zitadel example OP in process, no e-mail used) is confirmed once with the e-mail code and
// binds the subject to the parent; the next sign-in goes straight in; another subject is not let
// in by the provider alone; a callback without the state cookie is refused.
func TestParentSignsInThroughTheRegionsProvider(t *testing.T) {
	w := newWorld(t)
	users := citizenIdP(t, w)
	users.set("olga", "", false) // a DigiD broker gives no e-mail: none is needed

	c := w.client()
	r := citizenLogin(t, w, c, "olga")
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/inloggen/ouder" {
		t.Fatalf("first sign-in: %d %s %s", r.status, r.header.Get("Location"), r.body)
	}
	if r := c.get("/start"); r.status == http.StatusOK && strings.Contains(r.body, "Anouk") {
		t.Fatal("signed in by the provider alone, before the e-mail code")
	}
	if r := c.get("/inloggen/ouder"); !strings.Contains(r.body, "wij kennen die inlog nog niet") {
		t.Fatalf("the page does not ask to confirm:\n%s", r.body)
	}
	c.loginParent()
	if r := c.get("/start"); r.status != 200 || !strings.Contains(r.body, "Anouk") {
		t.Fatalf("after the code: %d", r.status)
	}
	parentID, pupilID, ok, err := w.db.CitizenBinding(context.Background(), w.r1, issuerOf(t, w), "olga")
	if err != nil || !ok || parentID != w.parent || pupilID != 0 {
		t.Fatalf("binding: %d %d %v %v", parentID, pupilID, ok, err)
	}

	// Bound: the next sign-in goes straight to the start page.
	c2 := w.client()
	if r := citizenLogin(t, w, c2, "olga"); r.status != http.StatusSeeOther || r.header.Get("Location") != "/start" {
		t.Fatalf("bound sign-in: %d %s", r.status, r.header.Get("Location"))
	}
	if r := c2.get("/start"); r.status != 200 || !strings.Contains(r.body, "Anouk") {
		t.Fatalf("bound parent's start page: %d", r.status)
	}

	// Someone else at the provider: not bound, so not in without a code of their own.
	users.set("indringer", "", false)
	c3 := w.client()
	if r := citizenLogin(t, w, c3, "indringer"); r.header.Get("Location") != "/inloggen/ouder" {
		t.Fatalf("unbound subject: %d %s", r.status, r.header.Get("Location"))
	}
	if r := c3.get("/start"); strings.Contains(r.body, "Anouk") {
		t.Fatal("an unbound subject sees the child")
	}
	// A callback without the state cookie (another browser, a forged link): refused.
	if r := w.client().get("/inloggen/burger-terug?state=x&code=y"); r.status != http.StatusUnauthorized {
		t.Fatalf("callback without state: %d", r.status)
	}
}

func issuerOf(t *testing.T, w *world) string {
	t.Helper()
	cfgs, err := w.db.CitizenOIDCConfigs(context.Background())
	if err != nil || len(cfgs) != 1 {
		t.Fatalf("configs: %v %d", err, len(cfgs))
	}
	return cfgs[0].Issuer
}
