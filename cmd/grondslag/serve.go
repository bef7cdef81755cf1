package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/civil"
	"github.com/grondslag/grondslag/internal/consent"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/dossier"
	"github.com/grondslag/grondslag/internal/duo"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/mail"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/tenant"
	"github.com/grondslag/grondslag/internal/web"
)

func runServe(ctx context.Context, e env) (err error) {
	defer wrap(&err, "server starten")
	fs := newFlagSet(e, "serve", "serve [--adres HOST:POORT] [--db BESTAND|postgres://…] [--convenant BESTAND] [--url URL] [--tls-achter-proxy]")
	cfg := storeFlags(fs, e)
	convenantFlag(fs, e, cfg)
	fs.Var(regionConvenants{&cfg.RegionConvenants}, "regio-convenant", "een regio met een eigen convenant: CODE=BESTAND (herhaalbaar); de andere regio's gebruiken --convenant")
	addr := fs.String("adres", envOr(e, "GRONDSLAG_ADRES", "127.0.0.1:8080"), "adres waarop de server luistert (GRONDSLAG_ADRES)")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	db, err := cfg.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	ring, err := cfg.keyRing()
	if err != nil {
		return err
	}
	// Every region the server holds must have exactly its own keys (keys.go).
	if err := verifyRing(ctx, db, ring, true); err != nil {
		return err
	}
	return serveDB(ctx, e, cfg, *addr, db, ring)
}

// webOptions are the web server's settings from the environment (read once here):
// GRONDSLAG_URL (public base URL), GRONDSLAG_TLS=1 (HTTPS in front: secure cookies and HSTS),
// GRONDSLAG_PROXY=1 (trust X-Forwarded-For), GRONDSLAG_DEMO=1 (demo mailbox), GRONDSLAG_WEBSLEUTEL
// (base64 of 32 bytes; else a key file next to the key ring's), GRONDSLAG_CORS_ORIGINS (origins,
// comma-separated, whose web pages may call the API from a browser; none by default).
type webOptions struct {
	baseURL    string
	tls, proxy bool
	demo       bool
	cors       []string
}

func readWebOptions(e env, cfg *config) webOptions {
	o := webOptions{baseURL: e.getenv("GRONDSLAG_URL"), tls: e.getenv("GRONDSLAG_TLS") == "1", proxy: e.getenv("GRONDSLAG_PROXY") == "1"}
	// `grondslag demo` serves with its own key file; the demo mailbox (parents' codes shown on a
	// page) is only ever on for the demo or when asked explicitly.
	o.demo = e.getenv("GRONDSLAG_DEMO") == "1" || filepath.Base(cfg.KeyFile) == "grondslag-demo-sleutels.json"
	if strings.HasPrefix(o.baseURL, "https://") {
		o.tls = true
	}
	for _, origin := range strings.Split(e.getenv("GRONDSLAG_CORS_ORIGINS"), ",") {
		if origin = strings.TrimSpace(origin); origin != "" {
			o.cors = append(o.cors, strings.TrimSuffix(origin, "/"))
		}
	}
	return o
}

// webKey returns the server's 32-byte web key (sealing TOTP and OIDC secrets, signing short-lived
// cookies): from GRONDSLAG_WEBSLEUTEL, or from a key file beside the key ring's file, created
// with mode 0600 on first use.
func webKey(e env, cfg *config) ([]byte, error) {
	if v := strings.TrimSpace(e.getenv("GRONDSLAG_WEBSLEUTEL")); v != "" {
		k, err := base64.StdEncoding.DecodeString(v)
		if err != nil || len(k) != 32 {
			return nil, errors.New("GRONDSLAG_WEBSLEUTEL moet 32 bytes in base64 zijn")
		}
		return k, nil
	}
	path := strings.TrimSuffix(cfg.KeyFile, filepath.Ext(cfg.KeyFile)) + "-web.key"
	if b, err := os.ReadFile(path); err == nil {
		k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(k) != 32 {
			return nil, fmt.Errorf("websleutel %s is onleesbaar", path)
		}
		return k, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	k := make([]byte, 32)
	rand.Read(k)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("websleutel aanmaken: %w", err)
	}
	defer f.Close()
	if _, err := f.WriteString(base64.StdEncoding.EncodeToString(k) + "\n"); err != nil {
		return nil, err
	}
	return k, nil
}

