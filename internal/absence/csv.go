package absence

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/grondslag/grondslag/internal/csvtext"
)

// LineError is a problem with one line of an input file.
type LineError struct {
	Line int
	Msg  string
}

func (e *LineError) Error() string { return fmt.Sprintf("regel %d: %s", e.Line, e.Msg) }

// ErrHeader is returned when a file lacks its header line or a required column.
var ErrHeader = errors.New("kopregel ontbreekt of is onvolledig")

// RegistrationHeader is the required header of a registrations file; columns may come in any
// order, extra columns are ignored, and a file whose header uses ';' is read with ';' as
// separator (then "1,5" is a valid number of hours).
var RegistrationHeader = []string{"leerling", "datum", "uren", "reden"}

// Optional columns of a registrations file: the date of birth and the startkwalificatie (a date,
// "ja" for one obtained before any date in the file, or empty / "nee"). With them the rules decide
// per absence day between leerplicht, kwalificatieplicht and RMC (see PupilInput.Birth).
const (
	ColumnBirth             = "geboortedatum"
	ColumnStartkwalificatie = "startkwalificatie"
)

// Reader reads registrations from CSV, one line at a time, without holding the file in memory.
type Reader struct {
	br                    *bufio.Reader
	sep                   byte
	line                  int
	ncol                  int
	iPupil, iDate, iHours int
	iReason               int
	iBirth, iSK           int // -1 when the column is absent
	fields                [][]byte
	pupil                 []byte // the last pupil, valid until the next call
	slowBuf               bytes.Reader
}

// NewReader reads the header and returns a Reader positioned at the first registration. The file
// may be UTF-8 (with or without BOM) or Windows-1252 (internal/csvtext detects it; other text is
// refused with the line that shows it).
func NewReader(r io.Reader) (*Reader, error) {
	r, _, err := csvtext.NewReader(r)
	if err != nil {
		return nil, err
	}
	rd := &Reader{br: bufio.NewReaderSize(r, 1<<20)}
	line, err := rd.readLine()
	if err == io.EOF && len(line) == 0 {
		return nil, fmt.Errorf("%w: het bestand is leeg; verwacht %s", ErrHeader, strings.Join(RegistrationHeader, ","))
	}
	if err != nil && err != io.EOF {
		return nil, err
	}
	line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
	rd.sep = ','
	if bytes.IndexByte(line, ';') >= 0 && bytes.IndexByte(line, ',') < 0 {
		rd.sep = ';'
	}
	cols := rd.split(line)
	rd.ncol = len(cols)
	idx := map[string]int{}
	for i, c := range cols {
		idx[strings.ToLower(strings.TrimSpace(string(c)))] = i
	}
	pos := make([]int, len(RegistrationHeader))
	for i, name := range RegistrationHeader {
		p, ok := idx[name]
		if !ok {
			return nil, fmt.Errorf("%w: regel 1: kolom %q ontbreekt; verwacht %s", ErrHeader, name, strings.Join(RegistrationHeader, ","))
		}
		pos[i] = p
	}
	rd.iPupil, rd.iDate, rd.iHours, rd.iReason = pos[0], pos[1], pos[2], pos[3]
	rd.iBirth, rd.iSK = -1, -1
	if p, ok := idx[ColumnBirth]; ok {
		rd.iBirth = p
	}
	if p, ok := idx[ColumnStartkwalificatie]; ok {
		rd.iSK = p
	}
	return rd, nil
}

// Line returns the number of the line read last.
func (rd *Reader) Line() int { return rd.line }

// readLine returns the next line without its line ending.
func (rd *Reader) readLine() ([]byte, error) {
	line, err := rd.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		// Consume the rest of the over-long line and report it.
		for err == bufio.ErrBufferFull {
			_, err = rd.br.ReadSlice('\n')
		}
		rd.line++
		return nil, &LineError{Line: rd.line, Msg: "regel is te lang"}
	}
	if len(line) == 0 && err != nil {
		return nil, err
	}
	rd.line++
	line = bytes.TrimSuffix(line, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	if err == io.EOF {
		err = nil
	}
	return line, err
}

// split cuts a line into fields in one pass. Lines with a quote take the slow, RFC 4180 path.
func (rd *Reader) split(line []byte) [][]byte {
	rd.fields = rd.fields[:0]
	start := 0
	sep := rd.sep
	for i, c := range line {
		if c == sep {
			rd.fields = append(rd.fields, line[start:i])
			start = i + 1
		} else if c == '"' {
			return rd.splitQuoted(line)
		}
	}
	rd.fields = append(rd.fields, line[start:])
	return rd.fields
}

func (rd *Reader) splitQuoted(line []byte) [][]byte {
	rd.fields = rd.fields[:0]
	rd.slowBuf.Reset(line)
	cr := csv.NewReader(&rd.slowBuf)
	cr.Comma = rune(rd.sep)
	cr.FieldsPerRecord = -1
	rec, err := cr.Read()
	if err != nil {
		return nil
	}
	for _, f := range rec {
		rd.fields = append(rd.fields, []byte(f))
	}
	return rd.fields
}

// rawRow is a parsed line; pupil is only valid until the next call to next.
type rawRow struct {
	pupil  []byte
	day    Date
	hours  Hours
	reason Reason
	line   int
	birth  Date // 0 when absent
	sk     Date // startkwalificatie; 0 none
}

