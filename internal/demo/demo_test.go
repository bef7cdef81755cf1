package demo_test

import (
	"context"
	"strings"

	"github.com/grondslag/grondslag/internal/audit"
	"golang.org/x/mod/sumdb/note"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/demo"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

var today = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

func generate(t *testing.T, db *store.DB, seed uint64, ringPath string) *demo.Result {
	t.Helper()
	ring, err := ident.LoadKeyFile(ringPath)
	if err != nil {
		t.Fatal(err)
	}
	res, err := demo.Generate(context.Background(), db, ring, demo.Options{Seed: seed, Pupils: 600, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestDemoRegionShape(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		res := generate(t, db, 7, filepath.Join(t.TempDir(), "k.json"))
		kinds := map[region.OrgKind]int{}
		sectors := map[region.Sector]int{}
		for _, o := range res.Orgs {
			kinds[o.Kind]++
			sectors[o.Sector]++
		}
		if kinds[region.KindSchool] != 12 || kinds[region.KindGemeente] != 2 || kinds[region.KindSWV] != 1 || kinds[region.KindGGD] != 1 || kinds[region.KindJeugdhulp] != 1 {
			t.Errorf("organisations: %v", kinds)
		}
		if sectors[region.SectorPO] == 0 || sectors[region.SectorVO] == 0 || sectors[region.SectorSO] == 0 {
			t.Errorf("sectors: %v", sectors)
		}
		if len(res.Pupils) != 600 || res.Enrolments != 600 {
			t.Errorf("pupils %d, enrolments %d", len(res.Pupils), res.Enrolments)
		}
		profiles := map[demo.Profile]int{}
		soleGezag, split := 0, 0
		for _, p := range res.Pupils {
			profiles[p.Profile]++
			if len(p.Gezag) == 2 && p.Gezag[0] != p.Gezag[1] {
				split++
			}
			if len(p.Gezag) == 1 {
				soleGezag++
			}
		}
		for _, want := range []demo.Profile{demo.ProfileThuiszitter, demo.ProfileSixteen, demo.ProfileBeginnend, demo.ProfileLuxe, demo.ProfileMazl} {
			if profiles[want] == 0 {
				t.Errorf("no pupil with profile %s: %v", want, profiles)
			}
		}
		if soleGezag == 0 || split == 0 {
			t.Errorf("families: %d with one parent, %d with one of two parents holding gezag", soleGezag, split)
		}
		if len(res.Registrations) < len(res.Pupils) {
			t.Errorf("only %d registrations for %d pupils", len(res.Registrations), len(res.Pupils))
		}
		for _, r := range res.Registrations {
			if !res.Calendar.IsSchoolDay(absenceDateT(r.Day)) {
				t.Fatalf("registration on %s, not a school day", r.Day.Format(time.DateOnly))
			}
			if r.Day.After(today) {
				t.Fatalf("registration after the reference date: %s", r.Day)
			}
		}
		steps, err := demo.Populate(context.Background(), db, nil, res, today)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, s := range steps {
			got[s.What] = s.Count
		}
		if got["verzuimregels geïmporteerd (per school, als CSV)"] != len(res.Registrations) {
			t.Errorf("imported %v of %d registrations", got, len(res.Registrations))
		}
		sigs, err := db.Signals(context.Background(), res.Region.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		sigKinds := map[string]bool{}
		for _, s := range sigs {
			sigKinds[string(s.Kind)] = true
		}
		for _, k := range []string{"16-uur-in-4-lesweken", "langdurig-relatief-verzuim", "mazl"} {
			if !sigKinds[k] {
				t.Errorf("no %s signal in the demo region (have %v)", k, sigKinds)
			}
		}
		// Every account's organisation allows its role.
		for _, a := range res.Accounts {
			var kind region.OrgKind
			for _, o := range res.Orgs {
				if o.ID == a.OrgID {
					kind = o.Kind
				}
			}
			if !region.RoleAllowed(kind, a.Role) {
				t.Errorf("account %s: role %s at %s", a.Email, a.Role, kind)
			}
		}
	})
}

func TestDemoSameSeedSameRegion(t *testing.T) {
	ring := filepath.Join(t.TempDir(), "k.json")
	a := generate(t, storetest.SQLite(t), 42, ring)
	b := generate(t, storetest.SQLite(t), 42, ring)
	c := generate(t, storetest.SQLite(t), 43, ring)
	if !reflect.DeepEqual(a.Pupils, b.Pupils) || !reflect.DeepEqual(a.Registrations, b.Registrations) {
		t.Fatal("same seed gave a different region")
	}
	if reflect.DeepEqual(a.Registrations, c.Registrations) {
		t.Fatal("another seed gave the same absence")
	}
}

func TestDemoHistoryVerifies(t *testing.T) {
	db := storetest.SQLite(t)
	ring, err := ident.LoadKeyFile(filepath.Join(t.TempDir(), "k.json"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	res, err := demo.Generate(ctx, db, ring, demo.Options{Seed: 3, Pupils: 400, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	steps, err := demo.Populate(ctx, db, ring, res, today)
	if err != nil {
		t.Fatal(err)
	}
	var entries, checkpoints int
	for _, s := range steps {
		if strings.HasPrefix(s.What, "auditregels") {
			entries = s.Count
		}
		if s.What == "ondertekende checkpoints" {
			checkpoints = s.Count
		}
	}
	cases := map[string]int{}
	for _, s := range steps {
		cases[s.What] = s.Count
	}
	if cases["casussen (thuiszittersoverleg)"] == 0 || cases["doorbraakoverleggen"] == 0 || cases["toestemmingen vastgelegd"] == 0 {
		t.Errorf("demo lacks cases, escalations or consents: %v", steps)
	}
	if entries < 100 || checkpoints < 10 {
		t.Fatalf("history too thin: %d entries, %d checkpoints (%v)", entries, checkpoints, steps)
	}
	as := store.NewAuditStore(db)
	size, _, err := as.Head(ctx, res.Region.ID)
	if err != nil || int(size) < entries {
		t.Fatalf("log size %d, %v; want at least %d", size, err, entries)
	}
	keys, _ := ring.Region(res.Region.Code)
	signer, _ := audit.NewSigner(audit.Origin(res.Region.Code), keys.Signer())
	v, err := note.NewVerifier(signer.VerifierKey())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := as.Verify(ctx, res.Region.ID, store.VerifyOptions{Verifiers: []note.Verifier{v}, Thorough: true}); err != nil {
		t.Fatalf("verify the demo's log: %v", err)
	}
}

// A reference date with a time of day late in the evening (UTC) must give the same region as
// midnight: consents given "that day" must not fall on the next day in Dutch time.
func TestDemoReferenceTimeOfDay(t *testing.T) {
	db := storetest.SQLite(t)
	ring, _ := ident.LoadKeyFile(filepath.Join(t.TempDir(), "k.json"))
	late := today.Add(23*time.Hour + 30*time.Minute)
	res, err := demo.Generate(context.Background(), db, ring, demo.Options{Seed: 5, Pupils: 300, Today: late})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Populate(context.Background(), db, ring, res, late); err != nil {
		t.Fatal(err)
	}
}
