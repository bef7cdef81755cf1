package monitor

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/grondslag/grondslag/internal/civil"
)

func d(y, m, day int) civil.Date { return civil.Date{Year: y, Month: timeMonth(m), Day: day} }

func TestDurationBoundaries(t *testing.T) {
	on := d(2026, 12, 3)
	for _, tc := range []struct {
		start civil.Date
		want  Duration
	}{
		{d(2026, 11, 6), UnderFourWeeks},   // 27 days
		{d(2026, 11, 5), FourWeeksToThree}, // 28 days: four weeks
		{d(2026, 9, 3), FourWeeksToThree},  // exactly three months
		{d(2026, 9, 2), OverThreeMonths},
	} {
		c, err := Aggregate([]Spell{{Kind: Absolute, Birth: d(2014, 1, 1), Start: tc.start}}, nil, on)
		if err != nil {
			t.Fatal(err)
		}
		got := -1
		for i, n := range c.counts {
			if n == 1 {
				got = c.coords(i)[DimDuration]
			}
		}
		if Duration(got) != tc.want {
			t.Errorf("start %v: duration %v, want %v", tc.start, Duration(got), tc.want)
		}
	}
	// Langdurig relatief verzuim counts only from four weeks.
	c, _ := Aggregate([]Spell{{Kind: LongRelative, Birth: d(2014, 1, 1), Start: d(2026, 11, 20)}}, nil, on)
	if c.Counted != 0 {
		t.Error("relative absence under four weeks counted as langdurig")
	}
	// Ended before the reference date: not counted; ending on it: counted.
	c, _ = Aggregate([]Spell{{Kind: Absolute, Birth: d(2014, 1, 1), Start: d(2026, 1, 1), End: d(2026, 12, 2)},
		{Kind: Absolute, Birth: d(2014, 1, 1), Start: d(2026, 1, 1), End: d(2026, 12, 3)}}, nil, on)
	if c.Counted != 1 {
		t.Errorf("counted %d, want 1", c.Counted)
	}
}

func TestAgeOnTheReferenceDate(t *testing.T) {
	on := d(2026, 12, 3)
	c, _ := Aggregate([]Spell{
		{Kind: Absolute, Birth: d(2008, 12, 3), Start: d(2026, 10, 1)}, // 18 today
		{Kind: Absolute, Birth: d(2008, 12, 4), Start: d(2026, 10, 1)}, // 17
	}, nil, on)
	ages := map[AgeBand]int{}
	for i, n := range c.counts {
		if n > 0 {
			ages[AgeBand(c.coords(i)[DimAge])] += int(n)
		}
	}
	if ages[Age18plus] != 1 || ages[Age16to17] != 1 {
		t.Errorf("ages %v", ages)
	}
}

func TestOfferWithinThreeMonths(t *testing.T) {
	on := d(2026, 12, 3)
	spells := []Spell{
		{Kind: LongRelative, Birth: d(2012, 1, 1), Start: d(2026, 3, 1), Offer: d(2026, 6, 1)}, // within (1 June = +3 months)
		{Kind: LongRelative, Birth: d(2012, 1, 1), Start: d(2026, 3, 1), Offer: d(2026, 6, 2)}, // too late
		{Kind: Absolute, Birth: d(2012, 1, 1), Start: d(2026, 3, 1)},                           // none
	}
	c, _ := Aggregate(spells, []string{"Lindewaard"}, on)
	tab := Build(c, StandardSpecs()[len(StandardSpecs())-1])
	if tab.ColTotals[0].N != 1 || tab.ColTotals[1].N != 2 {
		t.Errorf("offer columns %v", tab.ColTotals)
	}
}

// region builds a synthetic region of n spells over two gemeenten.
func region(n int, seed uint64) []Spell {
	r := rand.New(rand.NewPCG(seed, 1))
	out := make([]Spell, n)
	for i := range out {
		out[i] = Spell{
			Kind:       Kind(r.IntN(int(numKinds))),
			Gemeente:   r.IntN(2),
			SchoolType: SchoolType(r.IntN(int(numSchoolTypes))),
			Birth:      d(2008+r.IntN(14), 1+r.IntN(12), 1+r.IntN(28)),
			Start:      d(2026, 1+r.IntN(11), 1+r.IntN(28)),
		}
		if r.IntN(2) == 0 {
			out[i].Offer = out[i].Start.AddDays(r.IntN(150))
		}
	}
	return out
}

func TestPrimarySuppressionAndLines(t *testing.T) {
	c, _ := Aggregate(region(300, 7), []string{"Lindewaard", "Oosterveen"}, d(2026, 12, 3))
	p := Publish(c, StandardSpecs(), 5)
	if !p.Checked {
		t.Fatal("audit did not run")
	}
	hidden := 0
	for _, tab := range p.Tables {
		for _, line := range lines(tab) {
			h := 0
			for _, x := range line {
				v := x.v()
				if v.N > 0 && v.N < 5 && !v.Suppressed {
					t.Fatalf("%s: %d shown", tab.Spec.ID, v.N)
				}
				if v.Suppressed {
					h++
				}
			}
			if h == 1 {
				t.Fatalf("%s: a line with exactly one hidden figure", tab.Spec.ID)
			}
			hidden += h
		}
	}
	if hidden == 0 {
		t.Fatal("a region of 300 spells over 720 small cells must hide something; the test proves nothing")
	}
}

