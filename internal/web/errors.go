package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/grondslag/grondslag/internal/dossier"
	"github.com/grondslag/grondslag/internal/storage"
)

// Error is an error with the HTTP status and the safe Dutch text a user sees. Detail in Err is
// for the log only.
type Error struct {
	Status int
	Title  string
	Detail string
	Field  string // the request field that is wrong, if any
	Err    error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Title + ": " + e.Err.Error()
	}
	return e.Title
}

func (e *Error) Unwrap() error { return e.Err }

// badField is a 400 naming the field that is wrong.
func badField(field, detail string) *Error {
	return &Error{Status: http.StatusBadRequest, Title: "Ongeldige invoer", Detail: detail, Field: field}
}

var (
	errNotFound     = &Error{Status: http.StatusNotFound, Title: "Niet gevonden", Detail: "Deze pagina of dit gegeven bestaat niet, of u heeft er geen toegang toe."}
	errUnauthorised = &Error{Status: http.StatusUnauthorized, Title: "Niet ingelogd", Detail: "Log eerst in."}
	errForbidden    = &Error{Status: http.StatusForbidden, Title: "Geen toegang", Detail: "Uw rol geeft geen toegang tot deze functie."}
	errCSRF         = &Error{Status: http.StatusForbidden, Title: "Formulier verlopen", Detail: "Het formulier is verlopen of niet door Grondslag gemaakt. Laad de pagina opnieuw en probeer het nog eens."}
)

// errTooLarge is the 413 for a body above limit bytes.
func errTooLarge(limit int64) *Error {
	size := strconv.FormatInt(limit>>10, 10) + " kB"
	if limit >= 1<<20 {
		size = strconv.FormatInt(limit>>20, 10) + " MB"
	}
	return &Error{Status: http.StatusRequestEntityTooLarge, Title: "Te groot", Detail: "Wat u stuurt is groter dan de " + size + " die hier is toegestaan. Stuur minder tegelijk of een kleiner bestand."}
}

// asError maps domain sentinels to HTTP, in one table; classify (Deps.Classify, may be nil)
// names the storage errors.
func asError(err error, classify func(error) error) *Error {
	if classify != nil {
		err = classify(err)
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.Is(err, dossier.ErrNotVisible):
		return errNotFound
	case errors.As(err, &tooLarge):
		return errTooLarge(tooLarge.Limit)
	case errors.Is(err, storage.ErrFull):
		return &Error{Status: http.StatusServiceUnavailable, Title: "Opslaan lukt nu niet", Detail: "De schijf van de database is vol. Er is niets opgeslagen of gewijzigd, ook niet gedeeltelijk. Probeer het later opnieuw; de beheerder ziet dit in de logs en aan /gereed.", Err: err}
	case errors.Is(err, storage.ErrUnavailable):
		return &Error{Status: http.StatusServiceUnavailable, Title: "Database even niet bereikbaar", Detail: "De database is even niet bereikbaar, bijvoorbeeld tijdens een herstart. Er is niets opgeslagen of gewijzigd. Probeer het over enkele seconden opnieuw.", Err: err}
	}
	return &Error{Status: http.StatusInternalServerError, Title: "Er ging iets mis", Detail: "Er ging aan onze kant iets mis. Probeer het later opnieuw; blijft het misgaan, neem dan contact op met de beheerder.", Err: err}
}

// retryAfter tells clients of a 503 from the store when to try again (RFC 9110 §10.2.3).
func retryAfter(w http.ResponseWriter, e *Error) {
	if e.Status == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", "5")
	}
}

// handlerFunc is a handler that returns its error.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// htmlHandler renders a returned error as a Dutch error page.
func (s *Server) htmlHandler(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(context.WithValue(r.Context(), keySlot, &principalSlot{}))
		err := h(w, r)
		if err == nil {
			return
		}
		e := asError(err, s.d.Classify)
		s.logError(r, e)
		retryAfter(w, e)
		if e == errUnauthorised {
			http.Redirect(w, r, "/inloggen", http.StatusSeeOther)
			return
		}
		s.renderStatus(w, r, e.Status, "fout", e.Title, &errorPage{Fout: e})
	})
}

// problem is an RFC 9457 problem document. invalidParams is an extension member (as the Dutch
// API Design Rules' problem details guidance shows) naming the wrong field.
type problem struct {
	Type          string         `json:"type"`
	Title         string         `json:"title"`
	Status        int            `json:"status"`
	Detail        string         `json:"detail"`
	Instance      string         `json:"instance"`
	InvalidParams []invalidParam `json:"invalidParams,omitempty"`
}

type invalidParam struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// apiHandler sets the API-Version header and renders a returned error as problem+json.
func (s *Server) apiHandler(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("API-Version", APIVersion)
		if s.cors(w, r) {
			return
		}
		var err error
		if tooMany := s.rateLimit(w, r); tooMany != nil {
			err = tooMany
		} else {
			err = h(w, r)
		}
		if err == nil {
			return
		}
		e := asError(err, s.d.Classify)
		s.logError(r, e)
		retryAfter(w, e)
		writeProblem(w, r, e)
	})
}

func writeProblem(w http.ResponseWriter, r *http.Request, e *Error) {
	p := problem{Type: "about:blank", Title: e.Title, Status: e.Status, Detail: e.Detail, Instance: r.URL.Path}
	if e.Field != "" {
		p.InvalidParams = []invalidParam{{Name: e.Field, Reason: e.Detail}}
	}
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="grondslag"`)
	}
	w.Header().Set("API-Version", APIVersion)
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(e.Status)
	json.NewEncoder(w).Encode(p)
}

func (s *Server) logError(r *http.Request, e *Error) {
	if e.Status >= 500 {
		s.log.ErrorContext(r.Context(), "verzoek mislukt", "status", e.Status, "methode", r.Method, "pad", routePattern(r), "request_id", requestID(r.Context()), "fout", e.Error())
		return
	}
	s.log.DebugContext(r.Context(), "verzoek geweigerd", "status", e.Status, "pad", routePattern(r), "request_id", requestID(r.Context()))
}

// errorPage is the data of fout.html: the safe title and detail of what went wrong.
type errorPage struct {
	View
	Fout *Error
}
