package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
)

// meas is one measured run of our code: wall and CPU seconds (user + system of the process,
// every thread) and the peak RSS.
type meas struct {
	wall, cpu float64
	peak      int64
}

// measure runs f with GOMAXPROCS procs.
func measure(procs int, f func() error) (meas, error) {
	prev := runtime.GOMAXPROCS(procs)
	defer runtime.GOMAXPROCS(prev)
	debug.FreeOSMemory()
	resetPeak()
	start, c0 := time.Now(), cpuSeconds()
	err := f()
	m := meas{wall: time.Since(start).Seconds(), cpu: cpuSeconds() - c0, peak: peakRSS()}
	return m, err
}

// counter counts signals and the pupils whose episode reached 16 hours.
type counter struct {
	n       int
	flagged map[string]bool
}

func newCounter() *counter { return &counter{flagged: map[string]bool{}} }

func (c *counter) emit(s absence.Signal) error {
	c.n++
	if s.Kind == absence.Kind16Hours || s.Kind == absence.KindLongTerm { // an episode that reached 16 hours may have grown into langdurig verzuim
		c.flagged[s.Pupil] = true
	}
	return nil
}

var asOf = absence.NewDate(2026, 7, 31)

// writeSpool writes the spool of csvPath to spoolPath.
func writeSpool(ctx context.Context, csvPath, spoolPath, dir string) (absence.SpoolResult, error) {
	in, err := os.Open(csvPath)
	if err != nil {
		return absence.SpoolResult{}, err
	}
	defer in.Close()
	out, err := os.Create(spoolPath)
	if err != nil {
		return absence.SpoolResult{}, err
	}
	res, err := absence.WriteSpool(ctx, in, out, absence.SpoolOptions{TempDir: dir})
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return res, err
}

// evalSpool evaluates a spool on workers cores.
func evalSpool(ctx context.Context, ev *absence.Evaluator, spoolPath string, workers int, c *counter) (absence.StreamResult, error) {
	f, err := os.Open(spoolPath)
	if err != nil {
		return absence.StreamResult{}, err
	}
	defer f.Close()
	return ev.EvaluateSpool(ctx, f, absence.SpoolEvalOptions{AsOf: asOf, Workers: workers, Emit: c.emit})
}

// evalCSV evaluates a CSV file as `grondslag verzuim signalen` does.
func evalCSV(ctx context.Context, ev *absence.Evaluator, path, dir string, c *counter) (absence.StreamResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return absence.StreamResult{}, err
	}
	defer f.Close()
	return ev.EvaluateCSV(ctx, f, absence.StreamOptions{AsOf: asOf, TempDir: dir, Emit: c.emit})
}

// measureSpool writes the spool of a CSV file reps times (GOMAXPROCS 1) and evaluates it reps
// times per entry of procs; the signals must be those of the CSV (count and 16-hour pupils).
func measureSpool(ctx context.Context, ev *absence.Evaluator, csvPath, dir string, n int, byDate bool, reps int, procs []int, wantSignals, wantFlagged int) ([]string, error) {
	spoolPath := csvPath + ".spool"
	var out []string
	var ws []meas
	var wres absence.SpoolResult
	for range reps {
		m, err := measure(1, func() error {
			var err error
			wres, err = writeSpool(ctx, csvPath, spoolPath, dir)
			return err
		})
		if err != nil {
			return nil, err
		}
		ws = append(ws, m)
	}
	w := medianMeas(ws)
	out = append(out, fmt.Sprintf("| %d | %s | schrijven | 1 | %s | %.2f s | %.2f s | %s | %s | %s | n.v.t. |", n, orderName(byDate), mb(wres.Bytes), w.wall, w.cpu,
		thousands(int64(float64(wres.Rows)/w.wall)), thousands(int64(float64(wres.Rows)/w.cpu)), mb(w.peak)))
	for _, p := range procs {
		var es []meas
		var res absence.StreamResult
		var c *counter
		for range reps {
			c = newCounter()
			m, err := measure(p, func() error {
				var err error
				res, err = evalSpool(ctx, ev, spoolPath, p, c)
				return err
			})
			if err != nil {
				return nil, err
			}
			es = append(es, m)
		}
		same := "ja"
		if c.n != wantSignals || len(c.flagged) != wantFlagged {
			same = fmt.Sprintf("NEE (%d signalen, %d 16-uur-leerlingen)", c.n, len(c.flagged))
		}
		e := medianMeas(es)
		out = append(out, fmt.Sprintf("| %d | %s | evalueren | %d | %s | %.3f s | %.3f s | %s | %s | %s | %s |", n, orderName(byDate), p, mb(wres.Bytes), e.wall, e.cpu,
			thousands(int64(float64(res.Stats.Rows)/e.wall)), thousands(int64(float64(res.Stats.Rows)/e.cpu)), mb(e.peak), same))
		if same != "ja" {
			return out, fmt.Errorf("de spool geeft andere signalen dan de CSV bij %d registraties: %s", n, same)
		}
	}
	return out, nil
}

// medianMeas takes the median of wall and of CPU separately, and the highest peak.
func medianMeas(ms []meas) meas {
	var w, c []float64
	var peak int64
	for _, m := range ms {
		w, c = append(w, m.wall), append(c, m.cpu)
		peak = max(peak, m.peak)
	}
	return meas{wall: median(w), cpu: median(c), peak: peak}
}