// TestAttackerCannotRecoverHiddenCells is the attacker: it takes every figure shown — all tables
// of the publication, the same tables again as a gemeente filter shows them, the CSV and JSON
// exports (the same figures) — writes each as a linear equation over the cube's cells with exact
// rational arithmetic, and tries to solve every hidden figure. None may be determined.
func TestAttackerCannotRecoverHiddenCells(t *testing.T) {
	seeds := []uint64{1, 2, 3, 4}
	if raceOn {
		seeds = seeds[:2]
	}
	for _, seed := range seeds {
		c, _ := Aggregate(region(120+int(seed)*60, seed), []string{"Lindewaard", "Oosterveen"}, d(2026, 12, 3))
		p := Publish(c, StandardSpecs(), 5)
		shown, hidden := 0, 0
		var known [][]*big.Rat
		var secret [][]*big.Rat
		var secretVal []int
		for _, tab := range p.Tables {
			for r := -1; r < len(tab.rowVals); r++ {
				for col := -1; col < len(tab.colVals); col++ {
					vec := exactVector(c, tab.maskOf(r, col))
					if v := tab.value(r, col); v.Suppressed {
						secret = append(secret, vec)
						secretVal = append(secretVal, v.N)
						hidden++
					} else {
						known = append(known, vec)
						shown++
					}
				}
			}
		}
		if hidden == 0 {
			t.Fatalf("seed %d: nothing hidden; the attack proves nothing", seed)
		}
		basis := echelon(known)
		for i, s := range secret {
			if inSpan(basis, s) {
				t.Errorf("seed %d: hidden figure %d (value %d) can be computed from the shown figures", seed, i, secretVal[i])
			}
		}
		t.Logf("seed %d: %d figures shown, %d hidden, none derivable", seed, shown, hidden)
	}
}

// TestAttackerWithoutComplementsWins checks the attacker itself: with only primary suppression
// it must recover hidden cells (otherwise the attack test above could never fail).
func TestAttackerWithoutComplementsWins(t *testing.T) {
	c, _ := Aggregate(region(200, 9), []string{"Lindewaard", "Oosterveen"}, d(2026, 12, 3))
	var known, secret [][]*big.Rat
	for _, s := range StandardSpecs() {
		tab := Build(c, s)
		for r := -1; r < len(tab.rowVals); r++ {
			for col := -1; col < len(tab.colVals); col++ {
				vec := exactVector(c, tab.maskOf(r, col))
				if n := tab.value(r, col).N; n > 0 && n < 5 {
					secret = append(secret, vec)
				} else {
					known = append(known, vec)
				}
			}
		}
	}
	basis := echelon(known)
	found := 0
	for _, s := range secret {
		if inSpan(basis, s) {
			found++
		}
	}
	if found == 0 {
		t.Fatal("the attacker recovers nothing even without complementary suppression: it is too weak to test anything")
	}
}

func exactVector(c *Cube, m mask) []*big.Rat {
	v := make([]*big.Rat, c.cells())
	for i := range v {
		if m.contains(c.coords(i)) {
			v[i] = big.NewRat(1, 1)
		} else {
			v[i] = new(big.Rat)
		}
	}
	return v
}

type exactBasis struct {
	rows   [][]*big.Rat
	pivots []int
}

func echelon(vs [][]*big.Rat) *exactBasis {
	b := &exactBasis{}
	for _, v := range vs {
		w := copyVec(v)
		if p := b.reduce(w); p >= 0 {
			inv := new(big.Rat).Inv(w[p])
			for j := range w {
				w[j].Mul(w[j], inv)
			}
			b.rows = append(b.rows, w)
			b.pivots = append(b.pivots, p)
		}
	}
	return b
}

func (b *exactBasis) reduce(w []*big.Rat) int {
	tmp := new(big.Rat)
	for i, r := range b.rows {
		p := b.pivots[i]
		if w[p].Sign() == 0 {
			continue
		}
		f := new(big.Rat).Set(w[p])
		for j := range w {
			if r[j].Sign() != 0 {
				w[j].Sub(w[j], tmp.Mul(f, r[j]))
			}
		}
	}
	for j := range w {
		if w[j].Sign() != 0 {
			return j
		}
	}
	return -1
}

func inSpan(b *exactBasis, v []*big.Rat) bool { return b.reduce(copyVec(v)) < 0 }

func copyVec(v []*big.Rat) []*big.Rat {
	w := make([]*big.Rat, len(v))
	for i := range v {
		w[i] = new(big.Rat).Set(v[i])
	}
	return w
}
