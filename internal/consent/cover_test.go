package consent

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func jeugdhulpRequest(now time.Time) Request {
	return Request{PupilID: 1, Purpose: PurposeJeugdhulp, Party: "jeugdhulp", OrganisationID: 3, Category: "gezondheid", Now: now}
}

func TestWithdrawalTakesEffectOnTheNextCheck(t *testing.T) {
	ctx := context.Background()
	repo := &memRepo{fam: family("2017-01-01")}
	reg := NewRegister(repo, BuiltinConfig(), nil)
	rec, err := reg.Record(ctx, 1, draft(ParentGiver(10), ParentGiver(11)), nil)
	if err != nil {
		t.Fatal(err)
	}
	now := at("2026-04-01 09:00")
	cov, err := reg.Check(ctx, 1, jeugdhulpRequest(now))
	if err != nil || !cov.Covered || cov.ConsentID != rec.ID() || cov.ConsentRef() != "1" {
		t.Fatalf("before withdrawal: %+v, %v", cov, err)
	}
	if _, err := reg.Rely(ctx, 1, jeugdhulpRequest(now), cov, "audit:42", "gebruiker:5"); err != nil {
		t.Fatal(err)
	}
	// The father withdraws one minute later; the very next check sees it.
	w, uses, err := reg.Withdraw(ctx, 1, rec.ID(), ParentGiver(11), now.Add(time.Minute), "gebruiker:5", "telefonisch, bevestigd per e-mail", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(uses) != 1 || uses[0].Reference != "audit:42" || uses[0].Party != "jeugdhulp" {
		t.Errorf("uses = %+v", uses)
	}
	if w.By != ParentGiver(11) {
		t.Errorf("withdrawal by %v", w.By)
	}
	cov, err = reg.Check(ctx, 1, jeugdhulpRequest(now.Add(time.Minute)))
	if err != nil {
		t.Fatal(err)
	}
	if cov.Covered {
		t.Fatal("withdrawn consent still covers")
	}
	for _, want := range []string{"beide gezaghebbende ouders", "jeugdhulp", "ingetrokken op 1 april 2026"} {
		if !strings.Contains(cov.Missing, want) {
			t.Errorf("missing %q lacks %q", cov.Missing, want)
		}
	}
	// A check for an instant before the withdrawal still sees the consent (history is kept).
	if cov, _ := reg.Check(ctx, 1, jeugdhulpRequest(now)); !cov.Covered {
		t.Error("consent should cover before the instant of withdrawal")
	}
	if _, err := reg.Rely(ctx, 1, jeugdhulpRequest(now.Add(time.Hour)), Coverage{Missing: "x"}, "audit:43", "gebruiker:5"); !errors.Is(err, ErrInvalid) {
		t.Errorf("rely on nothing: %v", err)
	}
	if _, _, err := reg.Withdraw(ctx, 1, rec.ID(), ParentGiver(10), now.Add(time.Hour), "gebruiker:5", "", nil); !errors.Is(err, ErrAlreadyWithdrawn) {
		t.Errorf("second withdrawal: %v", err)
	}
}

func TestWhoMayWithdraw(t *testing.T) {
	rules := DefaultRules()
	rec, err := New(draft(PupilGiver(), ParentGiver(10), ParentGiver(11)), family("2012-01-01"), BuiltinConfig())
	if err != nil {
		t.Fatal(err)
	}
	rec = rec.WithID(1)
	when := at("2026-05-01 12:00")
	for _, g := range []Giver{PupilGiver(), ParentGiver(10), ParentGiver(11)} {
		if _, err := NewWithdrawal(rec, g, when, "gebruiker:5", "", family("2012-01-01"), rules); err != nil {
			t.Errorf("%v may withdraw: %v", g, err)
		}
	}
	for _, g := range []Giver{ParentGiver(12), ParentGiver(99)} {
		if _, err := NewWithdrawal(rec, g, when, "gebruiker:5", "", family("2012-01-01"), rules); !errors.Is(err, ErrWrongGiver) {
			t.Errorf("%v may not withdraw: %v", g, err)
		}
	}
	// A signalering consent given by one parent: the other parent with gezag may withdraw too.
	dr := draft(ParentGiver(10))
	dr.Purposes, dr.Categories = []string{PurposeSignalering}, []string{"gezinssituatie"}
	rec, err = New(dr, family("2017-01-01"), BuiltinConfig())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewWithdrawal(rec, ParentGiver(11), when, "gebruiker:5", "", family("2017-01-01"), rules); err != nil {
		t.Errorf("other parent with gezag: %v", err)
	}
	if _, err := NewWithdrawal(rec, PupilGiver(), when, "gebruiker:5", "", family("2017-01-01"), rules); !errors.Is(err, ErrWrongGiver) {
		t.Errorf("pupil of 9: %v", err)
	}
}

func TestExpiryBoundary(t *testing.T) {
	cfg := BuiltinConfig()
	rec, err := New(draft(ParentGiver(10), ParentGiver(11)), family("2017-01-01"), cfg) // valid 2026-03-02 … 2026-12-31
	if err != nil {
		t.Fatal(err)
	}
	rec = rec.WithID(1)
	fam := family("2017-01-01")
	tests := []struct {
		now   string
		state State
		cov   bool
	}{
		{"2026-03-01 23:59", StateNotYet, false},
		{"2026-03-02 00:00", StateValid, true},
		{"2026-12-31 00:00", StateValid, true},
		{"2026-12-31 23:59", StateValid, true}, // the last day counts fully, in Dutch time
		{"2027-01-01 00:00", StateExpired, false},
		{"2027-01-01 00:01", StateExpired, false},
	}
	for _, tt := range tests {
		now := at(tt.now)
		if got := rec.StateAt(now); got != tt.state {
			t.Errorf("%s: state %s, want %s", tt.now, got, tt.state)
		}
		cov, err := Cover(jeugdhulpRequest(now), fam, []Record{rec}, cfg)
		if err != nil || cov.Covered != tt.cov {
			t.Errorf("%s: covered %v (%s), want %v", tt.now, cov.Covered, cov.Missing, tt.cov)
		}
		if !tt.cov && tt.state == StateExpired && !strings.Contains(cov.Missing, "verlopen na 31 december 2026") {
			t.Errorf("%s: missing %q does not say it expired", tt.now, cov.Missing)
		}
	}
	// 23:30 UTC on 31 December is already 1 January in Amsterdam: expired.
	if got := rec.StateAt(time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC)); got != StateExpired {
		t.Errorf("UTC evening of the last day: %s, want verlopen", got)
	}
}

