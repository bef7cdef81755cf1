package convenant

import (
	"strings"
	"testing"
)

// TestCheckWarnsLegalReview: `convenant check` warns about what the legal review found (issue
// 14): health or youth-care data shared without consent or a named statutory exception, a
// casusoverleg without parents, a retention period shorter than the law's minimum, and a
// disclosure that does not say under which activity the recipient receives it.
func TestCheckWarnsLegalReview(t *testing.T) {
	old := `    grondslag: {avg: c, uitzondering: "9.2.g", wet: "Jeugdwet afdeling 7.1.4 (verwijsindex risicojongeren: afstemming na een match) (check)"}
    voorwaarden: [verwijsindex, buitenkant]`
	cases := []struct {
		name, from, to, want string
	}{
		{"jeugdhulp buitenkant zonder toestemming en zonder wetsartikel (review punt 1)", old,
			"    grondslag: {avg: e, uitzondering: \"9.2.g\", wet: \"Jeugdwet (melding van betrokkenheid)\"}\n    voorwaarden: [buitenkant]",
			`regel "jeugdhulp-betrokkenheid-verwijsindex" verstrekt jeugdhulp zonder toestemming en zonder een met name genoemde wettelijke uitzondering`},
		{"overleg zonder ouders (seed 004)", "      partijen: [school, swv, ggd, jeugdhulp]\n      ouders_uitgenodigd: true\n",
			"      partijen: [school, swv, ggd, jeugdhulp]\n      ouders_uitgenodigd: false\n", `casusoverleg "mdo" is een overleg zonder ouders`},
		{"JGZ-dossier korter dan 20 jaar (review punt 5)", "      - partij: ggd\n        termijn: 20j\n        vanaf: laatste-wijziging\n        bron: BW art. 7:454 lid 3 (dossier jeugdgezondheidszorg, 20 jaar na de laatste wijziging)\n  - categorie: jeugdhulp",
			"      - partij: ggd\n        termijn: 2j\n        vanaf: uitschrijving\n        bron: oud\n  - categorie: jeugdhulp", `de bewaartermijn van "gezondheid" bij ggd (2 jaar) is korter dan de wettelijke minimumtermijn van 20 jaar`},
		{"ontvanger zonder eigen verwerking (review punt 4)", "    verwerking: leerlingbegeleiding-school\n    verwerking_ontvanger: jgz-ziekteverzuim\n",
			"    verwerking: leerlingbegeleiding-school\n", `noemt niet onder welke eigen verwerking de ontvanger "ggd" de gegevens ontvangt`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := string(DefaultYAML())
			if !strings.Contains(src, tc.from) {
				t.Fatalf("tekst om te vervangen niet gevonden: %q", tc.from)
			}
			k, err := Load([]byte(strings.Replace(src, tc.from, tc.to, 1)), "c.yaml")
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range k.Warnings() {
				if d.Severity == SevWarning && strings.Contains(d.What, tc.want) {
					return
				}
			}
			t.Fatalf("waarschuwing %q niet gegeven; wel: %v", tc.want, k.Warnings())
		})
	}
}

// TestCheckErrorsLegalReview: a rule filed under another party's activity (the register mixed
// controllers, review point 4) and a melding for a child who is not enrolled are errors.
func TestCheckErrorsLegalReview(t *testing.T) {
	cases := []struct{ name, from, to, want string }{
		{"verstrekking onder de verwerking van de ontvanger", "    artikel: \"4.4\"\n    verwerking: jeugdhulp-samenwerking-school\n    verwerking_ontvanger: jeugdhulp-casus",
			"    artikel: \"4.4\"\n    verwerking: jeugdhulp-casus\n    verwerking_ontvanger: jeugdhulp-casus", `maar verwerking "jeugdhulp-casus" is van verwerkingsverantwoordelijke "jeugdhulp"`},
		{"melding voor een niet ingeschreven kind", "    voorwaarden: [niet-ingeschreven]\n    niveau: [persoon]", "    voorwaarden: [niet-ingeschreven, duo-melding]\n    niveau: [persoon]", "die melding kan niet bestaan"},
		{"onbekende regionale schakelaar", "    alleen_als: leerplicht_naar_swv_niet_ingeschreven", "    alleen_als: mazl_lesweken", "geen aan/uit-instelling"},
		{"geldig_tot voor geldig_vanaf", "    leeftijd: {vanaf: 18, tot: 23}\n    plichten: [ouders-informeren]", "    leeftijd: {vanaf: 18, tot: 23}\n    geldig_vanaf: \"2027-08-01\"\n    geldig_tot: \"2027-01-01\"\n    plichten: [ouders-informeren]", "vóór de datum waarop zij ingaat"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := string(DefaultYAML())
			if !strings.Contains(src, tc.from) {
				t.Fatalf("tekst om te vervangen niet gevonden: %q", tc.from)
			}
			_, err := Load([]byte(strings.Replace(src, tc.from, tc.to, 1)), "c.yaml")
			if err == nil || !strings.Contains(err.Error()+errorList(err), tc.want) {
				t.Fatalf("verwacht een fout met %q, kreeg %v", tc.want, err)
			}
		})
	}
}

