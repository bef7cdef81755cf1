package store_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

var auditEnc = audit.EncryptFunc(func(p, ad []byte) ([]byte, error) { return append([]byte("c:"), p...), nil })

func auditRegion(t testing.TB, db *store.DB, code string) int64 {
	t.Helper()
	var id int64
	err := db.WithTx(context.Background(), func(tx *store.Tx) error {
		var err error
		id, err = tx.InsertID(context.Background(), "INSERT INTO regio (code, naam, vakantieregio, aangemaakt_op) VALUES (?, ?, ?, ?)", code, "Regio "+code, "noord", int64(1))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func auditEntry(t testing.TB, i int) audit.Entry {
	t.Helper()
	e, err := audit.NewEntry(audit.Record{
		Time:               time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Millisecond),
		Actor:              audit.Actor{UserID: 7, OrganisationID: 3, Role: "leerplicht"},
		Pupil:              fmt.Sprintf("ps-%016x", i%7),
		Categories:         []string{"verzuim"},
		Action:             audit.ActionRead,
		Purpose:            "verzuimaanpak",
		LegalGround:        "avg-6-1-c",
		Outcome:            audit.Allowed,
		AccessPoint:        audit.AccessAPI,
		RequestID:          fmt.Sprintf("req-%d", i),
		TraceID:            audit.NewTraceID(),
		OperationID:        audit.NewOperationID(),
		Name:               "verzuim-lezen",
		ProcessingActivity: "https://register.example.nl/verwerkingen/verzuim",
	}, auditEnc)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func appendN(t testing.TB, db *store.DB, as *store.AuditStore, region int64, from, n int) {
	t.Helper()
	var es []audit.Entry
	for i := from; i < from+n; i++ {
		es = append(es, auditEntry(t, i))
	}
	if err := db.WithTx(context.Background(), func(tx *store.Tx) error { return as.Append(context.Background(), tx, region, es...) }); err != nil {
		t.Fatal(err)
	}
}

func auditSigner(t testing.TB, code string) (audit.CheckpointSigner, note.Verifier) {
	t.Helper()
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	s, err := audit.NewSigner(audit.Origin(code), key)
	if err != nil {
		t.Fatal(err)
	}
	v, err := audit.ParseVerifierKey(s.VerifierKey())
	if err != nil {
		t.Fatal(err)
	}
	return s, v
}

func TestAuditAppendVerifyProofs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		as := store.NewAuditStore(db)
		r1, r2 := auditRegion(t, db, "een"), auditRegion(t, db, "twee")
		s1, v1 := auditSigner(t, "een")

		// Empty log: verifies, size 0.
		if res, err := as.Verify(ctx, r1, store.VerifyOptions{Verifiers: []note.Verifier{v1}}); err != nil || res.Size != 0 {
			t.Fatalf("empty: %+v %v", res, err)
		}
		appendN(t, db, as, r1, 0, 300)
		cpA, err := as.MakeCheckpoint(ctx, r1, s1, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		appendN(t, db, as, r2, 0, 5) // another region's log does not disturb this one
		appendN(t, db, as, r1, 300, 1)
		appendN(t, db, as, r1, 301, 400)
		cpB, err := as.MakeCheckpoint(ctx, r1, s1, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if cpA.Size != 300 || cpB.Size != 701 {
			t.Fatalf("checkpoint sizes %d, %d", cpA.Size, cpB.Size)
		}
		res, err := as.Verify(ctx, r1, store.VerifyOptions{Verifiers: []note.Verifier{v1}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Size != 701 || res.Checkpoints != 2 || audit.RootString(res.Root) != audit.RootString(cpB.Root) {
			t.Errorf("verify: %+v", res)
		}
		// The other region's log is separate and starts at 0.
		if res2, err := as.Verify(ctx, r2, store.VerifyOptions{}); err != nil || res2.Size != 5 {
			t.Errorf("region 2: %+v %v", res2, err)
		}
		// Proofs from the stored hashes verify against the signed roots.
		for _, idx := range []uint64{0, 255, 256, 299} {
			l, err := as.Leaf(ctx, r1, idx)
			if err != nil {
				t.Fatal(err)
			}
			leaf, _ := audit.EncodeLeaf(r1, idx, l.Entry)
			p, err := as.InclusionProof(ctx, r1, idx, cpA.Size)
			if err != nil {
				t.Fatal(err)
			}
			if err := audit.VerifyInclusion(idx, cpA.Size, audit.LeafHash(leaf), p, cpA.Root); err != nil {
				t.Errorf("inclusion %d: %v", idx, err)
			}
		}
		p, err := as.ConsistencyProof(ctx, r1, cpA.Size, cpB.Size)
		if err != nil {
			t.Fatal(err)
		}
		if err := audit.VerifyConsistency(cpA.Size, cpB.Size, p, cpA.Root, cpB.Root); err != nil {
			t.Errorf("consistency: %v", err)
		}
		// The pupil's view: only their entries, in order.
		view, err := as.ForPupil(ctx, r1, fmt.Sprintf("ps-%016x", 3))
		if err != nil {
			t.Fatal(err)
		}
		if len(view) != 100 || view[0].Index != 3 || view[1].Index != 10 {
			t.Errorf("pupil view: %d entries, first %d", len(view), view[0].Index)
		}
		// Region 2 sees only its own entries about the same pseudonym.
		other2, err := as.ForPupil(ctx, r2, fmt.Sprintf("ps-%016x", 3))
		if err != nil || len(other2) != 1 || other2[0].RegionID != r2 {
			t.Errorf("region 2's view: %d entries, %v", len(other2), err)
		}
		if _, err := as.Leaf(ctx, r2, 100); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Leaf(region 2, index only region 1 has) = %v", err)
		}
		// A wrong key fails the checkpoint check.
		_, other := auditSigner(t, "een")
		if _, err := as.Verify(ctx, r1, store.VerifyOptions{Verifiers: []note.Verifier{other}}); !errors.Is(err, audit.ErrTampered) {
			t.Errorf("wrong key: %v", err)
		}
		// An external checkpoint of the right history passes; of another history fails.
		ext, _ := audit.OpenCheckpoint(cpA.Note, v1)
		if _, err := as.Verify(ctx, r1, store.VerifyOptions{Verifiers: []note.Verifier{v1}, Extra: []audit.Checkpoint{ext}, Thorough: true}); err != nil {
			t.Errorf("external checkpoint: %v", err)
		}
		ext.Root = cpB.Root
		if _, err := as.Verify(ctx, r1, store.VerifyOptions{Verifiers: []note.Verifier{v1}, Extra: []audit.Checkpoint{ext}, Thorough: true}); !errors.Is(err, audit.ErrTampered) {
			t.Errorf("foreign external checkpoint: %v", err)
		}
	})
}

// A rolled-back transaction leaves neither the change nor its entries, and the next append
// reuses the indexes.
func TestAuditAppendRollsBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		as := store.NewAuditStore(db)
		r := auditRegion(t, db, "een")
		appendN(t, db, as, r, 0, 3)
		boom := errors.New("boom")
		err := db.WithTx(ctx, func(tx *store.Tx) error {
			if err := as.Append(ctx, tx, r, auditEntry(t, 3)); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		appendN(t, db, as, r, 3, 2)
		res, err := as.Verify(ctx, r, store.VerifyOptions{})
		if err != nil || res.Size != 5 {
			t.Errorf("%+v %v", res, err)
		}
	})
}

func TestAuditTamper(t *testing.T) {
	cases := []struct {
		name  string
		sql   []string
		first string
	}{
		{"modified", []string{"UPDATE audit_regel SET blad = REPLACE(blad, 'lezen', 'delen') WHERE volgnummer = 40"}, "regel 40:"},
		{"deleted", []string{"DELETE FROM audit_regel WHERE volgnummer = 41"}, "regel 41:"},
		{"deleted at the end", []string{"DELETE FROM audit_regel WHERE volgnummer >= 95"}, "regel 95:"},
		{"reordered", []string{
			"UPDATE audit_regel SET volgnummer = -1 WHERE volgnummer = 50",
			"UPDATE audit_regel SET volgnummer = 50 WHERE volgnummer = 51",
			"UPDATE audit_regel SET volgnummer = 51 WHERE volgnummer = -1"}, "regel 50:"},
		{"inserted", []string{
			"UPDATE audit_regel SET volgnummer = volgnummer + 1000 WHERE volgnummer >= 60",
			"UPDATE audit_regel SET volgnummer = volgnummer - 999 WHERE volgnummer >= 1060",
			"INSERT INTO audit_regel (regio_id, volgnummer, tijd, leerling, blad, blad_hash) SELECT regio_id, 60, tijd, leerling, blad, blad_hash FROM audit_regel WHERE volgnummer = 59"}, "regel 60:"},
		{"hidden from the pupil", []string{"UPDATE audit_regel SET leerling = 'ps-ffffffffffffffff' WHERE volgnummer = 70"}, "regel 70:"},
		{"checkpoint forged", []string{"UPDATE audit_controlepunt SET grootte = 99"}, "controlepunt"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				ctx := context.Background()
				as := store.NewAuditStore(db)
				r := auditRegion(t, db, "een")
				s, v := auditSigner(t, "een")
				appendN(t, db, as, r, 0, 100)
				if _, err := as.MakeCheckpoint(ctx, r, s, time.Now()); err != nil {
					t.Fatal(err)
				}
				dropAuditGuard(t, db)
				for _, q := range c.sql {
					if db.Dialect() == store.Postgres {
						q = strings.ReplaceAll(q, "REPLACE(blad, 'lezen', 'delen')", "convert_to(replace(convert_from(blad, 'UTF8'), 'lezen', 'delen'), 'UTF8')")
					} else {
						q = strings.ReplaceAll(q, "REPLACE(blad, 'lezen', 'delen')", "CAST(REPLACE(CAST(blad AS TEXT), 'lezen', 'delen') AS BLOB)")
					}
					if _, err := db.Exec(ctx, q); err != nil {
						t.Fatalf("%s: %v", q, err)
					}
				}
				_, err := as.Verify(ctx, r, store.VerifyOptions{Verifiers: []note.Verifier{v}})
				if !errors.Is(err, audit.ErrTampered) {
					t.Fatalf("verify after tampering: err = %v", err)
				}
				if !strings.Contains(err.Error(), c.first) {
					t.Errorf("err = %q, want it to name %q", err, c.first)
				}
			})
		})
	}
}

