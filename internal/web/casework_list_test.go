package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/casework"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
)

// /casussen is sorted and exported as CSV (issue 15): newest first by default, by opening date,
// kind of meeting, phase or status; the CSV holds what the page shows (no names: the case and the
// pupil by their public ids) and every exported case is logged as "casus-export".
func TestCasusListSortAndCSV(t *testing.T) {
	w, svc, first := caseWorld(t)
	ctx := context.Background()
	w.clock.Add(48 * time.Hour)
	zcOp := casework.Op{Actor: store.ActorOf(region.User{ID: w.users["zc"].id, Role: "zorgcoordinator", Name: "ZC"}, region.Organisation{ID: w.school1, Kind: region.KindSchool}), Point: audit.AccessUI, RequestID: "t"}
	c, err := svc.Open(ctx, w.r1, zcOp, casework.OpenRequest{PupilID: w.pupil1, Type: "mdo", Purpose: "toeleiding", Question: "Wat heeft Anouk nodig?"})
	if err != nil {
		t.Fatal(err)
	}
	second := c.ID
	zc := w.client()
	zc.login("zc")
	order := func(path string) (int, int) {
		t.Helper()
		r := zc.get(path)
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d\n%s", path, r.status, r.body)
		}
		a, b := strings.Index(r.body, fmt.Sprintf("Casus %d<", first)), strings.Index(r.body, fmt.Sprintf("Casus %d<", second))
		if a < 0 || b < 0 {
			t.Fatalf("%s: both cases expected\n%s", path, r.body)
		}
		return a, b
	}
	if a, b := order("/casussen"); b > a {
		t.Errorf("default: the newest case first")
	}
	if a, b := order("/casussen?sorteer=geopend"); a > b {
		t.Errorf("geopend: the oldest case first")
	}
	if a, b := order("/casussen?sorteer=soort"); b > a { // multidisciplinair overleg < zorg- en adviesteam
		t.Errorf("soort: mdo before zat")
	}
	if a, b := order("/casussen?sorteer=-soort"); a > b {
		t.Errorf("-soort: zat before mdo")
	}
	for _, bad := range []string{"leerling", "fase"} {
		if r := zc.get("/casussen?sorteer=" + bad); r.status != http.StatusBadRequest {
			t.Errorf("unknown order %s: %d", bad, r.status)
		}
	}
	if r := zc.get("/casussen?sorteer=status"); r.status != http.StatusOK {
		t.Errorf("order by status: %d", r.status)
	}
	page := zc.get("/casussen")
	if !strings.Contains(page.body, `href="/casussen?sorteer=soort"`) || !strings.Contains(page.body, `href="/casussen?formaat=csv"`) {
		t.Errorf("sort and CSV links missing:\n%s", page.body)
	}

	logged := func() int {
		leaves, err := store.NewAuditStore(w.db).Recent(ctx, w.r1, 1000)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, l := range leaves {
			if l.Entry.Record().Name == "casus-export" {
				n++
			}
		}
		return n
	}
	if n := logged(); n != 0 {
		t.Fatalf("%d export entries before any export", n)
	}
	r := zc.get("/casussen?formaat=csv&sorteer=geopend")
	lines := strings.Split(strings.TrimSpace(r.body), "\r\n")
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") || len(lines) != 3 ||
		lines[0] != "\ufeffcasus;leerling;soort overleg;fase;geopend;status" {
		t.Fatalf("csv: %d %q\n%s", r.status, r.header.Get("Content-Type"), r.body)
	}
	want1 := w.pid("casus", first) + ";" + w.pid("leerling", w.pupil1) + ";zorg- en adviesteam;overleg;06-10-2025;open"
	want2 := w.pid("casus", second) + ";" + w.pid("leerling", w.pupil1) + ";multidisciplinair overleg;aanmelding;08-10-2025;open"
	if lines[1] != want1 || lines[2] != want2 {
		t.Errorf("csv rows:\n%s\n%s\nwant\n%s\n%s", lines[1], lines[2], want1, want2)
	}
	if strings.Contains(r.body, "Anouk") || strings.Contains(r.body, "Visser") {
		t.Errorf("csv names the pupil:\n%s", r.body)
	}
	if n := logged(); n != 2 {
		t.Errorf("export logged %d entries, want one per case (2)", n)
	}
}
