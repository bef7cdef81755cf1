package convenant

import (
	"fmt"
	"time"
)

// Pos is a position in the convenant file (1-based line and column).
type Pos struct {
	Line, Col int
}

// Convenant is the parsed file: every element keeps the position it was written at, so that
// validation can point the author at the exact line and column.
type Convenant struct {
	Meta               Meta
	Articles           []Article
	Parties            []Party
	Purposes           []Purpose
	Categories         []Category
	Exchanges          []Exchange
	DefaultObligations []Code
	CaseTypes          []CaseType
	Phases             []Phase
	Retention          []Retention
	Security           Security
	Consent            []ConsentRule
	ProcessingRegister []ProcessingActivity
	Regional           RegionalSettings
	securitySet        bool
	securityPos        Pos
	sectionPos         map[string]Pos
	rootPos            Pos
}

// Code is a code written in the file, with where it was written.
type Code struct {
	Value string
	Pos   Pos
}

// Meta is the `convenant:` header.
type Meta struct {
	Name        string
	Version     string
	BasedOn     string
	Region      string
	EffectiveOn string // YYYY-MM-DD
	RegisterURI string // prefix for processing activity URIs (dpl.core.processing_activity_id)
	Pos         Pos
}

// Article is one article of the convenant text, with its paragraphs (leden).
type Article struct {
	Number     int
	Title      string
	Paragraphs []string
	Pos        Pos
}

// Party is a party type of the convenant (school, swv, gemeente, …) with its roles and the
// organisations of the region that joined.
type Party struct {
	Code          string
	Name          string
	Description   string
	Roles         []Role
	Organisations []Organisation
	Pos           Pos
}

// Role is a role within a party.
type Role struct {
	Code        string
	Name        string
	Description string
	Pos         Pos
}

// Organisation is an organisation of the region that signed the convenant or joined later.
type Organisation struct {
	Name     string
	JoinedOn string // YYYY-MM-DD
	Pos      Pos
}

// Purpose is a purpose (doel) of processing.
type Purpose struct {
	Code           string
	Name           string
	Description    string
	AggregatesOnly bool // only aggregated data, never data on a person (monitoring)
	Pos            Pos
}

// Kind of a category of personal data.
type Kind string

// Kinds of personal data: ordinary, special (AVG art. 9) and criminal (AVG art. 10).
const (
	KindOrdinary Kind = "gewoon"
	KindSpecial  Kind = "bijzonder"
	KindCriminal Kind = "strafrechtelijk"
)

// Category is a category of personal data.
type Category struct {
	Code        string
	Name        string
	Kind        Kind
	Description string
	Pos         Pos
}

// Actions the convenant knows.
const (
	ActionRead     = "lezen"
	ActionRecord   = "vastleggen"
	ActionDisclose = "verstrekken"
)

// Actions lists the actions in their canonical order.
var Actions = []string{ActionRead, ActionRecord, ActionDisclose}

// Levels at which data may be processed.
const (
	LevelPerson    = "persoon"
	LevelSchool    = "school"
	LevelAggregate = "geaggregeerd"
)

// Levels lists the levels in their canonical order.
var Levels = []string{LevelPerson, LevelSchool, LevelAggregate}

// LevelDutch is how a text names a level: "persoonsniveau" (one identifiable pupil),
// "schoolniveau", "geaggregeerd niveau" (legal review point 9: not "niveau persoon").
func LevelDutch(code string) string {
	switch code {
	case LevelPerson:
		return "persoonsniveau"
	case LevelSchool:
		return "schoolniveau"
	case LevelAggregate:
		return "geaggregeerd niveau"
	}
	return "niveau " + code
}

