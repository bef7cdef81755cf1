package policy_test

import (
	"testing"

	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/policy"
)

func engine(t testing.TB) *policy.Engine {
	t.Helper()
	c, err := convenant.Default()
	if err != nil {
		t.Fatal(err)
	}
	return policy.NewEngine(c)
}

var (
	zc   = policy.Actor{Party: "school", Role: "zorgcoordinator"}
	men  = policy.Actor{Party: "school", Role: "mentor"}
	dir  = policy.Actor{Party: "school", Role: "directeur"}
	sfg  = policy.Actor{Party: "school", Role: "fg"}
	lpa  = policy.Actor{Party: "gemeente", Role: "leerplicht"}
	swc  = policy.Actor{Party: "swv", Role: "swv-consulent"}
	ocon = policy.Actor{Party: "swv", Role: "onderwijsconsulent"}
	jhv  = policy.Actor{Party: "jeugdhulp", Role: "jeugdhulpverlener"}
	ja   = policy.Actor{Party: "ggd", Role: "jeugdarts"}
	gi   = policy.Actor{Party: "gi", Role: "jeugdreclasseerder"}
)

const (
	gE        = "AVG art. 6 lid 1 sub e (taak van algemeen belang of openbaar gezag)"
	gC        = "AVG art. 6 lid 1 sub c (wettelijke verplichting)"
	gA        = "AVG art. 6 lid 1 sub a (toestemming)"
	ex9a      = "AVG art. 9 lid 2 sub a (uitdrukkelijke toestemming)"
	ex9g      = "AVG art. 9 lid 2 sub g (zwaarwegend algemeen belang, bij wet geregeld)"
	ex9h      = "AVG art. 9 lid 2 sub h (gezondheidszorg en sociale diensten)"
	lpw21a    = "Leerplichtwet 1969 art. 21a; Besluit verzuimmelding"
	swvLaw    = "WPO art. 18a / WVO art. 17a (taak samenwerkingsverband)"
	zorgLaw   = "zorgplicht passend onderwijs (WPO art. 40 lid 4; WVO 2020)"
	lpDossier = "Leerplichtwet 1969 art. 16 (toezicht) en art. 21a (verzuimmelding)"
)

type decisionCase struct {
	name    string
	req     policy.Request
	allowed bool
	ground  string // exact Decision.Ground ("" when denied)
	article string // exact Decision.Article
	rule    string
	missing string
	conds   []string
	oblig   []string
}

func req(a policy.Actor, act policy.Action, cat, purpose string) policy.Request {
	return policy.Request{Actor: a, Action: act, Category: cat, Purpose: purpose}
}

func to(r policy.Request, recipient policy.Actor) policy.Request { r.Recipient = recipient; return r }
func with(r policy.Request, c policy.Context) policy.Request     { r.Context = c; return r }

