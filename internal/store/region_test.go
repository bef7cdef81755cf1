package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

var now = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func day(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }

type fixture struct {
	reg    region.Region
	keys   *ident.RegionKeys
	school int64
	gem    int64
	pupil  int64
	pseudo string
}

// seedRegion creates a region with one gemeente, one school, one enrolled pupil with a parent.
func seedRegion(t testing.TB, db *store.DB, code string, ring *ident.KeyRing) fixture {
	t.Helper()
	ctx := context.Background()
	r, _ := region.NewRegion(code, "Regio "+code, region.Midden)
	r, err := db.CreateRegion(ctx, r, now)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := ring.Region(code)
	if err != nil {
		t.Fatal(err)
	}
	f := fixture{reg: r, keys: keys}
	err = db.WithTx(ctx, func(tx *store.Tx) error {
		g, _ := region.NewOrganisation(region.Organisation{Kind: region.KindGemeente, Name: "Gemeente " + code, CBSCode: "GM0001"})
		if f.gem, err = tx.CreateOrganisation(ctx, r.ID, g); err != nil {
			return err
		}
		s, _ := region.NewOrganisation(region.Organisation{Kind: region.KindSchool, Name: "School " + code, BRIN: "01AA", Sector: region.SectorVO, GemeenteID: f.gem})
		if f.school, err = tx.CreateOrganisation(ctx, r.ID, s); err != nil {
			return err
		}
		p, err := region.NewPupil(region.Pupil{NumberKind: ident.BSN, Number: "999900006", FirstName: "Noor", LastName: "de Vries", BirthDate: day("2012-04-02"), GemeenteID: f.gem}, now)
		if err != nil {
			return err
		}
		if f.pupil, f.pseudo, err = tx.CreatePupil(ctx, r.ID, p, keys, now); err != nil {
			return err
		}
		if _, err = tx.AddEnrolment(ctx, r.ID, f.pupil, region.Enrolment{SchoolID: f.school, Number: "L100", From: day("2024-08-26"), Year: "vmbo 1"}); err != nil {
			return err
		}
		par, err := tx.CreateParent(ctx, r.ID, region.Parent{FirstName: "Els", LastName: "de Vries", Email: "els@example.org"})
		if err != nil {
			return err
		}
		return tx.LinkGuardian(ctx, r.ID, f.pupil, region.GuardianLink{ParentID: par, Relation: "moeder", Gezag: true})
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func newRing(t testing.TB) *ident.KeyRing {
	ring, err := ident.LoadKeyFile(filepath.Join(t.TempDir(), "sleutels.json"))
	if err != nil {
		t.Fatal(err)
	}
	return ring
}

func TestPupilRoundTripNeverStoresNumberInClear(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedRegion(t, db, "alfa", newRing(t))
		p, err := db.Pupil(ctx, f.reg.ID, f.pupil)
		if err != nil {
			t.Fatal(err)
		}
		if p.Pseudonym != f.pseudo || len(p.Enrolments) != 1 || len(p.Guardians) != 1 || !p.Guardians[0].Gezag {
			t.Fatalf("pupil read back wrong: %+v", p)
		}
		var n int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM leerling WHERE pseudoniem = ? OR voornaam = ?", "999900006", "999900006").Scan(&n); err != nil || n != 0 {
			t.Fatalf("BSN found in clear (%d rows, %v)", n, err)
		}
		kind, nr, err := db.PupilNumber(ctx, f.reg.ID, f.pupil, f.keys)
		if err != nil || kind != ident.BSN || nr != "999900006" {
			t.Fatalf("PupilNumber = %s %s %v", kind, nr, err)
		}
		id, err := db.PupilBySchoolNumber(ctx, f.reg.ID, f.school, "L100", day("2026-01-10"))
		if err != nil || id != f.pupil {
			t.Fatalf("PupilBySchoolNumber = %d, %v", id, err)
		}
	})
}

