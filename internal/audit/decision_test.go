package audit_test

import (
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/policy"
)

func TestApplyDecision(t *testing.T) {
	var r audit.Record
	r.ApplyDecision(policy.Decision{Allowed: true, Basis: "c", Article: "artikel 5", ConvenantVersion: "sha256:abc123", ConsentID: "42"}, "urn:x")
	if r.Outcome != audit.Allowed || r.LegalGround != "avg-6-1-c" || r.Article != "artikel 5" || r.ConvenantVersion != "abc123" || r.ConsentID != 42 || r.ProcessingActivity != "urn:x" || r.Reason != "" {
		t.Fatalf("allowed: %+v", r)
	}
	r.ApplyDecision(policy.Decision{Missing: "duo-melding", ConvenantVersion: "sha256:abc123"}, "")
	if r.Outcome != audit.Denied || r.Reason != "ontbreekt-duo-melding" || r.LegalGround != "" {
		t.Fatalf("denied: %+v", r)
	}
	r.ApplyDecision(policy.Decision{}, "")
	if r.Reason != "ontbreekt-regel" {
		t.Fatalf("denied without missing: %q", r.Reason)
	}
}

func TestPerPupil(t *testing.T) {
	enc := audit.EncryptFunc(func(p, ad []byte) ([]byte, error) { return append([]byte("x"), p...), nil })
	base := audit.Record{Time: time.Unix(1700000000, 0), Actor: audit.Actor{UserID: 1, OrganisationID: 2, Role: "zorgcoordinator"},
		Categories: []string{"verzuim"}, Action: audit.ActionImport, Purpose: "signalering", AccessPoint: audit.AccessCLI,
		RequestID: "r1", TraceID: audit.NewTraceID(), OperationID: audit.NewOperationID(), Name: "verzuim importeren"}
	base.ApplyDecision(policy.Decision{Allowed: true, Basis: "c", Article: "4.1", ConvenantVersion: "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}, "urn:x:y")
	es, err := audit.PerPupil(base, []string{"0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"}, enc)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 3 {
		t.Fatalf("%d entries", len(es))
	}
	parent := es[0].Record()
	if es[0].Pupil() != "" || parent.OperationID.IsZero() {
		t.Fatalf("the operation's own entry: %+v", parent)
	}
	for _, e := range es[1:] {
		if r := e.Record(); r.ParentOperationID != parent.OperationID || r.OperationID == parent.OperationID || r.TraceID != parent.TraceID {
			t.Errorf("child %+v is not under the operation's entry", r)
		}
	}
	if _, err := audit.PerPupil(audit.Record{}, []string{"0123456789abcdef0123456789abcdef"}, enc); err == nil {
		t.Fatal("an invalid base record was accepted")
	}
}
