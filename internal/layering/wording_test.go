package layering

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// wrongDutch is the wording the legal review of issue 14 (point 9 and point 7) found in texts
// users read; none may come back in the product's source, templates, convenant or docs. Each
// entry: the wrong phrase (lower case) and what to write instead.
var wrongDutch = [][2]string{
	{"een doel die", "een doel dat"},
	{"onbekende doel ", "onbekend doel"},
	{"de auditlog", "het auditlog"},
	{"alleen op niveau persoon", "alleen op persoonsniveau"},
	{"alleen op niveau school", "alleen op schoolniveau"},
	{"onweerlegbaar", "onveranderbaar aantoonbaar (tamper-evident); niet onweerlegbaar"},
	{"verblijfadres ", "verblijfsadres (as a text; the API field verblijfadres is an identifier)"},
	{"ouder geven", "ouder geeft"},
	{"leerling geven", "leerling geeft"},
	{"waarover ", "over wie (about a person)"},
}

// TestNoWrongDutch scans what users read (a struct field with its JSON tag is an identifier,
// not text, and is skipped) — Go sources outside tests (messages, templates in
// code), HTML templates, the model convenant, docs and README — for the wrong Dutch of the
// legal review, so that it does not return (issue 14, "Done when").
func TestNoWrongDutch(t *testing.T) {
	root := filepath.Join("..", "..")
	var scanned int
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "testdata" || name == "bench") {
				return filepath.SkipDir
			}
			return nil
		}
		ext := filepath.Ext(name)
		if strings.HasSuffix(name, "_test.go") || (ext != ".go" && ext != ".html" && ext != ".yaml" && ext != ".md") {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		scanned++
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for n := 1; sc.Scan(); n++ {
			line := strings.ToLower(sc.Text())
			for _, w := range wrongDutch {
				if strings.Contains(line, w[0]) && !strings.Contains(line, "wrongdutch") && !strings.Contains(line, "`json:") {
					t.Errorf("%s:%d: %q — schrijf %s", path, n, strings.TrimSpace(w[0]), w[1])
				}
			}
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	if scanned < 100 {
		t.Fatalf("only %d files scanned; is the test run from internal/layering?", scanned)
	}
}
