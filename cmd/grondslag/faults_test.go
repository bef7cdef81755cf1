package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/grondslag/grondslag/internal/store"
)

var pupilLinkRe = regexp.MustCompile(`href="(/leerlingen/[A-Za-z0-9_-]+)"`)

// TestFullDiskRefusesWritesAndLosesNothing: when the database cannot grow (SQLite's
// max_page_count gives the same SQLITE_FULL as a full disk; bench/faults/schijf-vol.sh does it
// with a real full file system), a pupil page, whose reading must be logged before it is shown,
// is refused with a clear Dutch 503 and without the pupil's data, /gereed says not ready, no
// partial entry reaches the audit log, and once there is room again everything works and the
// log verifies.
func TestFullDiskRefusesWritesAndLosesNothing(t *testing.T) {
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer slog.SetDefault(prev)
	ctx := context.Background()
	d := newDemoSite(t, 40)
	d.db.SetStorageFullWindow(time.Minute)
	b := d.browser("zorg")
	b.login(d.res.Accounts[0].Email)
	if r := b.post("/start", "/doel", url.Values{"doel": {"signalering"}}); r.status >= 400 {
		t.Fatalf("doel: %d", r.status)
	}
	list := b.do("GET", "/leerlingen", nil)
	m := pupilLinkRe.FindStringSubmatch(list.body)
	if m == nil {
		t.Fatalf("no pupil link on /leerlingen (%d)", list.status)
	}
	pupil := m[1]
	as := store.NewAuditStore(d.db)
	region := d.res.Region.ID
	size := func() uint64 {
		t.Helper()
		n, _, err := as.Head(ctx, region)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	ready := func() int {
		t.Helper()
		time.Sleep(1100 * time.Millisecond) // past /gereed's one-second cache
		r := b.do("GET", "/gereed", nil)
		return r.status
	}
	if c := ready(); c != 200 {
		t.Fatalf("/gereed before: %d", c)
	}
	s0 := size()
	if p := b.do("GET", pupil, nil); p.status != 200 {
		t.Fatalf("%s before: %d", pupil, p.status)
	}
	perView := size() - s0
	if perView == 0 {
		t.Fatal("a pupil page left no audit entry")
	}

	// The disk is full: the database may not grow by one page.
	var pages int64
	if err := d.db.QueryRow(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := d.db.Exec(ctx, "PRAGMA max_page_count = "+strconv.FormatInt(pages, 10)); err != nil {
		t.Fatal(err)
	}
	var refused page
	okViews := 0
	start := size()
	for i := 0; i < 400; i++ { // pages with room left fill first
		p := b.do("GET", pupil, nil)
		if p.status == 200 {
			okViews++
			continue
		}
		refused = p
		break
	}
	if refused.status != http.StatusServiceUnavailable {
		t.Fatalf("a full database never refused the page (last status %d after %d views)", refused.status, okViews)
	}
	if !strings.Contains(refused.body, "schijf van de database is vol") || !strings.Contains(refused.body, "niets opgeslagen") {
		t.Errorf("the refusal does not say the disk is full and nothing was stored:\n%s", refused.body)
	}
	for _, n := range d.names {
		if strings.Contains(refused.body, n.last+",") || strings.Contains(refused.body, n.first+" "+n.last) {
			t.Errorf("the refused page shows a pupil's name")
		}
	}
	if c := ready(); c != http.StatusServiceUnavailable {
		t.Errorf("/gereed with a full disk: %d, want 503", c)
	}
	if got, want := size(), start+perView*uint64(okViews); got != want {
		t.Errorf("audit log grew by %d during %d shown views: a refused view left entries", got-start, okViews)
	}

	// Room again: no manual step, the next view works and the log verifies.
	if _, err := d.db.Exec(ctx, "PRAGMA max_page_count = 1073741823"); err != nil {
		t.Fatal(err)
	}
	d.db.SetStorageFullWindow(time.Second)
	if c := ready(); c != 200 {
		t.Errorf("/gereed after the disk has room again: %d", c)
	}
	if p := b.do("GET", pupil, nil); p.status != 200 {
		t.Errorf("%s after the disk has room again: %d", pupil, p.status)
	}
	res, err := as.Verify(ctx, region, store.VerifyOptions{Verifiers: mustVerifiers(t, d)})
	if err != nil {
		t.Fatalf("verify after a full disk: %v", err)
	}
	if res.Size != size() {
		t.Errorf("verified %d entries, head says %d", res.Size, size())
	}
}

func mustVerifiers(t *testing.T, d *demoSite) []note.Verifier {
	t.Helper()
	keys, err := d.ring.Region(d.res.Region.Code)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := regionVerifiers(d.res.Region.Code, keys)
	if err != nil {
		t.Fatal(err)
	}
	return vs
}
