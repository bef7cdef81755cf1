package main

import (
	"context"
	"os"
	"testing"

	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/policy"
)

func setup(tb testing.TB) (*policy.Engine, *opaEngine, []policy.Request) {
	tb.Helper()
	k, err := convenant.Default()
	if err != nil {
		tb.Fatal(err)
	}
	opa, err := newOPA(context.Background(), GenerateRego(k))
	if err != nil {
		tb.Fatal(err)
	}
	return policy.NewEngine(k), opa, workload(k, 5000, 1)
}

// TestAgreement: the Rego policy and the Grondslag engine decide every request alike.
func TestAgreement(t *testing.T) {
	eng, opa, reqs := setup(t)
	inputs, err := parsedInputs(reqs)
	if err != nil {
		t.Fatal(err)
	}
	allowed, err := agree(context.Background(), eng, opa, reqs, inputs)
	if err != nil {
		t.Fatal(err)
	}
	if allowed < len(reqs)/10 || allowed > len(reqs)*9/10 {
		t.Fatalf("werklast onevenwichtig: %d van %d toegestaan", allowed, len(reqs))
	}
}

// TestRegoFileUpToDate: grondslag.rego (for reading) is what GenerateRego produces.
func TestRegoFileUpToDate(t *testing.T) {
	k, _ := convenant.Default()
	got, err := os.ReadFile("grondslag.rego")
	if err != nil || string(got) != GenerateRego(k) {
		t.Fatal("grondslag.rego is verouderd; voer uit: go run . -write")
	}
}

func BenchmarkGrondslag(b *testing.B) {
	eng, _, reqs := setup(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = eng.Decide(reqs[i%len(reqs)])
	}
}

func BenchmarkOPA(b *testing.B) {
	_, opa, reqs := setup(b)
	inputs, err := parsedInputs(reqs)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := opa.decide(ctx, inputs[i%len(inputs)]); err != nil {
			b.Fatal(err)
		}
	}
}
