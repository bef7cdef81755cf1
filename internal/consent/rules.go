package consent

import (
	"errors"
	"fmt"
	"slices"
	"sort"
)

// Purpose codes of the model convenant (issue 3 fixes them so that other tools can rely on them).
const (
	PurposeSignalering  = "signalering"
	PurposeToeleiding   = "toeleiding"
	PurposeLeerplicht   = "handhaving-leerplicht"
	PurposeJeugdhulp    = "jeugdhulp"
	PurposeMonitoring   = "monitoring"
	PurposeAbsoluut     = "absoluut-verzuim"
	PurposeVrijstelling = "vrijstelling-en-verlof"
	PurposeRMC          = "rmc"
	PurposeReclassering = "jeugdreclassering"
	sourceWGBO          = "BW art. 7:457 en 7:465 (WGBO: beroepsgeheim; vanaf 12 jaar de patiënt zelf)"
	sourceJeugdwetChild = "Jeugdwet art. 7.3.11 jo. BW art. 7:465 (vanaf 12 jaar de jeugdige zelf)"
	defaultPupilAlso    = 12
	defaultPupilAlone   = 16
	maxGuardians        = 2
	adulthood           = 18
	sourceConsentAge    = "AVG art. 6 lid 1 sub a en art. 8; UAVG art. 5 (toestemmingsleeftijd 16 jaar)"
	sourceOneParent     = "één ouder met gezag volstaat voor gewone schoolzaken (DOMAIN.md, seed 003)"
	sourceJeugdwet      = "Jeugdwet art. 7.3.4 (toestemming jeugdige en met het gezag belaste ouders) en art. 7.3.11"
	sourceLeerplicht    = "Leerplichtwet 1969 art. 21a en 18; AVG art. 6 lid 1 sub c (wettelijke plicht)"
	sourceMonitoring    = "WPO art. 18a en WVO art. 17a (wettelijke taak SWV); AVG art. 6 lid 1 sub e; alleen geaggregeerd"
	groundLeerplicht    = "de verwerking berust op een wettelijke plicht (Leerplichtwet)"
	groundMonitoring    = "monitoring gebruikt alleen getelde, niet tot personen herleidbare gegevens en berust op de wettelijke taak van het samenwerkingsverband"
	reasonInformParents = "Informeer ouders en leerling wel met wie u gegevens deelt (AVG art. 13 en 14)."
)

// Parents says how many parents with gezag must consent: none, one, or all of them.
type Parents string

const (
	ParentsNone Parents = "geen"
	ParentsOne  Parents = "een"
	ParentsAll  Parents = "alle"
)

// Sentinel errors; messages wrapping them are Dutch and name the field.
var (
	ErrUnknownPurpose = errors.New("onbekend doel")
	ErrInvalidRule    = errors.New("ongeldige toestemmingsregel")
	ErrInvalidRequest = errors.New("ongeldige vraag")
)

// Rule says whose consent one purpose needs. The convenant sets a Rule per purpose; DefaultRules
// holds the defaults of DOMAIN.md.
type Rule struct {
	Purpose string
	// Party, when set, makes the rule apply only when that party discloses: the jeugdarts (WGBO)
	// or the jeugdhulpverlener (Jeugdwet 7.3.11) need the child's own consent from 12.
	Party string
	// ConsentRequired is false when the purpose rests on another ground than consent (a legal
	// obligation, a public task): then nobody's consent is needed and Ground says why.
	ConsentRequired bool
	Ground          string
	// PupilAlsoFrom is the age from which the pupil's own consent is needed beside the parents'.
	PupilAlsoFrom int
	// PupilAloneFrom is the age from which the pupil consents alone, without the parents.
	PupilAloneFrom int
	// Parents is how many parents with gezag must consent while the pupil is younger than
	// PupilAloneFrom: ParentsOne (ordinary school matters) or ParentsAll (jeugdhulp). With sole
	// gezag ParentsAll is one parent.
	Parents Parents
	// Source cites the law or agreement the rule rests on; it is echoed in every answer.
	Source string
	// Channels are the ways consent may be given for this purpose; empty means all four.
	Channels []Channel
	// ValidMonths caps how long a consent for this purpose may run; 0 means until withdrawn.
	ValidMonths int
}

// allowsChannel reports whether consent for this purpose may be given through ch.
func (r Rule) allowsChannel(ch Channel) bool {
	if len(r.Channels) == 0 {
		return true
	}
	for _, c := range r.Channels {
		if c == ch {
			return true
		}
	}
	return false
}

