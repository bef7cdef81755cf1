package store_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/demo"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

var errRefused = errors.New("geweigerd")

// TestRowLevelSecurityEveryRegionTable fills one region through the demo (pupils, parents,
// absence, meldingen, consents, cases, notices, rights, retention, audit, the key vault in the
// same database) and makes an empty second region. The application role, with its transaction
// set to the second region, must see none of the first region's rows and be unable to change
// them, in every table that has a regio_id column; set to the first region it sees exactly what
// the owner sees. PostgreSQL only (GRONDSLAG_TEST_POSTGRES).
func TestRowLevelSecurityEveryRegionTable(t *testing.T) {
	base := os.Getenv(storetest.EnvPostgres)
	if base == "" {
		t.Skip(storetest.EnvPostgres + " is niet gezet")
	}
	ctx := context.Background()
	dsn, dropDB := storetest.NewPostgresDatabase(t, base)
	t.Cleanup(dropDB)
	owner, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	if _, err := owner.Migrate(ctx, time.Now().UnixMilli()); err != nil {
		t.Fatal(err)
	}
	ring, err := ident.LoadKeyFile(filepath.Join(t.TempDir(), "sleutels.json"))
	if err != nil {
		t.Fatal(err)
	}
	// The key vault in the same database (as serve does on PostgreSQL), on a handle of its own.
	vault, err := store.OpenKeyVault(ctx, dsn, ring)
	if err != nil {
		t.Fatal(err)
	}
	owner.UseKeyVault(vault)
	now := time.Now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	res, err := demo.Generate(ctx, owner, ring, demo.Options{Seed: 3, Pupils: 60, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Populate(ctx, owner, ring, res, today); err != nil {
		t.Fatal(err)
	}
	regA, regB := res.Region.ID, auditRegion(t, owner, "leeg")

	var b [4]byte
	rand.Read(b[:])
	role := "grondslag_rls_test_" + hex.EncodeToString(b[:])
	if err := owner.SetupAppRole(ctx, role); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		owner.Exec(ctx, "DROP OWNED BY "+role)
		if admin, err := sql.Open("pgx", base); err == nil {
			admin.Exec("DROP ROLE IF EXISTS " + role)
			admin.Close()
		}
	})
	u, _ := url.Parse(dsn)
	u.User = url.User(role)
	app, err := store.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()

	// Every table with a regio_id column, and whether row-level security is on for it.
	rows, err := owner.Query(ctx, `SELECT c.relname, c.relrowsecurity FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND c.relkind = 'r' AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'regio_id' AND NOT a.attisdropped)
		ORDER BY c.relname`)
	if err != nil {
		t.Fatal(err)
	}
	type table struct {
		name string
		rls  bool
	}
	var tables []table
	for rows.Next() {
		var tb table
		if err := rows.Scan(&tb.name, &tb.rls); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, tb)
	}
	rows.Close()
	if len(tables) < 20 {
		t.Fatalf("only %d region tables found", len(tables))
	}
	count := func(db *store.DB, region int64, q string, args ...any) int {
		t.Helper()
		var n int
		err := db.WithTx(ctx, func(tx *store.Tx) error {
			if region != 0 {
				if err := tx.SetRegion(ctx, region); err != nil {
					return err
				}
			}
			return tx.QueryRow(ctx, q, args...).Scan(&n)
		})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	filled, empty := 0, []string{}
	for _, tb := range tables {
		if !tb.rls {
			t.Errorf("%s: row-level security is off", tb.name)
			continue
		}
		inA := count(owner, 0, "SELECT count(*) FROM "+tb.name+" WHERE regio_id = ?", regA)
		if inA == 0 {
			empty = append(empty, tb.name)
			continue
		}
		filled++
		// No region named, neither by the transaction nor by the connection: nothing (fail closed).
		if n := count(app, 0, "SELECT count(*) FROM "+tb.name); n != 0 {
			t.Errorf("%s: without a region the application sees %d rows", tb.name, n)
		}
		// The region of the context picks a pool whose sessions name it (store.WithRegion).
		var viaCtx int
		if err := app.QueryRow(store.WithRegion(ctx, regA), "SELECT count(*) FROM "+tb.name).Scan(&viaCtx); err != nil {
			t.Fatal(err)
		} else if viaCtx != inA {
			t.Errorf("%s: with the context set to its own region the application sees %d rows, the owner %d", tb.name, viaCtx, inA)
		}
		if n := count(app, regB, "SELECT count(*) FROM "+tb.name); n != 0 {
			t.Errorf("%s: set to the empty region the application sees %d rows (the other region has %d)", tb.name, n, inA)
		}
		if n := count(app, regA, "SELECT count(*) FROM "+tb.name); n != inA {
			t.Errorf("%s: set to its own region the application sees %d rows, the owner %d", tb.name, n, inA)
		}
		// Writing the other region's rows touches nothing (or is refused outright).
		err := app.WithTx(ctx, func(tx *store.Tx) error {
			if err := tx.SetRegion(ctx, regB); err != nil {
				return err
			}
			res, err := tx.Exec(ctx, "UPDATE "+tb.name+" SET regio_id = regio_id WHERE regio_id = ?", regA)
			if err != nil {
				return errRefused // refused by a privilege or trigger: nothing changed either
			}
			if n, _ := res.RowsAffected(); n != 0 {
				t.Errorf("%s: set to the empty region the application updated %d rows of the other region", tb.name, n)
			}
			return nil
		})
		if err != nil && !errors.Is(err, errRefused) {
			t.Fatal(err)
		}
		// Without a region an update touches nothing either.
		err = app.WithTx(ctx, func(tx *store.Tx) error {
			res, err := tx.Exec(ctx, "UPDATE "+tb.name+" SET regio_id = regio_id WHERE regio_id = ?", regA)
			if err != nil {
				return errRefused
			}
			if n, _ := res.RowsAffected(); n != 0 {
				t.Errorf("%s: without a region the application updated %d rows", tb.name, n)
			}
			return nil
		})
		if err != nil && !errors.Is(err, errRefused) {
			t.Fatal(err)
		}
	}
	// An insert without a region is refused by the policy's WITH CHECK.
	if _, err := app.Exec(ctx, "INSERT INTO organisatie (regio_id, soort, naam) VALUES (?, 'school', 'zonder regio')", regA); err == nil {
		t.Error("without a region the application inserted an organisation")
	}
	if _, err := app.Exec(store.WithRegion(ctx, regB), "INSERT INTO organisatie (regio_id, soort, naam) VALUES (?, 'school', 'andere regio')", regA); err == nil {
		t.Error("set to the empty region the application inserted an organisation into the other region")
	}
	// The list of regions stays readable (a command resolves its region there first).
	var regions int
	if err := app.QueryRow(ctx, "SELECT count(*) FROM regio").Scan(&regions); err != nil || regions < 2 {
		t.Errorf("without a region the application reads %d regions (%v); want both", regions, err)
	}
	// Every region only on purpose: the store's default scope '*'.
	app.ScopeAllRegions()
	if n := count(app, 0, "SELECT count(*) FROM organisatie WHERE regio_id = ?", regA); n == 0 {
		t.Error("scoped to all regions the application sees no organisations of the first region")
	}
	// The audit batcher as the application role: its first batch goes through Append, the next
	// through the pipelined write (set_config, guarded head update, INSERT … unnest); both pass
	// row-level security and the log still verifies.
	ab := store.NewAuditBatcher(store.NewAuditStore(app), 16)
	before, _, err := store.NewAuditStore(owner).Head(ctx, regA)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := ab.Append(ctx, regA, auditEntry(t, 900+i)); err != nil {
			t.Fatalf("batcher as the application role, append %d: %v", i, err)
		}
	}
	pipelined, viaTx := ab.BatcherPaths()
	ab.Close()
	if pipelined == 0 || viaTx == 0 {
		t.Errorf("batcher as the application role: %d pipelined, %d via a transaction; want both", pipelined, viaTx)
	}
	// The stored tree must extend the demo's latest checkpoint (MakeCheckpoint proves consistency
	// from the stored hashes before it signs) and hold exactly the three new entries.
	signer, _ := auditSigner(t, "rls")
	if cp, err := store.NewAuditStore(owner).MakeCheckpoint(ctx, regA, signer, time.Now()); err != nil || cp.Size != before+3 {
		t.Errorf("after the application role's batcher: checkpoint %+v, %v (size before %d)", cp, err, before)
	}
	t.Logf("%d region tables; %d filled by the demo and checked; without rows in the demo (checked only for row-level security being on): %v", len(tables), filled, empty)
	if filled < len(tables)/2 {
		t.Errorf("the demo filled only %d of %d region tables: the check says little", filled, len(tables))
	}
}
