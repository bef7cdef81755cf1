package audit_test

import (
	"testing"

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
