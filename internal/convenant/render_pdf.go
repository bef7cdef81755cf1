package convenant

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
)

// FormatPDF renders the readable convenant (or one party's register) as an A4 PDF with the
// same blocks as the Markdown and HTML text, for signing and archiving.
const FormatPDF = "pdf"

// writePDF lays the document out on A4: headings, paragraphs, lists, notes, and tables as
// label–value lines per row (the tables are too wide for a portrait page). The output is
// deterministic for the same document (fixed creation date, sorted catalog).
func writePDF(w io.Writer, d *docb) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(20, 18, 20)
	pdf.SetAutoPageBreak(true, 20)
	pdf.SetTitle(d.title, true)
	pdf.SetCreator("Grondslag", true)
	pdf.SetCreationDate(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	pdf.SetModificationDate(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) // unset, fpdf writes the clock: not deterministic
	pdf.SetCatalogSort(true)
	tr := pdf.UnicodeTranslatorFromDescriptor("") // UTF-8 to the core fonts' cp1252
	pdf.SetFooterFunc(func() {
		pdf.SetY(-14)
		pdf.SetFont("Helvetica", "", 8)
		pdf.CellFormat(0, 5, tr(fmt.Sprintf("%s · pagina %d", d.title, pdf.PageNo())), "T", 0, "L", false, 0, "")
	})
	pdf.AddPage()
	text := func(style string, size, line float64, s string) {
		pdf.SetFont("Helvetica", style, size)
		pdf.MultiCell(0, line, tr(plainText(s)), "", "L", false)
	}
	for _, bl := range d.blocks {
		switch bl.kind {
		case bHeading:
			size := map[int]float64{1: 16, 2: 13, 3: 11.5, 4: 10.5}[bl.level]
			if size == 0 {
				size = 10.5
			}
			pdf.Ln(2)
			text("B", size, size/2+1, bl.text)
			pdf.Ln(1)
		case bPara:
			text("", 10, 5, bl.text)
			pdf.Ln(1.5)
		case bNote:
			pdf.SetFillColor(240, 240, 240)
			pdf.SetFont("Helvetica", "I", 10)
			pdf.MultiCell(0, 5, tr(plainText(bl.text)), "L", "L", true)
			pdf.Ln(1.5)
		case bList, bOList:
			for i, it := range bl.items {
				mark := "•"
				if bl.kind == bOList {
					mark = fmt.Sprintf("%d.", i+1)
				}
				pdf.SetX(24)
				text("", 10, 5, mark+"  "+it)
			}
			pdf.Ln(1.5)
		case bTable:
			for _, row := range bl.rows {
				for j, cell := range row {
					if cell == "" || cell == "—" {
						continue
					}
					label := ""
					if j < len(bl.head) {
						label = bl.head[j] + ": "
					}
					pdf.SetFont("Helvetica", "B", 9)
					pdf.Write(4.5, tr(label))
					pdf.SetFont("Helvetica", "", 9)
					pdf.Write(4.5, tr(plainText(cell)))
					pdf.Ln(4.8)
				}
				pdf.Ln(2)
			}
		}
	}
	return pdf.Output(w)
}

// plainText drops the Markdown emphasis the blocks may carry.
func plainText(s string) string { return strings.NewReplacer("**", "", "`", "").Replace(s) }
