package convenant

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

var codeRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// validator checks the meaning of a parsed convenant: every code known, every permission with a
// ground, special data with an exception, no purpose unused, no contradictions.
type validator struct {
	c *Convenant
	d *diags

	parties    map[string]*Party
	roles      map[string]map[string]*Role
	purposes   map[string]*Purpose
	categories map[string]*Category
	phases     map[string]*Phase
	articles   map[int]*Article
	activities map[string]*ProcessingActivity
	consent    map[string]*ConsentRule
}

func (v *validator) code(kind string, c string, p Pos) bool {
	if c == "" {
		return false // missing field already reported
	}
	if !codeRE.MatchString(c) {
		v.d.errf(p, "gebruik alleen kleine letters, cijfers en streepjes (kebab-case), bijvoorbeeld 'handhaving-leerplicht'.", "code %q van %s is ongeldig.", c, kind)
		return false
	}
	return true
}

func keys[M ~map[string]V, V any](m M) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func (v *validator) known(kind string, c Code, m map[string]bool) bool {
	if c.Value == "" {
		return false
	}
	if m[c.Value] {
		return true
	}
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	v.d.errf(c.Pos, "gebruik een "+kind+" die in het convenant staat: "+knownList(ks)+", of voeg hem toe.", "onbekende %s %q.%s", kind, c.Value, suggest(c.Value, ks))
	return false
}

func setOf[M ~map[string]V, V any](m M) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

