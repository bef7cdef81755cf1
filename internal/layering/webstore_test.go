package layering

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// webStoreImports are the files of internal/web (tests aside) that still import internal/store.
// The web depends on small interfaces it declares, over types of the domain packages and the
// storage port (internal/storage: ErrNotFound, ErrFull, ErrUnavailable, WithRegion); only
// cmd/grondslag hands it the concrete store. This list may only shrink: a file that stops
// importing the store must leave it (the test says so), and a new import fails.
var webStoreImports = []string{}

// TestWebImportsStoreOnlyWhereListed pins what remains of internal/web's imports of
// internal/store (issue 12, point 3).
func TestWebImportsStoreOnlyWhereListed(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "web", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var importing []string
	checked := 0
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, im := range af.Imports {
			if p, _ := strconv.Unquote(im.Path.Value); p == module+"/internal/store" || strings.HasPrefix(p, module+"/internal/store/") {
				importing = append(importing, filepath.Base(f))
			}
		}
	}
	if checked < 50 {
		t.Fatalf("only %d files of internal/web parsed; is the test run from internal/layering?", checked)
	}
	sort.Strings(importing)
	allowed := map[string]bool{}
	for _, f := range webStoreImports {
		allowed[f] = true
	}
	for _, f := range importing {
		if !allowed[f] {
			t.Errorf("internal/web/%s imports internal/store: declare the interface the page needs in internal/web over domain types "+
				"(the store's types are aliases of them) and check errors against internal/storage", f)
		}
		delete(allowed, f)
	}
	for f := range allowed {
		t.Errorf("internal/web/%s no longer imports internal/store: take it off webStoreImports so that it cannot come back", f)
	}
}
