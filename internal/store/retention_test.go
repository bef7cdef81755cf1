package store_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/casework"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/retention"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
	"golang.org/x/mod/sumdb/note"
)

// bookkeeping tables keep a destroyed pupil's number (not the pupil): they record the destruction.
var bookkeeping = map[string]bool{"vernietiging": true, "vernietigingslijst_regel": true, "leerling_sleutel": true}

// rowsLeft counts, per table with a leerling_id column, the rows about the pupil that remain
// (the schema is read from the database, so a new table is checked too).
func rowsLeft(t *testing.T, db *store.DB, regionID, pupilID int64) map[string]int {
	t.Helper()
	ctx := context.Background()
	q := "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) c WHERE m.type = 'table' AND c.name = 'leerling_id'"
	if db.Dialect() == store.Postgres {
		q = "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'leerling_id'"
	}
	rows, err := db.Query(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		tables = append(tables, s)
	}
	rows.Close()
	left := map[string]int{}
	for _, tb := range append(tables, "leerling") {
		if bookkeeping[tb] {
			continue
		}
		col := "leerling_id"
		if tb == "leerling" {
			col = "id"
		}
		var n int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM "+tb+" WHERE regio_id = ? AND "+col+" = ?", regionID, pupilID).Scan(&n); err != nil {
			t.Fatalf("%s: %v", tb, err)
		}
		if n > 0 {
			left[tb] = n
		}
	}
	return left
}

