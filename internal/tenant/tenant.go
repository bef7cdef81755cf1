// Package tenant is the region registry: the region (regio) is the tenant, and each region of
// the database has its own convenant version, compiled policy engine, decision point
// (internal/access), data keys and services. Every request is resolved to its region — from
// the signed-in user's organisation, the parent's or the API client's — and is decided and
// served only by that region's parts; a decision point refuses a request about another region.
//
// The package is wiring (like cmd/grondslag and internal/demo): it builds the services over the
// store and is listed among the adapters of internal/layering.
package tenant

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/casework"
	"github.com/grondslag/grondslag/internal/consent"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/store"
)

// Region is one tenant with its own rules, keys and services.
type Region struct {
	ID        int64
	Code      string
	Convenant string // the file the convenant was loaded from ("" for the model convenant)
	Engine    *policy.Engine
	Access    *access.Point
	Keys      *ident.RegionKeys
	Consent   consent.Config
	Casework  *casework.Service
	// Timeouts are the session limits of the region's convenant (beveiligingseisen), or
	// auth.DefaultTimeouts where it states none.
	Timeouts auth.Timeouts
}

// TimeoutsOf returns the session limits a convenant states, filling what it leaves out from
// auth.DefaultTimeouts.
func TimeoutsOf(conv *convenant.Compiled) auth.Timeouts {
	t := auth.DefaultTimeouts
	if sec := conv.Security(); sec.SessionIdle > 0 {
		t.Idle = sec.SessionIdle
		if sec.SessionAbsolute > 0 {
			t.Absolute = sec.SessionAbsolute
		}
	}
	return t
}

// Config says where each region's convenant comes from.
type Config struct {
	// Default is the convenant file of every region without its own ("" = the model convenant).
	Default string
	// PerRegion maps a region code to its own convenant file.
	PerRegion map[string]string
	// Load reads and compiles a convenant file ("" = the model convenant).
	Load func(path string) (*convenant.Compiled, error)
	Now  func() time.Time
}

// Registry holds the regions of one database. It is safe for concurrent use; a region created
// after start is added on first use.
type Registry struct {
	db   *store.DB
	ring *ident.KeyRing
	cfg  Config

	mu   sync.RWMutex
	byID map[int64]*Region
}

// ErrUnknownRegion is returned for a region id the database does not hold.
var ErrUnknownRegion = errors.New("onbekende regio")

// Open builds the registry over every region in the database. A per-region convenant for a
// region the database does not hold is an error (a typo would otherwise go unnoticed).
func Open(ctx context.Context, db *store.DB, ring *ident.KeyRing, cfg Config) (*Registry, error) {
	if cfg.Load == nil || cfg.Now == nil {
		return nil, errors.New("tenant: Load en Now zijn verplicht")
	}
	r := &Registry{db: db, ring: ring, cfg: cfg, byID: map[int64]*Region{}}
	regs, err := db.Regions(ctx)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, reg := range regs {
		known[reg.Code] = true
		if _, err := r.add(reg.ID, reg.Code); err != nil {
			return nil, err
		}
	}
	for code := range cfg.PerRegion {
		if !known[code] {
			return nil, fmt.Errorf("convenant voor regio %q: deze regio staat niet in de database", code)
		}
	}
	return r, nil
}

