package store_test

import (
	"context"
	"slices"
	"sort"
	"testing"

	"github.com/grondslag/grondslag/internal/dossier"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

// TestListsAnswerAsThePupilByPupilCheck: on a populated demo region, for every demo account and
// for parents, the pupil list (read from the relations' own indexes) holds exactly the pupils
// PupilRelations finds one by one, in the asked order, across pages; and the melding list holds
// exactly the meldingen of those pupils that the actor handles.
func TestListsAnswerAsThePupilByPupilCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a demo region")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, res, today := populatedDemo(t, db)
		day := today.Format("2006-01-02")
		orgs := map[int64]region.Organisation{}
		for _, o := range res.Orgs {
			orgs[o.ID] = o
		}
		var actors []dossier.Actor
		for _, a := range res.Accounts {
			actors = append(actors, dossier.Actor{RegionID: res.Region.ID, UserID: a.UserID, OrgID: a.OrgID, Party: orgs[a.OrgID].Party(), Role: string(a.Role)})
		}
		for _, p := range res.Pupils[:20] {
			for _, par := range p.ParentIDs {
				actors = append(actors, dossier.Actor{RegionID: res.Region.ID, ParentID: par, Role: "ouder"})
			}
		}
		seenAny := 0
		for _, a := range actors {
			// The pupil-by-pupil answer.
			var want, all []int64
			enrolled := map[int64]bool{}
			for _, p := range res.Pupils {
				all = append(all, p.ID)
				rels, err := db.PupilRelations(ctx, a, p.ID, day)
				if err != nil {
					t.Fatal(err)
				}
				if len(rels) > 0 {
					want = append(want, p.ID)
				}
				if slices.Contains(rels, dossier.RelEnrolled) {
					enrolled[p.ID] = true
				}
			}
			// The same per relation for a whole list at once.
			got, err := db.PupilsWithRelation(ctx, a, day, dossier.RelEnrolled, all)
			if err != nil || len(got) != len(enrolled) {
				t.Fatalf("%s: %d pupils with the enrolment relation at once, %d one by one (%v)", a.Role, len(got), len(enrolled), err)
			}
			for id := range got {
				if !enrolled[id] {
					t.Fatalf("%s: pupil %d has no enrolment relation", a.Role, id)
				}
			}
			for _, order := range append(store.PupilSorts(), "") {
				var got []dossier.PupilSummary
				total := -1
				for n := 1; n < 1000; n++ {
					page, tot, err := db.VisiblePupils(ctx, a, day, "", dossier.Page{Number: n, Size: 37, Sort: order})
					if err != nil {
						t.Fatalf("%s %s: %v", a.Role, order, err)
					}
					if total >= 0 && tot != total {
						t.Fatalf("total changed between pages: %d, %d", total, tot)
					}
					total = tot
					got = append(got, page...)
					if len(page) < 37 {
						break
					}
				}
				ids := make([]int64, len(got))
				for i, g := range got {
					ids[i] = g.ID
					if len(g.Relations) == 0 {
						t.Fatalf("%s: pupil %d listed without a relation", a.Role, g.ID)
					}
				}
				if total != len(want) {
					t.Fatalf("%s (%s): total %d, want %d", a.Role, order, total, len(want))
				}
				sorted := slices.Clone(ids)
				slices.Sort(sorted)
				if !slices.Equal(sorted, want) {
					t.Fatalf("%s (%s): %d pupils listed, want %d (or other pupils)", a.Role, order, len(ids), len(want))
				}
				if !sort.SliceIsSorted(got, func(i, j int) bool { return less(order, got[i], got[j]) }) {
					t.Fatalf("%s: not in order %q", a.Role, order)
				}
			}
			seenAny += len(want)
			// Meldingen: exactly those of the visible pupils that the actor handles.
			if a.Party != "school" && a.Party != "gemeente" {
				continue
			}
			var wantM []int64
			for _, id := range want {
				rels, _ := db.PupilRelations(ctx, a, id, day)
				rel := dossier.RelEnrolled
				if a.Party == "gemeente" {
					rel = dossier.RelMelding
				}
				if !slices.Contains(rels, rel) {
					continue
				}
				ms, err := db.Meldingen(ctx, res.Region.ID, id)
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range ms {
					if a.Party == "school" && m.SchoolID == a.OrgID || a.Party == "gemeente" && m.Status() != "ingetrokken" {
						wantM = append(wantM, m.ID)
					}
				}
			}
			slices.Sort(wantM)
			for _, order := range append(store.MeldingSorts(), "") {
				var gotM []int64
				for n := 1; n < 100; n++ {
					page, total, err := db.MeldingList(ctx, a, day, false, dossier.Page{Number: n, Size: 7, Sort: order})
					if err != nil {
						t.Fatal(err)
					}
					if total != len(wantM) {
						t.Fatalf("%s: %d meldingen counted, want %d", a.Role, total, len(wantM))
					}
					for _, m := range page {
						gotM = append(gotM, m.ID)
						if m.Pseudonym == "" || m.LastName == "" {
							t.Fatalf("melding %d without its pupil", m.ID)
						}
					}
					if len(page) < 7 {
						break
					}
				}
				slices.Sort(gotM)
				if !slices.Equal(gotM, wantM) {
					t.Fatalf("%s (%s): meldingen %v, want %v", a.Role, order, gotM, wantM)
				}
			}
		}
		if seenAny == 0 {
			t.Fatal("no actor sees any pupil: the test proves nothing")
		}
		if _, _, err := db.VisiblePupils(ctx, actors[0], day, "", dossier.Page{Number: 1, Size: 10, Sort: "achternaam; DROP TABLE leerling"}); err == nil {
			t.Fatal("an unknown order was accepted")
		}
	})
}

func less(order string, a, b dossier.PupilSummary) bool {
	name := func(x dossier.PupilSummary) [2]string { return [2]string{x.LastName, x.FirstName} }
	switch order {
	case "-naam":
		if name(a) != name(b) {
			return name(a)[0] > name(b)[0] || name(a)[0] == name(b)[0] && name(a)[1] > name(b)[1]
		}
		return a.ID > b.ID
	case "geboortedatum":
		return a.BirthDate < b.BirthDate
	case "-geboortedatum":
		return a.BirthDate > b.BirthDate
	}
	if name(a) != name(b) {
		return name(a)[0] < name(b)[0] || name(a)[0] == name(b)[0] && name(a)[1] < name(b)[1]
	}
	return a.ID < b.ID
}
