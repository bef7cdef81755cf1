package main

import (
	"io"
	"log/slog"
	"net/url"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"
)

// TestListTimings measures the list pages on a demo region of GRONDSLAG_BENCH_LEERLINGEN pupils
// (issue 15, item 6): the median of 9 requests per page, as the zorgcoördinator (signalering),
// leerplicht (handhaving-leerplicht) and the FG. It only reports (the machine is shared and
// noisy); the figures go in docs/performance.md.
//
//	GRONDSLAG_BENCH_LEERLINGEN=50000 go test ./cmd/grondslag -run TestListTimings -v -timeout 30m
func TestListTimings(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("GRONDSLAG_BENCH_LEERLINGEN"))
	if n == 0 {
		t.Skip("GRONDSLAG_BENCH_LEERLINGEN not set")
	}
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer slog.SetDefault(prev)
	start := time.Now()
	d := newDemoSite(t, n)
	t.Logf("demoregio van %d leerlingen in %s", n, time.Since(start).Round(time.Second))
	first := map[string]string{}
	for _, a := range d.res.Accounts {
		if _, ok := first[string(a.Role)]; !ok {
			first[string(a.Role)] = a.Email
		}
	}
	measure := func(b *browser, who, path string) {
		var ds []time.Duration
		status := 0
		for i := 0; i < 9; i++ {
			s := time.Now()
			p := b.do("GET", path, nil)
			ds = append(ds, time.Since(s))
			status = p.status
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		t.Logf("%-16s %-40s status %d  mediaan %7.1f ms  min %7.1f ms", who, path, status, float64(ds[4].Microseconds())/1000, float64(ds[0].Microseconds())/1000)
	}
	for _, c := range []struct{ role, purpose string }{{"zorgcoordinator", "signalering"}, {"leerplicht", "handhaving-leerplicht"}} {
		b := d.browser(c.role)
		b.login(first[c.role])
		b.post("/start", "/doel", url.Values{"doel": {c.purpose}})
		for _, p := range []string{"/start", "/leerlingen", "/leerlingen?pagina=5", "/leerlingen?zoek=de", "/casussen", "/verzuim/meldingen"} {
			measure(b, c.role, p)
		}
	}
	b := d.browser("fg")
	b.login(first["fg"])
	for _, p := range []string{"/audit", "/audit?pagina=3", "/audit?uitkomst=geweigerd"} {
		measure(b, "fg", p)
	}
}
