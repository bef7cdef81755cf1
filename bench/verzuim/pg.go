package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/jackc/pgx/v5"
)

// backendCPU reads the CPU time (user + system) of a PostgreSQL backend from /proc (the server
// runs on this machine).
func backendCPU(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return -1
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return -1
	}
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / 100 // USER_HZ
}

// windowQuery is the 16-hour rule as a leerplicht system would write it in SQL: unauthorised
// hours per pupil and lesweek, summed over each run of 4 consecutive lesweken with a window
// function. It does less than Grondslag's rule (no restart after a melding, no exemptions, whole
// weeks instead of the day the 16th hour is reached) and none of the other rules: a baseline in
// SQL's favour.
const windowQuery = `
WITH week AS (
	SELECT r.leerling, k.lesweek, SUM(r.uren) AS uren
	FROM registratie r JOIN kalender k ON k.datum = r.datum
	WHERE r.reden IN ('ongeoorloofd', 'te-laat')
	GROUP BY r.leerling, k.lesweek
), win AS (
	SELECT leerling, SUM(uren) OVER (PARTITION BY leerling ORDER BY lesweek RANGE BETWEEN 3 PRECEDING AND CURRENT ROW) AS som
	FROM week
)
SELECT COUNT(DISTINCT leerling) FROM win WHERE som >= 16`

// pgRun is one repetition of the paired comparison.
type pgRun struct {
	load, loadCPU         float64 // TRUNCATE + COPY + ANALYZE: wall, backend CPU
	qPar                  float64 // the query with parallel workers (work_mem 256MB): wall
	qSer, qSerCPU         float64 // the query without parallel workers: wall, backend CPU (all of it)
	flagged               int
	csv, write, eval      meas // ours: EvaluateCSV; WriteSpool; EvaluateSpool
	csvFlagged, spFlagged int
}

