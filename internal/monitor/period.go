package monitor

import (
	"fmt"
	"time"

	"github.com/grondslag/grondslag/internal/civil"
)

// QuarterEnds returns n reference dates, oldest first: the last day of each quarter before
// the one holding on, and on itself (the current quarter so far, or its last day).
func QuarterEnds(on civil.Date, n int) []civil.Date {
	var out []civil.Date
	q := quarterEnd(on)
	if q != on {
		out = append(out, on)
		q = previousQuarterEnd(q)
	}
	for len(out) < n {
		out = append(out, q)
		q = previousQuarterEnd(q)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

func previousQuarterEnd(q civil.Date) civil.Date {
	return quarterEnd(civil.Date{Year: q.Year, Month: q.Month, Day: 1}.AddMonths(-3))
}

func quarterEnd(d civil.Date) civil.Date {
	m := ((int(d.Month)-1)/3)*3 + 3
	last := time.Date(d.Year, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return civil.Date{Year: d.Year, Month: time.Month(m), Day: last}
}

// QuarterName names the quarter that holds d: "2026-K4".
func QuarterName(d civil.Date) string { return fmt.Sprintf("%d-K%d", d.Year, (int(d.Month)-1)/3+1) }

// SchoolYear names the school year that holds d (1 August – 31 July): "2026-2027".
func SchoolYear(d civil.Date) string {
	y := d.Year
	if d.Month < time.August {
		y--
	}
	return fmt.Sprintf("%d-%d", y, y+1)
}

// Point is one reference date of a trend: the suppressed overview of that date.
type Point struct {
	Peildatum  civil.Date `json:"peildatum"`
	Kwartaal   string     `json:"kwartaal"`
	Schooljaar string     `json:"schooljaar"`
	// ByKind are the overview's row totals (one per kind, in Kinds() order), suppressed as in
	// that date's full publication, so a trend never shows what the tables of its date hide.
	ByKind []Value `json:"perSoort"`
	// Thuiszitters is langdurig relatief plus absoluut verzuim; suppressed when either is.
	Thuiszitters Value `json:"thuiszitters"`
}

// Trend publishes the overview for each date: each point is cut from the full, suppressed
// publication of its own date. Points are stocks on different dates (different populations),
// so no figure of one date is a sum of figures of another.
func Trend(spells []Spell, gemeenten []string, dates []civil.Date, threshold int) ([]Point, error) {
	var pubs []*Publication
	for _, on := range dates {
		c, err := Aggregate(spells, gemeenten, on)
		if err != nil {
			return nil, err
		}
		pubs = append(pubs, Publish(c, StandardSpecs(), threshold))
	}
	return TrendOf(pubs), nil
}

// TrendOf cuts the trend points from full publications of the standard tables (for callers
// that keep publications, such as the web's cache).
func TrendOf(pubs []*Publication) []Point {
	var out []Point
	for _, p := range pubs {
		ov := p.Table("overzicht")
		on := p.Peildatum
		pt := Point{Peildatum: on, Kwartaal: QuarterName(on), Schooljaar: SchoolYear(on)}
		pt.ByKind = append(pt.ByKind, ov.RowTotals...)
		lr, ab := ov.RowTotals[LongRelative], ov.RowTotals[Absolute]
		pt.Thuiszitters = Value{N: lr.N + ab.N, Suppressed: lr.Suppressed || ab.Suppressed}
		out = append(out, pt)
	}
	return out
}
