package consent

import (
	"context"
	"slices"
	"testing"
	"time"
)

// inWindow is what a store's query keeps of the window: an end date within it or a birth date in
// one of its ranges.
func inWindow(w ExpiryWindow, r Record, fam Family) bool {
	if u := r.d.ValidUntil; !u.IsZero() && !u.Before(w.EndFrom) && !u.After(w.EndTo) {
		return true
	}
	for _, b := range w.Births {
		if !fam.BirthDate.Before(b.From) && !fam.BirthDate.After(b.To) {
			return true
		}
	}
	return false
}

// TestExpiryWindowNeverNarrower: for every day of seven years (leap days included) and birth
// dates around the ages of the rules, the window keeps every consent Expiring lists. A window
// that dropped one would hide a consent that is about to stop covering.
func TestExpiryWindowNeverNarrower(t *testing.T) {
	rules := BuiltinConfig().Rules
	open := func(pupil int64, until Date) Record {
		dr := draft(ParentGiver(10), ParentGiver(11))
		dr.PupilID, dr.ValidFrom, dr.ValidUntil = pupil, d("2000-01-01"), until
		return Record{id: pupil, d: dr}
	}
	checked := 0
	for day := d("2023-01-01"); day.Before(d("2030-01-01")); day = day.AddDays(3) {
		now := time.Date(day.Year, day.Month, day.Day, 9, 0, 0, 0, amsterdam)
		for _, days := range []int{0, 1, 30, 45} {
			w := ExpiryWindowOf(now, days, rules)
			if len(w.Births) == 0 {
				t.Fatal("no birth ranges: the builtin rules ask the pupil's consent from 12 and 16")
			}
			var recs []Record
			fams := map[int64]Family{}
			var id int64
			// Pupils turning 12 or 16 from a week before the window to a week after it, and
			// consents ending across the same span.
			for _, age := range []int{12, 16} {
				for b := yearsBack(day, age).AddDays(-7); !b.After(yearsBack(day.AddDays(days+8), age)); b = b.AddDays(1) {
					id++
					recs = append(recs, open(id, Date{}))
					fams[id] = Family{PupilID: id, BirthDate: b, Guardians: []Guardian{{10, true}, {11, true}}}
				}
			}
			for e := day.AddDays(-3); !e.After(day.AddDays(days + 3)); e = e.AddDays(1) {
				id++
				recs = append(recs, open(id, e))
				fams[id] = Family{PupilID: id, BirthDate: d("2000-06-15"), Guardians: []Guardian{{10, true}, {11, true}}}
			}
			for _, rem := range Expiring(recs, fams, now, days, rules) {
				checked++
				pid := rem.Consent.d.PupilID
				if !inWindow(w, rem.Consent, fams[pid]) {
					t.Fatalf("today %s, %d days: consent of a pupil born %s ending %s (%s) is listed but outside the window %+v",
						day, days, fams[pid].BirthDate, rem.EndsAfter, rem.Reason, w)
				}
			}
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d reminders checked", checked)
	}
}

// TestRemindersInReadsTheWindow: RemindersIn asks its reader for the window of the region's
// rules and decides with Expiring on what it gets.
func TestRemindersInReadsTheWindow(t *testing.T) {
	ctx := context.Background()
	repo := &memRepo{fam: family("2014-04-20")} // turns 12 on 20 April 2026
	reg := NewRegister(repo, BuiltinConfig(), nil)
	dr := draft(ParentGiver(10), ParentGiver(11))
	dr.ValidUntil = d("2026-03-31")
	if _, err := reg.Record(ctx, 1, dr, nil); err != nil {
		t.Fatal(err)
	}
	now := at("2026-03-25 09:00")
	var asked ExpiryWindow
	rems, err := reg.RemindersIn(ctx, 1, now, 30, func(_ context.Context, w ExpiryWindow) ([]Record, map[int64]Family, error) {
		asked = w
		return repo.ActiveConsents(ctx, 1, w.Today)
	})
	if err != nil {
		t.Fatal(err)
	}
	if asked.EndFrom != d("2026-03-25") || asked.EndTo != d("2026-04-24") {
		t.Errorf("window %+v", asked)
	}
	var ages []int
	for _, b := range asked.Births {
		ages = append(ages, 2026-b.To.Year)
	}
	if !slices.Equal(ages, []int{12, 16}) {
		t.Errorf("birth ranges %+v: want ages 12 and 16", asked.Births)
	}
	if len(rems) != 1 || rems[0].EndsAfter != d("2026-03-31") {
		t.Errorf("reminders %+v", rems)
	}
}
