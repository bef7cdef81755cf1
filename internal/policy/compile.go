package policy

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/convenant"
)

// Condition and obligation texts as they appear in a Decision.
const (
	condConsentText = "toestemming vereist"
	condDUOText     = "DUO-melding vereist"
	condOutsideText = "alleen buitenkantinformatie"
	obligAuditText  = "vastleggen in audit"
	obligInformText = "ouders informeren"
)

var obligationText = map[string]string{convenant.ObligAudit: obligAuditText, convenant.ObligInformParents: obligInformText}

// failure kinds, in the order a denial names them, with the weight used to pick the nearest
// permission (structural mismatches weigh more than context the caller could still supply).
const (
	failRecipient = iota
	failDate      // the rule does not apply on this day
	failAge       // the rule is for another age
	failLevel
	failEnrolled  // the rule is for a child who is not enrolled; this one is
	failNoMelding // the rule needs a DUO melding, but the child is not enrolled: none can exist
	failDUO
	failPhaseNone  // no phase given
	failPhaseWrong // another phase given
	failPhaseAnnex // bijlage 3 does not let this party bring this category into this phase
	failTLV
	failIndex
	failConsent
	nFail
)

var failWeight = [nFail]int{100, 60, 8, 10, 5, 5, 1, 1, 1, 2, 1, 1, 1}

// consent brackets of a rule: below JointAge, JointAge up to OwnAge, from OwnAge, age unknown.
const (
	bracketParents = iota
	bracketJoint
	bracketPupil
	bracketUnknown
)

type rule struct {
	extra          bool // any of the conditions of issue 14 (age, date, enrolment, Verwijsindex, TLV, bijlage 3): checked only then
	forbidden      bool
	disclose       bool
	recipientParty int    // -1: any
	recipientRoles uint64 // bit per role slot within the recipient party; 0: any
	needConsent    bool
	needDUO        bool
	needNotEnr     bool
	needIndex      bool
	needTLV        bool
	outside        bool
	phases         uint64    // bit per phase; 0: any
	levels         uint8     // bit per level; 0: any
	ageFrom        int       // 0: unbounded
	ageUntil       int       // 0: unbounded
	validFrom      int       // yyyymmdd; 0: unbounded
	validUntil     int       // yyyymmdd; 0: unbounded
	jointAge       int       // consent: from this age the pupil too (0 = never jointly)
	ownAge         int       // consent: from this age the pupil alone
	parentsAll     bool      // consent: every parent with gezag (else one)
	annex          []uint64  // per category index: phases in which bijlage 3 lets the party bring it (disclosures)
	tx             *ruleText // the prepared decisions, kept apart so that the rules' hot fields stay dense in memory
}

// ruleText holds the decisions a rule answers with, prepared when the convenant is compiled.
type ruleText struct {
	allow       Decision
	deny        [nFail]Decision
	consentDeny [4]Decision // failConsent per bracket
}

// buildCell is a cell while the table is being compiled.
type buildCell struct {
	deny  []int32
	allow []int32
	empty *Decision // the denial when no rule covers the cell
}

// cell is a packed cell of the decision table: its rules are ruleIdx[off : off+nDeny+nAllow]
// (prohibitions first), and empty (>= 0) indexes the denial when no rule covers it. Twelve
// bytes, so that the whole table stays in the CPU cache.
type cell struct {
	off           uint32
	nDeny, nAllow uint16
	empty         int32
}

// table is a compiled convenant.
type table struct {
	conv     *convenant.Compiled
	version  string
	party    map[string]int
	role     []map[string]int // per party: role code -> role index within the party
	slot     [][]int          // per party, per role: actor slot
	nActor   int
	category map[string]int
	purpose  map[string]int
	phase    map[string]int
	// The same maps as codeIndex, for the decision path (see codes.go).
	partyIx, categoryIx, purposeIx, phaseIx codeIndex
	roleIx                                  []codeIndex
	rules                                   []rule
	cells                                   []cell
	ruleIdx                                 []int32
	empties                                 []Decision
	build                                   []buildCell // only while compiling
	unknown                                 [5]Decision // unknown actor, action, category, purpose, context code
	noRecip                                 Decision
}

