package monitor

// The audit answers the attacker's question exactly: can a hidden figure be computed from the
// shown ones by adding and subtracting? Every figure is a sum of cube cells, so it is a vector
// over the cells; a hidden figure is derivable exactly when its vector lies in the span of the
// shown figures' vectors. The cells number up to tens of thousands, so the vectors are first
// multiplied by one random matrix with as many columns as there are distinct figures. That
// keeps every true relation (a derivable figure stays derivable: projection is linear), and can
// only add false ones, which hide a figure too many — never one too few. Arithmetic is modulo
// the prime 2^31−1; a relation over the rationals survives unless the prime divides one of its
// denominators (minors of 0/1 matrices), which we accept as negligible and say so.

const prime = 2147483647

// audit returns the hidden groups whose figures can be derived from the shown ones.
func audit(c *Cube, groups []*group) []*group {
	D := len(groups) + 8
	vec := make([][]uint64, len(groups))
	for i := range vec {
		vec[i] = make([]uint64, D)
	}
	// For every cube cell, add its random vector to every figure that contains it.
	members := make([]int, 0, 32)
	row := make([]uint64, D)
	for cell := 0; cell < c.cells(); cell++ {
		k := c.coords(cell)
		members = members[:0]
		for gi, g := range groups {
			if g.m.contains(k) {
				members = append(members, gi)
			}
		}
		if len(members) == 0 {
			continue
		}
		seed := uint64(cell)*0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019
		for j := range row {
			seed = splitmix(seed)
			row[j] = seed % prime
		}
		for _, gi := range members {
			v := vec[gi]
			for j, x := range row {
				v[j] += x
				if v[j] >= prime {
					v[j] -= prime
				}
			}
		}
	}
	// The basis of the shown figures, in echelon form.
	var basis [][]uint64
	var pivots []int
	reduce := func(v []uint64) int {
		for bi, b := range basis {
			p := pivots[bi]
			if v[p] == 0 {
				continue
			}
			f := v[p] // b[p] == 1
			for j := p; j < D; j++ {
				v[j] = (v[j] + prime - f*b[j]%prime) % prime
			}
		}
		for j := range v {
			if v[j] != 0 {
				return j
			}
		}
		return -1
	}
	for gi, g := range groups {
		if g.suppressed() {
			continue
		}
		v := append([]uint64(nil), vec[gi]...)
		p := reduce(v)
		if p < 0 {
			continue
		}
		inv := modInverse(v[p])
		for j := p; j < D; j++ {
			v[j] = v[j] * inv % prime
		}
		basis = append(basis, v)
		pivots = append(pivots, p)
	}
	var out []*group
	for gi, g := range groups {
		if !g.suppressed() {
			continue
		}
		v := append([]uint64(nil), vec[gi]...)
		if reduce(v) < 0 {
			out = append(out, g)
		}
	}
	return out
}

func splitmix(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	z := x
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

func modInverse(a uint64) uint64 {
	// Fermat: a^(p-2) mod p.
	result, base, e := uint64(1), a%prime, uint64(prime-2)
	for e > 0 {
		if e&1 == 1 {
			result = result * base % prime
		}
		base = base * base % prime
		e >>= 1
	}
	return result
}
