package monitor

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Shown is how a figure reads: the number, or "<k" when it is suppressed. Hidden figures never
// leave this package as numbers.
func (p *Publication) Shown(v Value) string {
	if v.Suppressed {
		return "<" + strconv.Itoa(p.Threshold)
	}
	return strconv.Itoa(v.N)
}

// Grid is a table as rows of text: header, body rows with their total, the total row. It is
// what every export and page shows, so they cannot differ.
func (p *Publication) Grid(t *Table) [][]string {
	head := append([]string{t.Spec.Row.String()}, t.ColLabels...)
	head = append(head, "totaal")
	out := [][]string{head}
	for r, label := range t.RowLabels {
		row := []string{label}
		for _, v := range t.Cells[r] {
			row = append(row, p.Shown(v))
		}
		out = append(out, append(row, p.Shown(t.RowTotals[r])))
	}
	tot := []string{"totaal"}
	for _, v := range t.ColTotals {
		tot = append(tot, p.Shown(v))
	}
	return append(out, append(tot, p.Shown(t.Total)))
}

// WriteCSV writes every table for Dutch Excel: UTF-8 with BOM, ';' between fields, each table
// preceded by its title, definition, source and reference date.
func (p *Publication) WriteCSV(w io.Writer) error {
	var b strings.Builder
	b.WriteString("\ufeff")
	row := func(fields ...string) {
		for i, f := range fields {
			if i > 0 {
				b.WriteByte(';')
			}
			b.WriteString(csvField(f))
		}
		b.WriteString("\r\n")
	}
	row("Peildatum", p.Peildatum.Numeric())
	row("Onderdrukking", fmt.Sprintf("aantallen onder %d als \"<%d\", en zo veel andere dat ze niet terug te rekenen zijn", p.Threshold, p.Threshold))
	row("Let op", Dispute)
	for _, t := range p.Tables {
		def := Definitions[t.Spec.Definition]
		row()
		row("Tabel", t.Spec.Title)
		row("Definitie", def.Text)
		row("Bron", def.Source)
		for _, r := range p.Grid(t) {
			row(r...)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func csvField(s string) string {
	if strings.ContainsAny(s, ";\"\r\n") || strings.HasPrefix(s, "=") || strings.HasPrefix(s, "+") ||
		strings.HasPrefix(s, "-") || strings.HasPrefix(s, "@") {
		// Quote, and defuse formula injection in Excel.
		if strings.ContainsAny(s[:1], "=+-@") {
			s = "'" + s
		}
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

// jsonTable is the JSON form of a table: figures as text ("<5" when hidden), never the number
// behind a hidden one.
type jsonTable struct {
	ID         string     `json:"id"`
	Titel      string     `json:"titel"`
	Definitie  Definition `json:"definitie"`
	Peildatum  string     `json:"peildatum"`
	Rijen      string     `json:"rijen"`
	Kolommen   []string   `json:"kolommen"`
	Regels     []jsonRow  `json:"regels"`
	Totaalrij  []string   `json:"totaalrij"`
	Onderdrukt int        `json:"aantalOnderdrukt"`
}

type jsonRow struct {
	Label   string   `json:"label"`
	Waarden []string `json:"waarden"`
	Totaal  string   `json:"totaal"`
}

// WriteJSON writes every table as JSON.
func (p *Publication) WriteJSON(w io.Writer) error {
	out := struct {
		Peildatum string      `json:"peildatum"`
		Drempel   int         `json:"drempel"`
		LetOp     string      `json:"letOp"`
		Tabellen  []jsonTable `json:"tabellen"`
	}{Peildatum: p.Peildatum.String(), Drempel: p.Threshold, LetOp: Dispute}
	for _, t := range p.Tables {
		g := p.Grid(t)
		jt := jsonTable{ID: t.Spec.ID, Titel: t.Spec.Title, Definitie: Definitions[t.Spec.Definition],
			Peildatum: p.Peildatum.String(), Rijen: t.Spec.Row.String(), Kolommen: g[0][1 : len(g[0])-1]}
		for _, r := range g[1 : len(g)-1] {
			jt.Regels = append(jt.Regels, jsonRow{Label: r[0], Waarden: r[1 : len(r)-1], Totaal: r[len(r)-1]})
		}
		jt.Totaalrij = g[len(g)-1][1:]
		for _, row := range g[1:] {
			for _, f := range row[1:] {
				if strings.HasPrefix(f, "<") {
					jt.Onderdrukt++
				}
			}
		}
		out.Tabellen = append(out.Tabellen, jt)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// WriteXLSX writes every table as a sheet of an Office Open XML workbook (what Excel opens),
// with the definition above each table. Numbers are numbers; hidden figures are text "<5".
func (p *Publication) WriteXLSX(w io.Writer) error {
	var sheets [][][]string
	var names []string
	for i, t := range p.Tables {
		def := Definitions[t.Spec.Definition]
		rows := [][]string{{t.Spec.Title}, {"Definitie", def.Text}, {"Bron", def.Source},
			{"Peildatum", p.Peildatum.Numeric()}, {}}
		rows = append(rows, p.Grid(t)...)
		sheets = append(sheets, rows)
		names = append(names, sheetName(i, t.Spec.ID))
	}
	return writeXLSX(w, names, sheets)
}

func sheetName(i int, id string) string {
	n := fmt.Sprintf("%d %s", i+1, id)
	if len(n) > 31 {
		n = n[:31]
	}
	return n
}

func writeXLSX(w io.Writer, names []string, sheets [][][]string) error {
	z := zip.NewWriter(w)
	put := func(name, body string) error {
		f, err := z.Create(name)
		if err != nil {
			return err
		}
		_, err = io.WriteString(f, body)
		return err
	}
	var ct, wb, rels strings.Builder
	ct.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`)
	wb.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>`)
	rels.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for i, name := range names {
		n := i + 1
		fmt.Fprintf(&ct, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, n)
		fmt.Fprintf(&wb, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, xmlEscape(name), n, n)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, n, n)
	}
	ct.WriteString(`</Types>`)
	wb.WriteString(`</sheets></workbook>`)
	rels.WriteString(`</Relationships>`)
	if err := put("[Content_Types].xml", ct.String()); err != nil {
		return err
	}
	if err := put("_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`); err != nil {
		return err
	}
	if err := put("xl/workbook.xml", wb.String()); err != nil {
		return err
	}
	if err := put("xl/_rels/workbook.xml.rels", rels.String()); err != nil {
		return err
	}
	for i, rows := range sheets {
		var s strings.Builder
		s.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
		for r, row := range rows {
			fmt.Fprintf(&s, `<row r="%d">`, r+1)
			for c, v := range row {
				ref := colName(c) + strconv.Itoa(r+1)
				if _, err := strconv.Atoi(v); err == nil && v != "" {
					fmt.Fprintf(&s, `<c r="%s"><v>%s</v></c>`, ref, v)
				} else {
					fmt.Fprintf(&s, `<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, xmlEscape(v))
				}
			}
			s.WriteString(`</row>`)
		}
		s.WriteString(`</sheetData></worksheet>`)
		if err := put(fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1), s.String()); err != nil {
			return err
		}
	}
	return z.Close()
}

func colName(c int) string {
	s := ""
	for c++; c > 0; c = (c - 1) / 26 {
		s = string(rune('A'+(c-1)%26)) + s
	}
	return s
}

func xmlEscape(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	return r.Replace(s)
}
