package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/consent"
	"github.com/grondslag/grondslag/internal/dossier"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

// TestExpiringConsentsAsTheRegionWideRead: on a populated demo region, for every school account
// and a reminder day in every month of the demo's consents, the expiring consents read through
// the window of one school's pupils (ExpiringConsents, issue 15) are exactly those of the
// region-wide read (ActiveConsents, as /toestemmingen/verlopend read before) narrowed to the
// pupils enrolled at that school.
func TestExpiringConsentsAsTheRegionWideRead(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a demo region")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, res, today := populatedDemo(t, db)
		rules := consent.BuiltinConfig().Rules
		party := map[int64]string{}
		for _, o := range res.Orgs {
			party[o.ID] = o.Party()
		}
		compared, listed := 0, 0
		for month := 0; month < 12; month++ {
			now := today.AddDate(0, month, 0).Add(9 * time.Hour)
			day := now.Format(time.DateOnly)
			all, fams, err := db.ActiveConsents(ctx, res.Region.ID, consent.Today(now))
			if err != nil {
				t.Fatal(err)
			}
			regionWide := consent.Expiring(all, fams, now, 30, rules)
			for _, acc := range res.Accounts {
				if party[acc.OrgID] != "school" || acc.Role != "zorgcoordinator" {
					continue
				}
				a := dossier.Actor{RegionID: res.Region.ID, UserID: acc.UserID, OrgID: acc.OrgID, Party: "school", Role: string(acc.Role)}
				var ids []int64
				for _, rm := range regionWide {
					ids = append(ids, rm.Consent.Data().PupilID)
				}
				ours, err := db.PupilsWithRelation(ctx, a, day, dossier.RelEnrolled, ids)
				if err != nil {
					t.Fatal(err)
				}
				var want []int64
				for _, rm := range regionWide {
					if ours[rm.Consent.Data().PupilID] {
						want = append(want, rm.Consent.ID())
					}
				}
				recs, fams, err := db.ExpiringConsents(ctx, a, consent.ExpiryWindowOf(now, 30, rules))
				if err != nil {
					t.Fatal(err)
				}
				var got []int64
				for _, rm := range consent.Expiring(recs, fams, now, 30, rules) {
					got = append(got, rm.Consent.ID())
				}
				slices.Sort(want)
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Fatalf("%s, school %d: window read %v, region-wide read %v", day, acc.OrgID, got, want)
				}
				if len(recs) > len(all) {
					t.Fatalf("%s: the window read %d consents, more than the region's %d active ones", day, len(recs), len(all))
				}
				compared++
				listed += len(got)
			}
		}
		if compared == 0 || listed == 0 {
			t.Fatalf("compared %d lists with %d expiring consents: the demo holds none to compare", compared, listed)
		}
		// Pupil labels: pseudonym and name in one query; another region's ids are absent.
		labels, err := db.PupilLabels(ctx, res.Region.ID, []int64{res.Pupils[0].ID, res.Pupils[1].ID})
		if err != nil {
			t.Fatal(err)
		}
		if l := labels[res.Pupils[0].ID]; len(labels) != 2 || l.Pseudonym == "" || l.FirstName == "" {
			t.Fatalf("labels %+v", labels)
		}
		if other, err := db.PupilLabels(ctx, res.Region.ID+1000, []int64{res.Pupils[0].ID}); err != nil || len(other) != 0 {
			t.Fatalf("another region's labels: %v %v", other, err)
		}
	})
}
