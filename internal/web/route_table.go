package web

import (
	"net/http"
	"slices"
	"strings"
	"sync"
)

// Route is one line of the server's route table. Features register their routes where they
// live (routes.go for the core, MountVerzuim, MountCasework… for the rest), always through
// Server.page or Server.apiRoute, so the table below is complete: `grondslag routes` prints it,
// the OpenAPI test compares its API half with the document, and a reviewer reads in one place
// which role may reach which path.
type Route struct {
	Pattern string   // the mux pattern, "GET /leerlingen/{id}"
	Kind    string   // "pagina", "api" or "publiek"
	Roles   []string // roles that pass the door (nil: any signed-in user, or public)
	Scope   string   // API scope a client token must hold ("" for pages)
}

// routeTable collects the routes and the guard of the route being registered.
type routeTable struct {
	mu      sync.Mutex
	routes  []Route
	pending *Route // set by requireUser/apiAuth, taken by the page/apiRoute call it is the argument of
}

// guarded notes the door of the handler requireUser or apiAuth is wrapping. Go evaluates a
// call's arguments before the call, so in `s.page(p, s.requireUser(roles, h))` the note is
// made just before page takes it.
func (t *routeTable) guarded(roles []string, scope string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.pending = &Route{Roles: slices.Clone(roles), Scope: scope}
}

func (t *routeTable) add(pattern, kind string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	r := Route{Pattern: pattern, Kind: kind}
	if t.pending != nil {
		r.Roles, r.Scope = t.pending.Roles, t.pending.Scope
		t.pending = nil
	} else if kind == "pagina" {
		r.Kind = "publiek"
	}
	t.routes = append(t.routes, r)
}

// page registers an HTML page: Dutch error pages, CSRF and the session come from htmlHandler.
func (s *Server) page(pattern string, h handlerFunc) {
	s.table.add(pattern, "pagina")
	if name := untypedWildcard(pattern); name != "" {
		panic("web: page " + pattern + ": wildcard {" + name + "} has no kind of public id (pageIDRules in publicid_pages.go)")
	}
	if kinds := pageIDKinds(pattern); kinds != nil {
		if s.pageIDs == nil {
			s.pageIDs = map[string]map[string]idKind{}
		}
		s.pageIDs[pattern] = kinds
	}
	s.mux.Handle(pattern, s.htmlHandler(h))
}

// apiRoute registers an operation of /api/v1: problem+json errors from apiHandler. Every
// pattern must be in the OpenAPI document (openapi_test.go).
func (s *Server) apiRoute(pattern string, h handlerFunc) {
	s.table.add(pattern, "api")
	s.mux.Handle(pattern, s.apiHandler(h))
}

// Routes returns the route table sorted by path, then method.
func (s *Server) Routes() []Route {
	s.table.mu.Lock()
	out := slices.Clone(s.table.routes)
	s.table.mu.Unlock()
	slices.SortFunc(out, func(a, b Route) int {
		am, ap, _ := strings.Cut(a.Pattern, " ")
		bm, bp, _ := strings.Cut(b.Pattern, " ")
		if c := strings.Compare(ap, bp); c != 0 {
			return c
		}
		return strings.Compare(am, bm)
	})
	return out
}

// APIPatterns returns the mux patterns registered under /api/v1 (for the OpenAPI check).
func (s *Server) APIPatterns() []string {
	var out []string
	for _, r := range s.Routes() {
		if r.Kind == "api" {
			out = append(out, r.Pattern)
		}
	}
	return out
}

// publicHandler registers a route outside the page and API conventions (static files, health).
func (s *Server) publicHandler(pattern string, h http.Handler) {
	s.table.add(pattern, "publiek")
	s.mux.Handle(pattern, h)
}
