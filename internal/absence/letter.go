package absence

import (
	"bytes"
	"fmt"
	"strings"
	"text/template"
	"time"

	"github.com/go-pdf/fpdf"
)

// Letters: the leerplichtambtenaar's letters as PDF, from a text template the region may replace
// (LetterData.Template); the default template for a decision on a vrijstelling or leave is
// DefaultDecisionTemplate. A template is plain text: paragraphs separated by an empty line, with
// the fields of LetterData ({{.Pupil}}, {{.Article}}, …).

// DefaultDecisionTemplate is the standard decision letter (beschikking) on a request.
const DefaultDecisionTemplate = `Betreft: uw aanvraag om {{.Subject}} voor {{.Pupil}}, geboren op {{.Birth}}

Geachte {{.Addressee}},

Op {{.Received}} ontvingen wij uw aanvraag om {{.Subject}} voor {{.Pupil}} van {{.RequestedPeriod}}.

{{if .Granted}}Wij kennen de aanvraag toe. {{.Pupil}} is vrijgesteld van de plicht om de school te bezoeken van {{.GrantedPeriod}}.{{else}}Wij wijzen de aanvraag af.{{end}}

Motivering: {{.Reasons}}

Dit besluit rust op {{.Article}}.

Bezwaar: binnen zes weken na de dag van verzending van deze brief kunt u bezwaar maken bij het college van burgemeester en wethouders van {{.Gemeente}} (Algemene wet bestuursrecht, art. 6:7). Vermeld uw naam en adres, de datum, dit besluit en waarom u het er niet mee eens bent, en onderteken het bezwaarschrift.

Met vriendelijke groet,

{{.DecidedBy}}
namens het college van burgemeester en wethouders van {{.Gemeente}}`

// LetterData are the fields of a letter.
type LetterData struct {
	Gemeente  string // the municipality that decides
	Pupil     string // the pupil's name (the letter goes to those entitled to it)
	Birth     Date
	Addressee string // the requester
	Place     string // where the letter is sent from
	Date      Date   // date of the letter
	Reference string // kenmerk
	Request   ExemptionRequest
	Template  string // the region's template; empty: DefaultDecisionTemplate
}

type letterFields struct {
	Gemeente, Pupil, Birth, Addressee, Received, Subject, RequestedPeriod, GrantedPeriod string
	Granted                                                                              bool
	Reasons, Article, DecidedBy                                                          string
}

func period(from, to Date) string {
	if to == 0 {
		return from.Dutch() + " (zonder einddatum)"
	}
	return from.Dutch() + " tot en met " + to.Dutch()
}

// subject names what was asked, for the letter.
func subject(k ExemptionKind) string {
	switch k {
	case Leave14:
		return "verlof van meer dan tien schooldagen"
	case Exempt15:
		return "vrijstelling van de kwalificatieplicht"
	}
	return "vrijstelling van de leerplicht"
}

// DecisionLetter renders the decision on a request as an A4 PDF. The output is deterministic for
// the same data.
func DecisionLetter(d LetterData) ([]byte, error) {
	r := d.Request
	if r.Decision == nil {
		return nil, fmt.Errorf("%w: er is nog niet beslist", ErrRequest)
	}
	src := d.Template
	if strings.TrimSpace(src) == "" {
		src = DefaultDecisionTemplate
	}
	tpl, err := template.New("brief").Option("missingkey=error").Parse(src)
	if err != nil {
		return nil, fmt.Errorf("briefsjabloon: %w", err)
	}
	f := letterFields{Gemeente: d.Gemeente, Pupil: d.Pupil, Birth: d.Birth.Dutch(), Addressee: d.Addressee, Received: r.Received.Dutch(),
		Subject: subject(r.Kind), RequestedPeriod: period(r.From, r.To), Granted: r.Decision.Outcome == Granted,
		Reasons: r.Decision.Reasons, Article: r.Article(), DecidedBy: r.Decision.DecidedBy}
	if f.Granted {
		f.GrantedPeriod = period(r.Decision.From, r.Decision.To)
	}
	var text bytes.Buffer
	if err := tpl.Execute(&text, f); err != nil {
		return nil, fmt.Errorf("briefsjabloon: %w", err)
	}
	return letterPDF(d, "Besluit", text.String())
}

// letterPDF lays out a letter: sender, date and reference, then the paragraphs.
func letterPDF(d LetterData, title, body string) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(25, 20, 25)
	pdf.SetAutoPageBreak(true, 20)
	pdf.SetTitle(title+" "+d.Gemeente, true)
	pdf.SetCreator("Grondslag", true)
	y, m, dd := d.Date.Civil()
	pdf.SetCreationDate(time.Date(y, m, dd, 12, 0, 0, 0, time.UTC))
	pdf.SetModificationDate(time.Date(y, m, dd, 12, 0, 0, 0, time.UTC)) // unset, fpdf writes the clock: not deterministic
	pdf.SetCatalogSort(true)
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 13)
	pdf.MultiCell(0, 7, tr("Gemeente "+strings.TrimPrefix(d.Gemeente, "Gemeente ")), "", "L", false)
	pdf.SetFont("Helvetica", "", 10)
	pdf.MultiCell(0, 5, tr("Leerplicht"), "", "L", false)
	pdf.Ln(8)
	pdf.SetFont("Helvetica", "", 11)
	pdf.MultiCell(0, 5.5, tr(strings.TrimSpace(d.Place+", "+d.Date.Dutch())), "", "L", false)
	if d.Reference != "" {
		pdf.MultiCell(0, 5.5, tr("Kenmerk: "+d.Reference), "", "L", false)
	}
	pdf.Ln(6)
	for _, para := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n\n") {
		pdf.MultiCell(0, 5.5, tr(strings.TrimSpace(para)), "", "L", false)
		pdf.Ln(3)
	}
	var out bytes.Buffer
	if err := pdf.Output(&out); err != nil {
		return nil, fmt.Errorf("brief als pdf: %w", err)
	}
	return out.Bytes(), nil
}
