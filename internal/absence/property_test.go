package absence

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// randomRegs makes a plausible school year of registrations for a few pupils.
func randomRegs(rng *rand.Rand, c *Calendar, pupils int) []Registration {
	var out []Registration
	from := NewDate(2025, 8, 25)
	reasons := []Reason{Unauthorised, Unauthorised, Sick, Late, SickSuspect, Unauthorised}
	for p := range pupils {
		name := fmt.Sprintf("L%03d", p)
		rate := rng.Float64() * 0.4
		for d := from; d < from+320; d++ {
			if !c.IsSchoolDay(d) || rng.Float64() > rate {
				continue
			}
			out = append(out, Registration{Pupil: name, Day: d, Hours: Hours(rng.IntN(7)) * 100, Reason: reasons[rng.IntN(len(reasons))]})
		}
	}
	return out
}

func toCSV(rs []Registration) string {
	var b strings.Builder
	b.WriteString("leerling,datum,uren,reden\n")
	for _, r := range rs {
		fmt.Fprintf(&b, "%s,%s,%s,%s\n", r.Pupil, r.Day, strings.Replace(r.Hours.String(), ",", ".", 1), r.Reason)
	}
	return b.String()
}

func evalCSV(t *testing.T, e *Evaluator, in string, bufRows int) StreamResult {
	t.Helper()
	res, err := e.EvaluateCSV(context.Background(), bytes.NewReader([]byte(in)), StreamOptions{AsOf: NewDate(2026, 7, 31), BufferRows: bufRows, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestPropertyPermutationInvariant(t *testing.T) {
	for _, procs := range []int{1, 2} { // serial reader and parsing pipeline
		t.Run(fmt.Sprint("procs", procs), func(t *testing.T) {
			prev := runtime.GOMAXPROCS(procs)
			defer runtime.GOMAXPROCS(prev)
			permutationInvariant(t)
		})
	}
}

func permutationInvariant(t *testing.T) {
	c := midden(t)
	e, _ := NewEvaluator(c, DefaultRules())
	for seed := range uint64(8) {
		rng := rand.New(rand.NewPCG(seed, 42))
		rs := randomRegs(rng, c, 12)
		base := evalCSV(t, e, toCSV(rs), 0)
		if len(base.Signals) == 0 {
			t.Fatalf("seed %d: no signals at all; the generator is too mild", seed)
		}
		shuffled := slices.Clone(rs)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		for _, buf := range []int{0, 5, 64, 300} { // in memory, many runs with restart, a few runs, radix-sorted runs
			got := evalCSV(t, e, toCSV(shuffled), buf)
			if !slices.EqualFunc(got.Signals, base.Signals, func(a, b Signal) bool { return a == b }) {
				t.Fatalf("seed %d buf %d: signals differ after shuffling:\n%v\n%v", seed, buf, got.Signals, base.Signals)
			}
			if !got.ExternalSort {
				t.Fatalf("seed %d: shuffled input should need sorting", seed)
			}
		}
		// Emit: the same signals, none kept in the result, also after a restart.
		for k, in := range []string{toCSV(rs), toCSV(shuffled)} {
			var emitted []Signal
			res, err := e.EvaluateCSV(context.Background(), bytes.NewReader([]byte(in)), StreamOptions{AsOf: NewDate(2026, 7, 31), BufferRows: 5, TempDir: t.TempDir(),
				Emit: func(s Signal) error { emitted = append(emitted, s); return nil }})
			if err != nil {
				t.Fatal(err)
			}
			// The grouped file lists its pupils in sorted order, so Emit's order (pupils by first
			// line, each pupil's signals sorted) is the canonical one there.
			if k == 0 && !slices.Equal(emitted, base.Signals) {
				t.Fatalf("seed %d: Emit order of a grouped, sorted file is not canonical", seed)
			}
			SortSignals(emitted)
			if res.Signals != nil || !slices.Equal(emitted, base.Signals) {
				t.Fatalf("seed %d: Emit gave %d signals, want %d", seed, len(emitted), len(base.Signals))
			}
		}
		// Grouped but small buffer: one pass, no external sort.
		grouped := evalCSV(t, e, toCSV(rs), 5)
		if grouped.ExternalSort || !slices.Equal(grouped.Signals, base.Signals) {
			t.Fatalf("seed %d: grouped input with a small buffer differs or sorted externally", seed)
		}
		// And per pupil through Evaluate.
		var per []Signal
		for p := range 12 {
			name := fmt.Sprintf("L%03d", p)
			var mine []Registration
			for _, r := range shuffled {
				if r.Pupil == name {
					mine = append(mine, r)
				}
			}
			s, _, err := e.Evaluate(PupilInput{Pupil: name, Registrations: mine, AsOf: NewDate(2026, 7, 31)})
			if err != nil {
				t.Fatal(err)
			}
			per = append(per, s...)
		}
		SortSignals(per)
		if !slices.Equal(per, base.Signals) {
			t.Fatalf("seed %d: Evaluate per pupil differs from EvaluateCSV", seed)
		}
	}
}

func TestPropertyAuthorisedNeverSignals(t *testing.T) {
	c := midden(t)
	e, _ := NewEvaluator(c, DefaultRules())
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 7))
		rs := randomRegs(rng, c, 1)
		for i := range rs {
			rs[i].Hours = min(rs[i].Hours, 500)
		}
		asOf := NewDate(2026, 7, 31)
		base, _, err := e.Evaluate(PupilInput{Pupil: "L000", Registrations: rs, AsOf: asOf})
		if err != nil {
			t.Fatal(err)
		}
		more := slices.Clone(rs)
		for range 60 {
			d := NewDate(2025, 8, 25) + Date(rng.IntN(320))
			reason := []Reason{Authorised, Leave, Suspension}[rng.IntN(3)]
			more = append(more, Registration{Pupil: "L000", Day: d, Hours: Hours(rng.IntN(5)+1) * 100, Reason: reason})
		}
		got, _, err := e.Evaluate(PupilInput{Pupil: "L000", Registrations: more, AsOf: asOf})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, base) {
			t.Fatalf("seed %d: authorised absence changed the signals:\n%v\n%v", seed, got, base)
		}
		// And a pupil with only authorised absence has no signal at all.
		only := more[len(rs):]
		got, _, _ = e.Evaluate(PupilInput{Pupil: "L000", Registrations: only, AsOf: asOf})
		if len(got) != 0 {
			t.Fatalf("seed %d: authorised-only absence signalled: %v", seed, got)
		}
	}
}

func TestSortRecsMatchesStableSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 255, 256, 5000} {
		r := make([]rec, n)
		for i := range r {
			r[i] = rec{key: uint64(rng.IntN(300))<<32 | uint64(rng.IntN(400)), line: uint32(i)}
		}
		want := slices.Clone(r)
		slices.SortStableFunc(want, func(a, b rec) int { return compareKey(a.key, b.key) })
		sortRecs(r)
		if !slices.Equal(r, want) {
			t.Fatalf("n=%d: radix sort differs from a stable sort", n)
		}
	}
}
