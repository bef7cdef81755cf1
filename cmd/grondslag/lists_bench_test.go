package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/demo"
	"github.com/grondslag/grondslag/internal/dossier"
)

// TestListTimings measures the list pages on a demo region of GRONDSLAG_BENCH_LEERLINGEN pupils
// (issue 15, item 6: every list page under 100 ms at 50,000 pupils): the median of
// GRONDSLAG_BENCH_HERHALINGEN (default 9) requests per page through the real server (SQLite,
// policy, audit batcher), for every role and every list page (what a role may not open is
// reported with its status). GRONDSLAG_BENCH_MAP keeps the demo region in a directory and reuses
// it in the next run (keptDemoSite); GRONDSLAG_BENCH_PAGINAS, a regular expression on "role path",
// limits the pages; GRONDSLAG_BENCH_VERGELIJK=1 also times the queries before issue 15
// (compareQueries, minutes at 50,000). For the school roles it
// takes the account of the largest school, for leerplicht the gemeente with the most pupils: the
// worst case of the region. It only reports (the machine is shared and noisy); each line starts
// with RESULT so bench/lists/run.sh can put two runs side by side; the figures go in
// docs/performance.md.
//
//	GRONDSLAG_BENCH_LEERLINGEN=50000 GRONDSLAG_BENCH_MAP=/tmp/bench-50k go test ./cmd/grondslag -run TestListTimings -v -timeout 60m
func TestListTimings(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("GRONDSLAG_BENCH_LEERLINGEN"))
	if n == 0 {
		t.Skip("GRONDSLAG_BENCH_LEERLINGEN not set")
	}
	reps, _ := strconv.Atoi(os.Getenv("GRONDSLAG_BENCH_HERHALINGEN"))
	if reps < 1 {
		reps = 9
	}
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer slog.SetDefault(prev)
	start := time.Now()
	var d *demoSite
	if dir := os.Getenv("GRONDSLAG_BENCH_MAP"); dir != "" {
		var built bool
		d, built = keptDemoSite(t, n, dir)
		if built {
			t.Logf("RESULT demo leerlingen=%d opbouw_s=%.1f map=%s", n, time.Since(start).Seconds(), dir)
		} else {
			t.Logf("RESULT demo leerlingen=%d hergebruikt map=%s openen_s=%.1f", n, dir, time.Since(start).Seconds())
		}
		if os.Getenv("GRONDSLAG_BENCH_ALLEEN_OPBOUW") != "" {
			return
		}
	} else {
		d = newDemoSite(t, n)
		t.Logf("RESULT demo leerlingen=%d opbouw_s=%.1f", n, time.Since(start).Seconds())
	}
	account := worstCaseAccounts(t, d)
	if os.Getenv("GRONDSLAG_BENCH_VERGELIJK") != "" {
		compareQueries(t, d, account, reps)
	}
	only := regexp.MustCompile(os.Getenv("GRONDSLAG_BENCH_PAGINAS")) // "" matches every page
	measure := func(b *browser, who, path string) {
		// One request first: a page this role may not open (403, 404) is reported, not timed.
		first := b.do("GET", path, nil)
		if first.status != http.StatusOK {
			t.Logf("RESULT %-18s %-36s status=%d", who, path, first.status)
			return
		}
		var ds []time.Duration
		for i := 0; i < reps; i++ {
			s := time.Now()
			p := b.do("GET", path, nil)
			ds = append(ds, time.Since(s))
			if p.status != http.StatusOK {
				t.Errorf("%s %s: status %d", who, path, p.status)
			}
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		med := float64(ds[len(ds)/2].Microseconds()) / 1000
		flag := ""
		if med >= 100 {
			flag = " BOVEN_100_MS"
		}
		t.Logf("RESULT %-18s %-36s status=200 mediaan_ms=%.1f min_ms=%.1f max_ms=%.1f%s", who, path, med,
			float64(ds[0].Microseconds())/1000, float64(ds[len(ds)-1].Microseconds())/1000, flag)
	}
	// Every list page of the web, for every role: what a role may not open is reported with its
	// status.
	lists := []string{"/start", "/leerlingen", "/leerlingen?pagina=5", "/leerlingen?zoek=de", "/leerlingen?sorteer=-geboortedatum",
		"/casussen", "/casussen?sorteer=-geopend", "/verzuim/signalen", "/verzuim/meldingen", "/verzuim/meldingen?alle=ja", "/verzuim/meldingen?sorteer=status",
		"/verzuim/dossiers", "/verzuim/vrijstellingen", "/toestemmingen/verlopend", "/inzage", "/inzage/fg", "/monitor", "/bewaartermijnen",
		"/audit", "/audit?pagina=3", "/audit?uitkomst=geweigerd", "/beheer/accounts", "/beheer/api-clients"}
	roles := []struct{ role, purpose string }{
		{"zorgcoordinator", "signalering"}, {"mentor", "signalering"}, {"directeur", "signalering"},
		{"leerplicht", "handhaving-leerplicht"}, {"swv-consulent", "toeleiding"}, {"onderwijsconsulent", "toeleiding"},
		{"jeugdarts", "signalering"}, {"jeugdhulpverlener", "jeugdhulp"}, {"fg", ""}, {"beheerder", ""},
	}
	for _, c := range roles {
		email, ok := account[c.role]
		if !ok {
			t.Logf("RESULT %-18s geen account", c.role)
			continue
		}
		b := d.browser(c.role)
		b.login(email)
		if c.purpose != "" {
			b.post("/start", "/doel", url.Values{"doel": {c.purpose}})
		}
		for _, p := range lists {
			if only.MatchString(c.role + " " + p) {
				measure(b, c.role, p)
			}
		}
	}
}