func TestCoverScopeAndAge(t *testing.T) {
	cfg := BuiltinConfig()
	fam := family("2014-06-10") // 11 until 9 June 2026, 12 from 10 June 2026
	rec, err := New(draft(ParentGiver(10), ParentGiver(11)), fam, cfg)
	if err != nil {
		t.Fatal(err)
	}
	rec = rec.WithID(4)
	recs := []Record{rec}
	base := at("2026-06-09 12:00")
	tests := []struct {
		name    string
		edit    func(*Request)
		covered bool
		missing string
	}{
		{"as given", func(*Request) {}, true, ""},
		{"other purpose", func(r *Request) { r.Purpose = PurposeSignalering }, false, "toestemming van een ouder met gezag voor doel signalering ontbreekt"},
		{"other category", func(r *Request) { r.Category = "verzuim" }, false, "categorie verzuim"},
		{"other recipient party", func(r *Request) { r.Party = "swv" }, false, "ontvanger swv"},
		{"named organisation matches", func(r *Request) { r.Party, r.OrganisationID = "ggd", 7 }, true, ""},
		{"other organisation of the named party", func(r *Request) { r.Party, r.OrganisationID = "ggd", 8 }, false, "ontvanger ggd"},
		{"on the 12th birthday the pupil's own consent is missing", func(r *Request) { r.Now = at("2026-06-10 08:00") }, false,
			"toestemming van de leerling zelf (12 jaar) voor doel jeugdhulp ontbreekt (toestemming 4 is niet meer genoeg"},
		{"no consent needed for leerplicht", func(r *Request) { r.Purpose = PurposeLeerplicht }, false, "geen toestemming gevraagd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := jeugdhulpRequest(base)
			tt.edit(&req)
			cov, err := Cover(req, fam, recs, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if cov.Covered != tt.covered {
				t.Fatalf("covered = %v (%s)", cov.Covered, cov.Missing)
			}
			if tt.covered && cov.ConsentID != 4 {
				t.Errorf("consent id %d", cov.ConsentID)
			}
			if !strings.Contains(cov.Missing, tt.missing) {
				t.Errorf("missing %q lacks %q", cov.Missing, tt.missing)
			}
		})
	}
	if _, err := Cover(Request{PupilID: 1, Purpose: "x", Now: base}, fam, recs, cfg); !errors.Is(err, ErrUnknownPurpose) {
		t.Errorf("unknown purpose: %v", err)
	}
}

