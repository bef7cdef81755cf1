package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/grondslag/grondslag/internal/storage"
)

// Region scope on PostgreSQL. Row-level security (roles.go) shows the application role a region's
// rows only when the session or transaction names that region in the setting grondslag.regio;
// without it (absent or empty) the role sees nothing and can write nothing. The value '*' is the
// explicit opposite: every region, for the work that is not yet tied to one (finding the session
// or account behind a login, the audit batcher, jobs that walk all regions).
//
// The store picks, for every statement, a connection pool whose sessions start with the right
// value (a startup parameter, so no extra round trip): the region in the context (WithRegion),
// else the store's default scope (ScopeRegion, ScopeAllRegions), else no region at all.
// SQLite has no roles and no row-level security; scopes change nothing there.

// AllRegionsSetting is the value of grondslag.regio that row-level security reads as "every
// region". Only set on purpose (ScopeAllRegions, AllRegions); an absent or empty value denies.
const AllRegionsSetting = storage.AllRegions

// WithRegion returns a context whose statements run limited to one region (PostgreSQL row-level
// security): storage.WithRegion, which the web server calls once it knows whose request it serves.
func WithRegion(ctx context.Context, regionID int64) context.Context {
	return storage.WithRegion(ctx, regionID)
}

// AllRegions returns a context whose statements may see every region: for the few paths that
// must look across regions before they know which one (a login by e-mail address).
func AllRegions(ctx context.Context) context.Context {
	return storage.WithAllRegions(ctx)
}

// RegionScope reports the grondslag.regio value statements under ctx run with on db: the
// context's, else the store's default, else "" (no region: nothing visible to the application
// role).
func (db *DB) RegionScope(ctx context.Context) string {
	if v, ok := storage.Scope(ctx); ok {
		return v
	}
	if db.scopes == nil {
		return ""
	}
	db.scopes.mu.Lock()
	defer db.scopes.mu.Unlock()
	return db.scopes.def
}

// ScopeRegion makes regionID the default scope of statements whose context names none, on this
// store and its key vault: a command that works for one region.
func (db *DB) ScopeRegion(regionID int64) {
	db.setDefaultScope(strconv.FormatInt(regionID, 10))
}

// ScopeAllRegions makes every region the default scope of statements whose context names none,
// on this store and its key vault: a server that serves several regions narrows each signed-in
// request to its own (WithRegion).
func (db *DB) ScopeAllRegions() { db.setDefaultScope(AllRegionsSetting) }

func (db *DB) setDefaultScope(v string) {
	if db.scopes != nil {
		db.scopes.mu.Lock()
		db.scopes.def = v
		db.scopes.mu.Unlock()
	}
	if db.vault != nil && db.vault.db != db {
		db.vault.db.setDefaultScope(v)
	}
}

// scopedPools are a PostgreSQL store's connection pools, one per value of grondslag.regio; the
// pool for "" is the one Open made.
type scopedPools struct {
	dsn   string // the store's URL; a pool's sessions add grondslag.regio to it
	conns int    // maximum open connections per pool
	mu    sync.Mutex
	def   string
	pools map[string]*sql.DB
}

// pool returns the pool for the scope of ctx: db.r for SQLite or the unscoped pool.
func (db *DB) pool(ctx context.Context) (*sql.DB, error) {
	if db.scopes == nil {
		return db.r, nil
	}
	scope := db.RegionScope(ctx)
	if scope == "" {
		return db.r, nil
	}
	s := db.scopes
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.pools[scope]; ok {
		return p, nil
	}
	sep := "?"
	if strings.Contains(s.dsn, "?") {
		sep = "&"
	}
	p, err := sql.Open("pgx", s.dsn+sep+RegionSetting+"="+scope)
	if err != nil {
		return nil, fmt.Errorf("verbinding voor regio %s: %w", scope, err)
	}
	p.SetMaxOpenConns(s.conns)
	p.SetMaxIdleConns(s.conns)
	s.pools[scope] = p
	return p, nil
}

// closeScoped closes the pools opened for a scope (not the store's own).
func (s *scopedPools) closeScoped() error {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for k, p := range s.pools {
		if err := p.Close(); err != nil {
			errs = append(errs, err)
		}
		delete(s.pools, k)
	}
	if len(errs) > 0 {
		return fmt.Errorf("regioverbindingen sluiten: %v", errs)
	}
	return nil
}

func newScopedPools(dsn string, conns int) *scopedPools {
	return &scopedPools{dsn: dsn, conns: conns, pools: map[string]*sql.DB{}}
}

// writer returns the pool for writes under ctx: SQLite's one writer, or the scope's pool.
func (db *DB) writer(ctx context.Context) (*sql.DB, error) {
	if db.scopes == nil {
		return db.w, nil
	}
	return db.pool(ctx)
}

// poolOrUnscoped is pool for callers that cannot return an error (QueryRow): a pool that cannot
// be opened falls back to the unscoped one, which shows the application role nothing.
func (db *DB) poolOrUnscoped(ctx context.Context) *sql.DB {
	p, err := db.pool(ctx)
	if err != nil {
		return db.r
	}
	return p
}
