package consent

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"strings"
)

// FormVersion is the version of the consent form's wording. Change it whenever the text below or
// the template changes, so that every stored consent names the exact wording its giver saw.
const FormVersion = "2026-1"

//go:embed form.html.tmpl
var formTemplateText string

var formTemplate = template.Must(template.New("formulier").Parse(formTemplateText))

// FormInput is what a consent form is made for.
type FormInput struct {
	Organisation string // who asks: the school's name
	Contact      string // whom to tell when withdrawing, e.g. "mevrouw J. Bakker, zorgcoördinator, zorg@school.nl"
	PupilID      int64
	PupilName    string // first and last name, as the parent knows the child
	BirthDate    Date
	Guardians    int // number of parents with gezag
	Purpose      string
	Date         Date // the day the form is printed or sent
}

// Form is a rendered consent form: the text the person reads, its hash (which a consent record
// stores as FormHash) and the printable HTML page.
type Form struct {
	Version string
	Hash    string // SHA-256 (hex) of Text
	Text    string
	HTML    []byte
	data    formData
}

// Ref is the short reference printed on the form (the first 12 characters of the hash); the
// register accepts it to find the form back.
func (f Form) Ref() string { return f.Hash[:12] }

type formSigner struct {
	Role string // "Leerling", "Ouder of voogd met gezag"
}

type formItem struct {
	Text    string
	Special bool
}

// formSection is one heading of the form with its paragraphs and list. Text, HTML and PDF are
// all rendered from the same sections, so the wording the hash covers is the wording printed.
type formSection struct {
	Title  string
	Before []string
	Items  []formItem
	After  []string
}

type formData struct {
	Version, Organisation, Pupil, Birth, Date string
	Sections                                  []formSection
	Signers                                   []formSigner
	KeepCopy                                  string
	Ref                                       string
	date                                      Date
}

