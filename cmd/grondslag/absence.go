package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
)

const verzuimUsage = "verzuim signalen|spool|importeer|gemeentelijst [opties]  (zie 'grondslag verzuim signalen -h')"

// runVerzuim dispatches the absence subcommands.
func runVerzuim(ctx context.Context, e env) error {
	if len(e.args) == 0 {
		return withExit(2, fmt.Errorf("gebruik: grondslag %s", verzuimUsage))
	}
	sub := e
	sub.args = e.args[1:]
	switch e.args[0] {
	case "signalen":
		return runVerzuimSignalen(ctx, sub)
	case "spool":
		return runVerzuimSpool(ctx, sub)
	case "importeer":
		return runVerzuimImporteer(ctx, sub)
	case "gemeentelijst":
		return runVerzuimGemeentelijst(ctx, sub)
	}
	return withExit(2, fmt.Errorf("onbekende opdracht %q; gebruik: grondslag %s", e.args[0], verzuimUsage))
}

const signalenUsage = "verzuim signalen --invoer BESTAND.csv|BESTAND.spool [--regio noord|midden|zuid] [--vakanties BESTAND.csv] [--lesuren-per-dag N] [--peildatum JJJJ-MM-DD] [--json]"

// calendarFlags are the options that choose the school calendar and the rules.
type calendarFlags struct {
	region     string
	holidays   string
	lessonHrs  string
	asOf       string
	exemptions string
}

func (c *calendarFlags) register(fs interface {
	StringVar(*string, string, string, string)
}) {
	fs.StringVar(&c.holidays, "vakanties", "", "schoolkalender van de school (CSV naam,van,tot; data inclusief) in plaats van de ingebouwde vakanties")
	fs.StringVar(&c.lessonHrs, "lesuren-per-dag", "5", "lesuren per schooldag; zoveel verzuim op een dag telt als een hele dag")
	fs.StringVar(&c.asOf, "peildatum", "", "signalen op deze datum (JJJJ-MM-DD); standaard vandaag")
	fs.StringVar(&c.exemptions, "vrijstellingen", "", "vrijstellingen en verlof (CSV leerling,soort,van,tot; soort art5a|art5b|art5c|art5a-trekkend|art15|verlof-art13a|verlof-art14; tot leeg = doorlopend)")
}

// evaluator builds the calendar, rules and evaluator the flags describe.
func (c *calendarFlags) evaluator(now time.Time) (*absence.Evaluator, absence.Date, error) {
	reg, err := absence.ParseRegion(c.region)
	if err != nil {
		return nil, 0, withExit(2, err)
	}
	var cal *absence.Calendar
	if c.holidays != "" {
		f, err := os.Open(c.holidays)
		if err != nil {
			return nil, 0, withExit(2, fmt.Errorf("vakanties: %w", err))
		}
		hs, err := absence.ReadHolidays(f)
		f.Close()
		if err != nil {
			return nil, 0, withExit(2, fmt.Errorf("%s: %w", c.holidays, err))
		}
		cal = absence.NewCalendar(hs)
	} else if cal, err = absence.DefaultCalendar(reg); err != nil {
		return nil, 0, err
	}
	rules := absence.DefaultRules()
	h, err := absence.ParseHours(c.lessonHrs)
	if err != nil || h <= 0 {
		return nil, 0, withExit(2, fmt.Errorf("--lesuren-per-dag %q: geef een aantal uren groter dan 0 en hoogstens 24", c.lessonHrs))
	}
	rules.SetLessonHours(h)
	ev, err := absence.NewEvaluator(cal, rules)
	if err != nil {
		return nil, 0, withExit(2, err)
	}
	asOf := absence.DateOf(now)
	if c.asOf != "" {
		if asOf, err = absence.ParseDate(c.asOf); err != nil {
			return nil, 0, withExit(2, fmt.Errorf("--peildatum: %w", err))
		}
	}
	return ev, asOf, nil
}

// readExemptions reads a file leerling,soort,van,tot.
func readExemptions(path string) (map[string][]absence.Exemption, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, withExit(2, fmt.Errorf("vrijstellingen: %w", err))
	}
	defer f.Close()
	m, err := absence.ReadExemptions(f)
	if err != nil {
		return nil, withExit(2, fmt.Errorf("%s: %w", path, err))
	}
	return m, nil
}

