package consent

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

const (
	hashA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	hashB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
)

// at is an instant in Dutch time.
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, amsterdam)
	if err != nil {
		panic(err)
	}
	return t
}

// family: pupil 1, mother 10 and father 11 with gezag, stepfather 12 without.
func family(birth string) Family {
	return Family{PupilID: 1, BirthDate: d(birth), Guardians: []Guardian{{10, true}, {11, true}, {12, false}}}
}

func draft(givers ...Giver) Draft {
	return Draft{
		PupilID: 1, Status: StatusGiven, Givers: givers,
		Purposes: []string{PurposeJeugdhulp}, Recipients: []Recipient{{Party: "jeugdhulp"}, {Party: "ggd", OrganisationID: 7}},
		Categories: []string{"gezondheid", "gezinssituatie"}, Channel: ChannelEmail, EvidenceHash: hashA,
		FormVersion: "2026-1", FormHash: hashB, GivenAt: at("2026-03-02 10:00"),
		ValidFrom: d("2026-03-02"), ValidUntil: d("2026-12-31"), RecordedBy: "gebruiker:5",
	}
}

func TestNewAcceptsWhatTheRulesAsk(t *testing.T) {
	cfg := BuiltinConfig()
	tests := []struct {
		name  string
		birth string
		edit  func(*Draft)
	}{
		{"jeugdhulp, 9, both parents", "2017-01-01", func(d *Draft) { d.Givers = []Giver{ParentGiver(10), ParentGiver(11)} }},
		{"jeugdhulp, 14, pupil and both parents", "2012-01-01", func(d *Draft) { d.Givers = []Giver{PupilGiver(), ParentGiver(10), ParentGiver(11)} }},
		{"jeugdhulp, 16, pupil alone", "2010-03-02", func(d *Draft) { d.Givers = []Giver{PupilGiver()} }},
		{"signalering, 9, one parent", "2017-01-01", func(d *Draft) {
			d.Purposes, d.Categories = []string{PurposeSignalering}, []string{"gezinssituatie"}
			d.Givers = []Giver{ParentGiver(11)}
		}},
		{"oral with note", "2017-01-01", func(d *Draft) {
			d.Givers = []Giver{ParentGiver(10), ParentGiver(11)}
			d.Channel, d.EvidenceHash, d.HeardBy = ChannelOral, "", "J. Bakker, zorgcoördinator"
		}},
		{"refusal by one parent", "2017-01-01", func(d *Draft) { d.Status, d.Givers = StatusRefused, []Giver{ParentGiver(10)} }},
		{"open-ended", "2017-01-01", func(d *Draft) { d.Givers = []Giver{ParentGiver(10), ParentGiver(11)}; d.ValidUntil = Date{} }},
		{"valid from equals until", "2017-01-01", func(d *Draft) {
			d.Givers = []Giver{ParentGiver(10), ParentGiver(11)}
			d.ValidUntil = d.ValidFrom
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dr := draft()
			tt.edit(&dr)
			rec, err := New(dr, family(tt.birth), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if rec.Data().Channel.WeakEvidence() != (dr.Channel == ChannelOral) {
				t.Error("weak evidence flag")
			}
		})
	}
}

func TestNewRefuses(t *testing.T) {
	cfg := BuiltinConfig()
	both := []Giver{ParentGiver(10), ParentGiver(11)}
	tests := []struct {
		name  string
		birth string
		edit  func(*Draft)
		want  error
		msg   string
	}{
		{"pupil of 15 alone for jeugdhulp", "2010-06-01", func(d *Draft) { d.Givers = []Giver{PupilGiver()} }, ErrWrongGiver, "beide gezaghebbende ouders"},
		{"one parent for jeugdhulp with joint gezag", "2017-01-01", func(d *Draft) { d.Givers = []Giver{ParentGiver(10)} }, ErrWrongGiver, "andere gezaghebbende ouder (ouder 11)"},
		{"parents of 14 without pupil", "2012-01-01", func(d *Draft) { d.Givers = both }, ErrWrongGiver, "van de leerling zelf (14 jaar)"},
		{"parent without gezag", "2017-01-01", func(d *Draft) { d.Givers = []Giver{ParentGiver(10), ParentGiver(12)} }, ErrWrongGiver, "geen gezag"},
		{"stranger", "2017-01-01", func(d *Draft) { d.Givers = []Giver{ParentGiver(10), ParentGiver(99)} }, ErrWrongGiver, "niet als ouder"},
		{"parents for a 16 year old", "2010-03-02", func(d *Draft) { d.Givers = []Giver{PupilGiver(), ParentGiver(10)} }, ErrWrongGiver, "beslist voor doel jeugdhulp zelf"},
		{"pupil of 9", "2017-01-01", func(d *Draft) { d.Givers = append(both, PupilGiver()) }, ErrWrongGiver, "nog niet zelf"},
		{"nobody", "2017-01-01", func(d *Draft) { d.Givers = nil }, ErrInvalid, "wie de toestemming gaf"},
		{"twice the same", "2017-01-01", func(d *Draft) { d.Givers = []Giver{ParentGiver(10), ParentGiver(10)} }, ErrInvalid, "twee keer"},
		{"unknown purpose", "2017-01-01", func(d *Draft) { d.Givers = both; d.Purposes = []string{"reclame"} }, ErrInvalid, "onbekend doel \"reclame\""},
		{"purpose without consent", "2017-01-01", func(d *Draft) { d.Givers = both; d.Purposes = []string{PurposeLeerplicht} }, ErrInvalid, "geen toestemming gevraagd"},
		{"unknown recipient", "2017-01-01", func(d *Draft) { d.Givers = both; d.Recipients = []Recipient{{Party: "politie"}} }, ErrInvalid, "onbekende ontvanger \"politie\""},
		{"no recipient", "2017-01-01", func(d *Draft) { d.Givers = both; d.Recipients = nil }, ErrInvalid, "ontvanger"},
		{"unknown category", "2017-01-01", func(d *Draft) { d.Givers = both; d.Categories = []string{"religie"} }, ErrInvalid, "onbekende categorie \"religie\""},
		{"category outside the purpose's scope", "2017-01-01", func(d *Draft) { d.Givers = both[:1]; d.Purposes = []string{PurposeSignalering} }, ErrInvalid, "geen toestemming om gezondheid te delen"},
		{"recipient outside the purpose's scope", "2017-01-01", func(d *Draft) {
			d.Givers, d.Purposes, d.Categories, d.Recipients = both[:1], []string{PurposeToeleiding}, []string{"onderwijs"}, []Recipient{{Party: "jeugdhulp"}}
		}, ErrInvalid, "gegevens aan jeugdhulp te geven"},
		{"no category", "2017-01-01", func(d *Draft) { d.Givers = both; d.Categories = nil }, ErrInvalid, "categorie"},
		{"dates out of order", "2017-01-01", func(d *Draft) { d.Givers = both; d.ValidUntil = d.ValidFrom.AddDays(-1) }, ErrInvalid, "vóór geldig vanaf"},
		{"valid before given", "2017-01-01", func(d *Draft) { d.Givers = both; d.ValidFrom = d.ValidFrom.AddDays(-1) }, ErrInvalid, "vóór de dag"},
		{"no valid from", "2017-01-01", func(d *Draft) { d.Givers = both; d.ValidFrom = Date{} }, ErrInvalid, "begindatum"},
		{"oral without note", "2017-01-01", func(d *Draft) { d.Givers = both; d.Channel, d.EvidenceHash = ChannelOral, "" }, ErrInvalid, "wie haar heeft gehoord"},
		{"written without evidence", "2017-01-01", func(d *Draft) { d.Givers = both; d.Channel, d.EvidenceHash = ChannelWritten, "" }, ErrInvalid, "bewijs"},
		{"bad evidence hash", "2017-01-01", func(d *Draft) { d.Givers = both; d.EvidenceHash = "abc" }, ErrInvalid, "SHA-256"},
		{"no form", "2017-01-01", func(d *Draft) { d.Givers = both; d.FormHash = "" }, ErrInvalid, "formulier"},
		{"unknown channel", "2017-01-01", func(d *Draft) { d.Givers = both; d.Channel = "telefoon" }, ErrInvalid, "onbekende vorm"},
		{"bad status", "2017-01-01", func(d *Draft) { d.Givers = both; d.Status = "misschien" }, ErrInvalid, "status"},
		{"no recorder", "2017-01-01", func(d *Draft) { d.Givers = both; d.RecordedBy = " " }, ErrInvalid, "vastlegt"},
		{"no moment", "2017-01-01", func(d *Draft) { d.Givers = both; d.GivenAt = time.Time{} }, ErrInvalid, "moment"},
		{"other pupil", "2017-01-01", func(d *Draft) { d.Givers = both; d.PupilID = 2 }, ErrInvalid, "leerling"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dr := draft()
			tt.edit(&dr)
			_, err := New(dr, family(tt.birth), cfg)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q lacks %q", err, tt.msg)
			}
		})
	}
}

