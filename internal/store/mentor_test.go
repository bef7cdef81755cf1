package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/grondslag/grondslag/internal/dossier"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

// A mentor sees only the pupils of his own classes (issue 15): in the list, in the relation check
// behind every pupil page and in his work list; the zorgcoördinator of the same school sees all.
func TestMentorSeesOwnClassesOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newWebFixture(t, db)
		mentor := webExec(t, db, `INSERT INTO gebruiker (regio_id, organisatie_id, naam, email, rol, aangemaakt_op) VALUES (?, ?, 'Men Tor', 'mentor@linde.example', 'mentor', 0)`, f.r1, f.school1)
		// Anna is in 7A; Dirk, in 7B, is of the same school.
		webExec(t, db, `UPDATE inschrijving SET klas = '7A' WHERE regio_id = ? AND leerling_id = ?`, f.r1, f.pupilA)
		dirk := webExec(t, db, `INSERT INTO leerling (regio_id, pseudoniem, id_soort, id_versleuteld, sleutel_versie, voornaam, achternaam, geboortedatum, aangemaakt_op) VALUES (?, 'psD', 'bsn', ?, 1, 'Dirk', 'Jansen', '2014-05-01', 0)`, f.r1, []byte{1})
		webExec(t, db, `INSERT INTO inschrijving (regio_id, leerling_id, school_id, leerlingnummer, van, leerjaar, klas) VALUES (?, ?, ?, '4', '2020-08-01', 'groep 7', '7B')`, f.r1, dirk, f.school1)
		a := dossier.Actor{RegionID: f.r1, UserID: mentor, OrgID: f.school1, Party: "school", Role: "mentor"}
		visible := func(a dossier.Actor) map[int64]bool {
			t.Helper()
			ps, n, err := db.VisiblePupils(ctx, a, "2024-01-10", "", dossier.Page{Number: 1, Size: 50})
			if err != nil || n != len(ps) {
				t.Fatalf("visible: %v (%d of %d)", err, len(ps), n)
			}
			out := map[int64]bool{}
			for _, p := range ps {
				out[p.ID] = true
			}
			return out
		}
		if v := visible(a); len(v) != 0 {
			t.Fatalf("a mentor without classes sees %v", v)
		}
		if err := db.WithTx(ctx, func(tx *store.Tx) error { return tx.SetMentorClasses(ctx, f.r1, mentor, []string{" 7A ", "7A"}) }); err != nil {
			t.Fatal(err)
		}
		if cs, err := db.MentorClasses(ctx, f.r1, mentor); err != nil || len(cs) != 1 || cs[0] != "7A" {
			t.Fatalf("classes %v %v", cs, err)
		}
		if v := visible(a); !v[f.pupilA] || v[dirk] || len(v) != 1 {
			t.Fatalf("mentor of 7A sees %v, want only Anna (%d)", v, f.pupilA)
		}
		if rel, err := db.PupilRelations(ctx, a, dirk, "2024-01-10"); err != nil || len(rel) != 0 {
			t.Fatalf("relation with a pupil of another class: %v %v", rel, err)
		}
		if rel, err := db.PupilRelations(ctx, a, f.pupilA, "2024-01-10"); err != nil || len(rel) != 1 || rel[0] != dossier.RelEnrolled {
			t.Fatalf("relation with his own pupil: %v %v", rel, err)
		}
		zc := dossier.Actor{RegionID: f.r1, UserID: f.zc1, OrgID: f.school1, Party: "school", Role: "zorgcoordinator"}
		if v := visible(zc); !v[f.pupilA] || !v[dirk] {
			t.Fatalf("zorgcoördinator sees %v, want the whole school", v)
		}
		// Only a mentor has classes; a bad class name is refused with the field named.
		err := db.WithTx(ctx, func(tx *store.Tx) error { return tx.SetMentorClasses(ctx, f.r1, f.zc1, []string{"7A"}) })
		var fe *region.FieldError
		if !errors.As(err, &fe) || fe.Field != "klassen" {
			t.Fatalf("classes for a zorgcoördinator: %v", err)
		}
		err = db.WithTx(ctx, func(tx *store.Tx) error { return tx.SetMentorClasses(ctx, f.r1, mentor, []string{"7A;7B"}) })
		if !errors.As(err, &fe) || fe.Field != "klas" {
			t.Fatalf("bad class: %v", err)
		}
		// The mentor of another region's id is unknown.
		err = db.WithTx(ctx, func(tx *store.Tx) error { return tx.SetMentorClasses(ctx, f.r2, mentor, []string{"7A"}) })
		if !errors.As(err, &fe) || fe.Field != "gebruiker" {
			t.Fatalf("cross-region mentor: %v", err)
		}
	})
}
