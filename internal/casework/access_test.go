package casework

import (
	"context"
	"fmt"
	"strings"
	"testing"
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

func TestAskScopeIsOutsideUnlessPhaseAndConsent(t *testing.T) {
	k := model(t)
	c := zat(t, k)
	from, _ := c.ParticipantFor(zoco)
	to, _ := c.ParticipantFor(jarts)
	f := Facts{RegionID: 1, DUOMelding: true, Now: day("2026-03-09")}
	for _, tt := range []struct {
		phase   string
		consent bool
		want    string
	}{
		{"aanmelding", true, ScopeOutside},
		{"overleg", false, ScopeOutside},
		{"overleg", true, ScopeContent},
		{"uitvoering-en-evaluatie", true, ScopeOutside},
	} {
		cs := consentSet{}
		if tt.consent {
			cs = consentSet{{"toeleiding", PartySchool, "gezondheid"}: 5}
		}
		c.Phase = tt.phase
		v, err := guard(k, cs).AskScope(context.Background(), c, from, to, "gezondheid", f)
		if err != nil {
			t.Fatal(err)
		}
		if v.Scope != tt.want {
			t.Errorf("%s consent=%v: %s (%s)", tt.phase, tt.consent, v.Scope, v.Reason)
		}
		if v.Scope == ScopeOutside && !strings.Contains(v.Reason, "buitenkant") {
			t.Errorf("reason %q", v.Reason)
		}
	}
}
