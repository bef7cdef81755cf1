package convenant

import (
	"fmt"
	"html"
	"io"
	"strings"
	"time"
)

// Formats of Render.
const (
	FormatMarkdown = "md"
	FormatHTML     = "html"
)

// Render writes the readable convenant: the articles, the annexes (parties and roles, purposes,
// data per purpose and party with their grounds, casusoverleg, retention, security and
// consent), the verwerkingsregister (AVG art. 30) per party and a DPIA starting point listing
// the processing of special, criminal and other sensitive data. format is "md", "html" or "pdf".
func Render(w io.Writer, k *Compiled, format string) error {
	doc := buildDoc(k)
	switch format {
	case FormatMarkdown:
		return writeMarkdown(w, doc)
	case FormatHTML:
		return writeHTML(w, doc)
	case FormatPDF:
		return writePDF(w, doc)
	}
	return fmt.Errorf("onbekend formaat %q; gebruik md, html of pdf", format)
}

// The document is built once as blocks and written by a Markdown and an HTML writer.
type block struct {
	kind  int // bHeading, bPara, bList, bOList, bTable, bNote
	level int
	id    string
	text  string
	items []string
	head  []string
	rows  [][]string
}

const (
	bHeading = iota
	bPara
	bList
	bOList
	bTable
	bNote
)

type docb struct {
	title  string
	blocks []block
}

func (d *docb) h(level int, id, text string) {
	d.blocks = append(d.blocks, block{kind: bHeading, level: level, id: id, text: text})
}
func (d *docb) p(text string)      { d.blocks = append(d.blocks, block{kind: bPara, text: text}) }
func (d *docb) note(text string)   { d.blocks = append(d.blocks, block{kind: bNote, text: text}) }
func (d *docb) ul(items ...string) { d.blocks = append(d.blocks, block{kind: bList, items: items}) }
func (d *docb) ol(items ...string) { d.blocks = append(d.blocks, block{kind: bOList, items: items}) }
func (d *docb) table(head []string, rows [][]string) {
	d.blocks = append(d.blocks, block{kind: bTable, head: head, rows: rows})
}

func codes(cs []Code) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Value
	}
	return out
}

func (k *Compiled) catName(code string) string {
	if c, ok := k.categories[code]; ok {
		return c.Name
	}
	if code == AuditLogCategory {
		return "Logboek (de auditregels zelf)"
	}
	return code
}

func (k *Compiled) partyName(code string) string {
	if p, ok := k.parties[code]; ok {
		return p.Name
	}
	return code
}

func (k *Compiled) actorText(e *Exchange) string {
	p := e.Party.Value
	if len(e.Roles) == 0 {
		return k.partyName(p) + " (alle rollen)"
	}
	var rs []string
	for _, r := range e.Roles {
		if ro, ok := k.roles[p][r.Value]; ok {
			rs = append(rs, ro.Name)
		}
	}
	return k.partyName(p) + ": " + strings.Join(rs, ", ")
}

func (k *Compiled) recipientText(r *Recipient) string {
	if r == nil {
		return "—"
	}
	if len(r.Roles) == 0 {
		return k.partyName(r.Party.Value)
	}
	var rs []string
	for _, ro := range r.Roles {
		if x, ok := k.roles[r.Party.Value][ro.Value]; ok {
			rs = append(rs, x.Name)
		}
	}
	return k.partyName(r.Party.Value) + ": " + strings.Join(rs, ", ")
}

func conditionText(e *Exchange) string {
	var out []string
	for _, c := range e.Conditions {
		switch c.Value {
		case CondConsent:
			out = append(out, "toestemming vereist")
		case CondDUO:
			out = append(out, "DUO-verzuimmelding vereist")
		case CondOutside:
			out = append(out, "alleen buitenkantinformatie")
		case CondVerwijsindex:
			out = append(out, "alleen na een match in de Verwijsindex")
		case CondNotEnrolled:
			out = append(out, "alleen voor een kind dat nergens staat ingeschreven")
		case CondTLV:
			out = append(out, "alleen voor een aanvraag van een TLV of arrangement")
		}
	}
	if e.Ages.Set() {
		out = append(out, "leerling van "+e.Ages.Dutch())
	}
	if len(e.Phases) > 0 {
		out = append(out, "alleen in casusfase "+strings.Join(codes(e.Phases), ", "))
	}
	if len(e.Levels) > 0 {
		var names []string
		for _, l := range e.Levels {
			names = append(names, LevelDutch(l.Value))
		}
		out = append(out, "alleen op "+strings.Join(names, ", "))
	}
	for _, o := range e.Obligations {
		if o.Value == ObligInformParents {
			out = append(out, "ouders informeren")
		}
	}
	if len(out) == 0 {
		return "—"
	}
	return strings.Join(out, "; ")
}

