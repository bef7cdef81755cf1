// Package apitest checks HTTP exchanges with the API against the OpenAPI document the server
// serves, with kin-openapi (an independent validator). Tests use it as the transport of their
// HTTP client.
package apitest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// Transport checks every call under /api/v1 that a test makes against the OpenAPI
// document the server itself serves, with kin-openapi (an independent validator):
//
//   - the response must be declared for its operation and status, and its headers and body must
//     match the declared schema, for every status (errors too);
//   - a request that the document says is invalid (unknown path, missing parameter, body not
//     matching its schema, no credentials for a secured operation) must be answered with a 4xx;
//   - a path the document does not know must be answered 404 or 405.
//
// Violations fail the test that made the call, with the validator's message.
type Transport struct {
	// T receives the violations (Errorf).
	T testing.TB
	// Base does the exchanges; http.DefaultTransport if nil.
	Base http.RoundTripper
	// Generation, if set, tells when the document may have changed (for example the number of
	// routes after mounting parts); the document is fetched again when it returns a new value.
	Generation func() int

	mu     sync.Mutex
	doc    *openapi3.T
	router routers.Router
	nroute int // Generation() when doc was loaded
}

func (v *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	// CORS preflights (OPTIONS) are part of the protocol, not operations of the document.
	if !strings.HasPrefix(req.URL.Path, "/api/v1/") || req.URL.Path == "/api/v1/openapi.json" || req.Method == http.MethodOptions {
		return v.base().RoundTrip(req)
	}
	router, err := v.load(req)
	if err != nil {
		return nil, err
	}
	// Keep a copy of the request body for the validator.
	var reqBody []byte
	if req.Body != nil {
		reqBody, _ = io.ReadAll(req.Body)
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	res, err := v.base().RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resBody, _ := io.ReadAll(res.Body)
	res.Body.Close()
	res.Body = io.NopCloser(bytes.NewReader(resBody))
	if msg := v.check(router, req, reqBody, res, resBody); msg != "" {
		v.T.Errorf("OpenAPI-validatie van %s %s → %d:\n%s", req.Method, req.URL.RequestURI(), res.StatusCode, msg)
	}
	return res, nil
}

// check returns what is wrong with the exchange, or "".
func (v *Transport) check(router routers.Router, req *http.Request, reqBody []byte, res *http.Response, resBody []byte) string {
	vreq := req.Clone(context.Background())
	vreq.Body = io.NopCloser(bytes.NewReader(reqBody))
	route, params, err := router.FindRoute(vreq)
	if err != nil {
		if res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusMethodNotAllowed {
			return ""
		}
		return fmt.Sprintf("pad of methode niet in het document (%v), maar het antwoord is geen 404/405", err)
	}
	opts := &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true, AuthenticationFunc: authenticated}
	in := &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route, Options: opts}
	var problems []string
	if rerr := openapi3filter.ValidateRequest(context.Background(), in); rerr != nil && (res.StatusCode < 400 || res.StatusCode >= 500) {
		problems = append(problems, "verzoek past niet bij het document, maar het antwoord is geen 4xx: "+rerr.Error())
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode, Header: res.Header, Options: opts}
	out.SetBodyBytes(resBody)
	if rerr := openapi3filter.ValidateResponse(context.Background(), out); rerr != nil {
		msg := rerr.Error()
		if len(msg) > 4000 {
			msg = msg[:4000] + "…"
		}
		problems = append(problems, "antwoord past niet bij het document: "+msg+"\nbody: "+clip(string(resBody), 600))
	}
	return strings.Join(problems, "\n")
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// authenticated checks that the credentials a security scheme names are present (the server
// decides whether they are valid).
func authenticated(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	r := in.RequestValidationInput.Request
	switch s := in.SecurityScheme; {
	case s.Type == "http" && strings.EqualFold(s.Scheme, "bearer"):
		if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			return errors.New("geen bearer-token")
		}
	case s.Type == "apiKey" && s.In == "cookie":
		if _, err := r.Cookie(s.Name); err != nil {
			return errors.New("geen cookie " + s.Name)
		}
	case s.Type == "apiKey" && s.In == "header":
		if r.Header.Get(s.Name) == "" {
			return errors.New("geen header " + s.Name)
		}
	default:
		return errors.New("onbekend beveiligingsschema " + s.Type)
	}
	return nil
}

// load fetches and checks the served document (again when routes were mounted since).
func (v *Transport) load(req *http.Request) (routers.Router, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	n := 0
	if v.Generation != nil {
		n = v.Generation()
	}
	if v.router != nil && n == v.nroute {
		return v.router, nil
	}
	docReq, _ := http.NewRequest(http.MethodGet, req.URL.Scheme+"://"+req.URL.Host+"/api/v1/openapi.json", nil)
	res, err := v.base().RoundTrip(docReq)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("OpenAPI-document laden: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		v.T.Errorf("het OpenAPI-document is ongeldig: %v", err)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("router uit het OpenAPI-document: %w", err)
	}
	v.doc, v.router, v.nroute = doc, router, n
	return router, nil
}

func (v *Transport) base() http.RoundTripper {
	if v.Base != nil {
		return v.Base
	}
	return http.DefaultTransport
}

// Document returns the document last loaded (nil before the first API call).
func (v *Transport) Document() *openapi3.T {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.doc
}
