package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/consent"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

type consentFixture struct {
	keys                    *ident.RegionKeys
	pseudonym               string
	region                  int64
	pupil                   int64
	mother, father, stepdad int64
	jeugdhulpOrg, ggdOrg    int64
}

// seedConsentRegion creates a region with a pupil born 2017-01-01, two parents with gezag and a
// stepparent without, a jeugdhulp organisation and a GGD.
func seedConsentRegion(t testing.TB, db *store.DB, code string) consentFixture {
	t.Helper()
	ctx := context.Background()
	ring, err := ident.LoadKeyFile(filepath.Join(t.TempDir(), "sleutels.json"))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := ring.Region(code)
	if err != nil {
		t.Fatal(err)
	}
	r, err := region.NewRegion(code, "Regio "+code, region.Midden)
	if err != nil {
		t.Fatal(err)
	}
	r, err = db.CreateRegion(ctx, r, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f := consentFixture{region: r.ID, keys: keys}
	err = db.WithTx(ctx, func(tx *store.Tx) error {
		jh, _ := region.NewOrganisation(region.Organisation{Kind: region.KindJeugdhulp, Name: "Jeugdhulp " + code})
		if f.jeugdhulpOrg, err = tx.CreateOrganisation(ctx, r.ID, jh); err != nil {
			return err
		}
		ggd, _ := region.NewOrganisation(region.Organisation{Kind: region.KindGGD, Name: "GGD " + code})
		if f.ggdOrg, err = tx.CreateOrganisation(ctx, r.ID, ggd); err != nil {
			return err
		}
		p, err := region.NewPupil(region.Pupil{NumberKind: ident.BSN, Number: "999900006", FirstName: "Sem", LastName: "Jansen",
			BirthDate: time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC)}, time.Now())
		if err != nil {
			return err
		}
		if f.pupil, f.pseudonym, err = tx.CreatePupil(ctx, r.ID, p, keys, time.Now()); err != nil {
			return err
		}
		for _, x := range []struct {
			id    *int64
			name  string
			rel   string
			gezag bool
		}{{&f.mother, "Moeder", "moeder", true}, {&f.father, "Vader", "vader", true}, {&f.stepdad, "Stiefvader", "pleegouder", false}} {
			if *x.id, err = tx.CreateParent(ctx, r.ID, region.Parent{LastName: x.name}); err != nil {
				return err
			}
			if err := tx.LinkGuardian(ctx, r.ID, f.pupil, region.GuardianLink{ParentID: *x.id, Relation: x.rel, Gezag: x.gezag}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func amsterdamTime(s string) time.Time {
	loc, _ := time.LoadLocation("Europe/Amsterdam")
	t, _ := time.ParseInLocation("2006-01-02 15:04", s, loc)
	return t
}

func consentDate(s string) consent.Date { d, _ := consent.ParseDate(s); return d }

func jeugdhulpDraft(f consentFixture, givers ...consent.Giver) consent.Draft {
	return consent.Draft{
		PupilID: f.pupil, Status: consent.StatusGiven, Givers: givers,
		Purposes:   []string{consent.PurposeJeugdhulp},
		Recipients: []consent.Recipient{{Party: "jeugdhulp", OrganisationID: f.jeugdhulpOrg}, {Party: "ggd"}},
		Categories: []string{"gezondheid", "gezinssituatie"}, Channel: consent.ChannelWritten,
		EvidenceHash: strings.Repeat("ab", 32), FormVersion: "2026-1", FormHash: strings.Repeat("cd", 32),
		GivenAt: amsterdamTime("2026-03-02 10:00"), ValidFrom: consentDate("2026-03-02"), ValidUntil: consentDate("2026-12-31"),
		RecordedBy: "gebruiker:1", Note: "getekend formulier in dossier",
	}
}

func TestConsentStoreRoundTripAndWithdrawal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedConsentRegion(t, db, "r1")
		other := seedConsentRegion(t, db, "r2")
		reg := consent.NewRegister(db, consent.BuiltinConfig(), nil)

		fam, err := db.ConsentFamily(ctx, f.region, f.pupil)
		if err != nil || fam.GezagCount() != 2 || fam.BirthDate.String() != "2017-01-01" {
			t.Fatalf("family = %+v, %v", fam, err)
		}
		if _, err := db.ConsentFamily(ctx, other.region, f.pupil); !errors.Is(err, consent.ErrNotFound) {
			t.Errorf("pupil of another region: %v", err)
		}

		rec, err := reg.Record(ctx, f.region, jeugdhulpDraft(f, consent.ParentGiver(f.mother), consent.ParentGiver(f.father)), nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.ConsentByID(ctx, f.region, rec.ID())
		if err != nil {
			t.Fatal(err)
		}
		gd, want := got.Data(), rec.Data()
		if gd.PupilID != want.PupilID || len(gd.Givers) != 2 || strings.Join(gd.Purposes, ",") != "jeugdhulp" ||
			len(gd.Recipients) != 2 || strings.Join(gd.Categories, ",") != "gezinssituatie,gezondheid" ||
			gd.ValidUntil != want.ValidUntil || gd.ValidFrom != want.ValidFrom || !gd.GivenAt.Equal(want.GivenAt) ||
			gd.EvidenceHash != want.EvidenceHash || gd.FormHash != want.FormHash || gd.Note != want.Note || gd.Channel != want.Channel {
			t.Errorf("round trip:\n got %+v\nwant %+v", gd, want)
		}
		if _, err := db.ConsentByID(ctx, other.region, rec.ID()); !errors.Is(err, consent.ErrNotFound) {
			t.Errorf("consent visible from another region: %v", err)
		}

		req := consent.Request{PupilID: f.pupil, Purpose: consent.PurposeJeugdhulp, Party: "jeugdhulp", OrganisationID: f.jeugdhulpOrg,
			Category: "gezondheid", Now: amsterdamTime("2026-04-01 09:00")}
		cov, err := reg.Check(ctx, f.region, req)
		if err != nil || !cov.Covered || cov.ConsentID != rec.ID() {
			t.Fatalf("check: %+v %v", cov, err)
		}
		if _, err := reg.Rely(ctx, f.region, req, cov, "audit:17", "gebruiker:1"); err != nil {
			t.Fatal(err)
		}
		req2 := req
		req2.Party, req2.OrganisationID, req2.Now = "ggd", f.ggdOrg, req.Now.Add(time.Hour)
		cov2, _ := reg.Check(ctx, f.region, req2)
		if _, err := reg.Rely(ctx, f.region, req2, cov2, "audit:18", "gebruiker:1"); err != nil {
			t.Fatal(err)
		}

		// Withdrawal by the father: the next check, reading the store, no longer finds cover.
		w, uses, err := reg.Withdraw(ctx, f.region, rec.ID(), consent.ParentGiver(f.father), req.Now.Add(2*time.Hour), "gebruiker:1", "per brief", nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(uses) != 2 || uses[0].Reference != "audit:17" || uses[1].Party != "ggd" || uses[1].OrganisationID != f.ggdOrg {
			t.Errorf("uses = %+v", uses)
		}
		req.Now = w.At
		cov, err = reg.Check(ctx, f.region, req)
		if err != nil || cov.Covered || !strings.Contains(cov.Missing, "beide gezaghebbende ouders") || !strings.Contains(cov.Missing, "ingetrokken") {
			t.Errorf("after withdrawal: %+v %v", cov, err)
		}
		stored, _ := db.ConsentByID(ctx, f.region, rec.ID())
		if sw, ok := stored.Withdrawal(); !ok || sw.By != consent.ParentGiver(f.father) || sw.Note != "per brief" || !sw.At.Equal(w.At) {
			t.Errorf("stored withdrawal = %+v %v", sw, ok)
		}
		// Nothing of region 1 is visible or linkable from region 2.
		if recs, err := db.ConsentsOfPupil(ctx, other.region, f.pupil); err != nil || len(recs) != 0 {
			t.Errorf("consents of a pupil of another region: %d, %v", len(recs), err)
		}
		if us, err := db.ConsentUses(ctx, other.region, rec.ID()); err != nil || len(us) != 0 {
			t.Errorf("uses across regions: %d, %v", len(us), err)
		}
		if _, err := db.RecordConsentUse(ctx, other.region, consent.Use{ConsentID: rec.ID(), At: w.At, PupilID: f.pupil, Purpose: "jeugdhulp",
			Party: "jeugdhulp", Category: "gezondheid", Reference: "x", By: "y"}); err == nil {
			t.Error("recorded a use in region 2 of a consent of region 1")
		}
		err = db.WithTx(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, "INSERT INTO toestemming_gever (regio_id, toestemming_id, soort, ouder_id) VALUES (?, ?, 'ouder', ?)", f.region, rec.ID(), other.mother)
			return err
		})
		if err == nil {
			t.Error("schema accepted a giver from another region")
		}
		if _, _, err := reg.Withdraw(ctx, f.region, rec.ID(), consent.ParentGiver(f.mother), w.At.Add(time.Hour), "gebruiker:1", "", nil); !errors.Is(err, consent.ErrAlreadyWithdrawn) {
			t.Errorf("second withdrawal: %v", err)
		}
		if err := db.WithdrawConsent(ctx, other.region, consent.Withdrawal{ConsentID: rec.ID(), At: w.At, By: consent.PupilGiver(), RecordedBy: "x"}, nil); !errors.Is(err, consent.ErrNotFound) {
			t.Errorf("withdrawal across regions: %v", err)
		}
	})
}

func TestConsentStoreRefusesBadInputAndStoresNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedConsentRegion(t, db, "r1")
		other := seedConsentRegion(t, db, "r2")
		reg := consent.NewRegister(db, consent.BuiltinConfig(), nil)
		both := []consent.Giver{consent.ParentGiver(f.mother), consent.ParentGiver(f.father)}
		tests := []struct {
			name string
			edit func(*consent.Draft)
			want error
		}{
			{"parent without gezag", func(d *consent.Draft) {
				d.Givers = []consent.Giver{consent.ParentGiver(f.mother), consent.ParentGiver(f.stepdad)}
			}, consent.ErrWrongGiver},
			{"one parent for jeugdhulp", func(d *consent.Draft) { d.Givers = both[:1] }, consent.ErrWrongGiver},
			{"pupil of 9", func(d *consent.Draft) { d.Givers = []consent.Giver{consent.PupilGiver()} }, consent.ErrWrongGiver},
			{"unknown purpose", func(d *consent.Draft) { d.Purposes = []string{"marketing"} }, consent.ErrInvalid},
			{"unknown recipient", func(d *consent.Draft) { d.Recipients = []consent.Recipient{{Party: "verzekeraar"}} }, consent.ErrInvalid},
			{"unknown category", func(d *consent.Draft) { d.Categories = []string{"religie"} }, consent.ErrInvalid},
			{"dates out of order", func(d *consent.Draft) { d.ValidUntil = consentDate("2026-03-01") }, consent.ErrInvalid},
			{"organisation of another region", func(d *consent.Draft) {
				d.Recipients = []consent.Recipient{{Party: "jeugdhulp", OrganisationID: other.jeugdhulpOrg}}
			}, consent.ErrInvalid},
			{"organisation of another party", func(d *consent.Draft) {
				d.Recipients = []consent.Recipient{{Party: "jeugdhulp", OrganisationID: f.ggdOrg}}
			}, consent.ErrInvalid},
			{"parent of another region", func(d *consent.Draft) {
				d.Givers = []consent.Giver{consent.ParentGiver(f.mother), consent.ParentGiver(other.father)}
			}, consent.ErrWrongGiver},
		}
		for _, tt := range tests {
			d := jeugdhulpDraft(f, both...)
			tt.edit(&d)
			if _, err := reg.Record(ctx, f.region, d, nil); !errors.Is(err, tt.want) {
				t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
			}
		}
		recs, err := db.ConsentsOfPupil(ctx, f.region, f.pupil)
		if err != nil || len(recs) != 0 {
			t.Errorf("something was stored: %d records, %v", len(recs), err)
		}
		var n int
		db.QueryRow(ctx, "SELECT COUNT(*) FROM toestemming_gever").Scan(&n)
		if n != 0 {
			t.Errorf("%d giver rows left behind", n)
		}
	})
}

