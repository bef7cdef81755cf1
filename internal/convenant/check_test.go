package convenant

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// at returns the line and column (1-based) of the nth (0-based) occurrence of needle in src,
// plus offset bytes: the expected position is computed from the text, not from the parser.
func at(t *testing.T, src, needle string, nth, offset int) string {
	t.Helper()
	i, from := -1, 0
	for n := 0; n <= nth; n++ {
		j := strings.Index(src[from:], needle)
		if j < 0 {
			t.Fatalf("%q niet gevonden (keer %d)", needle, n)
		}
		i = from + j
		from = i + 1
	}
	i += offset
	line := strings.Count(src[:i], "\n") + 1
	col := i - strings.LastIndex(src[:i], "\n")
	return fmt.Sprintf("c.yaml:%d:%d", line, col)
}

func mutate(t *testing.T, old, new string) string {
	t.Helper()
	src := string(DefaultYAML())
	if !strings.Contains(src, old) {
		t.Fatalf("tekst om te vervangen niet gevonden: %q", old)
	}
	return strings.Replace(src, old, new, 1)
}

func TestCheckErrors(t *testing.T) {
	cases := []struct {
		name string
		src  string
		// where returns FILE:line:column of the expected error
		where func(src string) string
		what  string // substring of the message
		mend  string // substring of the mend advice
	}{
		{
			name:  "onbekende categorie",
			src:   mutate(t, "categorieen: [identificatie, contact, verzuim]\n    doel: signalering", "categorieen: [identificatie, contact, verzuimm]\n    doel: signalering"),
			where: func(s string) string { return at(t, s, "verzuimm]", 0, 0) },
			what:  `onbekende categorie "verzuimm". Bedoelt u "verzuim"?`,
			mend:  "gebruik een categorie die in het convenant staat",
		},
		{
			name:  "regel zonder grondslag",
			src:   mutate(t, "    grondslag: {avg: e, wet: \"zorgplicht passend onderwijs (WPO art. 40 lid 4; WVO 2020)\"}\n    artikel: \"4.6\"\n    verwerking: leerlingbegeleiding-school\n  - id: school-toestemmingsregister", "    artikel: \"4.6\"\n    verwerking: leerlingbegeleiding-school\n  - id: school-toestemmingsregister"),
			where: func(s string) string { return at(t, s, "id: school-mentor-afspraken", 0, 0) },
			what:  `regel "school-mentor-afspraken" heeft geen grondslag`,
			mend:  "AVG art. 6 lid 1",
		},
		{
			name:  "bijzondere categorie zonder uitzondering uit art. 9",
			src:   mutate(t, `{avg: e, uitzondering: "9.2.g", wet: "UAVG art. 30 lid 1 sub a`, `{avg: e, wet: "UAVG art. 30 lid 1 sub a`),
			where: func(s string) string { return at(t, s, `avg: e, wet: "UAVG art. 30 lid 1 sub a`, 0, 0) },
			what:  "bijzondere persoonsgegevens (AVG art. 9) zonder uitzondering",
			mend:  "uitzondering: 9.2.x",
		},
		{
			name:  "doel dat niemand gebruikt",
			src:   mutate(t, "categorieen:\n  - code: identificatie", "  - code: nazorg\n    naam: Nazorg na terugkeer\ncategorieen:\n  - code: identificatie"),
			where: func(s string) string { return at(t, s, "code: nazorg", 0, 0) },
			what:  `doel "nazorg" wordt door geen enkele uitwisseling gebruikt`,
			mend:  "verwijder het doel",
		},
		{
			name: "verbod dat een toestemming altijd overstemt",
			src: mutate(t, "casusoverleg:\n  typen:", `  - id: verbod-melden
    verbod: true
    reden: Geen meldingen meer.
    partij: school
    handelingen: [verstrekken]
    categorieen: [identificatie, contact, verzuim]
    doel: handhaving-leerplicht
casusoverleg:
  typen:`),
			where: func(s string) string { return at(t, s, "id: school-verzuimmelding\n", 0, 0) },
			what:  `tegenstrijdige regels: "school-verzuimmelding" staat iets toe dat verbod "verbod-melden" altijd verbiedt`,
			mend:  "beperk verbod",
		},
		{
			name: "dezelfde uitwisseling op twee grondslagen",
			src: mutate(t, "casusoverleg:\n  typen:", `  - id: mentor-dubbel
    partij: school
    rollen: [mentor]
    handelingen: [lezen]
    categorieen: [verzuim]
    doel: signalering
    grondslag: {avg: c, wet: "Leerplichtwet 1969"}
    artikel: "4.6"
    verwerking: leerlingbegeleiding-school
casusoverleg:
  typen:`),
			where: func(s string) string { return at(t, s, "id: mentor-dubbel", 0, 0) },
			what:  `tegenstrijdige regels: "school-mentor" en "mentor-dubbel"`,
			mend:  "dezelfde grondslag",
		},
		{
			name:  "partij zonder rollen",
			src:   mutate(t, "doelen:\n", "  - code: kinderopvang\n    naam: Kinderopvang\n    organisaties:\n      - naam: Opvang BV\n        toegetreden: \"2026-01-01\"\ndoelen:\n"),
			where: func(s string) string { return at(t, s, "code: kinderopvang", 0, 0) },
			what:  `partij "kinderopvang" heeft geen rollen`,
			mend:  "rollen:",
		},
		{
			name:  "onbekende sleutel met suggestie",
			src:   mutate(t, "    plichten: [ouders-informeren]\n    artikel: \"12.1\"", "    plichtn: [ouders-informeren]\n    artikel: \"12.1\""),
			where: func(s string) string { return at(t, s, "plichtn:", 0, 0) },
			what:  `onbekende sleutel "plichtn" in een uitwisseling. Bedoelt u "plichten"?`,
			mend:  "verwijder de sleutel",
		},
		{
			name:  "artikellid bestaat niet",
			src:   mutate(t, `artikel: "12.1"`, `artikel: "12.9"`),
			where: func(s string) string { return at(t, s, `"12.9"`, 0, 0) },
			what:  "verwijst naar artikel 12 lid 9, maar dat lid bestaat niet",
			mend:  "artikel 12 heeft 2 leden",
		},
		{
			name:  "toestemming vereist maar niet geregeld voor het doel",
			src:   mutate(t, "  - doel: jeugdhulp\n    ouders: alle\n    leeftijd_eigen_toestemming: 16\n    leeftijd_mede_toestemming: 12\n    vormen: [schriftelijk, e-mail, digitaal]\n    geldig_maanden: 12\n", "  - doel: signalering\n    partij: swv\n    ouders: een\n    leeftijd_eigen_toestemming: 16\n"),
			where: func(s string) string { return at(t, s, "id: school-naar-jeugdhulp", 0, 0) },
			what:  `regel "school-naar-jeugdhulp" vereist toestemming, maar voor doel "jeugdhulp" staat niet wiens toestemming nodig is`,
			mend:  "ouders: een|alle",
		},
		{
			name:  "inhoud in een fase die dat niet toestaat",
			src:   mutate(t, "    casusfase: [overleg, plan-van-aanpak]\n    artikel: \"4.4\"\n    verwerking: jeugdhulp-casus\n    verwerking_ontvanger: jeugdhulp-samenwerking-school\n  - id: jeugdhulp-inhoud-swv", "    casusfase: [aanmelding]\n    artikel: \"4.4\"\n    verwerking: jeugdhulp-casus\n    verwerking_ontvanger: jeugdhulp-samenwerking-school\n  - id: jeugdhulp-inhoud-swv"),
			where: func(s string) string { return at(t, s, "[aanmelding]", 0, 1) },
			what:  `in fase "aanmelding" de inhoud van "jeugdhulp" verstrekken, maar bijlage 3`,
			mend:  "omvang inhoud",
		},
		{
			name:  "monitoring op persoonsniveau",
			src:   mutate(t, "    niveau: [school, geaggregeerd]\n    artikel: \"3.3\"\n    verwerking: monitoring-thuiszitters\n  - id: monitoring-gemeente", "    artikel: \"3.3\"\n    verwerking: monitoring-thuiszitters\n  - id: monitoring-gemeente"),
			where: func(s string) string { return at(t, s, "id: monitoring-swv", 0, 0) },
			what:  `staat voor doel "monitoring" gegevens op persoonsniveau toe, maar dat doel is alleen_geaggregeerd`,
			mend:  "niveau: [school, geaggregeerd]",
		},
		{
			name:  "categorie zonder bewaartermijn",
			src:   mutate(t, "  - categorie: contact\n    termijn: 2j\n    vanaf: uitschrijving\n    bron: Leerlingdossier (2 jaar na vertrek van school)\n    afwijkend:\n      - partij: ggd\n        termijn: 20j\n        vanaf: laatste-wijziging\n        bron: BW art. 7:454 lid 3 (dossier jeugdgezondheidszorg)\n", ""),
			where: func(s string) string { return at(t, s, "code: contact", 0, 0) },
			what:  `categorie "contact" heeft geen bewaartermijn`,
			mend:  "bewaartermijnen:",
		},
		{
			name:  "categorie ontbreekt in het verwerkingsregister",
			src:   mutate(t, "categorieen: [identificatie, onderwijs, verzuim, gezinssituatie, ondersteuningsbehoefte, gezondheid, casusverslag, afspraken]", "categorieen: [identificatie, verzuim, gezinssituatie, ondersteuningsbehoefte, gezondheid, casusverslag, afspraken]"),
			where: func(s string) string { return at(t, s, "onderwijs, verzuim, ondersteuningsbehoefte]", 0, 0) },
			what:  `verwerkt categorie "onderwijs", maar verwerking "ondersteuning-school" vermeldt die categorie niet`,
			mend:  "verwerkingsregister",
		},
		{
			name:  "onbekende grondslag",
			src:   mutate(t, `grondslag: {avg: c, wet: "Leerplichtwet 1969 art. 21a; Besluit verzuimmelding"}`, `grondslag: {avg: g, wet: "Leerplichtwet 1969 art. 21a; Besluit verzuimmelding"}`),
			where: func(s string) string { return at(t, s, `avg: g`, 0, 0) },
			what:  `grondslag "g" van regel "school-verzuimmelding" bestaat niet`,
			mend:  "a tot en met f",
		},
		{
			name:  "termijn onleesbaar",
			src:   mutate(t, "termijn: 5j\n    vanaf: uitschrijving", "termijn: vijf jaar\n    vanaf: uitschrijving"),
			where: func(s string) string { return at(t, s, "vijf jaar", 0, 0) },
			what:  `termijn "vijf jaar" is ongeldig`,
			mend:  "5j, 18m",
		},
		{
			name: "YAML-syntaxfout",
			src:  mutate(t, "  naam: Privacyconvenant", "  naam: [Privacyconvenant"),
			// the parser notices the unclosed list at the next key
			where: func(s string) string { return at(t, s, "versie:", 0, 0) },
			what:  "YAML kan niet gelezen worden",
			mend:  "inspringing",
		},
		{
			name:  "ankers worden geweigerd",
			src:   mutate(t, "standaard_plichten: [vastleggen-in-audit]", "standaard_plichten: &p [vastleggen-in-audit]"),
			where: func(s string) string { return at(t, s, "&p", 0, 0) },
			what:  "ankers en verwijzingen",
			mend:  "schrijf de waarden uit",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load([]byte(tc.src), "c.yaml")
			var ce *Error
			if !errors.As(err, &ce) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("Load = %v, want *Error", err)
			}
			want := tc.where(tc.src)
			for _, d := range ce.Diagnostics {
				s := d.String()
				if d.Severity == SevError && strings.HasPrefix(s, want+": fout: ") && strings.Contains(d.What, tc.what) && strings.Contains(d.Mend, tc.mend) {
					return
				}
			}
			for _, d := range ce.Diagnostics {
				t.Log(d.String())
			}
			t.Fatalf("verwachte fout op %s met %q (herstel: %q) niet gevonden", want, tc.what, tc.mend)
		})
	}
}

