package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

// dropAuditGuard removes the append-only triggers of migration 0301, as a DBA with direct access
// to the database could. Tamper tests use it to show that verify catches what the triggers do not
// stop.
func dropAuditGuard(t testing.TB, db *store.DB) {
	t.Helper()
	var qs []string
	if db.Dialect() == store.Postgres {
		for _, tbl := range []string{"audit_regel", "audit_knoop", "audit_controlepunt"} {
			qs = append(qs, "ALTER TABLE "+tbl+" DISABLE TRIGGER USER")
		}
	} else {
		for _, tbl := range []string{"audit_regel", "audit_knoop", "audit_controlepunt"} {
			qs = append(qs, "DROP TRIGGER "+tbl+"_geen_wijziging", "DROP TRIGGER "+tbl+"_geen_verwijdering")
		}
	}
	for _, q := range qs {
		if _, err := db.Exec(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// The database itself refuses UPDATE and DELETE of audit leaves, stored nodes and checkpoints,
// outside and inside a transaction, and the log still verifies afterwards.
func TestAuditAppendOnlyInDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		as := store.NewAuditStore(db)
		r := auditRegion(t, db, "een")
		s, v := auditSigner(t, "een")
		appendN(t, db, as, r, 0, 300) // 300 leaves: one stored node at level 8
		if _, err := as.MakeCheckpoint(ctx, r, s, time.Now()); err != nil {
			t.Fatal(err)
		}
		refused := []string{
			"UPDATE audit_regel SET leerling = 'ps-ffffffffffffffff' WHERE volgnummer = 7",
			"UPDATE audit_regel SET volgnummer = volgnummer + 1000 WHERE volgnummer >= 290",
			"DELETE FROM audit_regel WHERE volgnummer = 8",
			"DELETE FROM audit_regel",
			"UPDATE audit_knoop SET positie = positie + 1",
			"DELETE FROM audit_knoop",
			"UPDATE audit_controlepunt SET grootte = 5",
			"DELETE FROM audit_controlepunt",
		}
		if db.Dialect() == store.Postgres {
			refused = append(refused, "TRUNCATE audit_regel", "TRUNCATE audit_controlepunt", "TRUNCATE audit_knoop")
		}
		for _, q := range refused {
			_, err := db.Exec(ctx, q)
			if err == nil || !strings.Contains(err.Error(), "alleen-toevoegen") {
				t.Errorf("%s: err = %v, want the append-only refusal", q, err)
			}
			err = db.WithTx(ctx, func(tx *store.Tx) error {
				_, err := tx.Exec(ctx, q)
				return err
			})
			if err == nil || !strings.Contains(err.Error(), "alleen-toevoegen") {
				t.Errorf("in a transaction: %s: err = %v, want the append-only refusal", q, err)
			}
		}
		var n int64
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM audit_regel WHERE regio_id = ?", r).Scan(&n); err != nil || n != 300 {
			t.Fatalf("rows after refused changes: %d %v", n, err)
		}
		// Appending and checkpointing still work.
		appendN(t, db, as, r, 300, 20)
		if _, err := as.MakeCheckpoint(ctx, r, s, time.Now()); err != nil {
			t.Fatal(err)
		}
		res, err := as.Verify(ctx, r, store.VerifyOptions{Verifiers: []note.Verifier{v}})
		if err != nil || res.Size != 320 || res.Checkpoints != 2 {
			t.Fatalf("verify: %+v %v", res, err)
		}
	})
}