func TestConsentStoreRemindersAndForms(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedConsentRegion(t, db, "r1")
		reg := consent.NewRegister(db, consent.BuiltinConfig(), nil)
		both := []consent.Giver{consent.ParentGiver(f.mother), consent.ParentGiver(f.father)}
		for _, until := range []string{"2026-04-10", "2026-05-30", "2026-03-20"} {
			d := jeugdhulpDraft(f, both...)
			d.ValidUntil = consentDate(until)
			if _, err := reg.Record(ctx, f.region, d, nil); err != nil {
				t.Fatal(err)
			}
		}
		recs, fams, err := db.ActiveConsents(ctx, f.region, consentDate("2026-03-21"))
		if err != nil || len(recs) != 2 || len(fams) != 1 || fams[f.pupil].GezagCount() != 2 || len(fams[f.pupil].Guardians) != 3 ||
			fams[f.pupil].BirthDate.String() != "2017-01-01" {
			t.Fatalf("active consents: %d records, families %+v, %v", len(recs), fams, err)
		}
		rems, err := reg.Reminders(ctx, f.region, amsterdamTime("2026-03-21 08:00"), 30)
		if err != nil {
			t.Fatal(err)
		}
		if len(rems) != 1 || rems[0].EndsAfter.String() != "2026-04-10" {
			t.Errorf("reminders = %+v", rems)
		}
		// On the last day itself the consent is still listed (it is valid until midnight).
		rems, _ = reg.Reminders(ctx, f.region, amsterdamTime("2026-04-10 23:00"), 30)
		if len(rems) != 1 || rems[0].EndsAfter.String() != "2026-04-10" {
			t.Errorf("last day: %+v", rems)
		}

		form := store.ConsentForm{Hash: strings.Repeat("0f", 32), Version: "2026-1", PupilID: f.pupil, Purpose: "jeugdhulp", Text: "tekst", HTML: "<p>tekst</p>"}
		if err := db.SaveConsentForm(ctx, f.region, form, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveConsentForm(ctx, f.region, form, time.Now()); err != nil {
			t.Fatalf("saving twice: %v", err)
		}
		got, err := db.ConsentFormByHash(ctx, f.region, "0f0f0f0f")
		if err != nil || got.Text != "tekst" || got.PupilID != f.pupil {
			t.Errorf("form by prefix: %+v %v", got, err)
		}
		if _, err := db.ConsentFormByHash(ctx, f.region, "abcdabcd"); !errors.Is(err, consent.ErrNotFound) {
			t.Errorf("unknown form: %v", err)
		}
		if _, err := db.ConsentFormByHash(ctx, f.region, "0f%"); !errors.Is(err, consent.ErrInvalid) {
			t.Errorf("wildcard prefix: %v", err)
		}
	})
}

