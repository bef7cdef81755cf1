package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

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
}

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
	}
	return r, nil
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
}

// Answer returns the wire form of the decision (never null lists).
func (d Decision) Answer() AnswerJSON {
	a := AnswerJSON{Toegestaan: d.Allowed, Grondslag: d.Ground, Artikel: d.Article, Voorwaarden: d.Conditions, Plichten: d.Obligations, Reden: d.Reason}
	if a.Voorwaarden == nil {
		a.Voorwaarden = []string{}
	}
	if a.Plichten == nil {
		a.Plichten = []string{}
	}
	return a
}
