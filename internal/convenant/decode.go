package convenant

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/goccy/go-yaml/ast"
)

// dec turns the YAML tree into the typed Convenant, reporting shape errors (unknown keys, wrong
// kinds, missing fields) with their position. Meaning (unknown codes, missing grounds …) is
// checked afterwards by validate.
type dec struct{ d *diags }

type obj struct {
	x     *dec
	n     *ynode
	where string
	m     map[string]*ykey
}

func (x *dec) obj(n *ynode, where string, fields ...string) *obj {
	if n == nil {
		return nil
	}
	if n.kind != kindMap {
		x.d.errf(n.pos, "schrijf hier sleutels met waarden (sleutel: waarde).", "%s moet een mapping zijn, maar is %s.", where, n.kindName())
		return nil
	}
	o := &obj{x: x, n: n, where: where, m: map[string]*ykey{}}
	allowed := map[string]bool{}
	for _, f := range fields {
		allowed[f] = true
	}
	for i := range n.keys {
		k := &n.keys[i]
		if !allowed[k.name] {
			x.d.errf(k.pos, "verwijder de sleutel of gebruik een van: "+knownList(fields)+".", "onbekende sleutel %q in %s.%s", k.name, where, suggest(k.name, fields))
			continue
		}
		o.m[k.name] = k
	}
	return o
}

func (o *obj) has(k string) bool { return o != nil && o.m[k] != nil && o.m[k].val.kind != kindNull }

func (o *obj) missing(k, mend string) {
	o.x.d.errf(o.n.pos, mend, "%s mist het verplichte veld %q.", o.where, k)
}

func (o *obj) node(k string) *ynode {
	if !o.has(k) {
		return nil
	}
	return o.m[k].val
}

func (o *obj) scalar(k string, required bool) (*ynode, bool) {
	if o == nil {
		return nil, false
	}
	if !o.has(k) {
		if required {
			o.missing(k, fmt.Sprintf("voeg '%s: …' toe.", k))
		}
		return nil, false
	}
	n := o.m[k].val
	if n.kind != kindScalar {
		o.x.d.errf(n.pos, "schrijf één waarde achter de dubbele punt.", "%q in %s moet een enkele waarde zijn, maar is %s.", k, o.where, n.kindName())
		return nil, false
	}
	return n, true
}

func (o *obj) str(k string, required bool) string {
	n, ok := o.scalar(k, required)
	if !ok {
		return ""
	}
	return n.str
}

func (o *obj) code(k string, required bool) Code {
	n, ok := o.scalar(k, required)
	if !ok {
		if o != nil {
			return Code{Pos: o.n.pos}
		}
		return Code{}
	}
	return Code{Value: n.str, Pos: n.pos}
}

// codes accepts a single value or a sequence of values.
func (o *obj) codes(k string, required bool) []Code {
	if o == nil {
		return nil
	}
	if !o.has(k) {
		if required {
			o.missing(k, fmt.Sprintf("voeg '%s: [ … ]' toe.", k))
		}
		return nil
	}
	n := o.m[k].val
	switch n.kind {
	case kindScalar:
		return []Code{{Value: n.str, Pos: n.pos}}
	case kindSeq:
		out := make([]Code, 0, len(n.items))
		for _, it := range n.items {
			if it.kind != kindScalar {
				o.x.d.errf(it.pos, "schrijf alleen codes in deze lijst.", "elk element van %q in %s moet een code zijn, maar is %s.", k, o.where, it.kindName())
				continue
			}
			out = append(out, Code{Value: it.str, Pos: it.pos})
		}
		if required && len(out) == 0 {
			o.x.d.errf(n.pos, "noem er minstens één.", "%q in %s is leeg.", k, o.where)
		}
		return out
	}
	o.x.d.errf(n.pos, "schrijf een code of een lijst van codes.", "%q in %s moet een lijst van codes zijn, maar is %s.", k, o.where, n.kindName())
	return nil
}

func (o *obj) strs(k string) []string {
	var out []string
	for _, c := range o.codes(k, false) {
		out = append(out, c.Value)
	}
	return out
}

