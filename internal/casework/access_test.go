package casework

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestBringInPerPhaseAndRole is bijlage 3 of the model convenant plus the policy, per role: what
// each participant may bring into each phase, and with which scope.
func TestBringInPerPhaseAndRole(t *testing.T) {
	k := model(t)
	g := guard(k, nil)
	c := zat(t, k)
	f := Facts{RegionID: 1, DUOMelding: true, Now: day("2026-03-09")}
	tests := []struct {
		phase string
		who   Actor
		cat   string
		want  string
	}{
		{"aanmelding", zoco, "verzuim", ScopeContent},
		{"aanmelding", zoco, "casusverslag", ScopeNone}, // no minutes before the meeting
		{"aanmelding", jhv, "jeugdhulp", ScopeOutside},  // only "we are involved"
		{"aanmelding", jarts, "gezondheid", ScopeOutside},
		{"aanmelding", lpa, "verzuim", ScopeNone},
		{"aanmelding", swvc, "onderwijs", ScopeNone},
		{"voorbereiding", zoco, "contact", ScopeContent},
		{"voorbereiding", jarts, "gezondheid", ScopeNone},
		{"overleg", zoco, "casusverslag", ScopeContent},
		{"overleg", zoco, "gezinssituatie", ScopeContent},
		{"overleg", mentor, "casusverslag", ScopeNone}, // the mentor keeps no minutes (policy)
		{"overleg", swvc, "ondersteuningsbehoefte", ScopeContent},
		{"overleg", swvc, "casusverslag", ScopeNone},
		{"overleg", lpa, "verzuim", ScopeContent},
		{"overleg", lpa, "afspraken", ScopeContent},
		{"overleg", lpa, "gezondheid", ScopeNone},
		{"overleg", jhv, "jeugdhulp", ScopeContent},
		{"overleg", jhv, "strafrechtelijk", ScopeNone},
		{"overleg", jarts, "gezondheid", ScopeContent},
		{"plan-van-aanpak", zoco, "afspraken", ScopeContent},
		{"plan-van-aanpak", lpa, "afspraken", ScopeNone},
		{"plan-van-aanpak", jhv, "gezinssituatie", ScopeContent},
		{"uitvoering-en-evaluatie", jhv, "jeugdhulp", ScopeOutside},
		{"uitvoering-en-evaluatie", zoco, "casusverslag", ScopeContent},
		{"afsluiting", zoco, "afspraken", ScopeContent},
		{"afsluiting", zoco, "casusverslag", ScopeNone},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s/%s", tt.phase, tt.who.Role, tt.cat), func(t *testing.T) {
			c.Phase = tt.phase
			p, _ := c.ParticipantFor(tt.who)
			v, err := g.BringIn(context.Background(), c, p, tt.cat, f)
			if err != nil {
				t.Fatal(err)
			}
			if v.Scope != tt.want {
				t.Fatalf("scope %s, want %s (%s)", v.Scope, tt.want, v.Reason)
			}
			if v.Allowed() && !v.Decision.Allowed {
				t.Errorf("allowed without a policy decision")
			}
			if !v.Allowed() && v.Reason == "" {
				t.Errorf("refusal without reason")
			}
		})
	}
	// Without a DUO melding leerplicht records nothing on the person (seed 002).
	c.Phase = "overleg"
	p, _ := c.ParticipantFor(lpa)
	if v, _ := g.BringIn(context.Background(), c, p, "verzuim", Facts{RegionID: 1}); v.Allowed() {
		t.Errorf("leerplicht recorded without melding: %+v", v)
	}
	// Parents bring nothing in through the system; they speak in the meeting.
	m, _ := c.ParticipantFor(mother)
	if v, _ := g.BringIn(context.Background(), c, m, "gezinssituatie", f); v.Allowed() {
		t.Errorf("parent brought in")
	}
}