func (r *Registry) add(id int64, code string) (*Region, error) {
	path := r.cfg.Default
	if p, ok := r.cfg.PerRegion[code]; ok {
		path = p
	}
	conv, err := r.cfg.Load(path)
	if err != nil {
		return nil, fmt.Errorf("regio %s: %w", code, err)
	}
	eng, err := policy.NewEngineErr(conv)
	if err != nil {
		return nil, fmt.Errorf("regio %s: %w", code, err)
	}
	ccfg, err := consent.FromConvenant(conv)
	if err != nil {
		return nil, fmt.Errorf("regio %s: %w", code, err)
	}
	reg := &Region{ID: id, Code: code, Convenant: path, Engine: eng, Access: access.New(eng, id), Consent: ccfg, Timeouts: TimeoutsOf(conv)}
	if r.ring != nil {
		keys, err := r.ring.Region(code)
		if err != nil {
			return nil, fmt.Errorf("regio %s: %w", code, err)
		}
		reg.Keys = keys
		var enc audit.Encrypter = keys // seals with the key version in front (ident.RegionKeys.Encrypt)
		guard := casework.NewGuard(conv, eng, consent.NewRegister(r.db, ccfg, nil))
		svc, err := casework.NewService(store.NewCaseStore(r.db), guard, store.CaseDirectory{DB: r.db}, enc, casework.DefaultConfig(), r.cfg.Now)
		if err != nil {
			return nil, fmt.Errorf("regio %s: %w", code, err)
		}
		reg.Casework = svc
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if have, ok := r.byID[id]; ok {
		return have, nil
	}
	r.byID[id] = reg
	return reg, nil
}

// Region returns the region with this id, adding it when it was created after start.
func (r *Registry) Region(ctx context.Context, id int64) (*Region, error) {
	r.mu.RLock()
	reg, ok := r.byID[id]
	r.mu.RUnlock()
	if ok {
		return reg, nil
	}
	regs, err := r.db.Regions(ctx)
	if err != nil {
		return nil, err
	}
	for _, x := range regs {
		if x.ID == id {
			return r.add(x.ID, x.Code)
		}
	}
	return nil, fmt.Errorf("regio %d: %w", id, ErrUnknownRegion)
}

// Regions lists the regions loaded so far, by code.
func (r *Registry) Regions() []*Region {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]*Region, 0, len(r.byID))
	for _, reg := range r.byID {
		out = append(out, reg)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// For returns the region's decision point (access.Point; web.Decisions, absence.Decisions,
// consent.Decisions).
func (r *Registry) For(ctx context.Context, regionID int64) (*access.Point, error) {
	reg, err := r.Region(ctx, regionID)
	if err != nil {
		return nil, err
	}
	return reg.Access, nil
}

// Casework returns the region's casework service (web.CaseworkServices).
func (r *Registry) Casework(ctx context.Context, regionID int64) (*casework.Service, error) {
	reg, err := r.Region(ctx, regionID)
	if err != nil {
		return nil, err
	}
	if reg.Casework == nil {
		return nil, fmt.Errorf("regio %s: casussen vragen de sleutels van de regio", reg.Code)
	}
	return reg.Casework, nil
}

// Reload re-reads every region's convenant file; an invalid file keeps the valid convenant of
// that region (policy.Engine.ReloadFile). It returns the errors per region.
func (r *Registry) Reload() error {
	var errs []error
	for _, reg := range r.Regions() {
		if reg.Convenant == "" {
			continue
		}
		if err := reg.Engine.ReloadFile(reg.Convenant); err != nil {
			errs = append(errs, fmt.Errorf("regio %s: %w", reg.Code, err))
		}
	}
	return errors.Join(errs...)
}

// SessionTimeouts returns the session limits of the region (for the web's session check).
func (r *Registry) SessionTimeouts(ctx context.Context, regionID int64) (auth.Timeouts, error) {
	reg, err := r.Region(ctx, regionID)
	if err != nil {
		return auth.Timeouts{}, err
	}
	return reg.Timeouts, nil
}

// ConsentConfig returns the consent rules and catalogue of the region's own convenant.
func (r *Registry) ConsentConfig(ctx context.Context, regionID int64) (consent.Config, error) {
	reg, err := r.Region(ctx, regionID)
	if err != nil {
		return consent.Config{}, err
	}
	return reg.Consent, nil
}

// Regional returns the regional switches of the region's own convenant
// (regionale_instellingen).
func (r *Registry) Regional(ctx context.Context, regionID int64) (convenant.RegionalSettings, error) {
	reg, err := r.Region(ctx, regionID)
	if err != nil {
		return convenant.RegionalSettings{}, err
	}
	return reg.Engine.Convenant().Regional(), nil
}

// LongestTimeouts returns, per limit, the longest of the loaded regions (at least the defaults):
// what a sweep of expired sessions may delete without cutting a region's session short.
func (r *Registry) LongestTimeouts() auth.Timeouts {
	t := auth.DefaultTimeouts
	for _, reg := range r.Regions() {
		t.Idle = max(t.Idle, reg.Timeouts.Idle)
		t.Absolute = max(t.Absolute, reg.Timeouts.Absolute)
	}
	return t
}