func (o *obj) boolean(k string) (bool, bool) {
	n, ok := o.scalar(k, false)
	if !ok {
		return false, false
	}
	if n.scalar != ast.BoolType {
		o.x.d.errf(n.pos, "schrijf true of false.", "%q in %s moet true of false zijn, niet %q.", k, o.where, n.str)
		return false, false
	}
	b, _ := strconv.ParseBool(n.str)
	return b, true
}

func (o *obj) integer(k string, required bool) (int, bool) {
	n, ok := o.scalar(k, required)
	if !ok {
		return 0, false
	}
	v, err := strconv.Atoi(n.str)
	if n.scalar != ast.IntegerType || err != nil || v < 0 || v > 1_000_000 {
		o.x.d.errf(n.pos, "schrijf een geheel getal zonder aanhalingstekens.", "%q in %s moet een geheel getal (0 of meer) zijn, niet %q.", k, o.where, n.str)
		return 0, false
	}
	return v, true
}

// list returns the items of a sequence field.
func (o *obj) list(k string, required bool) []*ynode {
	if o == nil {
		return nil
	}
	if !o.has(k) {
		if required {
			o.missing(k, fmt.Sprintf("voeg '%s:' toe met een opsomming (regels die met - beginnen).", k))
		}
		return nil
	}
	n := o.m[k].val
	if n.kind != kindSeq {
		o.x.d.errf(n.pos, "begin elk element op een nieuwe regel met '- '.", "%q in %s moet een opsomming zijn, maar is %s.", k, o.where, n.kindName())
		return nil
	}
	return n.items
}

func (o *obj) keyPos(k string) Pos {
	if o != nil && o.m[k] != nil {
		return o.m[k].pos
	}
	if o != nil {
		return o.n.pos
	}
	return Pos{1, 1}
}

// Parse reads a convenant file. name is used in diagnostics (FILE:line:column). It returns the
// parsed file together with its diagnostics; the file is usable only when no diagnostic is an
// error. Most callers want Load, which also validates and compiles.
func Parse(src []byte, name string) (*Convenant, []Diagnostic) {
	d := &diags{file: name}
	c := parse(src, d)
	return c, d.sorted()
}