func (k *Compiled) catList(cs []Code) string {
	var out []string
	for _, c := range cs {
		s := k.catName(c.Value)
		if cat, ok := k.categories[c.Value]; ok && cat.Kind != KindOrdinary {
			s += " (" + string(cat.Kind) + ")"
		}
		out = append(out, s)
	}
	return strings.Join(out, ", ")
}

func buildDoc(k *Compiled) *docb {
	c := k.c
	d := &docb{title: c.Meta.Name}
	d.h(1, "convenant", c.Meta.Name)
	meta := []string{"Versie: " + c.Meta.Version}
	if c.Meta.Region != "" {
		meta = append(meta, "Regio: "+c.Meta.Region)
	}
	if c.Meta.BasedOn != "" {
		meta = append(meta, "Gebaseerd op: "+c.Meta.BasedOn)
	}
	if c.Meta.EffectiveOn != "" {
		meta = append(meta, "Ingangsdatum: "+c.Meta.EffectiveOn)
	}
	meta = append(meta, "Kenmerk van deze tekst: "+k.hash)
	d.ul(meta...)
	d.p("Dit document is gemaakt uit het convenantbestand waarmee Grondslag elke inzage, vastlegging en verstrekking beslist. Wat hier staat, is wat het systeem toepast.")

	d.h(2, "partijen", "Partijen")
	var rows [][]string
	for _, p := range c.Parties {
		for _, o := range p.Organisations {
			rows = append(rows, []string{o.Name, p.Name, o.JoinedOn})
		}
	}
	if len(rows) > 0 {
		d.table([]string{"Organisatie", "Als partij", "Toegetreden"}, rows)
	} else {
		d.p("Nog geen organisaties toegetreden.")
	}

	d.h(2, "artikelen", "Artikelen")
	for _, a := range c.Articles {
		d.h(3, fmt.Sprintf("artikel-%d", a.Number), fmt.Sprintf("Artikel %d. %s", a.Number, a.Title))
		if len(a.Paragraphs) == 1 {
			d.p(a.Paragraphs[0])
		} else {
			d.ol(a.Paragraphs...)
		}
	}

	// Bijlage 1: parties, roles, purposes, categories.
	d.h(2, "bijlage-1", "Bijlage 1. Partijen, rollen, doelen en gegevens")
	d.h(3, "bijlage-1-partijen", "Partijen en rollen")
	rows = nil
	for _, p := range c.Parties {
		for _, r := range p.Roles {
			rows = append(rows, []string{p.Name, r.Name, r.Description})
		}
	}
	d.table([]string{"Partij", "Rol", "Taak"}, rows)
	d.h(3, "bijlage-1-doelen", "Doelen")
	rows = nil
	for _, p := range c.Purposes {
		desc := p.Description
		if p.AggregatesOnly {
			desc += " Alleen geaggregeerde gegevens."
		}
		rows = append(rows, []string{p.Name, strings.TrimSpace(desc)})
	}
	d.table([]string{"Doel", "Omschrijving"}, rows)
	d.h(3, "bijlage-1-categorieen", "Categorieën persoonsgegevens")
	rows = nil
	for _, cat := range c.Categories {
		kind := "gewoon"
		switch cat.Kind {
		case KindSpecial:
			kind = "bijzonder (art. 9 AVG)"
		case KindCriminal:
			kind = "strafrechtelijk (art. 10 AVG)"
		}
		rows = append(rows, []string{cat.Name, kind, cat.Description})
	}
	d.table([]string{"Categorie", "Soort", "Omschrijving"}, rows)

	// Bijlage 2: data per purpose and party.
	d.h(2, "bijlage-2", "Bijlage 2. Gegevens per doel en partij, met grondslag")
	d.p("Alles wat hier niet staat, is niet toegestaan. Een verbod gaat boven elke toestemming die het zou overlappen.")
	for _, p := range c.Purposes {
		d.h(3, "bijlage-2-"+p.Code, "Doel: "+p.Name)
		rows = nil
		var bans []string
		for i := range c.Exchanges {
			e := &c.Exchanges[i]
			if e.Purpose.Value != p.Code {
				continue
			}
			if e.Forbidden {
				bans = append(bans, "Verbod ("+k.actorText(e)+", "+strings.Join(codes(e.Actions), ", ")+", "+k.catList(e.Categories)+"): "+e.Reason)
				continue
			}
			rows = append(rows, []string{k.actorText(e), strings.Join(codes(e.Actions), ", "), k.catList(e.Categories), k.recipientText(e.Recipient),
				e.Ground.String(), conditionText(e), ArticleRef(e.Article.Value)})
		}
		if len(rows) > 0 {
			d.table([]string{"Wie", "Handeling", "Gegevens", "Aan", "Grondslag", "Voorwaarden", "Artikel"}, rows)
		}
		for _, b := range bans {
			d.note(b)
		}
	}

	// Bijlage 3: casusoverleg.
	d.h(2, "bijlage-3", "Bijlage 3. Inrichting casusoverleg")
	rows = nil
	for _, t := range c.CaseTypes {
		var ps []string
		for _, p := range t.Parties {
			ps = append(ps, k.partyName(p.Value))
		}
		rows = append(rows, []string{t.Name, t.Description, strings.Join(ps, ", ")})
	}
	d.table([]string{"Overleg", "Omschrijving", "Partijen"}, rows)
	d.p("Ouders, en de leerling vanaf 12 jaar, worden voor elk overleg uitgenodigd en zijn er in beginsel zelf bij. Per fase staat hieronder voor welk doel welke informatie van wie wordt gedeeld; buiten het casusoverleg alleen buitenkantinformatie.")
	for i, ph := range c.Phases {
		d.h(3, "fase-"+ph.Code, fmt.Sprintf("Fase %d. %s", i+1, ph.Name))
		purpose := ph.Purpose.Value
		if p, ok := k.purposes[purpose]; ok {
			purpose = p.Name
		}
		d.p(ph.Description + " Doel: " + purpose + ".")
		rows = nil
		for _, in := range ph.Information {
			scope := "inhoud"
			if in.Scope == ScopeOutside {
				scope = "alleen buitenkant"
			}
			rows = append(rows, []string{k.partyName(in.From.Value), k.catList(in.Categories), scope})
		}
		if len(rows) > 0 {
			d.table([]string{"Van", "Informatie", "Omvang"}, rows)
		}
	}

	// Bijlage 4: retention.
	d.h(2, "bijlage-4", "Bijlage 4. Bewaartermijnen")
	rows = nil
	for _, r := range c.Retention {
		rows = append(rows, []string{k.catName(r.Category.Value), "alle partijen, tenzij hieronder anders", r.Period.Dutch() + " na " + eventText(r.From), r.Source})
		for _, o := range r.Overrides {
			rows = append(rows, []string{k.catName(r.Category.Value), k.partyName(o.Party.Value), o.Period.Dutch() + " na " + eventText(o.From), o.Source})
		}
	}
	d.table([]string{"Categorie", "Partij", "Termijn", "Bron"}, rows)

	// Bijlage 5: register per controller.
	d.h(2, "bijlage-5", "Bijlage 5. Verwerkingsregister per partij (artikel 30 AVG)")
	d.p("Iedere partij is zelfstandig verwerkingsverantwoordelijke en heeft een eigen register. Een verstrekking staat bij de verstrekker als verstrekking aan de ontvanger, en bij de ontvanger als ontvangst onder diens eigen verwerking; elk logt onder zijn eigen verwerking. De id van elke verwerking is de waarde van dpl.core.processing_activity_id in het logboek dataverwerkingen.")
	for i := range c.Parties {
		k.registerSection(d, &c.Parties[i], 3)
	}

	// Bijlage 6: security and consent.
	d.h(2, "bijlage-6", "Bijlage 6. Beveiliging en toestemming")
	d.ul(k.securityLines()...)
	rows = nil
	for _, cr := range c.Consent {
		parents := "één ouder met gezag"
		if cr.Parents == ParentsAll {
			parents = "alle ouders met gezag"
		}
		joint := "—"
		if cr.JointAge > 0 {
			joint = fmt.Sprintf("vanaf %d jaar samen met de ouders", cr.JointAge)
		}
		valid := "tot intrekking"
		if cr.ValidMonths > 0 {
			valid = fmt.Sprintf("%d maanden", cr.ValidMonths)
		}
		who := "elke partij"
		if cr.Party.Value != "" {
			who = k.partyName(cr.Party.Value)
		}
		rows = append(rows, []string{k.purposeName(cr.Purpose.Value), who, parents, joint, fmt.Sprintf("vanaf %d jaar", cr.OwnAge), strings.Join(cr.Forms, ", "), valid})
	}
	if len(rows) > 0 {
		d.h(3, "bijlage-6-toestemming", "Wiens toestemming nodig is")
		d.table([]string{"Doel", "Verstrekkende partij", "Ouders", "Leerling mede", "Leerling alleen", "Vorm", "Geldig"}, rows)
		d.p("De leeftijd telt op de dag van de verwerking. Toestemming kan altijd worden ingetrokken; de intrekking geldt vanaf de eerstvolgende beslissing. Vanaf 18 jaar beslist de jongvolwassene; ouders alleen met zijn machtiging.")
	}
	reg := c.Regional
	d.h(3, "bijlage-6-regionaal", "Regionale instellingen")
	yes := func(b bool) string {
		if b {
			return "ja"
		}
		return "nee"
	}
	d.table([]string{"Instelling", "Waarde"}, [][]string{
		{"Langdurig ziekteverzuim melden aan leerplicht", yes(reg.LongSickToLeerplicht)},
		{"… na dit aantal aaneengesloten schooldagen", fmt.Sprint(reg.LongSickDays)},
		{"M@ZL: signaal bij dit aantal ziekmeldingen", fmt.Sprint(reg.MAZLReports)},
		{"… binnen dit aantal lesweken", fmt.Sprint(reg.MAZLWeeks)},
		{"M@ZL: signaal op deze aaneengesloten schooldag ziek", fmt.Sprint(reg.MAZLConsecutiveDays)},
		{"Leerplicht betrekt het SWV bij een niet ingeschreven kind (WPO 18a / WVO 17a, te controleren)", yes(reg.LeerplichtToSWVNotEnrolled)},
		{"Eerste contact door de leerplichtambtenaar binnen dit aantal schooldagen na het openen van een dossier", fmt.Sprint(reg.FirstContactDays)},
	})
	if len(reg.Versions) == 0 {
		d.p("Deze instellingen gelden zonder einddatum; een latere versie van de verzuimregels (versies, met geldig_vanaf) staat er niet in.")
	} else {
		d.p("Latere versies van de verzuimregels. Vanaf de genoemde dag gelden de genoemde waarden; de versie die gold op de dag waarop een verzuimepisode begint, beoordeelt die episode.")
		rows := [][]string{}
		for _, v := range reg.Versions {
			s := v.Settings
			rows = append(rows, []string{dutchDate(v.From), yes(s.LongSickToLeerplicht), fmt.Sprint(s.LongSickDays), fmt.Sprint(s.MAZLReports), fmt.Sprint(s.MAZLWeeks), fmt.Sprint(s.MAZLConsecutiveDays)})
		}
		d.table([]string{"Geldt vanaf", "Langdurig ziekteverzuim aan leerplicht", "… na schooldagen", "M@ZL ziekmeldingen", "… in lesweken", "M@ZL aaneengesloten dag"}, rows)
	}

	// Bijlage 7: DPIA starting point.
	d.h(2, "bijlage-7", "Bijlage 7. Aanzet voor de DPIA")
	d.p("Gemeenten zijn verplicht een DPIA uit te voeren voordat zij tot dit convenant toetreden (besluit van de Autoriteit Persoonsgegevens van 27 november 2019: delen van bijzondere of gevoelige persoonsgegevens in samenwerkingsverbanden). Betrek de functionaris gegevensbescherming van elke partij. Hieronder staan de verwerkingen van bijzondere (artikel 9 AVG) en strafrechtelijke (artikel 10 AVG) persoonsgegevens die dit convenant toestaat, en die van gevoelige gegevens die geen bijzondere persoonsgegevens zijn maar wel een hoog risico kunnen geven: " + strings.Join(sensitiveNames(k), ", ") + ".")
	rows = nil
	for i := range c.Exchanges {
		e := &c.Exchanges[i]
		if e.Forbidden {
			continue
		}
		var special []Code
		for _, cc := range e.Categories {
			if k.Special(cc.Value) || SensitiveCategories[cc.Value] {
				special = append(special, cc)
			}
		}
		if len(special) == 0 {
			continue
		}
		rows = append(rows, []string{e.ID, k.actorText(e), strings.Join(codes(e.Actions), ", "), k.catList(special), k.purposeName(e.Purpose.Value),
			k.recipientText(e.Recipient), e.Ground.String(), conditionText(e)})
	}
	d.table([]string{"Regel", "Wie", "Handeling", "Bijzondere of gevoelige gegevens", "Doel", "Aan", "Grondslag en uitzondering", "Waarborgen"}, rows)
	d.h(3, "bijlage-7-vragen", "Uit te werken in de DPIA")
	d.ol(
		"Noodzaak en evenredigheid: is elke verwerking hierboven nodig voor het doel, en kan het met minder (buitenkantinformatie, geaggregeerd)?",
		"Risico's voor leerling en ouders: stigmatisering, onjuiste of verouderde gegevens, verlies van vertrouwen in de hulpverlening, toegang door onbevoegden.",
		"Maatregelen die dit convenant afdwingt: beslissing per toegang met grondslag en reden, meerfactorauthenticatie, versleuteling per leerling van bijzondere gegevens, een logboek dat wijzigingen achteraf zichtbaar maakt (geen bewijs van wie handelde), bewaartermijnen met vernietiging.",
		"Transparantie: hoe worden ouders en leerling geïnformeerd, en hoe zien zij met wie gegevens zijn gedeeld?",
		"Restrisico en advies van de functionaris gegevensbescherming; zo nodig voorafgaande raadpleging van de Autoriteit Persoonsgegevens (artikel 36 AVG).",
	)
	return d
}

