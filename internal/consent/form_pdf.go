package consent

import (
	"bytes"
	"errors"
	"time"

	"github.com/go-pdf/fpdf"
)

// PDF renders the form as a printable A4 PDF with the same wording as Text (the hash covers the
// wording, not the layout). The output is deterministic for the same form.
func (f Form) PDF() ([]byte, error) {
	fd := f.data
	if fd.Ref == "" {
		return nil, errors.New("formulier is niet met RenderForm gemaakt")
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(20, 18, 20)
	pdf.SetAutoPageBreak(true, 20)
	pdf.SetTitle("Toestemming voor het delen van gegevens", true)
	pdf.SetCreator("Grondslag", true)
	pdf.SetCreationDate(time.Date(fd.date.Year, fd.date.Month, fd.date.Day, 12, 0, 0, 0, time.UTC))
	pdf.SetModificationDate(time.Date(fd.date.Year, fd.date.Month, fd.date.Day, 12, 0, 0, 0, time.UTC)) // unset, fpdf writes the clock: not deterministic
	pdf.SetCatalogSort(true)
	tr := pdf.UnicodeTranslatorFromDescriptor("") // UTF-8 to the core fonts' cp1252
	pdf.SetFooterFunc(func() {
		pdf.SetY(-14)
		pdf.SetFont("Helvetica", "", 8)
		pdf.CellFormat(0, 5, tr("Formulierversie "+fd.Version+" · kenmerk "+fd.Ref+" · "+fd.KeepCopy), "T", 0, "L", false, 0, "")
	})
	pdf.AddPage()
	para := func(s string) {
		pdf.SetFont("Helvetica", "", 11)
		pdf.MultiCell(0, 5.5, tr(s), "", "L", false)
		pdf.Ln(1)
	}
	heading := func(s string) {
		pdf.Ln(2)
		pdf.SetFont("Helvetica", "B", 12)
		pdf.MultiCell(0, 6, tr(s), "", "L", false)
	}
	bullet := func(s string) {
		pdf.SetFont("Helvetica", "", 11)
		pdf.SetX(24)
		pdf.MultiCell(0, 5.5, tr("•  "+s), "", "L", false)
	}
	pdf.SetFont("Helvetica", "B", 16)
	pdf.MultiCell(0, 8, tr("Toestemming voor het delen van gegevens"), "", "L", false)
	para("Van: " + fd.Organisation)
	para("Over: " + fd.Pupil + ", geboren op " + fd.Birth)
	para("Datum: " + fd.Date)
	for _, sec := range fd.Sections {
		heading(sec.Title)
		for _, p := range sec.Before {
			para(p)
		}
		for _, it := range sec.Items {
			text := it.Text
			if it.Special {
				text += " (extra beschermd gegeven)"
			}
			if sec.Title == "Met wie?" {
				// A tick box per recipient: the signer may consent to fewer recipients than asked
				// (a consent covers less than the form, never more).
				pdf.SetFont("Helvetica", "", 11)
				y := pdf.GetY()
				pdf.Rect(24, y+1, 4, 4, "D")
				pdf.SetX(31)
				pdf.MultiCell(0, 5.5, tr(text), "", "L", false)
				continue
			}
			bullet(text)
		}
		for _, p := range sec.After {
			para(p)
		}
	}
	for _, s := range fd.Signers {
		const h = 40.0
		if pdf.GetY()+h > 277 {
			pdf.AddPage()
		}
		x, y := pdf.GetX(), pdf.GetY()
		pdf.Rect(x, y, 170, h-4, "D")
		pdf.SetXY(x+4, y+3)
		pdf.SetFont("Helvetica", "B", 11)
		pdf.CellFormat(0, 6, tr(s.Role), "", 2, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", 11)
		for _, choice := range []string{"Ja, ik geef toestemming", "Nee, ik geef geen toestemming"} {
			pdf.SetX(x + 4)
			cy := pdf.GetY()
			pdf.Rect(x+4, cy+1, 4, 4, "D")
			pdf.SetX(x + 11)
			pdf.CellFormat(0, 6, tr(choice), "", 2, "L", false, 0, "")
		}
		pdf.SetX(x + 4)
		pdf.CellFormat(0, 8, tr("Naam: ______________________________"), "", 2, "L", false, 0, "")
		pdf.SetX(x + 4)
		pdf.CellFormat(0, 8, tr("Handtekening: ______________________   Datum: ____________"), "", 2, "L", false, 0, "")
		pdf.SetXY(x, y+h)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
