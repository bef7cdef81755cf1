package absence

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestReaderErrors(t *testing.T) {
	in := "leerling,datum,uren,reden\n" +
		"L1,2025-09-01,4,ongeoorloofd\n" + // 2 ok
		"L1,2025-02-30,4,ongeoorloofd\n" + // 3 date
		"L1,2025-09-01,-1,ongeoorloofd\n" + // 4 negative
		"L1,2025-09-01,25,ongeoorloofd\n" + // 5 absurd
		"L1,2025-09-01,4,spijbelen\n" + // 6 reason
		"L1,2025-09-01,4\n" + // 7 columns
		",2025-09-01,4,ziek\n" + // 8 pupil
		"\n" + // 9 blank: allowed
		"\"L 2\",2025-09-02,\"1\",ziek\n" + // 10 quoted: ok
		"L1,2025-09-01,1.234,ziek\n" // 11 decimals
	regs, bad, err := ReadAll(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(regs) != 2 || regs[1].Pupil != "L 2" || regs[1].Line != 10 {
		t.Errorf("good rows: %+v", regs)
	}
	want := map[int]string{3: "bestaat niet", 4: "negatief", 5: "meer dan 24", 6: "onbekende reden", 7: "kolommen", 8: "leerling ontbreekt", 11: "twee decimalen"}
	if len(bad) != len(want) {
		t.Fatalf("bad lines: %v", bad)
	}
	for _, le := range bad {
		if w, ok := want[le.Line]; !ok || !strings.Contains(le.Msg, w) {
			t.Errorf("line %d: %q, want %q", le.Line, le.Msg, w)
		}
	}
}

func TestReaderHeader(t *testing.T) {
	for _, in := range []string{"", "L1,2025-09-01,4,ziek\n", "leerling,datum,uren\n"} {
		if _, err := NewReader(strings.NewReader(in)); !errors.Is(err, ErrHeader) {
			t.Errorf("%q: err = %v", in, err)
		}
	}
	// Semicolons, a BOM, other column order, CRLF and decimal commas.
	in := "\ufeffReden;Leerling;Datum;Uren;Klas\r\nziek;L1;2025-09-01;1,5;3b\r\n"
	regs, bad, err := ReadAll(strings.NewReader(in))
	if err != nil || len(bad) != 0 || len(regs) != 1 || regs[0].Hours != 150 || regs[0].Reason != Sick {
		t.Fatalf("regs %+v bad %v err %v", regs, bad, err)
	}
	// A decimal comma in a comma-separated file is an error, not a silent shift of columns.
	_, bad, _ = ReadAll(strings.NewReader("leerling,datum,uren,reden\nL1,2025-09-01,1,5,ziek\n"))
	if len(bad) != 1 {
		t.Fatalf("bad = %v", bad)
	}
}

func TestEvaluateCSVBadFile(t *testing.T) {
	e, _ := NewEvaluator(midden(t), DefaultRules())
	in := "leerling,datum,uren,reden\n" +
		"L1,2025-09-01,4,ongeoorloofd\nL1,2025-09-08,4,ongeoorloofd\nL1,2025-09-15,4,ongeoorloofd\nL1,2025-09-22,4,ongeoorloofd\n" +
		"L2,2025-13-01,4,ongeoorloofd\n"
	res, err := e.EvaluateCSV(context.Background(), strings.NewReader(in), StreamOptions{AsOf: mustDate(t, "2026-01-01")})
	if !errors.Is(err, ErrBadLines) || len(res.Signals) != 0 || res.ErrorCount != 1 || res.Errors[0].Line != 6 {
		t.Fatalf("strict: %+v, %v", res, err)
	}
	res, err = e.EvaluateCSV(context.Background(), strings.NewReader(in), StreamOptions{AsOf: mustDate(t, "2026-01-01"), SkipErrors: true})
	// 2025-09-01 is the first school day after the summer holiday: also luxe verzuim; the third
	// day of absence in 4 lesweken is beginnend verzuim, which grows into the 16-hour episode
	// (one signal, not two).
	if err != nil || len(res.Signals) != 2 || res.Signals[0].Kind != Kind16Hours || res.ErrorCount != 1 {
		t.Fatalf("skip: %+v, %v", res, err)
	}
}

func FuzzReader(f *testing.F) {
	f.Add("leerling,datum,uren,reden\nL1,2025-09-01,4,ongeoorloofd\n")
	f.Add("leerling;datum;uren;reden\r\nL1;2025-09-01;4,5;ziek\r\n")
	f.Add("\"leerling\",datum,uren,reden\n\"a,b\",2025-09-01,\"1\",te-laat\n\"x\n")
	f.Add("reden,uren,datum,leerling,x\nverlof,24,2024-02-29,☃,\n")
	e, _ := NewEvaluator(midden(f), DefaultRules())
	f.Fuzz(func(t *testing.T, in string) {
		regs, bad, err := ReadAll(strings.NewReader(in))
		if err != nil {
			if !errors.Is(err, ErrHeader) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		for _, r := range regs {
			if r.Hours < 0 || r.Hours > MaxHoursPerDay || r.Day < MinDate || r.Day > MaxDate || r.Pupil == "" || r.Reason.String() == "onbekend" || r.Line < 2 {
				t.Fatalf("invalid registration accepted: %+v", r)
			}
		}
		for _, le := range bad {
			if le.Line < 2 || le.Msg == "" {
				t.Fatalf("bad line error without line: %+v", le)
			}
		}
		// The streaming evaluation agrees on the counts and never panics.
		res, err := e.EvaluateCSV(context.Background(), bytes.NewReader([]byte(in)), StreamOptions{AsOf: MaxDate, SkipErrors: true, BufferRows: 3})
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("EvaluateCSV: %v", err)
		}
		if res.ErrorCount < len(bad) {
			t.Fatalf("stream found %d bad lines, reader %d", res.ErrorCount, len(bad))
		}
	})
}

// TestRegistrationsAsSchoolsHaveThem: the absence file in every form a LAS export takes — comma
// or semicolon, UTF-8 (BOM) or Windows-1252, CRLF, dd-mm-jjjj — gives the same signals; a file
// that mixes encodings is refused with its line.
func TestRegistrationsAsSchoolsHaveThem(t *testing.T) {
	e, _ := NewEvaluator(midden(t), DefaultRules())
	days := []string{"2025-09-08", "2025-09-09", "2025-09-10", "2025-09-11"}
	build := func(sep, nl string, dutch bool, pupil string) string {
		var b strings.Builder
		b.WriteString(strings.Join([]string{"leerling", "datum", "uren", "reden"}, sep) + nl)
		for _, d := range days {
			if dutch {
				d = d[8:10] + "-" + d[5:7] + "-" + d[0:4]
			}
			h := "4.5"
			if sep == ";" {
				h = "4,5"
			}
			b.WriteString(strings.Join([]string{pupil, d, h, "ongeoorloofd"}, sep) + nl)
		}
		return b.String()
	}
	want := "Zoë 16-uur-in-4-lesweken 2025-09-08 2025-09-11 18"
	for name, in := range map[string]string{
		"comma utf-8 lf":                build(",", "\n", false, "Zoë"),
		"semicolon utf-8 bom crlf":      "\ufeff" + build(";", "\r\n", true, "Zoë"),
		"semicolon windows-1252 crlf":   build(";", "\r\n", true, "Zo\xeb"),
		"comma windows-1252 lf dd-mm":   build(",", "\n", true, "Zo\xeb"),
		"comma utf-8 bom crlf iso":      "\ufeff" + build(",", "\r\n", false, "Zoë"),
		"semicolon utf-8 lf iso no bom": build(";", "\n", false, "Zoë"),
	} {
		t.Run(name, func(t *testing.T) {
			res, err := e.EvaluateCSV(t.Context(), strings.NewReader(in), StreamOptions{AsOf: mustDate(t, "2025-09-12")})
			if err != nil || len(res.Signals) != 1 {
				t.Fatalf("%+v %v", res, err)
			}
			s := res.Signals[0]
			if got := s.Pupil + " " + string(s.Kind) + " " + s.From.String() + " " + s.To.String() + " " + s.Hours.String(); got != want {
				t.Fatalf("got %q, want %q", got, want)
			}
		})
	}
	mixed := build(",", "\n", false, "Zoë") + "Zo\xeb,2025-09-12,4,ongeoorloofd\n"
	_, err := e.EvaluateCSV(t.Context(), strings.NewReader(mixed), StreamOptions{AsOf: mustDate(t, "2025-09-12")})
	if err == nil || !strings.Contains(err.Error(), "regel 6") {
		t.Fatalf("mixed encodings: %v", err)
	}
}
