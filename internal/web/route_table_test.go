package web_test

import (
	"strings"
	"testing"
)

// publicRoutes are the only routes a visitor may reach without signing in: the sign-in flows,
// the one-time account link, static files and health. Adding to this list is a security
// decision: say why next to the entry.
var publicRoutes = map[string]string{
	"GET /{$}":                       "redirects to /start, which asks to sign in",
	"GET /static/":                   "style sheet and scripts",
	"GET /healthz":                   "readiness, no data",
	"GET /gezond":                    "liveness, no data",
	"GET /gereed":                    "readiness, no data",
	"GET /inloggen":                  "sign-in",
	"POST /inloggen":                 "sign-in",
	"GET /inloggen/mfa":              "second factor (the session is half-way)",
	"POST /inloggen/mfa":             "second factor",
	"GET /inloggen/mfa/instellen":    "enrolling the second factor",
	"POST /inloggen/mfa/instellen":   "enrolling the second factor",
	"GET /inloggen/mfa/qr.png":       "enrolling the second factor",
	"GET /inloggen/ouder":            "parents' sign-in by e-mail code",
	"POST /inloggen/ouder":           "parents' sign-in by e-mail code",
	"GET /inloggen/ouder/code":       "parents' sign-in by e-mail code",
	"POST /inloggen/ouder/code":      "parents' sign-in by e-mail code",
	"GET /inloggen/leerling":         "pupils' sign-in by e-mail code",
	"POST /inloggen/leerling":        "pupils' sign-in by e-mail code",
	"GET /inloggen/leerling/code":    "pupils' sign-in by e-mail code",
	"POST /inloggen/leerling/code":   "pupils' sign-in by e-mail code",
	"GET /inloggen/oidc/{org}":       "OpenID Connect sign-in",
	"GET /inloggen/oidc-terug":       "OpenID Connect callback",
	"GET /inloggen/burger/{regio}":   "parents' and pupils' sign-in through the region's OpenID Connect provider",
	"GET /inloggen/burger-terug":     "its callback",
	"POST /uitloggen":                "signing out",
	"GET /account-instellen/{code}":  "one-time link of a new account",
	"POST /account-instellen/{code}": "one-time link of a new account",
	"GET /dev/postvak":               "demo only: the mailbox of the demo",
	"GET /api/v1/gezondheid":         "API health",
	"GET /api/v1/openapi.json":       "the API's own document",
}

// TestRouteTableDefaultDeny: every route the server (with every part mounted, as cmd/grondslag
// serves it) registers passes a door — a page checks the signed-in role, an API operation the
// role and a scope — unless it is on the public list above. A new page without requireUser, or
// an API operation without apiAuth, fails here. `go test -run TestRouteTable -v` prints the
// whole table: one place to read which role reaches which path.
func TestRouteTableDefaultDeny(t *testing.T) {
	worlds := map[string]*world{"kern": newWorld(t), "verzuim": verzuimWorld(t)}
	cw, _, _ := caseWorld(t)
	worlds["casus"] = cw
	seen := map[string]bool{}
	for name, w := range worlds {
		routes := w.web.Routes()
		if len(routes) < 30 {
			t.Fatalf("%s: only %d routes in the table; registration bypasses Server.page/apiRoute?", name, len(routes))
		}
		for _, r := range routes {
			if seen[r.Pattern] {
				continue
			}
			seen[r.Pattern] = true
			_, public := publicRoutes[r.Pattern]
			switch {
			case public:
			case r.Kind == "publiek":
				t.Errorf("%s: reachable without signing in, and not on the public list", r.Pattern)
			case r.Kind == "api" && r.Scope == "":
				t.Errorf("%s: API operation without a scope", r.Pattern)
			}
			t.Logf("%-7s %-60s %s %s", r.Kind, r.Pattern, strings.Join(r.Roles, ","), r.Scope)
		}
	}
	for p := range publicRoutes {
		if !seen[p] && p != "GET /dev/postvak" && !strings.HasPrefix(p, "GET /inloggen/leerling") && !strings.HasPrefix(p, "POST /inloggen/leerling") {
			t.Errorf("public list names %s, which no world registers: remove it", p)
		}
	}
}
