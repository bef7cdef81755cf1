package main

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/store"
)

// newLogger returns the server's structured logger: JSON lines on stderr (GRONDSLAG_LOG=tekst
// for readable text), level from GRONDSLAG_LOG_NIVEAU (debug, info, warn, error). Log lines carry
// ids, codes and counts only, never names, numbers or pseudonyms (a test in internal/web checks).
func newLogger(e env) *slog.Logger {
	level := slog.LevelInfo
	switch strings.ToLower(e.getenv("GRONDSLAG_LOG_NIVEAU")) {
	case "debug":
		level = slog.LevelDebug
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	}
	opts := &slog.HandlerOptions{Level: level}
	if e.getenv("GRONDSLAG_LOG") == "tekst" {
		return slog.New(slog.NewTextHandler(e.stderr, opts))
	}
	return slog.New(slog.NewJSONHandler(e.stderr, opts))
}

// observability holds the server's Prometheus metrics. Labels are route patterns, methods,
// status codes, purposes, outcomes and job names: nothing about a person.
type observability struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec
	duration  *prometheus.HistogramVec
	decisions *prometheus.CounterVec
	appends   prometheus.Counter
	jobRuns   *prometheus.CounterVec

	mu      sync.Mutex
	jobLast map[string]time.Time
}

// jobs are the background tasks whose lag is reported (grondslag_taak_achterstand_seconden).
var jobs = []string{"sessies", "meldingen", "controlepunten"}

func newObservability(db *store.DB) *observability {
	o := &observability{reg: prometheus.NewRegistry(), jobLast: map[string]time.Time{}}
	o.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "grondslag_http_verzoeken_totaal", Help: "HTTP-verzoeken per route, methode en statuscode."}, []string{"route", "methode", "status"})
	o.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "grondslag_http_duur_seconden", Help: "Duur van HTTP-verzoeken per route.", Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}}, []string{"route"})
	o.decisions = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "grondslag_beslissingen_totaal", Help: "Toegangsbeslissingen zoals gelogd in het auditlog, per doel en uitkomst (toegestaan/geweigerd)."}, []string{"doel", "uitkomst"})
	o.appends = prometheus.NewCounter(prometheus.CounterOpts{Name: "grondslag_audit_regels_totaal", Help: "Auditregels toegevoegd (in een transactie; een teruggedraaide transactie telt mee)."})
	o.jobRuns = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "grondslag_taak_runs_totaal", Help: "Runs van achtergrondtaken per taak en uitkomst."}, []string{"taak", "uitkomst"})
	o.reg.MustRegister(o.requests, o.duration, o.decisions, o.appends, o.jobRuns,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	start := time.Now()
	for _, j := range jobs {
		o.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "grondslag_taak_achterstand_seconden", Help: "Seconden sinds de taak voor het laatst slaagde (sinds de start als nog nooit).", ConstLabels: prometheus.Labels{"taak": j}},
			func() float64 {
				o.mu.Lock()
				defer o.mu.Unlock()
				last, ok := o.jobLast[j]
				if !ok {
					last = start
				}
				return time.Since(last).Seconds()
			}))
	}
	db.SetAuditObserver(func(_ int64, entries []audit.Entry) {
		o.appends.Add(float64(len(entries)))
		for _, e := range entries {
			r := e.Record()
			purpose := r.Purpose
			if purpose == "" {
				purpose = "geen"
			}
			o.decisions.WithLabelValues(purpose, decisionOutcome(r.Outcome)).Inc()
		}
	})
	return o
}

func decisionOutcome(o audit.Outcome) string {
	if o == audit.Allowed {
		return "toegestaan"
	}
	if o == audit.Denied {
		return "geweigerd"
	}
	return string(o)
}

// jobDone records a run of a background job.
func (o *observability) jobDone(job string, err error) {
	if err != nil {
		o.jobRuns.WithLabelValues(job, "fout").Inc()
		return
	}
	o.jobRuns.WithLabelValues(job, "gelukt").Inc()
	o.mu.Lock()
	o.jobLast[job] = time.Now()
	o.mu.Unlock()
}

// handler counts and times every request by its route pattern (never the path itself: it holds
// ids, and a query string may hold anything).
func (o *observability) handler(next interface {
	http.Handler
	Route(*http.Request) string
}) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		route := next.Route(r)
		next.ServeHTTP(sw, r)
		if route == "" {
			route = "onbekend"
		}
		o.requests.WithLabelValues(route, r.Method, strconv.Itoa(sw.status)).Inc()
		o.duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

func (o *observability) metricsHandler() http.Handler {
	return promhttp.HandlerFor(o.reg, promhttp.HandlerOpts{})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// readiness is /gereed's check: the schema is current and the store commits a write (a full disk
// or read-only database makes it fail). The answer is kept for a second, so a busy load balancer
// does not turn into a write load.
func readiness(db *store.DB) func(ctx context.Context) error {
	var (
		mu   sync.Mutex
		at   time.Time
		last error
	)
	return func(ctx context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		if time.Since(at) < time.Second {
			return last
		}
		last = db.CheckSchema(ctx)
		if last == nil {
			last = db.WriteProbe(ctx, time.Now())
		}
		at = time.Now()
		return last
	}
}
