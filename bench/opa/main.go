// Command opa compares the Grondslag decision engine with the same rules written in Rego and
// evaluated by OPA (github.com/open-policy-agent/opa/v1/rego). It lives in its own module so
// that the product does not depend on OPA.
//
//	cd bench/opa && go run . [-n 20000] [-rondes 5] [-write]
//
// It first checks that both engines agree on every request of the workload (allowed, rule,
// ground, article), then measures decisions per second and the p50/p99 latency of one
// decision for each, in the same process, one goroutine, and prints a Markdown table.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"slices"
	"time"

	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/open-policy-agent/opa/v1/ast"
)

func main() {
	n := flag.Int("n", 20000, "aantal verschillende vragen in de werklast")
	rounds := flag.Int("rondes", 5, "aantal meetrondes per engine (de mediaan telt)")
	write := flag.Bool("write", false, "schrijf de gegenereerde Rego naar grondslag.rego en stop")
	flag.Parse()
	if err := run(*n, *rounds, *write); err != nil {
		fmt.Fprintln(os.Stderr, "bench/opa:", err)
		os.Exit(1)
	}
}

func run(n, rounds int, write bool) error {
	ctx := context.Background()
	k, err := convenant.Default()
	if err != nil {
		return err
	}
	module := GenerateRego(k)
	if write {
		return os.WriteFile("grondslag.rego", []byte(module), 0o644)
	}
	eng := policy.NewEngine(k)
	opa, err := newOPA(ctx, module)
	if err != nil {
		return err
	}
	reqs := workload(k, n, 1)
	inputs, err := parsedInputs(reqs)
	if err != nil {
		return err
	}
	allowed, err := agree(ctx, eng, opa, reqs, inputs)
	if err != nil {
		return err
	}
	fmt.Printf("Werklast: %d vragen, %d toegestaan; beide engines geven op elke vraag hetzelfde besluit, dezelfde regel, grondslag en artikel.\n\n", len(reqs), allowed)

	ours := measure(rounds, len(reqs), func(i int) { _ = eng.Decide(reqs[i]) })
	theirs := measure(rounds, len(reqs), func(i int) {
		if _, err := opa.decide(ctx, inputs[i]); err != nil {
			panic(err)
		}
	})
	fmt.Printf("Go %s, %s/%s, %d CPU's, GOMAXPROCS %d; mediaan van %d rondes.\n\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0), rounds)
	fmt.Println("| engine | beslissingen/s | p50 | p99 | uitleg in het antwoord |")
	fmt.Println("| --- | ---: | ---: | ---: | --- |")
	fmt.Printf("| Grondslag (internal/policy) | %.0f | %s | %s | ja: reden, voorwaarden, plichten, ontbrekend |\n", ours.perSec, ours.p50, ours.p99)
	fmt.Printf("| OPA v1 rego, voorbereide query | %.0f | %s | %s | nee: alleen besluit, regel, grondslag, artikel |\n", theirs.perSec, theirs.p50, theirs.p99)
	fmt.Printf("\nVerhouding doorvoer: %.0f× ; verhouding p99: %.0f×\n", ours.perSec/theirs.perSec, float64(theirs.p99)/float64(ours.p99))
	return nil
}

// agree checks that both engines decide every request alike.
func agree(ctx context.Context, eng *policy.Engine, opa *opaEngine, reqs []policy.Request, inputs []ast.Value) (int, error) {
	allowed := 0
	for i, r := range reqs {
		d := eng.Decide(r)
		o, err := opa.decide(ctx, inputs[i])
		if err != nil {
			return 0, err
		}
		if d.Allowed != o.Allowed {
			return 0, fmt.Errorf("vraag %d (%+v): Grondslag %v (%s), OPA %v (%s)", i, r, d.Allowed, d.RuleID, o.Allowed, o.Rule)
		}
		if d.Allowed {
			allowed++
			if d.RuleID != o.Rule || d.Ground != o.Ground || d.Article != o.Article {
				return 0, fmt.Errorf("vraag %d (%+v): Grondslag %s/%s/%s, OPA %s/%s/%s", i, r, d.RuleID, d.Ground, d.Article, o.Rule, o.Ground, o.Article)
			}
		} else if d.Missing == policy.MissingForbidden && d.RuleID != o.Rule {
			return 0, fmt.Errorf("vraag %d: verbod %s tegen %s", i, d.RuleID, o.Rule)
		}
	}
	return allowed, nil
}

type result struct {
	perSec   float64
	p50, p99 time.Duration
}

// measure runs every request once per round without timers (throughput), then once per round
// with a timer around each call (latency; includes about 20–40 ns of timer overhead).
func measure(rounds, n int, call func(i int)) result {
	for i := range n { // warm up
		call(i)
	}
	var rates []float64
	var lat []time.Duration
	for range rounds {
		start := time.Now()
		for i := range n {
			call(i)
		}
		rates = append(rates, float64(n)/time.Since(start).Seconds())
	}
	for range rounds {
		for i := range n {
			t0 := time.Now()
			call(i)
			lat = append(lat, time.Since(t0))
		}
	}
	slices.Sort(rates)
	slices.Sort(lat)
	return result{perSec: rates[len(rates)/2], p50: lat[len(lat)/2], p99: lat[len(lat)*99/100]}
}
