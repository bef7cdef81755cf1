package absence

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func completeContent(t *testing.T, s Signal) MeldingContent {
	t.Helper()
	c, err := ProposeMelding(s)
	if err != nil {
		t.Fatal(err)
	}
	if c.SuspectedReason == "" {
		c.SuspectedReason = "Spijbelt op maandag."
	}
	c.SchoolAction = "Gesprek met ouders op 2025-09-23."
	c.Location = "00AA00"
	c.Reporter = Contact{Name: "Z. Coördinator", Function: "zorgcoördinator", Phone: "0201234567", Email: "zc@school.example"}
	c.ParentPhone = "0612345678"
	return c
}

func TestProposeMelding(t *testing.T) {
	s := Signal{Pupil: "L1", Kind: Kind16Hours, From: NewDate(2025, 9, 1), To: NewDate(2025, 9, 22), Hours: 1600, Days: 1}
	c, err := ProposeMelding(s)
	if err != nil || c.Type != Melding16Hours || c.From != s.From || c.To != s.To || c.HoursAbsent != 1600 || c.DaysAbsent != 1 || !c.Type.Statutory() {
		t.Fatalf("%+v %v", c, err)
	}
	for k, want := range map[Kind]MeldingType{KindLuxury: MeldingLuxury, KindStarting: MeldingStarting, KindLongTerm: MeldingMonthOrMore, KindSickSuspect: MeldingSignal} {
		c, err := ProposeMelding(Signal{Kind: k, From: 1})
		if err != nil || c.Type != want || c.Type.Statutory() {
			t.Errorf("%s: %v %v", k, c.Type, err)
		}
	}
	// Sick absence (M@ZL) is never reported; absolute absence has no school to report it.
	for _, k := range []Kind{KindMAZL, KindAbsolute} {
		if _, err := ProposeMelding(Signal{Kind: k}); !errors.Is(err, ErrNotReportable) {
			t.Errorf("%s: %v", k, err)
		}
	}
	// An incomplete proposal cannot be registered.
	if _, err := NewMelding("L1", c, time.Now()); !errors.Is(err, ErrMelding) || !strings.Contains(err.Error(), "actie van de school") {
		t.Errorf("incomplete melding: %v", err)
	}
}

func TestMeldingLifecycle(t *testing.T) {
	t0 := time.Date(2025, 9, 23, 10, 0, 0, 0, time.UTC)
	s := Signal{Pupil: "L1", Kind: Kind16Hours, From: NewDate(2025, 9, 1), To: NewDate(2025, 9, 22), Hours: 1600}
	c := completeContent(t, s)
	c.GemeenteActionWanted = false
	if _, err := NewMelding("L1", c, t0); err == nil {
		t.Fatal("no action wanted without explanation accepted")
	}
	c.GemeenteActionWanted = true
	m, err := NewMelding("L1", c, t0)
	if err != nil {
		t.Fatal(err)
	}
	if m.Status() != StatusRegistered || !m.GivesGround(t0, DefaultGroundRetention) {
		t.Fatal("a registered melding gives ground")
	}
	steps := []struct {
		ch StatusChange
		ok bool
	}{
		{StatusChange{To: StatusInProgress, By: PartySchool, At: t0}, false}, // only the gemeente
		{StatusChange{To: StatusClosed, By: PartyGemeente, At: t0}, false},   // needs a reason
		{StatusChange{To: StatusInProgress, By: PartyGemeente, Reason: CloseDied, At: t0}, false},
		{StatusChange{To: StatusInProgress, By: PartyGemeente, At: t0.Add(time.Hour), Contact: "lpa"}, true},
		{StatusChange{To: StatusWithdrawn, By: PartySchool, At: t0.Add(2 * time.Hour)}, false}, // too late to withdraw
		{StatusChange{To: StatusClosed, By: PartyGemeente, Reason: CloseBackToSchool, Note: NotePupilSeen, At: t0.Add(-time.Hour)}, false},
		{StatusChange{To: StatusClosed, By: PartyGemeente, Reason: CloseBackToSchool, Note: NotePupilSeen, At: t0.Add(48 * time.Hour)}, true},
		{StatusChange{To: StatusInProgress, By: PartyGemeente, At: t0.Add(72 * time.Hour)}, false}, // final
	}
	for i, st := range steps {
		err := m.Transition(st.ch)
		if (err == nil) != st.ok {
			t.Fatalf("step %d (%s by %s): err = %v", i, st.ch.To, st.ch.By, err)
		}
		if err != nil && !errors.Is(err, ErrTransition) {
			t.Fatalf("step %d: %v is not ErrTransition", i, err)
		}
	}
	closed := t0.Add(48 * time.Hour)
	if !m.GivesGround(closed.Add(DefaultGroundRetention), DefaultGroundRetention) || m.GivesGround(closed.Add(DefaultGroundRetention+time.Second), DefaultGroundRetention) {
		t.Error("ground after closing must end with the retention period")
	}
	if m.ClosingReason() != CloseBackToSchool || m.GemeenteContact() != "lpa" {
		t.Error("closing fields")
	}

	// Withdrawn by the school: no ground.
	w, _ := NewMelding("L1", c, t0)
	if err := w.Transition(StatusChange{To: StatusWithdrawn, By: PartySchool, At: t0}); err != nil {
		t.Fatal(err)
	}
	if w.GivesGround(t0, DefaultGroundRetention) || !w.Status().Final() {
		t.Error("a withdrawn melding gives no ground")
	}
}

