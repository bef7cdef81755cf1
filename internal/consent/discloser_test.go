package consent

import (
	"errors"
	"testing"
)

// TestDiscloserAgeEdges: whose consent a record needs depends on who will disclose. For the
// jeugdarts (BW 7:457 with 7:465) and the jeugdhulpverlener (Jeugdwet 7.3.11) the child of 12
// consents itself — without a parent — and the day before the 12th birthday the parents with
// gezag; for the school the parents decide up to the 16th birthday (AVG art. 8, UAVG art. 5).
func TestDiscloserAgeEdges(t *testing.T) {
	cfg := DefaultConfig()
	const given = "2026-03-02"
	both := []Giver{ParentGiver(10), ParentGiver(11)}
	pupil := []Giver{PupilGiver()}
	for _, tt := range []struct {
		name, discloser, purpose, birth string
		givers                          []Giver
		wantErr                         error
	}{
		{"jeugdarts, 12 tomorrow, the child alone", "ggd", PurposeToeleiding, "2014-03-03", pupil, ErrWrongGiver},
		{"jeugdarts, 12 tomorrow, both parents", "ggd", PurposeToeleiding, "2014-03-03", both, nil},
		{"jeugdarts, 12 today, the child alone", "ggd", PurposeToeleiding, "2014-03-02", pupil, nil},
		{"jeugdarts, 12 today, a parent too", "ggd", PurposeToeleiding, "2014-03-02", append([]Giver{PupilGiver()}, ParentGiver(10)), ErrWrongGiver},
		{"jeugdarts, 12 today, parents only", "ggd", PurposeToeleiding, "2014-03-02", both, ErrWrongGiver},
		{"jeugdarts, 13, the child alone", "ggd", PurposeToeleiding, "2013-01-15", pupil, nil},
		{"jeugdarts, 16 tomorrow, the child alone", "ggd", PurposeToeleiding, "2010-03-03", pupil, nil},
		{"jeugdarts, 16 today, the child alone", "ggd", PurposeToeleiding, "2010-03-02", pupil, nil},
		{"jeugdhulp, 12 tomorrow, the child alone", "jeugdhulp", PurposeJeugdhulp, "2014-03-03", pupil, ErrWrongGiver},
		{"jeugdhulp, 12 today, the child alone", "jeugdhulp", PurposeJeugdhulp, "2014-03-02", pupil, nil},
		{"school, 13, the child alone", "", PurposeToeleiding, "2013-01-15", pupil, ErrWrongGiver},
		{"school, 16 tomorrow, the child alone", "", PurposeToeleiding, "2010-03-03", pupil, ErrWrongGiver},
		{"school, 16 today, the child alone", "", PurposeToeleiding, "2010-03-02", pupil, nil},
		{"school as discloser by name", "school", PurposeToeleiding, "2010-03-02", pupil, ErrInvalid},
		{"unknown discloser", "huisarts", PurposeToeleiding, "2010-03-02", pupil, ErrInvalid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dr := Draft{PupilID: 1, Status: StatusGiven, Givers: tt.givers, Discloser: tt.discloser, Purposes: []string{tt.purpose},
				Recipients: []Recipient{{Party: "school"}}, Categories: []string{"gezondheid"}, Channel: ChannelEmail, EvidenceHash: hashA,
				FormVersion: "2026-1", FormHash: hashB, GivenAt: at(given + " 10:00"), ValidFrom: d(given), RecordedBy: "gebruiker:5"}
			if tt.purpose == PurposeJeugdhulp {
				dr.Categories = []string{"jeugdhulp"}
			}
			rec, err := New(dr, family(tt.birth), cfg)
			if tt.wantErr == nil && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("err %v, want %v", err, tt.wantErr)
			}
			if err == nil && rec.Data().Discloser != tt.discloser {
				t.Errorf("discloser %q not kept", rec.Data().Discloser)
			}
		})
	}
}

// TestDiscloserScopesCoverage: the 13-year-old's own consent for the jeugdarts' disclosure covers
// that disclosure, not the school's (which needs a parent) nor another party's.
func TestDiscloserScopesCoverage(t *testing.T) {
	cfg := DefaultConfig()
	fam := family("2013-01-15")
	dr := Draft{PupilID: 1, Status: StatusGiven, Givers: []Giver{PupilGiver()}, Discloser: "ggd", Purposes: []string{PurposeToeleiding},
		Recipients: []Recipient{{Party: "school"}}, Categories: []string{"gezondheid"}, Channel: ChannelEmail, EvidenceHash: hashA,
		FormVersion: "2026-1", FormHash: hashB, GivenAt: at("2026-03-02 10:00"), ValidFrom: d("2026-03-02"), RecordedBy: "gebruiker:5"}
	rec, err := New(dr, fam, cfg)
	if err != nil {
		t.Fatal(err)
	}
	recs := []Record{rec.WithID(3)}
	for _, tt := range []struct {
		discloser string
		want      bool
	}{{"ggd", true}, {"", false}, {"school", false}, {"jeugdhulp", false}} {
		cov, err := Cover(Request{PupilID: 1, Purpose: PurposeToeleiding, Party: "school", Category: "gezondheid", Now: at("2026-03-09 10:00"), Discloser: tt.discloser}, fam, recs, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if cov.Covered != tt.want {
			t.Errorf("discloser %q: covered %v, want %v (%s)", tt.discloser, cov.Covered, tt.want, cov.Missing)
		}
	}
	// The child withdraws its own consent; a parent, whose consent it is not, cannot.
	if _, err := NewWithdrawal(rec.WithID(3), ParentGiver(10), at("2026-03-10 10:00"), "gebruiker:5", "", fam, cfg.Rules); !errors.Is(err, ErrWrongGiver) {
		t.Errorf("a parent withdrew the child's own jeugdarts consent: %v", err)
	}
	if _, err := NewWithdrawal(rec.WithID(3), PupilGiver(), at("2026-03-10 10:00"), "gebruiker:5", "", fam, cfg.Rules); err != nil {
		t.Errorf("the child could not withdraw: %v", err)
	}
}
