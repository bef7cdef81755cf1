package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/convenant"
)

// ErrBadRequest is returned (wrapped in *RequestError) for a malformed request or a code the
// convenant does not know.
var ErrBadRequest = errors.New("ongeldige vraag")

// RequestError names the field of a request that is wrong and why, in Dutch.
type RequestError struct {
	Field string // JSON path of the field, e.g. "actor.rol"; "" for the request as a whole
	Why   string
}

func (e *RequestError) Error() string {
	if e.Field == "" {
		return "ongeldige vraag: " + e.Why
	}
	return "ongeldige vraag: veld " + e.Field + ": " + e.Why
}

// Is makes errors.Is(err, ErrBadRequest) hold.
func (e *RequestError) Is(target error) bool { return target == ErrBadRequest }

// RequestJSON is the wire form of a Request ("mag ik dit delen?"), with Dutch field names.
type RequestJSON struct {
	Actor     *ActorJSON   `json:"actor"`
	Handeling string       `json:"handeling"`
	Categorie string       `json:"categorie"`
	Doel      string       `json:"doel"`
	Ontvanger *ActorJSON   `json:"ontvanger,omitempty"`
	Context   *ContextJSON `json:"context,omitempty"`
}

// ActorJSON is an actor or recipient on the wire.
type ActorJSON struct {
	Partij string `json:"partij"`
	Rol    string `json:"rol"`
}

// ContextJSON is the context on the wire.
type ContextJSON struct {
	DUOMelding    bool   `json:"duo_melding"`
	Toestemming   bool   `json:"toestemming"`
	ToestemmingID string `json:"toestemming_id,omitempty"`
	Casusfase     string `json:"casusfase,omitempty"`
	Niveau        string `json:"niveau,omitempty"`
	// Leeftijd is the pupil's age on the day; or give Geboortedatum with Peildatum.
	Leeftijd      *int   `json:"leeftijd,omitempty"`
	Geboortedatum string `json:"geboortedatum,omitempty"`
	// Peildatum is the day of the decision (JJJJ-MM-DD), for the age and for dated rules.
	Peildatum string `json:"peildatum,omitempty"`
	// ToestemmingDoor lists who consented: ouder, ouders, leerling.
	ToestemmingDoor []string `json:"toestemming_door,omitempty"`
	// Ingeschreven is false for a child who is not enrolled at any school.
	Ingeschreven *bool `json:"ingeschreven,omitempty"`
	// Verwijsindex is true when the disclosure follows a match in the Verwijsindex.
	Verwijsindex bool `json:"verwijsindex,omitempty"`
	// TLVOfArrangement is true for an application for a TLV or an arrangement.
	TLVOfArrangement bool `json:"tlv_of_arrangement,omitempty"`
}

// ConsentByCodes maps the wire codes of toestemming_door to ConsentBy bits.
var ConsentByCodes = map[string]ConsentBy{"ouder": ByParent, "ouders": ByParents, "leerling": ByPupil}

// maxRequestBytes bounds a request document.
const maxRequestBytes = 64 << 10

// DecodeRequest reads one request as JSON and checks every code against the convenant. Unknown
// fields, trailing data, missing fields and unknown codes are errors (*RequestError) that name
// the field.
func DecodeRequest(data []byte, k *convenant.Compiled) (Request, error) {
	if len(data) > maxRequestBytes {
		return Request{}, &RequestError{Why: fmt.Sprintf("de vraag is groter dan %d bytes", maxRequestBytes)}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var w RequestJSON
	if err := dec.Decode(&w); err != nil {
		return Request{}, jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Request{}, &RequestError{Why: "na het JSON-object volgt nog meer tekst; stuur precies één object"}
	}
	return w.Request(k)
}

func jsonError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return &RequestError{Why: "geen vraag ontvangen; stuur één JSON-object"}
	case errors.As(err, &se):
		return &RequestError{Why: fmt.Sprintf("geen geldige JSON (bij teken %d)", se.Offset)}
	case errors.As(err, &te):
		f := te.Field
		if f == "" {
			return &RequestError{Why: "de vraag moet een JSON-object zijn"}
		}
		return &RequestError{Field: f, Why: fmt.Sprintf("verwacht %s, niet %s", jsonKind(te.Type.Kind().String()), te.Value)}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &RequestError{Field: f, Why: "onbekend veld; toegestaan zijn actor, handeling, categorie, doel, ontvanger en context"}
	}
	return &RequestError{Why: "geen geldige JSON: " + err.Error()}
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "tekst"
	case "bool":
		return "true of false"
	case "struct", "ptr":
		return "een object"
	}
	return k
}