// TestReadPerPhaseAndRole: who sees what of the school's minutes, of a jeugdhulp contribution
// (with and without consent) and of an agreement, in each phase.
func TestReadPerPhaseAndRole(t *testing.T) {
	k := model(t)
	c := zat(t, k)
	minutes := Item{Category: CatMinutes, Purpose: "signalering", AuthorID: zoco.UserID, AuthorOrg: zoco.OrganisationID, Party: PartySchool, Role: RoleZorgcoordinator, ForParents: true}
	internal := minutes
	internal.ForParents = false
	help := Item{Category: "jeugdhulp", Purpose: "jeugdhulp", AuthorID: jhv.UserID, AuthorOrg: jhv.OrganisationID, Party: PartyJeugdhulp, Role: RoleJeugdhulpverlener, Scope: ScopeContent}
	agreement := Item{Category: CatAgreements, Purpose: "signalering", AuthorID: zoco.UserID, AuthorOrg: zoco.OrganisationID, Party: PartySchool, Role: RoleZorgcoordinator, Owner: RefOf(mother)}
	withConsent := consentSet{{"jeugdhulp", PartySchool, "jeugdhulp"}: 77}
	tests := []struct {
		phase   string
		item    Item
		name    string
		who     Actor
		consent bool
		want    string
	}{
		{"overleg", minutes, "verslag", zoco, false, ScopeContent},
		{"overleg", minutes, "verslag", lpa, false, ScopeContent},  // art. 7.2: after a melding
		{"overleg", minutes, "verslag", swvc, false, ScopeContent}, // school-naar-swv-casusoverleg (WPO 18a / WVO 17a)
		{"voorbereiding", minutes, "verslag", swvc, false, ScopeNone},
		{"plan-van-aanpak", agreement, "afspraak", swvc, false, ScopeContent},
		{"afsluiting", agreement, "afspraak", swvc, false, ScopeNone}, // not after the case closes
		{"overleg", minutes, "verslag", jhv, false, ScopeNone},
		{"overleg", minutes, "verslag", jarts, false, ScopeNone},
		{"overleg", minutes, "verslag", mentor, false, ScopeNone},                       // the mentor reads no minutes (least data)
		{"uitvoering-en-evaluatie", agreement, "afspraak", mentor, false, ScopeContent}, // but the agreements, within the school
		{"overleg", minutes, "verslag", mother, false, ScopeContent},
		{"overleg", minutes, "verslag", pupilMe, false, ScopeContent},
		{"overleg", internal, "intern verslag", mother, false, ScopeNone},
		{"voorbereiding", minutes, "verslag", lpa, false, ScopeNone},  // not a phase in which minutes are shared
		{"aanmelding", minutes, "verslag", zoco, false, ScopeContent}, // own dossier
		{"overleg", help, "jeugdhulp", zoco, false, ScopeNone},        // no consent, no Verwijsindex match: not even that jeugdhulp is involved (Jeugdwet 7.3.11)
		{"overleg", help, "jeugdhulp", zoco, true, ScopeContent},
		{"overleg", help, "jeugdhulp", swvc, false, ScopeNone},
		{"overleg", help, "jeugdhulp", lpa, true, ScopeNone},
		{"uitvoering-en-evaluatie", help, "jeugdhulp", zoco, true, ScopeOutside}, // phase allows only buitenkant
		{"overleg", help, "jeugdhulp", jhv, false, ScopeContent},                 // own dossier
		{"plan-van-aanpak", agreement, "afspraak", mother, false, ScopeContent},  // owned by the mother
		{"plan-van-aanpak", agreement, "afspraak", lpa, false, ScopeContent},
		{"voorbereiding", agreement, "afspraak", lpa, false, ScopeNone},
		{"uitvoering-en-evaluatie", agreement, "afspraak", lpa, false, ScopeContent},
		{"afsluiting", agreement, "afspraak", lpa, false, ScopeNone},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s/%s/toestemming=%v", tt.phase, tt.name, tt.who.Role+string(tt.who.Kind), tt.consent), func(t *testing.T) {
			cs := consentSet{}
			if tt.consent {
				cs = withConsent
			}
			g := guard(k, cs)
			c.Phase = tt.phase
			p, ok := c.ParticipantFor(tt.who)
			if !ok {
				t.Fatal("not a participant")
			}
			v, err := g.Read(context.Background(), c, p, tt.item, Facts{RegionID: 1, DUOMelding: true, Now: day("2026-03-09")})
			if err != nil {
				t.Fatal(err)
			}
			if v.Scope != tt.want {
				t.Fatalf("scope %s, want %s (%s)", v.Scope, tt.want, v.Reason)
			}
			if tt.consent && v.Scope == ScopeContent && tt.item.Party != tt.who.Party && v.Decision.ConsentID != "77" {
				t.Errorf("decision does not name the consent: %+v", v.Decision)
			}
		})
	}
}