func TestDefaultModelIsClean(t *testing.T) {
	k, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if w := k.Warnings(); len(w) > 0 {
		t.Fatalf("het modelconvenant geeft waarschuwingen: %v", w)
	}
	// The codes the issue fixes for other tools.
	for _, p := range []string{"school", "swv", "gemeente", "jeugdhulp", "ggd"} {
		if _, ok := k.Party(p); !ok {
			t.Errorf("partij %q ontbreekt", p)
		}
	}
	roles := map[string][]string{"school": {"zorgcoordinator", "mentor", "directeur", "fg"}, "swv": {"swv-consulent", "onderwijsconsulent", "fg"},
		"gemeente": {"leerplicht", "fg"}, "jeugdhulp": {"jeugdhulpverlener", "fg"}, "ggd": {"jeugdarts", "fg"}}
	for p, rs := range roles {
		for _, r := range rs {
			if _, ok := k.Role(p, r); !ok {
				t.Errorf("rol %s/%s ontbreekt", p, r)
			}
		}
	}
	for _, c := range []string{"signalering", "toeleiding", "handhaving-leerplicht", "jeugdhulp", "monitoring"} {
		if _, ok := k.Purpose(c); !ok {
			t.Errorf("doel %q ontbreekt", c)
		}
	}
	for _, c := range []string{"identificatie", "contact", "onderwijs", "verzuim", "gezinssituatie", "ondersteuningsbehoefte", "gezondheid", "jeugdhulp", "strafrechtelijk", "casusverslag", "afspraken", "toestemming"} {
		if _, ok := k.Category(c); !ok {
			t.Errorf("categorie %q ontbreekt", c)
		}
		if _, ok := k.Retention(c, ""); !ok {
			t.Errorf("bewaartermijn voor %q ontbreekt", c)
		}
	}
	if !k.Special("gezondheid") || !k.Special("strafrechtelijk") || k.Special("verzuim") {
		t.Error("Special klopt niet")
	}
	var phases []string
	for _, p := range k.Phases() {
		phases = append(phases, p.Code)
	}
	if got := strings.Join(phases, ","); got != "aanmelding,voorbereiding,overleg,plan-van-aanpak,uitvoering-en-evaluatie,afsluiting" {
		t.Errorf("fasen = %s", got)
	}
	for _, ct := range []string{"mdo", "zat", "thuiszittersoverleg", "doorbraakoverleg"} {
		if _, ok := k.CaseType(ct); !ok {
			t.Errorf("type casusoverleg %q ontbreekt", ct)
		}
	}
	if r, _ := k.Retention("verzuim", "gemeente"); r.Period != (Period{Years: 19}) || r.From != "geboortedatum" {
		t.Errorf("bewaartermijn verzuim bij gemeente = %+v", r)
	}
	if r, _ := k.Retention("verzuim", "school"); r.Period != (Period{Years: 5}) || r.From != "uitschrijving" {
		t.Errorf("bewaartermijn verzuim bij school = %+v", r)
	}
	if s := k.Security(); !s.MFARequired || s.SessionIdle.Minutes() != 30 || s.SessionAbsolute.Hours() != 8 {
		t.Errorf("beveiliging = %+v", s)
	}
	if cr, ok := k.ConsentRule("jeugdhulp"); !ok || cr.Parents != ParentsAll || cr.OwnAge != 16 || cr.JointAge != 12 {
		t.Errorf("toestemming jeugdhulp = %+v", cr)
	}
	if a, ok := k.ProcessingActivity("verzuimmelding"); !ok || a.Ground.Basis != "c" {
		t.Errorf("verwerking verzuimmelding = %+v", a)
	}
	if got := k.ProcessingActivityURI("verzuimmelding"); got != "urn:grondslag:regio-voorbeeld:verwerking:verzuimmelding" {
		t.Errorf("URI = %s", got)
	}
}

