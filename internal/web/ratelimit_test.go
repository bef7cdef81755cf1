package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/web"
)

// TestRateLimit: every API response carries RateLimit-Policy and RateLimit; above the limit the
// caller gets 429 problem+json with Retry-After, other callers do not notice, and the bucket
// fills again with time.
func TestRateLimit(t *testing.T) {
	w := newWorld(t, func(c *web.Config) { c.RateLimit = web.RateLimit{Requests: 3, Window: time.Minute} })
	c := w.client()
	tok, other := w.token("leerlingen:lezen"), w.token("leerlingen:lezen")
	path := "/api/v1/leerlingen?doel=signalering"
	for i, want := range []string{`"api";r=2;t=20`, `"api";r=1;t=40`, `"api";r=0;t=60`} {
		r := c.get(path, "Authorization", "Bearer "+tok)
		if r.status != 200 || r.header.Get("RateLimit") != want || r.header.Get("RateLimit-Policy") != `"api";q=3;w=60` {
			t.Fatalf("call %d: %d %q %q", i+1, r.status, r.header.Get("RateLimit"), r.header.Get("RateLimit-Policy"))
		}
	}
	r := c.get(path, "Authorization", "Bearer "+tok)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "20" || !strings.Contains(r.body, "Te veel verzoeken") ||
		r.header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("fourth call: %d %q %s", r.status, r.header.Get("Retry-After"), r.body)
	}
	if r := c.get(path, "Authorization", "Bearer "+other); r.status != 200 {
		t.Errorf("another client: %d", r.status)
	}
	// Without credentials the address is the caller (and the answer is 401, still counted).
	for i := 0; i < 3; i++ {
		c.get(path)
	}
	if r := c.get(path); r.status != http.StatusTooManyRequests {
		t.Errorf("anonymous flood: %d", r.status)
	}
	w.clock.Add(20 * time.Second)
	if r := c.get(path, "Authorization", "Bearer "+tok); r.status != 200 || r.header.Get("RateLimit") != `"api";r=0;t=60` {
		t.Errorf("after 20 s: %d %q", r.status, r.header.Get("RateLimit"))
	}
}

// TestCORS: only the origins the beheerder allowed get Access-Control-Allow-Origin; a preflight
// from one of them is answered, one from elsewhere is not.
func TestCORS(t *testing.T) {
	w := newWorld(t, func(c *web.Config) { c.CORSOrigins = []string{"https://las.school.example"} })
	c := w.client()
	tok := w.token("leerlingen:lezen")
	r := c.get("/api/v1/leerlingen?doel=signalering", "Authorization", "Bearer "+tok, "Origin", "https://las.school.example")
	if r.status != 200 || r.header.Get("Access-Control-Allow-Origin") != "https://las.school.example" || !strings.Contains(r.header.Get("Vary"), "Origin") {
		t.Errorf("allowed origin: %d %v", r.status, r.header)
	}
	r = c.get("/api/v1/leerlingen?doel=signalering", "Authorization", "Bearer "+tok, "Origin", "https://elders.example")
	if r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("other origin allowed: %v", r.header)
	}
	r = c.do("OPTIONS", "/api/v1/mag-ik-dit-delen", nil, "Origin", "https://las.school.example", "Access-Control-Request-Method", "POST")
	if r.status != http.StatusNoContent || !strings.Contains(r.header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("preflight: %d %v", r.status, r.header)
	}
	r = c.do("OPTIONS", "/api/v1/mag-ik-dit-delen", nil, "Origin", "https://elders.example", "Access-Control-Request-Method", "POST")
	if r.status == http.StatusNoContent || r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from elsewhere: %d %v", r.status, r.header)
	}
}
