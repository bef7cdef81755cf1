package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/convenant"
)

func runConv(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), env{args: args, stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }})
	return code, out.String(), errb.String()
}

func TestConvenantInitCheckRender(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "convenant.yaml")
	if code, _, stderr := runConv(t, "", "convenant", "init", path); code != 0 {
		t.Fatalf("init: exit %d: %s", code, stderr)
	}
	got, _ := os.ReadFile(path)
	if !bytes.Equal(got, convenant.DefaultYAML()) {
		t.Fatal("init schreef niet het modelconvenant")
	}
	if code, _, stderr := runConv(t, "", "convenant", "init", path); code != 1 || !strings.Contains(stderr, "bestaat al") {
		t.Fatalf("init over bestaand bestand: exit %d, %s", code, stderr)
	}
	code, stdout, _ := runConv(t, "", "convenant", "check", path)
	if code != 0 || !strings.Contains(stdout, "is geldig") {
		t.Fatalf("check: exit %d: %s", code, stdout)
	}
	for _, f := range []string{"md", "html"} {
		code, stdout, stderr := runConv(t, "", "convenant", "render", path, "--formaat", f)
		if code != 0 {
			t.Fatalf("render %s: exit %d: %s", f, code, stderr)
		}
		want, err := os.ReadFile(filepath.Join("..", "..", "internal", "convenant", "testdata", "model."+f))
		if err != nil {
			t.Fatal(err)
		}
		// the golden files were rendered from the embedded model under another file name;
		// the text does not depend on the name
		if stdout != string(want) {
			t.Fatalf("render %s wijkt af van de golden file", f)
		}
	}
	if code, _, _ := runConv(t, "", "convenant", "render", path, "--formaat", "docx"); code != 2 {
		t.Fatalf("render --formaat docx: exit %d, want 2", code)
	}
	if code, _, _ := runConv(t, "", "convenant", "check"); code != 2 {
		t.Fatalf("check zonder bestand: exit %d, want 2", code)
	}
}

func TestConvenantCheckReportsPositions(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "regio.yaml")
	src := strings.Replace(string(convenant.DefaultYAML()), "    grondslag: {avg: c, wet: \"Leerplichtwet 1969 art. 21a; Besluit verzuimmelding\"}\n    leeftijd: {tot: 18}\n    plichten: [ouders-informeren]\n    artikel: \"4.1\"",
		"    leeftijd: {tot: 18}\n    plichten: [ouders-informeren]\n    artikel: \"4.1\"", 1)
	src = strings.Replace(src, "categorieen: [verzuim, onderwijs]\n    doel: monitoring", "categorieen: [verzuim, ondewijs]\n    doel: monitoring", 1)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runConv(t, "", "convenant", "check", path)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	re := regexp.MustCompile(`^` + regexp.QuoteMeta(path) + `:(\d+):(\d+): fout: .+ Herstel: .+`)
	for _, l := range lines {
		if !re.MatchString(l) {
			t.Errorf("regel heeft niet de vorm BESTAND:regel:kolom: fout: … Herstel: …\n%s", l)
		}
	}
	lineOf := func(needle string) int {
		i := strings.Index(src, needle)
		return strings.Count(src[:i], "\n") + 1
	}
	wantGround := path + ":" + strconv.Itoa(lineOf("- id: school-verzuimmelding\n")) + ":5: fout: regel \"school-verzuimmelding\" heeft geen grondslag."
	idx := strings.Index(src, "ondewijs]")
	col := idx - strings.LastIndex(src[:idx], "\n")
	wantCat := path + ":" + strconv.Itoa(lineOf("ondewijs]")) + ":" + strconv.Itoa(col) + ": fout: onbekende categorie \"ondewijs\"."
	if !strings.Contains(stdout, wantGround) || !strings.Contains(stdout, wantCat) {
		t.Fatalf("verwacht\n%s\n%s\nin\n%s", wantGround, wantCat, stdout)
	}
	if !strings.Contains(stderr, "ongeldig") {
		t.Errorf("stderr: %s", stderr)
	}
}