func validDate(s string) bool {
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

func validate(c *Convenant, d *diags) {
	v := &validator{c: c, d: d, parties: map[string]*Party{}, roles: map[string]map[string]*Role{}, purposes: map[string]*Purpose{},
		categories: map[string]*Category{}, phases: map[string]*Phase{}, articles: map[int]*Article{}, activities: map[string]*ProcessingActivity{},
		consent: map[string]*ConsentRule{}}
	v.meta()
	v.definitions()
	v.exchanges()
	v.contradictions()
	v.casework()
	v.retention()
	v.security()
	v.consentRules()
	v.register()
	v.usage()
	v.sensitiveSharing()
	v.retentionMinimums()
}

// sensitiveSharing warns about a disclosure of health or youth-care data (special categories)
// that rests neither on consent nor on an exception with a named statutory provision: the FG
// should see why a professional secret may be broken there.
func (v *validator) sensitiveSharing() {
	for i := range v.c.Exchanges {
		e := &v.c.Exchanges[i]
		if e.Forbidden || e.Recipient == nil || hasCond(e, CondConsent) {
			continue
		}
		var special []string
		for _, c := range e.Categories {
			if cat := v.categories[c.Value]; cat != nil && cat.Kind == KindSpecial {
				special = append(special, c.Value)
			}
		}
		if len(special) == 0 {
			continue
		}
		named := e.Ground.Exception != "" && e.Ground.Exception != "9.2.a" && strings.TrimSpace(e.Ground.Law) != "" &&
			strings.ContainsAny(e.Ground.Law, "0123456789")
		if !named {
			v.d.warnf(e.Pos, "voeg 'toestemming' toe aan de voorwaarden, of noem in 'wet:' het wetsartikel dat deze doorbreking van het beroepsgeheim toestaat (bijvoorbeeld \"Leerplichtwet 1969 art. 21a\").",
				"regel %q verstrekt %s zonder toestemming en zonder een met name genoemde wettelijke uitzondering.", e.ID, strings.Join(special, " en "))
		}
	}
}

// legalMinimum is a retention period the law prescribes as a minimum for one party's file.
type legalMinimum struct {
	party, category string
	years           int
	source          string
}

// legalMinimums are the minimum retention periods of the parties of the model convenant:
// the JGZ file 20 years (BW art. 7:454 lid 3) and the jeugdhulp file 20 years (Jeugdwet
// art. 7.3.8). A region with other party codes gets no warning for them.
var legalMinimums = []legalMinimum{
	{"ggd", "gezondheid", 20, "BW art. 7:454 lid 3 (dossier jeugdgezondheidszorg)"},
	{"ggd", "identificatie", 20, "BW art. 7:454 lid 3 (dossier jeugdgezondheidszorg)"},
	{"jeugdhulp", "jeugdhulp", 20, "Jeugdwet art. 7.3.8 (dossier jeugdhulp)"},
	{"jeugdhulp", "gezondheid", 20, "Jeugdwet art. 7.3.8 (dossier jeugdhulp)"},
}

// retentionMinimums warns when a party keeps a category shorter than the law's minimum.
func (v *validator) retentionMinimums() {
	for _, m := range legalMinimums {
		if v.parties[m.party] == nil {
			continue
		}
		for _, r := range v.c.Retention {
			if r.Category.Value != m.category {
				continue
			}
			p, pos := r.Period, r.Pos
			for _, o := range r.Overrides {
				if o.Party.Value == m.party {
					p, pos = o.Period, o.Pos
				}
			}
			if p.Years*12+p.Months < m.years*12 {
				v.d.warnf(pos, fmt.Sprintf("zet voor partij %s 'termijn: %dj' (of langer) onder 'afwijkend:'.", m.party, m.years),
					"de bewaartermijn van %q bij %s (%s) is korter dan de wettelijke minimumtermijn van %d jaar (%s).", m.category, m.party, p.Dutch(), m.years, m.source)
			}
		}
	}
}

func (v *validator) meta() {
	m := v.c.Meta
	if m.EffectiveOn != "" && !validDate(m.EffectiveOn) {
		v.d.errf(m.Pos, "schrijf de datum als JJJJ-MM-DD.", "ingangsdatum %q is geen geldige datum.", m.EffectiveOn)
	}
	prev := 0
	for i := range v.c.Articles {
		a := &v.c.Articles[i]
		if a.Number <= 0 {
			continue
		}
		if _, dup := v.articles[a.Number]; dup {
			v.d.errf(a.Pos, "geef elk artikel een eigen nummer.", "artikel %d komt twee keer voor.", a.Number)
			continue
		}
		if a.Number < prev {
			v.d.warnf(a.Pos, "zet de artikelen in oplopende volgorde.", "artikel %d staat na artikel %d.", a.Number, prev)
		}
		prev = a.Number
		v.articles[a.Number] = a
	}
}

func (v *validator) definitions() {
	for i := range v.c.Parties {
		p := &v.c.Parties[i]
		if !v.code("een partij", p.Code, p.Pos) {
			continue
		}
		if _, dup := v.parties[p.Code]; dup {
			v.d.errf(p.Pos, "geef elke partij een eigen code.", "partij %q komt twee keer voor.", p.Code)
			continue
		}
		v.parties[p.Code] = p
		v.roles[p.Code] = map[string]*Role{}
		if len(p.Roles) == 0 {
			v.d.errf(p.Pos, "voeg onder 'rollen:' ten minste één rol toe (bijvoorbeeld de FG).", "partij %q heeft geen rollen: niemand van deze partij kan iets doen.", p.Code)
		}
		for j := range p.Roles {
			r := &p.Roles[j]
			if !v.code("een rol", r.Code, r.Pos) {
				continue
			}
			if _, dup := v.roles[p.Code][r.Code]; dup {
				v.d.errf(r.Pos, "geef elke rol binnen een partij een eigen code.", "rol %q komt twee keer voor bij partij %q.", r.Code, p.Code)
				continue
			}
			v.roles[p.Code][r.Code] = r
		}
		if len(p.Organisations) == 0 {
			v.d.warnf(p.Pos, "noem onder 'organisaties:' de organisaties van de regio die toetraden, met datum.", "bij partij %q is nog geen organisatie toegetreden.", p.Code)
		}
		for _, o := range p.Organisations {
			if o.JoinedOn != "" && !validDate(o.JoinedOn) {
				v.d.errf(o.Pos, "schrijf de datum als JJJJ-MM-DD.", "toetredingsdatum %q is geen geldige datum.", o.JoinedOn)
			}
		}
	}
	for i := range v.c.Purposes {
		p := &v.c.Purposes[i]
		if !v.code("een doel", p.Code, p.Pos) {
			continue
		}
		if _, dup := v.purposes[p.Code]; dup {
			v.d.errf(p.Pos, "geef elk doel een eigen code.", "doel %q komt twee keer voor.", p.Code)
			continue
		}
		v.purposes[p.Code] = p
	}
	for i := range v.c.Categories {
		cat := &v.c.Categories[i]
		if !v.code("een categorie", cat.Code, cat.Pos) {
			continue
		}
		if _, dup := v.categories[cat.Code]; dup {
			v.d.errf(cat.Pos, "geef elke categorie een eigen code.", "categorie %q komt twee keer voor.", cat.Code)
			continue
		}
		switch cat.Kind {
		case KindOrdinary, KindSpecial, KindCriminal:
		case "":
		default:
			v.d.errf(cat.Pos, "gebruik 'gewoon', 'bijzonder' (AVG art. 9) of 'strafrechtelijk' (AVG art. 10).", "soort %q van categorie %q is onbekend.", cat.Kind, cat.Code)
		}
		v.categories[cat.Code] = cat
	}
	for i := range v.c.Phases {
		p := &v.c.Phases[i]
		if !v.code("een casusfase", p.Code, p.Pos) {
			continue
		}
		if _, dup := v.phases[p.Code]; dup {
			v.d.errf(p.Pos, "geef elke fase een eigen code.", "casusfase %q komt twee keer voor.", p.Code)
			continue
		}
		v.phases[p.Code] = p
	}
	for i := range v.c.ProcessingRegister {
		a := &v.c.ProcessingRegister[i]
		if !v.code("een verwerking", a.ID, a.Pos) {
			continue
		}
		if _, dup := v.activities[a.ID]; dup {
			v.d.errf(a.Pos, "geef elke verwerking een eigen id.", "verwerking %q komt twee keer voor in het verwerkingsregister.", a.ID)
			continue
		}
		v.activities[a.ID] = a
	}
}

func (v *validator) roleSet(party string) map[string]bool { return setOf(v.roles[party]) }

// ground checks a ground against the categories it covers.
func (v *validator) ground(g Ground, cats []Code, what string, consent bool) {
	if g.Basis == "" {
		return // missing: reported by the caller with its own message
	}
	if _, ok := avgBases[g.Basis]; !ok {
		v.d.errf(g.Pos, "gebruik een letter a tot en met f uit AVG art. 6 lid 1 (a toestemming, b overeenkomst, c wettelijke verplichting, d vitaal belang, e publieke taak, f gerechtvaardigd belang).", "grondslag %q van %s bestaat niet.", g.Basis, what)
		return
	}
	special, criminal := false, false
	for _, c := range cats {
		if cat := v.categories[c.Value]; cat != nil {
			special = special || cat.Kind == KindSpecial
			criminal = criminal || cat.Kind == KindCriminal
		}
	}
	if g.Exception != "" {
		e, ok := exceptions[g.Exception]
		switch {
		case !ok:
			v.d.errf(g.Pos, "gebruik voor bijzondere gegevens een van "+knownList(exceptionCodes(false))+", voor strafrechtelijke gegevens een van "+knownList(exceptionCodes(true))+".", "uitzondering %q van %s is onbekend.%s", g.Exception, what, suggest(g.Exception, keys(exceptions)))
		case e.criminal && !criminal:
			v.d.errf(g.Pos, "gebruik een uitzondering uit AVG art. 9 lid 2, of neem een strafrechtelijke categorie op.", "uitzondering %q geldt voor strafrechtelijke gegevens, maar %s gaat niet over strafrechtelijke gegevens.", g.Exception, what)
		case !e.criminal && !special:
			v.d.warnf(g.Pos, "verwijder de uitzondering of neem de bijzondere categorie op.", "%s noemt uitzondering %q, maar gaat niet over bijzondere persoonsgegevens.", what, g.Exception)
		}
		if (g.Exception == "9.2.a" || g.Exception == "uavg-32.a") && !consent {
			v.d.errf(g.Pos, "voeg 'toestemming' toe aan de voorwaarden, of kies een andere uitzondering.", "%s steunt op uitdrukkelijke toestemming (%s), maar vereist geen toestemming.", what, g.Exception)
		}
	}
	if special && (g.Exception == "" || exceptions[g.Exception].criminal) {
		v.d.errf(g.Pos, "voeg 'uitzondering: 9.2.x' toe aan de grondslag (bijvoorbeeld 9.2.a uitdrukkelijke toestemming of 9.2.g zwaarwegend algemeen belang), of haal de bijzondere categorie weg.", "%s verwerkt bijzondere persoonsgegevens (AVG art. 9) zonder uitzondering uit art. 9 lid 2.", what)
	}
	if criminal && !special && (g.Exception == "" || !exceptions[g.Exception].criminal) {
		v.d.errf(g.Pos, "voeg 'uitzondering: uavg-32.a' (toestemming), 'uavg-32.f' of 'uavg-33' toe, of haal de strafrechtelijke categorie weg.", "%s verwerkt strafrechtelijke gegevens (AVG art. 10) zonder uitzondering uit de UAVG.", what)
	}
	if criminal && special {
		v.d.errf(g.Pos, "splits de regel: één voor de bijzondere en één voor de strafrechtelijke gegevens, elk met een eigen uitzondering.", "%s combineert bijzondere en strafrechtelijke gegevens; één uitzondering kan niet beide dekken.", what)
	}
	if g.Basis == "a" && !consent {
		v.d.errf(g.Pos, "voeg 'toestemming' toe aan de voorwaarden, of kies een andere grondslag.", "%s steunt op toestemming (sub a), maar vereist geen toestemming.", what)
	}
}

func (v *validator) exchanges() {
	seen := map[string]Pos{}
	allParties, allPurposes, allCats, allPhases := setOf(v.parties), setOf(v.purposes), setOf(v.categories), setOf(v.phases)
	for i := range v.c.Exchanges {
		e := &v.c.Exchanges[i]
		what := fmt.Sprintf("regel %q", e.ID)
		if v.code("een regel", e.ID, e.Pos) {
			if prev, dup := seen[e.ID]; dup {
				v.d.errf(e.Pos, "geef elke regel een eigen id.", "regel-id %q komt twee keer voor (eerder op regel %d).", e.ID, prev.Line)
			}
			seen[e.ID] = e.Pos
		}
		if v.known("partij", e.Party, allParties) {
			for _, r := range e.Roles {
				v.known("rol van "+e.Party.Value, r, v.roleSet(e.Party.Value))
			}
		}
		disclose := false
		for _, a := range e.Actions {
			if !slices.Contains(Actions, a.Value) {
				v.d.errf(a.Pos, "gebruik lezen, vastleggen of verstrekken.", "onbekende handeling %q.%s", a.Value, suggest(a.Value, Actions))
			}
			disclose = disclose || a.Value == ActionDisclose
		}
		for _, c := range e.Categories {
			v.known("categorie", c, allCats)
		}
		v.known("doel", e.Purpose, allPurposes)
		switch {
		case disclose && e.Recipient == nil && !e.Forbidden:
			v.d.errf(e.Pos, "voeg 'ontvanger: {partij: …, rollen: [ … ]}' toe.", "%s staat verstrekken toe maar noemt geen ontvanger.", what)
		case !disclose && e.Recipient != nil:
			v.d.errf(e.Recipient.Pos, "verwijder de ontvanger, of voeg 'verstrekken' toe aan de handelingen.", "%s noemt een ontvanger, maar verstrekt niets.", what)
		case e.Recipient != nil:
			if v.known("partij", e.Recipient.Party, allParties) {
				for _, r := range e.Recipient.Roles {
					v.known("rol van "+e.Recipient.Party.Value, r, v.roleSet(e.Recipient.Party.Value))
				}
			}
		}
		consent := false
		for _, c := range e.Conditions {
			switch c.Value {
			case CondConsent:
				consent = true
			case CondDUO, CondOutside, CondVerwijsindex, CondNotEnrolled, CondTLV:
			case CondPhase, CondLevel:
				v.d.errf(c.Pos, fmt.Sprintf("schrijf '%s: [ … ]' als eigen veld van de regel.", c.Value), "%q is geen losse voorwaarde maar een veld met een lijst.", c.Value)
			default:
				v.d.errf(c.Pos, "gebruik "+knownList(Conditions)+" (fase en niveau zijn eigen velden: casusfase, niveau).", "onbekende voorwaarde %q.%s", c.Value, suggest(c.Value, Conditions))
			}
		}
		if hasCond(e, CondDUO) && hasCond(e, CondNotEnrolled) {
			v.d.errf(e.Pos, "een DUO-melding bestaat alleen voor een ingeschreven leerling (relatief verzuim); maak twee regels.", "%s vraagt een DUO-melding voor een kind dat niet is ingeschreven; die melding kan niet bestaan.", what)
		}
		if a := e.Ages; a.Set() && (a.From > 30 || a.Until > 30 || (a.Until > 0 && a.Until <= a.From)) {
			v.d.errf(a.Pos, "schrijf 'leeftijd: {vanaf: 12, tot: 16}'; vanaf is inbegrepen, tot niet.", "leeftijd van %s is ongeldig (%d tot %d).", what, a.From, a.Until)
		}
		for _, d := range []string{e.ValidFrom, e.ValidUntil} {
			if d != "" && !validDate(d) {
				v.d.errf(e.Pos, "schrijf de datum als JJJJ-MM-DD.", "geldig_vanaf/geldig_tot %q van %s is geen geldige datum.", d, what)
			}
		}
		if e.Switch.Value != "" {
			if _, ok := v.c.Regional.Bool(e.Switch.Value); !ok {
				v.d.errf(e.Switch.Pos, "gebruik een aan/uit-instelling uit regionale_instellingen: "+knownList([]string{keyLongSick, keyLpSWVNotEnr})+".", "alleen_als %q van %s is geen aan/uit-instelling.", e.Switch.Value, what)
			}
		}
		if e.ValidFrom != "" && e.ValidUntil != "" && e.ValidUntil < e.ValidFrom {
			v.d.errf(e.Pos, "laat geldig_tot op of na geldig_vanaf vallen.", "%s geldt tot %s, vóór de datum waarop zij ingaat (%s).", what, e.ValidUntil, e.ValidFrom)
		}
		for _, p := range e.Phases {
			v.known("casusfase", p, allPhases)
		}
		for _, l := range e.Levels {
			if !slices.Contains(Levels, l.Value) {
				v.d.errf(l.Pos, "gebruik persoon, school of geaggregeerd.", "onbekend niveau %q.%s", l.Value, suggest(l.Value, Levels))
			}
		}
		for _, o := range e.Obligations {
			if o.Value != ObligAudit && o.Value != ObligInformParents {
				v.d.errf(o.Pos, "gebruik vastleggen-in-audit of ouders-informeren.", "onbekende plicht %q.%s", o.Value, suggest(o.Value, []string{ObligAudit, ObligInformParents}))
			}
		}
		if e.Forbidden {
			if e.Reason == "" {
				v.d.errf(e.Pos, "voeg 'reden: …' toe; die tekst krijgt de gebruiker te zien.", "verbod %q zegt niet waarom.", e.ID)
			}
			continue
		}
		if e.Ground.Basis == "" {
			v.d.errf(e.Ground.Pos, "voeg 'grondslag: {avg: …}' toe met de grondslag uit AVG art. 6 lid 1 (a–f) waarop deze uitwisseling rust.", "%s heeft geen grondslag.", what)
		}
		v.ground(e.Ground, e.Categories, what, consent)
		if e.Article.Value != "" {
			v.articleRef(e.Article, what)
		}
		if p := v.purposes[e.Purpose.Value]; p != nil && p.AggregatesOnly && (len(e.Levels) == 0 || slices.ContainsFunc(e.Levels, func(c Code) bool { return c.Value == LevelPerson })) {
			v.d.errf(e.Pos, "voeg 'niveau: [school, geaggregeerd]' toe: dit doel kent alleen geaggregeerde gegevens.", "%s staat voor doel %q gegevens op persoonsniveau toe, maar dat doel is alleen_geaggregeerd.", what, p.Code)
		}
		if a := v.activities[e.Activity.Value]; e.Activity.Value != "" && a == nil {
			v.known("verwerking", e.Activity, setOf(v.activities))
		} else if a != nil {
			if a.Purpose.Value != e.Purpose.Value {
				v.d.errf(e.Activity.Pos, "koppel de regel aan een verwerking met hetzelfde doel, of pas het register aan.", "%s heeft doel %q, maar verwerking %q in het register heeft doel %q.", what, e.Purpose.Value, a.ID, a.Purpose.Value)
			}
			if a.Controller.Value != "" && a.Controller.Value != e.Party.Value {
				v.d.errf(e.Activity.Pos, fmt.Sprintf("koppel de regel aan een verwerking van %q zelf (iedere partij is eigen verwerkingsverantwoordelijke, AVG art. 30); de ontvanger noemt zijn eigen verwerking onder 'verwerking_ontvanger'.", e.Party.Value),
					"%s wordt uitgevoerd door partij %q, maar verwerking %q is van verwerkingsverantwoordelijke %q.", what, e.Party.Value, a.ID, a.Controller.Value)
			} else if !slices.ContainsFunc(a.Parties, func(c Code) bool { return c.Value == e.Party.Value }) {
				v.d.errf(e.Activity.Pos, fmt.Sprintf("voeg %q toe aan de partijen van verwerking %q.", e.Party.Value, a.ID), "%s wordt uitgevoerd door partij %q, maar verwerking %q noemt die partij niet.", what, e.Party.Value, a.ID)
			}
			for _, c := range e.Categories {
				if !slices.ContainsFunc(a.Categories, func(x Code) bool { return x.Value == c.Value }) {
					v.d.errf(c.Pos, fmt.Sprintf("voeg %q toe aan de categorieën van verwerking %q in het verwerkingsregister.", c.Value, a.ID), "%s verwerkt categorie %q, maar verwerking %q vermeldt die categorie niet.", what, c.Value, a.ID)
				}
			}
		}
		v.recipientActivity(e, what)
	}
}

// recipientActivity checks the recipient's own receiving activity of a disclosure.
func (v *validator) recipientActivity(e *Exchange, what string) {
	if e.RecipientActivity.Value == "" {
		if e.Recipient != nil && len(v.c.ProcessingRegister) > 0 {
			v.d.warnf(e.Recipient.Pos, "voeg 'verwerking_ontvanger: <id>' toe: de verwerking van de ontvanger zelf waaronder hij de ontvangst vastlegt.", "%s noemt niet onder welke eigen verwerking de ontvanger %q de gegevens ontvangt.", what, e.Recipient.Party.Value)
		}
		return
	}
	if e.Recipient == nil {
		v.d.errf(e.RecipientActivity.Pos, "verwijder 'verwerking_ontvanger', of voeg een ontvanger toe.", "%s noemt een verwerking van de ontvanger, maar verstrekt niets.", what)
		return
	}
	a := v.activities[e.RecipientActivity.Value]
	if a == nil {
		v.known("verwerking", e.RecipientActivity, setOf(v.activities))
		return
	}
	if a.Controller.Value != e.Recipient.Party.Value {
		v.d.errf(e.RecipientActivity.Pos, fmt.Sprintf("kies een verwerking van %q zelf.", e.Recipient.Party.Value),
			"%s: verwerking_ontvanger %q is van %q, niet van de ontvanger %q.", what, a.ID, a.Controller.Value, e.Recipient.Party.Value)
	}
	for _, c := range e.Categories {
		if !slices.ContainsFunc(a.Categories, func(x Code) bool { return x.Value == c.Value }) {
			v.d.errf(c.Pos, fmt.Sprintf("voeg %q toe aan de categorieën van verwerking %q in het verwerkingsregister.", c.Value, a.ID), "%s verstrekt categorie %q aan %q, maar diens verwerking %q vermeldt die categorie niet.", what, c.Value, e.Recipient.Party.Value, a.ID)
		}
	}
}

func (v *validator) articleRef(c Code, what string) {
	num, lid, hasLid := strings.Cut(c.Value, ".")
	n, err := strconv.Atoi(num)
	if err != nil {
		v.d.errf(c.Pos, "schrijf het artikel als nummer, of nummer.lid, bijvoorbeeld \"7\" of \"7.2\".", "artikelverwijzing %q van %s is ongeldig.", c.Value, what)
		return
	}
	a := v.articles[n]
	if a == nil {
		v.d.errf(c.Pos, "verwijs naar een artikel dat onder 'artikelen:' staat, of voeg het toe.", "%s verwijst naar artikel %d, maar dat artikel bestaat niet.", what, n)
		return
	}
	if hasLid {
		l, err := strconv.Atoi(lid)
		if err != nil || l < 1 || l > len(a.Paragraphs) {
			v.d.errf(c.Pos, fmt.Sprintf("artikel %d heeft %d leden; verwijs naar een bestaand lid.", n, len(a.Paragraphs)), "%s verwijst naar artikel %d lid %s, maar dat lid bestaat niet.", what, n, lid)
		}
	}
}

// key is one combination an exchange covers.
type key struct{ party, role, action, cat, purpose string }

func (v *validator) expand(e *Exchange) []key {
	var roles []string
	if len(e.Roles) == 0 {
		roles = keys(v.roles[e.Party.Value])
	} else {
		for _, r := range e.Roles {
			roles = append(roles, r.Value)
		}
	}
	var out []key
	for _, r := range roles {
		for _, a := range e.Actions {
			for _, c := range e.Categories {
				out = append(out, key{e.Party.Value, r, a.Value, c.Value, e.Purpose.Value})
			}
		}
	}
	return out
}

func codeSet(cs []Code) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.Value)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// covers reports whether set a (nil = everything) includes every element of b (nil = everything).
func covers(a, b []string) bool {
	if len(a) == 0 {
		return true
	}
	if len(b) == 0 {
		return false
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			return false
		}
	}
	return true
}

