package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

// TestAuditSearch: the FG's search filters by pupil, period (SQL) and by user, outcome, purpose
// (in the leaf), pages newest first, and counts all matches; both stores.
func TestAuditSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		as := store.NewAuditStore(db)
		r1, r2 := auditRegion(t, db, "een"), auditRegion(t, db, "twee")
		appendN(t, db, as, r1, 0, 70) // pupils ps-…0 to ps-…6, 1 ms apart, user 7
		appendN(t, db, as, r2, 0, 10)
		pupil := fmt.Sprintf("ps-%016x", 3)
		got, total, err := as.Search(ctx, r1, store.AuditFilter{Pupil: pupil, Limit: 4})
		if err != nil || total != 10 || len(got) != 4 || got[0].Index != 66 || got[3].Index != 45 {
			t.Fatalf("pupil: %d %d %v", total, len(got), err)
		}
		got, total, _ = as.Search(ctx, r1, store.AuditFilter{Pupil: pupil, Limit: 4, Offset: 8})
		if total != 10 || len(got) != 2 || got[1].Index != 3 {
			t.Errorf("pupil page 3: %d %d", total, len(got))
		}
		base := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
		got, total, _ = as.Search(ctx, r1, store.AuditFilter{From: base.Add(10 * time.Millisecond), To: base.Add(20 * time.Millisecond)})
		if total != 10 || got[0].Index != 19 || got[9].Index != 10 {
			t.Errorf("period: %d %v", total, got)
		}
		// In-leaf filters: user 7 everywhere, user 8 nowhere; outcome and purpose.
		if _, total, _ := as.Search(ctx, r1, store.AuditFilter{UserID: 7, Limit: 5, Offset: 60}); total != 70 {
			t.Errorf("user 7: %d", total)
		}
		if got, total, _ := as.Search(ctx, r1, store.AuditFilter{UserID: 7, Limit: 5, Offset: 68}); total != 70 || len(got) != 2 || got[1].Index != 0 {
			t.Errorf("user 7 last page: %d %d", total, len(got))
		}
		for _, f := range []store.AuditFilter{{UserID: 8}, {OrgID: 4}, {Outcome: string(audit.Denied)}, {Purpose: "signalering"}} {
			if got, total, _ := as.Search(ctx, r1, f); total != 0 || len(got) != 0 {
				t.Errorf("%+v: %d", f, total)
			}
		}
		if _, total, _ := as.Search(ctx, r1, store.AuditFilter{Purpose: "verzuimaanpak", Outcome: string(audit.Allowed), OrgID: 3}); total != 70 {
			t.Errorf("purpose: %d", total)
		}
		// The other region is separate.
		if _, total, _ := as.Search(ctx, r2, store.AuditFilter{}); total != 10 {
			t.Errorf("region 2: %d", total)
		}
		if _, total, _ := as.Search(ctx, r2, store.AuditFilter{UserID: 7}); total != 10 {
			t.Errorf("region 2, user 7: %d", total)
		}
		// Entries appended after a search are found by the next one (the search columns catch up),
		// more than one batch of them.
		appendN(t, db, as, r1, 70, 2100)
		if got, total, err := as.Search(ctx, r1, store.AuditFilter{UserID: 7, Limit: 3}); err != nil || total != 2170 || len(got) != 3 || got[0].Index != 2169 {
			t.Errorf("after appending: %d %d %v", total, len(got), err)
		}
		if _, total, _ := as.Search(ctx, r2, store.AuditFilter{UserID: 7}); total != 10 {
			t.Errorf("region 2 after appending to region 1: %d", total)
		}
	})
}