// Condition codes of an exchange.
const (
	CondConsent = "toestemming" // a valid consent must cover the request
	CondDUO     = "duo-melding" // a DUO verzuimmelding must exist for the pupil
	CondOutside = "buitenkant"  // only "buitenkant" information: that a party is involved, not what it knows
	CondPhase   = "casusfase"   // only in the listed casusoverleg phases (field casusfase)
	CondLevel   = "niveau"      // only at the listed levels (field niveau)
	// CondVerwijsindex: only after a match in the statutory Verwijsindex (Jeugdwet afdeling 7.1.4).
	CondVerwijsindex = "verwijsindex"
	// CondNotEnrolled: only for a child who is not enrolled at any school (absoluut verzuim).
	CondNotEnrolled = "niet-ingeschreven"
	// CondTLV: only where the task needs it: a TLV application or an arrangement (SWV).
	CondTLV = "tlv-of-arrangement"
)

// Conditions lists the condition codes a rule may name under voorwaarden.
var Conditions = []string{CondConsent, CondDUO, CondOutside, CondVerwijsindex, CondNotEnrolled, CondTLV}

// Obligation codes.
const (
	ObligAudit         = "vastleggen-in-audit"
	ObligInformParents = "ouders-informeren"
)

// Ground is the legal ground of an exchange: AVG art. 6 lid 1 sub a–f, the art. 9/10 exception
// for special and criminal data, and the law that gives the task or obligation.
type Ground struct {
	Basis     string // a–f
	Exception string // "9.2.a" … "9.2.j", or "uavg-32.a" … for criminal data; "" for ordinary data
	Law       string // e.g. "Leerplichtwet 1969 art. 21a"
	Pos       Pos
}

// Exchange is one rule of the convenant: who may do what with which data, for which purpose,
// to whom, on which ground and under which conditions.
type Exchange struct {
	ID          string
	Description string
	Forbidden   bool   // an explicit prohibition (verbod): wins over every permission it covers
	Reason      string // for a prohibition: why, in plain Dutch
	Party       Code
	Roles       []Code // empty: every role of the party
	Actions     []Code
	Categories  []Code
	Purpose     Code
	Recipient   *Recipient // for verstrekken
	Ground      Ground
	Conditions  []Code
	Phases      []Code
	Levels      []Code
	Obligations []Code
	Article     Code // "4" or "4.2" (article 4, lid 2)
	Activity    Code // id in the verwerkingsregister: the acting party's own activity (for a disclosure: the discloser's "verstrekking aan …")
	// RecipientActivity is, for a disclosure, the recipient's own receiving activity in the
	// register (controller = the recipient party): each side logs under its own activity.
	RecipientActivity Code
	Ages              AgeRange // the pupil's age on the day for which the rule applies; zero: every age
	ValidFrom         string   // YYYY-MM-DD from which the rule applies ("" = always); versioned rules
	ValidUntil        string   // YYYY-MM-DD up to and including which the rule applies ("" = open)
	Switch            Code     // alleen_als: a boolean key of regionale_instellingen; the rule applies only when it is true
	Pos               Pos
}

// AgeRange is the range of ages [From, Until) a rule applies to; 0 means unbounded on that side.
type AgeRange struct {
	From, Until int
	Pos         Pos
}

// Contains reports whether age lies in the range (an unbounded range contains every age).
func (a AgeRange) Contains(age int) bool {
	return (a.From == 0 || age >= a.From) && (a.Until == 0 || age < a.Until)
}

// Set reports whether the range bounds anything.
func (a AgeRange) Set() bool { return a.From > 0 || a.Until > 0 }

// Dutch renders the range ("vanaf 18 jaar", "jonger dan 18 jaar", "12 tot 16 jaar").
func (a AgeRange) Dutch() string {
	switch {
	case a.From > 0 && a.Until > 0:
		return fmt.Sprintf("%d tot %d jaar", a.From, a.Until)
	case a.From > 0:
		return fmt.Sprintf("vanaf %d jaar", a.From)
	case a.Until > 0:
		return fmt.Sprintf("jonger dan %d jaar", a.Until)
	}
	return "elke leeftijd"
}

// Recipient is the party (and optionally roles) data may be disclosed to.
type Recipient struct {
	Party Code
	Roles []Code
	Pos   Pos
}