func overlaps(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return true
	}
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

func recipientOverlap(a, b *Recipient) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Party.Value == b.Party.Value && overlaps(codeSet(a.Roles), codeSet(b.Roles))
}

func recipientCovers(deny, allow *Recipient) bool {
	if deny == nil {
		return true
	}
	if allow == nil {
		return false
	}
	return deny.Party.Value == allow.Party.Value && covers(codeSet(deny.Roles), codeSet(allow.Roles))
}

func hasCond(e *Exchange, c string) bool {
	return slices.ContainsFunc(e.Conditions, func(x Code) bool { return x.Value == c })
}

// contradictions finds permissions that can never apply because a prohibition covers them, and
// permissions for the same thing under the same conditions on different grounds.
func (v *validator) contradictions() {
	ex := v.c.Exchanges
	expanded := make([][]key, len(ex))
	for i := range ex {
		expanded[i] = v.expand(&ex[i])
	}
	for i := range ex {
		a := &ex[i]
		if a.Forbidden {
			continue
		}
		for j := range ex {
			b := &ex[j]
			if i == j || len(expanded[i]) == 0 {
				continue
			}
			if b.Forbidden {
				// does the prohibition b cover every key of a, under a's conditions?
				all := true
				for _, k := range expanded[i] {
					if !slices.Contains(expanded[j], k) {
						all = false
						break
					}
				}
				if all && recipientCovers(b.Recipient, a.Recipient) && covers(codeSet(b.Levels), codeSet(a.Levels)) &&
					covers(codeSet(b.Phases), codeSet(a.Phases)) && (!hasCond(b, CondConsent) || hasCond(a, CondConsent)) &&
					(!hasCond(b, CondDUO) || hasCond(a, CondDUO)) {
					v.d.errf(a.Pos, fmt.Sprintf("beperk verbod %q (regel %d) of regel %q zodat ze elkaar niet tegenspreken.", b.ID, b.Pos.Line, a.ID),
						"tegenstrijdige regels: %q staat iets toe dat verbod %q altijd verbiedt; de regel kan nooit gelden.", a.ID, b.ID)
				}
				continue
			}
			if j < i || a.Ground.String() == b.Ground.String() || a.Ground.Basis == "" || b.Ground.Basis == "" {
				continue
			}
			if !agesOverlap(a.Ages, b.Ages) || !validityOverlap(a, b) {
				continue
			}
			if !recipientOverlap(a.Recipient, b.Recipient) || !slices.Equal(codeSet(a.Levels), codeSet(b.Levels)) ||
				!slices.Equal(codeSet(a.Phases), codeSet(b.Phases)) || !slices.Equal(codeSet(a.Conditions), codeSet(b.Conditions)) {
				continue
			}
			for _, k := range expanded[i] {
				if slices.Contains(expanded[j], k) {
					v.d.errf(b.Pos, fmt.Sprintf("geef beide regels dezelfde grondslag, voeg ze samen of maak de voorwaarden verschillend (zie regel %q op regel %d).", a.ID, a.Pos.Line),
						"tegenstrijdige regels: %q en %q staan %s van %q door %s/%s voor doel %q onder dezelfde voorwaarden toe, maar op verschillende grondslagen.", a.ID, b.ID, k.action, k.cat, k.party, k.role, k.purpose)
					break
				}
			}
		}
	}
}

