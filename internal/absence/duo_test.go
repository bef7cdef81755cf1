package absence

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestApplyStatus: DUO's answers are taken over into the melding: the number first, then the
// gemeente's statuses; repeats change nothing; what the process forbids is a conflict.
func TestApplyStatus(t *testing.T) {
	t0 := time.Date(2026, 9, 14, 10, 0, 0, 0, time.UTC)
	c := completeContent(t, Signal{Pupil: "L1", Kind: Kind16Hours, From: NewDate(2026, 9, 1), Hours: 1600})
	m, err := NewMelding("1", c, t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.ApplyStatus(StatusReport{Status: StatusRegistered, At: t0}); err == nil {
		t.Fatal("a report without number or kenmerk must be refused")
	}
	if out, err := m.ApplyStatus(StatusReport{DUONumber: "VZM1", Status: StatusRegistered, At: t0}); err != nil || out != OutcomeNumbered || m.DUONumber() != "VZM1" {
		t.Fatalf("number: %s %v %q", out, err, m.DUONumber())
	}
	if out, err := m.ApplyStatus(StatusReport{DUONumber: "VZM1", Status: StatusRegistered, At: t0}); err != nil || out != OutcomeUnchanged {
		t.Fatalf("repeat: %s %v", out, err)
	}
	if out, err := m.ApplyStatus(StatusReport{DUONumber: "VZM2", Status: StatusInProgress, At: t0}); !errors.Is(err, ErrTransition) || out != OutcomeConflict || m.Status() != StatusRegistered {
		t.Fatalf("another melding's number: %s %v", out, err)
	}
	if out, err := m.ApplyStatus(StatusReport{DUONumber: "VZM1", Status: StatusInProgress, At: t0.Add(time.Hour), Contact: "M. de Vries"}); err != nil || out != OutcomeChanged ||
		m.Status() != StatusInProgress || m.GemeenteContact() != "M. de Vries" {
		t.Fatalf("in behandeling: %s %v %s", out, err, m.Status())
	}
	if _, err := m.ApplyStatus(StatusReport{DUONumber: "VZM1", Status: StatusClosed, At: t0.Add(2 * time.Hour)}); !errors.Is(err, ErrMelding) {
		t.Fatalf("afgesloten without reason: %v", err)
	}
	if out, err := m.ApplyStatus(StatusReport{DUONumber: "VZM1", Status: StatusClosed, ClosingReason: CloseBackToSchool, ClosingNote: NotePupilSeen, At: t0.Add(2 * time.Hour)}); err != nil || out != OutcomeChanged || m.Status() != StatusClosed {
		t.Fatalf("afgesloten: %s %v", out, err)
	}
	if out, err := m.ApplyStatus(StatusReport{DUONumber: "VZM1", Status: StatusInProgress, At: t0.Add(3 * time.Hour)}); !errors.Is(err, ErrTransition) || out != OutcomeConflict || m.Status() != StatusClosed {
		t.Fatalf("back from afgesloten: %s %v %s", out, err, m.Status())
	}
}

func TestSubmissionValidate(t *testing.T) {
	c := completeContent(t, Signal{Pupil: "L1", Kind: Kind16Hours, From: NewDate(2026, 9, 1), Hours: 1600})
	m, err := NewMelding("1", c, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	doc, err := NewDocument(m, "bsn", "999900006")
	if err != nil {
		t.Fatal(err)
	}
	ok := Submission{Reference: "GS-1", BRIN: "01AA", Vestiging: "00", Document: doc}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]Submission{
		"geen kenmerk": {BRIN: "01AA", Document: doc}, "geen BRIN": {Reference: "GS-1", Document: doc},
		"geen nummer": {Reference: "GS-1", BRIN: "01AA", Document: Document{Status: StatusRegistered}},
	} {
		if err := s.Validate(); !errors.Is(err, ErrMelding) {
			t.Errorf("%s: %v", name, err)
		}
	}
	bad := ok
	bad.Document.Status = StatusClosed
	if err := bad.Validate(); err == nil {
		t.Error("a school cannot send afgesloten")
	}
}

// TestDUORefusal: a refusal is ErrDUORefused, never carries a persoonsgebonden nummer DUO echoed,
// and a plain refused error becomes a rejection; other errors are no refusal.
func TestDUORefusal(t *testing.T) {
	r := NewDUORefusal(RefusalRejected, "F012", "Het BSN 123456782 is onbekend in de BRP.")
	if !errors.Is(r, ErrDUORefused) || strings.Contains(r.Error(), "123456782") || !strings.Contains(r.Text(), "Afgewezen door DUO (F012): Het BSN [nummer] is onbekend") {
		t.Fatalf("refusal: %v", r)
	}
	if f := NewDUORefusal(RefusalError, "", ""); f.Kind.AuditCode() != "duo-fout" || !strings.Contains(f.Text(), "Fout bij DUO: DUO gaf geen toelichting.") {
		t.Fatalf("fout: %v", f)
	}
	wrapped := fmt.Errorf("versturen: %w", r)
	if got, ok := RefusalOf(wrapped); !ok || got != r {
		t.Fatal("RefusalOf through a wrap")
	}
	if got, ok := RefusalOf(fmt.Errorf("%w: BRIN ontbreekt", ErrDUORefused)); !ok || got.Kind != RefusalRejected || !strings.Contains(got.Message, "BRIN ontbreekt") {
		t.Fatalf("plain refusal: %+v", got)
	}
	if _, ok := RefusalOf(errors.New("verbinding verbroken")); ok {
		t.Fatal("a broken connection is no refusal by DUO")
	}
	if _, ok := RefusalOf(fmt.Errorf("%w: BRIN ontbreekt", ErrMelding)); ok {
		t.Fatal("Grondslag's own check is no refusal by DUO")
	}
}