const (
	unkActor = iota
	unkAction
	unkCategory
	unkPurpose
	unkContext
)

func actionIndex(a Action) int {
	switch a {
	case Read:
		return 0
	case Record:
		return 1
	case Disclose:
		return 2
	}
	return -1
}

func levelBit(l string) uint8 {
	switch l {
	case "", LevelPerson:
		return 1
	case LevelSchool:
		return 2
	case LevelAggregate:
		return 4
	}
	return 0
}

func (t *table) idx(actor, action, cat, purpose int) int {
	return ((actor*3+action)*len(t.category)+cat)*len(t.purpose) + purpose
}

// maxCells bounds the dense decision table (roles × 3 × categories × purposes).
const maxCells = 1 << 21

func compile(k *convenant.Compiled) (*table, error) {
	t := &table{conv: k, version: k.Hash(), party: map[string]int{}, category: map[string]int{}, purpose: map[string]int{}, phase: map[string]int{}}
	for i, p := range k.Parties() {
		t.party[p.Code] = i
		roles := map[string]int{}
		slots := make([]int, len(p.Roles))
		for j, r := range p.Roles {
			roles[r.Code] = j
			slots[j] = t.nActor
			t.nActor++
		}
		t.role = append(t.role, roles)
		t.slot = append(t.slot, slots)
	}
	for i, c := range k.Categories() {
		t.category[c.Code] = i
	}
	for i, p := range k.Purposes() {
		t.purpose[p.Code] = i
	}
	if len(k.Phases()) > 64 {
		return nil, fmt.Errorf("convenant heeft %d casusfasen; de beslisser ondersteunt er hooguit 64", len(k.Phases()))
	}
	for i, p := range k.Phases() {
		t.phase[p.Code] = i
	}
	for _, p := range k.Parties() {
		if len(p.Roles) > 64 {
			return nil, fmt.Errorf("partij %q heeft %d rollen; de beslisser ondersteunt er hooguit 64", p.Code, len(p.Roles))
		}
	}
	n := t.nActor * 3 * len(t.category) * len(t.purpose)
	if n > maxCells {
		return nil, fmt.Errorf("convenant is te groot voor de beslistabel (%d cellen)", n)
	}
	t.build = make([]buildCell, n)
	t.unknown = [5]Decision{
		t.denial(MissingRule, "Niet toegestaan: de partij of de rol komt niet voor in het convenant."),
		t.denial(MissingRule, "Niet toegestaan: onbekende handeling; het convenant kent lezen, vastleggen en verstrekken."),
		t.denial(MissingRule, "Niet toegestaan: de categorie persoonsgegevens komt niet voor in het convenant."),
		t.denial(MissingRule, "Niet toegestaan: het doel komt niet voor in het convenant."),
		t.denial(MissingRule, "Niet toegestaan: de casusfase of het niveau in de context komt niet voor in het convenant."),
	}
	t.noRecip = t.denial(MissingRecipient, "Niet toegestaan: bij verstrekken moet de ontvanger (partij en rol) bekend zijn, en die komt niet voor in het convenant.")

	exchanges := k.Exchanges()
	t.rules = make([]rule, len(exchanges))
	for i := range exchanges {
		t.rules[i] = t.compileRule(&exchanges[i])
	}
	// Fill the cells: prohibitions and permissions, permissions with "buitenkant" last.
	order := make([]int, len(exchanges))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		oa, ob := t.rules[a].outside, t.rules[b].outside
		switch {
		case oa == ob:
			return 0
		case !oa:
			return -1
		}
		return 1
	})
	regional := k.Regional()
	for _, i := range order {
		e := &exchanges[i]
		if e.Switch.Value != "" {
			if on, _ := regional.Bool(e.Switch.Value); !on {
				continue // regionale_instellingen switches this rule off
			}
		}
		p := t.party[e.Party.Value]
		roles := e.Roles
		var slots []int
		if len(roles) == 0 {
			slots = t.slot[p]
		} else {
			for _, r := range roles {
				slots = append(slots, t.slot[p][t.role[p][r.Value]])
			}
		}
		for _, s := range slots {
			for _, a := range e.Actions {
				ai := actionIndex(Action(a.Value))
				for _, c := range e.Categories {
					ci := t.idx(s, ai, t.category[c.Value], t.purpose[e.Purpose.Value])
					if e.Forbidden {
						t.build[ci].deny = append(t.build[ci].deny, int32(i))
					} else {
						t.build[ci].allow = append(t.build[ci].allow, int32(i))
					}
				}
			}
		}
	}
	t.diagnoseEmpty()
	t.pack()
	t.partyIx, t.categoryIx, t.purposeIx, t.phaseIx = newCodeIndex(t.party), newCodeIndex(t.category), newCodeIndex(t.purpose), newCodeIndex(t.phase)
	for _, roles := range t.role {
		t.roleIx = append(t.roleIx, newCodeIndex(roles))
	}
	return t, nil
}

