package casework

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestOpenWhoMayOpen(t *testing.T) {
	k := model(t)
	base := OpenInput{PupilID: 500, Pupil: "ps-500", BirthDate: day("2011-09-01"), Type: "zat", Purpose: "toeleiding", Question: "Waarom is de leerling thuis?"}
	tests := []struct {
		name      string
		opener    Actor
		melding   bool
		typ, purp string
		err       error
		regie     RegieKind
	}{
		{"zorgcoördinator", zoco, false, "zat", "toeleiding", nil, RegieBroad},
		{"consulent SWV", swvc, false, "thuiszittersoverleg", "toeleiding", nil, RegieBroad},
		{"leerplicht na melding", lpa, true, "thuiszittersoverleg", "handhaving-leerplicht", nil, RegiePartial},
		{"leerplicht zonder melding", lpa, false, "thuiszittersoverleg", "handhaving-leerplicht", ErrNotAllowed, ""},
		{"mentor", mentor, false, "zat", "toeleiding", ErrNotAllowed, ""},
		{"jeugdarts", jarts, false, "zat", "toeleiding", ErrNotAllowed, ""},
		{"ouder", mother, false, "zat", "toeleiding", ErrNotAllowed, ""},
		{"onbekend soort", zoco, false, "koffie", "toeleiding", ErrInvalid, ""},
		{"monitoring is geen casusdoel", zoco, false, "zat", "monitoring", ErrInvalid, ""},
		{"leerplicht niet in MDO", lpa, true, "mdo", "handhaving-leerplicht", ErrNotAllowed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := base
			in.Opener, in.HasMelding, in.Type, in.Purpose = tt.opener, tt.melding, tt.typ, tt.purp
			c, err := Open(k, in, day("2026-03-02"))
			if !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if err != nil {
				return
			}
			if c.Phase != "aanmelding" || len(c.Participants) != 1 || c.RegieHolder(tt.regie) != tt.opener.UserID {
				t.Errorf("phase %s, participants %d, %s held by %d", c.Phase, len(c.Participants), tt.regie, c.RegieHolder(tt.regie))
			}
		})
	}
}

func TestParticipantsFromTheConvenant(t *testing.T) {
	k := model(t)
	now := day("2026-03-02")
	c, err := Open(k, OpenInput{PupilID: 500, Pupil: "ps-500", BirthDate: day("2017-09-01"), Type: "mdo", Purpose: "toeleiding", Question: "Welke ondersteuning past?", Opener: zoco}, now)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   ProfessionalInput
		by   Actor
		err  error
		msg  string
	}{
		{"jeugdarts", input(jarts), zoco, nil, ""},
		{"geen partij van het convenant", ProfessionalInput{UserID: 9, OrganisationID: 90, Party: "politie", Role: "wijkagent"}, zoco, ErrNotAllowed, "geen partij van het convenant"},
		{"rol past niet bij partij", ProfessionalInput{UserID: 9, OrganisationID: 90, Party: "ggd", Role: "leerplicht"}, zoco, ErrInvalid, "kent de rol"},
		{"partij niet in dit soort overleg", input(lpa), zoco, ErrNotAllowed, "neemt niet deel aan een Multidisciplinair"},
		{"zonder regie", input(jhv), mentor, ErrNotAllowed, "regie"},
		{"dubbel", input(jarts), zoco, ErrInvalid, "neemt al deel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.AddProfessional(k, tt.in, tt.by, now)
			if !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if err != nil && !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err %q does not say %q", err, tt.msg)
			}
		})
	}
	// Leerplicht joins a ZAT only after a melding.
	z, _ := Open(k, OpenInput{PupilID: 500, Pupil: "ps-500", BirthDate: day("2017-09-01"), Type: "zat", Purpose: "toeleiding", Question: "v", Opener: zoco}, now)
	in := input(lpa)
	in.HasMelding = false
	if _, err := z.AddProfessional(k, in, zoco, now); !errors.Is(err, ErrNotAllowed) {
		t.Errorf("leerplicht without melding: %v", err)
	}
	in.HasMelding = true
	if _, err := z.AddProfessional(k, in, zoco, now); err != nil || z.RegieHolder(RegiePartial) != lpa.UserID {
		t.Errorf("leerplicht with melding: %v, deelregie %d", err, z.RegieHolder(RegiePartial))
	}
}

func TestFamilyInvitation(t *testing.T) {
	k := model(t)
	for _, tt := range []struct {
		birth     string
		wantPupil bool
	}{{"2014-03-03", false}, {"2014-03-02", true}, {"2010-01-01", true}} {
		c, _ := Open(k, OpenInput{PupilID: 500, Pupil: "ps-500", BirthDate: day(tt.birth), Type: "zat", Purpose: "toeleiding", Question: "v", Opener: zoco}, day("2026-03-02"))
		added, err := c.InviteFamily([]ParentInput{{ParentID: 100}, {ParentID: 101}}, "L", zoco, day("2026-03-02"))
		if err != nil {
			t.Fatal(err)
		}
		_, invited := c.Participant(Ref("leerling"))
		if invited != tt.wantPupil || len(added) != 2+map[bool]int{true: 1}[tt.wantPupil] {
			t.Errorf("born %s: pupil invited %v, added %d", tt.birth, invited, len(added))
		}
		if err := c.Respond(RefOf(mother), false, "werkt op dat tijdstip", mother, day("2026-03-03")); err != nil {
			t.Fatal(err)
		}
		p, _ := c.Participant(RefOf(mother))
		if p.Status != StatusRefused || p.Note == "" || p.Active() {
			t.Errorf("refusal not recorded: %+v", p)
		}
		if err := c.Respond(Ref("ouder:101"), true, "", mother, day("2026-03-03")); !errors.Is(err, ErrNotAllowed) {
			t.Errorf("a parent answered for the other parent: %v", err)
		}
		if err := c.Respond(Ref("ouder:101"), true, "telefonisch", zoco, day("2026-03-03")); err != nil {
			t.Errorf("regie records answer: %v", err)
		}
	}
}

