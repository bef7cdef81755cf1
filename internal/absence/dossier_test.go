package absence

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestNewStepGuards(t *testing.T) {
	today := mustDate(t, "2026-12-03")
	ok := Step{Kind: StepNote, On: mustDate(t, "2026-12-01"), Source: "gesprek met moeder", Text: "Moeder belde terug.", By: "L. Plicht"}
	for name, tc := range map[string]struct {
		mod  func(*Step)
		want string
	}{
		"goed":                   {func(*Step) {}, ""},
		"onbekende soort":        {func(s *Step) { s.Kind = "x" }, "kies een soort"},
		"notitie zonder bron":    {func(s *Step) { s.Source = " " }, "bron van de notitie"},
		"zonder tekst":           {func(s *Step) { s.Text = "" }, "tekst"},
		"zonder datum":           {func(s *Step) { s.On = 0 }, "datum"},
		"zonder wie":             {func(s *Step) { s.By = "" }, "vastgelegd door"},
		"in de toekomst":         {func(s *Step) { s.On = today + 1 }, "toekomst"},
		"uitnodiging zonder dag": {func(s *Step) { s.Kind = StepInvitation }, "datum van het gesprek"},
		"afspraak zonder dag":    {func(s *Step) { s.Kind = StepAgreement }, "uiterste datum"},
		"afspraak voor stap":     {func(s *Step) { s.Kind, s.Due = StepAgreement, s.On-1 }, "ligt voor"},
		"te lang":                {func(s *Step) { s.Text = strings.Repeat("a", 8001) }, "8000"},
	} {
		s := ok
		tc.mod(&s)
		_, err := NewStep(s, today)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		if !errors.Is(err, ErrDossier) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", name, err, tc.want)
		}
	}
}

func TestDossierDeadlines(t *testing.T) {
	cal, err := DefaultCalendar(Middle)
	if err != nil {
		t.Fatal(err)
	}
	r := DefaultDossierRules()
	// Friday 18 December 2026: the Christmas holiday follows, so 5 school days end in January.
	opened := mustDate(t, "2026-12-18")
	due := r.FirstContactDue(cal, opened)
	if due.String() != "2027-01-08" {
		t.Fatalf("eerste contact uiterlijk %s, want 2027-01-08", due)
	}
	if ds := r.Deadlines(cal, opened, nil); len(ds) != 1 || ds[0].Due != due || !Overdue(ds, due+1) || Overdue(ds, due) {
		t.Fatalf("deadlines zonder stappen: %+v", ds)
	}
	inv := Step{Kind: StepInvitation, On: mustDate(t, "2027-01-04"), Due: mustDate(t, "2027-01-12")}
	ag := Step{Kind: StepAgreement, On: mustDate(t, "2027-01-04"), Due: mustDate(t, "2027-01-10")}
	ds := r.Deadlines(cal, opened, []Step{inv, ag})
	if len(ds) != 2 || ds[0].Due != ag.Due || ds[1].Due != inv.Due {
		t.Fatalf("na uitnodiging en afspraak: %+v", ds)
	}
	talk := Step{Kind: StepTalk, On: mustDate(t, "2027-01-12")}
	if ds := r.Deadlines(cal, opened, []Step{inv, ag, talk}); len(ds) != 0 {
		t.Fatalf("na het gesprek: %+v", ds)
	}
	if (DossierRules{}).FirstContactDue(cal, opened) != 0 {
		t.Fatal("zonder termijn toch een termijn")
	}
}

func TestStepLetter(t *testing.T) {
	s := Step{Kind: StepInvitation, On: mustDate(t, "2026-12-01"), Due: mustDate(t, "2026-12-08"), By: "L. Plicht, leerplichtambtenaar"}
	d := StepLetterData{Gemeente: "Gemeente Noorderstad", Pupil: "Sanne de Vries", Birth: mustDate(t, "2012-04-02"), Addressee: "ouder(s)/verzorger(s) van Sanne de Vries",
		Place: "Noorderstad", Reference: "LPD-1-2", Ground: GroundAbsolute, Step: s, WithPupil: true}
	a, err := StepLetter(d)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := StepLetter(d)
	if !bytes.HasPrefix(a, []byte("%PDF-")) || !bytes.Equal(a, b) {
		t.Fatal("geen deterministische pdf")
	}
	d.Step.Kind = StepNote
	if _, err := StepLetter(d); !errors.Is(err, ErrDossier) {
		t.Fatalf("notitie als brief: %v", err)
	}
	d.Step.Kind, d.Template = StepWarning, "{{.Onbekend}}"
	if _, err := StepLetter(d); err == nil {
		t.Fatal("sjabloon met onbekend veld geaccepteerd")
	}
}
