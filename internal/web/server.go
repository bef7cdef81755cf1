package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/civil"
	"github.com/grondslag/grondslag/internal/tracectx"
)

// APIVersion is the full version of the API, sent in the API-Version header of every API response.
const APIVersion = "1.0.0"

// Config is read once in main and passed down.
type Config struct {
	// BaseURL is the public URL of the server (for OIDC redirects and the OpenAPI servers list),
	// without trailing slash, e.g. https://grondslag.regio.example.
	BaseURL string
	// TLS: the server (or the proxy in front of it) speaks HTTPS; cookies get Secure and the
	// __Host- prefix, and HSTS is sent.
	TLS bool
	// TrustProxy: take the client address from X-Forwarded-For (only behind a proxy you run).
	TrustProxy bool
	// Demo enables the development mailbox page (/dev/postvak) that shows parents' login codes.
	Demo bool
	// Timeouts of sessions (from the convenant's beveiligingseisen when it states them).
	Timeouts auth.Timeouts
	// TimeoutsOf, when set, gives each region's own session limits (its convenant); Timeouts
	// then only bounds the sign-in steps before a session has a region.
	TimeoutsOf func(ctx context.Context, regionID int64) (auth.Timeouts, error)
	// Limits of login throttling.
	Limits auth.Limits
	// LoginCodeValidity is how long a parent's e-mail code is valid.
	LoginCodeValidity time.Duration
	// Location is the time zone for "today" (Europe/Amsterdam).
	Location *time.Location
	// ReactionTerm is the number of days leerplicht has to take up a new melding (the work
	// list marks it overdue after); 0 means DefaultReactionTerm.
	ReactionTerm int
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// TemplateDir, when set, reloads templates from disk on every request (development).
	TemplateDir string
	// Spans, when set, is called for every request with the request's own trace context (the
	// trace id its audit records carry) and the API caller's (zero when none); the function it
	// returns is called with the route pattern and the status once the response is done. An
	// OpenTelemetry exporter in cmd/grondslag; nil: no spans.
	Spans func(ctx context.Context, own, caller tracectx.Context) (context.Context, func(route string, status int))
	// RateLimit is the API's limit per caller (DefaultRateLimit when zero).
	RateLimit RateLimit
	// CORSOrigins are the origins (https://host[:port]) whose web pages may call the API from a
	// browser; none by default.
	CORSOrigins []string
}

// Deps are the concrete collaborators, wired by cmd/grondslag.
type Deps struct {
	Accounts Accounts
	Sessions Sessions
	Throttle Throttle
	Dossiers Dossiers
	Access   Decisions
	Vocab    Vocabulary
	Audit    Auditor
	// Optional.
	AuditReader AuditReader
	Work        Worklists
	// Digest stores who gets the daily digest of the work lists by e-mail (optional).
	Digest  DigestSettings
	Admin   Admin
	Facts   DecisionContext
	Codes   CodeSender
	Mailbox *DevMailbox // demo only: shown at /dev/postvak
	Sealer  *auth.Sealer
	// Ready reports whether the server can serve (for /healthz), e.g. the schema is current.
	Ready  func(ctx context.Context) error
	Logger *slog.Logger
	// HTTPClient is used for OIDC discovery and token calls (tests inject their provider's).
	HTTPClient *http.Client
	// Classify maps a storage error to one that errors.Is storage.ErrFull or
	// storage.ErrUnavailable when it means that (store.Classify), so a handler's error becomes a
	// 503 with Retry-After; nil leaves errors as they are (a 500).
	Classify func(error) error
}

// Server is the HTTP application.
type Server struct {
	cfg     Config
	d       Deps
	log     *slog.Logger
	tmpl    *template.Template
	mux     *http.ServeMux
	limiter *rateLimiter
	ids     *idCodec
	// table lists every route as it is registered (route_table.go).
	table routeTable
	// pageIDs: per page pattern, the kinds of public id its path wildcards carry (publicid_pages.go).
	pageIDs map[string]map[string]idKind
	csrfKey []byte

	oidcMu    sync.Mutex
	providers map[string]*oidcProvider

	// docPaths and docSchemas are API documentation added by mounted parts (documentAPI).
	vocabs sync.Map // convenant hash → Vocabulary (vocabOf)

	docMu      sync.Mutex
	docPaths   map[string]any
	docSchemas map[string]any

	// onlineConsent is set when the consent pages with online requests are mounted (parents'
	// navigation links them).
	onlineConsent bool
	// portal holds the parents' portal collaborators (MountParentPortal).
	portal ParentPortalDeps
}

// New builds the server. It fails when a required dependency is missing.
func New(cfg Config, d Deps) (*Server, error) {
	if d.Accounts == nil || d.Sessions == nil || d.Throttle == nil || d.Dossiers == nil || d.Access == nil || d.Audit == nil || d.Sealer == nil {
		return nil, errors.New("web: Accounts, Sessions, Throttle, Dossiers, Access, Audit en Sealer zijn verplicht")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Location == nil {
		cfg.Location = civil.Amsterdam
	}
	if cfg.Timeouts == (auth.Timeouts{}) {
		cfg.Timeouts = auth.DefaultTimeouts
	}
	if cfg.Limits == (auth.Limits{}) {
		cfg.Limits = auth.DefaultLimits
	}
	if cfg.LoginCodeValidity == 0 {
		cfg.LoginCodeValidity = 10 * time.Minute
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.HTTPClient == nil {
		d.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if d.Codes == nil {
		if d.Mailbox == nil {
			return nil, errors.New("web: CodeSender of Mailbox is verplicht")
		}
		d.Codes = d.Mailbox
	}
	s := &Server{cfg: cfg, d: d, log: d.Logger, mux: http.NewServeMux(), providers: map[string]*oidcProvider{}}
	s.csrfKey = d.Sealer.Key("grondslag/web/csrf-pre")
	s.limiter = newRateLimiter(cfg.RateLimit, cfg.Now)
	s.ids = newIDCodec(d.Sealer.Key("grondslag/api/ids"))
	t, err := parseTemplates(templateFS, s.templateFuncs())
	if err != nil {
		return nil, err
	}
	s.tmpl = t
	s.routes()
	return s, nil
}

// ServeHTTP runs every request through the common middleware and the mux.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.middleware(s.mux).ServeHTTP(w, r)
}

func (s *Server) now() time.Time { return s.cfg.Now() }

func (s *Server) today() string { return s.now().In(s.cfg.Location).Format("2006-01-02") }

// templates returns the parsed templates, re-parsed from disk in development mode.
func (s *Server) templates() (*template.Template, error) {
	if s.cfg.TemplateDir == "" {
		return s.tmpl, nil
	}
	return parseTemplates(osDirFS(s.cfg.TemplateDir), s.templateFuncs())
}

func (s *Server) mac(key []byte, v string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(v))
	return hex.EncodeToString(m.Sum(nil))
}

var _ fs.FS = osDirFS("")

// Handler returns the server as an http.Handler.
func (s *Server) Handler() http.Handler { return s }

// Close releases nothing today; present so that callers can defer it.
func (s *Server) Close(context.Context) error { return nil }
