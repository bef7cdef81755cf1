package store_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/casework"
	"github.com/grondslag/grondslag/internal/envelope"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

// secret is the known sentence the grep looks for; secretWord is a part of it that no other
// column would hold.
const (
	secret     = "Moeder vertelt dat Noor sinds de scheiding nauwelijks slaapt"
	secretWord = "scheiding nauwelijks"
)

// engineWithDump opens a fresh migrated store with a key vault and returns it with a function
// that returns the raw bytes an attacker with the files would see: the SQLite file and its WAL,
// or a pg_dump of the PostgreSQL database.
type engineWithDump struct {
	name string
	open func(t *testing.T) (*store.DB, func() []byte)
}

func enginesWithDump(t *testing.T) []engineWithDump {
	ctx := context.Background()
	list := []engineWithDump{{"sqlite", func(t *testing.T) (*store.DB, func() []byte) {
		path := filepath.Join(t.TempDir(), "grep.db")
		db, err := store.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(ctx, time.Now().UnixMilli()); err != nil {
			t.Fatal(err)
		}
		storetest.AttachKeyVault(t, db)
		return db, func() []byte {
			var all []byte
			for _, p := range []string{path, path + "-wal"} {
				b, err := os.ReadFile(p)
				if err != nil && !errors.Is(err, os.ErrNotExist) {
					t.Fatal(err)
				}
				all = append(all, b...)
			}
			return all
		}
	}}}
	if base := os.Getenv(storetest.EnvPostgres); base != "" {
		list = append(list, engineWithDump{"postgres", func(t *testing.T) (*store.DB, func() []byte) {
			if _, err := exec.LookPath("pg_dump"); err != nil {
				t.Skip("pg_dump ontbreekt")
			}
			dsn, drop := storetest.NewPostgresDatabase(t, base)
			t.Cleanup(drop)
			db, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			if _, err := db.Migrate(ctx, time.Now().UnixMilli()); err != nil {
				t.Fatal(err)
			}
			storetest.AttachKeyVault(t, db)
			return db, func() []byte {
				out, err := exec.Command("pg_dump", "--data-only", dsn).Output()
				if err != nil {
					t.Fatalf("pg_dump: %v", err)
				}
				return out
			}
		}})
	}
	return list
}

