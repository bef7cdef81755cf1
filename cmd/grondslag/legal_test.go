package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestMagContextFacts: `grondslag mag` takes the facts the legal rules need (issue 14) and
// explains a denial with the route that would be lawful.
func TestMagContextFacts(t *testing.T) {
	cases := []struct {
		name, in    string
		code        int
		allowed     bool
		rule, route string
	}{
		{"jeugdarts, kind van 13, één ouder: nee, de leerling zelf",
			`{"actor":{"partij":"ggd","rol":"jeugdarts"},"handeling":"verstrekken","categorie":"gezondheid","doel":"toeleiding","ontvanger":{"partij":"school","rol":"zorgcoordinator"},"context":{"leeftijd":13,"toestemming_door":["ouder"]}}`,
			0, false, "jeugdarts-inhoud", "de leerling zelf"},
		{"jeugdarts, geboortedatum en peildatum: 12 geworden, eigen toestemming",
			`{"actor":{"partij":"ggd","rol":"jeugdarts"},"handeling":"verstrekken","categorie":"gezondheid","doel":"toeleiding","ontvanger":{"partij":"school","rol":"zorgcoordinator"},"context":{"geboortedatum":"2014-12-03","peildatum":"2026-12-03","toestemming_door":["leerling"]}}`,
			0, true, "jeugdarts-inhoud", ""},
		{"jeugdhulp zonder toestemming: route Verwijsindex en meldcode",
			`{"actor":{"partij":"jeugdhulp","rol":"jeugdhulpverlener"},"handeling":"verstrekken","categorie":"jeugdhulp","doel":"jeugdhulp","ontvanger":{"partij":"school","rol":"zorgcoordinator"},"context":{"leeftijd":10}}`,
			0, false, "jeugdhulp-betrokkenheid-toestemming", "Verwijsindex"},
		{"jeugdhulp na een Verwijsindex-match",
			`{"actor":{"partij":"jeugdhulp","rol":"jeugdhulpverlener"},"handeling":"verstrekken","categorie":"jeugdhulp","doel":"jeugdhulp","ontvanger":{"partij":"school","rol":"zorgcoordinator"},"context":{"verwijsindex":true}}`,
			0, true, "jeugdhulp-betrokkenheid-verwijsindex", ""},
		{"niet ingeschreven: absoluut verzuim zonder melding",
			`{"actor":{"partij":"gemeente","rol":"leerplicht"},"handeling":"vastleggen","categorie":"verzuim","doel":"absoluut-verzuim","context":{"ingeschreven":false,"leeftijd":9}}`,
			0, true, "leerplicht-absoluut-verzuim", ""},
		{"18-jarige: geen verzuimmelding, wel RMC",
			`{"actor":{"partij":"school","rol":"directeur"},"handeling":"verstrekken","categorie":"verzuim","doel":"handhaving-leerplicht","ontvanger":{"partij":"gemeente","rol":"leerplicht"},"context":{"leeftijd":18}}`,
			0, false, "school-verzuimmelding", "RMC"},
		{"onbekende gever van toestemming", `{"actor":{"partij":"ggd","rol":"jeugdarts"},"handeling":"verstrekken","categorie":"gezondheid","doel":"toeleiding","ontvanger":{"partij":"school","rol":"zorgcoordinator"},"context":{"leeftijd":13,"toestemming_door":["oma"]}}`,
			2, false, "", "toestemming_door"},
		{"melding voor een niet ingeschreven kind is tegenstrijdig", `{"actor":{"partij":"gemeente","rol":"leerplicht"},"handeling":"lezen","categorie":"verzuim","doel":"handhaving-leerplicht","context":{"ingeschreven":false,"duo_melding":true}}`,
			2, false, "", "duo_melding"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runConv(t, tc.in, "mag", "--json")
			if code != tc.code {
				t.Fatalf("exit %d, want %d: %s %s", code, tc.code, stdout, stderr)
			}
			if code == 2 {
				if !strings.Contains(stderr, tc.route) {
					t.Fatalf("stderr noemt %q niet: %s", tc.route, stderr)
				}
				return
			}
			var a struct {
				Toegestaan bool   `json:"toegestaan"`
				Reden      string `json:"reden"`
				Regel      string `json:"regel"`
			}
			if err := json.Unmarshal([]byte(stdout), &a); err != nil {
				t.Fatal(err)
			}
			if a.Toegestaan != tc.allowed || a.Regel != tc.rule || !strings.Contains(a.Reden, tc.route) {
				t.Fatalf("antwoord %+v", a)
			}
		})
	}
}

// TestToestemmingNodigPartij: the WGBO ages apply to the GGD and jeugdhulp, not to the school.
func TestToestemmingNodigPartij(t *testing.T) {
	ask := func(party string) (string, int) {
		in := `{"geboortedatum":"2012-05-01","peildatum":"2026-12-03","doel":"toeleiding","gezaghebbenden":2` + party + `}`
		code, out, _ := runConv(t, in, "toestemming", "nodig", "--json")
		return out, code
	}
	if out, code := ask(`,"partij":"ggd"`); code != 0 || !strings.Contains(out, `"leerling":true,"ouders":"geen"`) {
		t.Fatalf("ggd, 14 jaar: exit %d %s", code, out)
	}
	if out, code := ask(`,"partij":"school"`); code != 0 || !strings.Contains(out, `"leerling":false,"ouders":"een"`) {
		t.Fatalf("school, 14 jaar: exit %d %s", code, out)
	}
	if out, code := ask(``); code != 0 || !strings.Contains(out, `"leerling":false,"ouders":"een"`) {
		t.Fatalf("zonder partij: exit %d %s", code, out)
	}
	if _, code := ask(`,"partij":"buurman"`); code != 2 {
		t.Fatalf("onbekende partij: exit %d", code)
	}
}

// TestConvenantRenderRegisterPerParty: every party renders its own register (AVG art. 30);
// a disclosure is a provision at the discloser and a receipt at the recipient.
func TestConvenantRenderRegisterPerParty(t *testing.T) {
	path := t.TempDir() + "/c.yaml"
	if code, _, stderr := runConv(t, "", "convenant", "init", path); code != 0 {
		t.Fatal(stderr)
	}
	code, out, stderr := runConv(t, "", "convenant", "render", path, "--register", "ggd")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"# Register van verwerkingsactiviteiten — GGD", "verwerking:jgz-ziekteverzuim", "verstrekking aan Scholen", "| jeugdarts-inhoud |", "ontvangst van Scholen", "| school-naar-jeugdarts |"} {
		if !strings.Contains(out, want) {
			t.Errorf("register ggd mist %q", want)
		}
	}
	// Only the GGD's own activities: not the school's or the gemeente's.
	if strings.Contains(out, "### Leerlingbegeleiding") || strings.Contains(out, "### Toezicht op de leer") {
		t.Errorf("register ggd bevat verwerkingen van andere verwerkingsverantwoordelijken")
	}
	code, out, _ = runConv(t, "", "convenant", "render", path, "--register", "school", "--formaat", "html")
	if code != 0 || !strings.Contains(out, "<html") || !strings.Contains(out, "verstrekking aan GGD") || !strings.Contains(out, "ontvangst van GGD") {
		t.Fatalf("register school (html): exit %d", code)
	}
	if code, _, stderr := runConv(t, "", "convenant", "render", path, "--register", "buurman"); code != 2 || !strings.Contains(stderr, "onbekende partij") {
		t.Fatalf("onbekende partij: exit %d %s", code, stderr)
	}
}
