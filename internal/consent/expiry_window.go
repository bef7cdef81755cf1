package consent

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// ExpiryWindow says which consents Expiring can list in the days after today, so that a store
// narrows the candidates in its query instead of reading every active consent of the region
// (issue 15: /toestemmingen/verlopend read them all, 1.5 s at 50,000 pupils). A consent can only
// be listed when it is valid today and either its end date lies in [EndFrom, EndTo], or its pupil
// is born in one of Births: then the pupil reaches, within the window, an age at which the rules
// ask other consent (PupilAlsoFrom, PupilAloneFrom). The window may hold more consents than
// Expiring lists, never fewer; Expiring decides on what it reads.
type ExpiryWindow struct {
	Today, EndFrom, EndTo Date
	Births                []DateRange
}

// DateRange is the days From to To, both included.
type DateRange struct{ From, To Date }

// ExpiryWindowOf returns the window of Expiring(…, now, days, rules).
func ExpiryWindowOf(now time.Time, days int, rules *Rules) ExpiryWindow {
	today := Today(now)
	horizon := today.AddDays(days)
	w := ExpiryWindow{Today: today, EndFrom: today, EndTo: horizon}
	// Expiring lists the day before a birthday b with today < b <= horizon+1. A birthday at age a
	// is the birth date a years on (29 February: 1 March in a year without it), so the births lie
	// in [today+1, horizon+1] moved back a years; a day either side covers the leap day.
	var ages []int
	for _, p := range rules.Purposes() {
		r, _ := rules.Rule(p)
		if !r.ConsentRequired {
			continue
		}
		for _, a := range []int{r.PupilAlsoFrom, r.PupilAloneFrom} {
			if a > 0 && !slices.Contains(ages, a) {
				ages = append(ages, a)
			}
		}
	}
	slices.Sort(ages)
	for _, a := range ages {
		w.Births = append(w.Births, DateRange{
			From: yearsBack(today.AddDays(1), a).AddDays(-1),
			To:   yearsBack(horizon.AddDays(1), a).AddDays(1),
		})
	}
	return w
}

// yearsBack is d moved n years back (29 February to 28 February in a year without it).
func yearsBack(d Date, n int) Date {
	y := d.Year - n
	if d.Month == time.February && d.Day == 29 && !isLeap(y) {
		return Date{Year: y, Month: time.February, Day: 28}
	}
	return Date{Year: y, Month: d.Month, Day: d.Day}
}

// ExpiringCandidates reads the consents of an ExpiryWindow with their pupils' families (the
// store, narrowed to what the caller may see).
type ExpiringCandidates func(ctx context.Context, w ExpiryWindow) ([]Record, map[int64]Family, error)

// RemindersIn is Reminders over the consents read returns for the window, under the region's
// own rules: the list of one school without reading the region's consents.
func (r *Register) RemindersIn(ctx context.Context, regionID int64, now time.Time, days int, read ExpiringCandidates) ([]Reminder, error) {
	cfg, err := r.ConfigFor(ctx, regionID)
	if err != nil {
		return nil, err
	}
	recs, fams, err := read(ctx, ExpiryWindowOf(now, days, cfg.Rules))
	if err != nil {
		return nil, fmt.Errorf("verlopende toestemmingen lezen: %w", err)
	}
	return Expiring(recs, fams, now, days, cfg.Rules), nil
}