// Rewriting history wholesale (entries, nodes and head recomputed) leaves every leaf consistent,
// but the signed checkpoint catches it, and MakeCheckpoint refuses to sign the rewritten tree.
func TestAuditRewrittenHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		as := store.NewAuditStore(db)
		r := auditRegion(t, db, "een")
		s, v := auditSigner(t, "een")
		appendN(t, db, as, r, 0, 100)
		if _, err := as.MakeCheckpoint(ctx, r, s, time.Now()); err != nil {
			t.Fatal(err)
		}
		dropAuditGuard(t, db)
		for _, q := range []string{"DELETE FROM audit_regel", "DELETE FROM audit_knoop", "DELETE FROM audit_kop"} {
			if _, err := db.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		appendN(t, db, as, r, 0, 40)
		appendN(t, db, as, r, 1040, 61) // entry 40 onwards differs
		_, err := as.Verify(ctx, r, store.VerifyOptions{Verifiers: []note.Verifier{v}})
		var f *audit.Finding
		if !errors.As(err, &f) || !strings.Contains(f.Reason, "controlepunt") {
			t.Fatalf("verify: %v", err)
		}
		if _, err := as.MakeCheckpoint(ctx, r, s, time.Now()); !errors.Is(err, audit.ErrTampered) {
			t.Errorf("checkpoint over rewritten history: %v", err)
		}
	})
}

