package absence

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// episodes evaluates L1's registrations and returns "kind van tot uren bereikt einde reden".
func episodes(t *testing.T, in PupilInput) []string {
	t.Helper()
	e, err := NewEvaluator(midden(t), DefaultRules())
	if err != nil {
		t.Fatal(err)
	}
	in.Pupil = "L1"
	got, _, err := e.Evaluate(in)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range got {
		if s.Kind == KindLuxury {
			continue // 1 September 2025 follows the summer holiday; TestRuleLuxury covers luxe verzuim
		}
		x := string(s.Kind) + " " + s.From.String() + " " + s.To.String() + " " + s.Hours.String() + " " + s.Reached.String()
		if s.Ended != 0 {
			x += " " + s.Ended.String() + " " + string(s.EndReason)
		}
		out = append(out, x)
	}
	return out
}

func TestEpisodeRunsAndEnds(t *testing.T) {
	c := midden(t)
	for _, tc := range []struct {
		name  string
		lines []string
		asOf  string
		want  []string
	}{
		{name: "running at the peildatum",
			lines: []string{"2025-09-01..2025-09-10 4 ongeoorloofd"}, asOf: "2025-09-12",
			want: []string{"16-uur-in-4-lesweken 2025-09-01 2025-09-10 32 2025-09-04"}},
		{name: "back after ten school days without absence",
			lines: []string{"2025-09-01..2025-09-10 4 ongeoorloofd"}, asOf: "2025-09-24",
			want: []string{"16-uur-in-4-lesweken 2025-09-01 2025-09-10 32 2025-09-04 2025-09-11 terug-op-school"}},
		{name: "nine school days back is not yet back",
			lines: []string{"2025-09-01..2025-09-10 4 ongeoorloofd"}, asOf: "2025-09-23",
			want: []string{"16-uur-in-4-lesweken 2025-09-01 2025-09-10 32 2025-09-04"}},
		{name: "beginnend grows into 16 uur and into langdurig: one signal, the strongest stage",
			lines: []string{"2025-09-01 1 ongeoorloofd", "2025-09-03 1 ongeoorloofd", "2025-09-05 1 ongeoorloofd", "2025-09-08..2025-10-10 5 ongeoorloofd"}, asOf: "2025-10-10",
			want: []string{"langdurig-relatief-verzuim 2025-09-01 2025-10-10 128 2025-10-03"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := episodes(t, PupilInput{Registrations: regs(t, c, tc.lines...), AsOf: mustDate(t, tc.asOf)})
			if !slices.Equal(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestAtMostOneSignalPerEpisode: whatever the absence, the episodes of one pupil and kind never
// overlap, and every signal belongs to exactly one episode.
func TestAtMostOneSignalPerEpisode(t *testing.T) {
	c := midden(t)
	e, _ := NewEvaluator(c, DefaultRules())
	for _, lines := range [][]string{
		{"2025-09-01..2026-06-30 1 ongeoorloofd"},
		{"2025-09-01..2026-06-30 5 ongeoorloofd"},
		{"2025-09-01..2026-06-30 2 ziek"},
		{"2025-09-01..2026-06-30 2 te-laat", "2025-09-01..2026-06-30 2 ziek-vermoedelijk-ongeoorloofd"},
	} {
		got, _, err := e.Evaluate(PupilInput{Pupil: "L1", Registrations: regs(t, c, lines...), AsOf: mustDate(t, "2026-07-31")})
		if err != nil {
			t.Fatal(err)
		}
		family := func(k Kind) Kind {
			if k == KindStarting || k == Kind16Hours || k == KindLongTerm {
				return Kind16Hours
			}
			return k
		}
		seen := map[Kind]int{}
		for _, s := range got {
			seen[family(s.Kind)]++
		}
		for k, n := range seen {
			if n != 1 {
				t.Errorf("%v: %d signals of %s for one continuing absence: %v", lines, n, k, got)
			}
		}
	}
}

func TestZeroHourRowsAreNoAbsence(t *testing.T) {
	c := midden(t)
	e, _ := NewEvaluator(c, DefaultRules())
	got, st, err := e.Evaluate(PupilInput{Pupil: "L1", Registrations: regs(t, c, "2025-09-01..2025-12-19 0 ongeoorloofd", "2025-09-01..2025-12-19 0 ziek"), AsOf: mustDate(t, "2026-01-31")})
	if err != nil || len(got) != 0 || st.ZeroHours == 0 {
		t.Fatalf("signals %v, stats %+v, err %v", got, st, err)
	}
}

// TestAgesOnTheDay: the duty on the day of each absence decides the signal (DOMAIN.md, last
// section: no art. 21a melding for an 18-year-old; 18–23 without startkwalificatie is RMC).
func TestAgesOnTheDay(t *testing.T) {
	c := midden(t)
	lines := regs(t, c, "2025-09-01..2025-09-19 4 ongeoorloofd")
	for _, tc := range []struct {
		name  string
		birth string
		sk    string
		want  []string
	}{
		{name: "unknown birth date: leerplicht rules as before", want: []string{"16-uur-in-4-lesweken 2025-09-01 2025-09-19 60 2025-09-04"}},
		{name: "turns 18 on 10 September: art. 21a before, RMC after", birth: "2007-09-10",
			want: []string{"16-uur-in-4-lesweken 2025-09-01 2025-09-09 28 2025-09-04 2025-09-10 plicht-geeindigd", "rmc-verzuim 2025-09-10 2025-09-19 32 2025-09-15"}},
		{name: "19 with a startkwalificatie: nothing", birth: "2006-05-01", sk: "ja"},
		{name: "24 without startkwalificatie: past RMC", birth: "2001-05-01"},
		{name: "17 with a startkwalificatie (kwalificatieplicht met)", birth: "2008-05-01", sk: "2025-07-01"},
		{name: "17 without: kwalificatieplicht", birth: "2008-05-01", want: []string{"16-uur-in-4-lesweken 2025-09-01 2025-09-19 60 2025-09-04"}},
		{name: "4 years old: not yet leerplichtig", birth: "2021-03-15"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := PupilInput{Registrations: lines, AsOf: mustDate(t, "2025-09-19")}
			if tc.birth != "" {
				in.Birth = mustDate(t, tc.birth)
			}
			if tc.sk == "ja" {
				in.Facts.Startkwalificatie = MinDate
			} else if tc.sk != "" {
				in.Facts.Startkwalificatie = mustDate(t, tc.sk)
			}
			got := episodes(t, in)
			if !slices.Equal(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
			for _, s := range got {
				if strings.HasPrefix(s, "rmc") {
					if _, err := MeldingTypeFor(KindRMC); !errors.Is(err, ErrNotReportable) {
						t.Error("an RMC signal must not propose an art. 21a melding")
					}
				}
			}
		})
	}
}

// TestCSVBirthColumns: the optional columns geboortedatum and startkwalificatie, dd-mm-jjjj
// dates, a semicolon file with CRLF and a BOM.
func TestCSVBirthColumns(t *testing.T) {
	e, _ := NewEvaluator(midden(t), DefaultRules())
	var b strings.Builder
	b.WriteString("\ufeffleerling;datum;uren;reden;geboortedatum;startkwalificatie\r\n")
	for _, d := range []string{"01", "02", "03", "04", "05", "08", "09", "10", "11", "12", "15", "16", "17", "18", "19"} {
		b.WriteString("A;" + d + "-09-2025;4;ongeoorloofd;10-09-2007;\r\n")
		b.WriteString("B;" + d + "-09-2025;4,0;ongeoorloofd;01-05-2006;ja\r\n")
	}
	res, err := e.EvaluateCSV(t.Context(), strings.NewReader(b.String()), StreamOptions{AsOf: mustDate(t, "2025-09-19")})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, s := range res.Signals {
		kinds = append(kinds, s.Pupil+":"+string(s.Kind))
	}
	if want := []string{"A:16-uur-in-4-lesweken", "A:luxe-verzuim", "A:rmc-verzuim"}; !slices.Equal(kinds, want) {
		t.Fatalf("got %v, want %v", kinds, want)
	}
	// A pupil whose birth date differs between lines is an error on that line.
	_, err = e.EvaluateCSV(t.Context(), strings.NewReader("leerling,datum,uren,reden,geboortedatum\nA,2025-09-01,4,ongeoorloofd,2010-01-01\nA,2025-09-02,4,ongeoorloofd,2010-01-02\n"), StreamOptions{AsOf: mustDate(t, "2025-09-19")})
	if !errors.Is(err, ErrBadLines) {
		t.Fatalf("conflicting birth dates: %v", err)
	}
}