func agesOverlap(a, b AgeRange) bool {
	lo := max(a.From, b.From)
	hiA, hiB := a.Until, b.Until
	if hiA == 0 {
		hiA = 1 << 30
	}
	if hiB == 0 {
		hiB = 1 << 30
	}
	return lo < min(hiA, hiB)
}

func validityOverlap(a, b *Exchange) bool {
	lo := max(a.ValidFrom, b.ValidFrom)
	hiA, hiB := a.ValidUntil, b.ValidUntil
	if hiA == "" {
		hiA = "9999-12-31"
	}
	if hiB == "" {
		hiB = "9999-12-31"
	}
	return lo <= min(hiA, hiB)
}

func (v *validator) casework() {
	allParties, allCats := setOf(v.parties), setOf(v.categories)
	seen := map[string]bool{}
	for _, t := range v.c.CaseTypes {
		if v.code("een type casusoverleg", t.Code, t.Pos) {
			if seen[t.Code] {
				v.d.errf(t.Pos, "geef elk type een eigen code.", "type casusoverleg %q komt twee keer voor.", t.Code)
			}
			seen[t.Code] = true
		}
		for _, p := range t.Parties {
			v.known("partij", p, allParties)
		}
		if t.ParentsInvited == nil || !*t.ParentsInvited {
			v.d.warnf(t.Pos, "zet 'ouders_uitgenodigd: true': ouders (en de leerling vanaf 12) worden uitgenodigd en zijn in beginsel aanwezig (modelconvenant, bijlage 3).", "casusoverleg %q is een overleg zonder ouders.", t.Code)
		}
	}
	for _, p := range v.c.Phases {
		v.known("doel", p.Purpose, setOf(v.purposes))
		for _, in := range p.Information {
			v.known("partij", in.From, allParties)
			for _, c := range in.Categories {
				v.known("categorie", c, allCats)
			}
			if in.Scope != ScopeOutside && in.Scope != ScopeContent && in.Scope != "" {
				v.d.errf(in.Pos, "gebruik 'buitenkant' (alleen dat een partij betrokken is) of 'inhoud'.", "omvang %q is onbekend.", in.Scope)
			}
		}
	}
	// A permission to disclose content in a phase must match what bijlage 3 says that phase
	// takes from that party.
	for i := range v.c.Exchanges {
		e := &v.c.Exchanges[i]
		if e.Forbidden || hasCond(e, CondOutside) || len(e.Phases) == 0 {
			continue
		}
		if !slices.ContainsFunc(e.Actions, func(c Code) bool { return c.Value == ActionDisclose }) {
			continue
		}
		for _, pc := range e.Phases {
			ph := v.phases[pc.Value]
			if ph == nil {
				continue
			}
			for _, c := range e.Categories {
				ok := false
				for _, in := range ph.Information {
					if in.From.Value == e.Party.Value && in.Scope == ScopeContent && slices.ContainsFunc(in.Categories, func(x Code) bool { return x.Value == c.Value }) {
						ok = true
					}
				}
				if !ok {
					v.d.errf(pc.Pos, fmt.Sprintf("neem in fase %q onder 'informatie' op: van %s, categorie %s, omvang inhoud; of voeg 'buitenkant' toe aan de voorwaarden.", ph.Code, e.Party.Value, c.Value),
						"regel %q laat %s in fase %q de inhoud van %q verstrekken, maar bijlage 3 (casusoverleg.fasen) staat dat in die fase niet toe.", e.ID, e.Party.Value, ph.Code, c.Value)
				}
			}
		}
	}
}

