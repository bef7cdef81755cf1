package absence

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Letter templates a region edits: plain text with placeholders between double braces, e.g.
// {{leerling}}. Nothing else in a template does anything: no conditions, no functions, no code
// (the region's beheerder writes them, the leerplichtambtenaar prints them). An unknown
// placeholder is refused when the template is saved, so a letter never goes out with a hole.

// Placeholder is one field a letter template may use.
type Placeholder struct {
	Name, Meaning string
}

// LetterPlaceholders lists the placeholders of the dossier letters.
var LetterPlaceholders = []Placeholder{
	{"gemeente", "naam van de gemeente"},
	{"leerling", "voornaam en achternaam van de leerling"},
	{"geboortedatum", "geboortedatum van de leerling"},
	{"aan", "de geadresseerde: ouder(s)/verzorger(s) van de leerling, of de leerling zelf"},
	{"reden", "waarom de gemeente schrijft: de melding van de school, of geen inschrijving (absoluut verzuim)"},
	{"datum", "de datum van het gesprek (uitnodiging) of de uiterste datum"},
	{"met_leerling", "\" en <naam>\" als de leerling 12 of ouder is en meekomt, anders leeg"},
	{"tekst", "de eigen tekst bij deze stap in het dossier (een regel die alleen {{tekst}} bevat, verdwijnt als die leeg is)"},
	{"artikel", "het wetsartikel waarop de stap rust"},
	{"door", "naam en functie van de leerplichtambtenaar"},
}

// MaxLetterTemplate bounds a template's size.
const MaxLetterTemplate = 20000

// ErrLetterTemplate is returned for a template that cannot be used.
var ErrLetterTemplate = errors.New("ongeldig briefsjabloon")

var placeholderRE = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)

// LetterTemplate is a checked template of one step kind.
type LetterTemplate struct {
	kind StepKind
	text string
}

// ParseLetterTemplate checks a template for a step kind with a letter: valid UTF-8, not empty,
// not too long, only known placeholders, no stray braces, and the pupil named.
func ParseLetterTemplate(kind StepKind, text string) (LetterTemplate, error) {
	if !kind.HasLetter() {
		return LetterTemplate{}, fmt.Errorf("%w: bij een %s hoort geen brief", ErrLetterTemplate, kind.Label())
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	switch {
	case !utf8.ValidString(text):
		return LetterTemplate{}, fmt.Errorf("%w: de tekst is geen geldige UTF-8", ErrLetterTemplate)
	case strings.TrimSpace(text) == "":
		return LetterTemplate{}, fmt.Errorf("%w: de tekst is leeg", ErrLetterTemplate)
	case len(text) > MaxLetterTemplate:
		return LetterTemplate{}, fmt.Errorf("%w: de tekst is langer dan %d tekens", ErrLetterTemplate, MaxLetterTemplate)
	}
	known := map[string]bool{}
	for _, p := range LetterPlaceholders {
		known[p.Name] = true
	}
	var unknown []string
	for _, m := range placeholderRE.FindAllStringSubmatch(text, -1) {
		if !known[m[1]] {
			unknown = append(unknown, "{{"+m[1]+"}}")
		}
	}
	if len(unknown) > 0 {
		return LetterTemplate{}, fmt.Errorf("%w: onbekende invulvelden %s; gebruik alleen %s", ErrLetterTemplate, strings.Join(unknown, ", "), placeholderList())
	}
	rest := placeholderRE.ReplaceAllString(text, "")
	if strings.Contains(rest, "{{") || strings.Contains(rest, "}}") {
		return LetterTemplate{}, fmt.Errorf("%w: losse accolades; een invulveld schrijft u als {{leerling}}", ErrLetterTemplate)
	}
	if !strings.Contains(placeholderRE.ReplaceAllStringFunc(text, func(s string) string { return strings.ReplaceAll(s, " ", "") }), "{{leerling}}") {
		return LetterTemplate{}, fmt.Errorf("%w: de brief moet de leerling noemen ({{leerling}})", ErrLetterTemplate)
	}
	return LetterTemplate{kind: kind, text: text}, nil
}

func placeholderList() string {
	var names []string
	for _, p := range LetterPlaceholders {
		names = append(names, "{{"+p.Name+"}}")
	}
	return strings.Join(names, ", ")
}

// Kind is the step kind of the template.
func (t LetterTemplate) Kind() StepKind { return t.kind }

// Text is the template's text.
func (t LetterTemplate) Text() string { return t.text }

// Render fills the placeholders with the values (plain text: nothing in a value is read as a
// placeholder). A line holding only {{tekst}} disappears, with one blank line after it, when the
// text is empty.
func (t LetterTemplate) Render(values map[string]string) string {
	src := t.text
	if strings.TrimSpace(values["tekst"]) == "" {
		src = regexp.MustCompile(`(?m)^[ \t]*\{\{\s*tekst\s*\}\}[ \t]*\n(\n)?`).ReplaceAllString(src, "")
	}
	return placeholderRE.ReplaceAllStringFunc(src, func(m string) string {
		return values[placeholderRE.FindStringSubmatch(m)[1]]
	})
}

// DefaultLetterTemplate is the model text of a step kind's letter (the fallback when the region
// has none).
func DefaultLetterTemplate(kind StepKind) LetterTemplate {
	if kind == StepWarning {
		return LetterTemplate{kind: StepWarning, text: DefaultWarningTemplate}
	}
	return LetterTemplate{kind: StepInvitation, text: DefaultInvitationTemplate}
}