// Request converts the wire form into a Request, checking codes against the convenant.
func (w *RequestJSON) Request(k *convenant.Compiled) (Request, error) {
	var r Request
	if w.Actor == nil {
		return r, &RequestError{Field: "actor", Why: "ontbreekt; geef {\"partij\": …, \"rol\": …}"}
	}
	a, err := actor(k, "actor", w.Actor)
	if err != nil {
		return r, err
	}
	r.Actor = a
	switch Action(w.Handeling) {
	case Read, Record, Disclose:
		r.Action = Action(w.Handeling)
	case "":
		return r, &RequestError{Field: "handeling", Why: "ontbreekt; gebruik lezen, vastleggen of verstrekken"}
	default:
		return r, &RequestError{Field: "handeling", Why: fmt.Sprintf("%q is onbekend; gebruik lezen, vastleggen of verstrekken", w.Handeling)}
	}
	if w.Categorie == "" {
		return r, &RequestError{Field: "categorie", Why: "ontbreekt"}
	}
	if _, ok := k.Category(w.Categorie); !ok {
		return r, &RequestError{Field: "categorie", Why: fmt.Sprintf("%q komt niet voor in het convenant; bekend zijn: %s", w.Categorie, categoryCodes(k))}
	}
	r.Category = w.Categorie
	if w.Doel == "" {
		return r, &RequestError{Field: "doel", Why: "ontbreekt"}
	}
	if _, ok := k.Purpose(w.Doel); !ok {
		return r, &RequestError{Field: "doel", Why: fmt.Sprintf("%q komt niet voor in het convenant; bekend zijn: %s", w.Doel, purposeCodes(k))}
	}
	r.Purpose = w.Doel
	switch {
	case r.Action == Disclose && w.Ontvanger == nil:
		return r, &RequestError{Field: "ontvanger", Why: "ontbreekt; bij verstrekken is de ontvanger (partij en rol) verplicht"}
	case r.Action != Disclose && w.Ontvanger != nil:
		return r, &RequestError{Field: "ontvanger", Why: "alleen bij verstrekken; laat het veld weg bij " + string(r.Action)}
	case w.Ontvanger != nil:
		rc, err := actor(k, "ontvanger", w.Ontvanger)
		if err != nil {
			return r, err
		}
		r.Recipient = rc
	}
	if c := w.Context; c != nil {
		r.Context = Context{DUOMelding: c.DUOMelding, Consent: c.Toestemming, ConsentID: c.ToestemmingID, Phase: c.Casusfase, Level: c.Niveau}
		if c.Casusfase != "" {
			if _, ok := k.Phase(c.Casusfase); !ok {
				var codes []string
				for _, p := range k.Phases() {
					codes = append(codes, p.Code)
				}
				return r, &RequestError{Field: "context.casusfase", Why: fmt.Sprintf("%q komt niet voor in het convenant; bekend zijn: %s", c.Casusfase, strings.Join(codes, ", "))}
			}
		}
		if levelBit(c.Niveau) == 0 {
			return r, &RequestError{Field: "context.niveau", Why: fmt.Sprintf("%q is onbekend; gebruik persoon, school of geaggregeerd", c.Niveau)}
		}
		if err := c.Facts(&r.Context); err != nil {
			return r, err
		}
	}
	return r, nil
}

// Facts reads the pupil's age, who consented, enrolment, the Verwijsindex and the day into x
// (DecodeRequest calls it; the web API's "mag ik dit delen?" too, so both check the same way).
// Errors are *RequestError naming the field.
func (c *ContextJSON) Facts(x *Context) error {
	if c.Peildatum != "" {
		d, err := time.Parse("2006-01-02", c.Peildatum)
		if err != nil {
			return &RequestError{Field: "context.peildatum", Why: fmt.Sprintf("%q is geen datum; schrijf JJJJ-MM-DD", c.Peildatum)}
		}
		x.Day = d
	}
	if c.Leeftijd != nil {
		if *c.Leeftijd < 1 || *c.Leeftijd > 30 {
			return &RequestError{Field: "context.leeftijd", Why: fmt.Sprintf("%d is geen leeftijd van een leerling; geef de leeftijd in jaren op de dag (1 tot en met 30)", *c.Leeftijd)}
		}
		x.Age = *c.Leeftijd
	}
	if c.Geboortedatum != "" {
		b, err := time.Parse("2006-01-02", c.Geboortedatum)
		if err != nil {
			return &RequestError{Field: "context.geboortedatum", Why: fmt.Sprintf("%q is geen datum; schrijf JJJJ-MM-DD", c.Geboortedatum)}
		}
		if x.Day.IsZero() {
			return &RequestError{Field: "context.peildatum", Why: "ontbreekt; met een geboortedatum is de peildatum nodig om de leeftijd op die dag te bepalen"}
		}
		if x.Day.Before(b) {
			return &RequestError{Field: "context.peildatum", Why: "ligt vóór de geboortedatum"}
		}
		age := AgeOn(b, x.Day)
		if c.Leeftijd != nil && *c.Leeftijd != age {
			return &RequestError{Field: "context.leeftijd", Why: fmt.Sprintf("%d past niet bij de geboortedatum: op %s is de leerling %d jaar", *c.Leeftijd, c.Peildatum, age)}
		}
		if age < 1 {
			return &RequestError{Field: "context.geboortedatum", Why: "de leerling is op de peildatum jonger dan 1 jaar"}
		}
		x.Age = age
	}
	for _, w := range c.ToestemmingDoor {
		b, ok := ConsentByCodes[w]
		if !ok {
			return &RequestError{Field: "context.toestemming_door", Why: fmt.Sprintf("%q is onbekend; gebruik ouder (één ouder met gezag), ouders (alle ouders met gezag) of leerling", w)}
		}
		x.ConsentBy |= b
	}
	if x.ConsentBy != 0 && x.Age == 0 {
		return &RequestError{Field: "context.leeftijd", Why: "ontbreekt; wiens toestemming telt, hangt af van de leeftijd van de leerling op de dag (geef leeftijd, of geboortedatum en peildatum)"}
	}
	if x.ConsentBy != 0 && !c.Toestemming {
		x.Consent = true
	}
	if c.Ingeschreven != nil {
		x.NotEnrolled = !*c.Ingeschreven
	}
	if x.NotEnrolled && c.DUOMelding {
		return &RequestError{Field: "context.duo_melding", Why: "een DUO-verzuimmelding bestaat alleen voor een ingeschreven leerling; zet ingeschreven op true of duo_melding op false"}
	}
	x.Verwijsindex = c.Verwijsindex
	x.TLV = c.TLVOfArrangement
	return nil
}

