package access_test

import (
	"bufio"
	"bytes"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/grondslag/grondslag"

// TestOneWayIn: outside internal/policy (the engine), internal/access (the one way in) and
// internal/audit (which defines Record.ApplyDecision), no package asks a policy engine directly
// — any call of a method Decide whose parameter is a policy.Request (the engine itself or an
// interface over it) — or copies a decision into an audit record (ApplyDecision). The packages
// are type-checked against the compiler's export data (go list -export), so a Decide of another
// type (an exemption request, a destruction list) is not mistaken for one. Tests and the
// benchmark module (bench/) may.
func TestOneWayIn(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the module; not in -short")
	}
	root := filepath.Join("..", "..")
	cmd := exec.Command("go", "list", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}\t{{.Dir}}\t{{join .GoFiles \",\"}}\t{{.Module}}", "./...")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	exports := map[string]string{}
	type pkg struct {
		path, dir string
		files     []string
	}
	var ours []pkg
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) < 5 {
			continue
		}
		exports[f[0]] = f[1]
		if strings.HasPrefix(f[0], module+"/") && f[3] != "" {
			ours = append(ours, pkg{f[0], f[2], strings.Split(f[3], ",")})
		}
	}
	allowed := []string{"/internal/policy", "/internal/access", "/internal/audit", "/bench/"}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		if e := exports[path]; e != "" {
			return os.Open(e)
		}
		return nil, os.ErrNotExist
	})
	checked := 0
	for _, p := range ours {
		skip := false
		for _, a := range allowed {
			skip = skip || strings.HasPrefix(strings.TrimPrefix(p.path, module), a)
		}
		if skip {
			continue
		}
		var files []*ast.File
		for _, name := range p.files {
			f, err := parser.ParseFile(fset, filepath.Join(p.dir, name), nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
		info := &types.Info{Selections: map[*ast.SelectorExpr]*types.Selection{}}
		conf := types.Config{Importer: imp, Error: func(error) {}}
		if _, err := conf.Check(p.path, fset, files, info); err != nil {
			t.Fatalf("%s: %v", p.path, err)
		}
		checked++
		for sel, s := range info.Selections {
			fn, ok := s.Obj().(*types.Func)
			if !ok {
				continue
			}
			sig := fn.Type().(*types.Signature)
			switch fn.Name() {
			case "Decide":
				if sig.Params().Len() == 1 && types.TypeString(sig.Params().At(0).Type(), nil) == module+"/internal/policy.Request" {
					t.Errorf("%s: asks a policy engine directly; go through internal/access", fset.Position(sel.Pos()))
				}
			case "ApplyDecision":
				t.Errorf("%s: copies a decision into an audit record; use access.Decision.Record", fset.Position(sel.Pos()))
			}
		}
	}
	if checked < 15 {
		t.Fatalf("only %d packages checked", checked)
	}
}