// TestNoContentInClear writes a known sentence into every kind of content the store keeps about
// a pupil (case question, minutes, agreement, contribution, info request, exemption note, melding
// texts) and then greps the database file (and a pg_dump): the sentence is not there, while the
// application reads it back. It also checks that every non-empty value of every ContentField is
// sealed.
func TestNoContentInClear(t *testing.T) {
	for _, e := range enginesWithDump(t) {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			db, dump := e.open(t)
			w := newCaseWorld(t, db)
			zc := w.op("zorgcoordinator")
			c, err := w.svc.Open(ctx, w.reg.ID, zc, casework.OpenRequest{PupilID: w.pupil, Type: "zat", Purpose: "toeleiding", Question: secret + " (vraag)."})
			if err != nil {
				t.Fatal(err)
			}
			for _, to := range []string{"voorbereiding", "overleg"} {
				if _, err := w.svc.Advance(ctx, w.reg.ID, zc, c.ID, to, secret+" (fase)."); err != nil {
					t.Fatal(err)
				}
			}
			m, err := w.svc.WriteMinutes(ctx, w.reg.ID, zc, c.ID, casework.MinutesInput{MeetingOn: w.clock, Text: secret + " (verslag)."})
			if err != nil {
				t.Fatal(err)
			}
			desc, owner, due := secret+" (afspraak).", casework.Ref("gebruiker:"+strconv.FormatInt(zc.Actor.UserID, 10)), w.clock.AddDate(0, 0, 7)
			if _, err := w.svc.AddAgreement(ctx, w.reg.ID, zc, c.ID, casework.AgreementInput{Description: &desc, Owner: &owner, Due: &due}); err != nil {
				t.Fatal(err)
			}
			if _, err := db.AddExemption(ctx, w.reg.ID, w.pupil, absence.Exemption{Kind: absence.ExemptionKind("art5a"), From: mustD(t, "2026-01-05")}, secret+" (vrijstelling).", w.clock); err != nil {
				t.Fatal(err)
			}

			// The application reads the sentences back.
			ms, err := w.cases.Minutes(ctx, w.reg.ID, c.ID)
			if err != nil || len(ms) != 1 || ms[0].Text != m.Text {
				t.Fatalf("minutes read back: %+v %v", ms, err)
			}
			got, err := w.cases.Case(ctx, w.reg.ID, c.ID)
			if err != nil || got.Question != secret+" (vraag)." || got.Phases[len(got.Phases)-1].Note != secret+" (fase)." {
				t.Fatalf("case read back: %+v %v", got, err)
			}
			as, err := w.cases.Agreements(ctx, w.reg.ID, c.ID)
			if err != nil || len(as) != 1 || as[0].Description != desc {
				t.Fatalf("agreement read back: %+v %v", as, err)
			}

			// Every non-empty content value is sealed.
			for _, f := range store.ContentFields {
				var n int
				if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM "+f.Table+" WHERE "+f.Column+" <> '' AND "+f.Column+" NOT LIKE 'gs1:%'").Scan(&n); err != nil {
					t.Fatalf("%s: %v", f.Name(), err)
				}
				if n != 0 {
					t.Errorf("%s: %d values in clear", f.Name(), n)
				}
			}
			if db.Dialect() == store.SQLite {
				db.Exec(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
			}
			raw := dump()
			if len(raw) < 4096 {
				t.Fatalf("dump of %d bytes: not the database", len(raw))
			}
			if bytes.Contains(raw, []byte(secretWord)) {
				t.Fatalf("the sentence is readable in the %s database", e.name)
			}
			// The grep itself works: the pupil's name is not content (it is the identification
			// block, deleted on destruction) and is found.
			if !bytes.Contains(raw, []byte("de Vries")) {
				t.Fatal("the grep finds nothing at all: the dump is not what it seems")
			}
		})
	}
}

// TestLegacyContentIsSealed: a value written in clear before content encryption is read as it
// is, and EncryptLegacyContent seals it; a second run seals nothing.
func TestLegacyContentIsSealed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newCaseWorld(t, db)
		c, err := w.svc.Open(ctx, w.reg.ID, w.op("zorgcoordinator"), casework.OpenRequest{PupilID: w.pupil, Type: "zat", Purpose: "toeleiding", Question: "nieuw"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, "UPDATE casus SET vraag = ? WHERE id = ?", secret, c.ID); err != nil {
			t.Fatal(err)
		}
		got, err := w.cases.Case(ctx, w.reg.ID, c.ID)
		if err != nil || got.Question != secret {
			t.Fatalf("legacy read: %q %v", got.Question, err)
		}
		n, err := db.EncryptLegacyContent(ctx)
		if err != nil || n["casus.vraag"] != 1 {
			t.Fatalf("EncryptLegacyContent = %v, %v", n, err)
		}
		var stored string
		db.QueryRow(ctx, "SELECT vraag FROM casus WHERE id = ?", c.ID).Scan(&stored)
		if !strings.HasPrefix(stored, "gs1:") {
			t.Fatalf("still in clear: %q", stored)
		}
		if got, err = w.cases.Case(ctx, w.reg.ID, c.ID); err != nil || got.Question != secret {
			t.Fatalf("after sealing: %q %v", got.Question, err)
		}
		if n, err := db.EncryptLegacyContent(ctx); err != nil || len(n) != 0 {
			t.Fatalf("second run: %v %v", n, err)
		}
	})
}