func TestPhaseTransitions(t *testing.T) {
	k := model(t)
	tests := []struct {
		from, to string
		ok       bool
	}{
		{"aanmelding", "voorbereiding", true},
		{"aanmelding", "overleg", false},
		{"aanmelding", "afsluiting", true},
		{"voorbereiding", "overleg", true},
		{"voorbereiding", "aanmelding", false},
		{"overleg", "plan-van-aanpak", true},
		{"overleg", "voorbereiding", true},
		{"overleg", "uitvoering-en-evaluatie", false},
		{"plan-van-aanpak", "uitvoering-en-evaluatie", true},
		{"plan-van-aanpak", "overleg", true},
		{"uitvoering-en-evaluatie", "overleg", true},
		{"uitvoering-en-evaluatie", "plan-van-aanpak", true},
		{"uitvoering-en-evaluatie", "afsluiting", true},
		{"afsluiting", "overleg", false},
		{"overleg", "koffie", false},
	}
	for _, tt := range tests {
		t.Run(tt.from+"→"+tt.to, func(t *testing.T) {
			c := zat(t, k)
			c.Phase = tt.from
			err := c.Advance(k, tt.to, "", zoco, day("2026-03-09"))
			if tt.ok != (err == nil) {
				t.Fatalf("err = %v", err)
			}
			if err != nil {
				var te *TransitionError
				if !errors.As(err, &te) || !errors.Is(err, ErrIllegalTransition) {
					t.Fatalf("not a TransitionError: %v", err)
				}
				if !slices.Equal(te.Allowed, NextPhases(k, tt.from)) {
					t.Errorf("allowed %v", te.Allowed)
				}
				for _, a := range te.Allowed {
					if !strings.Contains(err.Error(), a) {
						t.Errorf("message %q does not name %s", err, a)
					}
				}
				return
			}
			if c.Phase != tt.to || c.Phases[len(c.Phases)-1].From != tt.from {
				t.Errorf("phase %s, history %+v", c.Phase, c.Phases[len(c.Phases)-1])
			}
		})
	}
	c := zat(t, k)
	if err := c.Advance(k, "voorbereiding", "", lpa, day("2026-03-09")); !errors.Is(err, ErrNotAllowed) {
		t.Errorf("leerplicht (deelregie) moved the case: %v", err)
	}
}

func TestRegieHandover(t *testing.T) {
	k := model(t)
	c := zat(t, k)
	now := day("2026-03-09")
	if c.RegieHolder(RegieCare) != jhv.UserID || c.RegieHolder(RegiePartial) != lpa.UserID {
		t.Fatalf("regie at start: care %d, partial %d", c.RegieHolder(RegieCare), c.RegieHolder(RegiePartial))
	}
	if err := c.HandOver(RegieBroad, swvc.UserID, "", zoco, now); !errors.Is(err, ErrInvalid) {
		t.Errorf("handover without note: %v", err)
	}
	if err := c.HandOver(RegieBroad, swvc.UserID, "school draagt over", lpa, now); !errors.Is(err, ErrNotAllowed) {
		t.Errorf("leerplicht handed over broad regie: %v", err)
	}
	if err := c.HandOver(RegieBroad, jarts.UserID, "x", zoco, now); !errors.Is(err, ErrInvalid) {
		t.Errorf("broad regie to jeugdarts: %v", err)
	}
	if err := c.HandOver(RegieBroad, swvc.UserID, "leerling gaat naar een school buiten het bestuur", zoco, now); err != nil {
		t.Fatal(err)
	}
	last := c.Regie[len(c.Regie)-1]
	if c.RegieHolder(RegieBroad) != swvc.UserID || last.From != zoco.UserID || last.Note == "" {
		t.Errorf("handover not recorded: %+v", last)
	}
	if err := c.Advance(k, "voorbereiding", "", zoco, now); !errors.Is(err, ErrNotAllowed) {
		t.Errorf("former holder still leads: %v", err)
	}
}

// TestOpenStartDate: a case may be registered after the work started (issue 15); its start (and
// the first phase) is then the day given, not in the future and at most a year back.
func TestOpenStartDate(t *testing.T) {
	k := model(t)
	now := day("2026-03-02")
	in := OpenInput{PupilID: 500, Pupil: "ps-500", BirthDate: day("2011-09-01"), Type: "zat", Purpose: "toeleiding", Question: "Waarom is de leerling thuis?", Opener: zoco}
	in.StartedOn = day("2026-01-12")
	c, err := Open(k, in, now)
	if err != nil {
		t.Fatal(err)
	}
	if !c.OpenedAt.Equal(day("2026-01-12")) || !c.Phases[0].At.Equal(day("2026-01-12")) {
		t.Errorf("opened %v, first phase %v", c.OpenedAt, c.Phases[0].At)
	}
	for _, bad := range []string{"2026-03-03", "2025-02-01"} {
		in.StartedOn = day(bad)
		var fe *FieldError
		if _, err := Open(k, in, now); !errors.As(err, &fe) || fe.Field != "startdatum" {
			t.Errorf("start %s: %v", bad, err)
		}
	}
	in.StartedOn = time.Time{}
	if c, err := Open(k, in, now); err != nil || !c.OpenedAt.Equal(now) {
		t.Errorf("without start date: %v %v", c, err)
	}
}