func TestParsePeriod(t *testing.T) {
	good := map[string]Period{"5j": {Years: 5}, "18m": {Months: 18}, "2j6m": {Years: 2, Months: 6}, "30d": {Days: 30}, "1j1m1d": {1, 1, 1}}
	for s, want := range good {
		if p, err := ParsePeriod(s); err != nil || p != want {
			t.Errorf("ParsePeriod(%q) = %v, %v", s, p, err)
		}
	}
	for _, s := range []string{"", "5", "j", "5x", "6m2j", "0j", "5j5j", "99999j"} {
		if _, err := ParsePeriod(s); err == nil {
			t.Errorf("ParsePeriod(%q) gaf geen fout", s)
		}
	}
}

func FuzzLoad(f *testing.F) {
	// Small seeds: the fuzzer minimises every new input, and the 40 kB model is slow to
	// minimise. The model itself is covered by TestDefaultModelIsClean.
	f.Add([]byte("convenant: {naam: x, versie: \"1\"}\nartikelen:\n  - {nummer: 1, titel: a, leden: [b]}\npartijen:\n  - code: school\n    naam: S\n    rollen: [{code: zc, naam: Z}]\ndoelen: [{code: d, naam: D}]\ncategorieen: [{code: c, naam: C, soort: bijzonder}]\nuitwisselingen:\n  - {id: r, partij: school, handelingen: [lezen], categorieen: [c], doel: d, grondslag: {avg: e, uitzondering: 9.2.g}, artikel: \"1.1\", verwerking: v}\nbewaartermijnen: [{categorie: c, termijn: 2j, vanaf: uitschrijving}]\nbeveiliging: {mfa_verplicht: true, sessieduur: {inactief: 30m, absoluut: 8u}}\ncasusoverleg: {typen: [], fasen: []}\nverwerkingsregister: [{id: v, naam: V, verantwoordelijke: school, doel: d, partijen: [school], categorieen: [c], grondslag: {avg: e, uitzondering: 9.2.g}}]\n"))
	f.Add([]byte("a: &x [1]\nb: *x\n"))
	f.Add([]byte("partijen:\n  - code: school\n    rollen: []\n"))
	f.Add([]byte("- 1\n- 2\n"))
	f.Add([]byte("---\na: 1\n---\nb: 2\n"))
	f.Add([]byte("uitwisselingen:\n  - {id: x, partij: school, grondslag: {avg: z}}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		k, err := Load(src, "f.yaml")
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) || len(ce.Diagnostics) == 0 {
				t.Fatalf("fout zonder diagnose: %v", err)
			}
			for _, d := range ce.Diagnostics {
				if d.Pos.Line < 1 || d.Pos.Col < 1 || d.What == "" {
					t.Fatalf("diagnose zonder positie of tekst: %+v", d)
				}
			}
			return
		}
		if k.Hash() == "" {
			t.Fatal("geen hash")
		}
	})
}
