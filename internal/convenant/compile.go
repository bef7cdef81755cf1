package convenant

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"slices"
	"sync"
)

// Compiled is a validated convenant with lookups by code. It is immutable: share it freely.
type Compiled struct {
	c        *Convenant
	src      []byte
	name     string
	hash     string
	warnings []Diagnostic

	parties    map[string]*Party
	roles      map[string]map[string]*Role
	purposes   map[string]*Purpose
	categories map[string]*Category
	phases     map[string]*Phase
	caseTypes  map[string]*CaseType
	retention  map[string]*Retention
	consent    map[string]*ConsentRule
	activities map[string]*ProcessingActivity
	articles   map[int]*Article
}

// Load parses, validates and compiles a convenant file. name is used in diagnostics. On any
// error it returns an *Error (errors.Is(err, ErrInvalid)) listing every diagnostic.
func Load(src []byte, name string) (*Compiled, error) {
	d := &diags{file: name}
	c := parse(src, d)
	if c != nil && !d.hasErrors() {
		validate(c, d)
	}
	if c == nil || d.hasErrors() {
		return nil, &Error{Diagnostics: d.sorted()}
	}
	sum := sha256.Sum256(src)
	k := &Compiled{c: c, src: slices.Clone(src), name: name, hash: "sha256:" + hex.EncodeToString(sum[:]), warnings: d.sorted(),
		parties: map[string]*Party{}, roles: map[string]map[string]*Role{}, purposes: map[string]*Purpose{}, categories: map[string]*Category{},
		phases: map[string]*Phase{}, caseTypes: map[string]*CaseType{}, retention: map[string]*Retention{}, consent: map[string]*ConsentRule{},
		activities: map[string]*ProcessingActivity{}, articles: map[int]*Article{}}
	for i := range c.Parties {
		p := &c.Parties[i]
		k.parties[p.Code] = p
		k.roles[p.Code] = map[string]*Role{}
		for j := range p.Roles {
			k.roles[p.Code][p.Roles[j].Code] = &p.Roles[j]
		}
	}
	for i := range c.Purposes {
		k.purposes[c.Purposes[i].Code] = &c.Purposes[i]
	}
	for i := range c.Categories {
		k.categories[c.Categories[i].Code] = &c.Categories[i]
	}
	for i := range c.Phases {
		k.phases[c.Phases[i].Code] = &c.Phases[i]
	}
	for i := range c.CaseTypes {
		k.caseTypes[c.CaseTypes[i].Code] = &c.CaseTypes[i]
	}
	for i := range c.Retention {
		k.retention[c.Retention[i].Category.Value] = &c.Retention[i]
	}
	for i := range c.Consent {
		key := c.Consent[i].Purpose.Value
		if c.Consent[i].Party.Value != "" {
			key += "/" + c.Consent[i].Party.Value
		}
		k.consent[key] = &c.Consent[i]
	}
	for i := range c.ProcessingRegister {
		k.activities[c.ProcessingRegister[i].ID] = &c.ProcessingRegister[i]
	}
	for i := range c.Articles {
		k.articles[c.Articles[i].Number] = &c.Articles[i]
	}
	return k, nil
}

//go:embed model.yaml
var defaultYAML []byte

// DefaultYAML returns the model convenant that ships with Grondslag (a copy).
func DefaultYAML() []byte { return slices.Clone(defaultYAML) }

var defaultOnce = sync.OnceValues(func() (*Compiled, error) { return Load(defaultYAML, "convenant.yaml") })

// Default returns the compiled model convenant.
func Default() (*Compiled, error) { return defaultOnce() }

// File returns the parsed convenant. Treat it as read-only.
func (k *Compiled) File() *Convenant { return k.c }

// Source returns the bytes the convenant was compiled from (a copy).
func (k *Compiled) Source() []byte { return slices.Clone(k.src) }

// Name is the file name given to Load.
func (k *Compiled) Name() string { return k.name }

// Hash identifies this exact convenant text: "sha256:" and the hex digest of the file. Every
// stored access records it.
func (k *Compiled) Hash() string { return k.hash }

// Version is the version the authors gave the convenant (convenant.versie).
func (k *Compiled) Version() string { return k.c.Meta.Version }

// Meta returns the header of the convenant.
func (k *Compiled) Meta() Meta { return k.c.Meta }

// Warnings lists the findings that do not make the file invalid.
func (k *Compiled) Warnings() []Diagnostic { return slices.Clone(k.warnings) }

// Party returns the party with this code.
func (k *Compiled) Party(code string) (*Party, bool) { p, ok := k.parties[code]; return p, ok }

// Role returns the role of a party.
func (k *Compiled) Role(party, role string) (*Role, bool) {
	r, ok := k.roles[party][role]
	return r, ok
}