func errorList(err error) string {
	e, ok := err.(*Error)
	if !ok {
		return ""
	}
	var b strings.Builder
	for _, d := range e.Diagnostics {
		b.WriteString(d.String() + "\n")
	}
	return b.String()
}

// TestRegionalSettings: the model states every switch; a region's file may change them.
func TestRegionalSettings(t *testing.T) {
	k, _ := Default()
	r := k.Regional()
	if r.LongSickToLeerplicht || r.LongSickDays != 15 || r.MAZLReports != 4 || r.MAZLWeeks != 12 || r.MAZLConsecutiveDays != 7 || !r.LeerplichtToSWVNotEnrolled || r.FirstContactDays != 5 {
		t.Fatalf("modelinstellingen: %+v", r)
	}
	for _, key := range RegionalKeys {
		if !r.Set[key] {
			t.Errorf("het model noemt %q niet", key)
		}
	}
	src := strings.Replace(string(DefaultYAML()), "langdurig_ziekteverzuim_naar_leerplicht: false", "langdurig_ziekteverzuim_naar_leerplicht: true", 1)
	src = strings.Replace(src, "mazl_lesweken: 12", "mazl_lesweken: 13", 1)
	src = strings.Replace(src, "leerplicht_eerste_contact_schooldagen: 5", "leerplicht_eerste_contact_schooldagen: 3", 1)
	k2, err := Load([]byte(src), "amsterdam.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if r := k2.Regional(); !r.LongSickToLeerplicht || r.MAZLWeeks != 13 || r.FirstContactDays != 3 {
		t.Fatalf("regionale keuze niet gelezen: %+v", r)
	}
	bad := strings.Replace(string(DefaultYAML()), "mazl_lesweken: 12", "mazl_lesweek: 12", 1)
	if _, err := Load([]byte(bad), "x.yaml"); err == nil || !strings.Contains(errorList(err), "mazl_lesweken") {
		t.Fatalf("onbekende sleutel niet gemeld: %v", err)
	}
}

// TestJGZRetention: review point 5 — the JGZ file is kept 20 years after the last change.
func TestJGZRetention(t *testing.T) {
	k, _ := Default()
	for _, c := range []string{"gezondheid", "identificatie", "contact", "verzuim", "afspraken"} {
		r, ok := k.Retention(c, "ggd")
		if !ok || r.Period.Years != 20 || r.From != "laatste-wijziging" || !strings.Contains(r.Source, "7:454") {
			t.Errorf("%s bij ggd: %+v", c, r)
		}
	}
}

// TestRenderPDF: the convenant and a party's register render as PDF too (issue 14: HTML and
// PDF), deterministically; the text itself is checked through the Markdown/HTML goldens, which
// share the document blocks.
func TestRenderPDF(t *testing.T) {
	k, _ := Default()
	var a, b strings.Builder
	if err := Render(&a, k, FormatPDF); err != nil {
		t.Fatal(err)
	}
	if err := Render(&b, k, FormatPDF); err != nil {
		t.Fatal(err)
	}
	out := a.String()
	if !strings.HasPrefix(out, "%PDF-1.") || a.String() != b.String() {
		t.Fatal("geen deterministische PDF")
	}
	// Two renders within one second are equal even with the clock in them: the dates must be fixed.
	if !strings.Contains(out, "/ModDate (D:20260101000000") {
		t.Error("ModDate is not the fixed date: the PDF depends on the clock")
	}
	if n := strings.Count(out, "/Type /Page\n"); n < 20 {
		t.Fatalf("PDF heeft %d pagina's; het convenant met bijlagen is langer", n)
	}
	var r strings.Builder
	if err := RenderRegister(&r, k, "ggd", FormatPDF); err != nil || !strings.HasPrefix(r.String(), "%PDF-1.") {
		t.Fatalf("register als PDF: %v", err)
	}
	// Every article title appears in the text the PDF is made from.
	var md strings.Builder
	_ = Render(&md, k, FormatMarkdown)
	for _, title := range []string{"Doelgroep", "Leeftijd en toestemming", "Meldcode en Veilig Thuis", "Datalekken", "Klachten en geschillen", "Hostende partij als verwerker", "Bewaren van het logboek"} {
		if !strings.Contains(md.String(), title) {
			t.Errorf("artikel %q ontbreekt in de tekst", title)
		}
	}
	for _, w := range []string{"onweerlegbaar", "worden geïnformeerd"} {
		if strings.Contains(strings.ToLower(md.String()), w) {
			t.Errorf("de tekst bevat %q (review punt 7/9)", w)
		}
	}
}

