package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/web"
)

// TestDutchErrorPages: an unknown page is a Dutch 404 in the site's layout, a known page with the
// wrong method a Dutch 405 with Allow; never Go's English text (issue 15).
func TestDutchErrorPages(t *testing.T) {
	w := newWorld(t)
	c := w.client()
	for _, tt := range []struct {
		method, path string
		status       int
		want         string
	}{
		{"GET", "/bestaat-niet", 404, "Niet gevonden"},
		{"GET", "/leerlingen/1/onbekend", 404, "Niet gevonden"},
		{"POST", "/start", 405, "Methode niet toegestaan"},
		{"DELETE", "/leerlingen", 405, "Methode niet toegestaan"},
	} {
		r := c.do(tt.method, tt.path, nil)
		if r.status != tt.status || !strings.Contains(r.body, tt.want) || !strings.Contains(r.body, `<html lang="nl">`) ||
			strings.Contains(r.body, "page not found") || strings.Contains(r.body, "Method Not Allowed") {
			t.Errorf("%s %s: %d\n%s", tt.method, tt.path, r.status, r.body)
		}
		if tt.status == 405 && r.header.Get("Allow") == "" {
			t.Errorf("%s %s: no Allow header", tt.method, tt.path)
		}
	}
	// Signed in: the same Dutch 404.
	c.login("zc")
	if r := c.get("/bestaat-niet"); r.status != 404 || !strings.Contains(r.body, "Niet gevonden") {
		t.Errorf("signed in: %d", r.status)
	}
}

func TestDutchFormatting(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{web.Count(1, "leerling", "leerlingen"), "1 leerling"},
		{web.Count(0, "leerling", "leerlingen"), "0 leerlingen"},
		{web.Count(250000, "leerling", "leerlingen"), "250.000 leerlingen"},
		{web.Thousands(-1234567), "-1.234.567"},
		{web.Decimal(15.5), "15,5"},
		{web.Decimal(7), "7"},
		{web.LongDate("2026-12-03"), "3 december 2026"},
		{web.LongDate("geen datum"), "geen datum"},
		{web.RoleName("zorgcoordinator"), "zorgcoördinator"},
		{web.PupilRef("465353915117575dccb8d52806fd3804"), "L-46535391"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
	_ = http.StatusOK
}
