package absence

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// spoolOf writes in (a CSV) as a spool in a temporary file and returns its bytes.
func spoolOf(t *testing.T, in string, opts SpoolOptions) ([]byte, SpoolResult) {
	t.Helper()
	f, err := os.Create(filepath.Join(t.TempDir(), "x.spool"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	opts.TempDir = t.TempDir()
	res, err := WriteSpool(context.Background(), strings.NewReader(in), f, opts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(b)) != res.Bytes {
		t.Fatalf("spool has %d bytes, result says %d", len(b), res.Bytes)
	}
	return b, res
}

// TestSpoolMatchesCSV: evaluating the spool gives the signals, the emitted sequence and the
// statistics of evaluating the CSV, grouped or shuffled (external sort, restart), with the
// optional birth columns and exemptions, on 1 to 3 workers.
func TestSpoolMatchesCSV(t *testing.T) {
	c := midden(t)
	e, _ := NewEvaluator(c, DefaultRules())
	asOf := NewDate(2026, 7, 31)
	for seed := range uint64(6) {
		rng := rand.New(rand.NewPCG(seed, 7))
		rs := randomRegs(rng, c, 40)
		ex := map[string][]Exemption{"L003": {{From: NewDate(2025, 10, 1), To: NewDate(2025, 12, 1)}}}
		in := toCSV(rs)
		if seed%2 == 1 { // births: some pupils 17-19 during the year (leerplicht, kwalificatieplicht, RMC)
			var b strings.Builder
			b.WriteString("leerling,datum,uren,reden,geboortedatum,startkwalificatie\n")
			for _, r := range rs {
				var p int
				fmt.Sscanf(r.Pupil, "L%d", &p)
				sk := ""
				if p%5 == 0 {
					sk = "2026-03-01"
				}
				fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s\n", r.Pupil, r.Day, strings.Replace(r.Hours.String(), ",", ".", 1), r.Reason, NewDate(2007+p%4, time.Month(1+p%12), 1), sk)
			}
			in = b.String()
		}
		lines := strings.Split(strings.TrimSuffix(in, "\n"), "\n")
		body := slices.Clone(lines[1:])
		rng.Shuffle(len(body), func(i, j int) { body[i], body[j] = body[j], body[i] })
		shuffled := lines[0] + "\n" + strings.Join(body, "\n") + "\n"
		for k, src := range []string{in, shuffled} {
			var want []Signal
			wantRes, err := e.EvaluateCSV(context.Background(), strings.NewReader(src), StreamOptions{AsOf: asOf, Exemptions: ex, BufferRows: 64, TempDir: t.TempDir(),
				Emit: func(s Signal) error { want = append(want, s); return nil }})
			if err != nil {
				t.Fatal(err)
			}
			sp, sres := spoolOf(t, src, SpoolOptions{BufferRows: 64})
			if sres.Rows != wantRes.Stats.Rows || sres.Pupils != wantRes.Stats.Pupils || sres.ExternalSort != (k == 1) {
				t.Fatalf("seed %d/%d: spool of %d rows, %d pupils, sorted %v; csv %d rows, %d pupils", seed, k, sres.Rows, sres.Pupils, sres.ExternalSort, wantRes.Stats.Rows, wantRes.Stats.Pupils)
			}
			for _, w := range []int{1, 2, 3} {
				var got []Signal
				res, err := e.EvaluateSpool(context.Background(), bytes.NewReader(sp), SpoolEvalOptions{AsOf: asOf, Exemptions: ex, Workers: w,
					Emit: func(s Signal) error { got = append(got, s); return nil }})
				if err != nil {
					t.Fatal(err)
				}
				if len(want) == 0 || !slices.Equal(got, want) {
					t.Fatalf("seed %d/%d workers %d: spool emitted %d signals, csv %d (or in another order)", seed, k, w, len(got), len(want))
				}
				if res.Stats != wantRes.Stats {
					t.Fatalf("seed %d/%d workers %d: stats %+v, csv %+v", seed, k, w, res.Stats, wantRes.Stats)
				}
				all, err := e.EvaluateSpool(context.Background(), bytes.NewReader(sp), SpoolEvalOptions{AsOf: asOf, Exemptions: ex, Workers: w})
				if err != nil {
					t.Fatal(err)
				}
				sorted := slices.Clone(want)
				SortSignals(sorted)
				if !slices.Equal(all.Signals, sorted) {
					t.Fatalf("seed %d/%d workers %d: collected signals differ", seed, k, w)
				}
			}
		}
	}
}

// TestSpoolChunks: a spool with many chunks (more pupils than one chunk holds) on several workers
// keeps the order.
func TestSpoolChunks(t *testing.T) {
	c := midden(t)
	e, _ := NewEvaluator(c, DefaultRules())
	rng := rand.New(rand.NewPCG(3, 3))
	rs := randomRegs(rng, c, 2500) // ~ 3 chunks
	in := toCSV(rs)
	want, err := e.EvaluateCSV(context.Background(), strings.NewReader(in), StreamOptions{AsOf: NewDate(2026, 7, 31), TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	sp, _ := spoolOf(t, in, SpoolOptions{})
	got, err := e.EvaluateSpool(context.Background(), bytes.NewReader(sp), SpoolEvalOptions{AsOf: NewDate(2026, 7, 31), Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Signals) == 0 || !slices.Equal(got.Signals, want.Signals) || got.Stats != want.Stats {
		t.Fatalf("%d signals from the spool, %d from the csv", len(got.Signals), len(want.Signals))
	}
	if chunks := countChunks(t, sp); chunks < 3 {
		t.Fatalf("%d chunks; the test wants several", chunks)
	}
}

func countChunks(t *testing.T, sp []byte) int {
	b := sp[len(spoolMagic):]
	n := 0
	for {
		l := int(b[0]) | int(b[1])<<8 | int(b[2])<<16 | int(b[3])<<24
		if l == 0 {
			return n
		}
		n++
		b = b[12+l:]
	}
}

// TestSpoolBadInput: bad lines (also a day over 24 hours) make WriteSpool fail unless
// SkipErrors; a damaged or foreign file is refused by EvaluateSpool, never half evaluated.
func TestSpoolBadInput(t *testing.T) {
	e, _ := NewEvaluator(midden(t), DefaultRules())
	in := "leerling,datum,uren,reden\nA,2025-09-01,4,ongeoorloofd\nA,2025-09-01,21,ziek\nA,2025-09-02,x,ziek\nB,2025-09-03,5,ongeoorloofd\n"
	var buf bytes.Buffer
	res, err := WriteSpool(context.Background(), strings.NewReader(in), &buf, SpoolOptions{TempDir: t.TempDir()})
	if !errors.Is(err, ErrBadLines) || res.ErrorCount != 2 {
		t.Fatalf("bad lines: %v, %d errors", err, res.ErrorCount)
	}
	lines := []int{}
	for _, le := range res.Errors {
		lines = append(lines, le.Line)
	}
	slices.Sort(lines)
	if !slices.Equal(lines, []int{3, 4}) {
		t.Fatalf("errors on lines %v, want 3 and 4", lines)
	}
	buf.Reset()
	res, err = WriteSpool(context.Background(), strings.NewReader(in), &buf, SpoolOptions{SkipErrors: true, TempDir: t.TempDir()})
	if err != nil || res.Rows != 2 || res.Pupils != 2 {
		t.Fatalf("skip errors: %v, %+v", err, res)
	}
	good := buf.Bytes()
	if _, err := e.EvaluateSpool(context.Background(), bytes.NewReader(good), SpoolEvalOptions{AsOf: NewDate(2026, 7, 31)}); err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string][]byte{
		"leeg":        nil,
		"csv":         []byte(in),
		"afgekapt":    good[:len(good)-14],
		"dag kapot":   damage(good, len(spoolMagic)+12+1+1+8+1, 0xff), // first registration's day high byte
		"reden nul":   damage(good, len(spoolMagic)+12+1+1+8+3, 0x00),
		"kop fout":    damage(good, len(spoolMagic)+8, 9), // registrations count of the chunk
		"naam lengte": damage(good, len(spoolMagic)+12, 0),
	} {
		if _, err := e.EvaluateSpool(context.Background(), bytes.NewReader(bad), SpoolEvalOptions{AsOf: NewDate(2026, 7, 31), Workers: 2}); !errors.Is(err, ErrSpool) {
			t.Errorf("%s: %v, want ErrSpool", name, err)
		}
	}
}

func damage(b []byte, at int, v byte) []byte {
	c := slices.Clone(b)
	c[at] = v
	return c
}

// BenchmarkEvaluateSpool: evaluating a spool of 5,000 pupils (~190,000 registrations) on one
// worker: the rules without any parsing (go test -run x -bench EvaluateSpool ./internal/absence).
func BenchmarkEvaluateSpool(b *testing.B) {
	c := midden(b)
	e, _ := NewEvaluator(c, DefaultRules())
	rs := randomRegs(rand.New(rand.NewPCG(1, 1)), c, 5000)
	var sp bytes.Buffer
	if _, err := WriteSpool(context.Background(), strings.NewReader(toCSV(rs)), &sp, SpoolOptions{TempDir: b.TempDir()}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	cpu0 := processCPU()
	for b.Loop() {
		if _, err := e.EvaluateSpool(context.Background(), bytes.NewReader(sp.Bytes()), SpoolEvalOptions{AsOf: NewDate(2026, 7, 31), Workers: 1,
			Emit: func(Signal) error { return nil }}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(rs))*float64(b.N)/b.Elapsed().Seconds(), "registraties/s")
	b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(b.N)/float64(len(rs)), "ns/registratie")
	b.ReportMetric((processCPU()-cpu0).Seconds()*1e9/float64(b.N)/float64(len(rs)), "cpu-ns/registratie")
}

// processCPU is the user plus system CPU time of the process (every thread), which a loaded
// machine disturbs far less than wall time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
