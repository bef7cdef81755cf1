//go:build linux

package policy_test

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/policy"
)

// mixWorkload is a deterministic mix like bench/opa's: half aimed at a random exchange of the
// convenant (allowed or failing on a condition), half random codes (mostly refused).
func mixWorkload(k *convenant.Compiled, n int) []policy.Request {
	rng := rand.New(rand.NewPCG(1, 2))
	parties, cats, purps, phases, ex := k.Parties(), k.Categories(), k.Purposes(), k.Phases(), k.Exchanges()
	actions := []policy.Action{policy.Read, policy.Record, policy.Disclose}
	levels := []string{"", "persoon", "school", "geaggregeerd"}
	actor := func() policy.Actor {
		p := parties[rng.IntN(len(parties))]
		return policy.Actor{Party: p.Code, Role: p.Roles[rng.IntN(len(p.Roles))].Code}
	}
	out := make([]policy.Request, 0, n)
	for len(out) < n {
		var r policy.Request
		if rng.IntN(2) == 0 {
			e := ex[rng.IntN(len(ex))]
			p, _ := k.Party(e.Party.Value)
			role := p.Roles[rng.IntN(len(p.Roles))].Code
			if len(e.Roles) > 0 {
				role = e.Roles[rng.IntN(len(e.Roles))].Value
			}
			r = policy.Request{Actor: policy.Actor{Party: e.Party.Value, Role: role}, Action: policy.Action(e.Actions[rng.IntN(len(e.Actions))].Value),
				Category: e.Categories[rng.IntN(len(e.Categories))].Value, Purpose: e.Purpose.Value}
			if r.Action == policy.Disclose {
				if e.Recipient != nil {
					rp, _ := k.Party(e.Recipient.Party.Value)
					r.Recipient = policy.Actor{Party: rp.Code, Role: rp.Roles[rng.IntN(len(rp.Roles))].Code}
					if len(e.Recipient.Roles) > 0 && rng.IntN(4) != 0 {
						r.Recipient.Role = e.Recipient.Roles[rng.IntN(len(e.Recipient.Roles))].Value
					}
				} else {
					r.Recipient = actor()
				}
			}
		} else {
			r = policy.Request{Actor: actor(), Action: actions[rng.IntN(3)], Category: cats[rng.IntN(len(cats))].Code, Purpose: purps[rng.IntN(len(purps))].Code}
			if r.Action == policy.Disclose {
				r.Recipient = actor()
			}
		}
		r.Context = policy.Context{DUOMelding: rng.IntN(2) == 0, Consent: rng.IntN(2) == 0, Level: levels[rng.IntN(4)]}
		if rng.IntN(2) == 0 {
			r.Context.Phase = phases[rng.IntN(len(phases))].Code
		}
		out = append(out, r)
	}
	return out
}

// BenchmarkDecideMix: throughput on the mixed workload, and the p50/p99 over the requests of
// each request's own latency. A shared, loaded machine preempts single calls at random, so each
// request is timed in 7 passes and its fastest pass counts (the intrinsic cost of that request);
// p99 is then over requests, not over scheduler noise. Includes ~20–40 ns of timer overhead.
func BenchmarkDecideMix(b *testing.B) {
	k, _ := convenant.Default()
	e := policy.NewEngine(k)
	reqs := mixWorkload(k, 5000)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = e.Decide(reqs[i%len(reqs)])
	}
	b.StopTimer()
	best := make([]time.Duration, len(reqs))
	for pass := 0; pass < 7; pass++ {
		for j := range reqs {
			t0 := time.Now()
			_ = e.Decide(reqs[j])
			if d := time.Since(t0); pass == 0 || d < best[j] {
				best[j] = d
			}
		}
	}
	slices.Sort(best)
	b.ReportMetric(float64(best[len(best)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(best[len(best)*99/100].Nanoseconds()), "p99-ns")
}

// BenchmarkDecideMixCPU: the same workload, measured in CPU time of the benchmarking thread
// (getrusage RUSAGE_THREAD), which a loaded machine disturbs far less than wall time.
func BenchmarkDecideMixCPU(b *testing.B) {
	k, _ := convenant.Default()
	e := policy.NewEngine(k)
	reqs := mixWorkload(k, 5000)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var r0, r1 syscall.Rusage
	_ = syscall.Getrusage(1, &r0) // RUSAGE_THREAD
	n := 0
	for i := 0; b.Loop(); i++ {
		_ = e.Decide(reqs[i%len(reqs)])
		n++
	}
	_ = syscall.Getrusage(1, &r1)
	cpu := time.Duration(r1.Utime.Nano()-r0.Utime.Nano()) + time.Duration(r1.Stime.Nano()-r0.Stime.Nano())
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(n), "cpu-ns/op")
}
