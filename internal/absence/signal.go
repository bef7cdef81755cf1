package absence

import (
	"cmp"
	"encoding/json"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Kind names a rule's signal; the values are the Dutch codes of the command's JSON output.
type Kind string

const (
	Kind16Hours     Kind = "16-uur-in-4-lesweken"
	KindLongTerm    Kind = "langdurig-relatief-verzuim"
	KindLuxury      Kind = "luxe-verzuim"
	KindMAZL        Kind = "mazl"
	KindStarting    Kind = "beginnend-verzuim"
	KindAbsolute    Kind = "absoluut-verzuim"
	KindSickSuspect Kind = "overig-verzuim"
)

// Kinds lists every kind of signal.
func Kinds() []Kind {
	return []Kind{Kind16Hours, KindLongTerm, KindLuxury, KindMAZL, KindStarting, KindAbsolute, KindSickSuspect}
}

// Signal is what a rule found for one pupil: the period, the hours and whole days of the absence
// that made it, and the article or source the rule rests on.
type Signal struct {
	Pupil    string
	Kind     Kind
	From, To Date
	Hours    Hours
	Days     int    // whole days (at least the day's lesson hours) within the period
	Source   string // bron: article or source of the rule
	Priority bool   // langdurig relatief verzuim longer than the priority period (3 months)
}

// signalJSON is the documented output format of `grondslag verzuim signalen --json`.
type signalJSON struct {
	Pupil    string  `json:"leerling"`
	Kind     Kind    `json:"soort"`
	From     Date    `json:"van"`
	To       Date    `json:"tot"`
	Hours    float64 `json:"uren"`
	Days     int     `json:"dagen"`
	Source   string  `json:"bron"`
	Priority bool    `json:"prioriteit,omitempty"`
}

// MarshalJSON writes the Dutch field names of the command's contract.
func (s Signal) MarshalJSON() ([]byte, error) { return s.AppendJSON(nil), nil }

// AppendJSON appends the signal as a JSON object (the format of MarshalJSON) without reflection,
// for writing millions of them.
func (s Signal) AppendJSON(b []byte) []byte {
	b = append(b, `{"leerling":`...)
	b = appendJSONString(b, s.Pupil)
	b = append(b, `,"soort":`...)
	b = appendJSONString(b, string(s.Kind))
	b = append(b, `,"van":"`...)
	b = appendDate(b, s.From)
	b = append(b, `","tot":"`...)
	b = appendDate(b, s.To)
	b = append(b, `","uren":`...)
	b = strconv.AppendFloat(b, s.Hours.Float(), 'f', -1, 64)
	b = append(b, `,"dagen":`...)
	b = strconv.AppendInt(b, int64(s.Days), 10)
	b = append(b, `,"bron":`...)
	b = appendJSONString(b, s.Source)
	if s.Priority {
		b = append(b, `,"prioriteit":true`...)
	}
	return append(b, '}')
}

func appendDate(b []byte, d Date) []byte {
	y, m, dd := d.Civil()
	b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-')
	b = append(b, byte('0'+int(m)/10), byte('0'+int(m)%10), '-')
	return append(b, byte('0'+dd/10), byte('0'+dd%10))
}

// appendJSONString appends s as a JSON string: quotes, backslashes and control characters
// escaped, valid UTF-8 kept, invalid bytes replaced by U+FFFD (as encoding/json does).
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, "\\ufffd"...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// UnmarshalJSON reads the format MarshalJSON writes.
func (s *Signal) UnmarshalJSON(b []byte) error {
	var j signalJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*s = Signal{j.Pupil, j.Kind, j.From, j.To, Hours(j.Hours*100 + 0.5), j.Days, j.Source, j.Priority}
	return nil
}

// SortSignals orders signals by pupil, start, kind and end: the canonical order of every output,
// independent of the input's order.
func SortSignals(s []Signal) {
	slices.SortFunc(s, compareSignals)
}

func compareSignals(a, b Signal) int {
	return cmp.Or(
		cmp.Compare(a.Pupil, b.Pupil),
		cmp.Compare(a.From, b.From),
		cmp.Compare(a.Kind, b.Kind),
		cmp.Compare(a.To, b.To),
		cmp.Compare(a.Source, b.Source),
	)
}
