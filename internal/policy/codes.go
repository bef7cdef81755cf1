package policy

// codeIndex maps the codes of a convenant (parties, roles, categories, purposes, phases) to their
// index. It replaces a Go map on the decision path: a code is hashed from its length and its
// first and last eight bytes (no loop over the string), and the multiplier is chosen when the
// convenant is compiled so that the codes of the table land in separate slots where possible;
// a lookup is then one multiplication and one string comparison. Codes that collide anyway
// are found by linear probing, so the index is always correct.
type codeIndex struct {
	mul   uint64
	shift uint8
	mask  uint32
	slots []codeSlot
}

type codeSlot struct {
	key string
	val int32 // -1: empty
}

// newCodeIndex builds the index of m (code -> index).
func newCodeIndex(m map[string]int) codeIndex {
	bits := uint8(2)
	for 1<<bits < 4*len(m) {
		bits++
	}
	var best codeIndex
	bestProbe := -1
	// Try a few odd multipliers and keep the one with the shortest longest probe.
	seed := uint64(0x9E3779B97F4A7C15)
	for try := 0; try < 64; try++ {
		mul := seed | 1
		seed = seed*6364136223846793005 + 1442695040888963407
		ci := codeIndex{mul: mul, shift: 64 - bits, mask: 1<<bits - 1, slots: make([]codeSlot, 1<<bits)}
		for i := range ci.slots {
			ci.slots[i].val = -1
		}
		longest := 0
		for k, v := range m {
			h := ci.home(k)
			probe := 0
			for ci.slots[h].val >= 0 {
				h = (h + 1) & ci.mask
				probe++
			}
			ci.slots[h] = codeSlot{key: k, val: int32(v)}
			longest = max(longest, probe)
		}
		if bestProbe < 0 || longest < bestProbe {
			best, bestProbe = ci, longest
		}
		if longest == 0 {
			break
		}
	}
	return best
}

// codeHash mixes the length and the first and last (up to) eight bytes of s.
func codeHash(s string) uint64 {
	n := len(s)
	var a, b uint64
	if n >= 8 {
		a = uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 | uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
		t := s[n-8:]
		b = uint64(t[0]) | uint64(t[1])<<8 | uint64(t[2])<<16 | uint64(t[3])<<24 | uint64(t[4])<<32 | uint64(t[5])<<40 | uint64(t[6])<<48 | uint64(t[7])<<56
	} else {
		for i := 0; i < n; i++ {
			a |= uint64(s[i]) << (8 * i)
		}
	}
	return a ^ (b+uint64(n))*0xC2B2AE3D27D4EB4F
}

func (c *codeIndex) home(s string) uint32 { return uint32((codeHash(s) * c.mul) >> c.shift) }

// get returns the index of code s.
func (c *codeIndex) get(s string) (int, bool) {
	if len(c.slots) == 0 {
		return 0, false
	}
	h := c.home(s)
	for {
		sl := &c.slots[h]
		if sl.val < 0 {
			return 0, false
		}
		if sl.key == s {
			return int(sl.val), true
		}
		h = (h + 1) & c.mask
	}
}