func TestSoleGezagOneParentSuffices(t *testing.T) {
	fam := Family{PupilID: 1, BirthDate: d("2017-01-01"), Guardians: []Guardian{{10, true}, {11, false}}}
	dr := draft(ParentGiver(10))
	if _, err := New(dr, fam, BuiltinConfig()); err != nil {
		t.Fatalf("sole gezag, jeugdhulp: %v", err)
	}
}

func TestValidMonthsCap(t *testing.T) {
	rules, err := NewRules(Rule{Purpose: PurposeJeugdhulp, ConsentRequired: true, PupilAlsoFrom: 12, PupilAloneFrom: 16,
		Parents: ParentsAll, Source: "convenant", ValidMonths: 12, Channels: []Channel{ChannelWritten, ChannelDigital}})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := NewConfig(rules, DefaultCatalog())
	if err != nil {
		t.Fatal(err)
	}
	dr := draft(ParentGiver(10), ParentGiver(11))
	dr.Channel = ChannelWritten
	dr.ValidUntil = Date{}
	rec, err := New(dr, family("2017-01-01"), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := rec.Data().ValidUntil.String(); got != "2027-03-01" {
		t.Errorf("default end = %s, want 2027-03-01", got)
	}
	dr.ValidUntil = d("2027-03-02")
	if _, err := New(dr, family("2017-01-01"), cfg); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "12 maanden") {
		t.Errorf("beyond cap: %v", err)
	}
	dr.ValidUntil = Date{}
	dr.Channel = ChannelEmail
	if _, err := New(dr, family("2017-01-01"), cfg); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "niet toe") {
		t.Errorf("channel not allowed: %v", err)
	}
}