// next reads the next registration. It returns io.EOF at the end and a *LineError for a bad line
// (the reader can go on after one).
func (rd *Reader) next() (rawRow, error) {
	for {
		line, err := rd.readLine()
		if err != nil {
			return rawRow{}, err
		}
		if len(line) == 0 || (isSpace(line[0]) && len(bytes.TrimSpace(line)) == 0) {
			continue // blank lines are allowed
		}
		f := rd.split(line)
		if f == nil {
			return rawRow{}, &LineError{rd.line, "ongeldige aanhalingstekens"}
		}
		if len(f) != rd.ncol {
			msg := fmt.Sprintf("%d kolommen, verwacht %d", len(f), rd.ncol)
			if rd.sep == ',' && len(f) == rd.ncol+1 {
				msg += " (een decimale komma in de uren? gebruik een punt, of ';' als scheidingsteken)"
			}
			return rawRow{}, &LineError{rd.line, msg}
		}
		pupil := trim(f[rd.iPupil])
		if err := validPupil(pupil); err != nil {
			return rawRow{}, &LineError{rd.line, err.Error()}
		}
		day, err := parseDateBytes(trim(f[rd.iDate]))
		if err != nil {
			return rawRow{}, &LineError{rd.line, "datum: " + strings.TrimPrefix(err.Error(), "ongeldige datum ")}
		}
		hours, err := parseHoursBytes(trim(f[rd.iHours]))
		if err != nil {
			return rawRow{}, &LineError{rd.line, err.Error()}
		}
		reason, ok := parseReasonBytes(f[rd.iReason])
		if !ok {
			_, perr := ParseReason(string(f[rd.iReason]))
			return rawRow{}, &LineError{rd.line, perr.Error()}
		}
		row := rawRow{day: day, hours: hours, reason: reason, line: rd.line}
		if rd.iBirth >= 0 {
			if b := trim(f[rd.iBirth]); len(b) > 0 {
				if row.birth, err = parseDateBytes(b); err != nil {
					return rawRow{}, &LineError{rd.line, "geboortedatum: " + strings.TrimPrefix(err.Error(), "ongeldige datum ")}
				}
			}
		}
		if rd.iSK >= 0 {
			if row.sk, err = parseStartkwalificatie(trim(f[rd.iSK])); err != nil {
				return rawRow{}, &LineError{rd.line, err.Error()}
			}
		}
		rd.pupil = append(rd.pupil[:0], pupil...)
		row.pupil = rd.pupil
		return row, nil
	}
}

// parseStartkwalificatie reads the startkwalificatie column: a date, "ja" (obtained before any
// date that matters: MinDate), or empty / "nee" (none).
func parseStartkwalificatie(b []byte) (Date, error) {
	switch strings.ToLower(string(b)) {
	case "", "nee", "n":
		return 0, nil
	case "ja", "j":
		return MinDate, nil
	}
	d, err := parseDateBytes(b)
	if err != nil {
		return 0, fmt.Errorf("startkwalificatie: verwacht een datum, ja of nee, niet %q", b)
	}
	return d, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' }

// trim removes surrounding white space, without a call when there is none (the usual case).
func trim(b []byte) []byte {
	if len(b) > 0 && (isSpace(b[0]) || isSpace(b[len(b)-1])) {
		return bytes.TrimSpace(b)
	}
	return b
}

// Read returns the next registration, io.EOF at the end, or a *LineError for a bad line; after a
// *LineError the caller may go on reading.
func (rd *Reader) Read() (Registration, error) {
	r, err := rd.next()
	if err != nil {
		return Registration{}, err
	}
	return Registration{Pupil: string(r.pupil), Day: r.day, Hours: r.hours, Reason: r.reason, Line: r.line, Birth: r.birth, Startkwalificatie: r.sk}, nil
}

// ReadAll reads every registration. Bad lines are collected as *LineError values; the good
// registrations are returned beside them, so the caller decides whether to use them.
func ReadAll(r io.Reader) ([]Registration, []*LineError, error) {
	rd, err := NewReader(r)
	if err != nil {
		return nil, nil, err
	}
	var regs []Registration
	var bad []*LineError
	for {
		reg, err := rd.Read()
		if err == io.EOF {
			return regs, bad, nil
		}
		var le *LineError
		if errors.As(err, &le) {
			bad = append(bad, le)
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		regs = append(regs, reg)
	}
}

// csvRow is one record of a small CSV file with its line number.
type csvRow struct {
	line   int
	fields []string
}

// readCSVRecords reads a small CSV file whose header holds want (any order); fields come back in
// the order of want.
func readCSVRecords(r io.Reader, want []string) ([]csvRow, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if b, _, err = csvtext.Decode(b); err != nil {
		return nil, err
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.Comma = csvtext.Separator(b)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	head, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%w: het bestand is leeg; verwacht %s", ErrHeader, strings.Join(want, ","))
	}
	if err != nil {
		return nil, fmt.Errorf("regel 1: %w", err)
	}
	idx := map[string]int{}
	for i, h := range head {
		idx[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	pos := make([]int, len(want))
	for i, w := range want {
		p, ok := idx[w]
		if !ok {
			return nil, fmt.Errorf("%w: regel 1: kolom %q ontbreekt; verwacht %s", ErrHeader, w, strings.Join(want, ","))
		}
		pos[i] = p
	}
	var out []csvRow
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, fmt.Errorf("regel %d: %w", line, err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		row := csvRow{line: line, fields: make([]string, len(want))}
		for i, p := range pos {
			if p >= len(rec) {
				return nil, fmt.Errorf("regel %d: kolom %q ontbreekt", line, want[i])
			}
			row.fields[i] = strings.TrimSpace(rec[p])
		}
		out = append(out, row)
	}
}