func parse(src []byte, d *diags) *Convenant {
	root := parseTree(src, d)
	if root == nil {
		return nil
	}
	x := &dec{d: d}
	top := x.obj(root, "het convenant", "convenant", "artikelen", "partijen", "doelen", "categorieen", "standaard_plichten",
		"uitwisselingen", "casusoverleg", "bewaartermijnen", "beveiliging", "toestemming", "verwerkingsregister", "regionale_instellingen")
	if top == nil {
		return nil
	}
	c := &Convenant{rootPos: root.pos, sectionPos: map[string]Pos{}}
	for k, v := range top.m {
		c.sectionPos[k] = v.pos
	}
	c.Meta = x.meta(top)
	for _, n := range top.list("artikelen", true) {
		if o := x.obj(n, "een artikel", "nummer", "titel", "leden"); o != nil {
			a := Article{Pos: n.pos, Title: o.str("titel", true), Paragraphs: o.strs("leden")}
			a.Number, _ = o.integer("nummer", true)
			c.Articles = append(c.Articles, a)
		}
	}
	for _, n := range top.list("partijen", true) {
		c.Parties = append(c.Parties, x.party(n))
	}
	for _, n := range top.list("doelen", true) {
		if o := x.obj(n, "een doel", "code", "naam", "omschrijving", "alleen_geaggregeerd"); o != nil {
			p := Purpose{Pos: n.pos, Code: o.str("code", true), Name: o.str("naam", true), Description: o.str("omschrijving", false)}
			p.AggregatesOnly, _ = o.boolean("alleen_geaggregeerd")
			c.Purposes = append(c.Purposes, p)
		}
	}
	for _, n := range top.list("categorieen", true) {
		if o := x.obj(n, "een categorie", "code", "naam", "soort", "omschrijving"); o != nil {
			c.Categories = append(c.Categories, Category{Pos: n.pos, Code: o.str("code", true), Name: o.str("naam", true),
				Kind: Kind(o.str("soort", true)), Description: o.str("omschrijving", false)})
		}
	}
	c.DefaultObligations = top.codes("standaard_plichten", false)
	for _, n := range top.list("uitwisselingen", true) {
		if e, ok := x.exchange(n); ok {
			c.Exchanges = append(c.Exchanges, e)
		}
	}
	if co := x.obj(top.node("casusoverleg"), "casusoverleg", "typen", "fasen"); co != nil {
		for _, n := range co.list("typen", true) {
			if o := x.obj(n, "een type casusoverleg", "code", "naam", "omschrijving", "partijen", "ouders_uitgenodigd"); o != nil {
				ct := CaseType{Pos: n.pos, Code: o.str("code", true), Name: o.str("naam", true),
					Description: o.str("omschrijving", false), Parties: o.codes("partijen", true)}
				if b, ok := o.boolean("ouders_uitgenodigd"); ok {
					ct.ParentsInvited = &b
				}
				c.CaseTypes = append(c.CaseTypes, ct)
			}
		}
		for _, n := range co.list("fasen", true) {
			c.Phases = append(c.Phases, x.phase(n))
		}
	} else if !top.has("casusoverleg") {
		top.missing("casusoverleg", "voeg 'casusoverleg:' toe met 'typen:' en 'fasen:' (bijlage 3).")
	}
	for _, n := range top.list("bewaartermijnen", true) {
		c.Retention = append(c.Retention, x.retention(n))
	}
	if s := x.obj(top.node("beveiliging"), "beveiliging", "mfa_verplicht", "sessieduur", "versleuteling_bijzondere_gegevens", "minimale_wachtwoordlengte"); s != nil {
		c.securitySet, c.securityPos = true, s.n.pos
		c.Security = x.security(s)
	} else if !top.has("beveiliging") {
		top.missing("beveiliging", "voeg 'beveiliging:' toe met ten minste 'mfa_verplicht' en 'sessieduur'.")
	}
	for _, n := range top.list("toestemming", false) {
		if o := x.obj(n, "een toestemmingsregel", "doel", "partij", "ouders", "leeftijd_eigen_toestemming", "leeftijd_mede_toestemming", "vormen", "geldig_maanden"); o != nil {
			r := ConsentRule{Pos: n.pos, Purpose: o.code("doel", true), Parents: o.str("ouders", true), Forms: o.strs("vormen")}
			if o.has("partij") {
				r.Party = o.code("partij", false)
			}
			r.OwnAge, _ = o.integer("leeftijd_eigen_toestemming", true)
			r.JointAge, _ = o.integer("leeftijd_mede_toestemming", false)
			r.ValidMonths, _ = o.integer("geldig_maanden", false)
			c.Consent = append(c.Consent, r)
		}
	}
	for _, n := range top.list("verwerkingsregister", true) {
		if o := x.obj(n, "een verwerking", "id", "naam", "verantwoordelijke", "doel", "partijen", "categorieen", "betrokkenen", "grondslag", "ontvangers", "bewaartermijn"); o != nil {
			a := ProcessingActivity{Pos: n.pos, ID: o.str("id", true), Name: o.str("naam", true), Controller: o.code("verantwoordelijke", true),
				Purpose: o.code("doel", true), Parties: o.codes("partijen", true), Categories: o.codes("categorieen", true),
				DataSubjects: o.strs("betrokkenen"), Recipients: o.codes("ontvangers", false), RetentionNote: o.str("bewaartermijn", false)}
			a.Ground = x.ground(o, "grondslag", true)
			c.ProcessingRegister = append(c.ProcessingRegister, a)
		}
	}
	c.Regional = x.regional(top)
	return c
}

// Keys of regionale_instellingen.
const (
	keyLongSick        = "langdurig_ziekteverzuim_naar_leerplicht"
	keyLongSickDays    = "langdurig_ziekteverzuim_na_schooldagen"
	keyMAZLReports     = "mazl_ziekmeldingen"
	keyMAZLWeeks       = "mazl_lesweken"
	keyMAZLConsecutive = "mazl_aaneengesloten_schooldagen"
	keyLpSWVNotEnr     = "leerplicht_naar_swv_niet_ingeschreven"
	keyFirstContact    = "leerplicht_eerste_contact_schooldagen"
)

