package consent

import (
	"errors"
	"slices"
	"testing"
)

func testAsk(t *testing.T) Ask {
	t.Helper()
	a, err := NewAsk(AskDraft{PupilID: 1, Purpose: PurposeJeugdhulp, Recipients: []Recipient{{Party: "jeugdhulp", OrganisationID: 7}},
		Categories: []string{"gezinssituatie"}, FormVersion: "2026-1", FormHash: hashB, AskedBy: "gebruiker:5", AskedAt: at("2026-03-01 09:00")}, BuiltinConfig())
	if err != nil {
		t.Fatal(err)
	}
	return a.WithID(3)
}

func TestAskWhoAnswersByAge(t *testing.T) {
	cfg := BuiltinConfig()
	tests := []struct {
		name     string
		birth    string
		expected []Giver
	}{
		{"9: both parents with gezag, not the stepfather", "2017-01-01", []Giver{ParentGiver(10), ParentGiver(11)}},
		{"14: the pupil and both parents", "2012-01-01", []Giver{PupilGiver(), ParentGiver(10), ParentGiver(11)}},
		{"16 on the day: the pupil alone", "2010-03-02", []Giver{PupilGiver()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := testAsk(t)
			p, err := a.Progress(family(tt.birth), cfg.Rules, at("2026-03-02 10:00"))
			if err != nil || !slices.Equal(p.Expected, tt.expected) || !slices.Equal(p.Waiting, tt.expected) || p.Complete {
				t.Fatalf("progress = %+v, %v", p, err)
			}
			for _, g := range []Giver{PupilGiver(), ParentGiver(10), ParentGiver(12)} {
				err := a.CheckAnswer(g, family(tt.birth), cfg.Rules, at("2026-03-02 10:00"))
				if want := slices.Contains(tt.expected, g); (err == nil) != want || (err != nil && !errors.Is(err, ErrWrongGiver)) {
					t.Errorf("%s may answer = %v, want %v", g, err, want)
				}
			}
			// Everyone expected says yes: the outcome is a consent with them as givers, online.
			for _, g := range tt.expected {
				a = a.WithAnswer(AskAnswer{Giver: g, Yes: true, At: at("2026-03-02 10:00"), Channel: ChannelDigital})
			}
			d, st, err := a.Outcome(family(tt.birth), cfg, at("2026-03-02 10:05"), "ouder:10")
			if err != nil || st != AskGiven || d == nil || !slices.Equal(d.Givers, tt.expected) || d.Channel != ChannelDigital {
				t.Fatalf("outcome = %+v %s %v", d, st, err)
			}
			if _, err := New(*d, family(tt.birth), cfg); err != nil {
				t.Fatalf("outcome is not a valid consent: %v", err)
			}
		})
	}
}

func TestAskRefusalAndOneParent(t *testing.T) {
	cfg := BuiltinConfig()
	a := testAsk(t).WithAnswer(AskAnswer{Giver: ParentGiver(10), Yes: true, At: at("2026-03-02 10:00")})
	// One yes of two: open, the other parent is missing.
	out, st, err := a.Outcome(family("2017-01-01"), cfg, at("2026-03-02 10:00"), "ouder:10")
	if out != nil || st != AskOpen || err != nil {
		t.Fatalf("one of two: %v %s %v", out, st, err)
	}
	a = a.WithAnswer(AskAnswer{Giver: ParentGiver(11), Yes: false, At: at("2026-03-02 11:00")})
	out, st, err = a.Outcome(family("2017-01-01"), cfg, at("2026-03-02 11:00"), "ouder:11")
	if err != nil || st != AskRefused || out.Status != StatusRefused || !slices.Equal(out.Givers, []Giver{ParentGiver(11)}) {
		t.Fatalf("refusal: %+v %s %v", out, st, err)
	}
	// Sole gezag: one parent is enough.
	sole := Family{PupilID: 1, BirthDate: d("2017-01-01"), Guardians: []Guardian{{10, true}, {11, false}}}
	b := testAsk(t).WithAnswer(AskAnswer{Giver: ParentGiver(10), Yes: true, At: at("2026-03-02 10:00")})
	if _, st, _ := b.Outcome(sole, cfg, at("2026-03-02 10:00"), "ouder:10"); st != AskGiven {
		t.Fatalf("sole gezag: %s", st)
	}
	// The evidence hash changes with every answer.
	if testAsk(t).Evidence() == b.Evidence() {
		t.Error("evidence does not cover the answers")
	}
}

func TestNewAskRefusesWhatTheConvenantDoesNotAsk(t *testing.T) {
	cfg := BuiltinConfig()
	base := AskDraft{PupilID: 1, Purpose: PurposeJeugdhulp, Recipients: []Recipient{{Party: "jeugdhulp"}}, Categories: []string{"gezinssituatie"},
		FormVersion: "2026-1", FormHash: hashB, AskedBy: "gebruiker:5", AskedAt: at("2026-03-01 09:00")}
	for name, edit := range map[string]func(*AskDraft){
		"leerplicht needs no consent": func(d *AskDraft) { d.Purpose = PurposeLeerplicht },
		"unknown purpose":             func(d *AskDraft) { d.Purpose = "x" },
		"no recipient":                func(d *AskDraft) { d.Recipients = nil },
		"no categories":               func(d *AskDraft) { d.Categories = nil },
		"no form":                     func(d *AskDraft) { d.FormHash = "" },
		"nobody asks":                 func(d *AskDraft) { d.AskedBy = "" },
	} {
		d := base
		edit(&d)
		if _, err := NewAsk(d, cfg); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