// SensitiveCategories are the model's categories that are not special (AVG art. 9) but are
// sensitive enough for the DPIA (family situation, absence, support needs, case minutes).
var SensitiveCategories = map[string]bool{"gezinssituatie": true, "verzuim": true, "ondersteuningsbehoefte": true, "casusverslag": true}

func sensitiveNames(k *Compiled) []string {
	var out []string
	for _, c := range k.c.Categories {
		if SensitiveCategories[c.Code] {
			out = append(out, strings.ToLower(c.Name))
		}
	}
	return out
}

func (k *Compiled) purposeName(code string) string {
	if p, ok := k.purposes[code]; ok {
		return p.Name
	}
	return code
}

func eventText(ev string) string {
	switch ev {
	case "uitschrijving":
		return "uitschrijving"
	case "geboortedatum":
		return "de geboortedatum"
	case "afsluiting-casus":
		return "afsluiting van de casus"
	case "einde-jeugdhulp":
		return "het einde van de jeugdhulp"
	case "einde-kwalificatieplicht":
		return "het einde van de kwalificatieplicht"
	case "einde-toestemming":
		return "het einde of de intrekking van de toestemming"
	case "vastlegging":
		return "vastlegging"
	case "laatste-wijziging":
		return "de laatste wijziging van het dossier"
	}
	return ev
}