// loadConvenant returns the region's convenant or the embedded model convenant.
func loadConvenant(cfg *config) (*convenant.Compiled, error) {
	if cfg.Convenant == "" {
		return convenant.Default()
	}
	return loadConvenantFile(cfg.Convenant)
}

// serveDB serves the web application on addr until ctx ends.
func serveDB(ctx context.Context, e env, cfg *config, addr string, db *store.DB, ring *ident.KeyRing) (err error) {
	defer wrap(&err, "server draaien")
	slog.SetDefault(newLogger(e)) // JSON lines, no personal data (observe.go)
	s, cleanup, opts, err := newWebServer(ctx, e, cfg, db, ring)
	if err != nil {
		return err
	}
	defer cleanup()
	if opts.demo {
		if err := setDemoLogins(ctx, e, db, s.sealer); err != nil {
			return err
		}
	}
	if pa := e.getenv("GRONDSLAG_PPROF"); pa != "" {
		// Profiling for performance work only, on its own (loopback) address; off by default.
		go func() {
			mux := http.NewServeMux()
			mux.HandleFunc("/debug/pprof/", pprof.Index)
			mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
			slog.Info("pprof", "adres", pa, "fout", http.ListenAndServe(pa, mux))
		}()
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("luisteren op %s: %w", addr, err)
	}
	if ma := e.getenv("GRONDSLAG_METRICS_ADRES"); ma != "" {
		// Prometheus metrics on their own address (keep it internal), not on the public port.
		go func() {
			mux := http.NewServeMux()
			mux.Handle("GET /metrics", s.obs.metricsHandler())
			slog.Info("metrics", "adres", ma, "fout", http.ListenAndServe(ma, mux))
		}()
	}
	srv := &http.Server{Handler: s.obs.handler(s.web), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute}
	fmt.Fprintf(e.stdout, "Grondslag luistert op http://%s\n", ln.Addr())
	if opts.demo {
		fmt.Fprintf(e.stdout, "Ouders loggen in met een code per e-mail; in de demo staan die berichten op http://%s/dev/postvak\n", ln.Addr())
	}
	slog.Info("server gestart", "adres", ln.Addr().String(), "database", db.Dialect().String(), "demo", opts.demo)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return srv.Shutdown(shut)
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	}
}

type webServer struct {
	web    *web.Server
	sealer *auth.Sealer
	obs    *observability
}

