package store_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

// pupilRead is an allowed read of the pupil with pseudonym ps by user 7 (or an entry about no
// pupil when ps is empty), its data subject encrypted with enc.
func pupilRead(t testing.TB, ps string, i int, enc audit.Encrypter) audit.Entry {
	t.Helper()
	e, err := audit.NewEntry(audit.Record{
		Time:  time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second),
		Actor: audit.Actor{UserID: 7, OrganisationID: 3, Role: "leerplicht"}, Pupil: ps,
		Categories: []string{"verzuim"}, Action: audit.ActionRead, Purpose: "verzuimaanpak", LegalGround: "avg-6-1-c",
		Outcome: audit.Allowed, AccessPoint: audit.AccessUI, RequestID: fmt.Sprintf("req-%d", i),
		TraceID: audit.NewTraceID(), OperationID: audit.NewOperationID(), Name: "verzuim-lezen",
		ProcessingActivity: "https://register.example.nl/verwerkingen/verzuim",
	}, enc)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestAuditAliasUnlinkableAfterDestruction: entries about a pupil are stored under the pupil's
// audit alias, not the region pseudonym; before destruction the FG's search, the pupil's trail
// and the alias resolution find them by the pseudonym; after the pupil is erased, `audit verify`
// (thorough, against a checkpoint signed before and one after) passes, every leaf is still there
// byte for byte, and nothing ties any entry to the child — not the pseudonym, not the keyed
// Logboek subject id, not even for whoever holds the region's keys and the child's BSN.
func TestAuditAliasUnlinkableAfterDestruction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedRegion(t, db, "al", newRing(t))
		as := store.NewAuditStore(db)
		var es []audit.Entry
		for i := 0; i < 5; i++ {
			es = append(es, pupilRead(t, f.pseudo, i, f.keys))
		}
		es = append(es, pupilRead(t, "", 5, f.keys))
		if err := db.WithTx(ctx, func(tx *store.Tx) error { return as.Append(ctx, tx, f.reg.ID, es...) }); err != nil {
			t.Fatal(err)
		}
		signer, verifier := auditSigner(t, "al")
		verify := func(what string) uint64 {
			t.Helper()
			res, err := as.Verify(ctx, f.reg.ID, store.VerifyOptions{Verifiers: []note.Verifier{verifier}, Thorough: true})
			if err != nil {
				t.Fatalf("audit verify %s: %v", what, err)
			}
			return res.Size
		}
		if _, err := as.MakeCheckpoint(ctx, f.reg.ID, signer, time.Now()); err != nil {
			t.Fatal(err)
		}
		verify("before")

		// Before destruction: stored under the alias, found by the pseudonym.
		alias, ok, err := db.AuditAlias(ctx, f.reg.ID, f.pseudo)
		if err != nil || !ok || !audit.IsAlias(alias) {
			t.Fatalf("alias %q %v %v", alias, ok, err)
		}
		trail, err := as.ForPupil(ctx, f.reg.ID, f.pseudo)
		if err != nil || len(trail) != 5 {
			t.Fatalf("trail before: %d entries, %v", len(trail), err)
		}
		for _, l := range trail {
			if l.Entry.Pupil() != alias {
				t.Fatalf("entry %d names %q, want the alias", l.Index, l.Entry.Pupil())
			}
		}
		found, total, err := as.Search(ctx, f.reg.ID, store.AuditFilter{Pupil: f.pseudo})
		if err != nil || total != 5 || len(found) != 5 {
			t.Fatalf("FG search by pupil before: %d/%d %v", len(found), total, err)
		}
		if m, err := as.AuditAliasPupils(ctx, f.reg.ID, []string{alias}); err != nil || m[alias] != f.pseudo {
			t.Fatalf("alias resolves to %v %v", m, err)
		}
		leaves := func() [][]byte {
			t.Helper()
			var out [][]byte
			if err := as.Entries(ctx, f.reg.ID, 0, 1<<62, func(s audit.StoredEntry) error {
				out = append(out, bytes.Clone(s.Leaf))
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			return out
		}
		before := leaves()
		for i, l := range before {
			if bytes.Contains(l, []byte(f.pseudo)) {
				t.Fatalf("leaf %d holds the pseudonym in clear: %s", i, l)
			}
		}

		// Destroy (erasure on request: the same path as a retention list).
		ex := store.Executor{UserID: 7, OrganisationID: f.school, Role: "zorgcoordinator", Point: audit.AccessCLI}
		if _, err := store.NewRetentionStore(db).ErasePupil(ctx, f.reg.ID, f.pupil, "verzoek 2026-17", "directeur", ex, time.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := as.MakeCheckpoint(ctx, f.reg.ID, signer, time.Now()); err != nil {
			t.Fatal(err)
		}
		if n := verify("after destruction"); n != uint64(len(before))+1 {
			t.Fatalf("log size %d after destruction, want %d (the entries plus the destruction's own)", n, len(before)+1)
		}
		after := leaves()
		for i := range before {
			if !bytes.Equal(before[i], after[i]) {
				t.Fatalf("leaf %d changed by the destruction", i)
			}
		}
		last, err := audit.DecodeLeaf(after[len(after)-1])
		if err != nil || last.Entry.Record().Action != audit.ActionDestroy || last.Entry.Pupil() != alias {
			t.Fatalf("destruction entry: %+v %v (want action vernietigen under the alias)", last.Entry.Record(), err)
		}

		// Nothing ties an entry to the child any more.
		if a, ok, err := db.AuditAlias(ctx, f.reg.ID, f.pseudo); err != nil || ok {
			t.Fatalf("alias still computable after destruction: %q %v %v", a, ok, err)
		}
		if trail, err := as.ForPupil(ctx, f.reg.ID, f.pseudo); err != nil || len(trail) != 0 {
			t.Fatalf("trail after destruction: %d entries, %v", len(trail), err)
		}
		if found, total, err := as.Search(ctx, f.reg.ID, store.AuditFilter{Pupil: f.pseudo}); err != nil || total != 0 || len(found) != 0 {
			t.Fatalf("FG search after destruction: %d/%d %v", len(found), total, err)
		}
		if m, err := as.AuditAliasPupils(ctx, f.reg.ID, []string{alias}); err != nil || len(m) != 0 {
			t.Fatalf("alias resolves after destruction: %v %v", m, err)
		}
		// Whoever holds the region's keys and learns the BSN recomputes the pseudonym and the
		// Logboek subject id; neither occurs in any leaf.
		recomputed := f.keys.Pseudonym(ident.BSN, "999900006")
		if recomputed != f.pseudo {
			t.Fatalf("recomputed pseudonym %q differs from %q", recomputed, f.pseudo)
		}
		subject := f.keys.DataSubjectID(recomputed)
		for i, b := range after {
			l, err := audit.DecodeLeaf(b)
			if err != nil {
				t.Fatal(err)
			}
			p := l.Entry.Pupil()
			if bytes.Contains(b, []byte(recomputed)) || p == recomputed || p != "" && f.keys.DataSubjectID(p) == subject {
				t.Fatalf("leaf %d can be tied to the child: %s", i, b)
			}
			if p != "" && !audit.IsAlias(p) {
				t.Fatalf("leaf %d names %q, not an alias", i, p)
			}
		}
		var n int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM audit_regel WHERE regio_id = ? AND leerling = ?", f.reg.ID, f.pseudo).Scan(&n); err != nil || n != 0 {
			t.Fatalf("look-up column still names the pseudonym: %d %v", n, err)
		}
		if strings.Contains(alias, f.pseudo) {
			t.Fatal("the alias contains the pseudonym")
		}
	})
}
