package retention

import (
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/convenant"
)

func TestQualificationEnd(t *testing.T) {
	for _, c := range []struct {
		name, birth, sk, want string
	}{
		{"18th birthday", "2008-06-15", "", "2026-06-15"},
		{"born on a leap day: 1 March in a common year", "2008-02-29", "", "2026-03-01"},
		{"born on a leap day: 29 February when the 18th birthday is in a leap year", "2010-02-28", "", "2028-02-28"},
		{"born on a month end", "2008-08-31", "", "2026-08-31"},
		{"born on 31 December", "2008-12-31", "", "2026-12-31"},
		{"startkwalificatie before 18 ends it then", "2008-06-15", "2025-07-04", "2025-07-04"},
		{"startkwalificatie on the 18th birthday", "2008-06-15", "2026-06-15", "2026-06-15"},
		{"startkwalificatie after 18 changes nothing", "2008-06-15", "2027-07-01", "2026-06-15"},
		{"startkwalificatie on a leap day", "2010-09-01", "2028-02-29", "2028-02-29"},
		{"birth unknown", "", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var birth, sk time.Time
			if c.birth != "" {
				birth = d(c.birth)
			}
			if c.sk != "" {
				sk = d(c.sk)
			}
			got := QualificationEnd(birth, sk)
			if s := got.Format(time.DateOnly); c.want == "" && !got.IsZero() || c.want != "" && s != c.want {
				t.Errorf("QualificationEnd(%s, %s) = %s, want %q", c.birth, c.sk, s, c.want)
			}
		})
	}
}

// TestKwalificatieplichtCategoryInModel runs the model convenant's own kwalificatieplicht rule
// (2 years after the end of the kwalificatieplicht, VNG Selectielijst 12.1.4) on the boundary
// days: the last day to keep and the first day destruction is due, for ordinary, leap-day and
// month-end births, with and without a startkwalificatie, and against the leerplicht file's 19th
// birthday for the same pupil.
func TestKwalificatieplichtCategoryInModel(t *testing.T) {
	conv, err := convenant.Default()
	if err != nil {
		t.Fatal(err)
	}
	r, ok := conv.Retention("kwalificatieplicht", "gemeente")
	if !ok || r.From != EventQualificationEnd || r.Period != (convenant.Period{Years: 2}) {
		t.Fatalf("model convenant: kwalificatieplicht at the gemeente = %+v, %v; want 2 years from %s", r, ok, EventQualificationEnd)
	}
	gem := Controller{Party: "gemeente", OrganisationID: 3}
	for _, c := range []struct {
		name, birth, sk string
		keepTo          string // last day to keep; the next day is the first due day
	}{
		{"ordinary: the 20th birthday is the last day", "2008-06-15", "", "2028-06-15"},
		{"born 29 February 2008: 18 on 1 March 2026, kept to 1 March 2028", "2008-02-29", "", "2028-03-01"},
		{"born 28 February 2010: 18 on 28 February 2028 (leap year), kept to 28 February 2030", "2010-02-28", "", "2030-02-28"},
		{"born 31 August: month end", "2008-08-31", "", "2028-08-31"},
		{"born 31 December: year end", "2008-12-31", "", "2028-12-31"},
		{"startkwalificatie at 17 on 31 January", "2008-06-15", "2026-01-31", "2028-01-31"},
		{"startkwalificatie on 29 February 2028: kept to 28 February 2030", "2010-09-01", "2028-02-29", "2030-02-28"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var sk time.Time
			if c.sk != "" {
				sk = d(c.sk)
			}
			ev := map[string]time.Time{EventBirth: d(c.birth), EventQualificationEnd: QualificationEnd(d(c.birth), sk)}
			cl := ClockOf(conv, Holding{Controller: gem, Category: "kwalificatieplicht", Events: ev})
			last := d(c.keepTo)
			if !cl.KeepTo.Equal(last) {
				t.Fatalf("keep to %s, want %s (%s)", cl.KeepTo.Format(time.DateOnly), c.keepTo, cl.Describe())
			}
			if cl.Due(last) {
				t.Errorf("due on the last day %s", c.keepTo)
			}
			if !cl.Due(last.AddDate(0, 0, 1)) {
				t.Errorf("not due on the day after %s", c.keepTo)
			}
		})
	}

	// One pupil, born 29 February 2008, with a leerplicht file (19 years after birth) and a
	// kwalificatieplicht file: on its 19th birthday (28 February 2027, clamped) the leerplicht
	// file is due from 1 March 2027, but the pupil as a whole waits for the kwalificatieplicht
	// file (1 March 2026 + 2 years: due from 2 March 2028).
	born := d("2008-02-29")
	ev := map[string]time.Time{EventBirth: born, EventQualificationEnd: QualificationEnd(born, time.Time{})}
	holdings := []Holding{{gem, "verzuim", ev}, {gem, "kwalificatieplicht", ev}}
	for _, c := range []struct {
		day string
		due bool
	}{{"2027-02-28", false}, {"2027-03-01", false}, {"2028-03-01", false}, {"2028-03-02", true}} {
		a := Assess(conv, holdings, nil, d(c.day))
		if a.Due != c.due {
			t.Errorf("on %s due = %v, want %v; waiting %v", c.day, a.Due, c.due, a.Waiting(d(c.day)))
		}
	}
	if got := ClockOf(conv, holdings[0]).DueFrom.Format(time.DateOnly); got != "2027-03-01" {
		t.Errorf("leerplicht file due from %s, want 2027-03-01 (the day after the clamped 19th birthday)", got)
	}
	// With a startkwalificatie at 16 (havo, July 2024) the kwalificatieplicht file is due from 16
	// July 2026, before the 19th birthday, which then decides.
	ev2 := map[string]time.Time{EventBirth: born, EventQualificationEnd: QualificationEnd(born, d("2024-07-15"))}
	holdings = []Holding{{gem, "verzuim", ev2}, {gem, "kwalificatieplicht", ev2}}
	if a := Assess(conv, holdings, nil, d("2027-02-28")); a.Due {
		t.Error("due on the 19th birthday")
	}
	if a := Assess(conv, holdings, nil, d("2027-03-01")); !a.Due || a.DueFrom.Format(time.DateOnly) != "2027-03-01" {
		t.Errorf("with a startkwalificatie at 16: due %v from %s, want from 2027-03-01", a.Due, a.DueFrom.Format(time.DateOnly))
	}
}
