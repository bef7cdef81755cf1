package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/convenant"
)

func TestMag(t *testing.T) {
	type answer struct {
		Toegestaan  bool     `json:"toegestaan"`
		Grondslag   string   `json:"grondslag"`
		Artikel     string   `json:"artikel"`
		Voorwaarden []string `json:"voorwaarden"`
		Plichten    []string `json:"plichten"`
		Reden       string   `json:"reden"`
		Regel       string   `json:"regel"`
		Ontbreekt   string   `json:"ontbreekt"`
		Verstrekker string   `json:"verwerking_verstrekker"`
		Ontvanger   string   `json:"verwerking_ontvanger"`
	}
	cases := []struct {
		name, in string
		code     int
		allowed  bool
		ground   string
		article  string
		errField string
	}{
		{"leerplicht zonder melding", `{"actor":{"partij":"gemeente","rol":"leerplicht"},"handeling":"vastleggen","categorie":"verzuim","doel":"handhaving-leerplicht","context":{"duo_melding":false,"toestemming":false,"niveau":"persoon"}}`,
			0, false, "", "artikel 4 lid 2", ""},
		{"leerplicht met melding", `{"actor":{"partij":"gemeente","rol":"leerplicht"},"handeling":"vastleggen","categorie":"verzuim","doel":"handhaving-leerplicht","context":{"duo_melding":true,"niveau":"persoon"}}`,
			0, true, "AVG art. 6 lid 1 sub e (taak van algemeen belang of openbaar gezag); Leerplichtwet 1969 art. 16 (toezicht) en art. 21a (verzuimmelding)", "artikel 4 lid 2", ""},
		{"school meldt verzuim", `{"actor":{"partij":"school","rol":"directeur"},"handeling":"verstrekken","categorie":"verzuim","doel":"handhaving-leerplicht","ontvanger":{"partij":"gemeente","rol":"leerplicht"}}`,
			0, true, "AVG art. 6 lid 1 sub c (wettelijke verplichting); Leerplichtwet 1969 art. 21a; Besluit verzuimmelding", "artikel 4 lid 1", ""},
		{"onbekende categorie", `{"actor":{"partij":"school","rol":"directeur"},"handeling":"lezen","categorie":"religie","doel":"signalering"}`, 2, false, "", "", "categorie"},
		{"geen JSON", `mag ik dit delen?`, 2, false, "", "", ""},
		{"ontvanger ontbreekt", `{"actor":{"partij":"school","rol":"directeur"},"handeling":"verstrekken","categorie":"verzuim","doel":"handhaving-leerplicht"}`, 2, false, "", "", "ontvanger"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runConv(t, tc.in, "mag", "--json")
			if code != tc.code {
				t.Fatalf("exit %d, want %d (%s)", code, tc.code, stderr)
			}
			if code == 2 {
				if !strings.Contains(stderr, "ongeldige vraag") || (tc.errField != "" && !strings.Contains(stderr, "veld "+tc.errField+":")) {
					t.Fatalf("stderr noemt het veld niet: %s", stderr)
				}
				return
			}
			var a answer
			dec := json.NewDecoder(strings.NewReader(stdout))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&a); err != nil {
				t.Fatalf("%v: %s", err, stdout)
			}
			if a.Toegestaan != tc.allowed || a.Grondslag != tc.ground || a.Artikel != tc.article || a.Reden == "" || a.Voorwaarden == nil || a.Plichten == nil {
				t.Fatalf("antwoord %+v", a)
			}
		})
	}
}

func TestMagReadable(t *testing.T) {
	code, stdout, _ := runConv(t, `{"actor":{"partij":"ggd","rol":"jeugdarts"},"handeling":"verstrekken","categorie":"gezondheid","doel":"toeleiding","ontvanger":{"partij":"school","rol":"zorgcoordinator"}}`, "mag")
	if code != 0 || !strings.HasPrefix(stdout, "Nee, dit mag niet.\nNiet toegestaan zonder de juiste toestemming") || !strings.Contains(stdout, "Nodig:       toestemming: alle ouders met gezag (leerling jonger dan 12 jaar) of de leerling zelf (12 jaar of ouder)") {
		t.Fatalf("exit %d:\n%s", code, stdout)
	}
}

func TestMagWithConvenantFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.yaml")
	// The region chose: the jeugdarts shares no content at all (rule removed) — a prohibition
	// instead, and no buitenkant rule either.
	src := string(convenant.DefaultYAML())
	from, to := strings.Index(src, "  - id: jeugdarts-betrokkenheid-toestemming\n"), strings.Index(src, "  - id: jeugdarts-inhoud-swv\n")
	if from < 0 || to < from {
		t.Fatal("model.yaml: buitenkant rule of the jeugdarts not found")
	}
	src = src[:from] + src[to:]
	src = strings.Replace(src, `    grondslag: {avg: a, uitzondering: "9.2.a", wet: "WGBO art. 7:457 en 7:465 BW (beroepsgeheim; toestemming van de patiënt)"}
    voorwaarden: [toestemming]
    artikel: "4.5"`, `    verbod: true
    reden: In deze regio deelt de jeugdarts geen bevindingen.`, 1)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	in := `{"actor":{"partij":"ggd","rol":"jeugdarts"},"handeling":"verstrekken","categorie":"gezondheid","doel":"toeleiding","ontvanger":{"partij":"school","rol":"zorgcoordinator"},"context":{"toestemming":true}}`
	code, stdout, stderr := runConv(t, in, "mag", "--convenant", path, "--json")
	if code != 0 || !strings.Contains(stdout, `"toegestaan":false`) || !strings.Contains(stdout, "In deze regio deelt de jeugdarts geen bevindingen.") {
		t.Fatalf("exit %d: %s %s", code, stdout, stderr)
	}
	if code, _, _ := runConv(t, in, "mag", "--convenant", filepath.Join(dir, "bestaat-niet.yaml")); code != 1 {
		t.Fatalf("ontbrekend convenant: exit %d, want 1", code)
	}
}
