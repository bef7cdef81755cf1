package rights_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/rights"
)

func day(t *testing.T, s string) rights.Date {
	t.Helper()
	d, err := rights.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestAddMonthsClamps(t *testing.T) {
	for _, c := range []struct {
		from string
		n    int
		want string
	}{
		{"2025-01-31", 1, "2025-02-28"},
		{"2024-01-31", 1, "2024-02-29"}, // leap year
		{"2025-01-30", 1, "2025-02-28"},
		{"2025-01-15", 1, "2025-02-15"},
		{"2025-03-31", 1, "2025-04-30"},
		{"2025-12-31", 1, "2026-01-31"}, // over the year boundary
		{"2025-11-30", 3, "2026-02-28"},
		{"2025-01-31", 3, "2025-04-30"},
		{"2024-02-29", 12, "2025-02-28"},
		{"2025-05-31", -3, "2025-02-28"},
	} {
		if got := day(t, c.from).AddMonths(c.n).String(); got != c.want {
			t.Errorf("%s + %d maanden = %s, want %s", c.from, c.n, got, c.want)
		}
	}
}

func TestParseDateRefusesImpossibleDays(t *testing.T) {
	for _, s := range []string{"2025-02-29", "2025-13-01", "31-01-2025", ""} {
		if _, err := rights.ParseDate(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}

func parentDraft(t *testing.T, received string) rights.Draft {
	return rights.Draft{PupilID: 7, ControllerID: 3, Requester: rights.Requester{Kind: rights.RequesterParent, ParentID: 5}, Gezag: true, Received: day(t, received)}
}

func TestNewRequest(t *testing.T) {
	ok := parentDraft(t, "2026-01-31")
	for _, c := range []struct {
		name    string
		mod     func(*rights.Draft)
		wantErr bool
		dl      string
	}{
		{"ouder met gezag, 31 januari: termijn 28 februari", func(*rights.Draft) {}, false, "2026-02-28"},
		{"schrikkeljaar: 29 februari", func(d *rights.Draft) { d.Received = day(t, "2028-01-31") }, false, "2028-02-29"},
		{"gewone dag", func(d *rights.Draft) { d.Received = day(t, "2026-03-10") }, false, "2026-04-10"},
		{"ouder zonder gezag", func(d *rights.Draft) { d.Gezag = false }, true, ""},
		{"ouder zonder id", func(d *rights.Draft) { d.Requester.ParentID = 0 }, true, ""},
		{"geen leerling", func(d *rights.Draft) { d.PupilID = 0 }, true, ""},
		{"geen school", func(d *rights.Draft) { d.ControllerID = 0 }, true, ""},
		{"geen ontvangstdatum", func(d *rights.Draft) { d.Received = rights.Date{} }, true, ""},
		{"onbekende aanvrager", func(d *rights.Draft) { d.Requester.Kind = "buurman" }, true, ""},
		{"leerling van 16 zelf", func(d *rights.Draft) {
			d.Requester = rights.Requester{Kind: rights.RequesterPupil}
			d.PupilBirthDate = day(t, "2010-01-31")
		}, false, "2026-02-28"},
		{"leerling een dag voor 16", func(d *rights.Draft) {
			d.Requester = rights.Requester{Kind: rights.RequesterPupil}
			d.PupilBirthDate = day(t, "2010-02-01")
		}, true, ""},
		{"leerling zonder geboortedatum", func(d *rights.Draft) { d.Requester = rights.Requester{Kind: rights.RequesterPupil} }, true, ""},
		{"leerling met ouder-id", func(d *rights.Draft) {
			d.Requester = rights.Requester{Kind: rights.RequesterPupil, ParentID: 5}
			d.PupilBirthDate = day(t, "2000-01-01")
		}, true, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := ok
			c.mod(&d)
			r, err := rights.NewRequest(d)
			if c.wantErr {
				if !errors.Is(err, rights.ErrInvalid) {
					t.Fatalf("want ErrInvalid, got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Status() != rights.StatusReceived || r.Deadline().String() != c.dl {
				t.Fatalf("status %s deadline %s, want ontvangen %s", r.Status(), r.Deadline(), c.dl)
			}
		})
	}
}

func TestExtend(t *testing.T) {
	base, err := rights.NewRequest(parentDraft(t, "2026-01-31"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		today  string
		months int
		reason string
		want   error
		dl     string
	}{
		{"twee maanden, geteld vanaf ontvangst", "2026-02-10", 2, "Veel gegevens bij meerdere partijen", nil, "2026-04-30"},
		{"een maand", "2026-02-10", 1, "ingewikkeld", nil, "2026-03-31"},
		{"op de laatste dag nog", "2026-02-28", 2, "ingewikkeld", nil, "2026-04-30"},
		{"drie maanden is te veel", "2026-02-10", 3, "ingewikkeld", rights.ErrInvalid, ""},
		{"nul maanden", "2026-02-10", 0, "ingewikkeld", rights.ErrInvalid, ""},
		{"zonder reden", "2026-02-10", 2, "   ", rights.ErrInvalid, ""},
		{"na de termijn", "2026-03-01", 2, "ingewikkeld", rights.ErrExtensionTooLate, ""},
		{"voor ontvangst", "2026-01-30", 2, "ingewikkeld", rights.ErrInvalid, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := base.Extend(day(t, c.today), c.months, c.reason)
			if c.want != nil {
				if !errors.Is(err, c.want) {
					t.Fatalf("want %v, got %v", c.want, err)
				}
				if r.Status() != rights.StatusReceived || r.Deadline() != base.Deadline() {
					t.Fatal("a refused extension changed the request")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Status() != rights.StatusExtended || r.Deadline().String() != c.dl || r.Data().ExtensionReason == "" {
				t.Fatalf("got %+v", r.Data())
			}
		})
	}
}

func TestExtendOnlyOnce(t *testing.T) {
	r, _ := rights.NewRequest(parentDraft(t, "2026-01-31"))
	r, err := r.Extend(day(t, "2026-02-01"), 1, "ingewikkeld")
	if err != nil {
		t.Fatal(err)
	}
	// A second extension is refused, even when the total would stay within three months.
	if _, err := r.Extend(day(t, "2026-02-02"), 1, "nog ingewikkelder"); !errors.Is(err, rights.ErrAlreadyExtended) {
		t.Fatalf("second extension: %v", err)
	}
	h, err := r.Handle(day(t, "2026-03-15"), rights.OutcomeGranted, "kopie per post verstuurd")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Extend(day(t, "2026-03-16"), 1, "x"); !errors.Is(err, rights.ErrAlreadyHandled) {
		t.Fatalf("extend handled: %v", err)
	}
	if _, err := h.Handle(day(t, "2026-03-16"), rights.OutcomeGranted, ""); !errors.Is(err, rights.ErrAlreadyHandled) {
		t.Fatalf("handle twice: %v", err)
	}
}

func TestOverdueAndLate(t *testing.T) {
	r, _ := rights.NewRequest(parentDraft(t, "2026-01-31"))
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	for _, c := range []struct {
		now  time.Time
		want bool
	}{
		{time.Date(2026, 2, 28, 23, 59, 0, 0, ams), false},     // the last day itself
		{time.Date(2026, 2, 28, 23, 30, 0, 0, time.UTC), true}, // already 1 March in Amsterdam
		{time.Date(2026, 3, 1, 0, 0, 0, 0, ams), true},         // the day after
		{time.Date(2026, 2, 1, 12, 0, 0, 0, ams), false},
	} {
		if got := r.Overdue(c.now); got != c.want {
			t.Errorf("Overdue(%s) = %v, want %v", c.now, got, c.want)
		}
	}
	if got := r.DaysLeft(day(t, "2026-02-26")); got != 2 {
		t.Errorf("DaysLeft = %d", got)
	}
	x, _ := r.Extend(day(t, "2026-02-20"), 2, "ingewikkeld")
	if x.OverdueOn(day(t, "2026-04-30")) || !x.OverdueOn(day(t, "2026-05-01")) {
		t.Error("extended deadline not used")
	}
	h, _ := x.Handle(day(t, "2026-05-02"), rights.OutcomeGranted, "")
	if h.OverdueOn(day(t, "2026-06-01")) || !h.Late() {
		t.Error("handled request: not overdue, but late")
	}
	onTime, _ := r.Handle(day(t, "2026-02-20"), rights.OutcomeGranted, "")
	if onTime.Late() {
		t.Error("on time is not late")
	}
}

func TestRestoreChecksConsistency(t *testing.T) {
	r, _ := rights.NewRequest(parentDraft(t, "2026-01-31"))
	x, _ := r.WithID(9).Extend(day(t, "2026-02-20"), 2, "ingewikkeld")
	if _, err := rights.Restore(x.Data()); err != nil {
		t.Fatalf("valid stored request refused: %v", err)
	}
	for name, mod := range map[string]func(*rights.Data){
		"termijn langer dan de regels":    func(d *rights.Data) { d.Deadline = day(t, "2026-05-31") },
		"verlenging zonder reden":         func(d *rights.Data) { d.ExtensionReason = "" },
		"drie maanden verlengd":           func(d *rights.Data) { d.ExtensionMonths = 3; d.Deadline = d.Received.AddMonths(4) },
		"status ontvangen met verlenging": func(d *rights.Data) { d.Status = rights.StatusReceived },
		"afgehandeld zonder datum":        func(d *rights.Data) { d.Status = rights.StatusHandled },
		"geen id":                         func(d *rights.Data) { d.ID = 0 },
		"onbekende status":                func(d *rights.Data) { d.Status = "zoek" },
	} {
		d := x.Data()
		mod(&d)
		if _, err := rights.Restore(d); !errors.Is(err, rights.ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestKindsAndOutcomes(t *testing.T) {
	base := func(k rights.Kind, text string) rights.Draft {
		d := parentDraft(t, "2026-02-01")
		d.Kind, d.Text = k, text
		return d
	}
	if r, err := rights.NewRequest(base("", "")); err != nil || r.Data().Kind != rights.KindAccess {
		t.Fatalf("empty kind is inzage: %v %v", r.Data().Kind, err)
	}
	if _, err := rights.NewRequest(base(rights.KindRectification, "  ")); err == nil || !strings.Contains(err.Error(), "waar het verzoek over gaat") {
		t.Errorf("rectificatie without text: %v", err)
	}
	if _, err := rights.NewRequest(base("vergeten", "x")); !errors.Is(err, rights.ErrInvalid) {
		t.Errorf("unknown kind: %v", err)
	}
	r, err := rights.NewRequest(base(rights.KindErasure, "het verslag van 3 maart"))
	if err != nil || r.Deadline().String() != "2026-03-01" {
		t.Fatalf("wissen: %v %v", r.Deadline(), err)
	}
	if _, err := r.Handle(day(t, "2026-02-10"), rights.OutcomeRefused, " "); err == nil || !strings.Contains(err.Error(), "reden") {
		t.Errorf("refusal without reasons: %v", err)
	}
	if _, err := r.Handle(day(t, "2026-02-10"), "misschien", ""); !errors.Is(err, rights.ErrInvalid) {
		t.Errorf("unknown outcome: %v", err)
	}
	h, err := r.Handle(day(t, "2026-02-10"), rights.OutcomeRefused, "wettelijke bewaarplicht (Lpw art. 21a)")
	if err != nil || h.Data().Outcome != rights.OutcomeRefused {
		t.Fatalf("refusal: %v", err)
	}
	for _, k := range rights.Kinds {
		if k.Article() == "" || k.Label() == "" {
			t.Errorf("%s has no article or label", k)
		}
	}
}

func TestParentsAndTheJGZFile(t *testing.T) {
	on := day(t, "2026-06-01")
	for _, tc := range []struct {
		birth   string
		objects bool
		ok      bool
		why     string
	}{
		{"2015-06-02", true, true, ""},                // 10: the parents act for the child, objection or not
		{"2014-06-02", false, true, ""},               // 11 (12 tomorrow)
		{"2014-06-01", true, false, "7:457"},          // 12 today and objects
		{"2014-06-01", false, true, ""},               // 12, no objection
		{"2010-06-02", true, false, "bezwaar"},        // 15
		{"2010-06-01", false, false, "Vanaf 16 jaar"}, // 16 today: the pupil alone
	} {
		ok, why := rights.ParentsJGZ(day(t, tc.birth), on, tc.objects)
		if ok != tc.ok || (tc.why == "") != (why == "") || !strings.Contains(why, tc.why) {
			t.Errorf("born %s, objects %v: %v %q", tc.birth, tc.objects, ok, why)
		}
	}
}