func runVerzuimSignalen(ctx context.Context, e env) (err error) {
	defer wrap(&err, "verzuimsignalen berekenen")
	fs := newFlagSet(e, "verzuim signalen", signalenUsage)
	var cf calendarFlags
	var input string
	var asJSON, skip bool
	fs.StringVar(&input, "invoer", "", "verzuimregistraties (CSV met kopregel leerling,datum,uren,reden)")
	fs.StringVar(&cf.region, "regio", "midden", "vakantieregio: noord, midden of zuid")
	cf.register(fs)
	fs.BoolVar(&asJSON, "json", false, "schrijf de signalen als JSON-array")
	fs.BoolVar(&skip, "sla-fouten-over", false, "verwerk de goede regels van een bestand met fouten (de foute worden gemeld)")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if input == "" || fs.NArg() > 0 {
		return withExit(2, fmt.Errorf("gebruik: grondslag %s", signalenUsage))
	}
	ev, asOf, err := cf.evaluator(time.Now())
	if err != nil {
		return err
	}
	exemptions, err := readExemptions(cf.exemptions)
	if err != nil {
		return err
	}
	f, err := os.Open(input)
	if err != nil {
		return withExit(2, fmt.Errorf("invoer: %w", err))
	}
	defer f.Close()
	isSpool, err := absence.IsSpool(f)
	if err != nil {
		return withExit(2, fmt.Errorf("invoer: %w", err))
	}
	var src io.ReadSeeker = f
	var prog *progress
	if !isSpool { // a spool is read too fast to need it
		prog = newProgress(e.stderr, f)
	}
	if prog != nil {
		src = prog
		defer prog.done()
	}
	// The signals stream from the evaluator to the output, so that a national-scale file needs
	// no more memory than a small one: pupils in the order of their first line, each pupil's
	// signals by start date.
	stdout := bufio.NewWriterSize(e.stdout, 1<<16)
	defer stdout.Flush()
	var out signalWriter = &tableWriter{w: stdout, asOf: asOf, cf: cf}
	if asJSON {
		out = &jsonArrayWriter{w: stdout}
	}
	var res absence.StreamResult
	if isSpool {
		// Written by 'verzuim spool': checked, grouped and sorted already; evaluated on every core.
		res, err = ev.EvaluateSpool(ctx, f, absence.SpoolEvalOptions{AsOf: asOf, Exemptions: exemptions, Emit: out.write})
	} else {
		res, err = ev.EvaluateCSV(ctx, src, absence.StreamOptions{AsOf: asOf, SkipErrors: skip, Exemptions: exemptions, TempDir: e.getenv("TMPDIR"), Emit: out.write})
	}
	if prog != nil {
		prog.done()
	}
	for _, le := range res.Errors {
		fmt.Fprintf(e.stderr, "%s: %s\n", input, le)
	}
	if res.ErrorCount > len(res.Errors) {
		fmt.Fprintf(e.stderr, "%s: en nog %d foute regels\n", input, res.ErrorCount-len(res.Errors))
	}
	if err != nil {
		if errors.Is(err, absence.ErrBadLines) {
			return withExit(1, fmt.Errorf("%s: %d foute regel(s); niets verwerkt (gebruik --sla-fouten-over om de goede regels te verwerken)", input, res.ErrorCount))
		}
		if errors.Is(err, absence.ErrHeader) {
			return withExit(1, fmt.Errorf("%s: %w", input, err))
		}
		return err
	}
	if err := out.close(res); err != nil {
		return err
	}
	if asJSON {
		printNotes(e.stderr, res, skip)
	} else {
		printNotes(stdout, res, skip)
	}
	return stdout.Flush()
}

// signalWriter writes signals as they come.
type signalWriter interface {
	write(absence.Signal) error
	close(absence.StreamResult) error
}

// jsonArrayWriter writes the JSON array one element at a time.
type jsonArrayWriter struct {
	w   io.Writer
	n   int
	buf []byte
}

func (j *jsonArrayWriter) write(s absence.Signal) error {
	sep := ",\n"
	if j.n == 0 {
		sep = "["
	}
	j.n++
	j.buf = s.AppendJSON(append(j.buf[:0], sep...))
	_, err := j.w.Write(j.buf)
	return err
}

func (j *jsonArrayWriter) close(absence.StreamResult) error {
	end := "]\n"
	if j.n == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(j.w, end)
	return err
}

// tableWriter writes a readable Dutch table with fixed columns (so it can stream).
type tableWriter struct {
	w    io.Writer
	asOf absence.Date
	cf   calendarFlags
	n    int
}

const tableRow = "%-12s  %-26s  %-10s  %-10s  %6s  %5s  %-10s  %s\n"