// newWebServer wires the store, the convenant's policy, the audit batcher and the key ring into
// the web server. cleanup flushes the audit batcher and stops the session sweeper.
func newWebServer(ctx context.Context, e env, cfg *config, db *store.DB, ring *ident.KeyRing) (*webServer, func(), webOptions, error) {
	opts := readWebOptions(e, cfg)
	conv, err := loadConvenant(cfg)
	if err != nil {
		return nil, nil, opts, err
	}
	consentCfg, err := consent.FromConvenant(conv)
	if err != nil {
		return nil, nil, opts, err
	}
	key, err := webKey(e, cfg)
	if err != nil {
		return nil, nil, opts, err
	}
	sealer, err := auth.NewSealer(key)
	if err != nil {
		return nil, nil, opts, err
	}
	timeouts := tenant.TimeoutsOf(conv)
	obs := newObservability(db)
	auditStore := store.NewAuditStore(db)
	batcher := store.NewAuditBatcher(auditStore, 0)
	aud := &storeAuditor{b: batcher, db: db, ring: ring, codes: map[int64]string{}}
	ws := store.NewWebStore(db)
	// Every region of the database is a tenant with its own convenant, engine, decision point,
	// keys and casework service (internal/tenant); requests are resolved to their region.
	regions, err := tenant.Open(ctx, db, ring, tenant.Config{Default: cfg.Convenant, PerRegion: cfg.RegionConvenants, Now: time.Now,
		Load: func(path string) (*convenant.Compiled, error) {
			if path == "" {
				return convenant.Default()
			}
			return loadConvenantFile(path)
		}})
	if err != nil {
		batcher.Close()
		ws.CloseStatements()
		return nil, nil, opts, err
	}
	for _, reg := range regions.Regions() {
		slog.Info("regio geladen", "regio", reg.Code, "convenant", reg.Engine.Convenant().Hash())
	}
	decisions := regions
	deps := web.Deps{
		Accounts: ws, Sessions: ws, Throttle: ws, Dossiers: ws, Work: ws, Admin: ws,
		Access: decisions, Vocab: web.VocabularyOf(conv),
		Audit: aud, AuditReader: auditReader{AuditStore: auditStore, db: db}, Facts: storeFacts{db: ws, consent: regions.ConsentConfig}, Sealer: sealer, Logger: slog.Default(),
		Ready:    readiness(db),  // schema current and a write commits (/gereed)
		Classify: store.Classify, // a full disk or an unreachable database is a 503
	}
	// E-mail through the region's SMTP server (GRONDSLAG_SMTP_*): parents' login codes and the
	// daily transparency notices. Without it, parents get a clear error instead of a code.
	var noticeJob func(ctx context.Context, regionID int64, day civil.Date, now time.Time) error
	mcfg, mailOn, err := mail.ConfigFromEnv(e.getenv)
	if err != nil {
		return nil, nil, opts, err
	}
	var digestJob func(ctx context.Context, regionID int64, day civil.Date, now time.Time) error
	deps.Digest = ws
	switch {
	case opts.demo:
		box := &web.DevMailbox{Log: slog.InfoContext}
		deps.Mailbox = box
		// The demo sends the daily digest of the work lists to its mailbox (/dev/postvak).
		digestJob = regionDigests(db, box, strings.TrimSuffix(opts.baseURL, "/")+"/start")
	case mailOn:
		sender, err := mail.NewSender(mcfg)
		if err != nil {
			return nil, nil, opts, err
		}
		deps.Codes = mailCodes{sender}
		if opts.baseURL != "" {
			noticeJob = regionNotices(db, consentCfg, sender, strings.TrimSuffix(opts.baseURL, "/")+"/inloggen/ouder")
			digestJob = regionDigests(db, sender, strings.TrimSuffix(opts.baseURL, "/")+"/start")
		} else {
			slog.Warn("kennisgevingen aan ouders staan uit: zet GRONDSLAG_URL, het adres waar ouders inloggen")
		}
	default:
		deps.Codes = noMail{}
	}
	// GRONDSLAG_TEMPLATES=internal/web/templates reloads the templates from disk on every request
	// (development only).
	// GRONDSLAG_REACTIETERMIJN: the days leerplicht has to take up a new melding (work list).
	reactionTerm := 0
	if v := strings.TrimSpace(e.getenv("GRONDSLAG_REACTIETERMIJN")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 365 {
			return nil, nil, opts, fmt.Errorf("GRONDSLAG_REACTIETERMIJN moet een aantal dagen zijn (1 tot en met 365), niet %q", v)
		}
		reactionTerm = n
	}
	// OpenTelemetry traces when OTEL_EXPORTER_OTLP_ENDPOINT is set (tracing.go).
	tp, err := newTracerProvider(ctx, e.getenv)
	if err != nil {
		batcher.Close()
		ws.CloseStatements()
		return nil, nil, opts, err
	}
	webCfg := web.Config{BaseURL: opts.baseURL, TLS: opts.tls, TrustProxy: opts.proxy, Demo: opts.demo, Timeouts: timeouts, TimeoutsOf: regions.SessionTimeouts, CORSOrigins: opts.cors,
		TemplateDir: e.getenv("GRONDSLAG_TEMPLATES"), ReactionTerm: reactionTerm}
	shutdownTracing := func() {}
	if tp != nil {
		webCfg.Spans = requestSpans(tp)
		shutdownTracing = func() {
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			tp.Shutdown(sctx)
		}
		slog.Info("OpenTelemetry-traces aan (OTLP/HTTP)")
	}
	s, err := web.New(webCfg, deps)
	if err != nil {
		batcher.Close()
		ws.CloseStatements()
		return nil, nil, opts, err
	}
	// Casework pages and API for every region, each with its own convenant and keys.
	s.MountCasework(regions)
	// Absence (issue 4) and consent (issue 6) pages and API.
	if err := mountAbsenceAndConsent(s, db, ring, decisions, aud, consentCfg, regions.ConsentConfig, regions.Regional, duoChannel(ctx, db, regions.Regions(), opts.demo)); err != nil {
		batcher.Close()
		ws.CloseStatements()
		return nil, nil, opts, err
	}
	// The thuiszitter monitor (issue 18): counts only, suppressed (internal/monitor).
	if err := s.MountMonitor(web.MonitorDeps{Source: db}); err != nil {
		batcher.Close()
		ws.CloseStatements()
		return nil, nil, opts, err
	}
	sweepCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	if cfg.Convenant != "" || len(cfg.RegionConvenants) > 0 {
		// SIGHUP reloads every region's convenant file: atomically, and an invalid file never
		// replaces the valid one (policy.Engine.ReloadFile).
		hup := make(chan os.Signal, 1)
		signal.Notify(hup, syscall.SIGHUP)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer signal.Stop(hup)
			for {
				select {
				case <-sweepCtx.Done():
					return
				case <-hup:
					if err := regions.Reload(); err != nil {
						slog.Error("convenant niet opnieuw geladen; het vorige blijft gelden", "fout", err.Error())
					}
					for _, reg := range regions.Regions() {
						slog.Info("convenant van de regio", "regio", reg.Code, "versie", reg.Engine.Convenant().Hash())
					}
				}
			}
		}()
	}
	retentionStore := store.NewRetentionStore(db)
	runner := newJobRunner(db)
	runner.handle(jobRetention, retentionJob(regions, retentionStore))
	runner.handle(jobSessions, func(ctx context.Context, _ string) error {
		now := time.Now()
		longest := regions.LongestTimeouts() // never cut a region with longer limits short
		n, err := db.DeleteExpiredSessions(ctx, now.Add(-longest.Absolute), now.Add(-longest.Idle))
		if err == nil && n > 0 {
			slog.Info("verlopen sessies opgeruimd", "aantal", n)
		}
		obs.jobDone("sessies", err)
		if err != nil {
			return err
		}
		// The slot jobs add two rows every 10 minutes: keep a week of them.
		_, err = runner.js.DeleteFinished(ctx, []string{jobSessions, jobCheckpoints}, now.Add(-7*24*time.Hour))
		return err
	})
	runner.handle(jobCheckpoints, func(ctx context.Context, _ string) error {
		// A signed checkpoint of every region's audit log that grew, at least daily.
		cps, err := auditStore.CheckpointDue(ctx, checkpointSigner(db, ring), time.Now(), 24*time.Hour)
		obs.jobDone("controlepunten", err)
		if err != nil {
			slog.Error("checkpoint van het auditlog mislukt", "fout", err.Error())
		} else if cps > 0 {
			slog.Info("checkpoints van het auditlog gemaakt", "aantal", cps)
		}
		return err
	})
	if noticeJob != nil {
		runner.handle(jobNotices, regionDayJob(func(ctx context.Context, regionID int64, day civil.Date, now time.Time) error {
			err := noticeJob(ctx, regionID, day, now)
			obs.jobDone("meldingen", err)
			return err
		}))
	}
	if digestJob != nil {
		runner.handle(jobDigests, regionDayJob(digestJob))
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(backgroundPeriod)
		defer t.Stop()
		for {
			select {
			case <-sweepCtx.Done():
				return
			case <-t.C:
				// Durable jobs (table taak): every instance schedules what is due and runs due
				// jobs; the lease gives each job to one instance (jobs.go). No leader.
				now := time.Now()
				ids := make([]int64, 0, len(regions.Regions()))
				for _, reg := range regions.Regions() {
					ids = append(ids, reg.ID)
				}
				if err := scheduleRetention(sweepCtx, runner, regions, now); err != nil {
					slog.Error("achtergrondtaken plannen mislukt", "fout", err.Error())
				}
				if err := runner.scheduleBackground(sweepCtx, ids, now); err != nil {
					slog.Error("achtergrondtaken plannen mislukt", "fout", err.Error())
				}
				if _, _, err := runner.runDue(sweepCtx, time.Now); err != nil {
					slog.Error("achtergrondtaken uitvoeren mislukt", "fout", err.Error())
				}
			}
		}
	}()
	return &webServer{web: s, sealer: sealer, obs: obs}, func() { stop(); wg.Wait(); batcher.Close(); ws.CloseStatements(); shutdownTracing() }, opts, nil
}

