package audit_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
)

func TestNewEntryRejects(t *testing.T) {
	cases := []struct {
		name string
		mod  func(*audit.Record)
		want string
	}{
		{"no time", func(r *audit.Record) { r.Time = time.Time{} }, "tijd ontbreekt"},
		{"end before start", func(r *audit.Record) { r.Start = r.Time; r.End = r.Time.Add(-time.Second) }, "eindtijd"},
		{"unknown access point", func(r *audit.Record) { r.AccessPoint = "fax" }, "toegangspunt"},
		{"no user outside jobs", func(r *audit.Record) { r.Actor.UserID = 0 }, "gebruiker ontbreekt"},
		{"no organisation", func(r *audit.Record) { r.Actor.OrganisationID = 0 }, "organisatie ontbreekt"},
		{"client without organisation", func(r *audit.Record) { r.Actor = audit.Actor{ClientID: 4, Role: "systeem"} }, "organisatie ontbreekt"},
		{"user and parent", func(r *audit.Record) { r.Actor.ParentID = 5 }, "één handelende partij"},
		{"negative id", func(r *audit.Record) { r.ConsentID = -1 }, "negatief"},
		{"no role", func(r *audit.Record) { r.Actor.Role = "" }, "rol ontbreekt"},
		{"role not a code", func(r *audit.Record) { r.Actor.Role = "Leer Plicht" }, "rol"},
		{"BSN as pupil", func(r *audit.Record) { r.Pupil = "111222333" }, "pseudoniem"},
		{"long digit string as pupil", func(r *audit.Record) { r.Pupil = "1112223334445556" }, "pseudoniem"},
		{"name as pupil", func(r *audit.Record) { r.Pupil = "Jan de Vries van Amstel" }, "pseudoniem"},
		{"bad category", func(r *audit.Record) { r.Categories = []string{"Gezondheid!"} }, "categorie"},
		{"unknown action", func(r *audit.Record) { r.Action = "kijken" }, "actie"},
		{"allowed without purpose", func(r *audit.Record) { r.Purpose = "" }, "doel ontbreekt"},
		{"allowed without ground", func(r *audit.Record) { r.LegalGround = "" }, "grondslag ontbreekt"},
		{"allowed without activity", func(r *audit.Record) { r.ProcessingActivity = "" }, "verwerkingsactiviteit ontbreekt"},
		{"denied without reason", func(r *audit.Record) { r.Outcome = audit.Denied; r.Reason = "" }, "reden ontbreekt"},
		{"unknown outcome", func(r *audit.Record) { r.Outcome = "misschien" }, "uitkomst"},
		{"control char in article", func(r *audit.Record) { r.Article = "art.\n4" }, "stuurteken"},
		{"no name", func(r *audit.Record) { r.Name = "" }, "naam"},
		{"bad convenant version", func(r *audit.Record) { r.ConvenantVersion = "v1.2" }, "convenantversie"},
		{"no request id", func(r *audit.Record) { r.RequestID = "" }, "verzoek-id"},
		{"request id with space", func(r *audit.Record) { r.RequestID = "a b" }, "verzoek-id"},
		{"no trace", func(r *audit.Record) { r.TraceID = audit.TraceID{} }, "trace_id"},
		{"no operation", func(r *audit.Record) { r.OperationID = audit.OperationID{} }, "operation_id"},
		{"foreign without ids", func(r *audit.Record) { r.Foreign = &audit.ForeignOperation{Entity: "https://x.nl"} }, "foreign_operation"},
		{"foreign entity not a URI", func(r *audit.Record) {
			r.Foreign = &audit.ForeignOperation{TraceID: audit.NewTraceID(), OperationID: audit.NewOperationID(), Entity: "gemeente"}
		}, "entity"},
		{"activity not a URI", func(r *audit.Record) { r.ProcessingActivity = "verzuim" }, "verwerkingsactiviteit"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := record(1)
			c.mod(&r)
			_, err := audit.NewEntry(r, fakeEnc)
			if !errors.Is(err, audit.ErrInvalidEntry) {
				t.Fatalf("err = %v, want ErrInvalidEntry", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %q, want it to mention %q", err, c.want)
			}
		})
	}
}

