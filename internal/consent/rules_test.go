package consent

import (
	"errors"
	"strings"
	"testing"
)

func d(s string) Date {
	t, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestAgeOn(t *testing.T) {
	tests := []struct {
		birth, on string
		want      int
	}{
		{"2010-05-10", "2026-05-09", 15}, // day before the 16th birthday
		{"2010-05-10", "2026-05-10", 16}, // the birthday counts as the new age
		{"2010-05-10", "2026-05-11", 16},
		{"2010-05-10", "2010-05-10", 0},
		{"2010-12-31", "2011-01-01", 0},
		{"2008-02-29", "2024-02-28", 15}, // leap year: birthday exists
		{"2008-02-29", "2024-02-29", 16},
		{"2008-02-29", "2023-02-28", 14}, // non-leap year: not yet on 28 February
		{"2008-02-29", "2023-03-01", 15}, // … but on 1 March
		{"2012-02-29", "2024-02-28", 11},
		{"2012-02-29", "2024-02-29", 12},
	}
	for _, tt := range tests {
		if got := AgeOn(d(tt.birth), d(tt.on)); got != tt.want {
			t.Errorf("AgeOn(%s, %s) = %d, want %d", tt.birth, tt.on, got, tt.want)
		}
	}
}

func TestNeeded(t *testing.T) {
	rules := DefaultRules()
	tests := []struct {
		name      string
		birth, on string
		purpose   string
		guardians int
		pupil     bool
		parents   Parents
		reason    string // a fragment the reason must contain
	}{
		// Ordinary school matter: below 16 the parents only (AVG/UAVG age 16), one parent suffices.
		{"11, day before 12th birthday", "2014-03-15", "2026-03-14", PurposeSignalering, 2, false, ParentsOne, "jonger dan 16"},
		{"12 on the birthday: still the parents alone", "2014-03-15", "2026-03-15", PurposeSignalering, 2, false, ParentsOne, "12 jaar"},
		{"12, day after", "2014-03-15", "2026-03-16", PurposeSignalering, 2, false, ParentsOne, "één gezaghebbende ouder is genoeg"},
		{"15, day before 16th birthday", "2010-03-15", "2026-03-14", PurposeToeleiding, 2, false, ParentsOne, "15 jaar"},
		// Jeugdhulp around 12.
		{"jeugdhulp 11, day before 12th birthday", "2014-03-15", "2026-03-14", PurposeJeugdhulp, 2, false, ParentsAll, "jonger dan 12"},
		{"jeugdhulp 12 on the birthday", "2014-03-15", "2026-03-15", PurposeJeugdhulp, 2, true, ParentsAll, "12 tot 16"},
		{"jeugdhulp 12, day after, sole gezag", "2014-03-15", "2026-03-16", PurposeJeugdhulp, 1, true, ParentsOne, "de leerling zelf én de ouder met gezag"},
		// Ages around 16.
		{"16 on the birthday", "2010-03-15", "2026-03-15", PurposeToeleiding, 2, true, ParentsNone, "zelf toestemming"},
		{"16, day after", "2010-03-15", "2026-03-16", PurposeToeleiding, 1, true, ParentsNone, "de ouders niet"},
		{"17, no gezag known", "2009-01-01", "2026-03-16", PurposeJeugdhulp, 0, true, ParentsNone, "zelf"},
		// Jeugdhulp: all parents with gezag, unless sole gezag.
		{"jeugdhulp 9, joint gezag", "2017-01-01", "2026-06-01", PurposeJeugdhulp, 2, false, ParentsAll, "beide ouders"},
		{"jeugdhulp 9, sole gezag", "2017-01-01", "2026-06-01", PurposeJeugdhulp, 1, false, ParentsOne, "eenhoofdig gezag"},
		{"jeugdhulp 9, no gezag (voogdij)", "2017-01-01", "2026-06-01", PurposeJeugdhulp, 0, false, ParentsOne, "voogd"},
		{"jeugdhulp 14, joint gezag", "2012-01-01", "2026-06-01", PurposeJeugdhulp, 2, true, ParentsAll, "de leerling zelf én beide"},
		{"jeugdhulp 15 day before 16", "2010-06-02", "2026-06-01", PurposeJeugdhulp, 2, true, ParentsAll, "15 jaar"},
		{"jeugdhulp 16 on birthday", "2010-06-01", "2026-06-01", PurposeJeugdhulp, 2, true, ParentsNone, "16 jaar"},
		{"signalering 9, sole gezag", "2017-01-01", "2026-06-01", PurposeSignalering, 1, false, ParentsOne, "één ouder"},
		{"signalering 9, no gezag", "2017-01-01", "2026-06-01", PurposeSignalering, 0, false, ParentsOne, "voogd"},
		// 29 February births.
		{"born 29 Feb, 28 Feb non-leap: still 15", "2008-02-29", "2023-02-28", PurposeJeugdhulp, 2, true, ParentsAll, "14 jaar"},
		{"born 29 Feb 2008, 1 March 2023 (non-leap): 15", "2008-02-29", "2023-03-01", PurposeJeugdhulp, 2, true, ParentsAll, "15 jaar"},
		{"born 29 Feb 2012, 28 Feb 2028 (leap, day before): 15", "2012-02-29", "2028-02-28", PurposeJeugdhulp, 2, true, ParentsAll, "15 jaar"},
		{"born 29 Feb 2012, 29 Feb 2028: 16", "2012-02-29", "2028-02-29", PurposeJeugdhulp, 2, true, ParentsNone, "16 jaar"},
		{"born 29 Feb 2012, 28 Feb 2027 (non-leap): 14", "2012-02-29", "2027-02-28", PurposeJeugdhulp, 2, true, ParentsAll, "14 jaar"},
		{"born 29 Feb 2000, 28 Feb 2016 (leap, before): 15", "2000-02-29", "2016-02-28", PurposeToeleiding, 1, false, ParentsOne, "15 jaar"},
		{"born 28 Feb 2001, 28 Feb 2017: 16", "2001-02-28", "2017-02-28", PurposeToeleiding, 1, true, ParentsNone, "16 jaar"},
		{"born 29 Feb 2008, 28 Feb 2024 (leap): 15", "2008-02-29", "2024-02-28", PurposeJeugdhulp, 2, true, ParentsAll, "15 jaar"},
		{"born 29 Feb 2008, 29 Feb 2024: 16", "2008-02-29", "2024-02-29", PurposeJeugdhulp, 2, true, ParentsNone, "16 jaar"},
		{"born 29 Feb 2012, 28 Feb 2024 (leap, day before 12): 11", "2012-02-29", "2024-02-28", PurposeJeugdhulp, 2, false, ParentsAll, "11 jaar"},
		{"born 29 Feb 2012, 29 Feb 2024: 12", "2012-02-29", "2024-02-29", PurposeJeugdhulp, 2, true, ParentsAll, "12 jaar"},
		{"born 29 Feb 2016, 28 Feb 2027 (non-leap): still 10", "2016-02-29", "2027-02-28", PurposeSignalering, 2, false, ParentsOne, "10 jaar"},
		// Purposes on another ground: nobody's consent.
		{"leerplicht, 10", "2016-01-01", "2026-06-01", PurposeLeerplicht, 2, false, ParentsNone, "geen toestemming nodig"},
		{"leerplicht, 17", "2009-01-01", "2026-06-01", PurposeLeerplicht, 1, false, ParentsNone, "wettelijke plicht"},
		{"monitoring, 14", "2012-01-01", "2026-06-01", PurposeMonitoring, 2, false, ParentsNone, "geen toestemming nodig"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := rules.Needed(d(tt.birth), d(tt.on), tt.purpose, tt.guardians)
			if err != nil {
				t.Fatal(err)
			}
			if got.Pupil != tt.pupil || got.Parents != tt.parents {
				t.Errorf("Needed = leerling %v, ouders %q; want %v, %q (%s)", got.Pupil, got.Parents, tt.pupil, tt.parents, got.Reason)
			}
			if !strings.Contains(got.Reason, tt.reason) {
				t.Errorf("reason %q lacks %q", got.Reason, tt.reason)
			}
			if got.Source == "" {
				t.Error("no source")
			}
		})
	}
}

