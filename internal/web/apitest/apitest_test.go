package apitest_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/web/apitest"
)

// recorder is a testing.TB that keeps what the transport reports.
type recorder struct {
	testing.TB
	msgs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}
func (r *recorder) Helper() {}

const doc = `{"openapi":"3.0.3","info":{"title":"t","version":"1.0.0"},"servers":[{"url":"%s/api/v1"}],
"paths":{"/dingen/{id}":{"get":{"parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"integer","minimum":1}}],
"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"type":"object","required":["naam"],"additionalProperties":false,
"properties":{"naam":{"type":"string","maxLength":5}}}}}},"404":{"description":"nee"}}}}}}`

// TestTransportReportsViolations: the validator is not a rubber stamp. A response that breaks
// its schema, an undeclared status and a 2xx answer to an invalid request are each reported; a
// correct exchange is not.
func TestTransportReportsViolations(t *testing.T) {
	body := map[string]string{}
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v1/openapi.json" {
			fmt.Fprintf(w, doc, srv.URL)
			return
		}
		b, ok := body[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if strings.HasPrefix(b, "500 ") {
			w.WriteHeader(500)
			b = b[4:]
		}
		io.WriteString(w, b)
	}))
	defer srv.Close()
	body["/api/v1/dingen/1"] = `{"naam":"kort"}`
	body["/api/v1/dingen/2"] = `{"naam":"veel te lang"}`
	body["/api/v1/dingen/3"] = `{"naam":"a","extra":1}`
	body["/api/v1/dingen/4"] = `500 {"naam":"a"}`
	body["/api/v1/dingen/0"] = `{"naam":"a"}` // id 0 is below the minimum: must not be a 200
	cases := []struct {
		path string
		want string
	}{
		{"/api/v1/dingen/1", ""},
		{"/api/v1/dingen/2", "maximum string length"},
		{"/api/v1/dingen/3", "extra"},
		{"/api/v1/dingen/4", "status is not supported"},
		{"/api/v1/dingen/0", "geen 4xx"},
		{"/api/v1/onbekend", ""}, // unknown path answered 404: fine
	}
	for _, c := range cases {
		rec := &recorder{TB: t}
		hc := &http.Client{Transport: &apitest.Transport{T: rec}}
		res, err := hc.Get(srv.URL + c.path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		got := strings.Join(rec.msgs, "\n")
		if c.want == "" && got != "" || c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("%s: reported %q, want %q", c.path, got, c.want)
		}
	}
}