func (t *tableWriter) header() error {
	kal := "vakantieregio " + t.cf.region
	if t.cf.holidays != "" {
		kal = "schoolkalender " + t.cf.holidays
	}
	_, err := fmt.Fprintf(t.w, "Signalen op peildatum %s (%s, %s lesuren per dag)\n\n", t.asOf, kal, t.cf.lessonHrs)
	return err
}

func (t *tableWriter) write(s absence.Signal) error {
	if t.n == 0 {
		if err := t.header(); err != nil {
			return err
		}
		if _, err := fmt.Fprintf(t.w, tableRow, "LEERLING", "SOORT", "VAN", "TOT", "UREN", "DAGEN", "TERUG", "BRON"); err != nil {
			return err
		}
	}
	t.n++
	kind := string(s.Kind)
	if s.Priority {
		kind += " (prioriteit)"
	}
	back := "loopt"
	if s.Ended != 0 {
		back = s.Ended.String()
	}
	_, err := fmt.Fprintf(t.w, tableRow, s.Pupil, kind, s.From, s.To, s.Hours, strconv.Itoa(s.Days), back, s.Source)
	return err
}

func (t *tableWriter) close(res absence.StreamResult) error {
	if t.n == 0 {
		if err := t.header(); err != nil {
			return err
		}
		fmt.Fprintln(t.w, "Geen signalen.")
	}
	_, err := fmt.Fprintf(t.w, "\n%d signalen; %d registraties van %d leerlingen.\n", t.n, res.Stats.Rows, res.Stats.Pupils)
	return err
}

// printNotes says what was not counted, so that the counts can be explained.
func printNotes(w io.Writer, res absence.StreamResult, skipped bool) {
	st := res.Stats
	if st.NotSchoolDay > 0 {
		fmt.Fprintf(w, "Let op: %d registraties vallen niet op een schooldag (weekend, vakantie, feestdag) en tellen niet mee.\n", st.NotSchoolDay)
	}
	if st.ZeroHours > 0 {
		fmt.Fprintf(w, "Let op: %d registraties van 0 uur zijn geen verzuim en tellen niet mee.\n", st.ZeroHours)
	}
	if st.AfterAsOf > 0 {
		fmt.Fprintf(w, "Let op: %d registraties liggen na de peildatum en tellen niet mee.\n", st.AfterAsOf)
	}
	if st.Exempt > 0 {
		fmt.Fprintf(w, "Let op: %d registraties vallen in een vrijstelling of verlof en tellen niet mee.\n", st.Exempt)
	}
	if st.Uncovered > 0 {
		fmt.Fprintf(w, "Let op: %d registraties liggen buiten de schooljaren van de kalender; daar zijn alleen weekenden en feestdagen bekend.\n", st.Uncovered)
	}
	if skipped && res.ErrorCount > 0 {
		fmt.Fprintf(w, "Let op: %d foute regels overgeslagen.\n", res.ErrorCount)
	}
}

// progress shows how far a large file has been read, on a terminal only.
type progress struct {
	f        *os.File
	w        io.Writer
	size     int64
	read     int64
	lastPct  int
	finished bool
}

const progressMinSize = 8 << 20

// newProgress returns a progress reader when stderr is a terminal and the file is large.
func newProgress(stderr io.Writer, f *os.File) *progress {
	tty, ok := stderr.(*os.File)
	if !ok {
		return nil
	}
	if fi, err := tty.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	fi, err := f.Stat()
	if err != nil || fi.Size() < progressMinSize {
		return nil
	}
	return &progress{f: f, w: stderr, size: fi.Size(), lastPct: -1}
}

func (p *progress) Read(b []byte) (int, error) {
	n, err := p.f.Read(b)
	p.read += int64(n)
	if pct := int(p.read * 100 / p.size); pct != p.lastPct {
		p.lastPct = pct
		bar := make([]byte, 30)
		for i := range bar {
			bar[i] = ' '
			if i*100 < pct*30 {
				bar[i] = '='
			}
		}
		fmt.Fprintf(p.w, "\rverwerken [%s] %3d%% (%s MB)", bar, pct, strconv.FormatInt(p.read>>20, 10))
	}
	return n, err
}

func (p *progress) Seek(off int64, whence int) (int64, error) {
	n, err := p.f.Seek(off, whence)
	p.read, p.lastPct = n, -1
	return n, err
}

func (p *progress) done() {
	if !p.finished {
		p.finished = true
		fmt.Fprint(p.w, "\r\033[K")
	}
}