// Purpose returns the purpose with this code.
func (k *Compiled) Purpose(code string) (*Purpose, bool) { p, ok := k.purposes[code]; return p, ok }

// Category returns the category with this code.
func (k *Compiled) Category(code string) (*Category, bool) { c, ok := k.categories[code]; return c, ok }

// Special reports whether a category is special (AVG art. 9) or criminal (AVG art. 10) data,
// the categories that need an exception, extra care and per-pupil encryption.
func (k *Compiled) Special(category string) bool {
	c, ok := k.categories[category]
	return ok && (c.Kind == KindSpecial || c.Kind == KindCriminal)
}

// Phase returns the casusoverleg phase with this code.
func (k *Compiled) Phase(code string) (*Phase, bool) { p, ok := k.phases[code]; return p, ok }

// CaseType returns the casusoverleg type with this code.
func (k *Compiled) CaseType(code string) (*CaseType, bool) { t, ok := k.caseTypes[code]; return t, ok }

// Parties returns all parties in file order.
func (k *Compiled) Parties() []Party { return k.c.Parties }

// Purposes returns all purposes in file order.
func (k *Compiled) Purposes() []Purpose { return k.c.Purposes }

// Categories returns all categories in file order.
func (k *Compiled) Categories() []Category { return k.c.Categories }

// Phases returns the casusoverleg phases in their order.
func (k *Compiled) Phases() []Phase { return k.c.Phases }

// CaseTypes returns the casusoverleg types in file order.
func (k *Compiled) CaseTypes() []CaseType { return k.c.CaseTypes }

// Exchanges returns the rules (uitwisselingen) in file order.
func (k *Compiled) Exchanges() []Exchange { return k.c.Exchanges }

// Articles returns the articles in file order.
func (k *Compiled) Articles() []Article { return k.c.Articles }

// Article returns the article with this number.
func (k *Compiled) Article(n int) (*Article, bool) { a, ok := k.articles[n]; return a, ok }

// DefaultObligations are the obligations every permission carries (standaard_plichten).
func (k *Compiled) DefaultObligations() []string { return codeSet(k.c.DefaultObligations) }

// RetentionPeriod is the retention that applies to one category at one party.
type RetentionPeriod struct {
	Category string
	Party    string // "" for the default
	Period   Period
	From     string // event the period runs from (uitschrijving, geboortedatum, …)
	Source   string
}

// Retention returns the retention of a category for a party: the party's override if the
// convenant has one, else the category's default. party may be "".
func (k *Compiled) Retention(category, party string) (RetentionPeriod, bool) {
	r, ok := k.retention[category]
	if !ok {
		return RetentionPeriod{}, false
	}
	for _, o := range r.Overrides {
		if o.Party.Value == party && party != "" {
			return RetentionPeriod{Category: category, Party: party, Period: o.Period, From: o.From, Source: o.Source}, true
		}
	}
	return RetentionPeriod{Category: category, Period: r.Period, From: r.From, Source: r.Source}, true
}

// Security returns the security demands.
func (k *Compiled) Security() Security { return k.c.Security }

// ConsentRule returns whose consent a purpose needs, if the convenant says so (the rule without
// a party; see ConsentRuleFor for a disclosing party's own rule).
func (k *Compiled) ConsentRule(purpose string) (ConsentRule, bool) {
	r, ok := k.consent[purpose]
	if !ok {
		return ConsentRule{}, false
	}
	return *r, true
}

// ConsentRuleFor returns whose consent a purpose needs when party discloses: the party's own
// rule (for example the jeugdarts under the WGBO) if the convenant has one, else the purpose's.
func (k *Compiled) ConsentRuleFor(purpose, party string) (ConsentRule, bool) {
	if r, ok := k.consent[purpose+"/"+party]; ok && party != "" {
		return *r, true
	}
	return k.ConsentRule(purpose)
}

// ConsentRules returns every consent rule in file order.
func (k *Compiled) ConsentRules() []ConsentRule { return k.c.Consent }

// Regional returns the region's switches (regionale_instellingen), with the model's defaults
// for keys the file omits; Regional().Set says which keys the file states.
func (k *Compiled) Regional() RegionalSettings { return k.c.Regional }

// ProcessingActivities returns the verwerkingsregister in file order.
func (k *Compiled) ProcessingActivities() []ProcessingActivity { return k.c.ProcessingRegister }

// ProcessingActivity returns the register entry with this id.
func (k *Compiled) ProcessingActivity(id string) (*ProcessingActivity, bool) {
	a, ok := k.activities[id]
	return a, ok
}

// ProcessingActivityURI is the value for dpl.core.processing_activity_id (Logboek
// Dataverwerkingen): the register URI prefix of the convenant followed by the id.
func (k *Compiled) ProcessingActivityURI(id string) string {
	if k.c.Meta.RegisterURI == "" {
		return id
	}
	return k.c.Meta.RegisterURI + id
}