// BenchmarkCaseContent writes minutes to a case and reads the case's minutes back: the store path
// the case page and the casework API use. Run it with and without the build tag
// grondslag_bench_plaintext to see what sealing costs (bench/content/run.sh).
func BenchmarkCaseContent(b *testing.B) {
	ctx := context.Background()
	db := storetest.SQLite(b)
	w := newCaseWorld(b, db)
	zc := w.op("zorgcoordinator")
	c, err := w.svc.Open(ctx, w.reg.ID, zc, casework.OpenRequest{PupilID: w.pupil, Type: "zat", Purpose: "toeleiding", Question: secret})
	if err != nil {
		b.Fatal(err)
	}
	for _, to := range []string{"voorbereiding", "overleg"} {
		if _, err := w.svc.Advance(ctx, w.reg.ID, zc, c.ID, to, ""); err != nil {
			b.Fatal(err)
		}
	}
	text := strings.Repeat(secret+". ", 20) // about 1.3 kB, a realistic paragraph of minutes
	for i := 0; i < 20; i++ {
		if _, err := w.svc.WriteMinutes(ctx, w.reg.ID, zc, c.ID, casework.MinutesInput{MeetingOn: w.clock, Text: text}); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("read-20-minutes", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			ms, err := w.cases.Minutes(ctx, w.reg.ID, c.ID)
			if err != nil || len(ms) < 20 {
				b.Fatal(len(ms), err)
			}
		}
	})
	b.Run("write-minutes", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := w.svc.WriteMinutes(ctx, w.reg.ID, zc, c.ID, casework.MinutesInput{MeetingOn: w.clock, Text: text}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestKeyVaultRewrap: after the region's data key is rotated, Rewrap wraps each pupil key with
// the new version without touching the content, which still opens — also after the old region
// key version is gone from the ring's view (a fresh vault on the same file).
func TestKeyVaultRewrap(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := storetest.SQLite(t)
	f := seedRegion(t, db, "rw", newRing(t))
	ring, err := ident.LoadKeyFile(filepath.Join(dir, "k.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ring.Create("rw"); err != nil {
		t.Fatal(err)
	}
	v, err := store.OpenKeyVault(ctx, filepath.Join(dir, "kluis.db"), ring)
	if err != nil {
		t.Fatal(err)
	}
	db.UseKeyVault(v)
	var sealed string
	if err := db.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		sealed, err = tx.SealForPupil(ctx, f.reg.ID, f.pupil, "vrijstelling.toelichting", secret)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if st, _ := v.Stats(ctx, f.reg.ID); st.Live != 1 || st.ByVersion[1] != 1 {
		t.Fatalf("before: %+v", st)
	}
	// Prepare makes only the missing keys, in one transaction.
	if n, err := v.Prepare(ctx, f.reg.ID, []int64{f.pupil, 990001, 990002, 990001}); err != nil || n != 2 {
		t.Fatalf("Prepare = %d, %v", n, err)
	}
	if err := db.WithTx(ctx, func(tx *store.Tx) error {
		again, err := tx.SealForPupil(ctx, f.reg.ID, f.pupil, "vrijstelling.toelichting", secret)
		a, _ := envelope.KeyID(again)
		b, _ := envelope.KeyID(sealed)
		if err == nil && a != b { // the existing key was kept
			t.Errorf("Prepare replaced an existing key: %d vs %d", a, b)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := ring.RotateDataKey("rw"); err != nil {
		t.Fatal(err)
	}
	n, err := v.Rewrap(ctx, f.reg.ID, time.Now())
	if err != nil || n != 3 {
		t.Fatalf("Rewrap = %d, %v", n, err)
	}
	if st, _ := v.Stats(ctx, f.reg.ID); st.ByVersion[2] != 3 || st.ByVersion[1] != 0 {
		t.Fatalf("after: %+v", st)
	}
	if n, _ := v.Rewrap(ctx, f.reg.ID, time.Now()); n != 0 {
		t.Fatalf("second rewrap: %d", n)
	}
	// A new process (no cached key) opens the unchanged content through the rewrapped key.
	v2, err := store.OpenKeyVault(ctx, filepath.Join(dir, "kluis.db"), ring)
	if err != nil {
		t.Fatal(err)
	}
	db.UseKeyVault(v2)
	if got, err := db.OpenForPupil(ctx, f.reg.ID, f.pupil, "vrijstelling.toelichting", sealed); err != nil || got != secret {
		t.Fatalf("after rewrap: %q %v", got, err)
	}
	v.Close()
}
