// Command auditalias measures what the per-pupil audit alias (docs/audit.md §10) costs, end to
// end through the store: durable appends per second of entries about pupils through the
// group-commit batcher (the path of every read and refusal), and the FG's two questions — the
// overview (a page of 50 entries with the aliases on it resolved to pupils, as /audit does) and
// the look-up of one pupil (Search by pseudonym: pseudonym and alias). Each run has a fresh
// database with the same pupils and entries, with the alias (a key vault attached: entries carry
// the pupil's alias) or without (no key vault: entries carry the region's pseudonym). Pairs
// alternate which variant goes first; the summary gives the median of the per-pair ratios
// (alias / pseudonym). See docs/performance.md.
//
//	go run ./bench/auditalias -paren 5
//	go run ./bench/auditalias -paren 5 -pg 'postgres://postgres@127.0.0.1:5432/gs_bewaar?sslmode=disable'
//
// With -pg every run first empties that database's public schema: give it a database of its own.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
)

func main() {
	pairs := flag.Int("paren", 5, "aantal paren (met en zonder alias)")
	pupils := flag.Int("leerlingen", 2000, "leerlingen in de regio")
	appends := flag.Int("regels", 40000, "regels per schrijfmeting")
	writers := flag.Int("schrijvers", 32, "gelijktijdige schrijvers")
	reads := flag.Int("vragen", 300, "vragen per leesmeting (overzicht, en opzoeken van een leerling)")
	pg := flag.String("pg", "", "postgres://-URL van een eigen, lege database (leeg: SQLite in een tijdelijke map)")
	flag.Parse()
	if err := run(*pairs, *pupils, *appends, *writers, *reads, *pg); err != nil {
		fmt.Fprintln(os.Stderr, "bench/auditalias:", err)
		os.Exit(1)
	}
}

// result is one run's figures.
type result struct {
	rate                  float64       // durable entries per second
	appendP50, appendP99  time.Duration // latency of one Append through the batcher
	cpuPerEntry           time.Duration // process CPU per entry
	overview, overviewP99 time.Duration // the FG's overview page (median, p99)
	lookup, lookupP99     time.Duration // the FG's look-up of one pupil (median, p99)
}

func run(pairs, pupils, appends, writers, reads int, pg string) error {
	fmt.Printf("GOMAXPROCS %d, %d leerlingen, %d regels, %d schrijvers, %d vragen; engine %s\n", runtime.GOMAXPROCS(0), pupils, appends, writers, reads, map[bool]string{true: "postgres", false: "sqlite"}[pg != ""])
	var ratios [6][]float64
	for p := 0; p < pairs; p++ {
		order := []bool{true, false}
		if p%2 == 1 {
			order = []bool{false, true}
		}
		res := map[bool]result{}
		for _, alias := range order {
			r, err := once(alias, pupils, appends, writers, reads, pg)
			if err != nil {
				return err
			}
			res[alias] = r
			fmt.Printf("paar %d %-10s: %7.0f regels/s (p50 %s, p99 %s, CPU %.1f µs/regel); overzicht %s (p99 %s); leerling opzoeken %s (p99 %s)\n",
				p+1, map[bool]string{true: "alias", false: "pseudoniem"}[alias], r.rate, r.appendP50.Round(10*time.Microsecond), r.appendP99.Round(10*time.Microsecond),
				float64(r.cpuPerEntry.Nanoseconds())/1000, r.overview.Round(time.Microsecond), r.overviewP99.Round(time.Microsecond),
				r.lookup.Round(time.Microsecond), r.lookupP99.Round(time.Microsecond))
		}
		a, b := res[true], res[false]
		for i, v := range []float64{b.rate / a.rate, float64(a.appendP99) / float64(b.appendP99), float64(a.cpuPerEntry) / float64(b.cpuPerEntry),
			float64(a.overview) / float64(b.overview), float64(a.lookup) / float64(b.lookup), float64(a.lookupP99) / float64(b.lookupP99)} {
			ratios[i] = append(ratios[i], v)
		}
	}
	fmt.Println("mediaan van de verhoudingen per paar (alias / pseudoniem; > 1 is duurder met de alias):")
	for i, name := range []string{"schrijven: tijd per regel (1 / doorvoer)", "schrijven: p99-latentie", "schrijven: CPU per regel", "FG-overzicht: mediaan", "leerling opzoeken: mediaan", "leerling opzoeken: p99"} {
		fmt.Printf("# RESULT %-40s %.3f  (paren: %s)\n", name, median(ratios[i]), fmtRatios(ratios[i]))
	}
	return nil
}

