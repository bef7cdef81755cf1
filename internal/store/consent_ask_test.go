package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/grondslag/grondslag/internal/consent"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

// askFor stores a form and a jeugdhulp request for the fixture's pupil (born 2017: the two
// parents with gezag must both say yes).
func askFor(t *testing.T, db *store.DB, reg *consent.Register, f consentFixture) consent.Ask {
	t.Helper()
	ctx := context.Background()
	hash := strings.Repeat("cd", 32)
	if err := db.SaveConsentForm(ctx, f.region, store.ConsentForm{Hash: hash, Version: "2026-1", PupilID: f.pupil, Purpose: "jeugdhulp", Text: "tekst", HTML: "<p>tekst</p>"}, amsterdamTime("2026-03-01 09:00")); err != nil {
		t.Fatal(err)
	}
	a, err := reg.NewAsk(ctx, f.region, consent.AskDraft{PupilID: f.pupil, Purpose: consent.PurposeJeugdhulp,
		Recipients: []consent.Recipient{{Party: "jeugdhulp", OrganisationID: f.jeugdhulpOrg}}, Categories: []string{"gezinssituatie", "gezondheid"},
		FormVersion: "2026-1", FormHash: hash, AskedBy: "gebruiker:1", AskedAt: amsterdamTime("2026-03-01 09:00")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestConsentAskBothParentsThenWithdraw(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedConsentRegion(t, db, "r1")
		reg := consent.NewRegister(db, consent.BuiltinConfig(), nil).WithAsks(db)
		a := askFor(t, db, reg, f)
		req := consent.Request{PupilID: f.pupil, Purpose: "jeugdhulp", Party: "jeugdhulp", OrganisationID: f.jeugdhulpOrg, Category: "gezondheid"}

		// The stepfather has no gezag: he cannot answer.
		if _, _, err := reg.Answer(ctx, f.region, a.ID(), consent.ParentGiver(f.stepdad), true, amsterdamTime("2026-03-02 10:00"), nil); !errors.Is(err, consent.ErrWrongGiver) {
			t.Fatalf("stepfather answered: %v", err)
		}
		// The pupil (9) cannot answer for jeugdhulp.
		if _, _, err := reg.Answer(ctx, f.region, a.ID(), consent.PupilGiver(), true, amsterdamTime("2026-03-02 10:00"), nil); !errors.Is(err, consent.ErrWrongGiver) {
			t.Fatalf("pupil of 9 answered: %v", err)
		}
		got, rec, err := reg.Answer(ctx, f.region, a.ID(), consent.ParentGiver(f.mother), true, amsterdamTime("2026-03-02 10:00"), nil)
		if err != nil || rec != nil || got.Status() != consent.AskOpen {
			t.Fatalf("after mother: %v %v %v", got.Status(), rec, err)
		}
		fam, _ := reg.Family(ctx, f.region, f.pupil)
		p, err := got.Progress(fam, reg.Config().Rules, amsterdamTime("2026-03-02 10:00"))
		if err != nil || p.Complete || len(p.Waiting) != 1 || p.Waiting[0] != consent.ParentGiver(f.father) {
			t.Fatalf("progress after mother: %+v %v", p, err)
		}
		req.Now = amsterdamTime("2026-03-02 11:00")
		if cov, _ := reg.Check(ctx, f.region, req); cov.Covered {
			t.Fatal("one parent's yes covers jeugdhulp")
		}
		got, rec, err = reg.Answer(ctx, f.region, a.ID(), consent.ParentGiver(f.father), true, amsterdamTime("2026-03-03 08:00"), nil)
		if err != nil || rec == nil || got.Status() != consent.AskGiven || got.ConsentID() != rec.ID() {
			t.Fatalf("after father: %v %v %v", got.Status(), rec, err)
		}
		d := rec.Data()
		if d.Channel != consent.ChannelDigital || len(d.Givers) != 2 || d.FormHash != strings.Repeat("cd", 32) || len(d.EvidenceHash) != 64 || d.RecordedBy != consent.ParentGiver(f.father).String() {
			t.Errorf("recorded consent: %+v", d)
		}
		req.Now = amsterdamTime("2026-03-03 08:01")
		cov, err := reg.Check(ctx, f.region, req)
		if err != nil || !cov.Covered || cov.ConsentID != rec.ID() {
			t.Fatalf("consent does not cover the next decision: %+v %v", cov, err)
		}
		// Closed: a third answer is refused.
		if _, _, err := reg.Answer(ctx, f.region, a.ID(), consent.ParentGiver(f.mother), false, amsterdamTime("2026-03-04 08:00"), nil); !errors.Is(err, consent.ErrInvalid) {
			t.Errorf("answer on a closed request: %v", err)
		}
		stored, err := db.AskByID(ctx, f.region, a.ID())
		if err != nil || len(stored.Answers()) != 2 || stored.Status() != consent.AskGiven || stored.Answers()[0].Giver != consent.ParentGiver(f.mother) || !stored.Answers()[1].Yes {
			t.Fatalf("stored request: %+v %v", stored, err)
		}
		// The mother withdraws: the next decision is denied again.
		if _, _, err := reg.Withdraw(ctx, f.region, rec.ID(), consent.ParentGiver(f.mother), amsterdamTime("2026-03-05 09:00"), "ouder:1", "", nil); err != nil {
			t.Fatal(err)
		}
		req.Now = amsterdamTime("2026-03-05 09:00")
		if cov, _ := reg.Check(ctx, f.region, req); cov.Covered {
			t.Fatal("withdrawn consent still covers")
		}
		names, err := db.ParentNames(ctx, f.region, f.pupil)
		if err != nil || !strings.Contains(names[f.mother], "Moeder") || len(names) != 3 {
			t.Errorf("names: %v %v", names, err)
		}
	})
}

func TestConsentAskRefusalAndConcurrentAnswers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedConsentRegion(t, db, "r1")
		reg := consent.NewRegister(db, consent.BuiltinConfig(), nil).WithAsks(db)
		a := askFor(t, db, reg, f)
		got, rec, err := reg.Answer(ctx, f.region, a.ID(), consent.ParentGiver(f.father), false, amsterdamTime("2026-03-02 10:00"), nil)
		if err != nil || rec == nil || rec.Data().Status != consent.StatusRefused || got.Status() != consent.AskRefused {
			t.Fatalf("refusal: %v %v %v", got.Status(), rec, err)
		}
		// Both parents answer yes at the same moment on a new request: exactly one consent.
		b := askFor(t, db, reg, f)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, g := range []consent.Giver{consent.ParentGiver(f.mother), consent.ParentGiver(f.father)} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, errs[i] = reg.Answer(ctx, f.region, b.ID(), g, true, amsterdamTime("2026-03-06 10:00"), nil)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		stored, err := db.AskByID(ctx, f.region, b.ID())
		if err != nil || stored.Status() != consent.AskGiven || len(stored.Answers()) != 2 {
			t.Fatalf("concurrent answers: %v %d %v", stored.Status(), len(stored.Answers()), err)
		}
		recs, _ := db.ConsentsOfPupil(ctx, f.region, f.pupil)
		given := 0
		for _, r := range recs {
			if r.Data().Status == consent.StatusGiven {
				given++
			}
		}
		if given != 1 {
			t.Errorf("%d consents from one request", given)
		}
	})
}