// RegionalKeys lists the keys regionale_instellingen knows.
var RegionalKeys = []string{keyLongSick, keyLongSickDays, keyMAZLReports, keyMAZLWeeks, keyMAZLConsecutive, keyLpSWVNotEnr, keyFirstContact}

// VersionedKeys are the switches a later version (versies, with geldig_vanaf) may change: the
// numbers of the absence signals. The others decide access rules or dossier terms for the whole
// file (a change there is a new convenant version).
var VersionedKeys = []string{keyLongSick, keyLongSickDays, keyMAZLReports, keyMAZLWeeks, keyMAZLConsecutive}

const (
	keyVersions  = "versies"
	keyValidFrom = "geldig_vanaf"
)

// minimum values of the numeric switches (M@ZL counts a pattern: at least 2 reports or days).
var regionalMin = map[string]int{keyLongSickDays: 2, keyMAZLReports: 2, keyMAZLWeeks: 1, keyMAZLConsecutive: 2, keyFirstContact: 1}

func (x *dec) regional(top *obj) RegionalSettings {
	r := DefaultRegional()
	o := x.obj(top.node("regionale_instellingen"), "regionale_instellingen", append(slices.Clone(RegionalKeys), keyVersions)...)
	if o == nil {
		return r
	}
	r.Pos = o.n.pos
	for k := range o.m {
		if k != keyVersions {
			r.Set[k] = true
		}
	}
	x.regionalValues(o, "regionale_instellingen", &r)
	prev := ""
	for i, n := range o.list(keyVersions, false) {
		where := fmt.Sprintf("versie %d van regionale_instellingen", i+1)
		vo := x.obj(n, where, append([]string{keyValidFrom}, VersionedKeys...)...)
		if vo == nil {
			continue
		}
		v := RegionalVersion{Set: map[string]bool{}, Pos: vo.n.pos}
		dn, ok := vo.scalar(keyValidFrom, true)
		if ok {
			if _, err := time.Parse(time.DateOnly, dn.str); err != nil {
				x.d.errf(dn.pos, "schrijf de datum als JJJJ-MM-DD, bijvoorbeeld 2027-08-01.", "geldig_vanaf %q van %s is geen geldige datum.", dn.str, where)
				ok = false
			} else if prev != "" && dn.str <= prev {
				x.d.errf(dn.pos, "zet de versies op volgorde van datum; elke versie begint na de vorige.", "%s begint op %s, niet na de vorige versie (%s).", where, dn.str, prev)
				ok = false
			}
		}
		if len(vo.m) == 1 && ok {
			x.d.errf(vo.n.pos, "noem minstens één instelling die vanaf deze datum anders is: "+knownList(VersionedKeys)+".", "%s verandert niets.", where)
		}
		if !ok {
			continue
		}
		v.From, prev = dn.str, dn.str
		base := r
		if k := len(r.Versions); k > 0 {
			base = r.Versions[k-1].Settings
		}
		base.Versions = nil
		for k := range vo.m {
			if k != keyValidFrom {
				v.Set[k] = true
			}
		}
		x.regionalValues(vo, where, &base)
		v.Settings = base
		r.Versions = append(r.Versions, v)
	}
	return r
}

// regionalValues reads the switches o states into r.
func (x *dec) regionalValues(o *obj, where string, r *RegionalSettings) {
	if b, ok := o.boolean(keyLongSick); ok {
		r.LongSickToLeerplicht = b
	}
	if b, ok := o.boolean(keyLpSWVNotEnr); ok {
		r.LeerplichtToSWVNotEnrolled = b
	}
	for _, f := range []struct {
		key string
		dst *int
	}{{keyLongSickDays, &r.LongSickDays}, {keyMAZLReports, &r.MAZLReports}, {keyMAZLWeeks, &r.MAZLWeeks}, {keyMAZLConsecutive, &r.MAZLConsecutiveDays}, {keyFirstContact, &r.FirstContactDays}} {
		if v, ok := o.integer(f.key, false); ok {
			if m := regionalMin[f.key]; v < m {
				n, _ := o.scalar(f.key, false)
				x.d.errf(n.pos, fmt.Sprintf("schrijf een getal van %d of meer.", m), "%q in %s moet %d of meer zijn.", f.key, where, m)
				continue
			}
			*f.dst = v
		}
	}
}

