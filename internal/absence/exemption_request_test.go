package absence

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestExemptionRequest(t *testing.T) {
	c := midden(t)
	d := func(s string) Date { return mustDate(t, s) }
	base := ExemptionRequest{Requester: RequesterParent, RequesterName: "M. de Vries", Received: d("2025-09-10"), From: d("2025-09-15"), Reason: "Lichamelijk niet in staat"}
	with := func(k ExemptionKind, mod func(*ExemptionRequest)) ExemptionRequest {
		r := base
		r.Kind = k
		if mod != nil {
			mod(&r)
		}
		return r
	}
	for _, tc := range []struct {
		name string
		req  ExemptionRequest
		bad  string
	}{
		{"5a with a fresh art. 7 statement", with(Exempt5a, func(r *ExemptionRequest) {
			r.Documents = []RequestDocument{{Kind: DocStatement7, Issuer: "jeugdarts GGD", Date: d("2025-07-01")}}
		}), ""},
		{"5a without a statement", with(Exempt5a, nil), "verklaring-art7"},
		{"5a with a statement older than three months", with(Exempt5a, func(r *ExemptionRequest) {
			r.Documents = []RequestDocument{{Kind: DocStatement7, Issuer: "jeugdarts GGD", Date: d("2025-06-09")}}
		}), "niet ouder zijn dan drie maanden"},
		{"5b with the objection", with(Exempt5b, func(r *ExemptionRequest) {
			r.Documents = []RequestDocument{{Kind: DocObjection5b, Issuer: "ouders", Date: d("2025-09-01")}}
		}), ""},
		{"5c without proof", with(Exempt5c, nil), "bewijs-school-buitenland"},
		{"5a travelling family (art. 5a) needs no document", with(Exempt5aTravelling, nil), ""},
		{"leave above ten school days: art. 14 lid 3", with(Leave14, func(r *ExemptionRequest) { r.To = d("2025-10-03") }), ""},
		{"leave of ten school days is the head's", with(Leave14, func(r *ExemptionRequest) { r.To = d("2025-09-26") }), "directeur"},
		{"art. 13a leave is the head's", with(Leave13a, func(r *ExemptionRequest) { r.To = d("2025-09-19") }), "13a"},
		{"no reason", with(Exempt5aTravelling, func(r *ExemptionRequest) { r.Reason = " " }), "reden"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewExemptionRequest(c, tc.req)
			if tc.bad == "" && err != nil {
				t.Fatal(err)
			}
			if tc.bad != "" && (!errors.Is(err, ErrRequest) || !strings.Contains(err.Error(), tc.bad)) {
				t.Fatalf("err = %v, want %q", err, tc.bad)
			}
		})
	}
	r, err := NewExemptionRequest(c, with(Leave14, func(r *ExemptionRequest) { r.To = d("2025-10-03") }))
	if err != nil || r.SchoolDays != 15 || r.Article() != "Leerplichtwet 1969 art. 14 lid 3" {
		t.Fatalf("%+v %v", r, err)
	}
	if err := r.Decide(ExemptionDecision{Outcome: Granted, On: d("2025-09-12"), DecidedBy: "J. Jansen, leerplichtambtenaar"}); err == nil {
		t.Fatal("a decision without reasons")
	}
	if err := r.Decide(ExemptionDecision{Outcome: Granted, On: d("2025-09-09"), Reasons: "x", DecidedBy: "J. Jansen", From: d("2025-09-15"), To: d("2025-10-03")}); err == nil {
		t.Fatal("decided before the request came in")
	}
	if err := r.Decide(ExemptionDecision{Outcome: Granted, On: d("2025-09-12"), Reasons: "Begrafenis van een grootouder in het buitenland.", DecidedBy: "J. Jansen, leerplichtambtenaar",
		From: d("2025-09-15"), To: d("2025-10-03")}); err != nil {
		t.Fatal(err)
	}
	if err := r.Decide(ExemptionDecision{Outcome: Refused, On: d("2025-09-12"), Reasons: "x", DecidedBy: "y"}); err == nil {
		t.Fatal("decided twice")
	}
	ex, ok := r.Exemption()
	if !ok || ex.Kind != Leave14 || !ex.Covers(d("2025-10-03")) || ex.Covers(d("2025-10-06")) {
		t.Fatalf("%+v %v", ex, ok)
	}
	// The granted leave stops the signals for its period.
	e, _ := NewEvaluator(c, DefaultRules())
	sigs, _, _ := e.Evaluate(PupilInput{Pupil: "L1", Registrations: regs(t, c, "2025-09-15..2025-10-03 5 ongeoorloofd"), Exemptions: []Exemption{ex}, AsOf: d("2025-10-10")})
	if len(sigs) != 0 {
		t.Fatalf("signals during granted leave: %v", sigs)
	}

	pdf, err := DecisionLetter(LetterData{Gemeente: "Lindewaard", Pupil: "Zoë de Vries", Birth: d("2012-04-02"), Addressee: "mevrouw De Vries",
		Place: "Lindewaard", Date: d("2025-09-12"), Reference: "LPA-2025-17", Request: r})
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("letter: %v", err)
	}
	again, _ := DecisionLetter(LetterData{Gemeente: "Lindewaard", Pupil: "Zoë de Vries", Birth: d("2012-04-02"), Addressee: "mevrouw De Vries",
		Place: "Lindewaard", Date: d("2025-09-12"), Reference: "LPA-2025-17", Request: r})
	if !bytes.Equal(pdf, again) {
		t.Error("the letter is not deterministic")
	}
	// The region's own template; a field that does not exist is an error, not an empty gap.
	own, err := DecisionLetter(LetterData{Gemeente: "Lindewaard", Date: d("2025-09-12"), Request: r, Template: "Besluit op {{.Article}}: {{if .Granted}}toegekend{{end}}"})
	if err != nil || len(own) == 0 {
		t.Fatal(err)
	}
	if _, err := DecisionLetter(LetterData{Request: r, Template: "{{.Onbekend}}"}); err == nil {
		t.Error("unknown field accepted")
	}
	if got := d("2026-12-03").Dutch(); got != "3 december 2026" {
		t.Errorf("Dutch date %q", got)
	}
}