// The cases follow the seeds and DOMAIN.md; each names its source.
var decisionCases = []decisionCase{
	// Seed 002: the school reports absence to leerplicht on the legal obligation of art. 21a.
	{name: "school meldt verzuim aan leerplicht (seed 002, art. 21a)", req: to(req(dir, policy.Disclose, "verzuim", "handhaving-leerplicht"), lpa),
		allowed: true, ground: gC + "; " + lpw21a, article: "artikel 4 lid 1", rule: "school-verzuimmelding", oblig: []string{"vastleggen in audit", "ouders informeren"}},
	{name: "zorgcoördinator mag ook melden", req: to(req(zc, policy.Disclose, "identificatie", "handhaving-leerplicht"), lpa),
		allowed: true, ground: gC + "; " + lpw21a, article: "artikel 4 lid 1", rule: "school-verzuimmelding"},
	{name: "mentor meldt niet zelf bij leerplicht", req: to(req(men, policy.Disclose, "verzuim", "handhaving-leerplicht"), lpa),
		missing: policy.MissingPurpose},
	{name: "melding gaat naar leerplicht, niet naar de FG van de gemeente", req: to(req(dir, policy.Disclose, "verzuim", "handhaving-leerplicht"), policy.Actor{Party: "gemeente", Role: "fg"}),
		article: "artikel 4 lid 1", rule: "school-verzuimmelding", missing: policy.MissingRecipient},
	// Seed 002 / art. 21a: the melding may carry special data related to the absence.
	{name: "melding met gezondheidsgegevens bij het verzuim (art. 21a)", req: with(to(req(dir, policy.Disclose, "gezondheid", "handhaving-leerplicht"), lpa), policy.Context{DUOMelding: true}),
		allowed: true, ground: gC + "; " + ex9g + "; Leerplichtwet 1969 art. 21a", article: "artikel 6 lid 2", rule: "school-verzuimmelding-bijzonder"},
	{name: "gezondheidsgegevens zonder melding niet naar leerplicht", req: to(req(dir, policy.Disclose, "gezondheid", "handhaving-leerplicht"), lpa),
		article: "artikel 6 lid 2", rule: "school-verzuimmelding-bijzonder", missing: policy.MissingDUO},
	// Seed 002: leerplicht keeps person-level notes only with a melding.
	{name: "leerplicht legt zonder melding geen notities over de persoon vast (seed 002)", req: req(lpa, policy.Record, "afspraken", "handhaving-leerplicht"),
		article: "artikel 4 lid 2", rule: "leerplicht-dossier-persoon", missing: policy.MissingDUO, conds: []string{"een DUO-verzuimmelding (relatief verzuim)"}},
	{name: "leerplicht met melding: notities in het dossier van de leerling", req: with(req(lpa, policy.Record, "afspraken", "handhaving-leerplicht"), policy.Context{DUOMelding: true}),
		allowed: true, ground: gE + "; " + lpDossier, article: "artikel 4 lid 2", rule: "leerplicht-dossier-persoon"},
	{name: "leerplicht met melding bij beginnend verzuim: verzuim vastleggen", req: with(req(lpa, policy.Record, "verzuim", "handhaving-leerplicht"), policy.Context{DUOMelding: true, Level: "persoon"}),
		allowed: true, ground: gE + "; " + lpDossier, article: "artikel 4 lid 2", rule: "leerplicht-dossier-persoon"},
	{name: "leerplicht zonder melding: afspraken op schoolniveau", req: with(req(lpa, policy.Record, "afspraken", "handhaving-leerplicht"), policy.Context{Level: "school"}),
		allowed: true, ground: gE + "; Leerplichtwet 1969 art. 16 (preventieve taak)", article: "artikel 4 lid 2", rule: "leerplicht-preventief-school", conds: []string{"alleen op schoolniveau"}},
	{name: "leerplicht leest zonder melding geen persoonsgegevens", req: req(lpa, policy.Read, "identificatie", "handhaving-leerplicht"),
		article: "artikel 4 lid 2", rule: "leerplicht-dossier-persoon", missing: policy.MissingDUO},
	{name: "leerplicht leest gezondheid uit de melding", req: with(req(lpa, policy.Read, "gezondheid", "handhaving-leerplicht"), policy.Context{DUOMelding: true}),
		allowed: true, ground: gE + "; " + ex9g + "; Leerplichtwet 1969 art. 21a", article: "artikel 6 lid 2", rule: "leerplicht-bijzonder-uit-melding"},
	{name: "leerplicht legt geen gezondheidsgegevens vast", req: with(req(lpa, policy.Record, "gezondheid", "handhaving-leerplicht"), policy.Context{DUOMelding: true}),
		missing: policy.MissingAction},
	{name: "leerplicht koppelt na melding terug aan de school", req: with(to(req(lpa, policy.Disclose, "afspraken", "handhaving-leerplicht"), zc), policy.Context{DUOMelding: true}),
		allowed: true, ground: gE + "; Leerplichtwet 1969 art. 16 en 21a", article: "artikel 4 lid 2", rule: "leerplicht-terugkoppeling"},
	{name: "leerplicht betrekt na melding het SWV", req: with(to(req(lpa, policy.Disclose, "verzuim", "handhaving-leerplicht"), swc), policy.Context{DUOMelding: true}),
		allowed: true, ground: gE + "; Leerplichtwet 1969 art. 16 jo. ambtsinstructie (samenwerking met het samenwerkingsverband)", article: "artikel 4 lid 2", rule: "leerplicht-naar-swv"},
	{name: "leerplicht zonder melding niet naar het SWV", req: to(req(lpa, policy.Disclose, "verzuim", "handhaving-leerplicht"), swc),
		article: "artikel 4 lid 2", rule: "leerplicht-naar-swv", missing: policy.MissingDUO},
	{name: "leerplicht en jeugdhulp: geen afspraak", req: req(lpa, policy.Read, "jeugdhulp", "jeugdhulp"), missing: policy.MissingPurpose},
	// Leerplicht in ZAT/MDO after a melding (seed 002).
	{name: "verslag ZAT naar leerplicht na melding in fase overleg", req: with(to(req(zc, policy.Disclose, "casusverslag", "handhaving-leerplicht"), lpa), policy.Context{DUOMelding: true, Phase: "overleg"}),
		allowed: true, ground: gE + "; Leerplichtwet 1969 art. 16 en 21a", article: "artikel 7 lid 2", rule: "school-naar-leerplicht-casusoverleg"},
	{name: "verslag ZAT naar leerplicht buiten het overleg", req: with(to(req(zc, policy.Disclose, "casusverslag", "handhaving-leerplicht"), lpa), policy.Context{DUOMelding: true}),
		article: "artikel 7 lid 2", rule: "school-naar-leerplicht-casusoverleg", missing: policy.MissingPhase},
	{name: "verslag ZAT naar leerplicht in fase aanmelding", req: with(to(req(zc, policy.Disclose, "casusverslag", "handhaving-leerplicht"), lpa), policy.Context{DUOMelding: true, Phase: "aanmelding"}),
		article: "artikel 7 lid 2", rule: "school-naar-leerplicht-casusoverleg", missing: policy.MissingPhase},
	// SWV: legal task without consent (WPO 18a / WVO 17a).
	{name: "SWV legt ondersteuningsbehoefte vast zonder toestemming", req: req(swc, policy.Record, "ondersteuningsbehoefte", "toeleiding"),
		allowed: true, ground: gE + "; " + swvLaw, article: "artikel 4 lid 3", rule: "swv-taak"},
	{name: "onderwijsconsulent leest verzuim zonder toestemming", req: req(ocon, policy.Read, "verzuim", "toeleiding"),
		allowed: true, ground: gE + "; " + swvLaw, article: "artikel 4 lid 3", rule: "swv-taak"},
	{name: "SWV verwerkt gezondheid voor een TLV", req: with(req(swc, policy.Record, "gezondheid", "toeleiding"), policy.Context{TLV: true}),
		allowed: true, ground: gE + "; " + ex9g + "; WPO art. 18a lid 13 / WVO art. 17a (toelaatbaarheidsverklaring en arrangementen)", article: "artikel 4 lid 3", rule: "swv-gezin-gezondheid"},
	{name: "SWV verwerkt geen gezondheid buiten een TLV of arrangement (legal review 8)", req: req(swc, policy.Record, "gezondheid", "toeleiding"),
		article: "artikel 4 lid 3", rule: "swv-gezin-gezondheid", missing: policy.MissingTLV},
	{name: "school verstrekt SWV wat zijn taak vraagt, ouders informeren", req: to(req(zc, policy.Disclose, "ondersteuningsbehoefte", "toeleiding"), swc),
		allowed: true, ground: gE + "; " + swvLaw, article: "artikel 4 lid 3", rule: "school-naar-swv", oblig: []string{"vastleggen in audit", "ouders informeren"}},
	{name: "school verstrekt SWV geen gezinssituatie buiten een TLV", req: to(req(zc, policy.Disclose, "gezinssituatie", "toeleiding"), swc),
		article: "artikel 4 lid 3", rule: "school-naar-swv-tlv-gezin", missing: policy.MissingTLV},
	{name: "SWV deelt advies met de school", req: to(req(ocon, policy.Disclose, "afspraken", "toeleiding"), zc),
		allowed: true, ground: gE + "; " + swvLaw, article: "artikel 4 lid 3", rule: "swv-naar-school"},
	// Casusoverleg and doorbraakoverleg: the SWV receives the school's minutes and plan for its
	// task (WPO 18a / WVO 17a), only in the phases where they are discussed.
	{name: "verslag naar de onderwijsconsulent in het (doorbraak)overleg", req: with(to(req(zc, policy.Disclose, "casusverslag", "toeleiding"), ocon), policy.Context{Phase: "overleg"}),
		allowed: true, ground: gE + "; " + swvLaw, article: "artikel 4 lid 3", rule: "school-naar-swv-casusoverleg", oblig: []string{"vastleggen in audit", "ouders informeren"}},
	{name: "afspraken naar de SWV-consulent in plan van aanpak", req: with(to(req(zc, policy.Disclose, "afspraken", "toeleiding"), swc), policy.Context{Phase: "plan-van-aanpak"}),
		allowed: true, ground: gE + "; " + swvLaw, article: "artikel 4 lid 3", rule: "school-naar-swv-casusoverleg"},
	{name: "verslag naar het SWV in uitvoering en evaluatie", req: with(to(req(zc, policy.Disclose, "casusverslag", "toeleiding"), swc), policy.Context{Phase: "uitvoering-en-evaluatie"}),
		allowed: true, ground: gE + "; " + swvLaw, article: "artikel 4 lid 3", rule: "school-naar-swv-casusoverleg"},
	{name: "verslag naar het SWV buiten het casusoverleg", req: to(req(zc, policy.Disclose, "casusverslag", "toeleiding"), swc),
		article: "artikel 4 lid 3", rule: "school-naar-swv-casusoverleg", missing: policy.MissingPhase},
	{name: "verslag naar het SWV in fase aanmelding", req: with(to(req(zc, policy.Disclose, "casusverslag", "toeleiding"), swc), policy.Context{Phase: "aanmelding"}),
		article: "artikel 4 lid 3", rule: "school-naar-swv-casusoverleg", missing: policy.MissingPhase},
	{name: "afspraken naar het SWV na afsluiting", req: with(to(req(zc, policy.Disclose, "afspraken", "toeleiding"), ocon), policy.Context{Phase: "afsluiting"}),
		article: "artikel 4 lid 3", rule: "school-naar-swv-casusoverleg", missing: policy.MissingPhase},
	{name: "verslag naar de FG van het SWV", req: with(to(req(zc, policy.Disclose, "casusverslag", "toeleiding"), policy.Actor{Party: "swv", Role: "fg"}), policy.Context{Phase: "overleg"}),
		article: "artikel 4 lid 3", rule: "school-naar-swv-casusoverleg", missing: policy.MissingRecipient},
	{name: "mentor geeft het verslag niet aan het SWV", req: with(to(req(men, policy.Disclose, "casusverslag", "toeleiding"), swc), policy.Context{Phase: "overleg"}),
		missing: policy.MissingPurpose},
	{name: "SWV leest geen jeugdhulpgegevens", req: req(swc, policy.Read, "jeugdhulp", "toeleiding"), missing: policy.MissingCategory},
	// School's own file.
	{name: "zorgcoördinator legt gezinssituatie vast voor signalering", req: req(zc, policy.Record, "gezinssituatie", "signalering"),
		allowed: true, ground: gE + "; " + zorgLaw, article: "artikel 4 lid 6", rule: "school-leerlingbegeleiding"},
	{name: "mentor legt verzuim vast", req: req(men, policy.Record, "verzuim", "signalering"),
		allowed: true, ground: gE + "; " + zorgLaw, article: "artikel 4 lid 6", rule: "school-mentor"},
	// The mentor of the pupil reads the agreements of the case (what to do in class), within the
	// school, not the minutes of the meeting (least data: the minutes hold family and care).
	{name: "mentor leest de afspraken van de casus", req: with(req(men, policy.Read, "afspraken", "signalering"), policy.Context{Phase: "uitvoering-en-evaluatie"}),
		allowed: true, ground: gE + "; " + zorgLaw, article: "artikel 4 lid 6", rule: "school-mentor-afspraken"},
	{name: "mentor legt geen afspraken vast: dat doet de zorgcoördinator", req: with(req(men, policy.Record, "afspraken", "signalering"), policy.Context{Phase: "plan-van-aanpak"}), missing: policy.MissingAction},
	{name: "mentor leest het verslag van het overleg niet", req: with(req(men, policy.Read, "casusverslag", "signalering"), policy.Context{Phase: "overleg"}), missing: policy.MissingCategory},
	{name: "mentor leest het verslag ook niet voor toeleiding", req: with(req(men, policy.Read, "casusverslag", "toeleiding"), policy.Context{Phase: "overleg"}), missing: policy.MissingPurpose},
	{name: "mentor leest geen gezondheidsgegevens", req: req(men, policy.Read, "gezondheid", "signalering"), missing: policy.MissingCategory},
	{name: "zorgcoördinator: gezondheid voor speciale begeleiding (UAVG 30)", req: req(zc, policy.Record, "gezondheid", "toeleiding"),
		allowed: true, ground: gE + "; " + ex9g + "; UAVG art. 30 lid 1 sub a (speciale begeleiding van leerlingen)", article: "artikel 6 lid 1", rule: "school-gezondheid-begeleiding"},
	{name: "toestemmingsregister op wettelijke plicht", req: req(zc, policy.Record, "toestemming", "signalering"),
		allowed: true, ground: gC + "; AVG art. 7 lid 1 (aantonen van toestemming)", article: "artikel 4 lid 4", rule: "school-toestemmingsregister"},
	{name: "FG van de school ziet geen leerlinggegevens", req: req(sfg, policy.Read, "verzuim", "signalering"), missing: policy.MissingPurpose},
	// M@ZL: school signals, jeugdarts advises; jeugdarts shares content only with consent.
	{name: "school meldt ziekteverzuim bij jeugdarts (M@ZL)", req: to(req(zc, policy.Disclose, "verzuim", "signalering"), ja),
		allowed: true, ground: gE + "; zorgplicht school; Wet publieke gezondheid art. 5 (jeugdgezondheidszorg)", article: "artikel 12 lid 1", rule: "school-naar-jeugdarts"},
	{name: "jeugdarts deelt bevindingen niet zonder toestemming", req: to(req(ja, policy.Disclose, "gezondheid", "toeleiding"), zc),
		article: "artikel 4 lid 5", rule: "jeugdarts-inhoud", missing: policy.MissingConsent},
	{name: "jeugdarts deelt bevindingen met toestemming", req: with(to(req(ja, policy.Disclose, "gezondheid", "toeleiding"), zc), policy.Context{Consent: true, ConsentID: "tst-42"}),
		allowed: true, ground: gA + "; " + ex9a + "; WGBO art. 7:457 en 7:465 BW (beroepsgeheim; toestemming van de patiënt)", article: "artikel 4 lid 5", rule: "jeugdarts-inhoud"},
	{name: "jeugdarts meldt zonder toestemming alleen contact en afspraak", req: to(req(ja, policy.Disclose, "afspraken", "toeleiding"), zc),
		allowed: true, ground: gE + "; Wet publieke gezondheid art. 5 (jeugdgezondheidszorg)", article: "artikel 4 lid 5", rule: "jeugdarts-afspraken"},
	{name: "jeugdarts houdt JGZ-dossier bij", req: req(ja, policy.Record, "gezondheid", "toeleiding"),
		allowed: true, ground: gE + "; " + ex9h + "; Wet publieke gezondheid art. 5 (jeugdgezondheidszorg); WGBO", article: "artikel 4 lid 6", rule: "jeugdarts-dossier"},
	{name: "jeugdarts deelt gezondheid met leerplicht alleen in het overleg", req: with(to(req(ja, policy.Disclose, "gezondheid", "toeleiding"), lpa), policy.Context{Consent: true}),
		article: "artikel 4 lid 5", rule: "jeugdarts-inhoud-leerplicht", missing: policy.MissingPhase},
	{name: "jeugdarts deelt gezondheid niet met de FG van de gemeente", req: with(to(req(ja, policy.Disclose, "gezondheid", "toeleiding"), policy.Actor{Party: "gemeente", Role: "fg"}), policy.Context{Consent: true, Phase: "overleg"}),
		article: "artikel 4 lid 5", missing: policy.MissingRecipient},
	// Health and jeugdhulp content needs consent; buitenkant only unless a phase allows more.
	{name: "school meldt aan bij jeugdhulp zonder toestemming", req: to(req(zc, policy.Disclose, "gezinssituatie", "jeugdhulp"), jhv),
		article: "artikel 4 lid 4", rule: "school-naar-jeugdhulp", missing: policy.MissingConsent},
	{name: "school meldt aan bij jeugdhulp met toestemming", req: with(to(req(zc, policy.Disclose, "gezondheid", "jeugdhulp"), jhv), policy.Context{Consent: true, ConsentID: "tst-7"}),
		allowed: true, ground: gA + "; " + ex9a, article: "artikel 4 lid 4", rule: "school-naar-jeugdhulp"},
	{name: "jeugdhulp zonder toestemming of Verwijsindex: zelfs geen buitenkant (Jeugdwet 7.3.11)", req: to(req(jhv, policy.Disclose, "jeugdhulp", "jeugdhulp"), zc),
		article: "artikel 4 lid 7", rule: "jeugdhulp-betrokkenheid-toestemming", missing: policy.MissingConsent},
	{name: "jeugdhulp in fase overleg met toestemming: inhoud", req: with(to(req(jhv, policy.Disclose, "jeugdhulp", "jeugdhulp"), zc), policy.Context{Consent: true, Phase: "overleg"}),
		allowed: true, ground: gA + "; " + ex9a + "; Jeugdwet art. 7.3.11 (toestemming)", article: "artikel 4 lid 4", rule: "jeugdhulp-inhoud-school"},
	{name: "jeugdhulp in fase overleg zonder toestemming: niets", req: with(to(req(jhv, policy.Disclose, "jeugdhulp", "jeugdhulp"), zc), policy.Context{Phase: "overleg"}),
		article: "artikel 4 lid 4", rule: "jeugdhulp-inhoud-school", missing: policy.MissingConsent},
	{name: "jeugdhulp met toestemming maar in fase uitvoering: alleen buitenkant", req: with(to(req(jhv, policy.Disclose, "jeugdhulp", "jeugdhulp"), zc), policy.Context{Consent: true, Phase: "uitvoering-en-evaluatie"}),
		allowed: true, ground: gA + "; " + ex9a + "; Jeugdwet art. 7.3.11 (geheimhouding; verstrekking met toestemming)", article: "artikel 4 lid 7", rule: "jeugdhulp-betrokkenheid-toestemming"},
	{name: "gezinssituatie van jeugdhulp met toestemming maar buiten het overleg", req: with(to(req(jhv, policy.Disclose, "gezinssituatie", "jeugdhulp"), zc), policy.Context{Consent: true}),
		article: "artikel 4 lid 4", rule: "jeugdhulp-inhoud-school", missing: policy.MissingPhase},
	{name: "gezinssituatie van jeugdhulp in plan van aanpak met toestemming", req: with(to(req(jhv, policy.Disclose, "gezinssituatie", "jeugdhulp"), ocon), policy.Context{Consent: true, Phase: "plan-van-aanpak"}),
		allowed: true, ground: gA + "; " + ex9a + "; Jeugdwet art. 7.3.11 (toestemming)", article: "artikel 4 lid 4", rule: "jeugdhulp-inhoud-swv"},
	{name: "jeugdhulpverlener houdt het eigen dossier bij", req: req(jhv, policy.Record, "jeugdhulp", "jeugdhulp"),
		allowed: true, ground: gC + "; " + ex9h + "; Jeugdwet art. 7.3.8 (dossierplicht); UAVG art. 30 lid 3", article: "artikel 4 lid 6", rule: "jeugdhulp-dossier"},
	{name: "jeugdhulpaanbieder verwerkt geen strafrechtelijke gegevens (dat doet de GI)", req: req(jhv, policy.Record, "strafrechtelijk", "jeugdhulp"), missing: policy.MissingCategory},
	{name: "de gecertificeerde instelling verwerkt strafrechtelijke gegevens voor jeugdreclassering", req: req(gi, policy.Record, "strafrechtelijk", "jeugdreclassering"),
		allowed: true, ground: gE + "; AVG art. 10 jo. UAVG art. 33 (verwerking door bepaalde organen en instellingen); Jeugdwet art. 1.1 en 3.4 (jeugdreclassering door een gecertificeerde instelling); UAVG art. 33", article: "artikel 6 lid 4", rule: "gi-jeugdreclassering"},
	{name: "strafrechtelijke gegevens nooit naar school, ook niet met toestemming", req: with(to(req(gi, policy.Disclose, "strafrechtelijk", "jeugdreclassering"), zc), policy.Context{Consent: true, Phase: "overleg"}),
		rule: "verbod-strafrechtelijk-delen", missing: policy.MissingForbidden},
	// Monitoring: aggregates only.
	{name: "SWV monitort thuiszitters geaggregeerd", req: with(req(swc, policy.Read, "verzuim", "monitoring"), policy.Context{Level: "geaggregeerd"}),
		allowed: true, ground: gE + "; WPO art. 18a / WVO art. 17a (thuiszittersregistratie voor de Inspectie)", article: "artikel 3 lid 3", rule: "monitoring-swv"},
	{name: "SWV monitoring per school", req: with(req(ocon, policy.Read, "onderwijs", "monitoring"), policy.Context{Level: "school"}),
		allowed: true, ground: gE + "; WPO art. 18a / WVO art. 17a (thuiszittersregistratie voor de Inspectie)", article: "artikel 3 lid 3", rule: "monitoring-swv"},
	{name: "SWV monitoring op persoonsniveau is verboden", req: req(swc, policy.Read, "verzuim", "monitoring"),
		rule: "verbod-monitoring-persoon-swv", missing: policy.MissingForbidden},
	{name: "leerplicht monitoring geaggregeerd", req: with(req(lpa, policy.Read, "verzuim", "monitoring"), policy.Context{Level: "geaggregeerd"}),
		allowed: true, ground: gE + "; Leerplichtwet 1969 art. 25 (verslag over de leerplicht)", article: "artikel 3 lid 3", rule: "monitoring-gemeente"},
	{name: "leerplicht monitoring op persoonsniveau is verboden, ook met melding", req: with(req(lpa, policy.Read, "verzuim", "monitoring"), policy.Context{DUOMelding: true, Level: "persoon"}),
		rule: "verbod-monitoring-persoon-gemeente", missing: policy.MissingForbidden},
	{name: "monitoring van gezondheid: geen afspraak", req: with(req(swc, policy.Read, "gezondheid", "monitoring"), policy.Context{Level: "geaggregeerd"}), missing: policy.MissingCategory},
	// Unknown codes deny with MissingRule.
	{name: "onbekende rol", req: req(policy.Actor{Party: "school", Role: "conciërge"}, policy.Read, "verzuim", "signalering"), missing: policy.MissingRule},
	{name: "onbekende handeling", req: req(zc, "wissen", "verzuim", "signalering"), missing: policy.MissingRule},
	{name: "onbekende casusfase", req: with(req(zc, policy.Read, "verzuim", "signalering"), policy.Context{Phase: "nazorg"}), missing: policy.MissingRule},
}

