package web

import "net/http"

// Route returns the pattern of the route that serves r ("GET /leerlingen/{id}"), or "" when none
// does: a label for metrics that never holds an id or a query.
func (s *Server) Route(r *http.Request) string {
	_, pattern := s.mux.Handler(r)
	return pattern
}
