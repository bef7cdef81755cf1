package store_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

// TestAuditPruneAtEndOfRetention: entries past the convenant's auditlog period lose their
// content, a prefix covered by a signed checkpoint and stopped by the first entry about a pupil
// that still exists; afterwards `audit verify` (thorough) passes, every checkpoint — also those
// inside the pruned range — still matches, and tampering is detected both in what remains (a
// changed leaf) and in the pruned range (a changed hash); the triggers refuse blanking an entry
// beyond the boundary, and without the pruning record a blanked entry is named.
func TestAuditPruneAtEndOfRetention(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedRegion(t, db, "sn", newRing(t))
		as := store.NewAuditStore(db)
		add := func(es ...audit.Entry) {
			t.Helper()
			if err := db.WithTx(ctx, func(tx *store.Tx) error { return as.Append(ctx, tx, f.reg.ID, es...) }); err != nil {
				t.Fatal(err)
			}
		}
		// 0–3: no pupil, or a pupil the region never had (destroyed long ago); 4: the live pupil;
		// 5: no pupil again.
		gone := "0123456789abcdef0123456789abcdef"
		add(pupilRead(t, "", 0, f.keys), pupilRead(t, gone, 1, f.keys), pupilRead(t, "", 2, f.keys), pupilRead(t, gone, 3, f.keys),
			pupilRead(t, f.pseudo, 4, f.keys), pupilRead(t, "", 5, f.keys))
		signer, verifier := auditSigner(t, "sn")
		verify := func() error {
			_, err := as.Verify(ctx, f.reg.ID, store.VerifyOptions{Verifiers: []note.Verifier{verifier}, Thorough: true})
			return err
		}
		period := convenant.Period{Years: 20}
		day := time.Date(2046, 11, 3, 0, 0, 0, 0, time.UTC) // the entries (2 November 2026) are due from this day
		// Without a checkpoint nothing can be pruned.
		if to, err := as.PruneDue(ctx, f.reg.ID, period, day); err != nil || to != 0 {
			t.Fatalf("due without a checkpoint: %d %v", to, err)
		}
		if _, err := as.MakeCheckpoint(ctx, f.reg.ID, signer, time.Now()); err != nil {
			t.Fatal(err)
		}
		if to, _ := as.PruneDue(ctx, f.reg.ID, period, day.AddDate(0, 0, -1)); to != 0 {
			t.Fatalf("due on the last day of the period: up to %d", to)
		}
		to, err := as.PruneDue(ctx, f.reg.ID, period, day)
		if err != nil || to != 4 {
			t.Fatalf("due: up to %d %v; want 4 (entry 4 is about a pupil that exists)", to, err)
		}
		// Beyond the boundary the triggers refuse (migration 0320), and verify names a blanked entry.
		if _, err := db.Exec(ctx, "UPDATE audit_regel SET blad = ?, leerling = '' WHERE regio_id = ? AND volgnummer = 1", []byte{}, f.reg.ID); err == nil || !strings.Contains(err.Error(), "alleen-toevoegen") {
			t.Fatalf("blanking without a pruning record: %v", err)
		}
		ex := store.Executor{UserID: 7, OrganisationID: f.gem, Role: "beheerder", Point: audit.AccessCLI}
		n, err := as.Prune(ctx, f.reg.ID, to, "bewaartermijn", ex, time.Now())
		if err != nil || n != 4 {
			t.Fatalf("prune: %d %v", n, err)
		}
		if err := verify(); err != nil {
			t.Fatalf("verify after pruning: %v", err)
		}
		var blanked int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM audit_regel WHERE regio_id = ? AND volgnummer < 4 AND leerling = '' AND blad_hash IS NOT NULL", f.reg.ID).Scan(&blanked); err != nil || blanked != 4 {
			t.Fatalf("pruned rows: %d %v", blanked, err)
		}
		if _, err := db.Exec(ctx, "UPDATE audit_regel SET blad = ?, leerling = '' WHERE regio_id = ? AND volgnummer = 5", []byte{}, f.reg.ID); err == nil {
			t.Fatal("the trigger let an entry beyond the boundary be blanked")
		}
		// The search and the pupil's trail still work on what remains.
		if trail, err := as.ForPupil(ctx, f.reg.ID, f.pseudo); err != nil || len(trail) != 1 {
			t.Fatalf("trail: %d %v", len(trail), err)
		}
		if found, total, err := as.Search(ctx, f.reg.ID, store.AuditFilter{}); err != nil || total != 3 || len(found) != 3 {
			t.Fatalf("search after pruning: %d/%d %v (want entries 4, 5 and the pruning's own)", len(found), total, err)
		}
		// A new checkpoint; verify still passes; nothing more is due (entry 4 stops it).
		if _, err := as.MakeCheckpoint(ctx, f.reg.ID, signer, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := verify(); err != nil {
			t.Fatalf("verify after the next checkpoint: %v", err)
		}
		if to2, _ := as.PruneDue(ctx, f.reg.ID, period, day); to2 != 4 {
			t.Fatalf("due again: up to %d, want 4", to2)
		}

		// Tampering, as someone who can drop the triggers would.
		dropAuditGuard(t, db)
		var leaf []byte
		if err := db.QueryRow(ctx, "SELECT blad FROM audit_regel WHERE regio_id = ? AND volgnummer = 5", f.reg.ID).Scan(&leaf); err != nil {
			t.Fatal(err)
		}
		set := func(b []byte) {
			t.Helper()
			if _, err := db.Exec(ctx, "UPDATE audit_regel SET blad = ? WHERE regio_id = ? AND volgnummer = 5", b, f.reg.ID); err != nil {
				t.Fatal(err)
			}
		}
		set(bytes.Replace(leaf, []byte("verzuim-lezen"), []byte("verzuim-delen"), 1))
		var fd *audit.Finding
		if err := verify(); !errors.As(err, &fd) || fd.Index != 5 {
			t.Fatalf("a changed leaf after the boundary: %v", err)
		}
		set(leaf)
		if err := verify(); err != nil {
			t.Fatalf("verify after undoing: %v", err)
		}
		if _, err := db.Exec(ctx, "UPDATE audit_regel SET blad_hash = ? WHERE regio_id = ? AND volgnummer = 2", make([]byte, 32), f.reg.ID); err != nil {
			t.Fatal(err)
		}
		if err := verify(); !errors.Is(err, audit.ErrTampered) || !strings.Contains(err.Error(), "controlepunt") {
			t.Fatalf("a changed hash in the pruned range: %v", err)
		}
	})
}
