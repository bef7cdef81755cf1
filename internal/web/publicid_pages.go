package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
)

// Public ids in the pages. A page's URL carries the same public id as the API (publicid.go),
// never a row number: /leerlingen/<22 characters>, not /leerlingen/866. Routes keep their
// patterns; requireUser turns the public ids in the path back into row numbers after the
// session and role checks, so the handlers read numbers as before, and a row number, an id of
// another kind or a random string answers the Dutch 404 (never a redirect: that would confirm
// the row exists). Decoding proves nothing about access: the handler still asks the one
// decide-and-log path, and a public id of another region's row answers 404 there.

// pageIDRule: a page path up to and including a wildcard ("/casussen/{id}/verslagen/{vid}"),
// and the kind of public id that last wildcard carries on every page whose path starts so.
type pageIDRule struct {
	path string
	kind idKind
}

// pageIDRules lists the page paths with public ids. A page wildcard without a rule keeps its
// literal value (TestPageWildcardsHaveKinds lists the few that may).
var pageIDRules = []pageIDRule{
	{"/leerlingen/{id}", kindPupil},
	{"/inzage/leerling/{id}", kindPupil},
	{"/toestemmingen/leerling/{id}", kindPupil},
	{"/toestemmingen/kind/{id}", kindPupil},
	{"/toestemmingen/leerling/{pupil}", kindPupil},
	{"/toestemmingen/kind/{pupil}", kindPupil},
	{"/toestemmingen/leerling/{pupil}/bewijs/{id}", kindConsent},
	{"/toestemmingen/kind/{pupil}/bewijs/{id}", kindConsent},
	{"/toestemmingen/intrekking/{id}", kindConsent},
	{"/toestemmingen/verzoek/{id}", kindConsentAsk},
	{"/inzage/verzoeken/{id}", kindAccessRequest},
	{"/mijn-ouders/{ouder}", kindParent},
	{"/casussen/{id}", kindCase},
	{"/casussen/{id}/verslagen/{vid}", kindMinutes},
	{"/casussen/{id}/afspraken/{aid}", kindAgreement},
	{"/casussen/{id}/vragen/{qid}", kindQuestion},
	{"/verzuim/signalen/{id}", kindSignal},
	{"/verzuim/meldingen/{id}", kindMelding},
	{"/verzuim/dossiers/{id}", kindDossier},
	{"/verzuim/dossiers/{id}/stappen/{sid}", kindDossierStep},
	{"/verzuim/vrijstellingen/{id}", kindExemptionRequest},
	{"/beheer/accounts/{id}", kindUser},
	{"/beheer/api-clients/{id}", kindAPIClient},
	{"/bewaartermijnen/lijsten/{id}", kindRetentionList},
}

// pageLiteralWildcards are the page wildcards requireUser leaves alone: the one-time code of a
// new account's link, the position of an entry in the audit log (public in its proof), and the
// public ids of region and organisation in the sign-in links, which their public handlers
// (citizenStart, oidcStart: no requireUser) decode themselves.
var pageLiteralWildcards = map[string]bool{"code": true, "index": true, "regio": true, "org": true, "soort": true}

// pageIDKinds returns, per wildcard of the page pattern, the kind of public id it carries.
func pageIDKinds(pattern string) map[string]idKind {
	_, path, ok := strings.Cut(pattern, " ")
	if !ok {
		path = pattern
	}
	var out map[string]idKind
	for _, rule := range pageIDRules {
		if path != rule.path && !strings.HasPrefix(path, rule.path+"/") {
			continue
		}
		i := strings.LastIndex(rule.path, "{")
		name := strings.TrimSuffix(rule.path[i+1:], "}")
		if out == nil {
			out = map[string]idKind{}
		}
		out[name] = rule.kind
	}
	return out
}

// untypedWildcard returns a wildcard of the page pattern that has neither a kind of public id
// nor a place in pageLiteralWildcards ("" when there is none): Server.page refuses such a page,
// so no page takes a row number in its path by default.
func untypedWildcard(pattern string) string {
	kinds := pageIDKinds(pattern)
	for _, seg := range strings.Split(pattern, "/") {
		if !strings.HasPrefix(seg, "{") || !strings.HasSuffix(seg, "}") {
			continue
		}
		name := strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(seg, "{"), "}"), "...")
		name = strings.TrimSuffix(name, "$")
		if _, ok := kinds[name]; !ok && !pageLiteralWildcards[name] && name != "" {
			return name
		}
	}
	return ""
}

// openPagePathIDs replaces the public ids in a page request's path by row numbers, by the
// kinds registered for its pattern; a wrong id is a 404.
func (s *Server) openPagePathIDs(r *http.Request) error {
	for name, k := range s.pageIDs[r.Pattern] {
		v := r.PathValue(name)
		if v == "" {
			continue
		}
		id, err := s.rowID(k, v, "")
		if err != nil {
			return err
		}
		r.SetPathValue(name, strconv.FormatInt(id, 10))
	}
	return nil
}

// templateFuncs binds the template function pid to this server's key.
func (s *Server) templateFuncs() template.FuncMap {
	return template.FuncMap{"pid": s.templatePID}
}

// templatePID is {{pid "leerling" .ID}}: the public id of a row (kind as in PublicID); 0 is "".
func (s *Server) templatePID(kind string, id any) (string, error) {
	k, ok := publicKinds[kind]
	if !ok {
		return "", fmt.Errorf("pid: unknown kind %q", kind)
	}
	var n int64
	switch v := id.(type) {
	case int64:
		n = v
	case int:
		n = int64(v)
	case int32:
		n = int64(v)
	case string:
		p, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return "", fmt.Errorf("pid: %q is no row number: %w", v, err)
		}
		n = p
	default:
		return "", fmt.Errorf("pid: %T is no row number", id)
	}
	return s.pid(k, n), nil
}