func (k *Compiled) securityLines() []string {
	s := k.c.Security
	var out []string
	if s.MFARequired {
		out = append(out, "Meerfactorauthenticatie is verplicht voor iedere gebruiker.")
	} else {
		out = append(out, "Meerfactorauthenticatie is niet verplicht.")
	}
	out = append(out, fmt.Sprintf("Een sessie verloopt na %s zonder activiteit en uiterlijk na %s.", dutchDuration(s.SessionIdle), dutchDuration(s.SessionAbsolute)))
	if s.EncryptSpecial {
		out = append(out, "Bijzondere persoonsgegevens worden per leerling versleuteld; vernietiging van de sleutel wist elke kopie.")
	}
	if s.MinPasswordLength > 0 {
		out = append(out, fmt.Sprintf("Wachtwoorden hebben ten minste %d tekens.", s.MinPasswordLength))
	}
	out = append(out, "Elke beslissing over een toegang wordt met grondslag, reden en convenantversie vastgelegd in een logboek dat wijzigingen achteraf zichtbaar maakt; het logboek bewijst niet wie een regel veroorzaakte.")
	return out
}

func (k *Compiled) securitySummary() string {
	s := k.c.Security
	parts := []string{"toegang per rol volgens bijlage 2", "logboek van elke toegang"}
	if s.MFARequired {
		parts = append([]string{"meerfactorauthenticatie"}, parts...)
	}
	if s.EncryptSpecial {
		parts = append(parts, "versleuteling van bijzondere gegevens per leerling")
	}
	return strings.Join(parts, ", ")
}

