package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/civil"
	"github.com/grondslag/grondslag/internal/monitor"
	"github.com/grondslag/grondslag/internal/web"
)

// fakeMonitor is a region of thirteen spells: seven at home since September, five not
// enrolled, one exempt under art. 5 onder a; and four schools' registered absence.
type fakeMonitor struct{}

func (fakeMonitor) MonitorSpells(context.Context, int64) ([]monitor.Spell, []string, error) {
	var out []monitor.Spell
	birth := civil.Date{Year: 2012, Month: 5, Day: 1}
	for i := 0; i < 13; i++ {
		s := monitor.Spell{Kind: monitor.LongRelative, SchoolType: monitor.VO, Birth: birth, Start: civil.Date{Year: 2025, Month: 6, Day: 2}}
		switch {
		case i == 12:
			s.Kind, s.SchoolType = monitor.Exempt5a, monitor.NoSchool
		case i >= 7:
			s.Kind, s.SchoolType = monitor.Absolute, monitor.NoSchool
		}
		out = append(out, s)
	}
	return out, []string{"Gemeente Een"}, nil
}

func (fakeMonitor) MonitorSchoolAbsence(context.Context, int64, civil.Date, civil.Date) ([]monitor.SchoolAbsence, error) {
	return []monitor.SchoolAbsence{
		{School: "De Linde", Type: monitor.PO, Pupils: 200, Hours: 2000},
		{School: "Het Anker", Type: monitor.PO, Pupils: 200, Hours: 2100},
		{School: "De Stille", Type: monitor.PO, Pupils: 200, Hours: 40},
	}, nil
}

func TestMonitorPagesShowOnlySuppressedCounts(t *testing.T) {
	w := newWorld(t)
	if err := w.web.MountMonitor(web.MonitorDeps{Source: fakeMonitor{}}); err != nil {
		t.Fatal(err)
	}
	c := w.client()
	c.login("swv")
	r := c.get("/monitor?peildatum=2025-10-06")
	if r.status != http.StatusOK {
		t.Fatalf("swv: %d %s", r.status, r.body)
	}
	for _, want := range []string{"Thuiszitters in cijfers", "<svg", `role="img"`, "&lt;5", "Definitie: Langdurig relatief verzuim", "De Stille", "6 oktober 2025"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, never := range []string{"Anouk", "Visser", "pseudo-leerling"} {
		if strings.Contains(r.body, never) {
			t.Errorf("page shows %q", never)
		}
	}
	var logged bool
	for _, rec := range w.audit.all() {
		if rec.Purpose == "monitoring" && rec.Pupil == "" {
			logged = true
		}
	}
	if !logged {
		t.Error("the monitoring decision is not in the audit log")
	}
	// A gemeente filter shows that gemeente's rows; an unknown one is a clear error.
	if r := c.get("/monitor?gemeente=Gemeente%20Een"); r.status != http.StatusOK || !strings.Contains(r.body, "geldt voor de hele regio") {
		t.Errorf("filter: %d", r.status)
	}
	if r := c.get("/monitor?gemeente=Nergens"); r.status != http.StatusBadRequest {
		t.Errorf("unknown gemeente: %d", r.status)
	}
	if r := c.get("/monitor?peildatum=31-02-2026"); r.status != http.StatusBadRequest {
		t.Errorf("bad date: %d", r.status)
	}

	csv := c.get("/monitor/export?formaat=csv&peildatum=2025-10-06")
	if csv.status != http.StatusOK || !strings.HasPrefix(csv.body, "\ufeffPeildatum;06-10-2025") || !strings.Contains(csv.header.Get("Content-Disposition"), "thuiszitters-2025-10-06.csv") {
		t.Errorf("csv: %d %q", csv.status, csv.header)
	}
	insp := c.get("/monitor/export?formaat=xlsx&inspectie=1&peildatum=2025-10-06")
	if insp.status != http.StatusOK || !strings.HasPrefix(insp.body, "PK") || !strings.Contains(insp.header.Get("Content-Disposition"), "inspectie-2025-K4") {
		t.Errorf("inspectie xlsx: %d %q", insp.status, insp.header)
	}
	if r := c.get("/monitor/export?formaat=pdf"); r.status != http.StatusBadRequest {
		t.Errorf("pdf: %d", r.status)
	}

	// The directeur sees the counts (convenant rule monitoring-school) but not the schools
	// flagged for the audit.
	dir := w.client()
	dir.login("directeur")
	if r := dir.get("/monitor"); r.status != http.StatusOK || strings.Contains(r.body, "De Stille") || !strings.Contains(r.body, "<svg") {
		t.Errorf("directeur: %d", r.status)
	}
	// Leerplicht sees the figures too; a mentor and a zorgcoördinator do not get the page.
	l := w.client()
	l.login("lpa")
	if r := l.get("/monitor"); r.status != http.StatusOK {
		t.Errorf("leerplicht: %d", r.status)
	}
	for _, key := range []string{"mentor", "zc", "jeugdarts"} {
		k := w.client()
		k.login(key)
		if r := k.get("/monitor"); r.status == http.StatusOK {
			t.Errorf("%s sees the monitor", key)
		}
	}
}