func (r Rule) validate() error {
	if r.Purpose == "" {
		return fmt.Errorf("%w: doel ontbreekt", ErrInvalidRule)
	}
	if r.Source == "" {
		return fmt.Errorf("%w: doel %s: bron ontbreekt", ErrInvalidRule, r.Purpose)
	}
	if !r.ConsentRequired {
		if r.Ground == "" {
			return fmt.Errorf("%w: doel %s: zonder toestemming moet de grondslag genoemd zijn", ErrInvalidRule, r.Purpose)
		}
		return nil
	}
	if r.PupilAlsoFrom < 0 || r.PupilAlsoFrom > r.PupilAloneFrom || r.PupilAloneFrom > adulthood {
		return fmt.Errorf("%w: doel %s: leeftijden moeten 0 ≤ leerling-ook-vanaf (%d) ≤ leerling-alleen-vanaf (%d) ≤ 18 zijn",
			ErrInvalidRule, r.Purpose, r.PupilAlsoFrom, r.PupilAloneFrom)
	}
	for _, ch := range r.Channels {
		if !ch.valid() {
			return fmt.Errorf("%w: doel %s: onbekende vorm %q (%s)", ErrInvalidRule, r.Purpose, ch, channelList())
		}
	}
	if r.ValidMonths < 0 {
		return fmt.Errorf("%w: doel %s: geldigheid in maanden kan niet negatief zijn", ErrInvalidRule, r.Purpose)
	}
	if r.Parents != ParentsOne && r.Parents != ParentsAll {
		return fmt.Errorf("%w: doel %s: ouders moet %q of %q zijn, niet %q", ErrInvalidRule, r.Purpose, ParentsOne, ParentsAll, r.Parents)
	}
	return nil
}

// Rules is the table of Rule per purpose. It is immutable once built and safe for concurrent use.
type Rules struct {
	byPurpose map[string]Rule
}

// defaultRuleList is DOMAIN.md's rule set for the model convenant's five purposes.
func defaultRuleList() []Rule {
	ordinary := func(p string) Rule {
		return Rule{Purpose: p, ConsentRequired: true, PupilAlsoFrom: defaultPupilAlone, PupilAloneFrom: defaultPupilAlone,
			Parents: ParentsOne, Source: defaultSource(p)}
	}
	return []Rule{
		ordinary(PurposeSignalering),
		ordinary(PurposeToeleiding),
		{Purpose: PurposeJeugdhulp, ConsentRequired: true, PupilAlsoFrom: defaultPupilAlso, PupilAloneFrom: defaultPupilAlone,
			Parents: ParentsAll, Source: defaultSource(PurposeJeugdhulp)},
		{Purpose: PurposeLeerplicht, Ground: groundLeerplicht, Source: sourceLeerplicht},
		{Purpose: PurposeMonitoring, Ground: groundMonitoring, Source: sourceMonitoring},
		{Purpose: PurposeAbsoluut, Ground: "de verwerking berust op de wettelijke taak van leerplicht bij absoluut verzuim (Leerplichtwet 1969 art. 16 en 22)", Source: sourceLeerplicht},
		{Purpose: PurposeVrijstelling, Ground: "de verwerking berust op de Leerplichtwet 1969 (vrijstellingen art. 5, 7 en 15; verlof art. 14 lid 3)", Source: sourceLeerplicht},
		{Purpose: PurposeRMC, Ground: "de verwerking berust op de wettelijke RMC-taak voor jongeren van 18 tot 23 jaar zonder startkwalificatie", Source: "RMC-functie (WEB art. 8.3.1) (check)"},
		{Purpose: PurposeReclassering, Ground: "de verwerking berust op de wettelijke taak van de gecertificeerde instelling (Jeugdwet art. 3.4; UAVG art. 33)", Source: "Jeugdwet art. 1.1 en 3.4; AVG art. 10; UAVG art. 33"},
		{Purpose: PurposeToeleiding, Party: "ggd", ConsentRequired: true, PupilAlsoFrom: 12, PupilAloneFrom: 12, Parents: ParentsAll, Source: sourceWGBO},
		{Purpose: PurposeJeugdhulp, Party: "jeugdhulp", ConsentRequired: true, PupilAlsoFrom: 12, PupilAloneFrom: 12, Parents: ParentsAll, Source: sourceJeugdwetChild},
	}
}

func ruleKey(purpose, party string) string {
	if party == "" {
		return purpose
	}
	return purpose + "/" + party
}

// defaultSource is the legal source cited for a purpose's consent rule when the convenant gives
// none of its own.
func defaultSource(purpose string) string {
	switch purpose {
	case PurposeJeugdhulp:
		return sourceJeugdwet + "; " + sourceConsentAge
	case PurposeLeerplicht:
		return sourceLeerplicht
	case PurposeMonitoring:
		return sourceMonitoring
	}
	return sourceConsentAge + "; " + sourceOneParent
}

