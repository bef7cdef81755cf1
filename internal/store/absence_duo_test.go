package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

// TestDUORefusalRecorded: DUO's refusal is a line with an error status in the melding's history
// (by DUO, the melding's status unchanged) and stays on the melding until a later submission
// succeeds; on both engines.
func TestDUORefusalRecorded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedRegion(t, db, "regio-a", newRing(t))
		if _, err := db.ImportAbsence(ctx, f.reg.ID, f.school, strings.NewReader(absenceFile), false, now); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RefreshSignals(ctx, f.reg.ID, []int64{f.pupil}, evaluator(t), mustD(t, "2025-12-01"), now); err != nil {
			t.Fatal(err)
		}
		sigs, _ := db.Signals(ctx, f.reg.ID, f.pupil)
		var s16 store.StoredSignal
		for _, s := range sigs {
			if s.Kind == absence.Kind16Hours {
				s16 = s
			}
		}
		c, err := absence.ProposeMelding(s16.Signal)
		if err != nil {
			t.Fatal(err)
		}
		c.SuspectedReason, c.SchoolAction, c.Location, c.ParentPhone = "Spijbelt.", "Gesprek.", "01AA00", "0612345678"
		c.Reporter = absence.Contact{Name: "Z. C.", Function: "zorgcoördinator", Phone: "0201234567", Email: "zc@school.example"}
		m, err := absence.NewMelding(s16.Pupil, c, now)
		if err != nil {
			t.Fatal(err)
		}
		id, err := db.CreateMelding(ctx, f.reg.ID, f.pupil, f.school, s16.ID, m)
		if err != nil {
			t.Fatal(err)
		}
		at := now.Add(time.Hour)
		ref := absence.NewDUORefusal(absence.RefusalRejected, "F012", "Persoonsgebonden nummer 123456782 onbekend.")
		if err := db.RecordDUORefusal(ctx, f.reg.ID, id, "fake-duo", ref, at, nil); err != nil {
			t.Fatal(err)
		}
		ex, err := db.MeldingDUO(ctx, f.reg.ID, id)
		if err != nil || !ex.Refused() || ex.Sent() || !ex.RefusedAt.Equal(at) || !strings.Contains(ex.Refusal, "Afgewezen door DUO (F012)") || strings.Contains(ex.Refusal, "123456782") {
			t.Fatalf("exchange after refusal: %+v %v", ex, err)
		}
		hist, err := db.MeldingHistory(ctx, f.reg.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		last := hist[len(hist)-1]
		if last.By != store.PartyDUO || last.Error != ex.Refusal || last.Status != absence.StatusRegistered {
			t.Fatalf("history: %+v", hist)
		}
		if got, _ := db.Melding(ctx, f.reg.ID, id); got.Status() != absence.StatusRegistered {
			t.Fatalf("a refusal changes no status: %s", got.Status())
		}
		if err := db.RecordDUORefusal(ctx, f.reg.ID, id+1000, "fake-duo", ref, at, nil); err == nil {
			t.Fatal("refusal of an unknown melding")
		}
		// Sent again, DUO takes it: the refusal stays in the history, not on the melding.
		if err := db.RecordDUOSubmission(ctx, f.reg.ID, id, "fake-duo", "VZM00000007", at.Add(time.Hour), nil); err != nil {
			t.Fatal(err)
		}
		ex, _ = db.MeldingDUO(ctx, f.reg.ID, id)
		if ex.Refused() || !ex.Sent() {
			t.Fatalf("after a good submission: %+v", ex)
		}
		if h, _ := db.MeldingHistory(ctx, f.reg.ID, id); h[len(h)-1].Error == "" {
			t.Fatalf("the refusal left the history: %+v", h)
		}
	})
}