// TestNoQueryCrossesRegions tries, with region B's id, to reach every kind of row of region A,
// and to link region B's rows to region A's.
func TestNoQueryCrossesRegions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ring := newRing(t)
		a := seedRegion(t, db, "alfa", ring)
		b := seedRegion(t, db, "beta", ring)
		if a.pseudo == b.pseudo {
			t.Fatal("same BSN has the same pseudonym in two regions")
		}
		if _, err := db.Pupil(ctx, b.reg.ID, a.pupil); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Pupil(B, A's pupil) = %v, want ErrNotFound", err)
		}
		if _, err := db.PupilByPseudonym(ctx, b.reg.ID, a.pseudo); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("PupilByPseudonym(B, A's pseudonym) = %v", err)
		}
		if _, err := db.Organisation(ctx, b.reg.ID, a.school); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Organisation(B, A's school) = %v", err)
		}
		if _, err := db.PupilBySchoolNumber(ctx, b.reg.ID, a.school, "L100", day("2026-01-10")); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("PupilBySchoolNumber(B, A's school) = %v", err)
		}
		if _, _, err := db.PupilNumber(ctx, b.reg.ID, a.pupil, b.keys); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("PupilNumber(B, A's pupil) = %v", err)
		}
		list, err := db.Pupils(ctx, b.reg.ID, store.PupilFilter{SchoolID: a.school})
		if err != nil || len(list) != 0 {
			t.Errorf("Pupils(B, school of A) = %d pupils, %v", len(list), err)
		}
		if gs, _ := db.Guardians(ctx, b.reg.ID, a.pupil); len(gs) != 0 {
			t.Errorf("Guardians(B, A's pupil) returned %d", len(gs))
		}
		// Writes that would link across regions are refused, by the store and by the schema.
		err = db.WithTx(ctx, func(tx *store.Tx) error {
			_, err := tx.AddEnrolment(ctx, b.reg.ID, b.pupil, region.Enrolment{SchoolID: a.school, Number: "X1", From: day("2025-01-01"), Year: "1"})
			return err
		})
		if err == nil {
			t.Error("enrolled a pupil of B at a school of A")
		}
		err = db.WithTx(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, "INSERT INTO inschrijving (regio_id, leerling_id, school_id, leerlingnummer, van, leerjaar) VALUES (?, ?, ?, 'X2', '2025-01-01', '1')", b.reg.ID, b.pupil, a.school)
			return err
		})
		if err == nil {
			t.Error("schema accepted an enrolment referencing another region's school")
		}
		err = db.WithTx(ctx, func(tx *store.Tx) error {
			return tx.LinkGuardian(ctx, b.reg.ID, a.pupil, region.GuardianLink{ParentID: 1, Relation: "vader"})
		})
		if err == nil {
			t.Error("linked a parent to another region's pupil")
		}
	})
}

func TestBadInputWritesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedRegion(t, db, "alfa", newRing(t))
		var before int
		db.QueryRow(ctx, "SELECT COUNT(*) FROM leerling WHERE regio_id = ?", f.reg.ID).Scan(&before)
		err := db.WithTx(ctx, func(tx *store.Tx) error {
			p, _ := region.NewPupil(region.Pupil{Number: "999900018", FirstName: "Tim", LastName: "Bos", BirthDate: day("2013-01-01")}, now)
			id, _, err := tx.CreatePupil(ctx, f.reg.ID, p, f.keys, now)
			if err != nil {
				return err
			}
			// Overlapping enrolment at the same school: must fail and roll back the pupil too.
			if _, err := tx.AddEnrolment(ctx, f.reg.ID, id, region.Enrolment{SchoolID: f.school, Number: "L200", From: day("2025-08-25"), Year: "1"}); err != nil {
				return err
			}
			_, err = tx.AddEnrolment(ctx, f.reg.ID, id, region.Enrolment{SchoolID: f.school, Number: "L201", From: day("2026-01-05"), Year: "1"})
			return err
		})
		var fe *region.FieldError
		if !errors.As(err, &fe) || fe.Field != "van" {
			t.Fatalf("overlap error = %v, want field van", err)
		}
		var after int
		db.QueryRow(ctx, "SELECT COUNT(*) FROM leerling WHERE regio_id = ?", f.reg.ID).Scan(&after)
		if after != before {
			t.Fatalf("pupil count %d → %d: half-written", before, after)
		}
		err = db.WithTx(ctx, func(tx *store.Tx) error {
			_, err := tx.AddEnrolment(ctx, f.reg.ID, f.pupil, region.Enrolment{SchoolID: 9999, Number: "Z", From: day("2025-01-01"), Year: "1"})
			return err
		})
		if !errors.As(err, &fe) || fe.Field != "school" {
			t.Fatalf("unknown school error = %v", err)
		}
		err = db.WithTx(ctx, func(tx *store.Tx) error {
			p, _ := region.NewPupil(region.Pupil{Number: "999900006", FirstName: "Dubbel", LastName: "X", BirthDate: day("2013-01-01")}, now)
			_, _, err := tx.CreatePupil(ctx, f.reg.ID, p, f.keys, now)
			return err
		})
		if !errors.As(err, &fe) {
			t.Fatalf("duplicate pupil error = %v", err)
		}
	})
}
