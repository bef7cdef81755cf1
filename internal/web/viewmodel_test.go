package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// mapPageDataAllowed lists the files whose pages still pass a map[string]any to a template, with
// how many render calls do. It may only shrink: a new map page fails the test below, and so does
// a converted one whose entry was not lowered (or removed) here. New pages embed View (view.go).
var mapPageDataAllowed = map[string]int{
	"absence_melding.go": 5,
	"casework.go":        2,
	"casework_steps.go":  1, // the case page's data comes from casework.go (pageData)
}

// TestPageDataIsTyped fails when a page's data is a map[string]any outside mapPageDataAllowed:
// a render call (render, renderForm, renderPage, renderStatus) whose data argument is a map
// literal, a function or method returning map[string]any, or a variable or parameter of that
// type or assigned from one of those.
func TestPageDataIsTyped(t *testing.T) {
	got := mapPageData(t, ".")
	var files []string
	for f := range got {
		files = append(files, f)
	}
	for f := range mapPageDataAllowed {
		if _, ok := got[f]; !ok {
			files = append(files, f)
		}
	}
	sort.Strings(files)
	for _, f := range files {
		calls, allowed := got[f], mapPageDataAllowed[f]
		switch {
		case len(calls) > allowed:
			t.Errorf("%s: %d render calls with map[string]any page data (allowed %d); use a struct embedding View (view.go):\n\t%s",
				f, len(calls), allowed, strings.Join(calls, "\n\t"))
		case len(calls) < allowed:
			t.Errorf("%s: %d render calls with map[string]any page data, the allow-list says %d: lower (or remove) its entry in mapPageDataAllowed", f, len(calls), allowed)
		}
	}
}

// TestPageDataCheckFindsMaps proves the check above can fail: each way of passing a map is found.
func TestPageDataCheckFindsMaps(t *testing.T) {
	src := `package web
func (s *Server) a(w, r any) error { return s.render(w, r, "x", "X", map[string]any{"k": 1}) }
func (s *Server) b(w, r any) error { d := map[string]any{}; d["k"] = 1; return s.renderForm(w, r, 400, "x", "X", d, nil) }
func (s *Server) c(w, r any) error { return s.renderPage(w, r, 200, "x", "X", s.data(), nil) }
func (s *Server) data() map[string]any { return nil }
func (s *Server) d(w, r any, extra map[string]any) { s.renderStatus(w, r, 500, "x", "X", extra) }
func (s *Server) e(w, r any) error { var d map[string]any; return s.render(w, r, "x", "X", d) }
func (s *Server) f(w, r any) error { d, err := s.data2(); if err != nil { return err }; return s.render(w, r, "x", "X", d) }
func (s *Server) data2() (map[string]any, error) { return nil, nil }
func (s *Server) ok(w, r any) error { return s.render(w, r, "x", "X", &page{}) }
func (s *Server) ok2(w, r any) error { d := &page{}; return s.render(w, r, "x", "X", d) }
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "fake.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	calls := mapPageDataIn(fset, []*ast.File{f})["fake.go"]
	if len(calls) != 6 {
		t.Errorf("found %d map page data calls in the fake file, want 6 (a to f): %v", len(calls), calls)
	}
}

// mapPageData parses the package's non-test files in dir and returns, per file, the render calls
// whose page data is a map[string]any.
func mapPageData(t *testing.T, dir string) map[string][]string {
	t.Helper()
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	if len(files) < 10 {
		t.Fatalf("parsed only %d files in %s", len(files), dir)
	}
	return mapPageDataIn(fset, files)
}

// dataArg is the position of the page data among a render method's arguments.
var dataArg = map[string]int{"render": 4, "renderForm": 5, "renderPage": 5, "renderStatus": 5}

func mapPageDataIn(fset *token.FileSet, files []*ast.File) map[string][]string {
	// The functions and methods (by name) whose first result is a map[string]any.
	mapFuncs := map[string]bool{}
	for _, f := range files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Type.Results != nil && len(fd.Type.Results.List) > 0 && isMapAny(fd.Type.Results.List[0].Type) {
				mapFuncs[fd.Name.Name] = true
			}
		}
	}
	out := map[string][]string{}
	for _, f := range files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				i, ok := dataArg[sel.Sel.Name]
				if !ok || len(call.Args) <= i {
					return true
				}
				if isMapExpr(call.Args[i], fd, mapFuncs, 0) {
					pos := fset.Position(call.Pos())
					out[pos.Filename] = append(out[pos.Filename], pos.String())
				}
				return true
			})
		}
	}
	for f, calls := range out {
		short := f[strings.LastIndex(f, "/")+1:]
		if short != f {
			out[short] = calls
			delete(out, f)
		}
	}
	return out
}

// isMapAny reports whether a type expression is map[string]any (or map[string]interface{}).
func isMapAny(e ast.Expr) bool {
	m, ok := e.(*ast.MapType)
	if !ok {
		return false
	}
	k, ok := m.Key.(*ast.Ident)
	if !ok || k.Name != "string" {
		return false
	}
	switch v := m.Value.(type) {
	case *ast.Ident:
		return v.Name == "any"
	case *ast.InterfaceType:
		return len(v.Methods.List) == 0
	}
	return false
}

// isMapExpr reports whether e, inside fn, is a map[string]any: a literal, a call of a function
// returning one, or a name declared or assigned as one.
func isMapExpr(e ast.Expr, fn *ast.FuncDecl, mapFuncs map[string]bool, depth int) bool {
	if depth > 5 {
		return false
	}
	switch x := e.(type) {
	case *ast.ParenExpr:
		return isMapExpr(x.X, fn, mapFuncs, depth+1)
	case *ast.CompositeLit:
		return isMapAny(x.Type)
	case *ast.CallExpr:
		switch f := x.Fun.(type) {
		case *ast.Ident:
			return mapFuncs[f.Name]
		case *ast.SelectorExpr:
			return mapFuncs[f.Sel.Name]
		case *ast.MapType:
			return isMapAny(f) // a conversion
		}
	case *ast.Ident:
		for _, p := range fn.Type.Params.List {
			for _, n := range p.Names {
				if n.Name == x.Name && isMapAny(p.Type) {
					return true
				}
			}
		}
		found := false
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			switch s := n.(type) {
			case *ast.AssignStmt:
				for i, l := range s.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name == x.Name {
						switch {
						case len(s.Rhs) == len(s.Lhs):
							found = found || isMapExpr(s.Rhs[i], fn, mapFuncs, depth+1)
						case len(s.Rhs) == 1 && i == 0: // d, err := f()
							found = found || isMapExpr(s.Rhs[0], fn, mapFuncs, depth+1)
						}
					}
				}
			case *ast.ValueSpec:
				for i, n := range s.Names {
					if n.Name != x.Name {
						continue
					}
					if s.Type != nil && isMapAny(s.Type) {
						found = true
					} else if i < len(s.Values) {
						found = found || isMapExpr(s.Values[i], fn, mapFuncs, depth+1)
					}
				}
			}
			return !found
		})
		return found
	}
	return false
}