// DefaultRules returns the rules of DOMAIN.md for the purposes of the model convenant: below 16
// the parent(s) with gezag (one suffices for school matters), from 16 the pupil alone; for
// jeugdhulp from 12 the pupil together with all parents with gezag. The same rules the model
// convenant (internal/convenant, model.yaml) states; FromConvenant reads a region's own.
func DefaultRules() *Rules {
	r, err := NewRules()
	if err != nil {
		panic(err) // the defaults are fixed and tested
	}
	return r
}

// RulesFrom builds a table holding exactly rules (each validated, each purpose once).
func RulesFrom(rules []Rule) (*Rules, error) {
	m := map[string]Rule{}
	for _, r := range rules {
		if err := r.validate(); err != nil {
			return nil, err
		}
		if _, dup := m[ruleKey(r.Purpose, r.Party)]; dup {
			return nil, fmt.Errorf("%w: doel %s komt twee keer voor", ErrInvalidRule, ruleKey(r.Purpose, r.Party))
		}
		m[ruleKey(r.Purpose, r.Party)] = r
	}
	return &Rules{byPurpose: m}, nil
}

// NewRules starts from the defaults and applies the convenant's rules on top: a Rule for a known
// purpose replaces its default, a Rule for a new purpose adds it. Each rule is validated.
func NewRules(overrides ...Rule) (*Rules, error) {
	m := map[string]Rule{}
	for _, r := range defaultRuleList() {
		m[ruleKey(r.Purpose, r.Party)] = r
	}
	seen := map[string]bool{}
	for _, r := range overrides {
		if err := r.validate(); err != nil {
			return nil, err
		}
		key := ruleKey(r.Purpose, r.Party)
		if seen[key] {
			return nil, fmt.Errorf("%w: doel %s komt twee keer voor", ErrInvalidRule, key)
		}
		seen[key] = true
		m[key] = r
	}
	return &Rules{byPurpose: m}, nil
}

// Rule returns the rule for purpose.
func (rs *Rules) Rule(purpose string) (Rule, bool) {
	r, ok := rs.byPurpose[purpose]
	return r, ok
}

// RuleFor returns the rule for purpose when party discloses: the party's own rule if there is
// one, else the purpose's.
func (rs *Rules) RuleFor(purpose, party string) (Rule, bool) {
	if r, ok := rs.byPurpose[ruleKey(purpose, party)]; ok && party != "" {
		return r, true
	}
	return rs.Rule(purpose)
}

// OwnRule returns the rule the convenant sets for purpose when party discloses, and whether
// that party has a rule of its own (not the general one): the parties whose professional
// secrecy asks another person's consent (the jeugdarts, the jeugdhulpverlener).
func (rs *Rules) OwnRule(purpose, party string) (Rule, bool) {
	r, ok := rs.byPurpose[ruleKey(purpose, party)]
	return r, ok && party != ""
}

// Disclosers lists the parties with a consent rule of their own for some purpose, sorted.
func (rs *Rules) Disclosers() []string {
	var out []string
	for _, r := range rs.byPurpose {
		if r.Party != "" && !slices.Contains(out, r.Party) {
			out = append(out, r.Party)
		}
	}
	sort.Strings(out)
	return out
}

