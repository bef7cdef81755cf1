package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/retention"
	"github.com/grondslag/grondslag/internal/store"
)

// formerPupils are former pupils who left their school six school years ago and enrolled nowhere
// in the region since: every retention period of their school (2 and 5 years after leaving,
// convenant bijlage 4) has run out, so the destruction workflow has something to propose. Fixed
// names, no randomness: the rest of the demo stays what the seed makes it.
var formerPupils = []struct {
	first, last string
	vo          bool
}{
	{"Sanne", "Oud-Leerling", true},
	{"Thijs", "Oud-Leerling", true},
	{"Lotte", "Oud-Leerling", false},
}

// populateRetention adds the former pupils and draws up the destruction lists of the reference
// day, as the server's daily job does (internal/retention): one list per school. The FG advises
// and the school's directie decides on /bewaartermijnen.
func populateRetention(ctx context.Context, db *store.DB, ring *ident.KeyRing, res *Result, today time.Time) ([]Step, error) {
	if ring == nil {
		return nil, nil
	}
	keys, err := ring.Region(res.Region.Code)
	if err != nil {
		return nil, err
	}
	var po, vo []region.Organisation
	for _, o := range res.Orgs {
		switch {
		case o.Kind == region.KindSchool && o.Sector == region.SectorPO:
			po = append(po, o)
		case o.Kind == region.KindSchool && o.Sector == region.SectorVO:
			vo = append(vo, o)
		}
	}
	if len(po) == 0 || len(vo) == 0 {
		return nil, nil
	}
	ids, err := ident.SyntheticIdentifiers(len(res.Pupils) + len(formerPupils))
	if err != nil {
		return nil, err
	}
	ids = ids[len(res.Pupils):] // the numbers after the demo's pupils

	left := time.Date(today.Year()-6, 7, 31, 0, 0, 0, 0, time.UTC)
	err = db.WithTx(ctx, func(tx *store.Tx) error {
		for i, f := range formerPupils {
			school, age, years := po[0], 12, 8
			if f.vo {
				school, age, years = vo[0], 17, 6
			}
			birth := left.AddDate(-age, -2-i, 0)
			p, err := region.NewPupil(region.Pupil{NumberKind: ids[i].Kind, Number: ids[i].Number, FirstName: f.first, LastName: f.last, BirthDate: birth}, today)
			if err != nil {
				return fmt.Errorf("oud-leerling %d: %w", i+1, err)
			}
			id, _, err := tx.CreatePupil(ctx, res.Region.ID, p, keys, today)
			if err != nil {
				return fmt.Errorf("oud-leerling %d: %w", i+1, err)
			}
			e, err := region.NewEnrolment(region.Enrolment{SchoolID: school.ID, Number: fmt.Sprintf("%s-OUD%02d", school.BRIN, i+1),
				From: left.AddDate(-years, 0, 1), To: left, Year: "vertrokken"})
			if err != nil {
				return err
			}
			if _, err := tx.AddEnrolment(ctx, res.Region.ID, id, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	k, err := convenant.Default()
	if err != nil {
		return nil, err
	}
	lists, err := store.NewRetentionStore(db).Plan(ctx, res.Region.ID, k, retention.Day(today), today.Add(6*time.Hour))
	if err != nil {
		return nil, fmt.Errorf("vernietigingslijsten: %w", err)
	}
	return []Step{
		{What: "oud-leerlingen van wie elke bewaartermijn verstreken is (6 jaar geleden van school)", Count: len(formerPupils)},
		{What: "vernietigingslijsten voorgesteld (per school; advies van fg@…, besluit van de directie, /bewaartermijnen)", Count: len(lists)},
	}, nil
}