// CaseType is a type of casusoverleg (MDO, ZAT, thuiszittersoverleg, doorbraakoverleg).
type CaseType struct {
	Code        string
	Name        string
	Description string
	Parties     []Code
	// ParentsInvited says that parents (and the pupil from 12) are invited and in principle present
	// (seed 004); nil when the file does not say.
	ParentsInvited *bool
	Pos            Pos
}

// Phase is a casusoverleg phase (bijlage 3): its purpose and which information from whom.
type Phase struct {
	Code        string
	Name        string
	Purpose     Code
	Description string
	Information []PhaseInfo
	Pos         Pos
}

// Scope of information in a phase.
const (
	ScopeOutside = "buitenkant"
	ScopeContent = "inhoud"
)

// PhaseInfo says which categories a party brings into a phase, and whether only the outside
// (buitenkant) or the content (inhoud).
type PhaseInfo struct {
	From       Code
	Categories []Code
	Scope      string
	Pos        Pos
}

// Retention is the retention period of a category, optionally different for some parties.
type Retention struct {
	Category  Code
	Period    Period
	From      string // the event the period runs from
	Source    string
	Overrides []RetentionOverride
	Pos       Pos
}

// RetentionOverride is a party-specific retention period for a category.
type RetentionOverride struct {
	Party  Code
	Period Period
	From   string
	Source string
	Pos    Pos
}

// Events a retention period can run from.
// AuditLogCategory is the retention category of the audit log itself (artikel 27 of the model
// convenant: the log is kept at least as long as the data it is about, then destroyed; see
// docs/audit.md §14). It is no data category: no exchange shares it.
const AuditLogCategory = "auditlog"

var RetentionEvents = []string{"uitschrijving", "geboortedatum", "afsluiting-casus", "einde-jeugdhulp", "einde-kwalificatieplicht", "einde-toestemming", "vastlegging", "laatste-wijziging"}

// Period is a retention period in years, months and days.
type Period struct {
	Years, Months, Days int
}

// AddTo returns t plus the period.
func (p Period) AddTo(t time.Time) time.Time { return t.AddDate(p.Years, p.Months, p.Days) }

// String renders the period as written in the file ("5j", "18m", "2j6m").
func (p Period) String() string {
	s := ""
	if p.Years > 0 {
		s += fmt.Sprintf("%dj", p.Years)
	}
	if p.Months > 0 {
		s += fmt.Sprintf("%dm", p.Months)
	}
	if p.Days > 0 {
		s += fmt.Sprintf("%dd", p.Days)
	}
	if s == "" {
		return "0d"
	}
	return s
}

// Dutch renders the period in words ("5 jaar", "18 maanden").
func (p Period) Dutch() string {
	var parts []string
	if p.Years > 0 {
		parts = append(parts, fmt.Sprintf("%d jaar", p.Years))
	}
	if p.Months == 1 {
		parts = append(parts, "1 maand")
	} else if p.Months > 0 {
		parts = append(parts, fmt.Sprintf("%d maanden", p.Months))
	}
	if p.Days == 1 {
		parts = append(parts, "1 dag")
	} else if p.Days > 0 {
		parts = append(parts, fmt.Sprintf("%d dagen", p.Days))
	}
	switch len(parts) {
	case 0:
		return "0 dagen"
	case 1:
		return parts[0]
	case 2:
		return parts[0] + " en " + parts[1]
	}
	return parts[0] + ", " + parts[1] + " en " + parts[2]
}

// Security holds the security demands of the convenant.
type Security struct {
	MFARequired       bool
	SessionIdle       time.Duration
	SessionAbsolute   time.Duration
	EncryptSpecial    bool // special categories encrypted per pupil
	MinPasswordLength int
	Pos               Pos
}

// Parent consent modes.
const (
	ParentsOne = "een"  // one parent with gezag suffices
	ParentsAll = "alle" // every parent with gezag
)

