package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
)

// schoolYearStart returns the first Monday on or after 20 August of the school year containing d
// (a school year runs from August to July).
func schoolYearStart(d time.Time) time.Time {
	y := d.Year()
	if d.Month() < time.August {
		y--
	}
	s := time.Date(y, 8, 20, 0, 0, 0, 0, time.UTC)
	for s.Weekday() != time.Monday {
		s = s.AddDate(0, 0, 1)
	}
	return s
}

// pupils creates the families: 1–3 children each, with one or two parents. About one family in
// seven is separated (two addresses, both with gezag), one in twelve has only one parent with
// gezag, one in five has a single parent, and a few children have a voogd.
func (g *generator) pupils(ctx context.Context, tx *store.Tx, regionID int64, keys store.Keys, ids []ident.Identifier) error {
	g.numbers = map[int64]int{}
	yearStart := schoolYearStart(g.today)
	made := 0
	for made < g.opt.Pupils {
		kids := 1 + g.rnd.IntN(3)
		if made+kids > g.opt.Pupils {
			kids = g.opt.Pupils - made
		}
		last := g.pick(lastNames)
		gem := g.gemeenten[g.rnd.IntN(len(g.gemeenten))]
		parents, gezag, err := g.family(ctx, tx, regionID, last)
		if err != nil {
			return err
		}
		for k := 0; k < kids; k++ {
			age := 4 + g.rnd.IntN(14) // 4..17 on the reference date
			birth := g.today.AddDate(-age, 0, -g.rnd.IntN(365))
			first := g.pick(firstNamesBoys)
			if g.rnd.IntN(2) == 0 {
				first = g.pick(firstNamesGirls)
			}
			p, err := region.NewPupil(region.Pupil{NumberKind: ids[made].Kind, Number: ids[made].Number, FirstName: first, LastName: last, BirthDate: birth, GemeenteID: gem.ID}, g.today)
			if err != nil {
				return fmt.Errorf("leerling %d: %w", made+1, err)
			}
			id, pseudo, err := tx.CreatePupil(ctx, regionID, p, keys, g.today)
			if err != nil {
				return fmt.Errorf("leerling %d: %w", made+1, err)
			}
			ref := PupilRef{ID: id, Pseudonym: pseudo, BirthDate: birth, GemeenteID: gem.ID, ParentIDs: parents, Gezag: gezag, Profile: ProfileRegular}
			for i, pid := range parents {
				rel := []string{"moeder", "vader"}[i%2]
				if len(parents) == 1 && !gezag[0] {
					rel = "voogd"
				}
				g2 := gezag[i]
				if rel == "voogd" {
					g2 = true
				}
				if err := tx.LinkGuardian(ctx, regionID, id, region.GuardianLink{ParentID: pid, Relation: rel, Gezag: g2}); err != nil {
					return err
				}
			}
			if err := g.enrol(ctx, tx, regionID, &ref, age, yearStart); err != nil {
				return fmt.Errorf("inschrijving leerling %d: %w", made+1, err)
			}
			g.res.Pupils = append(g.res.Pupils, ref)
			made++
		}
	}
	return nil
}

// family creates the parents of one family and says which of them have gezag.
func (g *generator) family(ctx context.Context, tx *store.Tx, regionID int64, last string) ([]int64, []bool, error) {
	n := 2
	gezag := []bool{true, true}
	switch r := g.rnd.IntN(100); {
	case r < 20: // single parent with sole gezag
		n, gezag = 1, []bool{true}
	case r < 28: // two parents, one with gezag
		gezag = []bool{true, false}
	case r < 30: // a voogd
		n, gezag = 1, []bool{false}
	}
	var ids []int64
	for i := 0; i < n; i++ {
		first := g.pick(firstNamesAdult)
		email := strings.ToLower(strings.ReplaceAll(first+"."+last, " ", "")) + fmt.Sprintf("%d@ouders.demo.grondslag.test", g.res.Parents+1)
		p, err := region.NewParent(region.Parent{FirstName: first, LastName: last, Email: email, Phone: fmt.Sprintf("06-9%07d", g.res.Parents+1)})
		if err != nil {
			return nil, nil, err
		}
		id, err := tx.CreateParent(ctx, regionID, p)
		if err != nil {
			return nil, nil, err
		}
		g.res.Parents++
		ids = append(ids, id)
	}
	return ids, gezag, nil
}

// enrol gives the pupil its current enrolment (and, for a few, an ended one: absoluut verzuim).
func (g *generator) enrol(ctx context.Context, tx *store.Tx, regionID int64, p *PupilRef, age int, yearStart time.Time) error {
	var school region.Organisation
	var year string
	var from time.Time
	switch {
	case g.rnd.IntN(100) < 3:
		school = g.so
		year = fmt.Sprintf("%s %d", map[bool]string{true: "SO groep", false: "VSO leerjaar"}[age < 12], 1+age%6)
		from = yearStart.AddDate(-g.rnd.IntN(3), 0, 0)
	case age < 12:
		school = g.po[g.rnd.IntN(len(g.po))]
		groep := age - 3
		if groep < 1 {
			groep = 1
		}
		if groep > 8 {
			groep = 8
		}
		year = fmt.Sprintf("groep %d", groep)
		from = yearStart.AddDate(-(groep - 1), 0, 0)
	default:
		school = g.vo[g.rnd.IntN(len(g.vo))]
		lj := age - 11
		if lj > 6 {
			lj = 6
		}
		year = fmt.Sprintf("leerjaar %d", lj)
		from = yearStart.AddDate(-(lj - 1), 0, 0)
	}
	if from.Before(p.BirthDate.AddDate(4, 0, 0)) {
		from = p.BirthDate.AddDate(4, 0, 1)
	}
	g.numbers[school.ID]++
	number := fmt.Sprintf("%s-%05d", school.BRIN, g.numbers[school.ID])
	e := region.Enrolment{SchoolID: school.ID, Number: number, From: from, Year: year, Class: classOf(year, g.numbers[school.ID])}
	// About one pupil in 800 of compulsory age left school a few months ago and enrolled nowhere.
	if age >= 6 && age <= 15 && g.rnd.IntN(800) == 0 {
		e.To = g.today.AddDate(0, -2-g.rnd.IntN(4), 0)
		if e.To.Before(e.From) {
			e.To = e.From.AddDate(0, 1, 0)
		}
		p.Profile = ProfileAbsoluut
	} else {
		p.SchoolID, p.Number, p.EnrolledOn = school.ID, number, from
	}
	e, err := region.NewEnrolment(e)
	if err != nil {
		return err
	}
	if _, err := tx.AddEnrolment(ctx, regionID, p.ID, e); err != nil {
		return err
	}
	g.res.Enrolments++
	return nil
}

// classOf names the demo pupil's class from its year and its number at the school: three
// parallel classes per year, "7A", "7B", "7C" (PO groep 7), "2A" (VO leerjaar 2), "SO 3A".
func classOf(year string, n int) string {
	f := strings.Fields(year)
	digit := f[len(f)-1]
	prefix := ""
	if strings.HasPrefix(year, "SO") || strings.HasPrefix(year, "VSO") {
		prefix = f[0] + " "
	}
	return prefix + digit + string(rune('A'+n%3))
}
