package policy

import (
	"fmt"
	"slices"
	"strings"

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
	failLevel
	failDUO
	failPhaseNone  // no phase given
	failPhaseWrong // another phase given
	failConsent
	nFail
)

var failWeight = [nFail]int{100, 10, 1, 1, 1, 1}

type rule struct {
	forbidden      bool
	recipientParty int    // -1: any
	recipientRoles uint64 // bit per role slot within the recipient party; 0: any
	needConsent    bool
	needDUO        bool
	outside        bool
	phases         uint64 // bit per phase; 0: any
	levels         uint8  // bit per level; 0: any
	allow          Decision
	deny           [nFail]Decision
}

type cell struct {
	deny  []int32
	allow []int32
	empty *Decision // the denial when no rule covers the cell
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
	rules    []rule
	cells    []cell
	unknown  [5]Decision // unknown actor, action, category, purpose, context code
	noRecip  Decision
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
	t.cells = make([]cell, n)
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
	for _, i := range order {
		e := &exchanges[i]
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
						t.cells[ci].deny = append(t.cells[ci].deny, int32(i))
					} else {
						t.cells[ci].allow = append(t.cells[ci].allow, int32(i))
					}
				}
			}
		}
	}
	t.diagnoseEmpty()
	return t, nil
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

func (t *table) consentWhose(purpose string) string {
	cr, ok := t.conv.ConsentRule(purpose)
	if !ok {
		return "de betrokkene"
	}
	var s string
	if cr.Parents == convenant.ParentsAll {
		s = "alle ouders met gezag"
	} else {
		s = "een ouder met gezag"
	}
	if cr.JointAge > 0 {
		s += fmt.Sprintf(", vanaf %d jaar samen met de leerling", cr.JointAge)
	}
	if cr.OwnAge > 0 {
		s += fmt.Sprintf("; vanaf %d jaar de leerling zelf", cr.OwnAge)
	}
	return s
}

func (t *table) compileRule(e *convenant.Exchange) rule {
	r := rule{forbidden: e.Forbidden, recipientParty: -1}
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
		}
	}
	if r.needConsent {
		conds = append(conds, condConsentText)
	}
	if r.needDUO {
		conds = append(conds, condDUOText)
	}
	if r.outside {
		conds = append(conds, condOutsideText)
	}
	var phaseCodes, levelCodes []string
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
	}
	if len(levelCodes) > 0 {
		conds = append(conds, "alleen op niveau "+dutchList(levelCodes, "of"))
	}
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
	if e.Forbidden {
		d := base
		d.Ground, d.Basis, d.Exception, d.Activity = "", "", "", ""
		d.Missing = MissingForbidden
		d.Obligations = []string{}
		d.Reason = "Niet toegestaan: " + e.Reason
		r.allow = d // a matching prohibition answers with this denial
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
		allow.Reason += " Informeer de ouders met wie u deze gegevens deelt."
	}
	r.allow = allow

	deny := func(missing, reason string) Decision {
		d := base
		d.Ground, d.Basis, d.Exception = "", "", ""
		d.Obligations = []string{}
		d.Missing, d.Reason = missing, reason
		return d
	}
	lead := "Niet toegestaan zonder "
	r.deny[failConsent] = deny(MissingConsent, lead+"toestemming: "+lowerFirst(what)+". Nodig is de toestemming van "+t.consentWhose(e.Purpose.Value)+"; vraag die en leg haar vast in het toestemmingsregister.")
	duo := lead + "DUO-verzuimmelding: " + lowerFirst(what) + ". Pas als de school het verzuim via het verzuimloket van DUO heeft gemeld, is er een grond om dit over de leerling vast te leggen."
	if t.hasSchoolLevel(e) {
		duo += " Zonder melding is alleen vastleggen op schoolniveau toegestaan, zonder notities over de persoon."
	}
	r.deny[failDUO] = deny(MissingDUO, duo)
	if len(phaseCodes) > 0 {
		r.deny[failPhaseNone] = deny(MissingPhase, "Niet toegestaan buiten het casusoverleg: "+lowerFirst(what)+". Dit mag alleen in casusfase "+dutchList(phaseCodes, "of")+"; buiten het overleg alleen buitenkantinformatie.")
		r.deny[failPhaseWrong] = deny(MissingPhase, "Niet toegestaan in deze fase van het casusoverleg: "+lowerFirst(what)+". Dit mag alleen in casusfase "+dutchList(phaseCodes, "of")+" (bijlage 3).")
	}
	if len(levelCodes) > 0 {
		msg := "Niet toegestaan op dit niveau: " + lowerFirst(what) + ". Dit mag alleen op niveau " + dutchList(levelCodes, "of") + "."
		if !slices.Contains(levelCodes, LevelPerson) {
			msg += " Gegevens over een individuele leerling zijn hiervoor niet toegestaan."
		}
		r.deny[failLevel] = deny(MissingLevel, msg)
	}
	if e.Recipient != nil {
		who := e.Recipient.Party.Value
		if len(e.Recipient.Roles) > 0 {
			var rs []string
			for _, ro := range e.Recipient.Roles {
				rs = append(rs, ro.Value)
			}
			who += " (" + dutchList(rs, "of") + ")"
		}
		r.deny[failRecipient] = deny(MissingRecipient, "Niet toegestaan aan deze ontvanger: "+lowerFirst(what)+". Verstrekken mag hier alleen aan "+who+".")
	}
	return r
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
						c := &t.cells[t.idx(s, ai, ci, pi)]
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
						if len(t.cells[t.idx(s, ai, ci, pi)].allow) > 0 {
							allowed = append(allowed, actions[ai])
						}
					}
					var catDenial *Decision
					if anyPurpose && len(allowed) == 0 {
						d := t.denial(MissingCategory, fmt.Sprintf("Niet toegestaan: voor doel %q mag %s geen gegevens van categorie %q (%s) verwerken.", purp.Code, actor, cat.Code, lowerFirst(cat.Name)))
						catDenial = &d
					}
					for ai := range 3 {
						c := &t.cells[t.idx(s, ai, ci, pi)]
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