// pgPaired compares, reps times, our commands with PostgreSQL's on the same file, each pair
// run back to back (alternating which goes first, so that a change in the machine's load hits
// both sides), and prints every pair and the medians of the per-pair ratios:
//
//   - CSV to signals: PostgreSQL COPY + ANALYZE + query against our EvaluateCSV (one command
//     each, from the same file);
//   - stored data to signals: the query on the loaded table against EvaluateSpool on the spool
//     (each side's data already stored in its own form);
//   - import, then evaluate: COPY + ANALYZE + query against WriteSpool + EvaluateSpool.
//
// PostgreSQL is tuned (work_mem 256MB) and gets the faster of the query with and without
// parallel workers; its CPU time is the backend's, measured without parallel workers. Ours runs
// with GOMAXPROCS procs.
func pgPaired(ctx context.Context, server string, ev *absence.Evaluator, cal *absence.Calendar, path, dir string, n, reps, procs int) error {
	admin, err := pgx.Connect(ctx, server)
	if err != nil {
		return err
	}
	defer admin.Close(ctx)
	var rb [6]byte
	rand.Read(rb[:])
	name := "grondslag_verzuim_bench_" + hex.EncodeToString(rb[:])
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return err
	}
	defer admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	u, err := url.Parse(server)
	if err != nil {
		return err
	}
	u.Path = "/" + name
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	for _, q := range []string{
		"CREATE TABLE registratie (leerling TEXT NOT NULL, datum DATE NOT NULL, uren NUMERIC(4,2) NOT NULL, reden TEXT NOT NULL)",
		"CREATE TABLE kalender (datum DATE PRIMARY KEY, lesweek INTEGER NOT NULL)",
		"SET work_mem = '256MB'",
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return err
		}
	}
	// The same calendar: every school day with its lesweek number.
	var rows [][]any
	for d := absence.NewDate(2025, 8, 1); d <= absence.NewDate(2026, 7, 31); d++ {
		if lw, ok := cal.Lesweek(d); ok && cal.IsSchoolDay(d) {
			rows = append(rows, []any{d.Time(), int32(lw)})
		}
	}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"kalender"}, []string{"datum", "lesweek"}, pgx.CopyFromRows(rows)); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, "ANALYZE kalender"); err != nil {
		return err
	}
	var pid int
	if err := conn.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		return err
	}
	spoolPath := path + ".paired.spool"
	defer os.Remove(spoolPath)

	pgLoad := func(r *pgRun) error {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		cpu0, start := backendCPU(pid), time.Now()
		if _, err := conn.Exec(ctx, "TRUNCATE registratie"); err != nil {
			return err
		}
		if _, err := conn.PgConn().CopyFrom(ctx, f, "COPY registratie (leerling, datum, uren, reden) FROM STDIN WITH (FORMAT csv, HEADER true)"); err != nil {
			return fmt.Errorf("COPY: %w", err)
		}
		if _, err := conn.Exec(ctx, "ANALYZE registratie"); err != nil {
			return err
		}
		r.load, r.loadCPU = time.Since(start).Seconds(), backendCPU(pid)-cpu0
		return nil
	}
	pgQuery := func(parallel bool) (wall, cpu float64, flagged int, err error) {
		set := "SET max_parallel_workers_per_gather = 0"
		if parallel {
			set = "RESET max_parallel_workers_per_gather"
		}
		if _, err := conn.Exec(ctx, set); err != nil {
			return 0, 0, 0, err
		}
		cpu0, start := backendCPU(pid), time.Now()
		err = conn.QueryRow(ctx, windowQuery).Scan(&flagged)
		return time.Since(start).Seconds(), backendCPU(pid) - cpu0, flagged, err
	}
	oursCSV := func(r *pgRun) (err error) {
		c := newCounter()
		r.csv, err = measure(procs, func() error { _, err := evalCSV(ctx, ev, path, dir, c); return err })
		r.csvFlagged = len(c.flagged)
		return err
	}
	oursSpool := func(r *pgRun) (err error) {
		if r.write, err = measure(procs, func() error { _, err := writeSpool(ctx, path, spoolPath, dir); return err }); err != nil {
			return err
		}
		c := newCounter()
		r.eval, err = measure(procs, func() error { _, err := evalSpool(ctx, ev, spoolPath, procs, c); return err })
		r.spFlagged = len(c.flagged)
		return err
	}
	pgAll := func(r *pgRun) error {
		if err := pgLoad(r); err != nil {
			return err
		}
		var err error
		var f2 int
		if r.qPar, _, r.flagged, err = pgQuery(true); err != nil {
			return err
		}
		if r.qSer, r.qSerCPU, f2, err = pgQuery(false); err != nil {
			return err
		}
		if f2 != r.flagged {
			return fmt.Errorf("de query gaf %d en %d leerlingen", r.flagged, f2)
		}
		return nil
	}

	fmt.Printf("\n## Gepaard met PostgreSQL, %d registraties (belasting bij de start %s; ons GOMAXPROCS %d)\n\n", n, loadAvg(), procs)
	fmt.Println("| paar | eerst | PG laden | PG query (par / ser) | ons CSV | ons spool schrijven | ons spool evalueren | 16-uur SQL / CSV / spool | CSV→signalen: tijd, CPU | opgeslagen→signalen: tijd, CPU | import+evaluatie: tijd, CPU |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|")
	var rA, rB, rC, cA, cB, cC []float64
	for i := range reps {
		var r pgRun
		steps := []func(*pgRun) error{oursCSV, oursSpool, pgAll}
		first := "ons"
		if i%2 == 1 {
			steps = []func(*pgRun) error{pgAll, oursCSV, oursSpool}
			first = "PG"
		}
		for _, st := range steps {
			if err := st(&r); err != nil {
				return err
			}
		}
		if r.flagged != r.csvFlagged || r.flagged != r.spFlagged {
			return fmt.Errorf("SQL, CSV en spool wijzen andere leerlingen aan: %d, %d, %d", r.flagged, r.csvFlagged, r.spFlagged)
		}
		q := min(r.qPar, r.qSer)
		a, b, c := (r.load+q)/r.csv.wall, q/r.eval.wall, (r.load+q)/(r.write.wall+r.eval.wall)
		ac, bc, cc := (r.loadCPU+r.qSerCPU)/r.csv.cpu, r.qSerCPU/r.eval.cpu, (r.loadCPU+r.qSerCPU)/(r.write.cpu+r.eval.cpu)
		rA, rB, rC, cA, cB, cC = append(rA, a), append(rB, b), append(rC, c), append(cA, ac), append(cB, bc), append(cC, cc)
		fmt.Printf("| %d | %s | %.2f s (CPU %.2f) | %.2f / %.2f s (CPU %.2f) | %.3f s (CPU %.3f) | %.3f s (CPU %.3f) | %.3f s (CPU %.3f) | %d / %d / %d | %.1f×, %.1f× | %.1f×, %.1f× | %.1f×, %.1f× |\n",
			i+1, first, r.load, r.loadCPU, r.qPar, r.qSer, r.qSerCPU, r.csv.wall, r.csv.cpu, r.write.wall, r.write.cpu, r.eval.wall, r.eval.cpu,
			r.flagged, r.csvFlagged, r.spFlagged, a, ac, b, bc, c, cc)
	}
	fmt.Printf("| **mediaan** | | | | | | | | **%.1f×**, %.1f× | **%.1f×**, %.1f× | **%.1f×**, %.1f× |\n", median(rA), median(cA), median(rB), median(cB), median(rC), median(cC))
	fmt.Printf("\nbelasting aan het eind: %s\n", loadAvg())
	return nil
}