func (v *validator) retention() {
	have := map[string]bool{}
	for _, r := range v.c.Retention {
		// The audit log has its own retention category besides the data categories.
		if r.Category.Value != AuditLogCategory && !v.known("categorie", r.Category, setOf(v.categories)) {
			continue
		}
		if have[r.Category.Value] {
			v.d.errf(r.Pos, "noem elke categorie één keer; gebruik 'afwijkend:' voor een andere termijn per partij.", "bewaartermijn voor categorie %q staat er twee keer.", r.Category.Value)
		}
		have[r.Category.Value] = true
		v.event(r.From, r.Pos)
		for _, o := range r.Overrides {
			v.known("partij", o.Party, setOf(v.parties))
			v.event(o.From, o.Pos)
		}
	}
	for code, cat := range v.categories {
		if !have[code] {
			v.d.errf(cat.Pos, "voeg onder 'bewaartermijnen:' een termijn voor deze categorie toe (AVG art. 5 lid 1 sub e).", "categorie %q heeft geen bewaartermijn.", code)
		}
	}
}

func (v *validator) event(ev string, p Pos) {
	if ev != "" && !slices.Contains(RetentionEvents, ev) {
		v.d.errf(p, "gebruik een van: "+knownList(RetentionEvents)+".", "'vanaf: %s' is onbekend.%s", ev, suggest(ev, RetentionEvents))
	}
}

