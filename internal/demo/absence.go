package demo

import (
	"github.com/grondslag/grondslag/internal/absence"
)

// lessonHours is the demo schools' lesson hours per day: a registration of this many hours is a
// whole day absent.
const lessonHours = 5

// absence gives every pupil a year of registrations up to the reference date. Most pupils are
// sometimes ill or late; small groups get the patterns the rules must find: beginnend verzuim,
// 16 hours in 4 lesweken, thuiszitters (some longer than three months), luxe verzuim around
// holidays, and frequent sick reports (M@ZL). Counts scale with the number of pupils.
func (g *generator) absence() {
	cal := g.res.Calendar
	end := absence.DateOf(g.today)
	var days []absence.Date
	for d := end.AddDays(-365); d <= end; d++ {
		if cal.IsSchoolDay(d) {
			days = append(days, d)
		}
	}
	if len(days) == 0 {
		return
	}
	scale := func(per5000 int) int {
		n := per5000 * len(g.res.Pupils) / 5000
		if n < 1 {
			n = 1
		}
		return n
	}
	quota := []struct {
		p Profile
		n int
	}{
		{ProfileThuiszitter, scale(8)},
		{ProfileSixteen, scale(35)},
		{ProfileBeginnend, scale(60)},
		{ProfileLuxe, scale(15)},
		{ProfileMazl, scale(25)},
	}
	order := g.rnd.Perm(len(g.res.Pupils))
	next := 0
	for _, q := range quota {
		for i := 0; i < q.n && next < len(order); next++ {
			p := &g.res.Pupils[order[next]]
			if p.Profile != ProfileRegular || p.SchoolID == 0 {
				continue
			}
			if q.p == ProfileThuiszitter && p.BirthDate.After(g.today.AddDate(-10, 0, 0)) {
				continue // thuiszitters in the demo are 10 or older
			}
			p.Profile = q.p
			i++
		}
	}
	for i := range g.res.Pupils {
		p := &g.res.Pupils[i]
		if p.SchoolID == 0 {
			continue
		}
		g.regular(p, days)
		switch p.Profile {
		case ProfileThuiszitter:
			g.thuiszitter(p, days, i)
		case ProfileSixteen:
			g.sixteen(p, days)
		case ProfileBeginnend:
			g.beginnend(p, days)
		case ProfileLuxe:
			g.luxe(p, days, cal)
		case ProfileMazl:
			g.mazl(p, days)
		}
	}
}

func (g *generator) add(p *PupilRef, d absence.Date, hours float64, reason string) {
	if d.Time().Before(p.EnrolledOn) {
		return // registrations exist only while the pupil is enrolled at the school
	}
	g.res.Registrations = append(g.res.Registrations, Registration{PupilID: p.ID, SchoolID: p.SchoolID, Number: p.Number, Day: d.Time(), Hours: hours, Reason: reason})
}

// regular: one or two short illnesses, some late arrivals, a doctor's visit, rarely leave.
func (g *generator) regular(p *PupilRef, days []absence.Date) {
	for n := g.rnd.IntN(3); n > 0; n-- {
		start := g.rnd.IntN(len(days))
		for k := 0; k < 1+g.rnd.IntN(3) && start+k < len(days); k++ {
			g.add(p, days[start+k], lessonHours, "ziek")
		}
	}
	for n := g.rnd.IntN(4); n > 0; n-- {
		g.add(p, days[g.rnd.IntN(len(days))], 0.5, "te-laat")
	}
	if g.rnd.IntN(3) == 0 {
		g.add(p, days[g.rnd.IntN(len(days))], 2, "geoorloofd")
	}
	if g.rnd.IntN(60) == 0 {
		start := g.rnd.IntN(len(days) - 3)
		for k := 0; k < 3; k++ {
			g.add(p, days[start+k], lessonHours, "verlof")
		}
	}
	if g.rnd.IntN(400) == 0 {
		start := g.rnd.IntN(len(days) - 2)
		g.add(p, days[start], lessonHours, "schorsing")
		g.add(p, days[start+1], lessonHours, "schorsing")
	}
}

// thuiszitter: absent without valid reason for whole days from some date up to today; every
// other one for longer than three months.
func (g *generator) thuiszitter(p *PupilRef, days []absence.Date, i int) {
	weeks := 5 + g.rnd.IntN(6)
	if i%2 == 0 {
		weeks = 15 + g.rnd.IntN(10)
	}
	from := len(days) - weeks*5
	if from < 0 {
		from = 0
	}
	for _, d := range days[from:] {
		g.add(p, d, lessonHours, "ongeoorloofd")
	}
}

// sixteen: a burst of unauthorised hours that passes 16 within three weeks.
func (g *generator) sixteen(p *PupilRef, days []absence.Date) {
	start := g.rnd.IntN(len(days) - 15)
	total := 0.0
	for k := 0; total < 16+float64(g.rnd.IntN(8)); k += 1 + g.rnd.IntN(2) {
		h := float64(2 + g.rnd.IntN(4))
		g.add(p, days[start+k], h, "ongeoorloofd")
		total += h
	}
}

// beginnend: an hour or two skipped now and then, staying under the legal threshold.
func (g *generator) beginnend(p *PupilRef, days []absence.Date) {
	step := len(days) / 8
	for k := 0; k < 8; k++ {
		g.add(p, days[k*step+g.rnd.IntN(step/2+1)], float64(1+g.rnd.IntN(2)), "ongeoorloofd")
	}
}

// luxe: a whole day unauthorised right before or after a holiday.
func (g *generator) luxe(p *PupilRef, days []absence.Date, cal *absence.Calendar) {
	var adjacent []absence.Date
	for _, d := range days {
		if cal.AdjacentToBreak(d) {
			adjacent = append(adjacent, d)
		}
	}
	if len(adjacent) == 0 {
		return
	}
	g.add(p, adjacent[g.rnd.IntN(len(adjacent))], lessonHours, "ongeoorloofd")
}

// mazl: reported sick five times within twelve weeks.
func (g *generator) mazl(p *PupilRef, days []absence.Date) {
	start := g.rnd.IntN(len(days) - 60)
	for k := 0; k < 5; k++ {
		d := start + k*11 + g.rnd.IntN(4)
		g.add(p, days[d], lessonHours, "ziek")
	}
}