// TestAskScopeGoesThroughThePolicy: a question to the jeugdarts or the jeugdhulpverlener is
// answered with content when the phase and the policy (with the consent it asks for) allow it,
// with buitenkant information only when the policy allows even that, and not at all otherwise —
// that a jeugdhulpverlener or a jeugdarts is involved is itself covered by their secrecy
// (Jeugdwet 7.3.11, BW 7:457; legal review point 1).
func TestAskScopeGoesThroughThePolicy(t *testing.T) {
	k := model(t)
	c := zat(t, k)
	from, _ := c.ParticipantFor(zoco)
	f := Facts{RegionID: 1, DUOMelding: true, Now: day("2026-03-09"), Age: 14}
	for _, tt := range []struct {
		to       Actor
		category string
		phase    string
		consent  [3]string // the consent on file ("" none)
		want     string
		rule     string // the deciding rule (allowed or refused)
		reason   string // in the reason
	}{
		// The jeugdarts (WGBO): buitenkant only with the patient's consent, and only where
		// bijlage 3 lists it.
		{jarts, "gezondheid", "aanmelding", [3]string{"toeleiding", PartySchool, "gezondheid"}, ScopeOutside, "jeugdarts-betrokkenheid-toestemming", "buitenkant"},
		{jarts, "gezondheid", "aanmelding", [3]string{}, ScopeNone, "jeugdarts-betrokkenheid-toestemming", "toestemming"},
		{jarts, "gezondheid", "overleg", [3]string{}, ScopeNone, "", "ook niet dat ggd betrokken is"},
		{jarts, "gezondheid", "overleg", [3]string{"toeleiding", PartySchool, "gezondheid"}, ScopeContent, "jeugdarts-inhoud", ""},
		{jarts, "gezondheid", "uitvoering-en-evaluatie", [3]string{"toeleiding", PartySchool, "gezondheid"}, ScopeNone, "", "bijlage 3"},
		// Jeugdhulp (Jeugdwet 7.3.11): without consent not even that it is involved; the
		// refusal names the lawful routes.
		{jhv, "gezinssituatie", "overleg", [3]string{}, ScopeNone, "", "Verwijsindex"},
		{jhv, "gezinssituatie", "aanmelding", [3]string{}, ScopeNone, "jeugdhulp-betrokkenheid-toestemming", "toestemming"},
		{jhv, "gezinssituatie", "aanmelding", [3]string{"jeugdhulp", PartySchool, "jeugdhulp"}, ScopeOutside, "jeugdhulp-betrokkenheid-toestemming", "buitenkant"},
		{jhv, "gezinssituatie", "overleg", [3]string{"jeugdhulp", PartySchool, "gezinssituatie"}, ScopeContent, "jeugdhulp-inhoud-school", ""},
		// A question to a parent: the parent answers in the meeting, no disclosure by a party.
		{mother, "gezinssituatie", "overleg", [3]string{}, ScopeOutside, "", "ouders"},
	} {
		cs := consentSet{}
		if tt.consent[0] != "" {
			cs[tt.consent] = 5
		}
		c.Phase = tt.phase
		to, _ := c.ParticipantFor(tt.to)
		v, err := guard(k, cs).AskScope(context.Background(), c, from, to, tt.category, f)
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("%s %s %s consent=%v", tt.to.Role+string(tt.to.Kind), tt.category, tt.phase, tt.consent[0] != "")
		if v.Scope != tt.want {
			t.Errorf("%s: %s (%s)", name, v.Scope, v.Reason)
		}
		if tt.rule != "" && v.Decision.RuleID != tt.rule {
			t.Errorf("%s: rule %q, want %q (%s)", name, v.Decision.RuleID, tt.rule, v.Reason)
		}
		if !strings.Contains(v.Reason, tt.reason) {
			t.Errorf("%s: reason %q lacks %q", name, v.Reason, tt.reason)
		}
		if tt.to.Kind == KindProfessional && v.Scope != ScopeNone && !v.Decision.Allowed {
			t.Errorf("%s: %s without an allowing policy decision", name, v.Scope)
		}
	}
}

// TestFactsOnCountsTheDutchDay: the case's decisions count the pupil's age on the Dutch
// calendar day (00:30 in Amsterdam is still the 9th in UTC), and leerplicht's work in the case
// ends on the 18th birthday (BW 1:233), the day before it does not.
func TestFactsOnCountsTheDutchDay(t *testing.T) {
	k := model(t)
	c := zat(t, k)
	c.Phase = "overleg"
	birth := time.Date(2010, time.May, 10, 0, 0, 0, 0, time.UTC)
	p, _ := c.ParticipantFor(lpa)
	for _, tt := range []struct {
		now     time.Time
		age     int
		allowed bool
	}{
		{time.Date(2028, time.May, 9, 21, 59, 0, 0, time.UTC), 17, true},
		{time.Date(2028, time.May, 9, 22, 30, 0, 0, time.UTC), 18, false},
	} {
		f := FactsOn(1, true, birth, tt.now)
		if f.Age != tt.age {
			t.Fatalf("%s: age %d, want %d", tt.now, f.Age, tt.age)
		}
		v, err := guard(k, nil).BringIn(context.Background(), c, p, "verzuim", f)
		if err != nil {
			t.Fatal(err)
		}
		if v.Allowed() != tt.allowed {
			t.Errorf("age %d: leerplicht brings in verzuim: %v (%s)", tt.age, v.Allowed(), v.Reason)
		}
	}
}
