package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/casework"
	"github.com/grondslag/grondslag/internal/consent"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

// caseWorld is a region with one organisation per party, one user per role, and the fixture's
// pupil (born 2 April 2012) with a mother with gezag.
type caseWorld struct {
	fixture
	db     *store.DB
	users  map[string]casework.Actor
	svc    *casework.Service
	cases  *store.CaseStore
	clock  time.Time
	consen switchConsents
	mother casework.Actor
}

// switchConsents stands in for the consent register: the scenario gives a consent at one step.
type switchConsents map[[3]string]int64

func (s switchConsents) Check(_ context.Context, _ int64, r consent.Request) (consent.Coverage, error) {
	if id, ok := s[[3]string{r.Purpose, r.Party, r.Category}]; ok {
		return consent.Coverage{Covered: true, ConsentID: id}, nil
	}
	return consent.Coverage{Missing: "geen toestemming"}, nil
}

func newCaseWorld(t testing.TB, db *store.DB) *caseWorld {
	t.Helper()
	ctx := context.Background()
	w := &caseWorld{fixture: seedRegion(t, db, "cw", newRing(t)), db: db, users: map[string]casework.Actor{}, consen: switchConsents{}}
	w.clock = day("2026-03-02").Add(9 * time.Hour)
	orgs := map[region.OrgKind]int64{region.KindSchool: w.school, region.KindGemeente: w.gem}
	err := db.WithTx(ctx, func(tx *store.Tx) error {
		for _, k := range []region.OrgKind{region.KindSWV, region.KindJeugdhulp, region.KindGGD} {
			o, err := region.NewOrganisation(region.Organisation{Kind: k, Name: string(k) + " cw"})
			if err != nil {
				return err
			}
			if orgs[k], err = tx.CreateOrganisation(ctx, w.reg.ID, o); err != nil {
				return err
			}
		}
		for _, u := range []struct {
			key  string
			kind region.OrgKind
			role region.Role
		}{
			{"zorgcoordinator", region.KindSchool, region.RoleZorgcoordinator},
			{"zorgcoordinator2", region.KindSchool, region.RoleZorgcoordinator},
			{"mentor", region.KindSchool, region.RoleMentor},
			{"leerplicht", region.KindGemeente, region.RoleLeerplicht},
			{"leerplicht2", region.KindGemeente, region.RoleLeerplicht},
			{"swv-consulent", region.KindSWV, region.RoleSWVConsulent},
			{"swv-consulent2", region.KindSWV, region.RoleSWVConsulent},
			{"onderwijsconsulent", region.KindSWV, region.RoleOnderwijsconsulent},
			{"jeugdhulpverlener", region.KindJeugdhulp, region.RoleJeugdhulpverlener},
			{"jeugdarts", region.KindGGD, region.RoleJeugdarts},
		} {
			usr, err := region.NewUser(region.User{OrganisationID: orgs[u.kind], Name: "Test " + u.key, Email: u.key + "@cw.example", Role: u.role}, u.kind)
			if err != nil {
				return err
			}
			id, err := tx.CreateUser(ctx, w.reg.ID, usr, now)
			if err != nil {
				return err
			}
			usr.ID = id
			w.users[u.key] = store.ActorOf(usr, region.Organisation{ID: orgs[u.kind], Kind: u.kind})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	gs, err := db.Guardians(ctx, w.reg.ID, w.pupil)
	if err != nil || len(gs) != 1 {
		t.Fatalf("guardians: %v", err)
	}
	w.mother = casework.Actor{Kind: casework.KindParent, ParentID: gs[0].Parent.ID, Name: "Els"}
	k, err := convenant.Default()
	if err != nil {
		t.Fatal(err)
	}
	enc := audit.EncryptFunc(func(p, ad []byte) ([]byte, error) { _, s, err := w.keys.Seal(p, ad); return s, err })
	w.cases = store.NewCaseStore(db)
	w.svc, err = casework.NewService(w.cases, casework.NewGuard(k, policy.NewEngine(k), w.consen), store.CaseDirectory{DB: db}, enc, casework.DefaultConfig(), func() time.Time { return w.clock })
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *caseWorld) op(who string) casework.Op {
	if who == "moeder" {
		return casework.Op{Actor: w.mother, Point: audit.AccessUI, RequestID: "test-" + who}
	}
	a, ok := w.users[who]
	if !ok {
		panic("no user " + who)
	}
	return casework.Op{Actor: a, Point: audit.AccessUI, RequestID: "test-" + who}
}

func (w *caseWorld) auditSize(t *testing.T) uint64 {
	t.Helper()
	n, _, err := store.NewAuditStore(w.db).Head(context.Background(), w.reg.ID)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCaseStoreRoundTripAndConflicts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newCaseWorld(t, db)
		c, err := w.svc.Open(ctx, w.reg.ID, w.op("zorgcoordinator"), casework.OpenRequest{PupilID: w.pupil, Type: "zat", Purpose: "toeleiding", Question: "Hoe komt Noor weer op school?"})
		if err != nil {
			t.Fatal(err)
		}
		if w.auditSize(t) != 1 {
			t.Fatalf("opening wrote %d audit entries", w.auditSize(t))
		}
		if _, err := w.svc.AddProfessional(ctx, w.reg.ID, w.op("zorgcoordinator"), c.ID, w.users["zorgcoordinator2"].UserID, ""); err != nil {
			t.Fatal(err)
		}
		got, err := w.cases.Case(ctx, w.reg.ID, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Pupil != w.pseudo || got.Type != "zat" || len(got.Participants) != 2 || got.Version != 2 || got.RegieHolder(casework.RegieBroad) != w.users["zorgcoordinator"].UserID ||
			!got.BirthDate.Equal(day("2012-04-02")) || !got.OpenedAt.Equal(w.clock) {
			t.Fatalf("round trip: %+v", got)
		}
		// The case itself: a stale save is refused.
		stale := *got
		stale.Question = "iets anders"
		if err := w.cases.SaveCase(ctx, w.reg.ID, &stale, 1, nil); !errors.Is(err, casework.ErrConflict) {
			t.Fatalf("stale case save: %v", err)
		}
		for _, to := range []string{"voorbereiding", "overleg"} {
			if _, err := w.svc.Advance(ctx, w.reg.ID, w.op("zorgcoordinator"), c.ID, to, ""); err != nil {
				t.Fatal(err)
			}
		}
		m, err := w.svc.WriteMinutes(ctx, w.reg.ID, w.op("zorgcoordinator"), c.ID, casework.MinutesInput{MeetingOn: w.clock, Text: "Noor is sinds januari thuis.", ForParents: true})
		if err != nil {
			t.Fatal(err)
		}
		// Two writers edit version 1: the first wins, the second gets the current version.
		if _, err := w.svc.UpdateMinutes(ctx, w.reg.ID, w.op("zorgcoordinator"), c.ID, m.ID, 1, casework.MinutesInput{Text: "Noor is sinds 12 januari thuis.", ForParents: true}); err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.UpdateMinutes(ctx, w.reg.ID, w.op("zorgcoordinator2"), c.ID, m.ID, 1, casework.MinutesInput{Text: "Noor zit thuis.", ForParents: true})
		var ce *casework.ConflictError
		if !errors.As(err, &ce) || ce.Current != 2 || ce.Attempted != 1 || !strings.Contains(err.Error(), "huidige versie is 2") {
			t.Fatalf("second writer: %v", err)
		}
		ms, _ := w.cases.Minutes(ctx, w.reg.ID, c.ID)
		if len(ms) != 1 || ms[0].Text != "Noor is sinds 12 januari thuis." || ms[0].Version != 2 {
			t.Fatalf("minutes after conflict: %+v", ms)
		}
		// Agreements: the same.
		desc, due, owner := "Maatwerkrooster maken", w.clock.AddDate(0, 0, 14), casework.Ref(fmt.Sprintf("gebruiker:%d", w.users["zorgcoordinator"].UserID))
		if _, err := w.svc.Advance(ctx, w.reg.ID, w.op("zorgcoordinator"), c.ID, "plan-van-aanpak", ""); err != nil {
			t.Fatal(err)
		}
		a, err := w.svc.AddAgreement(ctx, w.reg.ID, w.op("zorgcoordinator"), c.ID, casework.AgreementInput{Description: &desc, Due: &due, Owner: &owner})
		if err != nil {
			t.Fatal(err)
		}
		busy := casework.AgreementBusy
		if _, err := w.svc.UpdateAgreement(ctx, w.reg.ID, w.op("zorgcoordinator"), c.ID, a.ID, 1, casework.AgreementInput{Status: &busy}); err != nil {
			t.Fatal(err)
		}
		done := casework.AgreementDone
		if _, err := w.svc.UpdateAgreement(ctx, w.reg.ID, w.op("zorgcoordinator2"), c.ID, a.ID, 1, casework.AgreementInput{Status: &done}); !errors.Is(err, casework.ErrConflict) {
			t.Fatalf("stale agreement: %v", err)
		}
		as, _ := w.cases.Agreements(ctx, w.reg.ID, c.ID)
		if len(as) != 1 || as[0].Status != casework.AgreementBusy || as[0].Version != 2 || !as[0].Due.Equal(day("2026-03-16")) {
			t.Fatalf("agreements: %+v", as)
		}
		// Another region sees nothing.
		other := seedRegion(t, db, "xx", newRing(t))
		if _, err := w.cases.Case(ctx, other.reg.ID, c.ID); !errors.Is(err, casework.ErrNotFound) {
			t.Fatalf("cross-region read: %v", err)
		}
		if cs, err := w.cases.Cases(ctx, other.reg.ID, casework.CaseFilter{}); err != nil || len(cs) != 0 {
			t.Fatalf("cross-region list: %d %v", len(cs), err)
		}
	})
}