func actor(k *convenant.Compiled, field string, a *ActorJSON) (Actor, error) {
	if a.Partij == "" {
		return Actor{}, &RequestError{Field: field + ".partij", Why: "ontbreekt"}
	}
	p, ok := k.Party(a.Partij)
	if !ok {
		var codes []string
		for _, p := range k.Parties() {
			codes = append(codes, p.Code)
		}
		return Actor{}, &RequestError{Field: field + ".partij", Why: fmt.Sprintf("%q komt niet voor in het convenant; bekend zijn: %s", a.Partij, strings.Join(codes, ", "))}
	}
	if a.Rol == "" {
		return Actor{}, &RequestError{Field: field + ".rol", Why: "ontbreekt"}
	}
	if _, ok := k.Role(a.Partij, a.Rol); !ok {
		var codes []string
		for _, r := range p.Roles {
			codes = append(codes, r.Code)
		}
		return Actor{}, &RequestError{Field: field + ".rol", Why: fmt.Sprintf("%q is geen rol van partij %q; bekend zijn: %s", a.Rol, a.Partij, strings.Join(codes, ", "))}
	}
	return Actor{Party: a.Partij, Role: a.Rol}, nil
}

func categoryCodes(k *convenant.Compiled) string {
	var codes []string
	for _, c := range k.Categories() {
		codes = append(codes, c.Code)
	}
	return strings.Join(codes, ", ")
}

func purposeCodes(k *convenant.Compiled) string {
	var codes []string
	for _, c := range k.Purposes() {
		codes = append(codes, c.Code)
	}
	return strings.Join(codes, ", ")
}

// AnswerJSON is the wire form of a Decision, exactly the answer of `grondslag mag --json`.
type AnswerJSON struct {
	Toegestaan  bool     `json:"toegestaan"`
	Grondslag   string   `json:"grondslag"`
	Artikel     string   `json:"artikel"`
	Voorwaarden []string `json:"voorwaarden"`
	Plichten    []string `json:"plichten"`
	Reden       string   `json:"reden"`
	Regel       string   `json:"regel,omitempty"`
	Ontbreekt   string   `json:"ontbreekt,omitempty"`
	// VerwerkingVerstrekker and VerwerkingOntvanger are each side's own activity (AVG art. 30).
	VerwerkingVerstrekker string `json:"verwerking_verstrekker,omitempty"`
	VerwerkingOntvanger   string `json:"verwerking_ontvanger,omitempty"`
}

// Answer returns the wire form of the decision (never null lists).
func (d Decision) Answer() AnswerJSON {
	a := AnswerJSON{Toegestaan: d.Allowed, Grondslag: d.Ground, Artikel: d.Article, Voorwaarden: d.Conditions, Plichten: d.Obligations, Reden: d.Reason,
		Regel: d.RuleID, Ontbreekt: d.Missing, VerwerkingVerstrekker: d.DiscloserActivity, VerwerkingOntvanger: d.RecipientActivity}
	if a.Voorwaarden == nil {
		a.Voorwaarden = []string{}
	}
	if a.Plichten == nil {
		a.Plichten = []string{}
	}
	return a
}