// pack turns the build cells into the dense table decide reads.
func (t *table) pack() {
	t.cells = make([]cell, len(t.build))
	seen := map[*Decision]int32{}
	for i := range t.build {
		b := &t.build[i]
		c := cell{off: uint32(len(t.ruleIdx)), nDeny: uint16(len(b.deny)), nAllow: uint16(len(b.allow)), empty: -1}
		t.ruleIdx = append(t.ruleIdx, b.deny...)
		t.ruleIdx = append(t.ruleIdx, b.allow...)
		if b.empty != nil {
			j, ok := seen[b.empty]
			if !ok {
				j = int32(len(t.empties))
				t.empties = append(t.empties, *b.empty)
				seen[b.empty] = j
			}
			c.empty = j
		}
		t.cells[i] = c
	}
	t.build = nil
}

func (t *table) denial(missing, reason string) Decision {
	return Decision{Reason: reason, Missing: missing, ConvenantVersion: t.version, Conditions: []string{}, Obligations: []string{}}
}

func dutchList(items []string, last string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + last + " " + items[len(items)-1]
}

func (t *table) actorName(party, role string) string {
	if r, ok := t.conv.Role(party, role); ok && r.Name != "" {
		return strings.ToLower(r.Name[:1]) + r.Name[1:] + " (" + party + ")"
	}
	return role + " (" + party + ")"
}

// consentWhose says, for a rule of party for purpose, whose consent counts, for every age
// ("alle ouders met gezag (leerling jonger dan 12 jaar) of de leerling zelf (12 jaar of ouder)").
func (t *table) consentWhose(purpose, party string) string {
	cr, ok := t.conv.ConsentRuleFor(purpose, party)
	if !ok {
		return "de betrokkene"
	}
	parents := "één ouder met gezag"
	if cr.Parents == convenant.ParentsAll {
		parents = "alle ouders met gezag"
	}
	own := cr.OwnAge
	if own == 0 {
		own = 16
	}
	var s string
	if cr.JointAge > 0 {
		s = fmt.Sprintf("%s (leerling jonger dan %d jaar), de leerling samen met %s (%d tot %d jaar) of de leerling zelf (%d jaar of ouder)", parents, cr.JointAge, parents, cr.JointAge, own, own)
	} else {
		s = fmt.Sprintf("%s (leerling jonger dan %d jaar) of de leerling zelf (%d jaar of ouder)", parents, own, own)
	}
	return s + consentSource(party, own)
}

// consentSource names the law behind the age at which the pupil consents alone.
func consentSource(party string, own int) string {
	switch {
	case own <= 12 && party == "ggd":
		return " (BW art. 7:457 en 7:465)"
	case own <= 12:
		return " (Jeugdwet art. 7.3.11; BW art. 7:465)"
	}
	return " (AVG art. 8; UAVG art. 5)"
}

