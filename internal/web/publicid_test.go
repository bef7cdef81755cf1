package web_test

import (
	"strings"
	"testing"
)

// TestPublicIDs: the API shows no row numbers and takes none: a row number or an id of another
// kind in the path is a 404, the public id of the pupil works, and ids do not follow each other.
func TestPublicIDs(t *testing.T) {
	w := newWorld(t)
	c := w.client()
	tok := w.token("leerlingen:lezen")
	get := func(path string) resp { return c.get(path, "Authorization", "Bearer "+tok) }
	good := w.pid("leerling", w.pupil1)
	if r := get("/api/v1/leerlingen/" + good + "?doel=signalering"); r.status != 200 || !strings.Contains(r.body, `"id":"`+good+`"`) {
		t.Fatalf("public id: %d %s", r.status, r.body)
	}
	for _, bad := range []string{itoa(w.pupil1), w.pid("casus", w.pupil1), good[:21] + "A", strings.Repeat("A", 22)} {
		if bad == good {
			continue
		}
		if r := get("/api/v1/leerlingen/" + bad + "?doel=signalering"); r.status != 404 {
			t.Errorf("%s: %d", bad, r.status)
		}
	}
	a, b := w.pid("leerling", 1), w.pid("leerling", 2)
	if len(a) != 22 || a == b || a[:8] == b[:8] {
		t.Errorf("ids 1 and 2: %s %s", a, b)
	}
	if r := get("/api/v1/leerlingen?doel=signalering"); strings.Contains(r.body, `"id":`+itoa(w.pupil1)) {
		t.Errorf("row number in the list: %s", r.body)
	}
}
