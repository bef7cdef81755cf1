package web_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/grondslag/grondslag/internal/web"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// The server's logs (JSON, as in production, at debug level) hold no personal data: after sign-ins,
// failed sign-ins, pupil pages, searches and API calls that carry a known pupil's name, BSN and
// pseudonym and the parent's contact details, none of them appears in any log line.
func TestLogsHoldNoPersonalData(t *testing.T) {
	var buf syncBuffer
	w := newWorld(t, func(d *web.Deps) {
		d.Logger = slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	const bsn = "999900006"
	secrets := []string{"Anouk", "Visser", bsn, "pseudo-leerling-een-0001", w.parentEm, "0612345678", "Olga",
		w.users["zc"].email, w.users["zc"].password}

	// A failed sign-in with a BSN as e-mail address and a name as password.
	anon := w.client()
	anon.post("/inloggen", "/inloggen", url.Values{"email": {bsn + "@linde.example"}, "wachtwoord": {"Anouk Visser"}})
	anon.post("/inloggen", "/inloggen", url.Values{"email": {w.users["zc"].email}, "wachtwoord": {"Anouk"}})

	c := w.client()
	c.login("zc")
	c.setOfferedPurpose()
	c.get("/leerlingen")
	c.get("/leerlingen?zoek=Anouk+Visser+" + bsn)
	c.get("/leerlingen/" + w.pid("leerling", w.pupil1))
	c.get("/leerlingen/" + w.pid("leerling", w.pupil1) + "?bsn=" + bsn)
	c.get("/bestaat/niet/" + bsn + "/Anouk")
	c.get("/api/v1/leerlingen/" + itoa(w.pupil1))
	c.post("/mag-ik-dit-delen", "/mag-ik-dit-delen", url.Values{"vraag": {"Mag ik het dossier van Anouk Visser (" + bsn + ") delen?"}})

	p := w.client()
	p.loginParent()
	p.get("/leerlingen/" + w.pid("leerling", w.pupil1))

	out := buf.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 10 {
		t.Fatalf("only %d log lines; the test did not exercise the server:\n%s", len(lines), out)
	}
	for i, l := range lines {
		if !json.Valid([]byte(l)) {
			t.Errorf("line %d is not JSON: %s", i+1, l)
		}
		for _, s := range secrets {
			if strings.Contains(strings.ToLower(l), strings.ToLower(s)) {
				t.Errorf("log line %d holds personal data %q:\n%s", i+1, s, l)
			}
		}
	}
}