func TestNewEntryAccepts(t *testing.T) {
	job := record(2)
	job.AccessPoint = audit.AccessJob
	job.Actor = audit.Actor{Role: "bewaartermijn"}
	job.Action = audit.ActionDestroy
	if _, err := audit.NewEntry(job, fakeEnc); err != nil {
		t.Errorf("job without user: %v", err)
	}
	denied := record(3)
	denied.Outcome, denied.Reason = audit.Denied, "geen-grondslag"
	denied.Purpose, denied.LegalGround, denied.ProcessingActivity = "", "", ""
	if _, err := audit.NewEntry(denied, fakeEnc); err != nil {
		t.Errorf("denied: %v", err)
	}
	parent := record(5)
	parent.Actor = audit.Actor{ParentID: 12, Role: "ouder"}
	parent.AccessPoint = audit.AccessUI
	if _, err := audit.NewEntry(parent, fakeEnc); err != nil {
		t.Errorf("parent: %v", err)
	}
	client := record(6)
	client.Actor = audit.Actor{ClientID: 3, OrganisationID: 8, Role: "systeem"}
	if _, err := audit.NewEntry(client, fakeEnc); err != nil {
		t.Errorf("api client: %v", err)
	}
	noPupil := record(4)
	noPupil.Pupil = ""
	e, err := audit.NewEntry(noPupil, nil)
	if err != nil {
		t.Fatalf("no pupil, no encrypter: %v", err)
	}
	if e.DataSubjectID() != nil {
		t.Error("data subject id without pupil")
	}
}

func TestNewEntryEncryptsSubject(t *testing.T) {
	r := record(1)
	if _, err := audit.NewEntry(r, nil); !errors.Is(err, audit.ErrInvalidEntry) {
		t.Fatalf("pupil without encrypter: err = %v", err)
	}
	var gotAD string
	enc := audit.EncryptFunc(func(p, ad []byte) ([]byte, error) {
		gotAD = string(ad)
		return append([]byte("x"), p...), nil
	})
	e, err := audit.NewEntry(r, enc)
	if err != nil {
		t.Fatal(err)
	}
	if gotAD != audit.SubjectAAD || string(e.DataSubjectID()) != "x"+r.Pupil {
		t.Errorf("subject = %q, aad = %q", e.DataSubjectID(), gotAD)
	}
	failing := audit.EncryptFunc(func(p, ad []byte) ([]byte, error) { return nil, errors.New("sleutel weg") })
	if _, err := audit.NewEntry(r, failing); err == nil || !strings.Contains(err.Error(), "sleutel weg") {
		t.Errorf("failing encrypter: err = %v", err)
	}
}

func TestNewEntryNormalises(t *testing.T) {
	r := record(1)
	r.Time = r.Time.Add(1234567 * time.Nanosecond)
	r.Categories = []string{"verzuim", "identificatie", "verzuim"}
	e, err := audit.NewEntry(r, fakeEnc)
	if err != nil {
		t.Fatal(err)
	}
	got := e.Record()
	if got.Time.Nanosecond()%int(time.Millisecond) != 0 {
		t.Errorf("time not truncated to ms: %v", got.Time)
	}
	if !got.Start.Equal(got.Time) || !got.End.Equal(got.Time) {
		t.Errorf("start/end not defaulted to time")
	}
	if strings.Join(got.Categories, ",") != "identificatie,verzuim" {
		t.Errorf("categories = %v", got.Categories)
	}
	got.Categories[0] = "changed"
	if e.Record().Categories[0] == "changed" {
		t.Error("Record() shares its slice with the entry")
	}
}
