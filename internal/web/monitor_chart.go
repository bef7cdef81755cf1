package web

import (
	"fmt"
	"html"
	"html/template"
	"strings"

	"github.com/grondslag/grondslag/internal/monitor"
)

// The monitor's charts are SVG drawn on the server: no script, readable by a screen reader
// (role="img" with a title and a description that says the figures are in the table beside
// it). A hidden figure gets no bar at all — a bar's length would give the number away — but
// the label "<5".

const (
	chartWidth = 640
	barHeight  = 28
	labelWidth = 230
)

// kindChart draws the number per kind on the reference date as horizontal bars.
func kindChart(pub *monitor.Publication) template.HTML {
	ov := pub.Table("overzicht")
	if ov == nil {
		return ""
	}
	max := 0
	for _, v := range ov.RowTotals {
		if !v.Suppressed && v.N > max {
			max = v.N
		}
	}
	h := barHeight*len(ov.RowTotals) + 10
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="grafiek" role="img" aria-labelledby="gk-titel gk-desc" viewBox="0 0 %d %d" width="100%%" preserveAspectRatio="xMinYMin meet">`, chartWidth, h)
	fmt.Fprintf(&b, `<title id="gk-titel">Aantal per soort op %s</title>`, html.EscapeString(pub.Peildatum.Dutch()))
	b.WriteString(`<desc id="gk-desc">Staafdiagram; dezelfde aantallen staan in de tabel eronder. Verborgen aantallen hebben geen staaf.</desc>`)
	for i, v := range ov.RowTotals {
		y := 5 + i*barHeight
		fmt.Fprintf(&b, `<text x="0" y="%d" font-size="14" fill="#1a1a1a">%s</text>`, y+18, html.EscapeString(ov.RowLabels[i]))
		shown := pub.Shown(v)
		if v.Suppressed || max == 0 {
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="14" fill="#1a1a1a">%s</text>`, labelWidth, y+18, html.EscapeString(shown))
			continue
		}
		w := (chartWidth - labelWidth - 60) * v.N / max
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="#154273"/>`, labelWidth, y+4, w, barHeight-10)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="14" fill="#1a1a1a">%s</text>`, labelWidth+w+6, y+18, html.EscapeString(shown))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// trendChart draws the thuiszitters per quarter as vertical bars.
func trendChart(pub *monitor.Publication, points []monitor.Point) template.HTML {
	if len(points) == 0 {
		return ""
	}
	max := 0
	for _, p := range points {
		if !p.Thuiszitters.Suppressed && p.Thuiszitters.N > max {
			max = p.Thuiszitters.N
		}
	}
	const height, base = 220, 190
	step := (chartWidth - 20) / len(points)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="grafiek" role="img" aria-labelledby="gt-titel gt-desc" viewBox="0 0 %d %d" width="100%%" preserveAspectRatio="xMinYMin meet">`, chartWidth, height)
	b.WriteString(`<title id="gt-titel">Thuiszitters per kwartaal</title>`)
	b.WriteString(`<desc id="gt-desc">Staafdiagram van langdurig relatief en absoluut verzuim samen op de laatste dag van elk kwartaal; dezelfde aantallen staan in de tabel eronder. Verborgen aantallen hebben geen staaf.</desc>`)
	fmt.Fprintf(&b, `<line x1="10" y1="%d" x2="%d" y2="%d" stroke="#1a1a1a"/>`, base, chartWidth-10, base)
	for i, p := range points {
		x := 10 + i*step
		mid := x + step/2
		shown := pub.Shown(p.Thuiszitters)
		top := base - 4
		if !p.Thuiszitters.Suppressed && max > 0 {
			hgt := (base - 40) * p.Thuiszitters.N / max
			top = base - hgt
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="#154273"/>`, x+step/5, top, step*3/5, hgt)
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="13" text-anchor="middle" fill="#1a1a1a">%s</text>`, mid, top-6, html.EscapeString(shown))
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" text-anchor="middle" fill="#1a1a1a">%s</text>`, mid, base+18, html.EscapeString(p.Kwartaal))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
