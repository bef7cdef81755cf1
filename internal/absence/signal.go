package absence

import (
	"cmp"
	"encoding/json"
	"slices"
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
func (s Signal) MarshalJSON() ([]byte, error) {
	return json.Marshal(signalJSON{s.Pupil, s.Kind, s.From, s.To, s.Hours.Float(), s.Days, s.Source, s.Priority})
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
