package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestBeheerder(t *testing.T) {
	w := newWorld(t)
	zc := w.client()
	zc.login("zc")
	b := w.client()
	b.login("beheerder")
	id := w.pid("gebruiker", w.users["zc"].id)

	// Deactivating ends the zorgcoördinator's session at once and refuses the next login.
	if r := b.post("/beheer/accounts", "/beheer/accounts/"+id+"/actief", url.Values{"actief": {"nee"}}); r.status != 303 {
		t.Fatalf("deactivate: %d %s", r.status, r.body)
	}
	if r := zc.get("/start"); r.status != 303 {
		t.Errorf("session of a deactivated account: %d", r.status)
	}
	u := w.users["zc"]
	if r := w.client().post("/inloggen", "/inloggen", url.Values{"email": {u.email}, "wachtwoord": {u.password}}); r.status != 401 {
		t.Errorf("login of a deactivated account: %d", r.status)
	}
	b.post("/beheer/accounts", "/beheer/accounts/"+id+"/actief", url.Values{"actief": {"ja"}})
	// Resetting MFA sends the user to enrolment at the next login.
	if r := b.post("/beheer/accounts", "/beheer/accounts/"+id+"/mfa-opnieuw", url.Values{}); r.status != 303 {
		t.Fatalf("reset mfa: %d", r.status)
	}
	if r := w.client().post("/inloggen", "/inloggen", url.Values{"email": {u.email}, "wachtwoord": {u.password}}); r.header.Get("Location") != "/inloggen/mfa/instellen" {
		t.Errorf("after reset: %d %s", r.status, r.header.Get("Location"))
	}
	// The beheerder cannot switch off their own account, nor reach another region's.
	if r := b.post("/beheer/accounts", "/beheer/accounts/"+w.pid("gebruiker", w.users["beheerder"].id)+"/actief", url.Values{"actief": {"nee"}}); r.status != 409 {
		t.Errorf("own account: %d", r.status)
	}
	if r := b.post("/beheer/accounts", "/beheer/accounts/"+w.pid("gebruiker", w.users["zcR2"].id)+"/actief", url.Values{"actief": {"nee"}}); r.status != 404 {
		t.Errorf("account of another region: %d", r.status)
	}

	// An API client: the token is shown once and works within its scope.
	form := url.Values{"naam": {"Leerlingadministratie"}, "organisatie": {itoa(w.school1)}, "rol": {"school/zorgcoordinator"}, "scope": {"leerlingen:lezen"}}
	r := b.post("/beheer/api-clients", "/beheer/api-clients", form)
	token := regexp.MustCompile(`gsl_[A-Za-z0-9_-]+`).FindString(r.body)
	if r.status != 200 || token == "" {
		t.Fatalf("create client: %d %s", r.status, r.body)
	}
	api := w.client()
	p1 := "/api/v1/leerlingen/" + w.pid("leerling", w.pupil1) + "?doel=signalering"
	if r := api.get(p1, "Authorization", "Bearer "+token); r.status != 200 {
		t.Fatalf("token: %d", r.status)
	}
	if r := b.get("/beheer/api-clients"); strings.Contains(r.body, token) {
		t.Error("token shown again")
	}
	// A role that does not belong to the organisation's party is refused, with the field named.
	bad := url.Values{"naam": {"X"}, "organisatie": {itoa(w.school1)}, "rol": {"gemeente/leerplicht"}, "scope": {"leerlingen:lezen"}}
	if r := b.post("/beheer/api-clients", "/beheer/api-clients", bad); r.status != 422 || !strings.Contains(r.body, `aria-describedby="rol-fout"`) {
		t.Errorf("wrong role: %d", r.status)
	}
	clientID := regexpFind(`/beheer/api-clients/([A-Za-z0-9_-]{22})/intrekken`, b.get("/beheer/api-clients").body)
	if r := b.post("/beheer/api-clients", "/beheer/api-clients/"+clientID+"/intrekken", url.Values{}); r.status != 303 {
		t.Fatalf("revoke: %d", r.status)
	}
	if r := api.get(p1, "Authorization", "Bearer "+token); r.status != 401 {
		t.Errorf("revoked token: %d", r.status)
	}
	// Others may not manage.
	m := w.client()
	m.login("fg")
	if r := m.post("/start", "/beheer/accounts/"+id+"/actief", url.Values{"actief": {"nee"}}); r.status != 403 {
		t.Errorf("fg deactivates: %d", r.status)
	}
}