func (x *dec) meta(top *obj) Meta {
	o := x.obj(top.node("convenant"), "de kop 'convenant'", "naam", "versie", "regio", "gebaseerd_op", "ingangsdatum", "verwerkingsregister_uri")
	if o == nil {
		if !top.has("convenant") {
			top.missing("convenant", "voeg bovenaan 'convenant:' toe met naam en versie.")
		}
		return Meta{}
	}
	return Meta{Pos: o.n.pos, Name: o.str("naam", true), Version: o.str("versie", true), Region: o.str("regio", false),
		BasedOn: o.str("gebaseerd_op", false), EffectiveOn: o.str("ingangsdatum", false), RegisterURI: o.str("verwerkingsregister_uri", false)}
}

func (x *dec) party(n *ynode) Party {
	p := Party{Pos: n.pos}
	o := x.obj(n, "een partij", "code", "naam", "omschrijving", "rollen", "organisaties")
	if o == nil {
		return p
	}
	p.Code, p.Name, p.Description = o.str("code", true), o.str("naam", true), o.str("omschrijving", false)
	for _, rn := range o.list("rollen", false) {
		if ro := x.obj(rn, "een rol", "code", "naam", "omschrijving"); ro != nil {
			p.Roles = append(p.Roles, Role{Pos: rn.pos, Code: ro.str("code", true), Name: ro.str("naam", true), Description: ro.str("omschrijving", false)})
		}
	}
	for _, on := range o.list("organisaties", false) {
		if oo := x.obj(on, "een organisatie", "naam", "toegetreden"); oo != nil {
			p.Organisations = append(p.Organisations, Organisation{Pos: on.pos, Name: oo.str("naam", true), JoinedOn: oo.str("toegetreden", true)})
		}
	}
	return p
}

func (x *dec) ground(o *obj, key string, required bool) Ground {
	g := Ground{}
	if o == nil {
		return g
	}
	if !o.has(key) {
		g.Pos = o.n.pos
		if required {
			o.missing(key, "voeg 'grondslag: {avg: c, wet: \"…\"}' toe: de grondslag uit AVG art. 6 lid 1 (a–f), zo nodig met de uitzondering uit art. 9 of 10.")
		}
		return g
	}
	go_ := x.obj(o.node(key), "de grondslag", "avg", "uitzondering", "wet")
	if go_ == nil {
		g.Pos = o.keyPos(key)
		return g
	}
	g.Pos = go_.n.pos
	g.Basis = go_.str("avg", true)
	g.Exception = go_.str("uitzondering", false)
	g.Law = go_.str("wet", false)
	return g
}

func (x *dec) exchange(n *ynode) (Exchange, bool) {
	o := x.obj(n, "een uitwisseling", "id", "omschrijving", "verbod", "reden", "partij", "rollen", "handelingen", "categorieen",
		"doel", "ontvanger", "grondslag", "voorwaarden", "casusfase", "niveau", "plichten", "artikel", "verwerking",
		"verwerking_ontvanger", "leeftijd", "geldig_vanaf", "geldig_tot", "alleen_als")
	if o == nil {
		return Exchange{}, false
	}
	e := Exchange{Pos: n.pos, ID: o.str("id", true), Description: o.str("omschrijving", false)}
	e.Forbidden, _ = o.boolean("verbod")
	e.Reason = o.str("reden", false)
	e.Party = o.code("partij", true)
	e.Roles = o.codes("rollen", false)
	e.Actions = o.codes("handelingen", true)
	e.Categories = o.codes("categorieen", true)
	e.Purpose = o.code("doel", true)
	if o.has("ontvanger") {
		if ro := x.obj(o.node("ontvanger"), "de ontvanger", "partij", "rollen"); ro != nil {
			e.Recipient = &Recipient{Pos: ro.n.pos, Party: ro.code("partij", true), Roles: ro.codes("rollen", false)}
		}
	}
	if o.has("grondslag") || !e.Forbidden {
		e.Ground = x.ground(o, "grondslag", false)
	}
	e.Conditions = o.codes("voorwaarden", false)
	e.Phases = o.codes("casusfase", false)
	e.Levels = o.codes("niveau", false)
	e.Obligations = o.codes("plichten", false)
	e.Article = o.code("artikel", !e.Forbidden)
	e.Activity = o.code("verwerking", !e.Forbidden)
	if o.has("verwerking_ontvanger") {
		e.RecipientActivity = o.code("verwerking_ontvanger", false)
	}
	if ao := x.obj(o.node("leeftijd"), "de leeftijd", "vanaf", "tot"); ao != nil {
		e.Ages.Pos = ao.n.pos
		e.Ages.From, _ = ao.integer("vanaf", false)
		e.Ages.Until, _ = ao.integer("tot", false)
	}
	e.ValidFrom = o.str("geldig_vanaf", false)
	e.ValidUntil = o.str("geldig_tot", false)
	if o.has("alleen_als") {
		e.Switch = o.code("alleen_als", false)
	}
	return e, true
}