func TestGezagChangeAndRefusal(t *testing.T) {
	cfg := BuiltinConfig()
	sole := Family{PupilID: 1, BirthDate: d("2017-01-01"), Guardians: []Guardian{{10, true}, {11, false}}}
	rec, err := New(draft(ParentGiver(10)), sole, cfg)
	if err != nil {
		t.Fatal(err)
	}
	rec = rec.WithID(1)
	now := at("2026-04-01 09:00")
	if cov, _ := Cover(jeugdhulpRequest(now), sole, []Record{rec}, cfg); !cov.Covered {
		t.Fatalf("sole gezag: %s", cov.Missing)
	}
	// The father obtains gezag (joint gezag registered): the consent of the mother alone no longer covers.
	joint := family("2017-01-01")
	cov, _ := Cover(jeugdhulpRequest(now), joint, []Record{rec}, cfg)
	if cov.Covered || !strings.Contains(cov.Missing, "andere gezaghebbende ouder (ouder 11)") {
		t.Errorf("joint gezag: %+v", cov)
	}
	// Both consent, then the father refuses later: the refusal blocks.
	both, _ := New(draft(ParentGiver(10), ParentGiver(11)), joint, cfg)
	both = both.WithID(2)
	ref := draft(ParentGiver(11))
	ref.Status, ref.GivenAt, ref.ValidFrom, ref.ValidUntil = StatusRefused, at("2026-03-20 10:00"), Date{}, Date{}
	refusal, err := New(ref, joint, cfg)
	if err != nil {
		t.Fatal(err)
	}
	refusal = refusal.WithID(3)
	cov, _ = Cover(jeugdhulpRequest(now), joint, []Record{both, refusal}, cfg)
	if cov.Covered || !strings.Contains(cov.Missing, "ouder 11 weigerde op 20 maart 2026") {
		t.Errorf("refusal: %+v", cov)
	}
	// A consent given after the refusal covers again.
	again := draft(ParentGiver(10), ParentGiver(11))
	again.GivenAt, again.ValidFrom = at("2026-03-25 10:00"), d("2026-03-25")
	rec4, _ := New(again, joint, cfg)
	rec4 = rec4.WithID(4)
	cov, _ = Cover(jeugdhulpRequest(now), joint, []Record{both, refusal, rec4}, cfg)
	if !cov.Covered || cov.ConsentID != 4 {
		t.Errorf("after renewed consent: %+v", cov)
	}
}

