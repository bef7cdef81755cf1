package absence

import (
	"errors"
	"strings"
	"testing"
)

// TestLetterTemplate: placeholders only; unknown ones and stray braces refused; values are never
// read as template text; the model text is the fallback and renders as before.
func TestLetterTemplate(t *testing.T) {
	for _, bad := range []string{"", "Beste {{ouder}}, over {{leerling}}", "{{leerling}} {{.Pupil}}", `{{leerling}} {{printf "%s" "x"}}`, "{{leerling}} {{ ", "Beste ouder"} {
		if _, err := ParseLetterTemplate(StepInvitation, bad); !errors.Is(err, ErrLetterTemplate) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if _, err := ParseLetterTemplate(StepNote, "{{leerling}}"); err == nil {
		t.Error("a note has no letter")
	}
	tpl, err := ParseLetterTemplate(StepInvitation, "Gemeente {{gemeente}}\r\nBeste {{ aan }}, gesprek over {{leerling}} op {{datum}}.\n{{tekst}}\n\nGroet")
	if err != nil {
		t.Fatal(err)
	}
	got := tpl.Render(map[string]string{"gemeente": "Zwolle", "aan": "ouders", "leerling": "{{gemeente}}", "datum": "1 oktober 2026"})
	if got != "Gemeente Zwolle\nBeste ouders, gesprek over {{gemeente}} op 1 oktober 2026.\nGroet" {
		t.Fatalf("render: %q", got)
	}
	d := StepLetterData{Gemeente: "Zwolle", Pupil: "Anouk Jansen", Birth: NewDate(2012, 3, 4), Addressee: "ouder(s)/verzorger(s) van Anouk Jansen",
		Ground: GroundRelative, WithPupil: true, Step: Step{Kind: StepInvitation, On: NewDate(2026, 9, 20), Due: NewDate(2026, 10, 1), By: "L. Plicht, leerplichtambtenaar"}}
	text, err := StepLetterText(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"gesprek over Anouk Jansen, geboren op 4 maart 2012", "Wij nodigen u en Anouk Jansen uit", "op 1 oktober 2026", "Zwolle"} {
		if !strings.Contains(text, want) {
			t.Errorf("modeltekst mist %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "{{") || strings.Contains(text, "\n\n\n") {
		t.Errorf("lege tekstregel of invulveld over:\n%s", text)
	}
	d.Template = "Regio Noord: {{leerling}} wordt uitgenodigd op {{datum}}."
	if text, err := StepLetterText(d); err != nil || text != "Regio Noord: Anouk Jansen wordt uitgenodigd op 1 oktober 2026." {
		t.Fatalf("regiosjabloon: %q %v", text, err)
	}
	d.Template = "{{leerling}} {{onbekend}}"
	if _, err := StepLetter(d); !errors.Is(err, ErrLetterTemplate) {
		t.Fatalf("bad stored template: %v", err)
	}
}
