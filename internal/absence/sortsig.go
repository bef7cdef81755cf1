package absence

import (
	"slices"
	"sync"
)

// kindRank orders the kinds as their codes compare (the order of compareSignals), by kindIndex.
var kindRank = sync.OnceValue(func() [nKinds]uint64 {
	ks := Kinds()
	slices.Sort(ks)
	var r [nKinds]uint64
	for i, k := range ks {
		r[kindIndex(k)] = uint64(i)
	}
	return r
})

// signalKey packs From, Kind and To of a signal (all in range) so that keys compare as
// compareSignals does on those fields; ok is false for dates out of range.
func signalKey(s *Signal, rank *[nKinds]uint64) (key uint64, ok bool) {
	if s.From < MinDate || s.From > MaxDate || s.To < MinDate || s.To > MaxDate {
		return 0, false
	}
	return uint64(s.From-MinDate)<<24 | rank[kindIndex(s.Kind)]<<16 | uint64(s.To-MinDate), true
}

// sigOrder is scratch space for appendSorted.
type sigOrder struct {
	keys []uint64
	idx  []int32
}

// appendSorted appends one pupil's signals to dst in the order of compareSignals, moving each
// signal once: the order is found on packed keys (From, Kind, To) and only ties, which differ
// in their source text, are compared in full. Signals are large and hold pointers, so sorting
// them in place (as slices.SortFunc does) cost a fifth of an evaluation.
func (o *sigOrder) appendSorted(dst, sigs []Signal) []Signal {
	if len(sigs) < 2 {
		return append(dst, sigs...)
	}
	rank := kindRank()
	o.keys, o.idx = o.keys[:0], o.idx[:0]
	for i := range sigs {
		k, ok := signalKey(&sigs[i], &rank)
		if !ok {
			// Out-of-range dates cannot be packed: sort the signals themselves.
			slices.SortFunc(sigs, compareSignals)
			return append(dst, sigs...)
		}
		o.keys = append(o.keys, k)
		o.idx = append(o.idx, int32(i))
	}
	less := func(a, b int32) bool {
		if o.keys[a] != o.keys[b] {
			return o.keys[a] < o.keys[b]
		}
		return compareSignals(sigs[a], sigs[b]) < 0
	}
	idx := o.idx
	if len(idx) <= 32 {
		for i := 1; i < len(idx); i++ {
			x := idx[i]
			j := i
			for j > 0 && less(x, idx[j-1]) {
				idx[j] = idx[j-1]
				j--
			}
			idx[j] = x
		}
	} else {
		slices.SortStableFunc(idx, func(a, b int32) int {
			switch {
			case less(a, b):
				return -1
			case less(b, a):
				return 1
			}
			return 0
		})
	}
	for _, i := range idx {
		dst = append(dst, sigs[i])
	}
	return dst
}
