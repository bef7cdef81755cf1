package web

// For TestPageWildcardsHaveKinds (package web_test).
var (
	PageIDKinds          = func(pattern string) int { return len(pageIDKinds(pattern)) }
	PageLiteralWildcards = pageLiteralWildcards
)

// ETagFor is the ETag of version v of row id of kind (as in PublicID), for the tests.
func (s *Server) ETagFor(kind string, id int64, v int) string {
	return s.etag(publicKinds[kind], id, v)
}