func TestAuditBatcher(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		as := store.NewAuditStore(db)
		r1, r2 := auditRegion(t, db, "een"), auditRegion(t, db, "twee")
		b := store.NewAuditBatcher(as, 64)
		var wg sync.WaitGroup
		errs := make(chan error, 400)
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 50; i++ {
					reg := r1
					if i%5 == 0 {
						reg = r2
					}
					errs <- b.Append(ctx, reg, auditEntry(t, g*1000+i))
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		b.Close()
		if err := b.Append(ctx, r1, auditEntry(t, 1)); !errors.Is(err, store.ErrBatcherClosed) {
			t.Errorf("append after close: %v", err)
		}
		res1, err1 := as.Verify(ctx, r1, store.VerifyOptions{})
		res2, err2 := as.Verify(ctx, r2, store.VerifyOptions{})
		if err1 != nil || err2 != nil || res1.Size != 320 || res2.Size != 80 {
			t.Errorf("sizes %d, %d; errs %v %v", res1.Size, res2.Size, err1, err2)
		}
	})
}

// On PostgreSQL, concurrent transactions that each append must get consecutive, distinct
// indexes (the head row lock); on SQLite the single writer gives the same.
func TestAuditConcurrentTransactions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		as := store.NewAuditStore(db)
		r := auditRegion(t, db, "een")
		var wg sync.WaitGroup
		for g := 0; g < 6; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 20; i++ {
					err := db.WithTx(ctx, func(tx *store.Tx) error {
						return as.Append(ctx, tx, r, auditEntry(t, g*100+i), auditEntry(t, g*100+i+50))
					})
					if err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		res, err := as.Verify(ctx, r, store.VerifyOptions{})
		if err != nil || res.Size != 240 {
			t.Errorf("%+v %v", res, err)
		}
	})
}