func fmtRatios(v []float64) string {
	s := ""
	for i, x := range v {
		if i > 0 {
			s += " "
		}
		s += fmt.Sprintf("%.3f", x)
	}
	return s
}

func median[T float64 | time.Duration](v []T) T {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

func pct(v []time.Duration, q float64) time.Duration {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*q))]
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// once builds a fresh region with the pupils and measures one variant.
func once(alias bool, pupils, appends, writers, reads int, pg string) (result, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "bench-auditalias-")
	if err != nil {
		return result{}, err
	}
	defer os.RemoveAll(dir)
	dsn := filepath.Join(dir, "g.db")
	if pg != "" {
		dsn = pg
		admin, err := store.Open(ctx, pg)
		if err != nil {
			return result{}, err
		}
		_, err = admin.Exec(ctx, "DROP SCHEMA public CASCADE")
		if err == nil {
			_, err = admin.Exec(ctx, "CREATE SCHEMA public")
		}
		admin.Close()
		if err != nil {
			return result{}, fmt.Errorf("database legen: %w", err)
		}
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return result{}, err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx, time.Now().UnixMilli()); err != nil {
		return result{}, err
	}
	ring, err := ident.LoadKeyFile(filepath.Join(dir, "sleutels.json"))
	if err != nil {
		return result{}, err
	}
	if _, err := ring.Create("bench"); err != nil {
		return result{}, err
	}
	keys, err := ring.Region("bench")
	if err != nil {
		return result{}, err
	}
	if alias {
		vdsn := filepath.Join(dir, "kluis.db")
		if pg != "" {
			vdsn = pg // as serve does on PostgreSQL: the vault in the same database, on its own handle
		}
		v, err := store.OpenKeyVault(ctx, vdsn, ring)
		if err != nil {
			return result{}, err
		}
		db.UseKeyVault(v)
	}
	r, _ := region.NewRegion("bench", "Benchregio", region.Midden)
	if r, err = db.CreateRegion(ctx, r, time.Now()); err != nil {
		return result{}, err
	}
	bsns, err := ident.SyntheticBSNs(pupils)
	if err != nil {
		return result{}, err
	}
	var org int64
	pseudos := make([]string, pupils)
	err = db.WithTx(ctx, func(tx *store.Tx) error {
		o, _ := region.NewOrganisation(region.Organisation{Kind: region.KindGemeente, Name: "Gemeente Bench", CBSCode: "GM0001"})
		if org, err = tx.CreateOrganisation(ctx, r.ID, o); err != nil {
			return err
		}
		for i, bsn := range bsns {
			p, err := region.NewPupil(region.Pupil{NumberKind: ident.BSN, Number: bsn, FirstName: "Kim", LastName: fmt.Sprintf("Bench %d", i), BirthDate: time.Date(2012, 4, 2, 0, 0, 0, 0, time.UTC), GemeenteID: org}, time.Now())
			if err != nil {
				return err
			}
			if _, pseudos[i], err = tx.CreatePupil(ctx, r.ID, p, keys, time.Now()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return result{}, err
	}
	as := store.NewAuditStore(db)
	rng := rand.New(rand.NewPCG(1, 2)) // the same pupils and order in both variants
	entry := func(i int) (audit.Entry, error) {
		return audit.NewEntry(audit.Record{
			Time: time.Now(), Actor: audit.Actor{UserID: 7, OrganisationID: org, Role: "leerplicht"}, Pupil: pseudos[i%pupils],
			Categories: []string{"verzuim"}, Action: audit.ActionRead, Purpose: "verzuimaanpak", LegalGround: "avg-6-1-c",
			Outcome: audit.Allowed, AccessPoint: audit.AccessUI, RequestID: fmt.Sprintf("req-%d", i),
			TraceID: audit.NewTraceID(), OperationID: audit.NewOperationID(), Name: "verzuim-lezen",
			ProcessingActivity: "urn:grondslag:verwerking:verzuim",
		}, keys)
	}
	// Warm-up, not timed: one entry per pupil (every pupil then has its key, as in a region in use).
	var warm []audit.Entry
	for i := 0; i < pupils; i++ {
		e, err := entry(i)
		if err != nil {
			return result{}, err
		}
		warm = append(warm, e)
	}
	if err := db.WithTx(ctx, func(tx *store.Tx) error { return as.Append(ctx, tx, r.ID, warm...) }); err != nil {
		return result{}, err
	}
	pool := make([]audit.Entry, appends)
	for i := range pool {
		if pool[i], err = entry(rng.IntN(pupils)); err != nil {
			return result{}, err
		}
	}
	runtime.GC()
	b := store.NewAuditBatcher(as, 2000)
	var mu sync.Mutex
	var lat []time.Duration
	var next int
	var firstErr error
	var wg sync.WaitGroup
	cpu0, t0 := processCPU(), time.Now()
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= appends {
					break
				}
				t := time.Now()
				if err := b.Append(ctx, r.ID, pool[i]); err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					break
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	el, cpu := time.Since(t0), processCPU()-cpu0
	b.Close()
	if firstErr != nil {
		return result{}, firstErr
	}
	res := result{rate: float64(appends) / el.Seconds(), appendP50: pct(lat, 0.5), appendP99: pct(lat, 0.99), cpuPerEntry: cpu / time.Duration(appends)}

	// The FG's overview: a page of 50 (pages spread over the log), aliases resolved to pupils.
	total := pupils + appends
	var ov, lk []time.Duration
	for i := 0; i < reads; i++ {
		t := time.Now()
		leaves, _, err := as.Search(ctx, r.ID, audit.Filter{Offset: rng.IntN(total/50) * 50, Limit: 50})
		if err != nil {
			return result{}, err
		}
		var aliases []string
		for _, l := range leaves {
			if p := l.Entry.Pupil(); audit.IsAlias(p) {
				aliases = append(aliases, p)
			}
		}
		if len(aliases) > 0 {
			m, err := as.AuditAliasPupils(ctx, r.ID, aliases)
			if err != nil {
				return result{}, err
			}
			if len(m) == 0 {
				return result{}, fmt.Errorf("geen alias herleid")
			}
		}
		if alias != (len(aliases) == len(leaves)) || len(leaves) != 50 {
			return result{}, fmt.Errorf("overzicht: %d regels, %d met een alias (alias %v)", len(leaves), len(aliases), alias)
		}
		ov = append(ov, time.Since(t))
	}
	// The FG's look-up of one pupil (the first page of its entries).
	for i := 0; i < reads; i++ {
		t := time.Now()
		leaves, _, err := as.Search(ctx, r.ID, audit.Filter{Pupil: pseudos[rng.IntN(pupils)], Limit: 50})
		if err != nil {
			return result{}, err
		}
		if len(leaves) == 0 {
			return result{}, fmt.Errorf("leerling zonder regels")
		}
		lk = append(lk, time.Since(t))
	}
	res.overview, res.overviewP99, res.lookup, res.lookupP99 = pct(ov, 0.5), pct(ov, 0.99), pct(lk, 0.5), pct(lk, 0.99)
	return res, nil
}
