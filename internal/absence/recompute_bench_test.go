package absence

import (
	"bytes"
	"context"
	"math/rand/v2"
	"strings"
	"testing"
)

// BenchmarkRecomputeOneDay50k: the recompute after one new school day for 50.000 pupils with a
// school year of registrations each (~40 rows a pupil), in memory: "alle" re-evaluates every
// pupil, "geraakt" only the pupils with a registration on the new day (what an import does: it
// refreshes the pupils it wrote). go test -run x -bench RecomputeOneDay50k ./internal/absence
func BenchmarkRecomputeOneDay50k(b *testing.B) {
	c := midden(b)
	e, _ := NewEvaluator(c, DefaultRules())
	rng := rand.New(rand.NewPCG(7, 7))
	const pupils = 50000
	byPupil := make([][]Registration, pupils)
	for _, r := range randomRegs(rng, c, pupils) {
		var i int
		for _, ch := range r.Pupil[1:] {
			i = i*10 + int(ch-'0')
		}
		byPupil[i] = append(byPupil[i], r)
	}
	// The new day: the next school day after the data, with absence for 5 % of the pupils.
	day := c.NextSchoolDay(NewDate(2026, 7, 1))
	var touched []int
	for i := range byPupil {
		if len(byPupil[i]) > 0 && rng.IntN(20) == 0 {
			byPupil[i] = append(byPupil[i], Registration{Pupil: byPupil[i][0].Pupil, Day: day, Hours: 300, Reason: Unauthorised})
			touched = append(touched, i)
		}
	}
	rows := 0
	for _, rs := range byPupil {
		rows += len(rs)
	}
	run := func(b *testing.B, which []int) {
		b.ReportAllocs()
		cpu0 := processCPU()
		for b.Loop() {
			for _, i := range which {
				if _, _, err := e.Evaluate(PupilInput{Pupil: byPupil[i][0].Pupil, Registrations: byPupil[i], AsOf: day}); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric((processCPU()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
		b.ReportMetric(float64(len(which)), "leerlingen")
	}
	all := make([]int, 0, pupils)
	for i := range byPupil {
		if len(byPupil[i]) > 0 {
			all = append(all, i)
		}
	}
	b.Logf("%d leerlingen, %d registraties, %d geraakt door de nieuwe dag", len(all), rows, len(touched))
	b.Run("alle", func(b *testing.B) { run(b, all) })
	b.Run("geraakt", func(b *testing.B) { run(b, touched) })
	// All pupils again from the registration spool (the school year stored once, the new day
	// appended): no parsing, one worker per GOMAXPROCS (-cpu 1,2). Reports CPU time too.
	var flat []Registration
	for _, i := range all {
		flat = append(flat, byPupil[i]...)
	}
	var sp bytes.Buffer
	if _, err := WriteSpool(context.Background(), strings.NewReader(toCSV(flat)), &sp, SpoolOptions{TempDir: b.TempDir()}); err != nil {
		b.Fatal(err)
	}
	b.Run("alle-spool", func(b *testing.B) {
		cpu0 := processCPU()
		for b.Loop() {
			if _, err := e.EvaluateSpool(context.Background(), bytes.NewReader(sp.Bytes()), SpoolEvalOptions{AsOf: day, Emit: func(Signal) error { return nil }}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric((processCPU()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
		b.ReportMetric(float64(len(all)), "leerlingen")
	})
}
