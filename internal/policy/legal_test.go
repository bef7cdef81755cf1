package policy_test

import (
	"encoding/csv"
	"github.com/grondslag/grondslag/internal/civil"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/policy"
)

// legalRow is one scenario of testdata/legal.csv: the facts as `grondslag mag` takes them and
// the decision the law (DOMAIN.md, last section; issue 14) expects.
type legalRow struct {
	line                                                                   int
	point, what, party, role, action, category, purpose, recipient         string
	age, consentBy, melding, enrolled, index, tlv, phase, level, day       string
	want, rule, article, missing, activity, recipientActivity, reason, src string
}

func loadLegal(t *testing.T) []legalRow {
	t.Helper()
	f, err := os.Open("testdata/legal.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := recs[0]
	col := func(rec []string, name string) string {
		i := slices.Index(head, name)
		if i < 0 {
			t.Fatalf("kolom %q ontbreekt", name)
		}
		return strings.TrimSpace(rec[i])
	}
	var rows []legalRow
	for i, rec := range recs[1:] {
		rows = append(rows, legalRow{line: i + 2, point: col(rec, "punt"), what: col(rec, "omschrijving"), party: col(rec, "partij"), role: col(rec, "rol"),
			action: col(rec, "handeling"), category: col(rec, "categorie"), purpose: col(rec, "doel"), recipient: col(rec, "ontvanger"),
			age: col(rec, "leeftijd"), consentBy: col(rec, "toestemming_door"), melding: col(rec, "melding"), enrolled: col(rec, "ingeschreven"),
			index: col(rec, "verwijsindex"), tlv: col(rec, "tlv"), phase: col(rec, "casusfase"), level: col(rec, "niveau"), day: col(rec, "peildatum"),
			want: col(rec, "besluit"), rule: col(rec, "regel"), article: col(rec, "artikel"), missing: col(rec, "ontbreekt"),
			activity: col(rec, "verwerking"), recipientActivity: col(rec, "verwerking_ontvanger"), reason: col(rec, "reden_bevat"), src: col(rec, "bron")})
	}
	return rows
}

// request builds the wire form exactly as `grondslag mag` reads it.
func (r legalRow) request(t *testing.T) policy.RequestJSON {
	t.Helper()
	w := policy.RequestJSON{Actor: &policy.ActorJSON{Partij: r.party, Rol: r.role}, Handeling: r.action, Categorie: r.category, Doel: r.purpose,
		Context: &policy.ContextJSON{Casusfase: r.phase, Niveau: r.level, Peildatum: r.day, DUOMelding: r.melding == "ja",
			Verwijsindex: r.index == "ja", TLVOfArrangement: r.tlv == "ja"}}
	if r.recipient != "" {
		p, ro, _ := strings.Cut(r.recipient, "/")
		w.Ontvanger = &policy.ActorJSON{Partij: p, Rol: ro}
	}
	if r.age != "" {
		n, err := strconv.Atoi(r.age)
		if err != nil {
			t.Fatalf("regel %d: leeftijd %q", r.line, r.age)
		}
		w.Context.Leeftijd = &n
	}
	if r.consentBy != "" {
		w.Context.ToestemmingDoor = strings.Split(r.consentBy, "+")
	}
	if r.enrolled != "" {
		b := r.enrolled == "ja"
		w.Context.Ingeschreven = &b
	}
	return w
}

// TestLegalTable runs every scenario of testdata/legal.csv through the same path as
// `grondslag mag` and checks decision, rule, article, what is missing, the lawful route named
// in the reason, and each side's own processing activity.
func TestLegalTable(t *testing.T) {
	k, err := convenant.Default()
	if err != nil {
		t.Fatal(err)
	}
	e := policy.NewEngine(k)
	rows := loadLegal(t)
	if len(rows) < 60 {
		t.Fatalf("de juridische testtabel heeft %d regels; verwacht ten minste 60", len(rows))
	}
	allowedRules, deniedRules, points := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, r := range rows {
		points[r.point] = true
		t.Run(strconv.Itoa(r.line)+"_"+r.what, func(t *testing.T) {
			w := r.request(t)
			req, err := w.Request(k)
			if r.want == "fout" {
				if err == nil || !strings.Contains(err.Error(), r.reason) {
					t.Fatalf("verwacht een fout met %q, kreeg %v", r.reason, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			d := e.Decide(req)
			if d.Allowed != (r.want == "ja") {
				t.Fatalf("toegestaan = %v, verwacht %s (%s)\nreden: %s", d.Allowed, r.want, r.src, d.Reason)
			}
			if d.RuleID != r.rule {
				t.Errorf("regel = %q, verwacht %q (reden: %s)", d.RuleID, r.rule, d.Reason)
			}
			if d.Article != r.article {
				t.Errorf("artikel = %q, verwacht %q", d.Article, r.article)
			}
			if d.Missing != r.missing {
				t.Errorf("ontbreekt = %q, verwacht %q (reden: %s)", d.Missing, r.missing, d.Reason)
			}
			if r.reason != "" && !strings.Contains(d.Reason, r.reason) {
				t.Errorf("reden noemt %q niet: %s", r.reason, d.Reason)
			}
			for _, c := range d.Conditions {
				if !d.Allowed && strings.HasPrefix(c, "alleen op ") && strings.HasSuffix(c, "niveau") {
					t.Errorf("een weigering toont als voorwaarde %q (review punt 9)", c)
				}
				if strings.Contains(c, "niveau persoon") || strings.Contains(c, "niveau school") {
					t.Errorf("voorwaarde %q: schrijf persoonsniveau of schoolniveau (review punt 9)", c)
				}
			}
			if r.activity != "" && d.Activity != r.activity {
				t.Errorf("verwerking = %q, verwacht %q", d.Activity, r.activity)
			}
			if r.recipientActivity != "" && d.RecipientActivity != r.recipientActivity {
				t.Errorf("verwerking ontvanger = %q, verwacht %q", d.RecipientActivity, r.recipientActivity)
			}
			if d.Allowed {
				if d.Ground == "" || !strings.Contains(d.Article, "artikel") {
					t.Errorf("toegestaan zonder grondslag of artikel: %+v", d)
				}
				// Each side logs under its own activity (AVG art. 30, legal review point 4).
				a, ok := k.ProcessingActivity(d.Activity)
				if !ok || a.Controller.Value != r.party {
					t.Errorf("verwerking %q is niet van de handelende partij %q", d.Activity, r.party)
				}
				if req.Action == policy.Disclose {
					ra, ok := k.ProcessingActivity(d.RecipientActivity)
					if d.DiscloserActivity != d.Activity || !ok || ra.Controller.Value != req.Recipient.Party {
						t.Errorf("verstrekking: verstrekker %q, ontvanger %q; elk hoort een eigen verwerking te hebben", d.DiscloserActivity, d.RecipientActivity)
					}
				}
				allowedRules[d.RuleID] = true
			} else {
				deniedRules[d.RuleID] = true
				if d.Reason == "" || d.Ground != "" {
					t.Errorf("weigering zonder reden of met grondslag: %+v", d)
				}
			}
		})
	}
	// Every rule of the model convenant is exercised: each permission allowed at least once,
	// each prohibition applied at least once.
	for _, x := range k.Exchanges() {
		if x.Forbidden && !deniedRules[x.ID] {
			t.Errorf("verbod %q komt in de tabel niet voor", x.ID)
		}
		if !x.Forbidden && !allowedRules[x.ID] {
			t.Errorf("regel %q wordt in de tabel nergens toegestaan", x.ID)
		}
	}
	// Points of the legal review that are decisions; 5, 7 and 9 (texts) have tests of their own.
	for _, p := range []string{"1", "2", "3", "4", "6", "8", "9"} {
		if !points[p] {
			t.Errorf("punt %s van de juridische review heeft geen regel in de tabel", p)
		}
	}
}

// TestRegionalSwitchAndVersionedRules: a region switches a (check) rule off in
// regionale_instellingen, and a rule with geldig_vanaf applies from that day on (a pending
// bill): both without touching code.
func TestRegionalSwitchAndVersionedRules(t *testing.T) {
	src := string(convenant.DefaultYAML())
	off := strings.Replace(src, "leerplicht_naar_swv_niet_ingeschreven: true", "leerplicht_naar_swv_niet_ingeschreven: false", 1)
	k, err := convenant.Load([]byte(off), "regio.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r := policy.Request{Actor: policy.Actor{Party: "gemeente", Role: "leerplicht"}, Action: policy.Disclose, Category: "identificatie", Purpose: "absoluut-verzuim",
		Recipient: policy.Actor{Party: "swv", Role: "swv-consulent"}, Context: policy.Context{NotEnrolled: true, Age: 11}}
	if d := policy.NewEngine(k).Decide(r); d.Allowed {
		t.Fatalf("uitgeschakelde regel staat nog toe: %+v", d)
	}
	def, _ := convenant.Default()
	if d := policy.NewEngine(def).Decide(r); !d.Allowed {
		t.Fatalf("modelregel staat niet toe: %s", d.Reason)
	}
	// The RMC rule of the school gets a start date: before it, refused with the date named.
	dated := strings.Replace(src, "    leeftijd: {vanaf: 18, tot: 23}\n    plichten: [ouders-informeren]\n    artikel: \"22.4\"",
		"    leeftijd: {vanaf: 18, tot: 23}\n    geldig_vanaf: \"2027-08-01\"\n    plichten: [ouders-informeren]\n    artikel: \"22.4\"", 1)
	k2, err := convenant.Load([]byte(dated), "regio.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e := policy.NewEngine(k2)
	rmc := policy.Request{Actor: policy.Actor{Party: "school", Role: "directeur"}, Action: policy.Disclose, Category: "verzuim", Purpose: "rmc",
		Recipient: policy.Actor{Party: "gemeente", Role: "rmc"}, Context: policy.Context{Age: 19}}
	rmc.Context.Day = time.Date(2027, 7, 31, 0, 0, 0, 0, time.UTC)
	if d := e.Decide(rmc); d.Allowed || d.Missing != policy.MissingDate || !strings.Contains(d.Reason, "1 augustus 2027") {
		t.Fatalf("vóór de ingangsdatum: %+v", d)
	}
	rmc.Context.Day = time.Date(2027, 8, 1, 0, 0, 0, 0, time.UTC)
	if d := e.Decide(rmc); !d.Allowed {
		t.Fatalf("op de ingangsdatum: %s", d.Reason)
	}
}

// TestAgeOn: the one age function (birthdays, 29 February).
func TestAgeOn(t *testing.T) {
	d := func(s string) time.Time { x, _ := time.Parse("2006-01-02", s); return x }
	for _, c := range []struct {
		birth, on string
		want      int
	}{{"2010-05-10", "2026-05-09", 15}, {"2010-05-10", "2026-05-10", 16}, {"2008-02-29", "2026-02-28", 17}, {"2008-02-29", "2026-03-01", 18}, {"2014-01-01", "2013-12-31", 0}} {
		if got := policy.AgeOn(d(c.birth), d(c.on)); got != c.want {
			t.Errorf("AgeOn(%s, %s) = %d, want %d", c.birth, c.on, got, c.want)
		}
	}
}

// TestBirthdayEdges: the age is counted on the Dutch calendar day of the decision
// (Context.On), so a pupil falls under the rules of the new age on the birthday itself — and
// not a day earlier, also when the server's clock is in UTC late in the evening. Edges: 12
// (the child's own consent for the jeugdarts, BW 7:465), 16 (the pupil consents alone, AVG
// art. 8 / UAVG art. 5), 18 (majority: leerplicht's person-level work ends, BW 1:233).
func TestBirthdayEdges(t *testing.T) {
	k, err := convenant.Default()
	if err != nil {
		t.Fatal(err)
	}
	e := policy.NewEngine(k)
	birth := civil.Date{Year: 2010, Month: time.May, Day: 10}
	jeugdarts := func(by policy.ConsentBy) policy.Request {
		return policy.Request{Actor: policy.Actor{Party: "ggd", Role: "jeugdarts"}, Action: policy.Disclose, Category: "gezondheid", Purpose: "toeleiding",
			Recipient: policy.Actor{Party: "school", Role: "zorgcoordinator"}, Context: policy.Context{ConsentBy: by}}
	}
	tlv := policy.Request{Actor: policy.Actor{Party: "school", Role: "zorgcoordinator"}, Action: policy.Disclose, Category: "gezondheid", Purpose: "toeleiding",
		Recipient: policy.Actor{Party: "swv", Role: "onderwijsconsulent"}, Context: policy.Context{ConsentBy: policy.ByParent, TLV: true}}
	leerplicht := policy.Request{Actor: policy.Actor{Party: "gemeente", Role: "leerplicht"}, Action: policy.Read, Category: "verzuim", Purpose: "handhaving-leerplicht",
		Context: policy.Context{DUOMelding: true}}
	ams := func(s string) time.Time { // an instant, read in Amsterdam
		x, err := time.ParseInLocation("2006-01-02 15:04", s, civil.Amsterdam)
		if err != nil {
			t.Fatal(err)
		}
		return x.UTC()
	}
	for _, c := range []struct {
		name    string
		req     policy.Request
		at      time.Time
		age     int
		allowed bool
		missing string
	}{
		{"11: de ouders geven toestemming voor de jeugdarts", jeugdarts(policy.ByParents), ams("2022-05-09 23:59"), 11, true, ""},
		{"12 op de verjaardag: de ouders niet meer", jeugdarts(policy.ByParents), ams("2022-05-10 00:00"), 12, false, policy.MissingConsent},
		{"12 op de verjaardag: het kind zelf", jeugdarts(policy.ByPupil), ams("2022-05-10 00:01"), 12, true, ""},
		{"11 de dag ervoor: het kind alleen is niet genoeg", jeugdarts(policy.ByPupil), ams("2022-05-09 12:00"), 11, false, policy.MissingConsent},
		{"15: één ouder voor de TLV", tlv, ams("2026-05-09 23:59"), 15, true, ""},
		{"16 op de verjaardag: de leerling zelf", tlv, ams("2026-05-10 00:00"), 16, false, policy.MissingConsent},
		{"17: leerplicht na een melding", leerplicht, ams("2028-05-09 23:59"), 17, true, ""},
		{"18 op de verjaardag: geen leerplicht meer", leerplicht, ams("2028-05-10 00:00"), 18, false, policy.MissingAge},
		// 22:30 UTC on 9 May is 00:30 on 10 May in Amsterdam (summer time): already 18.
		{"18: de Nederlandse dag telt, niet UTC", leerplicht, time.Date(2028, time.May, 9, 22, 30, 0, 0, time.UTC), 18, false, policy.MissingAge},
	} {
		r := c.req
		r.Context.On(civil.Today(c.at), birth)
		if r.Context.Age != c.age {
			t.Errorf("%s: leeftijd %d, verwacht %d", c.name, r.Context.Age, c.age)
		}
		d := e.Decide(r)
		if d.Allowed != c.allowed || d.Missing != c.missing {
			t.Errorf("%s: toegestaan %v (%s), verwacht %v (%s): %s", c.name, d.Allowed, d.Missing, c.allowed, c.missing, d.Reason)
		}
	}
	var none policy.Context
	none.On(civil.Date{}, birth)
	if none.Age != 0 || !none.Day.IsZero() {
		t.Errorf("zonder dag: %+v", none)
	}
	none.On(civil.Date{Year: 2026, Month: time.March, Day: 1}, civil.Date{})
	if none.Age != 0 || none.Day.IsZero() {
		t.Errorf("zonder geboortedatum: %+v", none)
	}
}
