package absence

import (
	"bytes"
	"context"
	"math/rand/v2"
	"testing"
)

// BenchmarkEvaluateCSV measures reading and evaluating an in-memory file grouped per pupil
// (go test -bench EvaluateCSV ./internal/absence). The national-scale benchmark with the
// PostgreSQL baseline is the command in bench/verzuim.
func BenchmarkEvaluateCSV(b *testing.B) {
	c := midden(b)
	e, _ := NewEvaluator(c, DefaultRules())
	rng := rand.New(rand.NewPCG(1, 1))
	rs := randomRegs(rng, c, 2000)
	in := []byte(toCSV(rs))
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		if _, err := e.EvaluateCSV(context.Background(), bytes.NewReader(in), StreamOptions{AsOf: NewDate(2026, 7, 31), TempDir: b.TempDir(),
			Emit: func(Signal) error { n++; return nil }}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(rs))*float64(b.N)/b.Elapsed().Seconds(), "registraties/s")
}
