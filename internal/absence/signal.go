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
	// KindRMC: unauthorised absence of a young adult of 18 to 23 without a startkwalificatie:
	// a signal for the RMC function (voortijdig schoolverlaten), never an art. 21a melding.
	KindRMC Kind = "rmc-verzuim"
	// KindLongSick: a pupil ill for the region's number of consecutive school days, reported to
	// leerplicht where the convenant switches it on (langdurig_ziekteverzuim_naar_leerplicht;
	// Amsterdam practice, DOMAIN.md last section). Proposes a melding as signaal verzuim.
	KindLongSick Kind = "langdurig-ziekteverzuim"
)

// nKinds is the number of kinds (Kinds); kindIndex numbers them.
const nKinds = 9

// kindIndex returns the position of k in Kinds (0 for an unknown kind).
func kindIndex(k Kind) int {
	switch k {
	case Kind16Hours:
		return 0
	case KindLongTerm:
		return 1
	case KindLuxury:
		return 2
	case KindMAZL:
		return 3
	case KindStarting:
		return 4
	case KindAbsolute:
		return 5
	case KindSickSuspect:
		return 6
	case KindRMC:
		return 7
	case KindLongSick:
		return 8
	}
	return 0
}

// Kinds lists every kind of signal.
func Kinds() []Kind {
	return []Kind{Kind16Hours, KindLongTerm, KindLuxury, KindMAZL, KindStarting, KindAbsolute, KindSickSuspect, KindRMC, KindLongSick}
}

// Signal is one episode of absence of one pupil: the period from its first to its last absence
// day, the hours and whole days in it, the day a rule's threshold was reached, whether the pupil is
// back (the episode ended), and the article or source the rule rests on. An episode grows as
// absence continues; it holds exactly one signal, whose Kind is the strongest stage reached
// (beginnend verzuim, 16 uur, langdurig relatief verzuim for unauthorised absence).
type Signal struct {
	Pupil    string
	Kind     Kind
	From, To Date
	Hours    Hours
	Days     int    // whole days (at least the day's lesson hours) within the period
	Source   string // bron: article or source of the rule
	Priority bool   // langdurig relatief verzuim longer than the priority period (3 months)
	// Reached is the day the rule's threshold was first reached in this episode: the day a
	// melding became due.
	Reached Date
	// Ended is the day the episode ended (the first school day the pupil was back, or the day the
	// gemeente closed the case); zero while it runs.
	Ended     Date
	EndReason EndReason
}

// EndReason says why an episode ended.
type EndReason string

const (
	EndBack   EndReason = "terug-op-school"  // Rules.ReturnDays school days without this absence
	EndClosed EndReason = "zaak-afgesloten"  // the gemeente closed the melding
	EndDuty   EndReason = "plicht-geeindigd" // leerplicht or kwalificatieplicht ended (18, startkwalificatie)
)

// Running reports whether the episode still runs on its peildatum.
func (s Signal) Running() bool { return s.Ended == 0 }

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
	Reached  Date    `json:"bereikt,omitzero"`
	Ended    Date    `json:"einde,omitzero"`
	Reason   string  `json:"einde_reden,omitempty"`
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
	if s.Reached != 0 {
		b = append(b, `,"bereikt":"`...)
		b = appendDate(b, s.Reached)
		b = append(b, '"')
	}
	if s.Ended != 0 {
		b = append(b, `,"einde":"`...)
		b = appendDate(b, s.Ended)
		b = append(b, `","einde_reden":`...)
		b = appendJSONString(b, string(s.EndReason))
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
	*s = Signal{Pupil: j.Pupil, Kind: j.Kind, From: j.From, To: j.To, Hours: Hours(j.Hours*100 + 0.5), Days: j.Days, Source: j.Source,
		Priority: j.Priority, Reached: j.Reached, Ended: j.Ended, EndReason: EndReason(j.Reason)}
	return nil
}

// SortSignals orders signals by pupil, start, kind and end: the canonical order of every output,
// independent of the input's order.
func SortSignals(s []Signal) {
	slices.SortFunc(s, compareSignals)
}

func compareSignals(a, b Signal) int {
	// Field by field, stopping at the first difference (cmp.Or would compare every field,
	// the long source texts too).
	if c := cmp.Compare(a.Pupil, b.Pupil); c != 0 {
		return c
	}
	if a.From != b.From {
		return cmp.Compare(a.From, b.From)
	}
	if c := cmp.Compare(a.Kind, b.Kind); c != 0 {
		return c
	}
	if a.To != b.To {
		return cmp.Compare(a.To, b.To)
	}
	return cmp.Compare(a.Source, b.Source)
}
