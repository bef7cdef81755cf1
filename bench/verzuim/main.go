// Command verzuim is the benchmark of issue 4: import plus evaluation of millions of absence
// registrations by internal/absence (streaming), against the 16-hour rule as a plain SQL window
// query in PostgreSQL on the same data. It never runs as part of `go test`.
//
//	go run ./bench/verzuim --groottes 1000000,2000000,5000000,10000000 --pg-groottes 1000000,10000000
//
// It writes the data files (generated once, deterministic) to --map, measures our evaluation
// --herhalingen times per size (median), resets and reads the peak RSS (VmHWM) around each run,
// and, when --pg is set, loads the same file into a throwaway database with COPY and times the
// window query. The pupils flagged by SQL and by our 16-hour rule must be the same: the
// benchmark fails if they are not.
//
// Besides the CSV it measures the registration spool (absence.WriteSpool once, then
// absence.EvaluateSpool: no parsing, chunks of pupils on --spool-procs cores), and the PostgreSQL
// comparison is paired: per repetition our command and PostgreSQL's run one after the other on
// the same file, and the ratios are medians over the pairs (see pg.go).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "verzuim-benchmark:", err)
		os.Exit(1)
	}
}

func run() error {
	sizes := flag.String("groottes", "1000000,10000000", "aantallen registraties, komma-gescheiden")
	pgSizes := flag.String("pg-groottes", "1000000,10000000", "groottes waarvoor ook de PostgreSQL-basislijn draait (leeg: geen)")
	pgURL := flag.String("pg", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "PostgreSQL-server voor de basislijn (er wordt een wegwerpdatabase gemaakt); leeg: geen basislijn")
	dir := flag.String("map", filepath.Join(os.TempDir(), "grondslag-verzuim-bench"), "map voor de gegenereerde bestanden")
	reps := flag.Int("herhalingen", 3, "metingen per grootte (mediaan)")
	procs := flag.Int("procs", 1, "GOMAXPROCS tijdens onze meting (1: per kern)")
	byDate := flag.Bool("ook-op-datum", true, "meet ook een bestand op datumvolgorde (niet per leerling gegroepeerd: extern sorteren)")
	perPupil := flag.Int("per-leerling", 40, "gemiddeld aantal registraties per leerling (40: 10M = 250.000 leerlingen)")
	genOnly := flag.Bool("alleen-genereren", false, "schrijf alleen de bestanden")
	cpuProfile := flag.String("cpuprofiel", "", "schrijf een CPU-profiel van onze metingen naar dit bestand")
	spoolProcs := flag.String("spool-procs", "1,2", "GOMAXPROCS (en werkers) voor de metingen op de spool, komma-gescheiden; leeg: geen spool")
	pgProcs := flag.Int("pg-procs", 2, "GOMAXPROCS voor onze kant van de gepaarde vergelijking met PostgreSQL (dat ook parallelle workers gebruikt)")
	pgReps := flag.Int("pg-herhalingen", 3, "gepaarde herhalingen per grootte in de vergelijking met PostgreSQL")
	flag.Parse()
	if *cpuProfile != "" {
		pf, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}

	ns, err := parseSizes(*sizes)
	if err != nil {
		return err
	}
	pgs, err := parseSizes(*pgSizes)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	cal, err := absence.DefaultCalendar(absence.Middle)
	if err != nil {
		return err
	}
	ev, err := absence.NewEvaluator(cal, absence.DefaultRules())
	if err != nil {
		return err
	}
	ctx := context.Background()
	fmt.Printf("# verzuim benchmark %s, %s, %d kernen, GOMAXPROCS %d tijdens de meting, belasting bij de start %s\n\n", time.Now().UTC().Format(time.DateOnly), runtime.Version(), runtime.NumCPU(), *procs, loadAvg())
	fmt.Println("| registraties | volgorde | leerlingen | bestand | tijd (mediaan) | CPU-tijd (mediaan) | registraties/s | registraties per CPU-seconde | piek-RSS | signalen | 16-uur-leerlingen | extern gesorteerd |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|---|")
	type ours struct {
		secs, cpu float64
		flagged   int
	}
	results := map[string]ours{}
	sprocs, err := parseSizes(*spoolProcs)
	if err != nil {
		return err
	}
	var spoolRows []string
	for _, n := range ns {
		orders := []bool{false}
		if *byDate {
			orders = append(orders, true)
		}
		for _, od := range orders {
			path, pupils, size, err := ensureFile(*dir, cal, genOptions{Rows: n, PerPupil: *perPupil, ByDate: od, Seed: 1})
			if err != nil {
				return err
			}
			if *genOnly {
				fmt.Printf("| %d | %s | %d | %s | | | | | | | | |\n", n, orderName(od), pupils, mb(size))
				continue
			}
			var times, cpus []float64
			var peak int64
			var res absence.StreamResult
			var nsig, flagged int
			for range *reps {
				prev := runtime.GOMAXPROCS(*procs)
				debug.FreeOSMemory()
				resetPeak()
				start, cpu0 := time.Now(), cpuSeconds()
				f, err := os.Open(path)
				if err != nil {
					return err
				}
				nsig = 0
				flaggedSet := map[string]bool{}
				res, err = ev.EvaluateCSV(ctx, f, absence.StreamOptions{AsOf: absence.NewDate(2026, 7, 31), TempDir: *dir,
					Emit: func(s absence.Signal) error {
						nsig++
						if s.Kind == absence.Kind16Hours || s.Kind == absence.KindLongTerm { // an episode that reached 16 hours may have grown into langdurig verzuim
							flaggedSet[s.Pupil] = true
						}
						return nil
					}})
				flagged = len(flaggedSet)
				f.Close()
				el, cpu := time.Since(start).Seconds(), cpuSeconds()-cpu0
				runtime.GOMAXPROCS(prev)
				if err != nil {
					return err
				}
				times = append(times, el)
				cpus = append(cpus, cpu)
				peak = max(peak, peakRSS())
			}
			med, medCPU := median(times), median(cpus)
			results[fmt.Sprint(n, od)] = ours{med, medCPU, flagged}
			fmt.Printf("| %d | %s | %d | %s | %.2f s | %.2f s | %s | %s | %s | %d | %d | %v |\n", n, orderName(od), res.Stats.Pupils, mb(size), med, medCPU,
				thousands(int64(float64(res.Stats.Rows)/med)), thousands(int64(float64(res.Stats.Rows)/medCPU)), mb(peak), nsig, flagged, res.ExternalSort)
			if len(sprocs) == 0 {
				continue
			}
			rows, err := measureSpool(ctx, ev, path, *dir, n, od, *reps, sprocs, nsig, flagged)
			if err != nil {
				return err
			}
			spoolRows = append(spoolRows, rows...)
		}
	}
	if len(spoolRows) > 0 {
		fmt.Println("\n## De spool: eenmaal schrijven (CSV lezen, valideren, groeperen), daarna evalueren zonder parsen")
		fmt.Println()
		fmt.Println("| registraties | volgorde | stap | GOMAXPROCS | spool | tijd (mediaan) | CPU-tijd (mediaan) | registraties/s | registraties per CPU-seconde | piek-RSS | signalen gelijk aan CSV |")
		fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|")
		for _, r := range spoolRows {
			fmt.Println(r)
		}
	}
	if *genOnly || *pgURL == "" || len(pgs) == 0 {
		return nil
	}
	for _, n := range pgs {
		path, _, _, err := ensureFile(*dir, cal, genOptions{Rows: n, PerPupil: *perPupil, Seed: 1})
		if err != nil {
			return err
		}
		if err := pgPaired(ctx, *pgURL, ev, cal, path, *dir, n, *pgReps, *pgProcs); err != nil {
			return fmt.Errorf("postgres %d: %w", n, err)
		}
	}
	return nil
}

