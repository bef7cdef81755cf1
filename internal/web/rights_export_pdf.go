package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"

	"github.com/go-pdf/fpdf"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/dossier"
)

// exportPDF is GET /inzage/leerling/{id}/export.pdf: the same export as exportJSON, as a
// printable A4 document in plain Dutch (AVG art. 15 lid 3: a copy in a common form).
func (h *inzageHandlers) exportPDF(w http.ResponseWriter, r *http.Request) error {
	doc, id, err := h.export(r)
	if err != nil {
		return err
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(20, 18, 20)
	pdf.SetAutoPageBreak(true, 20)
	pdf.SetTitle("Gegevens uit Grondslag", true)
	pdf.SetCreator("Grondslag", true)
	pdf.SetCompression(false) // plain text streams: the copy can be searched and checked as it is
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	pdf.AddPage()
	text := func(style string, size, h float64, s string) {
		pdf.SetFont("Helvetica", style, size)
		pdf.MultiCell(0, h, tr(s), "", "L", false)
	}
	line := func(s string) { pdf.SetX(24); text("", 10, 5, "•  "+s) }
	name := strings.TrimSpace(fmt.Sprint(doc.About["voornaam"], " ", doc.About["achternaam"]))
	text("B", 16, 8, "Gegevens over "+name)
	text("", 10, 5, "Gemaakt op "+doc.Made+". "+doc.Explanation)
	for _, c := range doc.Controllers {
		pdf.Ln(3)
		text("B", 12, 6, c.Organisation+" ("+c.Party+")")
		text("", 10, 5, "Heeft: "+strings.Join(c.Holds, ", ")+".")
		if c.Withheld != "" {
			text("I", 10, 5, c.Withheld)
		}
		if c.Note != "" {
			text("", 10, 5, c.Note)
		}
		data, _ := c.Data.(map[string]any)
		if es, ok := data["inschrijvingen"].([]dossier.Enrolment); ok {
			for _, e := range es {
				line(fmt.Sprintf("Ingeschreven bij %s, leerjaar %s, vanaf %s%s", e.SchoolName, e.Year, e.From, map[bool]string{true: " tot " + e.To, false: ""}[e.To != ""]))
			}
		}
		if gs, ok := data["ouders"].([]dossier.Guardian); ok {
			for _, g := range gs {
				line(fmt.Sprintf("Ouder: %s (%s%s)", g.Name, g.Relation, map[bool]string{true: ", met gezag", false: ""}[g.Gezag]))
			}
		}
		if ss, ok := data["verzuimsignalen"].([]dossier.Signal); ok {
			for _, x := range ss {
				line(fmt.Sprintf("Verzuimsignaal %s van %s tot en met %s", x.Kind, x.From, x.To))
			}
		}
		if cs, ok := data["toestemmingen"].([]dossier.Consent); ok {
			for _, x := range cs {
				line(fmt.Sprintf("Toestemming %s voor %s vanaf %s%s", x.Status, strings.Join(x.Purposes, ", "), x.From, map[bool]string{true: " (ingetrokken)", false: ""}[x.Withdrawn]))
			}
		}
		if ms, ok := data["verzuimmeldingen"].([]dossier.Melding); ok {
			for _, x := range ms {
				line(fmt.Sprintf("Verzuimmelding %s vanaf %s, status: %s", x.Kind, x.From, absence.Status(x.Status).Label()))
			}
		}
	}
	pdf.Ln(3)
	text("B", 12, 6, "Wie verwerkte de gegevens")
	if len(doc.Trail) == 0 {
		text("", 10, 5, "Niemand anders heeft de gegevens opgevraagd.")
	}
	for _, t := range doc.Trail {
		line(fmt.Sprintf("%s: %s (%s), %s, gegevens %s, doel %s, grondslag %s", t.Time, t.Organisation, t.Role, t.Action, strings.Join(t.Categories, ", "), t.Purpose, t.Ground))
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return fmt.Errorf("export als PDF: %w", err)
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="gegevens-leerling-%d.pdf"`, id))
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(buf.Bytes())
	return err
}
