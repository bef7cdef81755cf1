package main

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"

	"github.com/grondslag/grondslag/internal/absence"
)

// genOptions describe a synthetic school year of registrations.
type genOptions struct {
	Rows     int  // registrations to write
	PerPupil int  // mean registrations per pupil (40: 10M rows is 250,000 pupils, a large region)
	ByDate   bool // order by day, then pupil (a daily register export) instead of per pupil
	Seed     uint64
}

// generate writes a registrations CSV (leerling,datum,uren,reden) for the school year 2025-2026
// in region midden: only school days, at most one line per pupil and day, a realistic mix of
// reasons, and about 4% of pupils with long runs of whole-day unauthorised absence
// (thuiszitters) so that every rule fires.
func generate(w io.Writer, cal *absence.Calendar, o genOptions) (pupils int, err error) {
	var days []absence.Date
	for d := absence.NewDate(2025, 8, 18); d <= absence.NewDate(2026, 7, 17); d++ {
		if cal.IsSchoolDay(d) {
			days = append(days, d)
		}
	}
	dayStr := make([]string, len(days))
	for i, d := range days {
		dayStr[i] = d.String()
	}
	pupils = max(1, o.Rows/o.PerPupil)
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString("leerling,datum,uren,reden\n")
	rng := rand.New(rand.NewPCG(o.Seed, 2025))

	// Per pupil: which day indexes it has a line on. Row counts per pupil vary around the mean
	// and add up to exactly o.Rows.
	counts := make([]int, pupils)
	left := o.Rows
	for p := range pupils {
		c := o.Rows / pupils
		if p < o.Rows%pupils {
			c++
		}
		counts[p] = min(c, len(days))
		left -= counts[p]
	}
	for p := 0; left > 0; p = (p + 1) % pupils {
		if counts[p] < len(days) {
			counts[p]++
			left--
		}
	}
	type line struct {
		day    int32
		hours  int16
		reason absence.Reason
	}
	pick := func(p int, buf []line) []line {
		buf = buf[:0]
		n := counts[p]
		thuiszitter := p%25 == 7
		start := rng.IntN(len(days))
		chosen := make(map[int]bool, n)
		for len(buf) < n {
			var di int
			if thuiszitter && len(buf) < n*3/4 {
				di = (start + len(buf)) % len(days) // a long run of consecutive school days
			} else {
				di = rng.IntN(len(days))
			}
			if chosen[di] {
				continue
			}
			chosen[di] = true
			l := line{day: int32(di)}
			switch x := rng.IntN(100); {
			case thuiszitter && len(buf) < n*3/4:
				l.reason, l.hours = absence.Unauthorised, 500
			case x < 45:
				l.reason, l.hours = absence.Sick, int16(100*(1+rng.IntN(5)))
			case x < 65:
				l.reason, l.hours = absence.Unauthorised, int16(100*(1+rng.IntN(5)))
			case x < 80:
				l.reason, l.hours = absence.Late, int16(25*(1+rng.IntN(4)))
			case x < 90:
				l.reason, l.hours = absence.Authorised, int16(100*(1+rng.IntN(5)))
			case x < 95:
				l.reason, l.hours = absence.Leave, 500
			case x < 97:
				l.reason, l.hours = absence.Suspension, 500
			default:
				l.reason, l.hours = absence.SickSuspect, int16(100*(1+rng.IntN(5)))
			}
			buf = append(buf, l)
		}
		return buf
	}
	var b []byte
	write := func(p int, l line) {
		b = b[:0]
		b = append(b, 'L')
		b = strconv.AppendInt(b, int64(1000000+p), 10)
		b = append(b, ',')
		b = append(b, dayStr[l.day]...)
		b = append(b, ',')
		b = strconv.AppendFloat(b, float64(l.hours)/100, 'f', -1, 64)
		b = append(b, ',')
		b = append(b, l.reason.String()...)
		b = append(b, '\n')
		bw.Write(b)
	}
	if !o.ByDate {
		var buf []line
		for p := range pupils {
			buf = pick(p, buf)
			for _, l := range buf {
				write(p, l)
			}
		}
		return pupils, bw.Flush()
	}
	// By date: generate per pupil, bucket per day in a compact form, write day by day. This
	// holds the whole data set in memory (the generator's, not the evaluator's).
	type packed struct {
		pupil  int32
		hours  int16
		reason absence.Reason
	}
	perDay := make([][]packed, len(days))
	var buf []line
	for p := range pupils {
		buf = pick(p, buf)
		for _, l := range buf {
			perDay[l.day] = append(perDay[l.day], packed{int32(p), l.hours, l.reason})
		}
	}
	for di, ls := range perDay {
		for _, x := range ls {
			write(int(x.pupil), line{day: int32(di), hours: x.hours, reason: x.reason})
		}
		perDay[di] = nil
	}
	if err := bw.Flush(); err != nil {
		return 0, fmt.Errorf("schrijven: %w", err)
	}
	return pupils, nil
}