// consentBracketText says whose consent counts in one age bracket, in a sentence.
func (t *table) consentBracketText(r *rule, purpose, party string, bracket int) string {
	parents := "één ouder met gezag"
	if r.parentsAll {
		parents = "alle ouders met gezag (bij eenhoofdig gezag die ene ouder)"
	}
	src := consentSource(party, r.ownAge)
	switch bracket {
	case bracketParents:
		lim := r.ownAge
		if r.jointAge > 0 {
			lim = r.jointAge
		}
		return fmt.Sprintf("De leerling is jonger dan %d jaar: nodig is de toestemming van %s%s.", lim, parents, src)
	case bracketJoint:
		return fmt.Sprintf("De leerling is %d tot %d jaar: nodig is de toestemming van de leerling zelf én van %s%s.", r.jointAge, r.ownAge, parents, src)
	case bracketPupil:
		if r.ownAge < 16 {
			return fmt.Sprintf("De leerling is %d jaar of ouder: nodig is de toestemming van de leerling zelf; de toestemming van een ouder is niet genoeg%s.", r.ownAge, src)
		}
		return fmt.Sprintf("De leerling is %d jaar of ouder: de leerling geeft zelf toestemming, de ouders niet%s; vanaf 18 jaar hebben ouders alleen een machtiging van de jongvolwassene.", r.ownAge, src)
	}
	return "Wiens toestemming telt, hangt af van de leeftijd van de leerling op de dag: " + t.consentWhose(purpose, party) + "."
}

func yyyymmdd(s string) int {
	if len(s) != 10 {
		return 0
	}
	n := 0
	for _, c := range s {
		if c >= '0' && c <= '9' {
			n = n*10 + int(c-'0')
		}
	}
	return n
}

func dayNumber(d time.Time) int {
	if d.IsZero() {
		return 0
	}
	y, m, dd := d.Date()
	return y*10000 + int(m)*100 + dd
}

// annexPhases returns, per category index, the phases in which bijlage 3 lets party bring the
// category into the casusoverleg: as content, or (for a buitenkant rule) as content or outside.
func (t *table) annexPhases(party string, outside bool) []uint64 {
	out := make([]uint64, len(t.category))
	for _, ph := range t.conv.Phases() {
		bit := uint64(1) << uint(t.phase[ph.Code])
		for _, in := range ph.Information {
			if in.From.Value != party || (!outside && in.Scope != convenant.ScopeContent) {
				continue
			}
			for _, c := range in.Categories {
				if ci, ok := t.category[c.Value]; ok {
					out[ci] |= bit
				}
			}
		}
	}
	return out
}

var condNeedText = map[string]string{
	convenant.CondVerwijsindex: "alleen na een match in de Verwijsindex",
	convenant.CondNotEnrolled:  "alleen voor een kind dat nergens staat ingeschreven",
	convenant.CondTLV:          "alleen voor een aanvraag van een toelaatbaarheidsverklaring of een arrangement",
}

// routes describes the other rules that could allow the same disclosure or processing (same
// party, purpose, recipient party, an action and a category in common) under other
// conditions: the lawful routes a denial names.
func (t *table) routes(e *convenant.Exchange) string {
	var out []string
	for _, o := range t.conv.Exchanges() {
		if o.Forbidden || o.ID == e.ID || o.Party.Value != e.Party.Value || o.Purpose.Value != e.Purpose.Value {
			continue
		}
		if (o.Recipient == nil) != (e.Recipient == nil) || (o.Recipient != nil && o.Recipient.Party.Value != e.Recipient.Party.Value) {
			continue
		}
		if !shareCode(o.Actions, e.Actions) || !shareCode(o.Categories, e.Categories) {
			continue
		}
		var how []string
		for _, c := range o.Conditions {
			switch c.Value {
			case convenant.CondConsent:
				how = append(how, "met toestemming van "+t.consentWhose(o.Purpose.Value, o.Party.Value))
			case convenant.CondDUO:
				how = append(how, "na een DUO-verzuimmelding")
			case convenant.CondVerwijsindex:
				how = append(how, "na een match in de Verwijsindex")
			case convenant.CondNotEnrolled:
				how = append(how, "voor een kind dat nergens staat ingeschreven")
			case convenant.CondTLV:
				how = append(how, "voor een aanvraag van een TLV of arrangement")
			}
		}
		if len(o.Phases) > 0 {
			how = append(how, "in casusfase "+dutchList(codeValues(o.Phases), "of"))
		}
		if o.Ages.Set() {
			how = append(how, "voor een leerling "+ageText(o.Ages))
		}
		if len(how) == 0 {
			continue
		}
		out = append(out, strings.Join(how, ", ")+" (regel "+o.ID+")")
	}
	s := ""
	if len(out) > 0 {
		s = " Wel mogelijk: " + strings.Join(out, "; of ") + "."
	}
	if e.Recipient != nil && (e.Party.Value == "jeugdhulp" || e.Party.Value == "ggd") {
		s += " Bij een vermoeden van huiselijk geweld of kindermishandeling geldt de meldcode: een melding bij Veilig Thuis (Wmo 2015 art. 5.2.6), buiten dit convenant (artikel 23)."
	}
	return s
}

