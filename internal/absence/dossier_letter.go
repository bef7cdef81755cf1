package absence

import (
	"fmt"
	"strings"
)

// Letters of a leerplicht dossier: the invitation to a talk and the written warning, as PDF from
// a text template the region edits (letter_template.go: placeholders only), laid out like the
// decision letter (letterPDF). Without a template of the region the model text below applies.

// DefaultInvitationTemplate is the model invitation to a talk.
const DefaultInvitationTemplate = `Betreft: uitnodiging voor een gesprek over {{leerling}}, geboren op {{geboortedatum}}

Geachte {{aan}},

{{reden}}

Wij nodigen u{{met_leerling}} uit voor een gesprek met de leerplichtambtenaar op {{datum}}. Kunt u niet op deze dag, neem dan contact met ons op om een andere afspraak te maken.

{{tekst}}

De leerplichtambtenaar ziet toe op de naleving van de Leerplichtwet 1969 ({{artikel}}). U bent verplicht ervoor te zorgen dat uw kind de school geregeld bezoekt (Leerplichtwet 1969 art. 2 en 4a).

Met vriendelijke groet,

{{door}}
namens het college van burgemeester en wethouders van {{gemeente}}`

// DefaultWarningTemplate is the model written warning.
const DefaultWarningTemplate = `Betreft: waarschuwing over het schoolverzuim van {{leerling}}, geboren op {{geboortedatum}}

Geachte {{aan}},

{{reden}}

{{tekst}}

Dit is een schriftelijke waarschuwing. Blijft het verzuim doorgaan, dan kan de leerplichtambtenaar proces-verbaal opmaken; niet voldoen aan de leerplicht is een strafbaar feit (Leerplichtwet 1969 art. 26). Deze waarschuwing rust op {{artikel}}.

Met vriendelijke groet,

{{door}}
namens het college van burgemeester en wethouders van {{gemeente}}`

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
	Template  string // the region's template; empty: the model text for the step's kind
}

// LetterValues are the placeholder values of a dossier letter.
func LetterValues(d StepLetterData) map[string]string {
	reason := "Wij hebben een melding van de school ontvangen over het schoolverzuim van " + d.Pupil + "."
	if d.Ground == GroundAbsolute {
		reason = "Volgens onze administratie staat " + d.Pupil + " op geen enkele school ingeschreven, terwijl " + d.Pupil + " leerplichtig of kwalificatieplichtig is."
	}
	with := ""
	if d.WithPupil {
		with = " en " + d.Pupil
	}
	return map[string]string{"gemeente": d.Gemeente, "leerling": d.Pupil, "geboortedatum": d.Birth.Dutch(), "aan": d.Addressee, "reden": reason,
		"datum": d.Step.Due.Dutch(), "met_leerling": with, "tekst": d.Step.Text, "artikel": d.Step.Kind.Article(), "door": d.Step.By}
}

// StepLetterText renders the letter's text from the region's template or the model text.
func StepLetterText(d StepLetterData) (string, error) {
	s := d.Step
	if !s.Kind.HasLetter() {
		return "", fmt.Errorf("%w: bij een %s hoort geen brief", ErrDossier, s.Kind.Label())
	}
	t := DefaultLetterTemplate(s.Kind)
	if strings.TrimSpace(d.Template) != "" {
		var err error
		if t, err = ParseLetterTemplate(s.Kind, d.Template); err != nil {
			return "", err
		}
	}
	return t.Render(LetterValues(d)), nil
}

// StepLetter renders the letter of an invitation or a warning as an A4 PDF; deterministic for
// the same data.
func StepLetter(d StepLetterData) ([]byte, error) {
	text, err := StepLetterText(d)
	if err != nil {
		return nil, err
	}
	title := "Uitnodiging"
	if d.Step.Kind == StepWarning {
		title = "Waarschuwing"
	}
	return letterPDF(LetterData{Gemeente: d.Gemeente, Place: d.Place, Date: d.Step.On, Reference: d.Reference}, title, text)
}