func (v *validator) security() {
	if !v.c.securitySet {
		return
	}
	s := v.c.Security
	if !s.MFARequired {
		v.d.warnf(s.Pos, "zet 'mfa_verplicht: true'; het modelconvenant noemt meerfactorauthenticatie als maatregel.", "meerfactorauthenticatie is niet verplicht.")
	}
	if s.SessionIdle > 0 && s.SessionAbsolute > 0 && s.SessionIdle > s.SessionAbsolute {
		v.d.errf(s.Pos, "maak 'inactief' korter dan of gelijk aan 'absoluut'.", "de sessieduur bij inactiviteit (%s) is langer dan de absolute sessieduur (%s).", s.SessionIdle, s.SessionAbsolute)
	}
	if s.MinPasswordLength > 0 && s.MinPasswordLength < 8 {
		v.d.errf(s.Pos, "kies ten minste 8 tekens (liefst 12 of meer).", "minimale wachtwoordlengte %d is te kort.", s.MinPasswordLength)
	}
}

func (v *validator) consentRules() {
	for i := range v.c.Consent {
		r := &v.c.Consent[i]
		if !v.known("doel", r.Purpose, setOf(v.purposes)) {
			continue
		}
		key := r.Purpose.Value
		if r.Party.Value != "" {
			if !v.known("partij", r.Party, setOf(v.parties)) {
				continue
			}
			key += "/" + r.Party.Value
		}
		if v.consent[key] != nil {
			v.d.errf(r.Pos, "noem elk doel (per partij) één keer onder 'toestemming:'.", "toestemming voor doel %q staat er twee keer.", key)
			continue
		}
		v.consent[key] = r
		if r.Parents != ParentsOne && r.Parents != ParentsAll && r.Parents != "" {
			v.d.errf(r.Pos, "gebruik 'een' (één ouder met gezag volstaat) of 'alle' (alle ouders met gezag).", "'ouders: %s' is onbekend.", r.Parents)
		}
		if r.OwnAge > 18 || (r.OwnAge > 0 && r.OwnAge < 12) {
			v.d.errf(r.Pos, "kies een leeftijd tussen 12 en 18 (in Nederland 16 voor de AVG).", "leeftijd_eigen_toestemming %d is ongeldig.", r.OwnAge)
		}
		if r.JointAge > 0 && r.JointAge >= r.OwnAge {
			v.d.errf(r.Pos, "maak leeftijd_mede_toestemming lager dan leeftijd_eigen_toestemming, of laat hem weg.", "leeftijd_mede_toestemming (%d) is niet lager dan leeftijd_eigen_toestemming (%d).", r.JointAge, r.OwnAge)
		}
	}
	for i := range v.c.Exchanges {
		e := &v.c.Exchanges[i]
		if e.Forbidden || !hasCond(e, CondConsent) || v.purposes[e.Purpose.Value] == nil {
			continue
		}
		if v.consent[e.Purpose.Value] == nil && v.consent[e.Purpose.Value+"/"+e.Party.Value] == nil {
			v.d.errf(e.Pos, fmt.Sprintf("voeg onder 'toestemming:' een regel toe voor doel %q: wie moet toestemming geven (ouders: een|alle, leeftijd_eigen_toestemming, leeftijd_mede_toestemming).", e.Purpose.Value),
				"regel %q vereist toestemming, maar voor doel %q staat niet wiens toestemming nodig is.", e.ID, e.Purpose.Value)
		}
	}
}

