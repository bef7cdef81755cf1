package convenant

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// ErrInvalid is returned (wrapped in *Error) when a convenant file has errors.
var ErrInvalid = errors.New("convenant ongeldig")

// Severity of a diagnostic.
type Severity string

// Severities: an error makes the file invalid, a warning does not.
const (
	SevError   Severity = "fout"
	SevWarning Severity = "waarschuwing"
)

// Diagnostic is one finding about a convenant file: where, what is wrong and how to mend it,
// in Dutch for the author of the file.
type Diagnostic struct {
	File     string
	Pos      Pos
	Severity Severity
	What     string // what is wrong
	Mend     string // how to mend it
}

// String renders the diagnostic as FILE:line:column: fout: what. Herstel: mend.
func (d Diagnostic) String() string {
	s := fmt.Sprintf("%s:%d:%d: %s: %s", d.File, d.Pos.Line, d.Pos.Col, d.Severity, d.What)
	if d.Mend != "" {
		s += " Herstel: " + d.Mend
	}
	return s
}

// Error holds the diagnostics of an invalid file. errors.Is(err, ErrInvalid) holds.
type Error struct {
	Diagnostics []Diagnostic // errors first, then warnings, each in file order
}

func (e *Error) Error() string {
	n := 0
	for _, d := range e.Diagnostics {
		if d.Severity == SevError {
			n++
		}
	}
	if n == 1 {
		return "convenant ongeldig: 1 fout: " + e.Diagnostics[0].String()
	}
	return fmt.Sprintf("convenant ongeldig: %d fouten; eerste: %s", n, e.Diagnostics[0].String())
}

// Is reports that an *Error is ErrInvalid.
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// diags collects diagnostics for one file.
type diags struct {
	file string
	list []Diagnostic
}

func (d *diags) errf(p Pos, mend string, format string, args ...any) {
	d.list = append(d.list, Diagnostic{File: d.file, Pos: p, Severity: SevError, What: fmt.Sprintf(format, args...), Mend: mend})
}

func (d *diags) warnf(p Pos, mend string, format string, args ...any) {
	d.list = append(d.list, Diagnostic{File: d.file, Pos: p, Severity: SevWarning, What: fmt.Sprintf(format, args...), Mend: mend})
}

func (d *diags) hasErrors() bool {
	for _, x := range d.list {
		if x.Severity == SevError {
			return true
		}
	}
	return false
}

// sorted returns errors before warnings, each by position.
func (d *diags) sorted() []Diagnostic {
	out := append([]Diagnostic(nil), d.list...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Severity != b.Severity {
			return a.Severity == SevError
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		return a.Pos.Col < b.Pos.Col
	})
	return out
}

// suggest returns ` Bedoelt u "x"?` when a known code is close to the unknown one.
func suggest(unknown string, known []string) string {
	best, bestD := "", 1<<30
	for _, k := range known {
		if d := editDistance(unknown, k); d < bestD {
			best, bestD = k, d
		}
	}
	if best != "" && bestD <= max(2, len(unknown)/3) {
		return fmt.Sprintf(" Bedoelt u %q?", best)
	}
	return ""
}

// knownList renders known codes for a message: "a, b, c".
func knownList(known []string) string {
	if len(known) > 14 {
		return strings.Join(known[:14], ", ") + ", …"
	}
	return strings.Join(known, ", ")
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
