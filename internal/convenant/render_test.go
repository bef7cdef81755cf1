package convenant

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "werk de golden files in testdata bij")

func TestRenderGolden(t *testing.T) {
	k, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{FormatMarkdown, FormatHTML} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Render(&buf, k, format); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "model."+format)
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (maak de golden file met: go test ./internal/convenant -run TestRenderGolden -update)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Fatalf("uitvoer wijkt af van %s; bekijk het verschil en werk bij met -update", golden)
			}
		})
	}
}

// TestRenderContent checks what a lawyer looks for, independent of the golden files.
func TestRenderContent(t *testing.T) {
	k, _ := Default()
	var buf bytes.Buffer
	if err := Render(&buf, k, FormatMarkdown); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"# Privacyconvenant Onderwijs – Gemeenten – Jeugdhulp",
		"### Artikel 4. Grondslagen",
		"## Bijlage 2. Gegevens per doel en partij, met grondslag",
		"### Fase 3. Overleg",
		"## Bijlage 4. Bewaartermijnen",
		"| Verzuimgegevens | Gemeenten | 19 jaar na de geboortedatum | VNG Selectielijst 2020, 12.1.3 (leerplichtdossier) |",
		"## Bijlage 5. Verwerkingsregister per partij (artikel 30 AVG)",
		"### Register van Gemeenten",
		"urn:grondslag:regio-voorbeeld:verwerking:leerplicht-handhaving",
		"## Bijlage 7. Aanzet voor de DPIA",
		"| jeugdarts-inhoud |",
		"Meerfactorauthenticatie is verplicht",
		"> Verbod",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("render mist %q", want)
		}
	}
	// The DPIA table lists rules with special, criminal or sensitive data (family situation,
	// absence: DOMAIN.md, legal review), not the others.
	dpia := out[strings.Index(out, "## Bijlage 7"):]
	if strings.Contains(dpia, "| school-toestemmingsregister |") || !strings.Contains(dpia, "| gi-jeugdreclassering |") ||
		!strings.Contains(dpia, "| school-leerlingbegeleiding |") || !strings.Contains(dpia, "verzuimgegevens, gezinssituatie") {
		t.Error("DPIA-aanzet bevat de verkeerde regels")
	}
	var h bytes.Buffer
	if err := Render(&h, k, FormatHTML); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h.String(), "<!DOCTYPE html>\n<html lang=\"nl\">") || strings.Contains(h.String(), "<script") {
		t.Error("HTML-kop klopt niet")
	}
	if err := Render(&h, k, "docx"); err == nil {
		t.Error("onbekend formaat gaf geen fout")
	}
}