func shareCode(a, b []convenant.Code) bool {
	for _, x := range a {
		for _, y := range b {
			if x.Value == y.Value {
				return true
			}
		}
	}
	return false
}

func codeValues(cs []convenant.Code) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Value
	}
	return out
}

func (t *table) compileRule(e *convenant.Exchange) rule {
	r := rule{forbidden: e.Forbidden, recipientParty: -1, ageFrom: e.Ages.From, ageUntil: e.Ages.Until,
		validFrom: yyyymmdd(e.ValidFrom), validUntil: yyyymmdd(e.ValidUntil), tx: &ruleText{}}
	for _, a := range e.Actions {
		r.disclose = r.disclose || a.Value == convenant.ActionDisclose
	}
	if e.Recipient != nil {
		rp := t.party[e.Recipient.Party.Value]
		r.recipientParty = rp
		for _, ro := range e.Recipient.Roles {
			r.recipientRoles |= 1 << uint(t.role[rp][ro.Value])
		}
	}
	var conds []string
	for _, c := range e.Conditions {
		switch c.Value {
		case convenant.CondConsent:
			r.needConsent = true
		case convenant.CondDUO:
			r.needDUO = true
		case convenant.CondOutside:
			r.outside = true
		case convenant.CondVerwijsindex:
			r.needIndex = true
		case convenant.CondNotEnrolled:
			r.needNotEnr = true
		case convenant.CondTLV:
			r.needTLV = true
		}
	}
	if r.needConsent {
		conds = append(conds, condConsentText)
		cr, _ := t.conv.ConsentRuleFor(e.Purpose.Value, e.Party.Value)
		r.ownAge, r.jointAge, r.parentsAll = cr.OwnAge, cr.JointAge, cr.Parents == convenant.ParentsAll
		if r.ownAge == 0 {
			r.ownAge = 16
		}
	}
	if r.needDUO {
		conds = append(conds, condDUOText)
	}
	if r.outside {
		conds = append(conds, condOutsideText)
	}
	for _, c := range []string{convenant.CondVerwijsindex, convenant.CondNotEnrolled, convenant.CondTLV} {
		if hasCondCode(e, c) {
			conds = append(conds, condNeedText[c])
		}
	}
	if e.Ages.Set() {
		conds = append(conds, "alleen voor een leerling "+ageText(e.Ages))
	}
	var phaseCodes, levelCodes, levelNames []string
	for _, p := range e.Phases {
		r.phases |= 1 << uint(t.phase[p.Value])
		phaseCodes = append(phaseCodes, p.Value)
	}
	if len(phaseCodes) > 0 {
		conds = append(conds, "alleen in casusfase "+dutchList(phaseCodes, "of"))
	}
	for _, l := range e.Levels {
		r.levels |= levelBit(l.Value)
		levelCodes = append(levelCodes, l.Value)
		levelNames = append(levelNames, convenant.LevelDutch(l.Value))
	}
	if len(levelCodes) > 0 {
		conds = append(conds, "alleen op "+dutchList(levelNames, "of"))
	}
	if e.ValidFrom != "" {
		conds = append(conds, "geldt vanaf "+dutchDate(e.ValidFrom))
	}
	if e.ValidUntil != "" {
		conds = append(conds, "geldt tot en met "+dutchDate(e.ValidUntil))
	}
	if r.disclose && !e.Forbidden {
		r.annex = t.annexPhases(e.Party.Value, r.outside)
	}
	r.extra = r.ageFrom != 0 || r.ageUntil != 0 || r.validFrom != 0 || r.validUntil != 0 || r.needNotEnr || r.needIndex || r.needTLV || r.annex != nil
	if conds == nil {
		conds = []string{}
	}
	oblig := []string{}
	if !e.Forbidden {
		for _, o := range t.conv.DefaultObligations() {
			oblig = append(oblig, obligationText[o])
		}
		for _, o := range e.Obligations {
			if s := obligationText[o.Value]; !slices.Contains(oblig, s) {
				oblig = append(oblig, s)
			}
		}
	}
	article := convenant.ArticleRef(e.Article.Value)
	what := strings.TrimSuffix(e.Description, ".")
	if what == "" {
		what = "regel " + e.ID
	}
	base := Decision{Ground: e.Ground.String(), Article: article, Conditions: conds, Obligations: oblig, RuleID: e.ID,
		ConvenantVersion: t.version, Basis: e.Ground.Basis, Exception: e.Ground.Exception, Activity: e.Activity.Value}
	if r.disclose {
		base.DiscloserActivity, base.RecipientActivity = e.Activity.Value, e.RecipientActivity.Value
	}
	if e.Forbidden {
		d := base
		d.Ground, d.Basis, d.Exception, d.Activity, d.DiscloserActivity, d.RecipientActivity = "", "", "", "", "", ""
		d.Missing = MissingForbidden
		d.Obligations = []string{}
		d.Conditions = []string{}
		d.Reason = "Niet toegestaan: " + e.Reason
		r.tx.allow = d // a matching prohibition answers with this denial
		return r
	}
	allow := base
	allow.Allowed = true
	allow.Reason = "Toegestaan: " + lowerFirst(what) + "."
	if r.outside {
		allow.Reason += " Deel alleen buitenkantinformatie: dat uw organisatie betrokken is, niet wat zij weet."
	}
	if r.needConsent {
		allow.Reason += " Dit steunt op de toestemming die is vastgelegd; vervalt die, dan vervalt deze grond."
	}
	if slices.Contains(oblig, obligInformText) {
		allow.Reason += " Informeer de ouders (en de leerling) met wie u deze gegevens deelt, en leg vast dat u dat deed."
	}
	r.tx.allow = allow

	routes := t.routes(e)
	deny := func(missing, need, reason string) Decision {
		d := base
		d.Ground, d.Basis, d.Exception = "", "", ""
		d.Obligations = []string{}
		d.Missing, d.Reason = missing, reason+routes
		d.Conditions = []string{need}
		return d
	}
	lead := "Niet toegestaan zonder "
	for b := range r.tx.consentDeny {
		r.tx.consentDeny[b] = deny(MissingConsent, "toestemming: "+t.consentWhose(e.Purpose.Value, e.Party.Value),
			lead+"de juiste toestemming: "+lowerFirst(what)+". "+t.consentBracketText(&r, e.Purpose.Value, e.Party.Value, b)+" Vraag die en leg haar vast in het toestemmingsregister.")
	}
	r.tx.deny[failConsent] = r.tx.consentDeny[bracketUnknown]
	duo := lead + "DUO-verzuimmelding: " + lowerFirst(what) + ". Pas als de school het verzuim via het verzuimloket van DUO heeft gemeld, is er een grond om dit over de leerling vast te leggen."
	if t.hasSchoolLevel(e) {
		duo += " Zonder melding is alleen vastleggen op schoolniveau toegestaan, zonder notities over de persoon."
	}
	duo += " Voor absoluut verzuim, vrijstellingen, verlof van meer dan tien dagen en de kwalificatieplicht is geen melding nodig: die hebben een eigen grondslag."
	r.tx.deny[failDUO] = deny(MissingDUO, "een DUO-verzuimmelding (relatief verzuim)", duo)
	r.tx.deny[failNoMelding] = deny(MissingEnrolment, "een ingeschreven leerling met een DUO-verzuimmelding",
		"Niet toegestaan voor een kind dat nergens staat ingeschreven: "+lowerFirst(what)+". Een DUO-verzuimmelding bestaat alleen voor een ingeschreven leerling (relatief verzuim); voor een kind dat nergens staat ingeschreven geldt de aanpak van absoluut verzuim (doel absoluut-verzuim).")
	r.tx.deny[failEnrolled] = deny(MissingEnrolment, condNeedText[convenant.CondNotEnrolled],
		"Niet toegestaan voor een ingeschreven leerling: "+lowerFirst(what)+". Deze regel geldt alleen voor een kind dat nergens staat ingeschreven (absoluut verzuim).")
	r.tx.deny[failIndex] = deny(MissingIndex, condNeedText[convenant.CondVerwijsindex],
		"Niet toegestaan zonder match in de Verwijsindex: "+lowerFirst(what)+". Een eigen overzicht van wie betrokken is, is geen Verwijsindex.")
	r.tx.deny[failTLV] = deny(MissingTLV, condNeedText[convenant.CondTLV],
		"Niet toegestaan buiten een aanvraag voor een toelaatbaarheidsverklaring of een arrangement: "+lowerFirst(what)+".")
	if e.Ages.Set() {
		r.tx.deny[failAge] = deny(MissingAge, "een leerling "+ageText(e.Ages),
			"Niet toegestaan voor een leerling van deze leeftijd: "+lowerFirst(what)+". Deze regel geldt alleen voor een leerling "+ageText(e.Ages)+"."+ageNote(e.Ages))
	}
	r.tx.deny[failDate] = deny(MissingDate, "een datum waarop de regel geldt",
		"Niet toegestaan op deze datum: "+lowerFirst(what)+". Deze versie van de regel geldt"+validityText(e)+".")
	if len(phaseCodes) > 0 {
		r.tx.deny[failPhaseNone] = deny(MissingPhase, "casusfase "+dutchList(phaseCodes, "of"), "Niet toegestaan buiten het casusoverleg: "+lowerFirst(what)+". Dit mag alleen in casusfase "+dutchList(phaseCodes, "of")+"; buiten het overleg alleen buitenkantinformatie, en ook die alleen op een grondslag.")
		r.tx.deny[failPhaseWrong] = deny(MissingPhase, "casusfase "+dutchList(phaseCodes, "of"), "Niet toegestaan in deze fase van het casusoverleg: "+lowerFirst(what)+". Dit mag alleen in casusfase "+dutchList(phaseCodes, "of")+" (bijlage 3).")
	}
	r.tx.deny[failPhaseAnnex] = deny(MissingPhase, "een casusfase waarin bijlage 3 dit toestaat",
		"Niet toegestaan in deze fase van het casusoverleg: "+lowerFirst(what)+". Bijlage 3 bepaalt per fase welke informatie van welke partij nodig is, en staat niet toe dat "+e.Party.Value+" deze gegevens in deze fase inbrengt (artikel 7 lid 2).")
	if len(levelCodes) > 0 {
		msg := "Niet toegestaan op dit niveau: " + lowerFirst(what) + ". Dit mag alleen op " + dutchList(levelNames, "of") + "."
		if !slices.Contains(levelCodes, LevelPerson) {
			msg += " Gegevens over een individuele leerling zijn hiervoor niet toegestaan."
		}
		r.tx.deny[failLevel] = deny(MissingLevel, dutchList(levelNames, "of"), msg)
	}
	if e.Recipient != nil {
		who := e.Recipient.Party.Value
		if len(e.Recipient.Roles) > 0 {
			who += " (" + dutchList(codeValues(e.Recipient.Roles), "of") + ")"
		}
		r.tx.deny[failRecipient] = deny(MissingRecipient, "ontvanger "+who, "Niet toegestaan aan deze ontvanger: "+lowerFirst(what)+". Verstrekken mag hier alleen aan "+who+".")
	}
	return r
}

