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

// project computes every figure's projected vector once: for every cube cell inside some
// table, its random vector is added to each distinct figure that contains the cell (found
// through the tables, not by testing every figure).
func project(c *Cube, tables []*Table, groups []*group, byRef map[ref]*group) [][]uint64 {
	D := len(groups) + 8
	index := make(map[*group]int, len(groups))
	for i, g := range groups {
		index[g] = i
	}
	vec := make([][]uint64, len(groups))
	for i := range vec {
		vec[i] = make([]uint64, D)
	}
	type lookup struct{ row, col map[int]int }
	lk := make([]lookup, len(tables))
	for ti, t := range tables {
		lk[ti] = lookup{map[int]int{}, map[int]int{}}
		for i, v := range t.rowVals {
			lk[ti].row[v] = i
		}
		for i, v := range t.colVals {
			lk[ti].col[v] = i
		}
	}
	members := make([]int, 0, 64)
	seen := make([]bool, len(groups))
	row := make([]uint64, D)
	for cell := 0; cell < c.cells(); cell++ {
		k := c.coords(cell)
		members = members[:0]
		for ti, t := range tables {
			if !t.base.contains(k) {
				continue
			}
			r, col := lk[ti].row[k[t.Spec.Row]], lk[ti].col[k[t.Spec.Col]]
			for _, x := range [4]ref{{t, r, col}, {t, r, -1}, {t, -1, col}, {t, -1, -1}} {
				gi := index[byRef[x]]
				if !seen[gi] {
					seen[gi] = true
					members = append(members, gi)
				}
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
			seen[gi] = false
			v := vec[gi]
			for j, x := range row {
				v[j] += x // below 2^31 each; the sum of all cells stays far below 2^64
			}
		}
	}
	for _, v := range vec {
		for j := range v {
			v[j] %= prime
		}
	}
	return vec
}

// audit returns the hidden groups whose figures can be derived from the shown ones; vec holds
// the groups' projected vectors (project).
func audit(groups []*group, vec [][]uint64) []*group {
	if len(vec) == 0 {
		return nil
	}
	D := len(vec[0])
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
				if b[j] == 0 {
					continue
				}
				x := v[j] + prime - f*b[j]%prime
				if x >= prime {
					x -= prime
				}
				v[j] = x
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
