package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/retention"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

// logEntry is an entry by an actor of org (0: a job, no organisation) about pupil ("": none).
func logEntry(t *testing.T, org int64, pupil string, at time.Time, enc audit.Encrypter) audit.Entry {
	t.Helper()
	r := audit.Record{
		Time: at, Actor: audit.Actor{UserID: 7, OrganisationID: org, Role: "zorgcoordinator"}, Pupil: pupil,
		Categories: []string{"verzuim"}, Action: audit.ActionRead, Purpose: "verzuimaanpak", LegalGround: "avg-6-1-c",
		Outcome: audit.Allowed, AccessPoint: audit.AccessUI, RequestID: fmt.Sprintf("req-%d", at.UnixNano()),
		TraceID: audit.NewTraceID(), OperationID: audit.NewOperationID(), Name: "verzuim-lezen",
		ProcessingActivity: "https://register.example.nl/verwerkingen/verzuim",
	}
	if org == 0 {
		r.Actor = audit.Actor{Role: "kennisgevingen"}
		r.AccessPoint = audit.AccessJob
	}
	e, err := audit.NewEntry(r, enc)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestAuditLogOnDestructionLists: at the end of the convenant's auditlog period (model: 20 years
// after recording) the daily job puts the due prefix of the log — up to the first entry about a
// pupil that still exists — on the destruction list of every controller with entries in it, once.
// Each list goes through the FG's advice and the official's approval; executing one controller's
// list prunes only what that controller alone decides over (up to the first entry of the other
// controller), executing the other's prunes the rest; both are in the report with the lists, the
// approvers and the counts, and the log's own entries say so without content. The thorough
// `verify` passes before, between, after and after the next checkpoint, on both databases.
func TestAuditLogOnDestructionLists(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k, err := convenant.Default()
		if err != nil {
			t.Fatal(err)
		}
		f := seedRegion(t, db, "ab", newRing(t))
		as, rs := store.NewAuditStore(db), store.NewRetentionStore(db)
		var gone int64
		var gonePseudo string
		if err := db.WithTx(ctx, func(tx *store.Tx) error {
			p, err := region.NewPupil(region.Pupil{NumberKind: ident.BSN, Number: "999900018", FirstName: "Bram", LastName: "Smit", BirthDate: day("2012-06-01"), GemeenteID: f.gem}, now)
			if err != nil {
				return err
			}
			gone, gonePseudo, err = tx.CreatePupil(ctx, f.reg.ID, p, f.keys, now)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
		sec := func(i int) time.Time { return at.Add(time.Duration(i) * time.Second) }
		// 0 school; 1 a job about the pupil that will be erased; 2 school; 3 gemeente; 4 school;
		// 5 gemeente about the pupil that stays; 6 school; 7 the erasure's own entry.
		var es []audit.Entry
		for i, w := range []struct {
			org   int64
			pupil string
		}{{f.school, ""}, {0, gonePseudo}, {f.school, ""}, {f.gem, ""}, {f.school, gonePseudo}, {f.gem, f.pseudo}, {f.school, ""}} {
			es = append(es, logEntry(t, w.org, w.pupil, sec(i), f.keys))
		}
		if err := db.WithTx(ctx, func(tx *store.Tx) error { return as.Append(ctx, tx, f.reg.ID, es...) }); err != nil {
			t.Fatal(err)
		}
		ex := store.Executor{UserID: 9, OrganisationID: f.gem, Role: "beheerder", Point: audit.AccessCLI}
		if _, err := rs.ErasePupil(ctx, f.reg.ID, gone, "verzoek 12, 1 november 2026", "A. de Wit, teamleider", ex, sec(7)); err != nil {
			t.Fatal(err)
		}
		signer, verifier := auditSigner(t, "ab")
		verify := func(when string) {
			t.Helper()
			if _, err := as.Verify(ctx, f.reg.ID, store.VerifyOptions{Verifiers: []note.Verifier{verifier}, Thorough: true}); err != nil {
				t.Fatalf("verify %s: %v", when, err)
			}
		}
		lastDay, dueDay := day("2046-11-02"), day("2046-11-03")
		if _, _, ok, err := rs.AuditLogDue(ctx, f.reg.ID, k, dueDay); err != nil || ok {
			t.Fatalf("due without a signed checkpoint: %v %v", ok, err)
		}
		if _, err := as.MakeCheckpoint(ctx, f.reg.ID, signer, time.Now()); err != nil {
			t.Fatal(err)
		}
		verify("before")
		if _, _, ok, err := rs.AuditLogDue(ctx, f.reg.ID, k, lastDay); err != nil || ok {
			t.Fatalf("due on the last day of the 20 years: %v %v", ok, err)
		}
		it, ctls, ok, err := rs.AuditLogDue(ctx, f.reg.ID, k, dueDay)
		if err != nil || !ok {
			t.Fatalf("nothing due on %s: %v", dueDay.Format(time.DateOnly), err)
		}
		if it.Unit != (retention.Unit{Kind: retention.UnitAuditLog, From: 0, To: 5}) || fmt.Sprint(ctls) != fmt.Sprintf("[gemeente (organisatie %d) school (organisatie %d)]", f.gem, f.school) {
			t.Fatalf("due %v for %v; want entries 0 to 5 (entry 5 names a pupil that exists) for the gemeente and the school", it.Unit, ctls)
		}
		if it.DueFrom.Format(time.DateOnly) != "2046-11-03" || len(it.Rules) != 3 || !strings.Contains(it.Rules[0], "20 jaar na vastlegging") {
			t.Fatalf("line: due from %s, rules %q", it.DueFrom.Format(time.DateOnly), it.Rules)
		}

		// The daily job: one list per controller, each with the range; a second run adds nothing.
		lists, err := rs.Plan(ctx, f.reg.ID, k, dueDay, now)
		if err != nil {
			t.Fatal(err)
		}
		byParty := map[string]retention.List{}
		for _, l := range lists {
			if len(l.Items) != 1 || l.Items[0].Unit != it.Unit {
				t.Fatalf("list of %s: %+v", l.Controller, l.Items)
			}
			byParty[l.Controller.Party] = l
		}
		if len(lists) != 2 || byParty["school"].Controller.OrganisationID != f.school || byParty["gemeente"].Controller.OrganisationID != f.gem {
			t.Fatalf("lists: %+v", lists)
		}
		if again, err := rs.Plan(ctx, f.reg.ID, k, dueDay.AddDate(0, 0, 1), now); err != nil || len(again) != 0 {
			t.Fatalf("second run: %d lists %v", len(again), err)
		}
		approve := func(l retention.List, party, role, function string) {
			t.Helper()
			l, err := rs.List(ctx, f.reg.ID, l.ID)
			if err != nil {
				t.Fatal(err)
			}
			if l.Items[0].Unit != it.Unit {
				t.Fatalf("stored line: %v", l.Items[0].Unit)
			}
			if err := l.Advise(retention.Advice{UserID: 5, Name: "F. Gee", Opinion: retention.OpinionPositive, At: now}, "fg"); err != nil {
				t.Fatal(err)
			}
			if err := rs.SaveAdvice(ctx, f.reg.ID, l); err != nil {
				t.Fatal(err)
			}
			if err := l.Decide(retention.Decision{UserID: 6, Name: "B. Stuur", Function: function, Approved: true, At: now}, party, role); err != nil {
				t.Fatal(err)
			}
			if err := rs.SaveDecision(ctx, f.reg.ID, l); err != nil {
				t.Fatal(err)
			}
		}
		// Not approved: nothing happens.
		if _, err := rs.Execute(ctx, f.reg.ID, byParty["school"].ID, k, ex, dueDay, now); err == nil {
			t.Fatal("executed a list without approval")
		}
		approve(byParty["school"], "school", "directeur", "voorzitter college van bestuur")
		done, err := rs.Execute(ctx, f.reg.ID, byParty["school"].ID, k, ex, dueDay, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(done) != 1 || done[0].Unit != (retention.Unit{Kind: retention.UnitAuditLog, From: 0, To: 3}) || done[0].Counts["audit_regel"] != 3 {
			t.Fatalf("the school alone: %+v; want entries 0 to 3 (entry 3 waits for the gemeente)", done)
		}
		if l, _ := rs.List(ctx, f.reg.ID, byParty["school"].ID); l.Status != retention.ListApproved || l.Items[0].Status != retention.ItemProposed {
			t.Fatalf("school list after the partial run: %s, line %s", l.Status, l.Items[0].Status)
		}
		verify("after the school's part")
		approve(byParty["gemeente"], "gemeente", "leerplicht", "teamleider, gemandateerd door B en W")
		if done, err = rs.Execute(ctx, f.reg.ID, byParty["gemeente"].ID, k, ex, dueDay, now); err != nil {
			t.Fatal(err)
		}
		if len(done) != 1 || done[0].Unit != (retention.Unit{Kind: retention.UnitAuditLog, From: 3, To: 5}) || done[0].Counts["audit_regel"] != 2 {
			t.Fatalf("the gemeente: %+v", done)
		}
		if done[0].Lists != fmt.Sprintf("%d,%d", byParty["gemeente"].ID, byParty["school"].ID) || !strings.Contains(done[0].ApprovedBy, "teamleider") || !strings.Contains(done[0].ApprovedBy, "voorzitter college van bestuur") {
			t.Fatalf("approved by %q on lists %q", done[0].ApprovedBy, done[0].Lists)
		}
		// The school's line is done with the gemeente's run; executing its list closes it.
		if done, err := rs.Execute(ctx, f.reg.ID, byParty["school"].ID, k, ex, dueDay, now); err != nil || len(done) != 0 {
			t.Fatalf("school list again: %+v %v", done, err)
		}
		for _, l := range []retention.List{byParty["gemeente"], byParty["school"]} {
			if l, _ = rs.List(ctx, f.reg.ID, l.ID); l.Status != retention.ListExecuted || l.Items[0].Status != retention.ItemDone {
				t.Fatalf("list of %s: %s, line %s", l.Controller, l.Status, l.Items[0].Status)
			}
		}
		verify("after")
		if _, err := as.MakeCheckpoint(ctx, f.reg.ID, signer, time.Now()); err != nil {
			t.Fatal(err)
		}
		verify("after the next checkpoint")
		if to, _ := as.PrunedTo(ctx, f.reg.ID); to != 5 {
			t.Fatalf("boundary %d, want 5", to)
		}
		var blanked int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM audit_regel WHERE regio_id = ? AND volgnummer < 5 AND leerling = ''", f.reg.ID).Scan(&blanked); err != nil || blanked != 5 {
			t.Fatalf("entries without content: %d %v", blanked, err)
		}
		// The report and the log's own entries: counts and ranges, no content.
		rep, err := rs.Report(ctx, f.reg.ID, now, now)
		if err != nil {
			t.Fatal(err)
		}
		var units []string
		for _, d := range rep {
			if d.Unit.Kind == retention.UnitAuditLog {
				units = append(units, fmt.Sprintf("%s: %s", d.Unit, retention.CountsText(d.Counts)))
			}
		}
		if strings.Join(units, "; ") != "auditlog regels 0 tot 3: 3 audit_regel; auditlog regels 3 tot 5: 2 audit_regel" {
			t.Fatalf("report: %q", units)
		}
		found, _, err := as.Search(ctx, f.reg.ID, store.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var prunes int
		for _, e := range found {
			r := e.Entry.Record()
			if r.Action == audit.ActionDestroy && len(r.Categories) == 1 && r.Categories[0] == convenant.AuditLogCategory {
				prunes++
				if r.Pupil != "" || !strings.Contains(r.Name, "regels") {
					t.Errorf("pruning entry: %+v", r)
				}
			}
		}
		if prunes != 2 {
			t.Fatalf("%d pruning entries in the log, want 2", prunes)
		}
		// Entry 5 names the pupil that exists: nothing more is due, however late.
		if _, _, ok, err := rs.AuditLogDue(ctx, f.reg.ID, k, day("2090-01-01")); err != nil || ok {
			t.Fatalf("due past an entry about a pupil that exists: %v %v", ok, err)
		}
	})
}