// TestRegionalVersions: a region states later versions of its signal switches, each from a date
// (versies: geldig_vanaf); each version carries the earlier values it does not change; On picks
// the version in force on a day, the boundary day itself belonging to the new version.
func TestRegionalVersions(t *testing.T) {
	src := mutate(t, "  leerplicht_eerste_contact_schooldagen: 5\n", `  leerplicht_eerste_contact_schooldagen: 5
  versies:
    - geldig_vanaf: 2026-08-01
      langdurig_ziekteverzuim_naar_leerplicht: true
      langdurig_ziekteverzuim_na_schooldagen: 10
    - geldig_vanaf: 2027-08-01
      mazl_aaneengesloten_schooldagen: 5
`)
	k, err := Load([]byte(src), "regio.yaml")
	if err != nil {
		t.Fatal(errorList(err))
	}
	r := k.Regional()
	if len(r.Versions) != 2 {
		t.Fatalf("versies: %+v", r.Versions)
	}
	for _, c := range []struct {
		day      string
		long     bool
		days, mc int
	}{
		{"", false, 15, 7},
		{"2026-07-31", false, 15, 7},
		{"2026-08-01", true, 10, 7}, // the boundary day: the new version
		{"2027-07-31", true, 10, 7},
		{"2027-08-01", true, 10, 5}, // the second version keeps the first's values it does not name
	} {
		got := r.On(c.day)
		if got.LongSickToLeerplicht != c.long || got.LongSickDays != c.days || got.MAZLConsecutiveDays != c.mc || got.MAZLReports != 4 || got.FirstContactDays != 5 {
			t.Errorf("op %q: %+v", c.day, got)
		}
	}
	if !r.Versions[1].Set[keyMAZLConsecutive] || r.Versions[1].Set[keyLongSick] {
		t.Errorf("Set van versie 2: %v", r.Versions[1].Set)
	}
	var md strings.Builder
	if err := Render(&md, k, "md"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "| 1 augustus 2027 | ja | 10 | 4 | 12 | 5 |") {
		t.Errorf("bijlage 6 toont de versies niet:\n%s", md.String())
	}
}

// TestRegionalVersionErrors: every mistake in versies is reported with its place and a mend.
func TestRegionalVersionErrors(t *testing.T) {
	const anchor = "  leerplicht_eerste_contact_schooldagen: 5\n"
	for _, c := range []struct{ name, versions, needle, what, mend string }{
		{"geen datum", "    - mazl_lesweken: 13\n", "mazl_lesweken: 13", `mist het verplichte veld "geldig_vanaf"`, "geldig_vanaf"},
		{"geen datum maar tekst", "    - geldig_vanaf: 1-8-2027\n      mazl_lesweken: 13\n", "1-8-2027", `geldig_vanaf "1-8-2027" van versie 1 van regionale_instellingen is geen geldige datum`, "JJJJ-MM-DD"},
		{"onbestaande datum", "    - geldig_vanaf: 2027-02-30\n      mazl_lesweken: 13\n", "2027-02-30", "is geen geldige datum", "JJJJ-MM-DD"},
		{"volgorde", "    - geldig_vanaf: 2027-08-01\n      mazl_lesweken: 13\n    - geldig_vanaf: 2027-08-01\n      mazl_lesweken: 14\n", "2027-08-01\n      mazl_lesweken: 14", "versie 2 van regionale_instellingen begint op 2027-08-01, niet na de vorige versie (2027-08-01)", "op volgorde van datum"},
		{"niets veranderd", "    - geldig_vanaf: 2027-08-01\n", "geldig_vanaf: 2027", "verandert niets", "mazl_lesweken"},
		{"geen verzuimregel", "    - geldig_vanaf: 2027-08-01\n      leerplicht_eerste_contact_schooldagen: 3\n", "leerplicht_eerste_contact_schooldagen: 3", `onbekende sleutel "leerplicht_eerste_contact_schooldagen" in versie 1 van regionale_instellingen`, "mazl_lesweken"},
		{"te klein", "    - geldig_vanaf: 2027-08-01\n      mazl_ziekmeldingen: 1\n", "1\n", `"mazl_ziekmeldingen" in versie 1 van regionale_instellingen moet 2 of meer zijn`, "2 of meer"},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := mutate(t, anchor, anchor+"  versies:\n"+c.versions)
			_, err := Load([]byte(src), "c.yaml")
			if err == nil {
				t.Fatal("geen fout")
			}
			list := errorList(err)
			where := at(t, src, c.needle, 0, 0)
			if c.name == "te klein" {
				where = at(t, src, "mazl_ziekmeldingen: 1", 0, len("mazl_ziekmeldingen: "))
			}
			if !strings.Contains(list, where) || !strings.Contains(list, c.what) || !strings.Contains(list, c.mend) {
				t.Errorf("verwacht %s: %s (%s), kreeg:\n%s", where, c.what, c.mend, list)
			}
		})
	}
}
