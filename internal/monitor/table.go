package monitor

import "github.com/grondslag/grondslag/internal/civil"

// mask selects values of each dimension: bit v of mask[d] set means value v of dimension d is
// included. A published figure is the sum of the cube's cells inside its mask, so two figures
// with the same mask are the same figure, wherever they are shown.
type mask [numDims]uint64

func fullMask(c *Cube) mask {
	var m mask
	for d := Dim(0); d < numDims; d++ {
		m[d] = 1<<uint(c.Size(d)) - 1
	}
	return m
}

func (m mask) contains(k [numDims]int) bool {
	for d := Dim(0); d < numDims; d++ {
		if m[d]&(1<<uint(k[d])) == 0 {
			return false
		}
	}
	return true
}

// Spec describes one published table: the cells it counts (Kinds, and optionally only some
// durations or offer statuses), what its rows and columns are, and the definition it uses.
type Spec struct {
	ID         string
	Title      string
	Definition string // key into Definitions
	Kinds      []Kind
	Durations  []Duration    // nil: all
	Offers     []OfferStatus // nil: all
	Row, Col   Dim
}

// Value is one figure; Suppressed figures are shown as "<5" (or the region's threshold).
type Value struct {
	N          int  `json:"aantal"`
	Suppressed bool `json:"onderdrukt"`
}

// Table is a published table with its totals.
type Table struct {
	Spec      Spec
	Peildatum civil.Date
	RowLabels []string
	ColLabels []string
	Cells     [][]Value
	RowTotals []Value
	ColTotals []Value
	Total     Value

	rowVals, colVals []int // the dimension values behind each row and column
	base             mask
}

// Build sums the cube into the table of spec.
func Build(c *Cube, spec Spec) *Table {
	t := &Table{Spec: spec, Peildatum: c.Peildatum}
	t.base = fullMask(c)
	t.base[DimKind] = 0
	for _, k := range spec.Kinds {
		t.base[DimKind] |= 1 << uint(k)
	}
	if spec.Durations != nil {
		t.base[DimDuration] = 0
		for _, d := range spec.Durations {
			t.base[DimDuration] |= 1 << uint(d)
		}
	}
	if spec.Offers != nil {
		t.base[DimOffer] = 0
		for _, o := range spec.Offers {
			t.base[DimOffer] |= 1 << uint(o)
		}
	}
	for v := 0; v < c.Size(spec.Row); v++ {
		if t.base[spec.Row]&(1<<uint(v)) != 0 {
			t.rowVals = append(t.rowVals, v)
			t.RowLabels = append(t.RowLabels, c.labels[spec.Row][v])
		}
	}
	for v := 0; v < c.Size(spec.Col); v++ {
		if t.base[spec.Col]&(1<<uint(v)) != 0 {
			t.colVals = append(t.colVals, v)
			t.ColLabels = append(t.ColLabels, c.labels[spec.Col][v])
		}
	}
	t.Cells = make([][]Value, len(t.rowVals))
	for r := range t.Cells {
		t.Cells[r] = make([]Value, len(t.colVals))
	}
	t.RowTotals = make([]Value, len(t.rowVals))
	t.ColTotals = make([]Value, len(t.colVals))
	rowIdx := make(map[int]int, len(t.rowVals))
	for i, v := range t.rowVals {
		rowIdx[v] = i
	}
	colIdx := make(map[int]int, len(t.colVals))
	for i, v := range t.colVals {
		colIdx[v] = i
	}
	for i, n := range c.counts {
		if n == 0 {
			continue
		}
		k := c.coords(i)
		if !t.base.contains(k) {
			continue
		}
		r, c := rowIdx[k[spec.Row]], colIdx[k[spec.Col]]
		t.Cells[r][c].N += int(n)
		t.RowTotals[r].N += int(n)
		t.ColTotals[c].N += int(n)
		t.Total.N += int(n)
	}
	return t
}

// maskOf is the set of cube cells behind the figure at (r, c); r == -1 is the column-total
// row, c == -1 the row-total column.
func (t *Table) maskOf(r, c int) mask {
	m := t.base
	if r >= 0 {
		m[t.Spec.Row] = 1 << uint(t.rowVals[r])
	}
	if c >= 0 {
		m[t.Spec.Col] = 1 << uint(t.colVals[c])
	}
	return m
}

// value returns a pointer to the figure at (r, c) with the same convention as maskOf.
func (t *Table) value(r, c int) *Value {
	switch {
	case r >= 0 && c >= 0:
		return &t.Cells[r][c]
	case r >= 0:
		return &t.RowTotals[r]
	case c >= 0:
		return &t.ColTotals[c]
	}
	return &t.Total
}

// Publication is every table published for one reference date: they are suppressed together,
// because an attacker combines them.
type Publication struct {
	Peildatum civil.Date
	Threshold int
	Tables    []*Table
	// Checked tells whether the exact audit ran (it always does below MaxAuditCells cells).
	Checked bool
}

// StandardSpecs are the tables the SWV, the gemeente and the directeur see: for each kind, by
// gemeente, school type and age band against duration; a summary of all kinds; and the
// Thuiszitterspact's question — thuiszitters longer than 3 months with and without an offer
// within 3 months — per gemeente.
func StandardSpecs() []Spec {
	var out []Spec
	out = append(out, Spec{ID: "overzicht", Title: "Alle soorten naar duur", Definition: "overzicht",
		Kinds: Kinds(), Row: DimKind, Col: DimDuration})
	for _, k := range Kinds() {
		for _, row := range []Dim{DimGemeente, DimSchoolType, DimAge} {
			out = append(out, Spec{
				ID:    k.Code() + "-" + row.String(),
				Title: k.Name() + " naar " + row.String() + " en duur", Definition: k.Code(),
				Kinds: []Kind{k}, Row: row, Col: DimDuration,
			})
		}
	}
	out = append(out, Spec{ID: "aanbod-gemeente", Title: "Thuiszitters langer dan 3 maanden: aanbod binnen 3 maanden, naar gemeente",
		Definition: "aanbod", Kinds: []Kind{LongRelative, Absolute}, Durations: []Duration{OverThreeMonths},
		Offers: []OfferStatus{OfferWithin, OfferNone}, Row: DimGemeente, Col: DimOffer})
	return out
}

// Publish builds the tables of specs from the cube and suppresses them together.
func Publish(c *Cube, specs []Spec, threshold int) *Publication {
	p := &Publication{Peildatum: c.Peildatum, Threshold: threshold}
	for _, s := range specs {
		p.Tables = append(p.Tables, Build(c, s))
	}
	p.Checked = suppress(c, p.Tables, threshold)
	return p
}

// Table returns the table with id, or nil.
func (p *Publication) Table(id string) *Table {
	for _, t := range p.Tables {
		if t.Spec.ID == id {
			return t
		}
	}
	return nil
}