// BenchmarkAuditAppend times one transaction appending 1000 entries (encode, hash, insert,
// head update, commit), per engine.
func BenchmarkAuditAppend(b *testing.B) {
	for _, eng := range []string{"sqlite", "postgres"} {
		b.Run(eng, func(b *testing.B) {
			var db *store.DB
			if eng == "sqlite" {
				db = storetest.SQLite(b)
			} else {
				db = storetest.Postgres(b)
			}
			ctx := context.Background()
			as := store.NewAuditStore(db)
			r := auditRegion(b, db, "bench")
			es := make([]audit.Entry, 1000)
			for i := range es {
				es[i] = auditEntry(b, i)
			}
			b.ResetTimer()
			for b.Loop() {
				if err := db.WithTx(ctx, func(tx *store.Tx) error { return as.Append(ctx, tx, r, es...) }); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*len(es))/b.Elapsed().Seconds(), "entries/s")
		})
	}
}

func TestAuditCheckpointDue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		as := store.NewAuditStore(db)
		r1, r2 := auditRegion(t, db, "een"), auditRegion(t, db, "twee")
		s1, _ := auditSigner(t, "een")
		s2, _ := auditSigner(t, "twee")
		signer := func(_ context.Context, id int64) (audit.CheckpointSigner, error) {
			switch id {
			case r1:
				return s1, nil
			case r2:
				return s2, nil
			}
			return nil, fmt.Errorf("geen sleutel voor %d", id)
		}
		now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
		if n, err := as.CheckpointDue(ctx, signer, now, 24*time.Hour); err != nil || n != 0 {
			t.Fatalf("empty store: %d %v", n, err)
		}
		appendN(t, db, as, r1, 0, 10)
		appendN(t, db, as, r2, 0, 3)
		if n, err := as.CheckpointDue(ctx, signer, now, 24*time.Hour); err != nil || n != 2 {
			t.Fatalf("first: %d %v", n, err)
		}
		if n, _ := as.CheckpointDue(ctx, signer, now.Add(time.Minute), 24*time.Hour); n != 0 {
			t.Errorf("nothing grew: made %d", n)
		}
		appendN(t, db, as, r1, 10, 1)
		if n, _ := as.CheckpointDue(ctx, signer, now.Add(2*time.Minute), 24*time.Hour); n != 1 {
			t.Errorf("one grew: made %d", n)
		}
		if n, _ := as.CheckpointDue(ctx, signer, now.Add(25*time.Hour), 24*time.Hour); n != 2 {
			t.Errorf("a day later: made %d", n)
		}
		cp, err := as.LatestCheckpoint(ctx, r1)
		if err != nil || cp.Size != 11 {
			t.Errorf("latest: %+v %v", cp, err)
		}
	})
}

// One caller's failing request (here: a region that does not exist) must not fail the other
// callers in the same batch.
func TestAuditBatcherIsolatesFailures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		as := store.NewAuditStore(db)
		r := auditRegion(t, db, "een")
		b := store.NewAuditBatcher(as, 1000)
		defer b.Close()
		var wg sync.WaitGroup
		errs := make([]error, 40)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				reg := r
				if i == 17 {
					reg = r + 1000 // no such region: the foreign key refuses it
				}
				errs[i] = b.Append(ctx, reg, auditEntry(t, i))
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if (err != nil) != (i == 17) {
				t.Errorf("request %d: err = %v", i, err)
			}
		}
		res, err := as.Verify(ctx, r, store.VerifyOptions{})
		if err != nil || res.Size != 39 {
			t.Errorf("%+v %v", res, err)
		}
	})
}

// The batcher and data changes append to the same region at the same time: on PostgreSQL the
// batcher's remembered head goes stale whenever a data change appended in between (its guarded
// one-round-trip write must then write nothing and go through Append); every entry must get its
// own consecutive index and the log must verify.
func TestAuditBatcherWithDataChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		as := store.NewAuditStore(db)
		r := auditRegion(t, db, "een")
		b := store.NewAuditBatcher(as, 64)
		defer b.Close()
		var wg sync.WaitGroup
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 30; i++ {
					var err error
					if g%4 == 0 {
						err = db.WithTx(ctx, func(tx *store.Tx) error { return as.Append(ctx, tx, r, auditEntry(t, g*100+i)) })
					} else {
						err = b.Append(ctx, r, auditEntry(t, g*100+i), auditEntry(t, g*100+i+50))
					}
					if err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		res, err := as.Verify(ctx, r, store.VerifyOptions{})
		if want := uint64(2*30 + 6*30*2); err != nil || res.Size != want {
			t.Errorf("verify: %+v %v, want size %d", res, err, want)
		}
		if pipelined, viaTx := b.BatcherPaths(); db.Dialect() == store.Postgres && (pipelined == 0 || viaTx == 0) {
			t.Errorf("PostgreSQL: %d pipelined writes, %d through a transaction; want both paths taken", pipelined, viaTx)
		}
	})
}