func hasCondCode(e *convenant.Exchange, c string) bool {
	for _, x := range e.Conditions {
		if x.Value == c {
			return true
		}
	}
	return false
}

// ageText renders an age range after "een leerling": "jonger dan 18 jaar", "van 18 tot 23 jaar".
func ageText(a convenant.AgeRange) string {
	switch {
	case a.From > 0 && a.Until > 0:
		return fmt.Sprintf("van %d tot %d jaar", a.From, a.Until)
	case a.From > 0:
		return fmt.Sprintf("van %d jaar of ouder", a.From)
	case a.Until > 0:
		return fmt.Sprintf("jonger dan %d jaar", a.Until)
	}
	return "van elke leeftijd"
}

// ageNote explains what applies on the other side of a rule's age bound.
func ageNote(a convenant.AgeRange) string {
	switch {
	case a.Until == 18 && a.From == 0:
		return " Vanaf 18 jaar is er geen leerplicht of kwalificatieplicht meer en geen verzuimmelding (Leerplichtwet 1969 art. 21a); een jongere tot 23 jaar zonder startkwalificatie valt onder het RMC (doel rmc)."
	case a.From == 18:
		return " Voor een leerling jonger dan 18 jaar gelden de leer- en kwalificatieplicht (doel handhaving-leerplicht)."
	}
	return ""
}

