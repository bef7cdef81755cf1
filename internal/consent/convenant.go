package consent

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/grondslag/grondslag/internal/convenant"
)

// channelOf maps the convenant's `vormen` to channels.
var channelOf = map[string]Channel{
	"schriftelijk":       ChannelWritten,
	"e-mail":             ChannelEmail,
	"email":              ChannelEmail,
	"digitaal":           ChannelDigital,
	"digitaal-formulier": ChannelDigital,
	"mondeling":          ChannelOral,
}

// FromConvenant builds the register's configuration from a region's compiled convenant: a Rule
// for each purpose (from its `toestemming:` entry, or "no consent" with the ground of its
// exchanges when it has none), the codes of purposes, parties and categories, and per purpose the
// scope of a consent: the recipients and categories of the exchanges that require consent.
//
// The plain-language words of DefaultCatalog are kept for the codes it knows (they are written
// for the consent form, at B1 level); other codes take the convenant's names.
func FromConvenant(k *convenant.Compiled) (Config, error) {
	if k == nil {
		return Config{}, fmt.Errorf("%w: geen convenant", ErrInvalidRule)
	}
	plain := DefaultCatalog()
	cat := Catalog{Purposes: map[string]Term{}, Parties: map[string]Term{}, Categories: map[string]Term{}, Scopes: map[string]Scope{}}
	for _, p := range k.Purposes() {
		t := Term{Name: strings.ToLower(p.Name), Description: p.Description}
		if pt, ok := plain.Purposes[p.Code]; ok {
			t = pt
		}
		cat.Purposes[p.Code] = t
	}
	for _, p := range k.Parties() {
		t := Term{Name: p.Name}
		if pt, ok := plain.Parties[p.Code]; ok {
			t = pt
		}
		cat.Parties[p.Code] = t
	}
	for _, c := range k.Categories() {
		t := Term{Name: strings.ToLower(c.Name), Description: c.Description}
		if pt, ok := plain.Categories[c.Code]; ok {
			t.Name, t.Description, t.ForPupil = pt.Name, pt.Description, pt.ForPupil
		}
		t.Special = k.Special(c.Code)
		cat.Categories[c.Code] = t
	}
	recipients, categories := map[string][]string{}, map[string][]string{}
	grounds := map[string][]string{}
	for _, e := range k.Exchanges() {
		if e.Forbidden {
			continue
		}
		p := e.Purpose.Value
		consent := false
		for _, c := range e.Conditions {
			consent = consent || c.Value == convenant.CondConsent
		}
		if !consent {
			if g := groundText(e.Ground); g != "" && !slices.Contains(grounds[p], g) {
				grounds[p] = append(grounds[p], g)
			}
			continue
		}
		if e.Recipient != nil && !slices.Contains(recipients[p], e.Recipient.Party.Value) {
			recipients[p] = append(recipients[p], e.Recipient.Party.Value)
		}
		for _, c := range e.Categories {
			if !slices.Contains(categories[p], c.Value) {
				categories[p] = append(categories[p], c.Value)
			}
		}
	}
	// Keep the convenant's own order (identificatie before contact …): the form reads in it.
	partyOrder, catOrder := map[string]int{}, map[string]int{}
	for i, p := range k.Parties() {
		partyOrder[p.Code] = i
	}
	for i, c := range k.Categories() {
		catOrder[c.Code] = i
	}
	for p, rs := range recipients {
		sort.Slice(rs, func(i, j int) bool { return partyOrder[rs[i]] < partyOrder[rs[j]] })
		cs := categories[p]
		sort.Slice(cs, func(i, j int) bool { return catOrder[cs[i]] < catOrder[cs[j]] })
		cat.Scopes[p] = Scope{Recipients: rs, Categories: cs}
	}
	meta := k.Meta()
	var rules []Rule
	for _, p := range k.Purposes() {
		cr, ok := k.ConsentRule(p.Code)
		if !ok {
			ground := strings.Join(grounds[p.Code], "; ")
			if p.AggregatesOnly {
				ground = "alleen geaggregeerde gegevens, niet tot personen herleidbaar"
				if len(grounds[p.Code]) > 0 {
					ground += "; " + strings.Join(grounds[p.Code], "; ")
				}
			}
			if ground == "" {
				ground = "het convenant vraagt voor dit doel geen toestemming"
			}
			rules = append(rules, Rule{Purpose: p.Code, Ground: "de verwerking berust op " + ground,
				Source: convenantSource(meta, "doel "+p.Code+": geen toestemmingsregel", defaultSourceIfKnown(p.Code))})
			continue
		}
		r := Rule{Purpose: p.Code, ConsentRequired: true, Parents: Parents(cr.Parents), PupilAloneFrom: cr.OwnAge,
			PupilAlsoFrom: cr.JointAge, ValidMonths: cr.ValidMonths}
		if r.Parents == "" {
			r.Parents = ParentsOne
		}
		if r.PupilAloneFrom == 0 {
			r.PupilAloneFrom = defaultPupilAlone
		}
		if r.PupilAlsoFrom == 0 {
			r.PupilAlsoFrom = r.PupilAloneFrom // 0 means the pupil never consents together with the parents
		}
		for _, f := range cr.Forms {
			ch, ok := channelOf[strings.ToLower(strings.TrimSpace(f))]
			if !ok {
				return Config{}, fmt.Errorf("%w: doel %s: onbekende vorm %q in het convenant (%s)", ErrInvalidRule, p.Code, f, channelList())
			}
			if !slices.Contains(r.Channels, ch) {
				r.Channels = append(r.Channels, ch)
			}
		}
		r.Source = convenantSource(meta, fmt.Sprintf("toestemmingsregel doel %s (regel %d)", p.Code, cr.Pos.Line), defaultSourceIfKnown(p.Code))
		rules = append(rules, r)
	}
	// Party-specific rules (the jeugdarts and the jeugdhulpverlener: the child from 12).
	for _, cr := range k.ConsentRules() {
		if cr.Party.Value == "" {
			continue
		}
		r := Rule{Purpose: cr.Purpose.Value, Party: cr.Party.Value, ConsentRequired: true, Parents: Parents(cr.Parents), PupilAloneFrom: cr.OwnAge,
			PupilAlsoFrom: cr.JointAge, ValidMonths: cr.ValidMonths}
		if r.Parents == "" {
			r.Parents = ParentsOne
		}
		if r.PupilAloneFrom == 0 {
			r.PupilAloneFrom = defaultPupilAlone
		}
		if r.PupilAlsoFrom == 0 {
			r.PupilAlsoFrom = r.PupilAloneFrom
		}
		for _, f := range cr.Forms {
			if ch, ok := channelOf[strings.ToLower(strings.TrimSpace(f))]; ok && !slices.Contains(r.Channels, ch) {
				r.Channels = append(r.Channels, ch)
			}
		}
		law := sourceWGBO
		if cr.Party.Value != "ggd" {
			law = sourceJeugdwetChild
		}
		r.Source = convenantSource(meta, fmt.Sprintf("toestemmingsregel doel %s, partij %s (regel %d)", cr.Purpose.Value, cr.Party.Value, cr.Pos.Line), law)
		rules = append(rules, r)
	}
	rs, err := RulesFrom(rules)
	if err != nil {
		return Config{}, err
	}
	return NewConfig(rs, cat)
}

func defaultSourceIfKnown(purpose string) string {
	switch purpose {
	case PurposeSignalering, PurposeToeleiding, PurposeJeugdhulp, PurposeLeerplicht, PurposeMonitoring,
		PurposeAbsoluut, PurposeVrijstelling, PurposeRMC, PurposeReclassering:
		return defaultSource(purpose)
	}
	return ""
}

func convenantSource(m convenant.Meta, what, law string) string {
	s := fmt.Sprintf("%s, versie %s: %s", m.Name, m.Version, what)
	if law != "" {
		s = law + "; " + s
	}
	return s
}

// groundText renders an exchange's ground briefly: "AVG art. 6 lid 1 sub c (Leerplichtwet 1969 art. 21a)".
func groundText(g convenant.Ground) string {
	if g.Basis == "" {
		return ""
	}
	s := "AVG art. 6 lid 1 sub " + g.Basis
	if g.Law != "" {
		s += " (" + g.Law + ")"
	}
	return s
}