// worstCaseAccounts picks per role the demo account with the most pupils: the largest school's
// accounts, the gemeente where most pupils live; one account for the other roles.
func worstCaseAccounts(t *testing.T, d *demoSite) map[string]string {
	t.Helper()
	ctx := context.Background()
	size := map[int64]int{}
	for _, q := range []string{
		`SELECT school_id, COUNT(*) FROM inschrijving WHERE regio_id = ? GROUP BY school_id`,
		`SELECT woongemeente_id, COUNT(*) FROM leerling WHERE regio_id = ? AND woongemeente_id IS NOT NULL GROUP BY woongemeente_id`,
	} {
		rows, err := d.db.Query(ctx, q, d.res.Region.ID)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				t.Fatal(err)
			}
			size[id] = n
		}
		rows.Close()
	}
	best := map[string]demo.Account{}
	for _, a := range d.res.Accounts {
		r := string(a.Role)
		if cur, ok := best[r]; !ok || size[a.OrgID] > size[cur.OrgID] {
			best[r] = a
		}
	}
	out := map[string]string{}
	for r, a := range best {
		out[r] = a.Email
		t.Logf("RESULT account %-16s leerlingen_van_organisatie=%d", r, size[a.OrgID])
	}
	return out
}

// compareQueries times, in the same run on the same database, the list queries before issue 15
// (store.VisiblePupilsBaseline; the melding list as the web read it: every visible pupil paged
// through, one Meldingen query each) against the ones the pages use now (VisiblePupils,
// MeldingList), for the zorgcoördinator of the largest school and leerplicht of the largest
// gemeente. Store level only: the pages add the policy and the audit of the rows shown.
func compareQueries(t *testing.T, d *demoSite, account map[string]string, reps int) {
	ctx := context.Background()
	today := time.Now().UTC().Format(time.DateOnly)
	party := map[int64]string{}
	for _, o := range d.res.Orgs {
		party[o.ID] = o.Party()
	}
	median := func(f func() error) float64 {
		var ds []time.Duration
		for i := 0; i < reps; i++ {
			s := time.Now()
			if err := f(); err != nil {
				t.Fatal(err)
			}
			ds = append(ds, time.Since(s))
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		return float64(ds[len(ds)/2].Microseconds()) / 1000
	}
	for _, a := range d.res.Accounts {
		role := string(a.Role)
		if (role != "zorgcoordinator" && role != "leerplicht") || account[role] != a.Email {
			continue
		}
		actor := dossier.Actor{RegionID: d.res.Region.ID, UserID: a.UserID, OrgID: a.OrgID, Party: party[a.OrgID], Role: role}
		pg := dossier.Page{Number: 1, Size: 25}
		// The baseline grows with the region: timed once, and stopped after a minute.
		once := func(f func(deadline time.Time) (bool, error)) string {
			s := time.Now()
			done, err := f(s.Add(time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			if !done {
				return "meer_dan_60000"
			}
			return fmt.Sprintf("%.1f", float64(time.Since(s).Microseconds())/1000)
		}
		before := once(func(time.Time) (bool, error) {
			_, _, err := d.db.VisiblePupilsBaseline(ctx, actor, today, pg)
			return true, err
		})
		after := median(func() error { _, _, err := d.db.VisiblePupils(ctx, actor, today, "", pg); return err })
		t.Logf("RESULT query %-16s leerlingenlijst   voor_ms=%s na_ms=%.1f", role, before, after)
		before = once(func(deadline time.Time) (bool, error) {
			for n := 1; ; n++ {
				if time.Now().After(deadline) {
					return false, nil
				}
				list, total, err := d.db.VisiblePupilsBaseline(ctx, actor, today, dossier.Page{Number: n, Size: 100})
				if err != nil {
					return false, err
				}
				for _, l := range list {
					if _, err := d.db.Meldingen(ctx, actor.RegionID, l.ID); err != nil {
						return false, err
					}
				}
				if n*100 >= total {
					return true, nil
				}
			}
		})
		after = median(func() error {
			_, _, err := d.db.MeldingList(ctx, actor, today, false, dossier.Page{Number: 1, Size: 50})
			return err
		})
		t.Logf("RESULT query %-16s meldingenlijst    voor_ms=%s na_ms=%.1f", role, before, after)
	}
}