func TestReminders(t *testing.T) {
	ctx := context.Background()
	repo := &memRepo{fam: family("2014-04-20")} // turns 12 on 20 April 2026
	reg := NewRegister(repo, BuiltinConfig(), nil)
	// 1: signalering by one parent, open-ended: not listed, for signalering the parents decide until 16.
	d1 := draft(ParentGiver(10))
	d1.Purposes, d1.Categories, d1.ValidUntil = []string{PurposeSignalering}, []string{"gezinssituatie"}, Date{}
	// 2: ends on 31 March 2026.
	d2 := draft(ParentGiver(10), ParentGiver(11))
	d2.ValidUntil = d("2026-03-31")
	// 3: ends on 31 December 2026, outside the window; but the age limit also applies to it.
	d3 := draft(ParentGiver(10), ParentGiver(11))
	for _, dr := range []Draft{d1, d2, d3} {
		if _, err := reg.Record(ctx, 1, dr, nil); err != nil {
			t.Fatal(err)
		}
	}
	rems, err := reg.Reminders(ctx, 1, at("2026-03-25 09:00"), 30)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rems {
		got = append(got, r.EndsAfter.String()+" "+r.Reason)
	}
	want := []string{"2026-03-31 verloopt", "2026-04-19 leeftijd"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("reminders = %v, want %v", got, want)
	}
	if !strings.Contains(rems[1].Detail, "wordt 12 op 20 april 2026") {
		t.Errorf("detail %q", rems[1].Detail)
	}
	// Window of 5 days: only the first.
	rems, _ = reg.Reminders(ctx, 1, at("2026-03-25 09:00"), 6)
	if len(rems) != 1 || rems[0].Consent.ID() != 2 {
		t.Errorf("5-day window: %+v", rems)
	}
	// Day after the end: no longer listed (it is expired, not expiring).
	rems, _ = reg.Reminders(ctx, 1, at("2026-04-01 09:00"), 6)
	for _, r := range rems {
		if r.Consent.ID() == 2 {
			t.Error("expired consent listed")
		}
	}
}

func TestBirthdayLeapDay(t *testing.T) {
	if got := birthday(d("2011-02-28"), 12).String(); got != "2023-02-28" {
		t.Error(got)
	}
	if got := birthday(d("2012-02-29"), 13).String(); got != "2025-03-01" {
		t.Error(got)
	}
	if got := birthday(d("2012-02-29"), 12).String(); got != "2024-02-29" {
		t.Error(got)
	}
	for _, tt := range []struct {
		b   string
		age int
	}{{"2012-02-29", 13}, {"2012-02-29", 16}, {"2010-05-10", 12}} {
		bd := birthday(d(tt.b), tt.age)
		if AgeOn(d(tt.b), bd) != tt.age || AgeOn(d(tt.b), bd.AddDays(-1)) != tt.age-1 {
			t.Errorf("birthday(%s, %d) = %s inconsistent with AgeOn", tt.b, tt.age, bd)
		}
	}
}

// TestCoverCountsTheDiscloser: whose consent counts depends on who discloses. One parent's
// consent for toeleiding covers the school's disclosure about a pupil of 13, not the
// jeugdarts': from 12 the child itself consents to what the jeugdarts shares (BW 7:457 with
// 7:465; legal review point 2). On the day before the 12th birthday, the parents decide.
func TestCoverCountsTheDiscloser(t *testing.T) {
	cfg := DefaultConfig()
	dr := draft(ParentGiver(10), ParentGiver(11))
	dr.Purposes, dr.Recipients, dr.Categories = []string{"toeleiding"}, []Recipient{{Party: "school"}}, []string{"gezondheid"}
	fam := family("2014-03-03") // 12 on 3 March 2026
	rec, err := New(dr, fam, cfg)
	if err != nil {
		t.Fatal(err)
	}
	rec = rec.WithID(1)
	req := func(discloser, when string) Request {
		return Request{PupilID: 1, Purpose: "toeleiding", Party: "school", Category: "gezondheid", Discloser: discloser, Now: at(when)}
	}
	for _, tt := range []struct {
		discloser, when string
		covered         bool
		missing         string
	}{
		{"school", "2026-03-03 10:00", true, ""},
		{"", "2026-03-03 10:00", true, ""},
		{"ggd", "2026-03-02 23:59", true, ""},
		{"ggd", "2026-03-03 00:00", false, "leerling"},
	} {
		cov, err := Cover(req(tt.discloser, tt.when), fam, []Record{rec}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if cov.Covered != tt.covered || !strings.Contains(cov.Missing, tt.missing) {
			t.Errorf("%s %s: covered %v (%s), want %v", tt.discloser, tt.when, cov.Covered, cov.Missing, tt.covered)
		}
	}
}