func TestNeededErrors(t *testing.T) {
	rules := DefaultRules()
	if _, err := rules.Needed(d("2010-01-01"), d("2026-01-01"), "vakantie", 2); !errors.Is(err, ErrUnknownPurpose) {
		t.Errorf("unknown purpose: err = %v", err)
	}
	for _, n := range []int{-1, 3} {
		if _, err := rules.Needed(d("2010-01-01"), d("2026-01-01"), PurposeJeugdhulp, n); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("guardians %d: err = %v", n, err)
		}
	}
	if _, err := rules.Needed(d("2026-01-02"), d("2026-01-01"), PurposeJeugdhulp, 2); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("peildatum before birth: err = %v", err)
	}
}

func TestNewRulesOverrides(t *testing.T) {
	// A convenant that asks both parents for toeleiding and lets pupils decide alone from 16 only
	// for jeugdhulp-free purposes: the override replaces the default for that purpose only.
	rules, err := NewRules(Rule{Purpose: PurposeToeleiding, ConsentRequired: true, PupilAlsoFrom: 12, PupilAloneFrom: 16,
		Parents: ParentsAll, Source: "Convenant art. 6"})
	if err != nil {
		t.Fatal(err)
	}
	q, err := rules.Needed(d("2017-01-01"), d("2026-06-01"), PurposeToeleiding, 2)
	if err != nil || q.Parents != ParentsAll || q.Source != "Convenant art. 6" {
		t.Errorf("override not applied: %+v, %v", q, err)
	}
	q, _ = rules.Needed(d("2017-01-01"), d("2026-06-01"), PurposeSignalering, 2)
	if q.Parents != ParentsOne {
		t.Errorf("other purpose changed: %+v", q)
	}
	// A new purpose is added.
	rules, err = NewRules(Rule{Purpose: "onderzoek", ConsentRequired: true, PupilAlsoFrom: 16, PupilAloneFrom: 16, Parents: ParentsOne, Source: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if q, err := rules.Needed(d("2020-01-01"), d("2026-06-01"), "onderzoek", 2); err != nil || q.Pupil || q.Parents != ParentsOne {
		t.Errorf("new purpose: %+v %v", q, err)
	}

	bad := []Rule{
		{Purpose: "", ConsentRequired: true, PupilAlsoFrom: 12, PupilAloneFrom: 16, Parents: ParentsOne, Source: "x"},
		{Purpose: "a", ConsentRequired: true, PupilAlsoFrom: 12, PupilAloneFrom: 16, Parents: ParentsOne},
		{Purpose: "a", ConsentRequired: true, PupilAlsoFrom: 17, PupilAloneFrom: 16, Parents: ParentsOne, Source: "x"},
		{Purpose: "a", ConsentRequired: true, PupilAlsoFrom: 12, PupilAloneFrom: 19, Parents: ParentsOne, Source: "x"},
		{Purpose: "a", ConsentRequired: true, PupilAlsoFrom: -1, PupilAloneFrom: 16, Parents: ParentsOne, Source: "x"},
		{Purpose: "a", ConsentRequired: true, PupilAlsoFrom: 12, PupilAloneFrom: 16, Parents: ParentsNone, Source: "x"},
		{Purpose: "a", ConsentRequired: false, Source: "x"},
	}
	for i, r := range bad {
		if _, err := NewRules(r); !errors.Is(err, ErrInvalidRule) {
			t.Errorf("bad rule %d: err = %v", i, err)
		}
	}
	r := Rule{Purpose: "a", ConsentRequired: true, PupilAlsoFrom: 12, PupilAloneFrom: 16, Parents: ParentsOne, Source: "x"}
	if _, err := NewRules(r, r); !errors.Is(err, ErrInvalidRule) {
		t.Errorf("duplicate: err = %v", err)
	}
}

func TestParseDate(t *testing.T) {
	for _, s := range []string{"2025-02-29", "2025-13-01", "25-01-01", "2025-1-1", ""} {
		if _, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) accepted", s)
		}
	}
	if got := d("2024-02-29").AddDays(1).String(); got != "2024-03-01" {
		t.Errorf("AddDays = %s", got)
	}
}