func validityText(e *convenant.Exchange) string {
	s := ""
	if e.ValidFrom != "" {
		s += " vanaf " + dutchDate(e.ValidFrom)
	}
	if e.ValidUntil != "" {
		s += " tot en met " + dutchDate(e.ValidUntil)
	}
	return s
}

var monthNames = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}

// dutchDate renders "2027-08-01" as "1 augustus 2027".
func dutchDate(s string) string {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return s
	}
	return fmt.Sprintf("%d %s %d", t.Day(), monthNames[t.Month()-1], t.Year())
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	// keep abbreviations such as "DUO" or "SWV" as written
	if len(s) > 1 && s[1] >= 'A' && s[1] <= 'Z' {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// hasSchoolLevel reports whether the actor of e has a permission at school level for the same
// purpose (the leerplicht situation of seed 002).
func (t *table) hasSchoolLevel(e *convenant.Exchange) bool {
	for _, o := range t.conv.Exchanges() {
		if o.Forbidden || o.Party.Value != e.Party.Value || o.Purpose.Value != e.Purpose.Value {
			continue
		}
		for _, l := range o.Levels {
			if l.Value == LevelSchool {
				return true
			}
		}
	}
	return false
}

// diagnoseEmpty prepares, for every cell no rule covers, the denial that says what is missing:
// the purpose for this actor, the category within the purpose, or the action.
func (t *table) diagnoseEmpty() {
	cats, purps := t.conv.Categories(), t.conv.Purposes()
	actions := []string{"lezen", "vastleggen", "verstrekken"}
	for p, party := range t.conv.Parties() {
		for ri, role := range party.Roles {
			s := t.slot[p][ri]
			actor := t.actorName(party.Code, role.Code)
			for pi, purp := range purps {
				anyPurpose := false
				for ai := 0; ai < 3 && !anyPurpose; ai++ {
					for ci := range cats {
						c := &t.build[t.idx(s, ai, ci, pi)]
						if len(c.allow) > 0 {
							anyPurpose = true
							break
						}
					}
				}
				var purposeDenial *Decision
				if !anyPurpose {
					d := t.denial(MissingPurpose, fmt.Sprintf("Niet toegestaan: het doel %q (%s) is in het convenant niet afgesproken voor %s.", purp.Code, lowerFirst(purp.Name), actor))
					purposeDenial = &d
				}
				for ci, cat := range cats {
					var allowed []string
					for ai := range 3 {
						if len(t.build[t.idx(s, ai, ci, pi)].allow) > 0 {
							allowed = append(allowed, actions[ai])
						}
					}
					var catDenial *Decision
					if anyPurpose && len(allowed) == 0 {
						d := t.denial(MissingCategory, fmt.Sprintf("Niet toegestaan: voor doel %q mag %s geen gegevens van categorie %q (%s) verwerken.", purp.Code, actor, cat.Code, lowerFirst(cat.Name)))
						catDenial = &d
					}
					for ai := range 3 {
						c := &t.build[t.idx(s, ai, ci, pi)]
						if len(c.allow) > 0 {
							continue
						}
						switch {
						case purposeDenial != nil:
							c.empty = purposeDenial
						case catDenial != nil:
							c.empty = catDenial
						default:
							d := t.denial(MissingAction, fmt.Sprintf("Niet toegestaan: %s mag gegevens van categorie %q voor doel %q niet %s; wel %s.", actor, cat.Code, purp.Code, actions[ai], dutchList(allowed, "en")))
							c.empty = &d
						}
					}
				}
			}
		}
	}
}