func TestDecisions(t *testing.T) {
	e := engine(t)
	version := e.Convenant().Hash()
	allowed, denied := 0, 0
	for _, tc := range decisionCases {
		t.Run(tc.name, func(t *testing.T) {
			d := e.Decide(tc.req)
			if d.Allowed != tc.allowed {
				t.Fatalf("toegestaan = %v, want %v (reden: %s)", d.Allowed, tc.allowed, d.Reason)
			}
			if d.Ground != tc.ground {
				t.Errorf("grondslag:\n got %q\nwant %q", d.Ground, tc.ground)
			}
			if d.Article != tc.article {
				t.Errorf("artikel = %q, want %q", d.Article, tc.article)
			}
			if tc.rule != "" && d.RuleID != tc.rule {
				t.Errorf("regel = %q, want %q", d.RuleID, tc.rule)
			}
			if d.Missing != tc.missing {
				t.Errorf("ontbreekt = %q, want %q", d.Missing, tc.missing)
			}
			if d.Reason == "" {
				t.Error("reden is leeg")
			}
			if d.ConvenantVersion != version {
				t.Errorf("convenantversie = %q, want %q", d.ConvenantVersion, version)
			}
			if tc.conds != nil && !equal(d.Conditions, tc.conds) {
				t.Errorf("voorwaarden = %q, want %q", d.Conditions, tc.conds)
			}
			if tc.oblig != nil && !equal(d.Obligations, tc.oblig) {
				t.Errorf("plichten = %q, want %q", d.Obligations, tc.oblig)
			}
			if d.Allowed {
				if d.Basis == "" || d.Activity == "" {
					t.Errorf("toegestaan zonder grondslagletter of verwerking: %+v", d)
				}
				if tc.req.Context.Consent && d.Basis == "a" && d.ConsentID != tc.req.Context.ConsentID {
					t.Errorf("toestemming-id = %q, want %q", d.ConsentID, tc.req.Context.ConsentID)
				}
				if d.Basis != "a" && d.ConsentID != "" {
					t.Errorf("toestemming-id %q meegegeven terwijl de beslissing niet op toestemming steunt", d.ConsentID)
				}
			}
		})
		if tc.allowed {
			allowed++
		} else {
			denied++
		}
	}
	if allowed < 20 || denied < 20 {
		t.Errorf("te weinig gevallen: %d toegestaan, %d geweigerd", allowed, denied)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