func dutchDuration(d interface{ Minutes() float64 }) string {
	m := int(d.Minutes())
	switch {
	case m%60 == 0 && m >= 60:
		if m == 60 {
			return "1 uur"
		}
		return fmt.Sprintf("%d uur", m/60)
	case m > 60:
		return fmt.Sprintf("%d uur en %d minuten", m/60, m%60)
	}
	return fmt.Sprintf("%d minuten", m)
}

func mdEscape(s string) string {
	s = strings.ReplaceAll(s, "\\", "\\\\")
	s = strings.ReplaceAll(s, "|", "\\|")
	s = strings.ReplaceAll(s, "\n", " ")
	return s
}

func writeMarkdown(w io.Writer, d *docb) error {
	var b strings.Builder
	for i, bl := range d.blocks {
		if i > 0 {
			b.WriteString("\n")
		}
		switch bl.kind {
		case bHeading:
			b.WriteString(strings.Repeat("#", bl.level) + " " + bl.text + "\n")
		case bPara:
			b.WriteString(bl.text + "\n")
		case bNote:
			b.WriteString("> " + bl.text + "\n")
		case bList:
			for _, it := range bl.items {
				b.WriteString("- " + it + "\n")
			}
		case bOList:
			for j, it := range bl.items {
				fmt.Fprintf(&b, "%d. %s\n", j+1, it)
			}
		case bTable:
			b.WriteString("| " + strings.Join(mapEsc(bl.head, mdEscape), " | ") + " |\n")
			b.WriteString("|" + strings.Repeat(" --- |", len(bl.head)) + "\n")
			for _, r := range bl.rows {
				b.WriteString("| " + strings.Join(mapEsc(r, mdEscape), " | ") + " |\n")
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mapEsc(in []string, f func(string) string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = f(s)
	}
	return out
}

const htmlStyle = `body{font-family:Georgia,"Times New Roman",serif;max-width:62rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}
table{border-collapse:collapse;width:100%;margin:1rem 0;font-size:.92rem}th,td{border:1px solid #999;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#eee}h1,h2,h3,h4{font-family:Arial,Helvetica,sans-serif}h2{border-top:2px solid #333;padding-top:1rem;margin-top:2.5rem}
blockquote{border-left:4px solid #a00;margin:1rem 0;padding:.25rem 1rem;background:#fff4f4}
@media print{h2{page-break-before:always}table{font-size:.8rem}}`

func writeHTML(w io.Writer, d *docb) error {
	var b strings.Builder
	e := html.EscapeString
	b.WriteString("<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + e(d.title) + "</title>\n<style>\n" + htmlStyle + "\n</style>\n</head>\n<body>\n<main>\n")
	for _, bl := range d.blocks {
		switch bl.kind {
		case bHeading:
			fmt.Fprintf(&b, "<h%d id=\"%s\">%s</h%d>\n", bl.level, e(bl.id), e(bl.text), bl.level)
		case bPara:
			b.WriteString("<p>" + e(bl.text) + "</p>\n")
		case bNote:
			b.WriteString("<blockquote><p>" + e(bl.text) + "</p></blockquote>\n")
		case bList, bOList:
			tag := "ul"
			if bl.kind == bOList {
				tag = "ol"
			}
			b.WriteString("<" + tag + ">\n")
			for _, it := range bl.items {
				b.WriteString("<li>" + e(it) + "</li>\n")
			}
			b.WriteString("</" + tag + ">\n")
		case bTable:
			b.WriteString("<table>\n<thead><tr>")
			for _, h := range bl.head {
				b.WriteString("<th scope=\"col\">" + e(h) + "</th>")
			}
			b.WriteString("</tr></thead>\n<tbody>\n")
			for _, r := range bl.rows {
				b.WriteString("<tr>")
				for _, c := range r {
					b.WriteString("<td>" + e(c) + "</td>")
				}
				b.WriteString("</tr>\n")
			}
			b.WriteString("</tbody>\n</table>\n")
		}
	}
	b.WriteString("</main>\n</body>\n</html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// registerSection writes one controller's register of processing activities (AVG art. 30): its
// own activities, each with the provisions to other parties and the receipts from them.
func (k *Compiled) registerSection(d *docb, p *Party, level int) {
	c := k.c
	d.h(level, "register-"+p.Code, "Register van "+p.Name)
	n := 0
	for _, a := range c.ProcessingRegister {
		if a.Controller.Value != p.Code {
			continue
		}
		n++
		var recips []string
		for _, r := range a.Recipients {
			recips = append(recips, k.partyName(r.Value))
		}
		if len(recips) == 0 {
			recips = []string{"geen"}
		}
		d.h(level+1, "register-"+p.Code+"-"+a.ID, a.Name)
		d.table([]string{"Onderdeel", "Inhoud"}, [][]string{
			{"Id", k.ProcessingActivityURI(a.ID)},
			{"Verwerkingsverantwoordelijke", p.Name},
			{"Doel", k.purposeName(a.Purpose.Value)},
			{"Categorieën persoonsgegevens", k.catList(a.Categories)},
			{"Betrokkenen", strings.Join(a.DataSubjects, ", ")},
			{"Grondslag", a.Ground.String()},
			{"Ontvangers", strings.Join(recips, ", ")},
			{"Bewaartermijn", a.RetentionNote},
			{"Beveiliging", k.securitySummary()},
		})
		var prov, rec [][]string
		for i := range c.Exchanges {
			e := &c.Exchanges[i]
			if e.Forbidden || e.Recipient == nil {
				continue
			}
			if e.Activity.Value == a.ID {
				to := "—"
				if e.RecipientActivity.Value != "" {
					to = k.ProcessingActivityURI(e.RecipientActivity.Value)
				}
				prov = append(prov, []string{"verstrekking aan " + k.recipientText(e.Recipient), k.catList(e.Categories), e.Ground.String(), conditionText(e), e.ID, to})
			}
			if e.RecipientActivity.Value == a.ID {
				rec = append(rec, []string{"ontvangst van " + k.actorText(e), k.catList(e.Categories), conditionText(e), e.ID, k.ProcessingActivityURI(e.Activity.Value)})
			}
		}
		if len(prov) > 0 {
			d.table([]string{"Verstrekking", "Gegevens", "Grondslag", "Voorwaarden", "Regel", "Verwerking van de ontvanger"}, prov)
		}
		if len(rec) > 0 {
			d.table([]string{"Ontvangst", "Gegevens", "Voorwaarden", "Regel", "Verwerking van de verstrekker"}, rec)
		}
	}
	if n == 0 {
		d.p("Deze partij voert geen verwerkingen uit dit convenant uit.")
	}
}

// RenderRegister writes the register of processing activities (AVG art. 30) of one party, as
// that controller keeps it: only its own activities, with "verstrekking aan …" and "ontvangst
// van …". format is "md" or "html".
func RenderRegister(w io.Writer, k *Compiled, party, format string) error {
	p, ok := k.parties[party]
	if !ok {
		var codes []string
		for _, x := range k.c.Parties {
			codes = append(codes, x.Code)
		}
		return fmt.Errorf("onbekende partij %q; bekend zijn: %s", party, strings.Join(codes, ", "))
	}
	d := &docb{title: "Register van verwerkingsactiviteiten — " + p.Name}
	d.h(1, "register", d.title)
	d.p(fmt.Sprintf("Register als bedoeld in artikel 30 AVG van %s, voor de verwerkingen uit %s (versie %s, %s). Elke verstrekking staat hier als verstrekking aan de ontvanger; elke ontvangst onder de eigen verwerking.", p.Name, k.c.Meta.Name, k.c.Meta.Version, k.hash))
	k.registerSection(d, p, 2)
	switch format {
	case FormatMarkdown:
		return writeMarkdown(w, d)
	case FormatHTML:
		return writeHTML(w, d)
	case FormatPDF:
		return writePDF(w, d)
	}
	return fmt.Errorf("onbekend formaat %q; gebruik md, html of pdf", format)
}

var dutchMonths = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}

// dutchDate renders "2027-08-01" as "1 augustus 2027".
func dutchDate(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return fmt.Sprintf("%d %s %d", t.Day(), dutchMonths[t.Month()-1], t.Year())
}