// consentEntry is an allowed audit entry about the fixture's pupil that names consent id.
func consentEntry(t *testing.T, f consentFixture, id int64, action audit.Action, at time.Time) audit.Entry {
	t.Helper()
	enc := audit.EncryptFunc(func(p, ad []byte) ([]byte, error) { _, s, err := f.keys.Seal(p, ad); return s, err })
	e, err := audit.NewEntry(audit.Record{Time: at, Actor: audit.Actor{UserID: 0, OrganisationID: f.jeugdhulpOrg, Role: "jeugdhulpverlener"},
		Pupil: f.pseudonym, Categories: []string{"gezondheid"}, Action: action, Purpose: "jeugdhulp", LegalGround: "avg-6-1-a",
		ProcessingActivity: "urn:test:jeugdhulp", ConsentID: id, Outcome: audit.Allowed, AccessPoint: audit.AccessJob,
		RequestID: "test-" + audit.NewOperationID().String(), TraceID: audit.NewTraceID(), OperationID: audit.NewOperationID(), Name: "test"}, enc)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestConsentStoreAuditTrail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedConsentRegion(t, db, "r1")
		reg := consent.NewRegister(db, consent.BuiltinConfig(), nil).WithShareLog(db)
		both := []consent.Giver{consent.ParentGiver(f.mother), consent.ParentGiver(f.father)}
		given := amsterdamTime("2026-03-02 10:00")
		as := store.NewAuditStore(db)

		// A failing trail rolls the consent back.
		_, err := reg.Record(ctx, f.region, jeugdhulpDraft(f, both...), func(int64) ([]audit.Entry, error) { return nil, errors.New("kapot") })
		if err == nil {
			t.Fatal("failing trail accepted")
		}
		if recs, _ := db.ConsentsOfPupil(ctx, f.region, f.pupil); len(recs) != 0 {
			t.Fatalf("consent stored without its audit entry")
		}

		var trailID int64
		rec, err := reg.Record(ctx, f.region, jeugdhulpDraft(f, both...), func(id int64) ([]audit.Entry, error) {
			trailID = id
			return []audit.Entry{consentEntry(t, f, id, audit.ActionCreate, given)}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if trailID != rec.ID() {
			t.Errorf("trail got id %d, record %d", trailID, rec.ID())
		}
		// A disclosure in the audit trail that relied on the consent.
		err = db.WithTx(ctx, func(tx *store.Tx) error {
			return as.Append(ctx, tx, f.region, consentEntry(t, f, rec.ID(), audit.ActionShare, given.Add(time.Hour)))
		})
		if err != nil {
			t.Fatal(err)
		}
		_, uses, err := reg.Withdraw(ctx, f.region, rec.ID(), consent.ParentGiver(f.mother), given.Add(2*time.Hour), "gebruiker:1", "",
			func(id int64) ([]audit.Entry, error) {
				return []audit.Entry{consentEntry(t, f, id, audit.ActionUpdate, given.Add(2*time.Hour))}, nil
			})
		if err != nil {
			t.Fatal(err)
		}
		if len(uses) != 1 || !strings.HasPrefix(uses[0].Reference, "audit:1 ") || uses[0].Purpose != "jeugdhulp" {
			t.Errorf("uses from the audit trail = %+v", uses)
		}
		leaves, err := as.ForPupil(ctx, f.region, f.pseudonym)
		if err != nil || len(leaves) != 3 {
			t.Fatalf("audit leaves = %d, %v", len(leaves), err)
		}
		if got := leaves[2].Entry.Record(); got.Action != audit.ActionUpdate || got.ConsentID != rec.ID() {
			t.Errorf("withdrawal entry = %+v", got)
		}
	})
}

