package absence

import (
	"fmt"
	"io"
)

// ExemptionKind is the legal basis of a vrijstelling or a period of granted leave.
type ExemptionKind string

const (
	// Exempt5a: physically or mentally unfit (art. 5 sub a; statement of a designated doctor,
	// pedagogue or psychologist at most 3 months old, art. 7).
	Exempt5a ExemptionKind = "art5a"
	// Exempt5b: objection to the direction of all schools within reach (art. 5 sub b).
	Exempt5b ExemptionKind = "art5b"
	// Exempt5c: enrolled at a school abroad (art. 5 sub c).
	Exempt5c ExemptionKind = "art5c"
	// Exempt5aTravelling: travelling families (art. 5a).
	Exempt5aTravelling ExemptionKind = "art5a-trekkend"
	// Exempt15: kwalificatieplicht met by other education (art. 15).
	Exempt15 ExemptionKind = "art15"
	// Leave13a: holiday leave because of a parent's work (art. 13a).
	Leave13a ExemptionKind = "verlof-art13a"
	// Leave14: leave for other weighty circumstances (art. 14).
	Leave14 ExemptionKind = "verlof-art14"
)

// ExemptionKinds lists every kind.
func ExemptionKinds() []ExemptionKind {
	return []ExemptionKind{Exempt5a, Exempt5b, Exempt5c, Exempt5aTravelling, Exempt15, Leave13a, Leave14}
}

// IsLeave reports whether the kind is granted leave rather than an exemption.
func (k ExemptionKind) IsLeave() bool { return k == Leave13a || k == Leave14 }

// Article returns the legal basis as text.
func (k ExemptionKind) Article() string {
	switch k {
	case Exempt5a:
		return "Leerplichtwet 1969 art. 5 sub a"
	case Exempt5b:
		return "Leerplichtwet 1969 art. 5 sub b"
	case Exempt5c:
		return "Leerplichtwet 1969 art. 5 sub c"
	case Exempt5aTravelling:
		return "Leerplichtwet 1969 art. 5a"
	case Exempt15:
		return "Leerplichtwet 1969 art. 15"
	case Leave13a:
		return "Leerplichtwet 1969 art. 13a"
	case Leave14:
		return "Leerplichtwet 1969 art. 14"
	}
	return ""
}

// ParseExemptionKind accepts the codes of ExemptionKinds.
func ParseExemptionKind(s string) (ExemptionKind, error) {
	for _, k := range ExemptionKinds() {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("onbekende soort vrijstelling of verlof %q", s)
}

// Exemption is a vrijstelling or granted leave for a period (both dates inclusive; To zero means
// open-ended). No signal counts absence inside it, and absoluut verzuim is not signalled during it.
type Exemption struct {
	Kind     ExemptionKind
	From, To Date
}

// NewExemption validates an exemption. Leave under art. 13a is at most 10 school days once a
// year and never in the first two school weeks; that is the head's decision to check when granting
// it, not a reason to refuse recording it.
func NewExemption(kind ExemptionKind, from, to Date) (Exemption, error) {
	if kind.Article() == "" {
		return Exemption{}, fmt.Errorf("onbekende soort vrijstelling of verlof %q", kind)
	}
	if from < MinDate || from > MaxDate {
		return Exemption{}, fmt.Errorf("%w: begindatum %s", ErrDate, from)
	}
	if to != 0 && to < from {
		return Exemption{}, fmt.Errorf("einddatum %s ligt voor begindatum %s", to, from)
	}
	if kind.IsLeave() && to == 0 {
		return Exemption{}, fmt.Errorf("verlof heeft een einddatum nodig")
	}
	return Exemption{Kind: kind, From: from, To: to}, nil
}

// Covers reports whether d lies in the exemption.
func (e Exemption) Covers(d Date) bool { return d >= e.From && (e.To == 0 || d <= e.To) }

func covered(ex []Exemption, d Date) bool {
	for _, e := range ex {
		if e.Covers(d) {
			return true
		}
	}
	return false
}

// ReadExemptions reads a file with header leerling,soort,van,tot (tot empty: open-ended) into
// exemptions per pupil key.
func ReadExemptions(r io.Reader) (map[string][]Exemption, error) {
	rows, err := readCSVRecords(r, []string{"leerling", "soort", "van", "tot"})
	if err != nil {
		return nil, err
	}
	out := map[string][]Exemption{}
	for _, row := range rows {
		kind, err := ParseExemptionKind(row.fields[1])
		if err != nil {
			return nil, &LineError{Line: row.line, Msg: err.Error()}
		}
		from, err := ParseDate(row.fields[2])
		if err != nil {
			return nil, &LineError{Line: row.line, Msg: "van: " + err.Error()}
		}
		var to Date
		if row.fields[3] != "" {
			if to, err = ParseDate(row.fields[3]); err != nil {
				return nil, &LineError{Line: row.line, Msg: "tot: " + err.Error()}
			}
		}
		ex, err := NewExemption(kind, from, to)
		if err != nil {
			return nil, &LineError{Line: row.line, Msg: err.Error()}
		}
		if err := validPupil([]byte(row.fields[0])); err != nil {
			return nil, &LineError{Line: row.line, Msg: err.Error()}
		}
		out[row.fields[0]] = append(out[row.fields[0]], ex)
	}
	return out, nil
}
