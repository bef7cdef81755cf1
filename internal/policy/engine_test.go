package policy_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/policy"
)

func TestDecideDoesNotAllocate(t *testing.T) {
	e := engine(t)
	for _, tc := range decisionCases {
		r := tc.req
		if n := testing.AllocsPerRun(100, func() { _ = e.Decide(r) }); n != 0 {
			t.Errorf("%s: %v allocaties per beslissing, want 0", tc.name, n)
		}
	}
}

func TestReloadKeepsValidConvenant(t *testing.T) {
	e := engine(t)
	before := e.Convenant().Hash()
	err := e.Reload([]byte("convenant: {naam: x}\n"), "kapot.yaml")
	if !errors.Is(err, convenant.ErrInvalid) {
		t.Fatalf("Reload(ongeldig) = %v, want ErrInvalid", err)
	}
	if got := e.Convenant().Hash(); got != before {
		t.Fatalf("ongeldig convenant verving het geldige: %s", got)
	}
	r := decisionCases[0].req
	if !e.Decide(r).Allowed {
		t.Fatal("na mislukte reload beslist de engine anders")
	}
	// A valid change takes effect.
	src := convenant.DefaultYAML()
	v2 := bytes.Replace(src, []byte(`versie: "2026.2"`), []byte(`versie: "2026.3"`), 1)
	if err := e.Reload(v2, "v2.yaml"); err != nil {
		t.Fatal(err)
	}
	if e.Convenant().Version() != "2026.3" || e.Decide(r).ConvenantVersion == before {
		t.Fatal("geldige reload werd niet van kracht")
	}
}

func TestReloadFile(t *testing.T) {
	e := engine(t)
	before := e.Convenant().Hash()
	if err := e.ReloadFile(filepath.Join(t.TempDir(), "weg.yaml")); err == nil || e.Convenant().Hash() != before {
		t.Fatalf("ontbrekend bestand: err = %v", err)
	}
	path := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(path, bytes.Replace(convenant.DefaultYAML(), []byte(`versie: "2026.2"`), []byte(`versie: "2027.1"`), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := e.ReloadFile(path); err != nil || e.Convenant().Version() != "2027.1" {
		t.Fatalf("ReloadFile: %v, versie %s", err, e.Convenant().Version())
	}
}

func TestConcurrentDecideAndReload(t *testing.T) {
	e := engine(t)
	src := convenant.DefaultYAML()
	v2 := bytes.Replace(src, []byte(`versie: "2026.2"`), []byte(`versie: "2026.3"`), 1)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				tc := decisionCases[i%len(decisionCases)]
				if d := e.Decide(tc.req); d.Allowed != tc.allowed {
					t.Errorf("%s: toegestaan = %v", tc.name, d.Allowed)
					return
				}
			}
		}()
	}
	for i := 0; i < 20; i++ {
		s := src
		if i%2 == 0 {
			s = v2
		}
		if err := e.Reload(s, "x.yaml"); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
}

func BenchmarkDecide(b *testing.B) {
	e := engine(b)
	reqs := make([]policy.Request, len(decisionCases))
	for i, tc := range decisionCases {
		reqs[i] = tc.req
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		_ = e.Decide(reqs[i%len(reqs)])
	}
}

func BenchmarkDecideParallel(b *testing.B) {
	e := engine(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			_ = e.Decide(decisionCases[i%len(decisionCases)].req)
			i++
		}
	})
}
