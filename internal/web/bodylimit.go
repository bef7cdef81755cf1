package web

import (
	"mime"
	"net/http"
	"strings"
)

// Request bodies are limited before any handler reads them: a body that says it is larger
// (Content-Length) is refused at once with 413, one that turns out larger while being read ends
// in 413 as well (http.MaxBytesError, mapped by asError, decodeJSON and checkCSRF). The API
// answers problem+json, the pages a Dutch error page.
const (
	maxAPIBody  = 256 << 10 // JSON bodies of the API
	maxFormBody = 1 << 20   // forms of the pages
)

// uploadPaths take a file of registrations (maxUpload).
var uploadPaths = map[string]bool{"/verzuim/registraties": true, "/api/v1/verzuimregistraties": true}

// bodyLimit is the largest body r may have.
func bodyLimit(r *http.Request) int64 {
	switch {
	case uploadPaths[r.URL.Path]:
		return maxUpload
	case r.Method == http.MethodPost && consentUploadPath.MatchString(r.URL.Path):
		return maxConsentUpload
	case strings.HasPrefix(r.URL.Path, "/api/"):
		return maxAPIBody
	}
	return maxFormBody
}

// limitBodies applies bodyLimit; it reports whether the request may go on (false: the 413 has
// been written).
func (s *Server) limitBodies(w http.ResponseWriter, r *http.Request) bool {
	if r.Body == nil || r.Body == http.NoBody {
		return true
	}
	limit := bodyLimit(r)
	if r.ContentLength > limit {
		h := s.htmlHandler
		if strings.HasPrefix(r.URL.Path, "/api/") {
			h = s.apiHandler
		}
		w.Header().Set("Connection", "close")
		h(func(http.ResponseWriter, *http.Request) error { return errTooLarge(limit) }).ServeHTTP(w, r)
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	return true
}

// parseForm parses the body of a form (multipart or urlencoded) so that its error can be seen;
// r.PostFormValue would swallow it.
func parseForm(r *http.Request) error {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "multipart/form-data" {
		return r.ParseMultipartForm(32 << 20)
	}
	return r.ParseForm()
}
