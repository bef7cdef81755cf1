package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"

	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/store"
)

// config is the configuration shared by the subcommands that work on a store. It is read once,
// from flags with GRONDSLAG_* environment variables as defaults, and passed down; there are no
// globals.
type config struct {
	DB        string // SQLite file path or postgres:// URL
	KeyFile   string // path of the key file, created on first use with mode 0600
	KeysJSON  string // the key file's contents from configuration (GRONDSLAG_SLEUTELS); wins over KeyFile
	Convenant string // convenant.yaml; empty means the embedded model convenant
	// RegionConvenants are the regions with their own convenant file (serve: --regio-convenant
	// CODE=BESTAND, repeatable); the others use Convenant.
	RegionConvenants map[string]string
	Region           string // region code; empty means the only region in the store
	Vault            string // the key vault with the pupils' content keys: SQLite path or postgres:// URL; empty: derived from DB

	db   *store.DB      // the store openStore opened: keyRing checks the keys against it
	ring *ident.KeyRing // loaded and checked once
}

// envOr returns the environment variable's value, or def when it is empty.
func envOr(e env, name, def string) string {
	if v := e.getenv(name); v != "" {
		return v
	}
	return def
}

// storeFlags registers the store flags on fs, with defaults from the environment.
func storeFlags(fs *flag.FlagSet, e env) *config {
	c := &config{KeysJSON: e.getenv("GRONDSLAG_SLEUTELS")}
	fs.StringVar(&c.DB, "db", envOr(e, "GRONDSLAG_DB", "grondslag.db"), "database: een bestandspad (SQLite) of een postgres://-URL (GRONDSLAG_DB)")
	fs.StringVar(&c.KeyFile, "sleutels", envOr(e, "GRONDSLAG_SLEUTELBESTAND", "grondslag-sleutels.json"), "sleutelbestand van de regio's (rechten 0600); alleen 'regio aanmaken' en 'sleutels aanmaken' maken sleutels (GRONDSLAG_SLEUTELBESTAND; de sleutels zelf kunnen ook in GRONDSLAG_SLEUTELS)")
	fs.StringVar(&c.Region, "regio", envOr(e, "GRONDSLAG_REGIO", ""), "code van de regio; leeg: de enige regio in de database (GRONDSLAG_REGIO)")
	fs.StringVar(&c.Vault, "sleutelkluis", envOr(e, "GRONDSLAG_SLEUTELKLUIS", ""), "sleutelkluis met de sleutels per leerling (SQLite-bestand of postgres://-URL); leeg: naast de SQLite-database <naam>-sleutelkluis.db, bij PostgreSQL dezelfde database (GRONDSLAG_SLEUTELKLUIS)")
	return c
}

// convenantFlag registers --convenant on fs.
// regionConvenants is the repeatable --regio-convenant CODE=BESTAND.
type regionConvenants struct{ m *map[string]string }

func (r regionConvenants) String() string {
	if r.m == nil {
		return ""
	}
	var out []string
	for k, v := range *r.m {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

func (r regionConvenants) Set(v string) error {
	code, path, ok := strings.Cut(v, "=")
	if !ok || code == "" || path == "" {
		return fmt.Errorf("gebruik CODE=BESTAND, bijvoorbeeld swv-lindewaard=lindewaard.yaml")
	}
	if *r.m == nil {
		*r.m = map[string]string{}
	}
	if _, dup := (*r.m)[code]; dup {
		return fmt.Errorf("regio %s heeft al een convenant", code)
	}
	(*r.m)[code] = path
	return nil
}

func convenantFlag(fs *flag.FlagSet, e env, c *config) {
	fs.StringVar(&c.Convenant, "convenant", envOr(e, "GRONDSLAG_CONVENANT", ""), "het convenant van de regio (convenant.yaml); leeg: het modelconvenant (GRONDSLAG_CONVENANT)")
}

// newFlagSet makes a FlagSet whose usage text is Dutch and which reports errors instead of exiting.
func newFlagSet(e env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Gebruik: grondslag %s\n\n", usage)
		fmt.Fprintln(e.stderr, "Opties:")
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args and maps -h and bad flags to exit code 2.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return withExit(0, fmt.Errorf(""))
		}
		return withExit(2, fmt.Errorf(""))
	}
	return nil
}