// ConsentRule says whose consent a purpose needs, optionally only for one disclosing party
// (Party): a jeugdarts (WGBO, BW 7:457 and 7:465) or a jeugdhulpverlener (Jeugdwet 7.3.11)
// needs the child's own consent from 12, where the school (AVG art. 8, UAVG art. 5) needs the
// parents' until 16.
type ConsentRule struct {
	Purpose     Code
	Party       Code   // "" = every party without a rule of its own
	Parents     string // een | alle
	OwnAge      int    // from this age the pupil consents alone (16)
	JointAge    int    // from this age up to OwnAge the pupil consents together with the parents (12); 0 = never
	Forms       []string
	ValidMonths int // 0 = until withdrawn
	Pos         Pos
}

// ProcessingActivity is an entry of the verwerkingsregister (AVG art. 30).
type ProcessingActivity struct {
	ID            string
	Name          string
	Controller    Code // the party responsible
	Purpose       Code
	Parties       []Code
	Categories    []Code
	DataSubjects  []string
	Ground        Ground
	Recipients    []Code
	RetentionNote string
	Pos           Pos
}

// RegionalSettings are the region's switches (regionale_instellingen): choices the law leaves
// to the region or where regional practice differs. Other packages read them through
// Compiled.Regional(); every field has the default of the model convenant when the file omits it.
type RegionalSettings struct {
	// LongSickToLeerplicht: long sick absence is reported to leerplicht (Amsterdam practice,
	// DOMAIN.md), after LongSickDays consecutive school days.
	LongSickToLeerplicht bool
	LongSickDays         int
	// M@ZL signal for the jeugdarts: MAZLReports sick reports within MAZLWeeks school weeks, or
	// MAZLConsecutiveDays consecutive school days ill (NCJ: 4 in 12, 7th day).
	MAZLReports         int
	MAZLWeeks           int
	MAZLConsecutiveDays int
	// LeerplichtToSWVNotEnrolled: leerplicht involves the SWV for a child who is not enrolled
	// (absoluut verzuim) on the SWV's task to find a place (WPO 18a / WVO 17a) — *check*.
	LeerplichtToSWVNotEnrolled bool
	// FirstContactDays: the leerplichtambtenaar makes first contact (an invitation or a talk)
	// within this many school days of opening a dossier (regional practice; model: 5).
	FirstContactDays int
	Set              map[string]bool // the keys the file states
	Pos              Pos
	// Versions are later versions of the signal switches (versies), each from its date
	// (geldig_vanaf), in increasing order. Regions change their verzuimprotocol and the law changes
	// (DOMAIN.md, last section); the rules in force on the day decide. Only the switches of the
	// absence signals can change by date (VersionedKeys); the others hold for the whole file.
	Versions []RegionalVersion
}

// RegionalVersion is a later version of the regional switches.
type RegionalVersion struct {
	From     string           // JJJJ-MM-DD, the first day the version applies
	Settings RegionalSettings // complete: the version before it with this version's keys applied (no Versions)
	Set      map[string]bool  // the keys this version states
	Pos      Pos
}

// On returns the settings in force on day (JJJJ-MM-DD; "" gives the settings before any version).
func (r RegionalSettings) On(day string) RegionalSettings {
	out := r
	for _, v := range r.Versions {
		if day != "" && v.From <= day {
			out = v.Settings
		}
	}
	out.Versions = r.Versions
	return out
}

// Bool returns a boolean switch by its key (for alleen_als); ok is false for an unknown key.
func (r RegionalSettings) Bool(key string) (value, ok bool) {
	switch key {
	case keyLongSick:
		return r.LongSickToLeerplicht, true
	case keyLpSWVNotEnr:
		return r.LeerplichtToSWVNotEnrolled, true
	}
	return false, false
}

// DefaultRegional are the settings when a file has no regionale_instellingen.
func DefaultRegional() RegionalSettings {
	return RegionalSettings{LongSickToLeerplicht: false, LongSickDays: 15, MAZLReports: 4, MAZLWeeks: 12, MAZLConsecutiveDays: 7,
		LeerplichtToSWVNotEnrolled: true, FirstContactDays: 5, Set: map[string]bool{}}
}