func ensureFile(dir string, cal *absence.Calendar, o genOptions) (string, int, int64, error) {
	path := filepath.Join(dir, fmt.Sprintf("verzuim-%d-%d-%s.csv", o.Rows, o.PerPupil, orderName(o.ByDate)))
	pupils := max(1, o.Rows/o.PerPupil)
	if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
		return path, pupils, fi.Size(), nil
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return "", 0, 0, err
	}
	start := time.Now()
	if _, err := generate(f, cal, o); err != nil {
		f.Close()
		return "", 0, 0, err
	}
	if err := f.Close(); err != nil {
		return "", 0, 0, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", 0, 0, err
	}
	fi, _ := os.Stat(path)
	fmt.Fprintf(os.Stderr, "gegenereerd: %s (%s) in %.1f s\n", path, mb(fi.Size()), time.Since(start).Seconds())
	return path, pupils, fi.Size(), nil
}

func orderName(byDate bool) string {
	if byDate {
		return "datum"
	}
	return "leerling"
}

// resetPeak resets the kernel's peak RSS of this process (Linux: clear_refs 5).
func resetPeak() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS reads VmHWM (peak resident set size) in bytes.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			f := strings.Fields(l)
			if len(f) >= 2 {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func parseSizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("ongeldige grootte %q", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func mb(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// cpuSeconds is the user plus system CPU time of this process so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

// loadAvg reads the 1-minute load average: the machine is shared, so say how busy it was.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "onbekend"
	}
	return strings.Fields(string(b))[0]
}
