package consent

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func formInput(birth, purpose string, guardians int) FormInput {
	return FormInput{Organisation: "Het Baken, Almere", Contact: "J. Bakker, zorgcoördinator (zorg@hetbaken.example)", PupilID: 1,
		PupilName: "Sem <b>Jansen</b>", BirthDate: d(birth), Guardians: guardians, Purpose: purpose, Date: d("2026-03-02")}
}

func TestRenderForm(t *testing.T) {
	cfg := modelConfig(t)
	tests := []struct {
		name                 string
		in                   FormInput
		signers              int
		pupilSigns           bool
		who                  string
		mustText, mustntText []string
	}{
		{"jeugdhulp 13, joint gezag", formInput("2013-01-01", PurposeJeugdhulp, 2), 3, true, "uw kind én beide ouders",
			[]string{"de jeugdhulpaanbieder", "gezondheid (extra beschermd gegeven)", "12 maanden, tot en met 1 maart 2027", "Intrekken mag altijd", "J. Bakker"}, nil},
		{"jeugdhulp 9, sole gezag", formInput("2017-01-01", PurposeJeugdhulp, 1), 1, false, "Eén ouder met gezag tekent", nil, []string{"Leerling:"}},
		{"jeugdhulp 16: the form speaks to the pupil", formInput("2010-03-02", PurposeJeugdhulp, 2), 1, true, "beslis je zelf",
			[]string{"Je mag nee zeggen", "Jouw rechten", "hulp die jij of je gezin krijgt (extra beschermd gegeven)", "Wij willen gegevens over jou delen", "Bewaar een kopie voor jezelf."},
			[]string{"Ouder of voogd met gezag:", "uw kind", "Uw ", " u "}},
		{"toeleiding 9", formInput("2017-01-01", PurposeToeleiding, 2), 1, false, "dan is één handtekening genoeg", []string{"de school", "gezondheid"}, []string{"jeugdhulpaanbieder"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := RenderForm(tt.in, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Count(f.Text, "[ ] ja, ik geef toestemming"); got != tt.signers {
				t.Errorf("%d signature blocks, want %d:\n%s", got, tt.signers, f.Text)
			}
			if got := strings.Count(string(f.HTML), `class="sign"`); got != tt.signers {
				t.Errorf("HTML has %d signature blocks, want %d", got, tt.signers)
			}
			if strings.Contains(f.Text, "Leerling:") != tt.pupilSigns {
				t.Errorf("pupil signs = %v, want %v", !tt.pupilSigns, tt.pupilSigns)
			}
			if !strings.Contains(strings.ToLower(f.Text), strings.ToLower(tt.who)) {
				t.Errorf("text lacks %q", tt.who)
			}
			for _, s := range tt.mustText {
				if !strings.Contains(f.Text, s) || !strings.Contains(string(f.HTML), strings.ReplaceAll(s, "(extra beschermd gegeven)", "<em>(extra beschermd gegeven)</em>")) {
					t.Errorf("form lacks %q", s)
				}
			}
			for _, s := range tt.mustntText {
				if strings.Contains(f.Text, s) {
					t.Errorf("form should not contain %q", s)
				}
			}
			if strings.Contains(string(f.HTML), "<b>Jansen</b>") || !strings.Contains(string(f.HTML), "Sem &lt;b&gt;Jansen&lt;/b&gt;") {
				t.Error("pupil name not escaped in HTML")
			}
			if !strings.Contains(string(f.HTML), "kenmerk "+f.Ref()) || len(f.Hash) != 64 || f.Version != FormVersion {
				t.Errorf("reference/hash/version: %s %s", f.Ref(), f.Version)
			}
		})
	}
}

func TestRenderFormHash(t *testing.T) {
	cfg := modelConfig(t)
	a, _ := RenderForm(formInput("2013-01-01", PurposeJeugdhulp, 2), cfg)
	b, _ := RenderForm(formInput("2013-01-01", PurposeJeugdhulp, 2), cfg)
	if a.Hash != b.Hash {
		t.Error("same input, different hash")
	}
	in := formInput("2013-01-01", PurposeJeugdhulp, 2)
	in.Contact = "iemand anders"
	c, _ := RenderForm(in, cfg)
	if c.Hash == a.Hash {
		t.Error("different wording, same hash")
	}
}

func TestRenderFormRefuses(t *testing.T) {
	cfg := modelConfig(t)
	for name, in := range map[string]FormInput{
		"no consent for leerplicht": formInput("2013-01-01", PurposeLeerplicht, 2),
		"nothing shared on consent": formInput("2013-01-01", PurposeSignalering, 2),
		"unknown purpose":           formInput("2013-01-01", "reclame", 2),
		"no contact for withdrawal": func() FormInput { f := formInput("2013-01-01", PurposeJeugdhulp, 2); f.Contact = ""; return f }(),
		"no pupil name":             func() FormInput { f := formInput("2013-01-01", PurposeJeugdhulp, 2); f.PupilName = " "; return f }(),
	} {
		if _, err := RenderForm(in, cfg); err == nil || !(errors.Is(err, ErrInvalid) || errors.Is(err, ErrUnknownPurpose)) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestFormPDF(t *testing.T) {
	cfg := modelConfig(t)
	f, err := RenderForm(formInput("2013-01-01", PurposeJeugdhulp, 2), cfg)
	if err != nil {
		t.Fatal(err)
	}
	a, err := f.PDF()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(a, []byte("%PDF-")) || len(a) < 2000 {
		t.Fatalf("not a PDF (%d bytes)", len(a))
	}
	b, _ := f.PDF()
	if !bytes.Equal(a, b) {
		t.Error("PDF output not deterministic")
	}
	if _, err := (Form{}).PDF(); err == nil {
		t.Error("zero form rendered")
	}
}