func TestDocumentJSON(t *testing.T) {
	t0 := time.Date(2025, 9, 23, 10, 0, 0, 0, time.UTC)
	c := completeContent(t, Signal{Pupil: "L1", Kind: KindSickSuspect, From: NewDate(2025, 9, 1), To: NewDate(2025, 9, 2), Hours: 1050, Days: 2})
	m, _ := NewMelding("L1", c, t0)
	if _, err := NewDocument(m, "paspoort", "x"); err == nil {
		t.Error("bad number kind accepted")
	}
	d, err := NewDocument(m, "bsn", "123456782")
	if err != nil {
		t.Fatal(err)
	}
	if d.Format != DocumentFormat || d.Statutory || d.Content.Type != MeldingSignal || d.Content.HoursAbsent.Float() != 10.5 || d.Content.From != NewDate(2025, 9, 1) ||
		d.Status != StatusRegistered || d.PersonNumber != "123456782" || d.NumberKind != "bsn" {
		t.Fatalf("document: %+v", d)
	}
}

func TestSignalJSON(t *testing.T) {
	s := Signal{Pupil: "L1", Kind: Kind16Hours, From: NewDate(2025, 9, 1), To: NewDate(2025, 9, 22), Hours: 1650, Days: 2, Source: "art. 21a"}
	b, _ := json.Marshal(s)
	if string(b) != `{"leerling":"L1","soort":"16-uur-in-4-lesweken","van":"2025-09-01","tot":"2025-09-22","uren":16.5,"dagen":2,"bron":"art. 21a"}` {
		t.Fatalf("%s", b)
	}
	var back Signal
	if err := json.Unmarshal(b, &back); err != nil || back != s {
		t.Fatalf("%+v %v", back, err)
	}
}

func TestSignalJSONMatchesEncodingJSON(t *testing.T) {
	for _, pupil := range []string{"L1", `a"b\c`, "tab\tnl\n", "é☃", "bad\xffbyte", "x\u2028y", "<&>"} {
		s := Signal{Pupil: pupil, Kind: KindLongTerm, From: NewDate(2025, 9, 1), To: NewDate(2026, 1, 9), Hours: 37525, Days: 75, Source: "bron \"x\"", Priority: true,
			Reached: NewDate(2025, 9, 4), Ended: NewDate(2026, 1, 12), EndReason: EndBack}
		got := s.AppendJSON(nil)
		want, _ := json.Marshal(signalJSON{s.Pupil, s.Kind, s.From, s.To, s.Hours.Float(), s.Days, s.Source, s.Priority, s.Reached, s.Ended, string(s.EndReason)})
		var a, b any
		if err := json.Unmarshal(got, &a); err != nil {
			t.Fatalf("%q: invalid JSON %s: %v", pupil, got, err)
		}
		json.Unmarshal(want, &b)
		if !jsonEqual(a, b) {
			t.Errorf("%q:\n%s\n%s", pupil, got, want)
		}
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// Every status, closing reason and closing note has its own words (issue 15: no codes on pages).
func TestMeldingLabels(t *testing.T) {
	seen := map[string]bool{}
	check := func(code, label string) {
		t.Helper()
		if label == "" || label == code || seen[label] {
			t.Errorf("%s: label %q missing, the code itself, or used twice", code, label)
		}
		seen[label] = true
	}
	for _, s := range Statuses() {
		check(string(s), s.Label())
	}
	for _, r := range ClosingReasons() {
		check(string(r), r.Label())
	}
	for _, n := range ClosingNotes() {
		check(string(n), n.Label())
	}
	if Status("onbekend").Label() != "onbekend" {
		t.Error("an unknown code is returned as it is")
	}
}