func (x *dec) phase(n *ynode) Phase {
	p := Phase{Pos: n.pos}
	o := x.obj(n, "een casusfase", "code", "naam", "doel", "omschrijving", "informatie")
	if o == nil {
		return p
	}
	p.Code, p.Name, p.Purpose, p.Description = o.str("code", true), o.str("naam", true), o.code("doel", true), o.str("omschrijving", false)
	for _, in := range o.list("informatie", false) {
		if io := x.obj(in, "informatie in een casusfase", "van", "categorieen", "omvang"); io != nil {
			p.Information = append(p.Information, PhaseInfo{Pos: in.pos, From: io.code("van", true), Categories: io.codes("categorieen", true), Scope: io.str("omvang", true)})
		}
	}
	return p
}

func (x *dec) retention(n *ynode) Retention {
	r := Retention{Pos: n.pos}
	o := x.obj(n, "een bewaartermijn", "categorie", "termijn", "vanaf", "bron", "afwijkend")
	if o == nil {
		return r
	}
	r.Category = o.code("categorie", true)
	r.Period = x.period(o, "termijn")
	r.From = o.str("vanaf", true)
	r.Source = o.str("bron", false)
	for _, an := range o.list("afwijkend", false) {
		if ao := x.obj(an, "een afwijkende bewaartermijn", "partij", "termijn", "vanaf", "bron"); ao != nil {
			r.Overrides = append(r.Overrides, RetentionOverride{Pos: an.pos, Party: ao.code("partij", true), Period: x.period(ao, "termijn"), From: ao.str("vanaf", true), Source: ao.str("bron", false)})
		}
	}
	return r
}

func (x *dec) period(o *obj, key string) Period {
	n, ok := o.scalar(key, true)
	if !ok {
		return Period{}
	}
	p, err := ParsePeriod(n.str)
	if err != nil {
		x.d.errf(n.pos, "schrijf de termijn als bijvoorbeeld 5j, 18m, 2j6m of 30d (jaren, maanden, dagen).", "termijn %q is ongeldig: %v.", n.str, err)
	}
	return p
}

func (x *dec) security(s *obj) Security {
	sec := Security{Pos: s.n.pos}
	var ok bool
	if sec.MFARequired, ok = s.boolean("mfa_verplicht"); !ok && !s.has("mfa_verplicht") {
		s.missing("mfa_verplicht", "voeg 'mfa_verplicht: true' toe (meerfactorauthenticatie, zie het modelconvenant).")
	}
	sec.EncryptSpecial, _ = s.boolean("versleuteling_bijzondere_gegevens")
	sec.MinPasswordLength, _ = s.integer("minimale_wachtwoordlengte", false)
	if so := x.obj(s.node("sessieduur"), "sessieduur", "inactief", "absoluut"); so != nil {
		sec.SessionIdle = x.duration(so, "inactief")
		sec.SessionAbsolute = x.duration(so, "absoluut")
	} else if !s.has("sessieduur") {
		s.missing("sessieduur", "voeg 'sessieduur: {inactief: 30m, absoluut: 8u}' toe.")
	}
	return sec
}