// BenchmarkConsentCheck measures one coverage decision as the policy path makes it: the family
// and every consent of the pupil read from the store (no cache), then the rules applied. The pupil
// has 20 records (given, refused, withdrawn, other purposes); the region 2,000 more pupils' worth
// is not needed: every query is by (regio_id, leerling_id) on an index.
func BenchmarkConsentCheck(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			var db *store.DB
			if engine == "sqlite" {
				db = storetest.SQLite(b)
			} else {
				db = storetest.Postgres(b)
			}
			ctx := context.Background()
			f := seedConsentRegion(b, db, "r1")
			reg := consent.NewRegister(db, consent.BuiltinConfig(), nil)
			both := []consent.Giver{consent.ParentGiver(f.mother), consent.ParentGiver(f.father)}
			for i := 0; i < 20; i++ {
				d := jeugdhulpDraft(f, both...)
				d.GivenAt = d.GivenAt.Add(time.Duration(i) * time.Minute)
				if i%5 == 1 {
					d.Status, d.Givers = consent.StatusRefused, both[:1]
				}
				rec, err := reg.Record(ctx, f.region, d, nil)
				if err != nil {
					b.Fatal(err)
				}
				if i%5 == 2 {
					if _, _, err := reg.Withdraw(ctx, f.region, rec.ID(), both[0], d.GivenAt.Add(30*time.Second), "x", "", nil); err != nil {
						b.Fatal(err)
					}
				}
			}
			// The newest record is a given consent (i = 19), so the decision is covered.
			req := consent.Request{PupilID: f.pupil, Purpose: consent.PurposeJeugdhulp, Party: "jeugdhulp", OrganisationID: f.jeugdhulpOrg,
				Category: "gezondheid", Now: amsterdamTime("2026-04-01 09:00")}
			if cov, err := reg.Check(ctx, f.region, req); err != nil || !cov.Covered {
				b.Fatalf("%+v %v", cov, err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := reg.Check(ctx, f.region, req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