// Purposes lists the purpose codes the rules know, sorted.
func (rs *Rules) Purposes() []string {
	out := make([]string, 0, len(rs.byPurpose))
	for p, r := range rs.byPurpose {
		if r.Party != "" {
			continue
		}
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Requirement is the answer to "whose consent is needed?" for one pupil, purpose and day.
type Requirement struct {
	Purpose string
	Age     int
	// Guardians is the number of parents with gezag the answer was computed for.
	Guardians int
	// Pupil reports whether the pupil's own consent is needed.
	Pupil bool
	// Parents says whether none, one or all parents with gezag must consent.
	Parents Parents
	Reason  string
	Source  string
}

// Needed reports whether anyone's consent is needed at all.
func (q Requirement) Needed() bool { return q.Pupil || q.Parents != ParentsNone }

// Needed answers whose consent purpose needs for a pupil born on birth, on day on, when guardians
// parents (0–2) hold gezag.
//
// With sole gezag (guardians == 1) a rule asking all parents is satisfied by that one parent, and
// the answer says "een": the exception DOMAIN.md makes ("both, unless one parent has sole gezag").
// With no parent holding gezag (guardians == 0, e.g. voogdij) the answer still says "een": one
// person with gezag — the voogd, to be recorded as gezaghebbende — must consent; the reason says
// so. "alle" over zero people would read as "nobody", which would be wrong and unsafe.
func (rs *Rules) Needed(birth, on Date, purpose string, guardians int) (Requirement, error) {
	return rs.NeededFor(birth, on, purpose, "", guardians)
}

// NeededFor is Needed when party discloses (school, ggd, jeugdhulp, …): the WGBO ages of the
// jeugdarts and the jeugdhulpverlener differ from the school's (AVG art. 8). party "" is Needed.
// The age is taken on the day on: the one rule the web, the API and `grondslag toestemming
// nodig` share.
func (rs *Rules) NeededFor(birth, on Date, purpose, party string, guardians int) (Requirement, error) {
	rule, ok := rs.RuleFor(purpose, party)
	if !ok {
		return Requirement{}, fmt.Errorf("%w %q (bekend: %v)", ErrUnknownPurpose, purpose, rs.Purposes())
	}
	if guardians < 0 || guardians > maxGuardians {
		return Requirement{}, fmt.Errorf("%w: gezaghebbenden moet 0, 1 of 2 zijn, niet %d", ErrInvalidRequest, guardians)
	}
	if on.Before(birth) {
		return Requirement{}, fmt.Errorf("%w: peildatum %s ligt vóór geboortedatum %s", ErrInvalidRequest, on, birth)
	}
	age := AgeOn(birth, on)
	q := Requirement{Purpose: purpose, Age: age, Guardians: guardians, Parents: ParentsNone, Source: rule.Source}
	if !rule.ConsentRequired {
		q.Reason = fmt.Sprintf("Voor doel %s is geen toestemming nodig: %s. %s", purpose, rule.Ground, reasonInformParents)
		return q, nil
	}
	if age >= adulthood {
		q.Pupil = true
		q.Reason = fmt.Sprintf("De leerling is %d jaar en meerderjarig: het gezag van de ouders is geëindigd (BW art. 1:233); de jongvolwassene geeft voor doel %s zelf toestemming. Ouders alleen met zijn machtiging.", age, purpose)
		return q, nil
	}
	if age >= rule.PupilAloneFrom {
		q.Pupil = true
		q.Reason = fmt.Sprintf("De leerling is %d jaar (%d of ouder): de leerling geeft voor doel %s zelf toestemming, de ouders niet.",
			age, rule.PupilAloneFrom, purpose)
		if rule.PupilAloneFrom < 16 {
			q.Reason = fmt.Sprintf("De leerling is %d jaar (%d of ouder): voor doel %s geeft de leerling zelf toestemming; de toestemming van een ouder is niet genoeg.",
				age, rule.PupilAloneFrom, purpose)
		}
		return q, nil
	}
	q.Pupil = age >= rule.PupilAlsoFrom
	var who string
	switch {
	case q.Pupil:
		who = fmt.Sprintf("De leerling is %d jaar (%d tot %d): de leerling zelf én ", age, rule.PupilAlsoFrom, rule.PupilAloneFrom)
	case rule.PupilAlsoFrom > 0:
		who = fmt.Sprintf("De leerling is %d jaar (jonger dan %d): ", age, rule.PupilAlsoFrom)
	default:
		who = fmt.Sprintf("De leerling is %d jaar (jonger dan %d): ", age, rule.PupilAloneFrom)
	}
	verb := "geeft" // one person consents …
	if q.Pupil {
		verb = "geven" // … or the pupil and that person together
	}
	switch {
	case guardians == 0:
		q.Parents = ParentsOne
		q.Reason = who + fmt.Sprintf("degene met gezag "+verb+" toestemming voor doel %s. Er is geen ouder met gezag bekend: "+
			"de toestemming moet komen van wie het gezag heeft (bijvoorbeeld een voogd); leg die eerst vast als gezaghebbende.", purpose)
	case rule.Parents == ParentsOne:
		q.Parents = ParentsOne
		q.Reason = who + fmt.Sprintf("één ouder met gezag "+verb+" toestemming voor doel %s; één gezaghebbende ouder is genoeg.", purpose)
	case guardians == 1:
		q.Parents = ParentsOne
		q.Reason = who + fmt.Sprintf("de ouder met gezag "+verb+" toestemming voor doel %s. Voor dit doel moeten alle gezaghebbende "+
			"ouders toestemmen; er is één ouder met gezag (eenhoofdig gezag), dus die ene ouder is genoeg.", purpose)
	default:
		q.Parents = ParentsAll
		q.Reason = who + fmt.Sprintf("beide ouders met gezag geven toestemming voor doel %s; één ouder is voor dit doel niet genoeg.", purpose)
	}
	return q, nil
}
