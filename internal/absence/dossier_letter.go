package absence

import (
	"bytes"
	"fmt"
	"strings"
	"text/template"
)

// Letters of a leerplicht dossier: the invitation to a talk and the written warning, as PDF from
// a text template the region may replace (StepLetterData.Template), laid out like the decision
// letter (letterPDF).

// DefaultInvitationTemplate is the standard invitation to a talk.
const DefaultInvitationTemplate = `Betreft: uitnodiging voor een gesprek over {{.Pupil}}, geboren op {{.Birth}}

Geachte {{.Addressee}},

{{.Reason}}

Wij nodigen u{{if .WithPupil}} en {{.Pupil}}{{end}} uit voor een gesprek met de leerplichtambtenaar op {{.Due}}. Kunt u niet op deze dag, neem dan contact met ons op om een andere afspraak te maken.

{{if .Text}}{{.Text}}

{{end}}De leerplichtambtenaar ziet toe op de naleving van de Leerplichtwet 1969 ({{.Article}}). U bent verplicht ervoor te zorgen dat uw kind de school geregeld bezoekt (Leerplichtwet 1969 art. 2 en 4a).

Met vriendelijke groet,

{{.By}}
namens het college van burgemeester en wethouders van {{.Gemeente}}`

// DefaultWarningTemplate is the standard written warning.
const DefaultWarningTemplate = `Betreft: waarschuwing over het schoolverzuim van {{.Pupil}}, geboren op {{.Birth}}

Geachte {{.Addressee}},

{{.Reason}}

{{.Text}}

Dit is een schriftelijke waarschuwing. Blijft het verzuim doorgaan, dan kan de leerplichtambtenaar proces-verbaal opmaken; niet voldoen aan de leerplicht is een strafbaar feit (Leerplichtwet 1969 art. 26). Deze waarschuwing rust op {{.Article}}.

Met vriendelijke groet,

{{.By}}
namens het college van burgemeester en wethouders van {{.Gemeente}}`

// StepLetterData are the fields of a dossier letter.
type StepLetterData struct {
	Gemeente  string
	Pupil     string
	Birth     Date
	Addressee string // "ouder(s)/verzorger(s) van …" or the young person
	Place     string
	Reference string
	Ground    DossierGround
	Step      Step
	WithPupil bool   // the pupil is invited too (from 12 the child is heard)
	Template  string // the region's template; empty: the default for the step's kind
}

// StepLetter renders the letter of an invitation or a warning as an A4 PDF; deterministic for
// the same data.
func StepLetter(d StepLetterData) ([]byte, error) {
	s := d.Step
	if !s.Kind.HasLetter() {
		return nil, fmt.Errorf("%w: bij een %s hoort geen brief", ErrDossier, s.Kind.Label())
	}
	src := d.Template
	if strings.TrimSpace(src) == "" {
		src = DefaultInvitationTemplate
		if s.Kind == StepWarning {
			src = DefaultWarningTemplate
		}
	}
	tpl, err := template.New("brief").Option("missingkey=error").Parse(src)
	if err != nil {
		return nil, fmt.Errorf("briefsjabloon: %w", err)
	}
	reason := "Wij hebben een melding van de school ontvangen over het schoolverzuim van " + d.Pupil + "."
	if d.Ground == GroundAbsolute {
		reason = "Volgens onze administratie staat " + d.Pupil + " op geen enkele school ingeschreven, terwijl " + d.Pupil + " leerplichtig of kwalificatieplichtig is."
	}
	f := struct {
		Gemeente, Pupil, Birth, Addressee, Reason, Due, Text, Article, By string
		WithPupil                                                         bool
	}{d.Gemeente, d.Pupil, d.Birth.Dutch(), d.Addressee, reason, s.Due.Dutch(), s.Text, s.Kind.Article(), s.By, d.WithPupil}
	var text bytes.Buffer
	if err := tpl.Execute(&text, f); err != nil {
		return nil, fmt.Errorf("briefsjabloon: %w", err)
	}
	title := "Uitnodiging"
	if s.Kind == StepWarning {
		title = "Waarschuwing"
	}
	return letterPDF(LetterData{Gemeente: d.Gemeente, Place: d.Place, Date: s.On, Reference: d.Reference}, title, text.String())
}
