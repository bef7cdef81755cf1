package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/dossier"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/web"
)

// consentPolicy allows reading contact data only on consent; everything else as the inner policy.
type consentPolicy struct{ *policy.Engine }

func (p consentPolicy) Decide(q policy.Request) policy.Decision {
	if q.Category != "contact" {
		return p.Engine.Decide(q)
	}
	version := p.Engine.Decide(q).ConvenantVersion
	if !q.Context.Consent {
		return policy.Decision{Reason: "Er is geen toestemming.", Missing: policy.MissingConsent, ConvenantVersion: version}
	}
	return policy.Decision{Allowed: true, Basis: "a", Ground: "AVG art. 6 lid 1 sub a (toestemming)", Article: "artikel 4 lid 4",
		ConsentID: q.Context.ConsentID, ConvenantVersion: version, Activity: "toestemming"}
}

type consentFacts struct {
	covered bool
	asked   *[]string
	asks    *[]web.ConsentAsk // every question with its discloser and recipient
}

func (f consentFacts) DecisionContext(_ context.Context, _ dossier.Actor, _ int64, _ string, _ time.Time) (web.Facts, error) {
	return web.Facts{ConsentFor: func(ask web.ConsentAsk) (bool, int64, error) {
		*f.asked = append(*f.asked, ask.Category)
		if f.asks != nil {
			*f.asks = append(*f.asks, ask)
		}
		return f.covered, 77, nil
	}}, nil
}

// TestConsentIsAskedOnlyWhenMissing: the register is consulted only for the category whose rule
// needs consent, and a covering consent is named in the audit record.
func TestConsentIsAskedOnlyWhenMissing(t *testing.T) {
	for _, covered := range []bool{false, true} {
		var asked []string
		var asks []web.ConsentAsk
		w := newWorld(t, func(d *web.Deps) {
			conv, err := convenant.Default()
			if err != nil {
				t.Fatal(err)
			}
			d.Access = access.New(consentPolicy{policy.NewEngine(conv)}, 0)
			d.Facts = consentFacts{covered: covered, asked: &asked, asks: &asks}
		})
		c := w.client()
		c.login("zc")
		c.setPurpose("signalering")
		before := len(w.audit.all())
		r := c.get("/leerlingen/" + w.pid("leerling", w.pupil1))
		if r.status != 200 || strings.Join(asked, ",") != "contact" {
			t.Fatalf("covered=%v: %d, asked %v", covered, r.status, asked)
		}
		// The register is told who discloses (the school, whose registration the pupil page
		// reads) and who receives: the zorgcoördinator's own school.
		if want := (web.ConsentAsk{Category: "contact", Discloser: "school", Recipient: "school", RecipientOrg: w.school1}); len(asks) != 1 || asks[0] != want {
			t.Errorf("covered=%v: consent asked %+v, want %+v", covered, asks, want)
		}
		if strings.Contains(r.body, "Olga Visser") != covered {
			t.Errorf("covered=%v: contact block shown=%v", covered, !covered)
		}
		found := false
		for _, rec := range w.audit.all()[before:] {
			if len(rec.Categories) == 1 && rec.Categories[0] == "contact" {
				found = true
				if covered && (rec.ConsentID != 77 || rec.LegalGround != "avg-6-1-a") {
					t.Errorf("consent not named in the audit: %+v", rec)
				}
				if !covered && (rec.Outcome != "geweigerd" || rec.Reason != "ontbreekt-toestemming") {
					t.Errorf("denial: %+v", rec)
				}
			}
		}
		if !found {
			t.Error("no audit record for the contact block")
		}
	}
}
