package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/retention"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

// TestPlanKwalificatieplichtFile runs the daily job with the model convenant's own
// kwalificatieplicht category (2 years after its end, VNG Selectielijst 2020, 12.1.4) on a pupil
// born on 29 February 2008 who left the region's schools on 31 July 2020 (the school's 5 years are
// over in 2025), whose leerplicht ended on 31 July 2024 (the end of the school year in which it
// turned 16) and on whom the gemeente recorded an exemption on 10 January 2025, while it was
// kwalificatieplichtig. The start event comes from the pupil's data: the 18th birthday (1
// March 2026 for a leap-day child), or the startkwalificatie when it is earlier. Without one the
// pupil is proposed on 2 March 2028, not on the 19th birthday; with a startkwalificatie on 30 June
// 2025 the kwalificatieplicht file ends on 30 June 2027 and the pupil is proposed on 1 July 2027.
// A file recorded only after the 18th birthday is no kwalificatieplicht file (the 19th birthday
// decides, TestPlanBoundaryDates).
func TestPlanKwalificatieplichtFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k, err := convenant.Default()
		if err != nil {
			t.Fatal(err)
		}
		f := seedRegion(t, db, "kw", newRing(t))
		rs := store.NewRetentionStore(db)
		if _, err := db.Exec(ctx, "UPDATE inschrijving SET tot = '2020-07-31' WHERE regio_id = ? AND leerling_id = ?", f.reg.ID, f.pupil); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, "UPDATE leerling SET geboortedatum = '2008-02-29' WHERE regio_id = ? AND id = ?", f.reg.ID, f.pupil); err != nil {
			t.Fatal(err)
		}
		recorded := time.Date(2025, 1, 10, 9, 0, 0, 0, time.UTC)
		if _, err := db.Exec(ctx, "INSERT INTO vrijstelling (regio_id, leerling_id, soort, van, tot, toelichting, vastgelegd_op) VALUES (?, ?, 'art5a', '2025-01-10', '2025-07-31', '', ?)",
			f.reg.ID, f.pupil, recorded.UnixMilli()); err != nil {
			t.Fatal(err)
		}
		plan := func(on string) (map[string]string, []string) {
			t.Helper()
			cands, err := rs.Candidates(ctx, f.reg.ID)
			if err != nil {
				t.Fatal(err)
			}
			var cats []string
			for _, c := range cands {
				if c.Unit.Kind == retention.UnitPupil && c.Unit.PupilID == f.pupil {
					for _, h := range c.Holdings {
						if h.Controller.Party == "gemeente" {
							cats = append(cats, h.Category)
						}
					}
				}
			}
			out := map[string]string{}
			for _, pr := range retention.Plan(k, cands, day(on)) {
				for _, it := range pr.Items {
					if it.Unit.PupilID == f.pupil && it.Unit.Kind == retention.UnitPupil {
						out[pr.Controller.Party] = it.DueFrom.Format(time.DateOnly)
					}
				}
			}
			return out, cats
		}
		if _, cats := plan("2027-03-01"); fmt.Sprint(cats) != "[identificatie kwalificatieplicht verzuim]" {
			t.Fatalf("the gemeente's categories = %v, want identificatie, kwalificatieplicht, verzuim", cats)
		}
		for _, c := range []struct {
			on   string
			want map[string]string
		}{
			{"2027-03-01", map[string]string{}}, // the leerplicht file's 19 years are over; the kwalificatieplicht file's are not
			{"2028-03-01", map[string]string{}}, // 18 on 1 March 2026 + 2 years: the last day to keep
			{"2028-03-02", map[string]string{"school": "2028-03-02", "gemeente": "2028-03-02"}},
		} {
			if got, _ := plan(c.on); fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("no startkwalificatie, on %s: proposed %v, want %v", c.on, got, c.want)
			}
		}
		if err := rs.SetStartkwalificatie(ctx, f.reg.ID, f.pupil, day("2025-06-30")); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			on   string
			want map[string]string
		}{
			{"2027-06-30", map[string]string{}},
			{"2027-07-01", map[string]string{"school": "2027-07-01", "gemeente": "2027-07-01"}},
		} {
			if got, _ := plan(c.on); fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("startkwalificatie 30 June 2025, on %s: proposed %v, want %v", c.on, got, c.want)
			}
		}
		if err := rs.SetStartkwalificatie(ctx, f.reg.ID, 1<<40, day("2025-06-30")); err == nil {
			t.Error("startkwalificatie for a pupil that does not exist: no error")
		}
	})
}
