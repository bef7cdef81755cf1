package duo

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/grondslag/grondslag/internal/absence"
)

// The status file: DUO's answers about a school's meldingen, as the school exports them from its
// administration package or copies them from the verzuimloket's overview into a spreadsheet.
// DUO publishes no export format, so this one is ours (docs/verzuim-duo.md): CSV with a header,
// comma or semicolon, UTF-8 with or without BOM (Windows-1252 is refused with a clear error),
// CRLF or LF, dates DD-MM-JJJJ (or JJJJ-MM-DD), statuses by DUO's label or our code.
//
//	meldingsnummer;kenmerk;status;datum;reden_afsluiting;afsluitnotitie;contactpersoon
//	VZM00012345;GS-R01-12;In behandeling;14-09-2026;;;M. de Vries
//
// meldingsnummer or kenmerk must be there (the kenmerk links a melding DUO numbered to ours);
// the last three columns may be empty or absent.

// statusColumns are the known columns; the first four are required in the header.
var statusColumns = []string{"meldingsnummer", "kenmerk", "status", "datum", "reden_afsluiting", "afsluitnotitie", "contactpersoon"}

// StatusLine is one report of the file with its line number.
type StatusLine struct {
	Line   int
	Report absence.StatusReport
}

// StatusError is a bad line of a status file.
type StatusError struct {
	Line int
	Msg  string
}

func (e *StatusError) Error() string { return fmt.Sprintf("regel %d: %s", e.Line, e.Msg) }

// ErrStatusFile is returned (wrapped) for a file that cannot be read at all.
var ErrStatusFile = errors.New("het statusbestand van DUO kan niet worden gelezen")

// ReadStatusFile reads the status file. Bad lines are returned as *StatusError values (the good
// ones still come back); a file without the header or in another encoding is an error.
func ReadStatusFile(r io.Reader, loc *time.Location) ([]StatusLine, []*StatusError, error) {
	raw, err := io.ReadAll(io.LimitReader(r, 16<<20))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrStatusFile, err)
	}
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(raw) {
		return nil, nil, fmt.Errorf("%w: het bestand is geen UTF-8 (sla het op als CSV UTF-8)", ErrStatusFile)
	}
	first, _, _ := bufio.NewReader(bytes.NewReader(raw)).ReadLine()
	cr := csv.NewReader(bytes.NewReader(raw))
	cr.Comma = ','
	if strings.Count(string(first), ";") > strings.Count(string(first), ",") {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	head, err := cr.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("%w: geen kopregel", ErrStatusFile)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, need := range []string{"status", "datum"} {
		if _, ok := col[need]; !ok {
			return nil, nil, fmt.Errorf("%w: de kopregel mist %q (verwacht %s)", ErrStatusFile, need, strings.Join(statusColumns, ";"))
		}
	}
	_, hasNr := col["meldingsnummer"]
	_, hasRef := col["kenmerk"]
	if !hasNr && !hasRef {
		return nil, nil, fmt.Errorf("%w: de kopregel mist meldingsnummer en kenmerk", ErrStatusFile)
	}
	if loc == nil {
		loc = time.UTC
	}
	var out []StatusLine
	var bad []*StatusError
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			bad = append(bad, &StatusError{Line: line, Msg: err.Error()})
			continue
		}
		get := func(k string) string {
			if i, ok := col[k]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if strings.Join(rec, "") == "" {
			continue
		}
		st, err := ParseStatusLabel(get("status"))
		if err != nil {
			bad = append(bad, &StatusError{Line: line, Msg: err.Error()})
			continue
		}
		day, err := absence.ParseDate(get("datum"))
		if err != nil {
			bad = append(bad, &StatusError{Line: line, Msg: "datum: schrijf DD-MM-JJJJ"})
			continue
		}
		y, m, d := day.Civil()
		rep := absence.StatusReport{DUONumber: get("meldingsnummer"), Reference: get("kenmerk"), Status: st, At: time.Date(y, m, d, 12, 0, 0, 0, loc),
			ClosingReason: absence.ClosingReason(code(get("reden_afsluiting"))), ClosingNote: absence.ClosingNote(code(get("afsluitnotitie"))), Contact: get("contactpersoon")}
		if err := rep.Validate(); err != nil {
			bad = append(bad, &StatusError{Line: line, Msg: strings.TrimPrefix(err.Error(), absence.ErrMelding.Error()+": ")})
			continue
		}
		out = append(out, StatusLine{Line: line, Report: rep})
	}
	return out, bad, nil
}

// ParseStatusLabel accepts DUO's label ("In behandeling") or our code ("in-behandeling").
func ParseStatusLabel(s string) (absence.Status, error) {
	c := code(s)
	for _, st := range absence.Statuses() {
		if c == string(st) || c == code(st.Label()) {
			return st, nil
		}
	}
	return "", fmt.Errorf("onbekende status %q (verwacht een van: Geregistreerd, Ingetrokken, In behandeling, Afgesloten, Ter kennisgeving aangenomen)", s)
}

// code turns a label into our code form: lower case, words joined by hyphens, "–" as "-".
func code(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.NewReplacer("–", "-", "—", "-", "/", "-", "_", "-").Replace(s)
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "-", " ")), "-")
}