// RenderForm makes the consent form for a pupil and purpose, in plain Dutch (B1): what is asked
// and why, which data go to whom, for how long, that saying no is allowed, how to withdraw, and
// who must sign — the pupil and/or the parent(s) with gezag, as the rules say on in.Date.
func RenderForm(in FormInput, cfg Config) (Form, error) {
	if strings.TrimSpace(in.PupilName) == "" || in.BirthDate.IsZero() || in.Date.IsZero() {
		return Form{}, fmt.Errorf("%w: naam, geboortedatum en datum zijn nodig voor het formulier", ErrInvalid)
	}
	if strings.TrimSpace(in.Organisation) == "" || strings.TrimSpace(in.Contact) == "" {
		return Form{}, fmt.Errorf("%w: noem de school en bij wie de ouder de toestemming kan intrekken", ErrInvalid)
	}
	q, err := cfg.Rules.Needed(in.BirthDate, in.Date, in.Purpose, in.Guardians)
	if err != nil {
		return Form{}, err
	}
	if !q.Needed() {
		return Form{}, fmt.Errorf("%w: %s", ErrInvalid, q.Reason)
	}
	scope, ok := cfg.Catalog.Scopes[in.Purpose]
	if !ok || len(scope.Recipients) == 0 || len(scope.Categories) == 0 {
		return Form{}, fmt.Errorf("%w: het convenant noemt voor doel %s geen ontvangers of gegevens waarvoor toestemming nodig is", ErrInvalid, in.Purpose)
	}
	rule, _ := cfg.Rules.Rule(in.Purpose)
	purpose := cfg.Catalog.Purposes[in.Purpose]
	// From 16 the pupil decides alone: the form speaks to the pupil (je), otherwise to the
	// parents (u), with the pupil from 12 signing beside them.
	toPupil := q.Pupil && q.Parents == ParentsNone
	pick := func(parent, pupil string) string {
		if toPupil {
			return pupil
		}
		return parent
	}
	termText := func(t Term) string {
		if toPupil && t.ForPupil != "" {
			return t.ForPupil
		}
		return t.Name
	}
	fd := formData{Version: FormVersion, Organisation: in.Organisation, Pupil: in.PupilName, Birth: in.BirthDate.Dutch(),
		Date: in.Date.Dutch(), KeepCopy: pick("Bewaar een kopie voor uzelf.", "Bewaar een kopie voor jezelf.")}
	why := purpose.Description
	if toPupil && purpose.ForPupil != "" {
		why = purpose.ForPupil
	}
	fd.Sections = append(fd.Sections, formSection{Title: "Waarom vragen wij dit?",
		Before: []string{pick("Wij willen gegevens over uw kind delen voor: ", "Wij willen gegevens over jou delen voor: ") + purpose.Name + ". " + why}})
	data := formSection{Title: "Welke gegevens?", After: []string{"Wij delen alleen wat nodig is. Niet meer."}}
	for _, c := range scope.Categories {
		t := cfg.Catalog.Categories[c]
		data.Items = append(data.Items, formItem{Text: termText(t), Special: t.Special})
	}
	fd.Sections = append(fd.Sections, data)
	to := formSection{Title: "Met wie?"}
	for _, r := range scope.Recipients {
		to.Items = append(to.Items, formItem{Text: cfg.Catalog.Parties[r].Name})
	}
	fd.Sections = append(fd.Sections, to)
	duration := pick("Uw toestemming geldt tot u haar intrekt. Wij vragen het opnieuw als er iets verandert.",
		"Je toestemming geldt tot je haar intrekt. Wij vragen het opnieuw als er iets verandert.")
	if rule.ValidMonths > 0 {
		duration = fmt.Sprintf(pick("Uw toestemming geldt %d maanden, tot en met %s. Daarna vragen wij het opnieuw, als dat nog nodig is.",
			"Je toestemming geldt %d maanden, tot en met %s. Daarna vragen wij het opnieuw, als dat nog nodig is."),
			rule.ValidMonths, addMonths(in.Date, rule.ValidMonths).AddDays(-1).Dutch())
	}
	fd.Sections = append(fd.Sections,
		formSection{Title: "Hoe lang?", Before: []string{duration}},
		formSection{Title: pick("U mag nee zeggen", "Je mag nee zeggen"), Before: []string{pick(
			"U hoeft geen toestemming te geven. Zegt u nee, dan delen wij deze gegevens niet. Uw kind blijft welkom op school en krijgt de hulp die wij zonder toestemming mogen geven.",
			"Je hoeft geen toestemming te geven. Zeg je nee, dan delen wij deze gegevens niet. Je blijft welkom op school en krijgt de hulp die wij zonder toestemming mogen geven.")}},
		formSection{Title: "Intrekken mag altijd", Before: []string{fmt.Sprintf(pick(
			"U kunt uw toestemming altijd intrekken. Zeg het tegen %s, het liefst per e-mail of op papier. Vanaf dat moment delen wij niets meer op basis van deze toestemming. Wij vertellen u met wie wij al gegevens hebben gedeeld, en wij laten het hen weten.",
			"Je kunt je toestemming altijd intrekken. Zeg het tegen %s, het liefst per e-mail of op papier. Vanaf dat moment delen wij niets meer op basis van deze toestemming. Wij vertellen je met wie wij al gegevens hebben gedeeld, en wij laten het hen weten."), in.Contact)}},
		formSection{Title: pick("Uw rechten", "Jouw rechten"), Before: []string{pick(
			"U mag altijd vragen welke gegevens wij over uw kind hebben en met wie wij ze hebben gedeeld. Klopt er iets niet? Dan passen wij het aan. Bent u het niet eens met hoe wij met de gegevens omgaan? U kunt een klacht indienen bij de Autoriteit Persoonsgegevens.",
			"Je mag altijd vragen welke gegevens wij over jou hebben en met wie wij ze hebben gedeeld. Klopt er iets niet? Dan passen wij het aan. Ben je het niet eens met hoe wij met de gegevens omgaan? Je kunt een klacht indienen bij de Autoriteit Persoonsgegevens.")}},
	)
	var who string
	switch {
	case toPupil:
		who = "Je bent 16 jaar of ouder. Daarom beslis je zelf. Je ouders tekenen niet."
		fd.Signers = []formSigner{{"Leerling"}}
	default:
		if q.Pupil {
			fd.Signers = append(fd.Signers, formSigner{"Leerling"})
		}
		n := 1
		if q.Parents == ParentsAll {
			n = in.Guardians
		}
		for i := 0; i < n; i++ {
			fd.Signers = append(fd.Signers, formSigner{"Ouder of voogd met gezag"})
		}
		switch {
		case q.Pupil && q.Parents == ParentsAll && n == 2:
			who = "Uw kind is 12 jaar of ouder. Daarom tekenen uw kind én beide ouders met gezag."
		case q.Pupil:
			who = "Uw kind is 12 jaar of ouder. Daarom tekenen uw kind én de ouder met gezag."
		case q.Parents == ParentsAll && n == 2:
			who = "Voor dit doel tekenen beide ouders met gezag. Eén handtekening is niet genoeg."
		default:
			who = "Eén ouder met gezag tekent. Hebben beide ouders gezag? Dan is één handtekening genoeg."
		}
	}
	fd.Sections = append(fd.Sections, formSection{Title: "Wie tekent?", Before: []string{who}})
	text := formPlainText(fd)
	sum := sha256.Sum256([]byte(text))
	f := Form{Version: FormVersion, Hash: hex.EncodeToString(sum[:]), Text: text}
	fd.Ref = f.Ref()
	fd.date = in.Date
	f.data = fd
	var buf bytes.Buffer
	if err := formTemplate.Execute(&buf, fd); err != nil {
		return Form{}, err
	}
	f.HTML = buf.Bytes()
	return f, nil
}

// formPlainText is the wording of the form as one canonical text: what the hash covers.
func formPlainText(fd formData) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	w("Toestemming voor het delen van gegevens")
	w("Formulierversie %s", fd.Version)
	w("Van: %s", fd.Organisation)
	w("Over: %s, geboren op %s", fd.Pupil, fd.Birth)
	w("Datum: %s", fd.Date)
	for _, sec := range fd.Sections {
		w("")
		w("%s", sec.Title)
		for _, p := range sec.Before {
			w("%s", p)
		}
		for _, it := range sec.Items {
			if it.Special {
				w("- %s (extra beschermd gegeven)", it.Text)
			} else {
				w("- %s", it.Text)
			}
		}
		for _, p := range sec.After {
			w("%s", p)
		}
	}
	for _, s := range fd.Signers {
		w("%s: naam ____ handtekening ____ [ ] ja, ik geef toestemming [ ] nee, ik geef geen toestemming", s.Role)
	}
	w("%s", fd.KeepCopy)
	return b.String()
}

// FormRecord is the exact text of a consent form as shown to a parent or pupil, as a repository
// keeps it (once per hash).
type FormRecord struct {
	Hash    string
	Version string
	PupilID int64 // 0 for a blank form
	Purpose string
	Text    string
	HTML    string
}
