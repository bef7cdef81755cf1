package monitor

import "sort"

// ref points at one figure in one table (see Table.maskOf for the r, c convention).
type ref struct {
	t    *Table
	r, c int
}

func (x ref) v() *Value { return x.t.value(x.r, x.c) }

// group is one figure wherever it is shown: every ref with the same mask.
type group struct {
	m    mask
	refs []ref
	n    int
}

func (g *group) suppressed() bool { return g.refs[0].v().Suppressed }

func (g *group) hide() bool {
	if g.suppressed() {
		return false
	}
	for _, x := range g.refs {
		x.v().Suppressed = true
	}
	return true
}

// suppress hides every figure below threshold k (primary suppression) and then as many others as
// needed until no hidden figure can be derived from the shown ones: each line of a table has no
// hidden figure or at least two; a figure shown in several tables is hidden in all or none; and
// the exact audit (audit.go) finds no hidden figure in the span of the shown ones. It returns
// whether the audit ran (always, see audit).
func suppress(c *Cube, tables []*Table, k int) bool {
	if k < 1 {
		k = 1
	}
	groups, byRef := groupFigures(tables)
	for _, g := range groups {
		if g.n > 0 && g.n < k {
			g.hide()
		}
	}
	var vec [][]uint64 // projected once, on the first audit
	for {
		changed := false
		for _, t := range tables {
			for _, line := range lines(t) {
				hidden := 0
				for _, x := range line {
					if x.v().Suppressed {
						hidden++
					}
				}
				if hidden == 1 {
					if x, ok := smallestShown(line); ok {
						byRef[x].hide()
						changed = true
					}
				}
			}
		}
		if changed {
			continue
		}
		if vec == nil {
			vec = project(c, tables, groups, byRef)
		}
		derivable := audit(groups, vec)
		for _, g := range derivable {
			if complement(g, groups, byRef) {
				changed = true
			}
		}
		if !changed {
			return true
		}
	}
}

func groupFigures(tables []*Table) ([]*group, map[ref]*group) {
	byMask := map[mask]*group{}
	byRef := map[ref]*group{}
	var out []*group
	for _, t := range tables {
		for r := -1; r < len(t.rowVals); r++ {
			for c := -1; c < len(t.colVals); c++ {
				x := ref{t, r, c}
				m := t.maskOf(r, c)
				g := byMask[m]
				if g == nil {
					g = &group{m: m, n: x.v().N}
					byMask[m] = g
					out = append(out, g)
				}
				g.refs = append(g.refs, x)
				byRef[x] = g
			}
		}
	}
	return out, byRef
}

// lines are the additive relations of a table: each row with its total, each column with its
// total, the column totals with the grand total, the row totals with the grand total.
func lines(t *Table) [][]ref {
	var out [][]ref
	R, C := len(t.rowVals), len(t.colVals)
	for r := 0; r < R; r++ {
		line := []ref{{t, r, -1}}
		for c := 0; c < C; c++ {
			line = append(line, ref{t, r, c})
		}
		out = append(out, line)
	}
	for c := 0; c < C; c++ {
		line := []ref{{t, -1, c}}
		for r := 0; r < R; r++ {
			line = append(line, ref{t, r, c})
		}
		out = append(out, line)
	}
	tot := []ref{{t, -1, -1}}
	for c := 0; c < C; c++ {
		tot = append(tot, ref{t, -1, c})
	}
	out = append(out, tot)
	tot = []ref{{t, -1, -1}}
	for r := 0; r < R; r++ {
		tot = append(tot, ref{t, r, -1})
	}
	return append(out, tot)
}

// smallestShown picks the complement: the smallest shown figure, preferring cells over totals
// and a count of at least one over a zero (hiding a zero hides little).
func smallestShown(line []ref) (ref, bool) {
	var cand []ref
	for _, x := range line {
		if !x.v().Suppressed {
			cand = append(cand, x)
		}
	}
	if len(cand) == 0 {
		return ref{}, false
	}
	sort.SliceStable(cand, func(i, j int) bool { return worse(cand[i], cand[j]) })
	return cand[0], true
}

// worse orders complement candidates: interior first, then non-zero before zero, then small.
func worse(a, b ref) bool {
	ai, bi := a.r >= 0 && a.c >= 0, b.r >= 0 && b.c >= 0
	if ai != bi {
		return ai
	}
	an, bn := a.v().N, b.v().N
	if (an == 0) != (bn == 0) {
		return an != 0
	}
	return an < bn
}

// complement hides one more figure next to the derivable group g: the best shown figure on a
// line through g; failing that, the smallest shown figure whose cells overlap g's.
func complement(g *group, groups []*group, byRef map[ref]*group) bool {
	var cand []ref
	for _, x := range g.refs {
		for _, line := range lines(x.t) {
			on := false
			for _, y := range line {
				if y == x {
					on = true
					break
				}
			}
			if !on {
				continue
			}
			if y, ok := smallestShown(line); ok {
				cand = append(cand, y)
			}
		}
	}
	if len(cand) > 0 {
		sort.SliceStable(cand, func(i, j int) bool { return worse(cand[i], cand[j]) })
		return byRef[cand[0]].hide()
	}
	var best *group
	for _, h := range groups {
		if h.suppressed() || !overlaps(h.m, g.m) {
			continue
		}
		if best == nil || h.n < best.n {
			best = h
		}
	}
	return best != nil && best.hide()
}

func overlaps(a, b mask) bool {
	for d := range a {
		if a[d]&b[d] == 0 {
			return false
		}
	}
	return true
}
