package web

import (
	"context"
	"net/http"

	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/casework"
)

// CaseAPIAs serves the casework API as the signed-in account acc would be served. The server
// has no credential yet that lets a user (rather than an organisation's system) write through
// the API, so the tests of the write endpoints inject the principal here; authentication itself
// is tested through the real server (session 401, system token 403).
func CaseAPIAs(s *Server, svc *casework.Service, acc auth.Account) http.Handler {
	c := &caseHandlers{s: s, services: svc}
	as := func(h handlerFunc) http.Handler {
		return s.apiHandler(func(w http.ResponseWriter, r *http.Request) error {
			if err := s.openPathIDs(r); err != nil {
				return err
			}
			return c.inRegion(h)(w, r.WithContext(context.WithValue(r.Context(), keyPrincipal, &Principal{Account: acc})))
		})
	}
	mux := http.NewServeMux()
	for pattern, h := range c.apiWrites() {
		mux.Handle(pattern, as(h))
	}
	mux.Handle("GET /api/v1/casussen/{id}", as(c.apiCase))
	mux.Handle("GET /api/v1/casussen/{id}/plan-van-aanpak", as(c.apiPlan))
	return mux
}