// vaultDSN is the key vault's location: --sleutelkluis, else next to a SQLite database
// (grondslag.db → grondslag-sleutelkluis.db), else the PostgreSQL database itself.
func (c *config) vaultDSN() string {
	if c.Vault != "" {
		return c.Vault
	}
	if store.IsPostgresURL(c.DB) {
		return c.DB
	}
	return strings.TrimSuffix(c.DB, ".db") + "-sleutelkluis.db"
}

// vaultDSNForDisplay is the vault's location without a password.
func (c *config) vaultDSNForDisplay() string {
	d := c.vaultDSN()
	if store.IsPostgresURL(d) {
		if i := strings.Index(d, "@"); i > 0 {
			if j := strings.Index(d, "://"); j > 0 {
				return d[:j+3] + "…" + d[i:]
			}
		}
	}
	return d
}

// attachVault opens the key vault and lets db seal and open pupil content with it.
func (c *config) attachVault(ctx context.Context, db *store.DB) error {
	ring, err := c.keyRing()
	if err != nil {
		return err
	}
	v, err := store.OpenKeyVault(ctx, c.vaultDSN(), ring)
	if err != nil {
		return err
	}
	db.UseKeyVault(v)
	return nil
}

// openStore opens an existing store and refuses an out-of-date schema, naming the command that
// fixes it. A SQLite file that does not exist is refused, not created (only migrate, regio
// aanmaken and demo make a database).
func (c *config) openStore(ctx context.Context) (*store.DB, error) {
	if !store.IsPostgresURL(c.DB) {
		file, _, _ := strings.Cut(c.DB, "?")
		if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("database %s bestaat niet; maak hem met: grondslag migrate --db %s", file, c.DB)
		}
	}
	db, err := store.Open(ctx, c.DB)
	if err != nil {
		return nil, err
	}
	// On PostgreSQL, row-level security shows the application role nothing until a region is
	// named: every region until the command has resolved its own (region), and for a server until
	// a request is signed in (web: store.WithRegion).
	db.ScopeAllRegions()
	if err := db.CheckSchema(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("%w\nVoer eerst uit: grondslag migrate --db %s", err, c.DB)
	}
	c.db = db
	if err := c.attachVault(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// openStoreReadOnly opens an existing store for reading only (store.OpenReadOnly) and refuses an
// out-of-date schema; it attaches no key vault, so it creates no vault file either. For commands
// that must never write, like audit verify.
func (c *config) openStoreReadOnly(ctx context.Context) (*store.DB, error) {
	if !store.IsPostgresURL(c.DB) {
		file, _, _ := strings.Cut(c.DB, "?")
		if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("database %s bestaat niet; maak hem met: grondslag migrate --db %s", file, c.DB)
		}
	}
	db, err := store.OpenReadOnly(ctx, c.DB)
	if err != nil {
		return nil, err
	}
	db.ScopeAllRegions() // narrowed by region, as in openStore
	if err := db.CheckSchema(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("%w\nVoer eerst uit: grondslag migrate --db %s", err, c.DB)
	}
	c.db = db
	return db, nil
}

// region resolves the configured region, or the only one in the store.
func (c *config) region(ctx context.Context, db *store.DB) (regionRef, error) {
	if c.Region != "" {
		r, err := db.RegionByCode(ctx, c.Region)
		if err != nil {
			return regionRef{}, fmt.Errorf("regio %q bestaat niet in deze database", c.Region)
		}
		db.ScopeRegion(r.ID) // from here on the command sees only its region (row-level security)
		return regionRef{ID: r.ID, Code: r.Code}, nil
	}
	rs, err := db.Regions(ctx)
	if err != nil {
		return regionRef{}, err
	}
	switch len(rs) {
	case 0:
		return regionRef{}, fmt.Errorf("deze database heeft nog geen regio; maak er een met 'grondslag regio aanmaken' of start 'grondslag demo'")
	case 1:
		db.ScopeRegion(rs[0].ID)
		return regionRef{ID: rs[0].ID, Code: rs[0].Code}, nil
	}
	codes := make([]string, len(rs))
	for i, r := range rs {
		codes[i] = r.Code
	}
	return regionRef{}, fmt.Errorf("deze database heeft meerdere regio's (%s); kies er een met --regio", strings.Join(codes, ", "))
}

// regionRef names a region by id and code.
type regionRef struct {
	ID   int64
	Code string
}

// parseInterspersed parses flags that may stand before, between or after positional arguments
// (the standard flag package stops at the first positional one) and returns the positionals.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
