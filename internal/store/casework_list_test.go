package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/grondslag/grondslag/internal/casework"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

// TestCasePageAsTheWholeList: on a populated demo region, for every account, every order and
// status, the case list read page by page (CasePage, issue 15: keyset, two cases a page) holds
// exactly the cases of the whole-list read (Cases: the user's own, and for the SWV the escalated
// ones of the region), each once, in the list's order, with the count of the whole list; walking
// back from the last page gives the same pages; no sealed field leaves the store.
func TestCasePageAsTheWholeList(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a demo region")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, res, _ := populatedDemo(t, db)
		// The demo's few cases, each copied three times for the same pupil and participants:
		// one copy opened at the same instant (ties), one of the other kind, one a day later.
		if err := db.WithTx(ctx, func(tx *store.Tx) error {
			rows, err := tx.Query(ctx, "SELECT id FROM casus WHERE regio_id = ?", res.Region.ID)
			if err != nil {
				return err
			}
			var ids []int64
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				ids = append(ids, id)
			}
			rows.Close()
			for _, id := range ids {
				for k, shift := range []int64{0, 1000, 86400000} {
					soort := "soort"
					if k == 1 {
						soort = "CASE soort WHEN 'mdo' THEN 'zat' ELSE 'mdo' END"
					}
					nid, err := tx.InsertID(ctx, `INSERT INTO casus (regio_id, leerling_id, soort, vorige_soort, doel, vraag, fase, geopend_op, geopend_door, melding, versie,
						escalatie_reden, escalatie_toelichting, escalatie_op, escalatie_door, afgesloten_op, afgesloten_door)
						SELECT regio_id, leerling_id, `+soort+`, vorige_soort, doel, vraag, fase, geopend_op + ?, geopend_door, melding, versie,
						escalatie_reden, escalatie_toelichting, escalatie_op, escalatie_door, afgesloten_op, afgesloten_door FROM casus WHERE regio_id = ? AND id = ?`, shift, res.Region.ID, id)
					if err != nil {
						return err
					}
					if _, err := tx.Exec(ctx, `INSERT INTO casus_deelnemer (regio_id, casus_id, soort, gebruiker_id, organisatie_id, partij, rol, ouder_id, naam, contact, doel, status, uitgenodigd_op, gereageerd_op, toelichting)
						SELECT regio_id, ?, soort, gebruiker_id, organisatie_id, partij, rol, ouder_id, naam, contact, doel, status, uitgenodigd_op, gereageerd_op, toelichting
						FROM casus_deelnemer WHERE regio_id = ? AND casus_id = ?`, nid, res.Region.ID, id); err != nil {
						return err
					}
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		cs := store.NewCaseStore(db)
		party := map[int64]string{}
		for _, o := range res.Orgs {
			party[o.ID] = o.Party()
		}
		rank := func(c *casework.Case) int {
			switch {
			case c.Closed():
				return 2
			case c.Escalation != nil:
				return 1
			}
			return 0
		}
		// before reports whether a comes before b in the order key (desc reverses the key only;
		// ties newest first, then the highest id).
		before := func(key string, desc bool, a, b *casework.Case) bool {
			var c int
			switch key {
			case "soort":
				c = compare(a.Type, b.Type)
			case "status":
				c = compare(rank(a), rank(b))
			case "geopend":
				c = a.OpenedAt.Compare(b.OpenedAt)
				if c == 0 {
					c = compare(a.ID, b.ID)
				}
			}
			if desc {
				c = -c
			}
			if c == 0 {
				c = -a.OpenedAt.Compare(b.OpenedAt)
			}
			if c == 0 {
				c = -compare(a.ID, b.ID)
			}
			return c < 0
		}
		lists, withCases := 0, 0
		for _, acc := range res.Accounts {
			swv := party[acc.OrgID] == casework.PartySWV
			for _, status := range []string{casework.ListOpen, casework.ListAll} {
				open := status == casework.ListOpen
				whole, err := cs.Cases(ctx, res.Region.ID, casework.CaseFilter{UserID: acc.UserID, Open: open})
				if err != nil {
					t.Fatal(err)
				}
				want := map[int64]bool{}
				for _, c := range whole {
					want[c.ID] = true
				}
				if swv {
					esc, err := cs.Cases(ctx, res.Region.ID, casework.CaseFilter{Escalated: true, Open: open})
					if err != nil {
						t.Fatal(err)
					}
					for _, c := range esc {
						want[c.ID] = true
					}
				}
				for _, order := range casework.ListOrders() {
					key, desc := order, false
					if order[0] == '-' {
						key, desc = order[1:], true
					}
					q := casework.PageQuery{CaseFilter: casework.CaseFilter{UserID: acc.UserID}, OrEscalated: swv, Status: status, Key: key, Desc: desc, Limit: 2}
					var pages [][]*casework.Case
					for {
						pg, err := cs.CasePage(ctx, res.Region.ID, q)
						if err != nil {
							t.Fatal(err)
						}
						if pg.Total != len(want) {
							t.Fatalf("user %d %s %s: total %d, want %d", acc.UserID, status, order, pg.Total, len(want))
						}
						for _, c := range pg.Cases {
							if c.Question != "" || (c.Escalation != nil && (c.Escalation.Detail != "" || c.Escalation.Decision != "")) {
								t.Fatalf("case %d: a sealed field left the store in a list", c.ID)
							}
							for _, p := range c.Participants {
								if p.Name != "" || p.Contact != "" || p.Note != "" {
									t.Fatalf("case %d: a participant's sealed field left the store in a list", c.ID)
								}
							}
						}
						if len(pg.Cases) > 0 {
							pages = append(pages, pg.Cases)
						}
						if !pg.More {
							break
						}
						q.After = pg.Cases[len(pg.Cases)-1].ID
					}
					var got []*casework.Case
					for _, p := range pages {
						got = append(got, p...)
					}
					seen := map[int64]bool{}
					for i, c := range got {
						if !want[c.ID] || seen[c.ID] {
							t.Fatalf("user %d %s %s: case %d not in the list or twice", acc.UserID, status, order, c.ID)
						}
						seen[c.ID] = true
						if i > 0 && !before(key, desc, got[i-1], c) {
							t.Fatalf("user %d %s %s: case %d before case %d out of order", acc.UserID, status, order, got[i-1].ID, c.ID)
						}
						if len(c.Participants) == 0 {
							t.Fatalf("case %d: participants not read", c.ID)
						}
					}
					if len(got) != len(want) {
						t.Fatalf("user %d %s %s: %d cases over the pages, want %d", acc.UserID, status, order, len(got), len(want))
					}
					// Back from the last page.
					for i := len(pages) - 2; i >= 0; i-- {
						q.After, q.Before = 0, pages[i+1][0].ID
						pg, err := cs.CasePage(ctx, res.Region.ID, q)
						if err != nil {
							t.Fatal(err)
						}
						ids := func(cs []*casework.Case) []int64 {
							var out []int64
							for _, c := range cs {
								out = append(out, c.ID)
							}
							return out
						}
						if !slices.Equal(ids(pg.Cases), ids(pages[i])) || pg.More != (i > 0) {
							t.Fatalf("user %d %s %s: back to page %d: %v (more %v), want %v", acc.UserID, status, order, i+1, ids(pg.Cases), pg.More, ids(pages[i]))
						}
					}
					lists++
					if len(got) > 2 {
						withCases++
					}
				}
			}
		}
		if withCases == 0 {
			t.Fatalf("%d lists, none longer than a page", lists)
		}
	})
}

func compare[T int | int64 | string](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
