package monitor

import (
	"fmt"

	"github.com/grondslag/grondslag/internal/civil"
)

// Dim is a dimension of the cube.
type Dim uint8

const (
	DimKind Dim = iota
	DimGemeente
	DimSchoolType
	DimAge
	DimDuration
	DimOffer
	numDims
)

var dimNames = [numDims]string{"soort", "gemeente", "schooltype", "leeftijd", "duur", "aanbod"}

// String is the Dutch name of the dimension (column headers, JSON keys).
func (d Dim) String() string { return dimNames[d] }

// Cube holds the number of spells running on the reference date in every combination of kind,
// gemeente, school type, age band, duration and offer status — the smallest cells every
// published figure is a sum of.
type Cube struct {
	Peildatum civil.Date
	labels    [numDims][]string
	stride    [numDims]int
	counts    []int32
	Spells    int // spells read
	Counted   int // spells running on the reference date
}

// Labels lists the values of a dimension in order.
func (c *Cube) Labels(d Dim) []string { return c.labels[d] }

// Size is the number of values of a dimension.
func (c *Cube) Size(d Dim) int { return len(c.labels[d]) }

func (c *Cube) cells() int { return len(c.counts) }

// coords returns the coordinates of cell i.
func (c *Cube) coords(i int) (k [numDims]int) {
	for d := numDims - 1; ; d-- {
		k[d] = i / c.stride[d]
		i %= c.stride[d]
		if d == 0 {
			break
		}
	}
	return k
}

func newCube(gemeenten []string, on civil.Date) *Cube {
	c := &Cube{Peildatum: on}
	for k := Kind(0); k < numKinds; k++ {
		c.labels[DimKind] = append(c.labels[DimKind], k.Name())
	}
	c.labels[DimGemeente] = append(append([]string{}, gemeenten...), "onbekend")
	for t := SchoolType(0); t < numSchoolTypes; t++ {
		c.labels[DimSchoolType] = append(c.labels[DimSchoolType], t.String())
	}
	for a := AgeBand(0); a < numAgeBands; a++ {
		c.labels[DimAge] = append(c.labels[DimAge], a.String())
	}
	for d := Duration(0); d < numDurations; d++ {
		c.labels[DimDuration] = append(c.labels[DimDuration], d.String())
	}
	for o := OfferStatus(0); o < numOfferStatuses; o++ {
		c.labels[DimOffer] = append(c.labels[DimOffer], o.String())
	}
	n := 1
	for d := Dim(0); d < numDims; d++ {
		c.stride[d] = n
		n *= len(c.labels[d])
	}
	c.counts = make([]int32, n)
	return c
}

// Aggregate counts the spells running on day on (started on or before it, not ended before
// it) into a cube. Langdurig relatief verzuim counts only from four weeks on (its definition);
// absoluut verzuim and vrijstellingen count from the first day. Ages are taken on day on.
// A spell with an unknown gemeente index counts under "onbekend".
func Aggregate(spells []Spell, gemeenten []string, on civil.Date) (*Cube, error) {
	if on.IsZero() {
		return nil, fmt.Errorf("monitor: geen peildatum")
	}
	c := newCube(gemeenten, on)
	onDay := dayNumber(on)
	fourWeeks := onDay - 28                    // a start after this day is shorter than 4 weeks
	threeMonths := dayNumber(on.AddMonths(-3)) // a start before this day is longer than 3 months
	unknown := len(gemeenten)
	c.Spells = len(spells)
	for i := range spells {
		s := &spells[i]
		if s.Kind >= numKinds || s.SchoolType >= numSchoolTypes {
			return nil, fmt.Errorf("monitor: spell %d heeft een onbekende soort of schooltype", i)
		}
		start := dayNumber(s.Start)
		if start > onDay || (!s.End.IsZero() && dayNumber(s.End) < onDay) {
			continue
		}
		var dur Duration
		switch {
		case start > fourWeeks:
			dur = UnderFourWeeks
		case start >= threeMonths:
			dur = FourWeeksToThree
		default:
			dur = OverThreeMonths
		}
		if s.Kind == LongRelative && dur == UnderFourWeeks {
			continue
		}
		offer := OfferNotApplicable
		if s.Kind.IsThuiszitter() && dur == OverThreeMonths {
			offer = OfferNone
			if !s.Offer.IsZero() && !s.Offer.After(s.Start.AddMonths(3)) {
				offer = OfferWithin
			}
		}
		g := s.Gemeente
		if g < 0 || g >= unknown {
			g = unknown
		}
		idx := int(s.Kind)*c.stride[DimKind] + g*c.stride[DimGemeente] +
			int(s.SchoolType)*c.stride[DimSchoolType] + int(ageBand(civil.AgeOn(s.Birth, on)))*c.stride[DimAge] +
			int(dur)*c.stride[DimDuration] + int(offer)*c.stride[DimOffer]
		c.counts[idx]++
		c.Counted++
	}
	return c, nil
}

// dayNumber is the number of days since 1970-01-01 (proleptic Gregorian), without time.Date.
func dayNumber(d civil.Date) int {
	y, m := d.Year, int(d.Month)
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d.Day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}