// noMail is the CodeSender until an e-mail relay is configured: parents get a clear error
// instead of a code that silently never arrives.
type noMail struct{}

func (noMail) SendLoginCode(context.Context, auth.Parent, string, time.Duration) error {
	return errors.New("er is geen e-mailverzending ingesteld; ouders kunnen nog niet inloggen")
}

// storeAuditor turns the web's audit records into entries of the region's Merkle log, through
// the group-committing batcher. The pupil's pseudonym is encrypted with the region's data key.
type storeAuditor struct {
	b     *store.AuditBatcher
	db    *store.DB
	ring  *ident.KeyRing
	mu    sync.Mutex
	codes map[int64]string
}

func (a *storeAuditor) regionCode(ctx context.Context, id int64) (string, error) {
	a.mu.Lock()
	code, ok := a.codes[id]
	a.mu.Unlock()
	if ok {
		return code, nil
	}
	rs, err := a.db.Regions(ctx)
	if err != nil {
		return "", err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, r := range rs {
		a.codes[r.ID] = r.Code
	}
	if code, ok = a.codes[id]; !ok {
		return "", fmt.Errorf("regio %d onbekend", id)
	}
	return code, nil
}

func (a *storeAuditor) Append(ctx context.Context, regionID int64, recs ...audit.Record) error {
	code, err := a.regionCode(ctx, regionID)
	if err != nil {
		return err
	}
	keys, err := a.ring.Region(code)
	if err != nil {
		return err
	}
	// ident.RegionKeys.Encrypt puts the data key version in front, so the subject id can be
	// opened after key rotation.
	enc := keys
	entries := make([]audit.Entry, 0, len(recs))
	for _, r := range recs {
		entry, err := audit.NewEntry(r, enc)
		if err != nil {
			return err
		}
		entries = append(entries, entry)
	}
	return a.b.Append(ctx, regionID, entries...)
}

// auditReader gives the FG's page the newest entries of the region's log, and the parents'
// portal the trail of their child with the organisations' names.
// auditReader serves the FG's and the parents' views of the log; the embedded *store.AuditStore
// also gives the parent page its inclusion proofs (web.AuditProofReader).
type auditReader struct {
	*store.AuditStore
	db *store.DB
}

// The parent page only offers its proof when the reader can give one: keep that true.
var _ web.AuditProofReader = auditReader{}

func (a auditReader) PupilTrail(ctx context.Context, regionID int64, pseudonym string) ([]web.TrailItem, error) {
	leaves, err := a.AuditStore.ForPupil(ctx, regionID, pseudonym)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	out := make([]web.TrailItem, 0, len(leaves))
	for _, l := range leaves {
		r := l.Entry.Record()
		org := r.Actor.OrganisationID
		name, ok := names[org]
		if !ok && org != 0 {
			if o, err := a.db.Organisation(ctx, regionID, org); err == nil {
				name = o.Name
			}
			names[org] = name
		}
		out = append(out, web.TrailItem{Index: l.Index, Time: r.Time, Organisation: name, Role: r.Actor.Role, Action: string(r.Action), Categories: r.Categories,
			Purpose: r.Purpose, Ground: r.LegalGround, Outcome: string(r.Outcome), AccessPoint: string(r.AccessPoint)})
	}
	return out, nil
}

func (a auditReader) RecentAudit(ctx context.Context, regionID int64, limit int) ([]audit.Record, error) {
	size, _, err := a.AuditStore.Head(ctx, regionID)
	if err != nil {
		return nil, err
	}
	from := uint64(0)
	if size > uint64(limit) {
		from = size - uint64(limit)
	}
	var out []audit.Record
	err = a.AuditStore.Entries(ctx, regionID, from, size, func(e audit.StoredEntry) error {
		l, err := audit.DecodeLeaf(e.Leaf)
		if err != nil {
			return err
		}
		out = append(out, l.Entry.Record())
		return nil
	})
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, err
}

// storeFacts supplies the decision context from the store: whether a DUO melding gives ground,
// the pupil's date of birth (the age is counted on the day of each decision), and (lazily, only when the policy asks for consent) whether the consent register covers the
// actor receiving a category for the purpose. The case phase is not yet supplied.
type storeFacts struct {
	db      *store.WebStore
	consent func(ctx context.Context, regionID int64) (consent.Config, error) // the region's own rules
}

func (f storeFacts) DecisionContext(ctx context.Context, a dossier.Actor, pupilID int64, purpose string, now time.Time) (web.Facts, error) {
	has, err := f.db.HasMelding(ctx, a.RegionID, pupilID, now)
	if err != nil {
		return web.Facts{}, err
	}
	birth, err := f.db.PupilBirth(ctx, a.RegionID, pupilID)
	if err != nil {
		return web.Facts{}, err
	}
	var (
		loaded bool
		fam    consent.Family
		recs   []consent.Record
	)
	return web.Facts{DUOMelding: has, Birth: birth, ConsentFor: func(ask web.ConsentAsk) (bool, int64, error) {
		if !loaded {
			if fam, err = f.db.ConsentFamily(ctx, a.RegionID, pupilID); err != nil {
				return false, 0, err
			}
			if recs, err = f.db.ConsentsOfPupil(ctx, a.RegionID, pupilID); err != nil {
				return false, 0, err
			}
			loaded = true
		}
		cfg, err := f.consent(ctx, a.RegionID)
		if err != nil {
			return false, 0, err
		}
		cov, err := consent.Cover(consent.Request{PupilID: pupilID, Purpose: purpose, Party: ask.Recipient, OrganisationID: ask.RecipientOrg,
			Discloser: ask.Discloser, Category: ask.Category, Now: now}, fam, recs, cfg)
		if err != nil {
			return false, 0, err
		}
		return cov.Covered, cov.ConsentID, nil
	}}, nil
}

// checkpointSigner signs checkpoints with each region's own Ed25519 key.
func checkpointSigner(db *store.DB, ring *ident.KeyRing) func(ctx context.Context, regionID int64) (audit.CheckpointSigner, error) {
	rk := &regionKeys{db: db, ring: ring, codes: map[int64]string{}}
	return func(ctx context.Context, regionID int64) (audit.CheckpointSigner, error) {
		keys, code, err := rk.keys(ctx, regionID)
		if err != nil {
			return nil, err
		}
		return audit.NewSigner(audit.Origin(code), keys.Signer())
	}
}

// duoChannel is the channel to DUO's verzuimregister: the documented file (for the school's
// package or the verzuimloket, with DUO's status file read back), or in the demo the fake DUO
// that plays the gemeente. DUO's machine-to-machine format is not public (internal/absence/duo.go).
// The demo's fake remembers the meldingen the demo build sent through its own fake (numbered
// from VZM90000001), so asking DUO about them answers as DUO would.
func duoChannel(ctx context.Context, db *store.DB, regions []*tenant.Region, demo bool) absence.DUO {
	if !demo {
		return duo.File{}
	}
	f := duo.NewDemoFake(time.Now)
	for _, reg := range regions {
		sent, err := db.DUOSent(ctx, reg.ID, f.Channel())
		if err != nil {
			slog.Warn("de nep-DUO kent de eerder verzonden meldingen niet", "regio", reg.ID, "fout", err)
			continue
		}
		for _, r := range sent {
			f.Remember(r)
		}
	}
	return f
}