func TestAddMonths(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		n        int
	}{
		{"2026-01-31", "2026-02-28", 1}, {"2027-11-30", "2028-02-29", 3}, {"2026-03-02", "2027-03-02", 12}, {"2026-12-15", "2027-01-15", 1},
	} {
		if got := addMonths(d(tt.in), tt.n).String(); got != tt.want {
			t.Errorf("addMonths(%s, %d) = %s, want %s", tt.in, tt.n, got, tt.want)
		}
	}
}

// memRepo is an in-memory Repository for the register's tests.
type memRepo struct {
	fam  Family
	recs []Record
	uses []Use
}

func (m *memRepo) ConsentFamily(_ context.Context, _, pupil int64) (Family, error) {
	if pupil != m.fam.PupilID {
		return Family{}, ErrNotFound
	}
	return m.fam, nil
}
func (m *memRepo) ConsentsOfPupil(_ context.Context, _, pupil int64) ([]Record, error) {
	var out []Record
	for _, r := range m.recs {
		if r.d.PupilID == pupil {
			out = append(out, r)
		}
	}
	return out, nil
}
func (m *memRepo) ConsentByID(_ context.Context, _, id int64) (Record, error) {
	for _, r := range m.recs {
		if r.id == id {
			return r, nil
		}
	}
	return Record{}, ErrNotFound
}
func (m *memRepo) InsertConsent(_ context.Context, _ int64, r Record, trail AuditFunc) (int64, error) {
	id := int64(len(m.recs) + 1)
	if trail != nil {
		if _, err := trail(id); err != nil {
			return 0, err
		}
	}
	m.recs = append(m.recs, r.WithID(id))
	return id, nil
}
func (m *memRepo) WithdrawConsent(_ context.Context, _ int64, w Withdrawal, _ AuditFunc) error {
	for i, r := range m.recs {
		if r.id == w.ConsentID {
			if r.w != nil {
				return ErrAlreadyWithdrawn
			}
			m.recs[i].w = &w
			return nil
		}
	}
	return ErrNotFound
}
func (m *memRepo) RecordConsentUse(_ context.Context, _ int64, u Use) (int64, error) {
	u.ID = int64(len(m.uses) + 1)
	m.uses = append(m.uses, u)
	return u.ID, nil
}
func (m *memRepo) ConsentUses(_ context.Context, _, id int64) ([]Use, error) {
	var out []Use
	for _, u := range m.uses {
		if u.ConsentID == id {
			out = append(out, u)
		}
	}
	return out, nil
}
func (m *memRepo) ActiveConsents(_ context.Context, _ int64, from Date) ([]Record, map[int64]Family, error) {
	var out []Record
	for _, r := range m.recs {
		if r.d.Status == StatusGiven && r.w == nil && (r.d.ValidUntil.IsZero() || !r.d.ValidUntil.Before(from)) {
			out = append(out, r)
		}
	}
	return out, map[int64]Family{m.fam.PupilID: m.fam}, nil
}
