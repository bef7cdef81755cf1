package absence

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestAppendSortedMatchesCompareSignals: the packed-key order is compareSignals' order, ties on
// From, Kind and To (differing sources) and dates out of range included, for short and long lists.
func TestAppendSortedMatchesCompareSignals(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	var o sigOrder
	kinds := Kinds()
	for round := range 3000 {
		n := rng.IntN(6)
		if round%10 == 0 {
			n = 30 + rng.IntN(40)
		}
		var sigs []Signal
		for range n {
			from := NewDate(2025, 9, 1) + Date(rng.IntN(20))
			s := Signal{Pupil: "L1", Kind: kinds[rng.IntN(len(kinds))], From: from, To: from + Date(rng.IntN(3)), Source: []string{"b", "a", "c"}[rng.IntN(3)], Hours: Hours(rng.IntN(1000))}
			if round%97 == 0 && rng.IntN(4) == 0 {
				s.From = MinDate - 1
			}
			sigs = append(sigs, s)
		}
		want := slices.Clone(sigs)
		slices.SortStableFunc(want, compareSignals)
		got := o.appendSorted([]Signal{{Pupil: "voor"}}, slices.Clone(sigs))
		if got[0].Pupil != "voor" {
			t.Fatal("appendSorted overwrote dst")
		}
		got = got[1:]
		for i := range got {
			if compareSignals(got[i], want[i]) != 0 {
				t.Fatalf("round %d: position %d: got %+v, want %+v", round, i, got[i], want[i])
			}
		}
		if len(got) != len(want) {
			t.Fatalf("round %d: %d signals, want %d", round, len(got), len(want))
		}
	}
}