func (v *validator) register() {
	allParties, allCats := setOf(v.parties), setOf(v.categories)
	for _, a := range v.activities {
		v.known("partij", a.Controller, allParties)
		v.known("doel", a.Purpose, setOf(v.purposes))
		for _, p := range a.Parties {
			v.known("partij", p, allParties)
		}
		for _, p := range a.Recipients {
			v.known("partij", p, allParties)
		}
		for _, c := range a.Categories {
			v.known("categorie", c, allCats)
		}
		if a.Ground.Basis == "" && a.Ground.Pos.Line > 0 {
			continue
		}
		v.ground(a.Ground, a.Categories, fmt.Sprintf("verwerking %q", a.ID), true)
	}
}

func (v *validator) usage() {
	usedPurpose, usedCat, usedAct := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, e := range v.c.Exchanges {
		if e.Forbidden {
			continue
		}
		usedPurpose[e.Purpose.Value] = true
		usedAct[e.Activity.Value] = true
		for _, c := range e.Categories {
			usedCat[c.Value] = true
		}
	}
	for _, p := range v.c.Purposes {
		if v.purposes[p.Code] != nil && !usedPurpose[p.Code] {
			v.d.errf(p.Pos, "voeg een uitwisseling met dit doel toe, of verwijder het doel.", "doel %q wordt door geen enkele uitwisseling gebruikt.", p.Code)
		}
	}
	for _, c := range v.c.Categories {
		if v.categories[c.Code] != nil && !usedCat[c.Code] {
			v.d.warnf(c.Pos, "voeg een uitwisseling toe die deze categorie gebruikt, of verwijder hem.", "categorie %q wordt door geen enkele uitwisseling gebruikt.", c.Code)
		}
	}
	for _, a := range v.c.ProcessingRegister {
		if a.ID != "" && !usedAct[a.ID] {
			v.d.warnf(a.Pos, "koppel een uitwisseling aan deze verwerking ('verwerking: "+a.ID+"'), of verwijder hem.", "verwerking %q wordt door geen enkele uitwisseling gebruikt.", a.ID)
		}
	}
}
