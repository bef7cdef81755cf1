package access_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestOneWayIn: outside internal/policy (the engine), internal/access (the one way in) and
// internal/audit (which defines Record.ApplyDecision), no code asks a policy engine directly
// (a one-argument Decide call, the engine's signature) or copies a decision into an audit record
// (ApplyDecision). Tests and the OPA benchmark (bench/, its own module) may.
func TestOneWayIn(t *testing.T) {
	root := filepath.Join("..", "..")
	allowed := []string{"internal/policy/", "internal/access/", "internal/audit/", "bench/"}
	fset := token.NewFileSet()
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && rel != "." || d.Name() == "node_modules" || d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") {
			return nil
		}
		for _, a := range allowed {
			if strings.HasPrefix(rel, a) {
				return nil
			}
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		checked++
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			switch {
			case sel.Sel.Name == "Decide" && len(call.Args) == 1:
				t.Errorf("%s: asks a policy engine directly; go through internal/access", fset.Position(call.Pos()))
			case sel.Sel.Name == "ApplyDecision":
				t.Errorf("%s: copies a decision into an audit record; use access.Decision.Record", fset.Position(call.Pos()))
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Fatalf("only %d files checked; is the module root right?", checked)
	}
}
