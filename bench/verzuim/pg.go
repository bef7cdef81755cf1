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

type pgResult struct {
	load, query float64 // wall seconds: COPY + ANALYZE, and the query with default settings (median)
	loadCPU     float64 // CPU seconds of the backend for COPY + ANALYZE
	queryTuned  float64 // wall seconds with work_mem 256MB
	queryCPU    float64 // CPU seconds of the backend for the query without parallel workers
	flagged     int     // pupils with at least one 4-lesweek window of 16 or more hours
}

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

// pgBaseline creates a throwaway database, loads the file with COPY, and times the query.
func pgBaseline(ctx context.Context, server, path string, cal *absence.Calendar, reps int) (pgResult, error) {
	var res pgResult
	admin, err := pgx.Connect(ctx, server)
	if err != nil {
		return res, err
	}
	defer admin.Close(ctx)
	var rb [6]byte
	rand.Read(rb[:])
	name := "grondslag_verzuim_bench_" + hex.EncodeToString(rb[:])
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return res, err
	}
	defer admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	u, err := url.Parse(server)
	if err != nil {
		return res, err
	}
	u.Path = "/" + name
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		return res, err
	}
	defer conn.Close(ctx)
	for _, q := range []string{
		"CREATE TABLE registratie (leerling TEXT NOT NULL, datum DATE NOT NULL, uren NUMERIC(4,2) NOT NULL, reden TEXT NOT NULL)",
		"CREATE TABLE kalender (datum DATE PRIMARY KEY, lesweek INTEGER NOT NULL)",
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return res, err
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
		return res, err
	}
	f, err := os.Open(path)
	if err != nil {
		return res, err
	}
	defer f.Close()
	var pid int
	if err := conn.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		return res, err
	}
	cpu0 := backendCPU(pid)
	start := time.Now()
	if _, err := conn.PgConn().CopyFrom(ctx, f, "COPY registratie (leerling, datum, uren, reden) FROM STDIN WITH (FORMAT csv, HEADER true)"); err != nil {
		return res, fmt.Errorf("COPY: %w", err)
	}
	if _, err := conn.Exec(ctx, "ANALYZE registratie"); err != nil {
		return res, err
	}
	res.load = time.Since(start).Seconds()
	res.loadCPU = backendCPU(pid) - cpu0
	var times []float64
	for range reps {
		start := time.Now()
		if err := conn.QueryRow(ctx, windowQuery).Scan(&res.flagged); err != nil {
			return res, err
		}
		times = append(times, time.Since(start).Seconds())
	}
	res.query = median(times)
	// Tuned: more sort memory, as a DBA would give such a query.
	if _, err := conn.Exec(ctx, "SET work_mem = '256MB'"); err != nil {
		return res, err
	}
	start = time.Now()
	var n int
	if err := conn.QueryRow(ctx, windowQuery).Scan(&n); err != nil {
		return res, err
	}
	res.queryTuned = time.Since(start).Seconds()
	// One core: no parallel workers, so that the backend's CPU time is all of it.
	if _, err := conn.Exec(ctx, "SET max_parallel_workers_per_gather = 0"); err != nil {
		return res, err
	}
	cpu0 = backendCPU(pid)
	if err := conn.QueryRow(ctx, windowQuery).Scan(&n); err != nil {
		return res, err
	}
	res.queryCPU = backendCPU(pid) - cpu0
	if n != res.flagged {
		return res, fmt.Errorf("de query gaf %d en %d leerlingen", res.flagged, n)
	}
	return res, nil
}