// secondPupil adds an enrolled pupil with an open case and minutes to the case world.
func secondPupil(t *testing.T, w *caseWorld, text string) (pupil, caseID int64) {
	t.Helper()
	ctx := context.Background()
	err := w.db.WithTx(ctx, func(tx *store.Tx) error {
		p, err := region.NewPupil(region.Pupil{NumberKind: ident.BSN, Number: "999900018", FirstName: "Bram", LastName: "Smit", BirthDate: day("2012-06-01"), GemeenteID: w.gem}, now)
		if err != nil {
			return err
		}
		if pupil, _, err = tx.CreatePupil(ctx, w.reg.ID, p, w.keys, now); err != nil {
			return err
		}
		_, err = tx.AddEnrolment(ctx, w.reg.ID, pupil, region.Enrolment{SchoolID: w.school, Number: "L200", From: day("2024-08-26"), Year: "vmbo 1"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	zc := w.op("zorgcoordinator")
	c, err := w.svc.Open(ctx, w.reg.ID, zc, casework.OpenRequest{PupilID: pupil, Type: "zat", Purpose: "toeleiding", Question: "Hoe gaat het met Bram?"})
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{"voorbereiding", "overleg"} {
		if _, err := w.svc.Advance(ctx, w.reg.ID, zc, c.ID, to, ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.svc.WriteMinutes(ctx, w.reg.ID, zc, c.ID, casework.MinutesInput{MeetingOn: w.clock, Text: text}); err != nil {
		t.Fatal(err)
	}
	return pupil, c.ID
}

// TestCryptoShreddingSurvivesRestore: back up the database, erase a pupil (key destroyed, rows
// deleted, counts in the audit log), restore the backup: the pupil's content in the restored
// database cannot be read, the other pupil's can, the audit log verifies before and after, and
// re-applying the destructions removes the restored rows.
func TestCryptoShreddingSurvivesRestore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path, vaultPath, backup := filepath.Join(dir, "g.db"), filepath.Join(dir, "kluis.db"), filepath.Join(dir, "reservekopie.db")
	ring, err := ident.LoadKeyFile(filepath.Join(dir, "vault-sleutels.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ring.Create("cw"); err != nil {
		t.Fatal(err)
	}
	open := func() *store.DB {
		db, err := store.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Migrate(ctx, time.Now().UnixMilli()); err != nil {
			t.Fatal(err)
		}
		v, err := store.OpenKeyVault(ctx, vaultPath, ring)
		if err != nil {
			t.Fatal(err)
		}
		db.UseKeyVault(v)
		return db
	}
	db := open()
	w := newCaseWorld(t, db)
	zc := w.op("zorgcoordinator")
	c1, err := w.svc.Open(ctx, w.reg.ID, zc, casework.OpenRequest{PupilID: w.pupil, Type: "zat", Purpose: "toeleiding", Question: "Hoe komt Noor weer op school?"})
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{"voorbereiding", "overleg"} {
		if _, err := w.svc.Advance(ctx, w.reg.ID, zc, c1.ID, to, ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.svc.WriteMinutes(ctx, w.reg.ID, zc, c1.ID, casework.MinutesInput{MeetingOn: w.clock, Text: secret}); err != nil {
		t.Fatal(err)
	}
	other := "Bram heeft een stageplek gevonden."
	pupil2, c2 := secondPupil(t, w, other)

	as := store.NewAuditStore(db)
	signer, verifier := auditSigner(t, "cw")
	verify := func(db *store.DB, what string) uint64 {
		t.Helper()
		res, err := store.NewAuditStore(db).Verify(ctx, w.reg.ID, store.VerifyOptions{Verifiers: []note.Verifier{verifier}, Thorough: true})
		if err != nil {
			t.Fatalf("audit verify %s: %v", what, err)
		}
		return res.Size
	}
	if _, err := as.MakeCheckpoint(ctx, w.reg.ID, signer, time.Now()); err != nil {
		t.Fatal(err)
	}
	sizeBefore := verify(db, "before")
	trailBefore, err := as.ForPupil(ctx, w.reg.ID, w.pseudo)
	if err != nil || len(trailBefore) == 0 {
		t.Fatalf("trail before: %d %v", len(trailBefore), err)
	}

	// Back up (a consistent copy of the database file; the vault is not in it).
	if _, err := db.Exec(ctx, "VACUUM INTO '"+backup+"'"); err != nil {
		t.Fatal(err)
	}

	// Erasure on request: the same path as retention.
	rs := store.NewRetentionStore(db)
	ex := store.Executor{UserID: zc.Actor.UserID, OrganisationID: zc.Actor.OrganisationID, Role: "zorgcoordinator", Point: audit.AccessCLI}
	if _, err := rs.ErasePupil(ctx, w.reg.ID, w.pupil, "", "", ex, w.clock); err == nil {
		t.Fatal("erasure without a request accepted")
	}
	d, err := rs.ErasePupil(ctx, w.reg.ID, w.pupil, "wissingsverzoek 2026-17 van de moeder", "M. Jansen, directeur (bevoegd gezag)", ex, w.clock)
	if err != nil {
		t.Fatal(err)
	}
	if !d.KeyDestroyed || d.Counts["casus_verslag"] != 1 || d.Counts["casus"] != 1 || d.Counts["leerling"] != 1 || d.Counts["inschrijving"] != 1 {
		t.Fatalf("destruction: %+v", d)
	}
	if left := rowsLeft(t, db, w.reg.ID, w.pupil); len(left) != 0 {
		t.Fatalf("rows left about the pupil: %v", left)
	}
	if _, err := store.NewCaseStore(db).Case(ctx, w.reg.ID, c1.ID); err == nil {
		t.Fatal("the case is still there")
	}

	// The audit log outlives the content: every earlier entry is still there and proven, the
	// destruction is logged with counts, verify passes before and after a new checkpoint.
	if got := verify(db, "after destruction"); got != sizeBefore+1 {
		t.Fatalf("size after %d, want %d", got, sizeBefore+1)
	}
	if _, err := as.MakeCheckpoint(ctx, w.reg.ID, signer, time.Now()); err != nil {
		t.Fatal(err)
	}
	verify(db, "after the next checkpoint")
	// The entries about the child stay (verify passed) but carry its audit alias, which died with
	// its key: the pseudonym finds none of them any more (docs/audit.md §10).
	trail, err := as.ForPupil(ctx, w.reg.ID, w.pseudo)
	if err != nil || len(trail) != 0 {
		t.Fatalf("trail after: %d entries (before: %d), %v; want none", len(trail), len(trailBefore), err)
	}
	var last audit.Record
	if err := as.Entries(ctx, w.reg.ID, sizeBefore, sizeBefore+1, func(s audit.StoredEntry) error {
		l, err := audit.DecodeLeaf(s.Leaf)
		last = l.Entry.Record()
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if last.Pupil != trailBefore[0].Entry.Pupil() || !audit.IsAlias(last.Pupil) {
		t.Fatalf("destruction entry names %q, want the alias %q of the earlier entries", last.Pupil, trailBefore[0].Entry.Pupil())
	}
	if last.Action != audit.ActionDestroy || last.LegalGround != "avg-17" || !strings.Contains(last.Name, "1 casus_verslag") || strings.Contains(last.Name, "Noor") {
		t.Fatalf("destruction entry: %+v", last)
	}
	// The region can no longer link the pseudonym to a child: the identification block is gone.
	if _, err := db.PupilByPseudonym(ctx, w.reg.ID, w.pseudo); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("pupil still found by pseudonym: %v", err)
	}
	rep, err := rs.Report(ctx, w.reg.ID, w.clock.AddDate(0, 0, -1), w.clock)
	if err != nil || len(rep) != 1 || rep[0].Ground != "wissingsverzoek" || rep[0].Counts["casus_verslag"] != 1 || !strings.Contains(rep[0].ApprovedBy, "directeur") {
		t.Fatalf("report: %+v %v", rep, err)
	}
	if ms, err := store.NewCaseStore(db).Minutes(ctx, w.reg.ID, c2); err != nil || len(ms) != 1 || ms[0].Text != other {
		t.Fatalf("other pupil after erasure: %+v %v", ms, err)
	}
	db.Close()

	// Restore the backup made before the erasure.
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		os.Remove(p)
	}
	copyFile(t, backup, path)
	db = open()
	defer db.Close()
	cs := store.NewCaseStore(db)
	var sealed string
	if err := db.QueryRow(ctx, "SELECT tekst FROM casus_verslag WHERE casus_id = ?", c1.ID).Scan(&sealed); err != nil || !strings.HasPrefix(sealed, "gs1:") {
		t.Fatalf("the restored minutes are not there (%q, %v): the test would prove nothing", sealed, err)
	}
	if _, err := db.OpenForPupil(ctx, w.reg.ID, w.pupil, "casus_verslag.tekst", sealed); !errors.Is(err, store.ErrContentDestroyed) {
		t.Fatalf("restored content opened: %v", err)
	}
	ms, err := cs.Minutes(ctx, w.reg.ID, c1.ID)
	if err != nil || len(ms) != 1 || ms[0].Text != store.ContentDestroyed {
		t.Fatalf("restored minutes read as %+v, %v", ms, err)
	}
	raw, _ := os.ReadFile(path)
	if strings.Contains(string(raw), secretWord) {
		t.Fatal("the sentence is readable in the restored file")
	}
	// Everything else works: the other pupil's content, writing, the audit log.
	if ms, err := cs.Minutes(ctx, w.reg.ID, c2); err != nil || len(ms) != 1 || ms[0].Text != other {
		t.Fatalf("other pupil after restore: %+v %v", ms, err)
	}
	w.db, w.cases = db, cs
	svc, err := casework.NewService(cs, w.svc.Guard(), store.CaseDirectory{DB: db}, w.keys, casework.DefaultConfig(), func() time.Time { return w.clock })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.WriteMinutes(ctx, w.reg.ID, zc, c2, casework.MinutesInput{MeetingOn: w.clock, Text: "Tweede overleg."}); err != nil {
		t.Fatalf("writing after restore: %v", err)
	}
	if ms, err := cs.Minutes(ctx, w.reg.ID, c2); err != nil || len(ms) != 2 || ms[1].Text != "Tweede overleg." {
		t.Fatalf("written after restore: %+v %v", ms, err)
	}
	verify(db, "restored")
	// After the restore the destruction is applied again from the vault's memory.
	again, err := store.NewRetentionStore(db).ReapplyDestructions(ctx, w.reg.ID, store.Executor{}, w.clock)
	if err != nil || len(again) != 1 || again[0].Unit.PupilID != w.pupil || again[0].Ground != "na-herstel" {
		t.Fatalf("reapply: %+v %v", again, err)
	}
	if left := rowsLeft(t, db, w.reg.ID, w.pupil); len(left) != 0 {
		t.Fatalf("rows left after reapply: %v", left)
	}
	if left := rowsLeft(t, db, w.reg.ID, pupil2); left["leerling"] != 1 {
		t.Fatalf("the other pupil went too: %v", left)
	}
	verify(db, "after reapply")
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestRetentionWorkflow: the job proposes what is due per controller on the boundary day, a
// hold keeps a pupil off the list, the FG advises, the school's board decides, execution destroys
// and reports; a rejected or unapproved list does nothing.
func TestRetentionWorkflow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k, err := convenant.Default()
		if err != nil {
			t.Fatal(err)
		}
		f := seedRegion(t, db, "rt", newRing(t))
		var held int64
		err = db.WithTx(ctx, func(tx *store.Tx) error {
			p, err := region.NewPupil(region.Pupil{NumberKind: ident.BSN, Number: "999900018", FirstName: "Bram", LastName: "Smit", BirthDate: day("2003-06-01")}, now)
			if err != nil {
				return err
			}
			if held, _, err = tx.CreatePupil(ctx, f.reg.ID, p, f.keys, now); err != nil {
				return err
			}
			if _, err := tx.AddEnrolment(ctx, f.reg.ID, held, region.Enrolment{SchoolID: f.school, Number: "L200", From: day("2015-08-26"), To: day("2019-07-31"), Year: "vmbo 4"}); err != nil {
				return err
			}
			_, err = tx.SealForPupil(ctx, f.reg.ID, f.pupil, "vrijstelling.toelichting", "sleutel maken")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// The fixture's pupil left the school on 31 July 2021: identificatie and verzuim are
		// kept 5 years (to 31 July 2026), the rest 2 years.
		if _, err := db.Exec(ctx, "UPDATE inschrijving SET tot = '2021-07-31' WHERE regio_id = ? AND leerling_id = ?", f.reg.ID, f.pupil); err != nil {
			t.Fatal(err)
		}
		rs := store.NewRetentionStore(db)
		hold, err := retention.NewHold(retention.Hold{PupilID: held, Reason: "klacht bij de Autoriteit Persoonsgegevens", Until: day("2027-06-30"), SetBy: 1, SetAt: now}, day("2026-08-01"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rs.AddHold(ctx, f.reg.ID, hold); err != nil {
			t.Fatal(err)
		}
		if lists, err := rs.Plan(ctx, f.reg.ID, k, day("2026-07-31"), now); err != nil || len(lists) != 0 {
			t.Fatalf("on the last day to keep: %+v %v", lists, err)
		}
		lists, err := rs.Plan(ctx, f.reg.ID, k, day("2026-08-01"), now)
		if err != nil || len(lists) != 1 || len(lists[0].Items) != 1 || lists[0].Items[0].Unit.PupilID != f.pupil {
			t.Fatalf("the day after: %+v %v", lists, err)
		}
		if lists[0].Controller != (retention.Controller{Party: "school", OrganisationID: f.school}) || lists[0].Items[0].DueFrom.Format(time.DateOnly) != "2026-08-01" {
			t.Fatalf("list: %+v", lists[0])
		}
		if again, _ := rs.Plan(ctx, f.reg.ID, k, day("2026-08-02"), now); len(again) != 0 {
			t.Fatalf("proposed twice: %+v", again)
		}
		l, err := rs.List(ctx, f.reg.ID, lists[0].ID)
		if err != nil || len(l.Items[0].Rules) == 0 {
			t.Fatal(l, err)
		}
		if _, err := rs.Execute(ctx, f.reg.ID, l.ID, k, store.Executor{}, day("2026-08-02"), now); !errors.Is(err, retention.ErrInvalid) {
			t.Fatalf("executed without approval: %v", err)
		}
		if err := l.Advise(retention.Advice{UserID: 2, Name: "F. Gee", Opinion: retention.OpinionPositive, At: now}, "fg"); err != nil {
			t.Fatal(err)
		}
		if err := rs.SaveAdvice(ctx, f.reg.ID, l); err != nil {
			t.Fatal(err)
		}
		if err := l.Decide(retention.Decision{UserID: 3, Name: "B. Stuur", Function: "voorzitter college van bestuur", Approved: true, At: now}, "school", "directeur"); err != nil {
			t.Fatal(err)
		}
		if err := rs.SaveDecision(ctx, f.reg.ID, l); err != nil {
			t.Fatal(err)
		}
		done, err := rs.Execute(ctx, f.reg.ID, l.ID, k, store.Executor{}, day("2026-08-02"), now)
		if err != nil || len(done) != 1 || !done[0].KeyDestroyed || done[0].Counts["leerling"] != 1 || !strings.Contains(done[0].ApprovedBy, "bevoegd gezag") {
			t.Fatalf("execute: %+v %v", done, err)
		}
		if left := rowsLeft(t, db, f.reg.ID, f.pupil); len(left) != 0 {
			t.Fatalf("rows left: %v", left)
		}
		if gone, _ := db.KeyVault().Destroyed(ctx, f.reg.ID, f.pupil); !gone {
			t.Fatal("key not destroyed")
		}
		l, _ = rs.List(ctx, f.reg.ID, l.ID)
		if l.Status != retention.ListExecuted || l.Items[0].Status != retention.ItemDone {
			t.Fatalf("after execution: %+v", l)
		}
		rep, err := rs.Report(ctx, f.reg.ID, now.AddDate(0, 0, -1), now)
		if err != nil || len(rep) != 1 || rep[0].Ground != "bewaartermijn" || rep[0].Lists == "" {
			t.Fatalf("report: %+v %v", rep, err)
		}
		// The held pupil: the hold ends on 30 June 2027; the day after it is proposed.
		if lists, _ := rs.Plan(ctx, f.reg.ID, k, day("2027-06-30"), now); len(lists) != 0 {
			t.Fatalf("held pupil proposed: %+v", lists)
		}
		if lists, _ := rs.Plan(ctx, f.reg.ID, k, day("2027-07-01"), now); len(lists) != 1 || lists[0].Items[0].Unit.PupilID != held {
			t.Fatalf("after the hold: %+v", lists)
		}
		if _, err := rs.ErasePupil(ctx, f.reg.ID, held, "verzoek 3", "B. Stuur", store.Executor{}, day("2027-06-01")); err == nil || !strings.Contains(err.Error(), "bewaarblokkade") {
			t.Fatalf("erasure under a hold: %v", err)
		}
	})
}
