package store_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

// The application role (SetupAppRole) can append to and read the audit log but cannot update,
// delete, truncate or alter it, nor drop its triggers; row-level security hides other regions once
// the transaction names its region. PostgreSQL only (GRONDSLAG_TEST_POSTGRES).
func TestAppRoleCannotTamperWithAudit(t *testing.T) {
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
	var b [4]byte
	rand.Read(b[:])
	role := "grondslag_app_test_" + hex.EncodeToString(b[:])
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
	// Twice is fine (after every migration).
	if err := owner.SetupAppRole(ctx, role); err != nil {
		t.Fatalf("second setup: %v", err)
	}
	regA, regB := auditRegion(t, owner, "een"), auditRegion(t, owner, "twee")

	u, _ := url.Parse(dsn)
	u.User = url.User(role)
	app, err := store.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	if err := app.CheckSchema(ctx); err != nil {
		t.Fatalf("the application role cannot read the schema: %v", err)
	}
	as := store.NewAuditStore(app)
	appendN(t, app, as, regA, 0, 300)
	appendN(t, app, as, regB, 0, 10)
	s, _ := auditSigner(t, "een")
	if _, err := as.MakeCheckpoint(ctx, regA, s, time.Now()); err != nil {
		t.Fatalf("the application role cannot checkpoint: %v", err)
	}

	for _, q := range []string{
		"UPDATE audit_regel SET tijd = 0 WHERE volgnummer = 1",
		"DELETE FROM audit_regel WHERE volgnummer = 1",
		"TRUNCATE audit_regel",
		"UPDATE audit_knoop SET hash = hash",
		"DELETE FROM audit_controlepunt",
		"UPDATE audit_controlepunt SET grootte = 1",
		"DELETE FROM audit_kop",
		"UPDATE regio_sleutel SET vingerafdruk = 'x'",
		"ALTER TABLE audit_regel DISABLE TRIGGER USER",
		"DROP TRIGGER audit_regel_alleen_toevoegen ON audit_regel",
		"ALTER TABLE audit_regel DISABLE ROW LEVEL SECURITY",
		"DROP TABLE audit_regel",
		"CREATE TABLE stiekem (x int)",
		"INSERT INTO schema_migraties (versie, naam, toegepast_op) VALUES (9999, 'x', 0)",
	} {
		_, err := app.Exec(ctx, q)
		if err == nil {
			t.Errorf("application role may: %s", q)
			continue
		}
		// The refusal must come from the privileges, not from the append-only triggers (which an
		// owner could drop).
		if msg := err.Error(); !strings.Contains(msg, "permission denied") && !strings.Contains(msg, "must be owner") {
			t.Errorf("%s: refused by %v, want a privilege error", q, err)
		}
	}
	// The same UPDATE as the schema's owner reaches the trigger: the privileges are what stop the
	// application.
	if _, err := owner.Exec(ctx, "UPDATE audit_regel SET tijd = 0 WHERE volgnummer = 1"); err == nil || !strings.Contains(err.Error(), "alleen-toevoegen") {
		t.Errorf("owner update: %v", err)
	}

	// Row-level security: with the region set, other regions' rows are invisible and unwritable.
	err = app.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetRegion(ctx, regB); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM audit_regel").Scan(&n); err != nil {
			return err
		}
		if n != 10 {
			t.Errorf("region twee sees %d audit rows, want its own 10", n)
		}
		// The list of regions (code and name) stays readable by design (migration 0012: a command
		// resolves its region there before it can name one); changing another region's row is not.
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM regio").Scan(&n); err != nil || n != 2 {
			t.Errorf("region twee reads %d regions in the list (%v), want both", n, err)
		}
		res, err := tx.Exec(ctx, "UPDATE regio SET naam = 'Overgenomen' WHERE id = ?", regA)
		if err != nil {
			return err
		}
		if changed, _ := res.RowsAffected(); changed != 0 {
			t.Errorf("region twee changed region een's row (%d rows)", changed)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = app.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetRegion(ctx, regB); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "INSERT INTO organisatie (regio_id, soort, naam) VALUES (?, 'school', 'Elders')", regA)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "row-level security") {
		t.Errorf("insert into another region: %v", err)
	}
	// The log is intact and complete for its owner.
	var n int
	owner.QueryRow(ctx, "SELECT count(*) FROM audit_regel WHERE regio_id = ?", regA).Scan(&n)
	if n != 300 {
		t.Errorf("%d rows in region een, want 300", n)
	}
}
