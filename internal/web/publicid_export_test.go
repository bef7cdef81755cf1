package web

// For TestPageWildcardsHaveKinds (package web_test).
var (
	PageIDKinds          = func(pattern string) int { return len(pageIDKinds(pattern)) }
	PageLiteralWildcards = pageLiteralWildcards
)
