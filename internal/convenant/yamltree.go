package convenant

import (
	"errors"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// The convenant file is read in two steps: goccy/go-yaml parses it into an AST that keeps every
// token's line and column, and toTree turns that AST into a small tree of mappings, sequences
// and scalars. Anchors, aliases, tags and merge keys are refused: the file is meant to be read by
// lawyers as written, and refusing aliases also rules out exponential alias expansion.

type nodeKind int

const (
	kindScalar nodeKind = iota
	kindMap
	kindSeq
	kindNull
)

type ynode struct {
	kind   nodeKind
	pos    Pos
	str    string       // scalar text
	scalar ast.NodeType // StringType, IntegerType, BoolType, FloatType, LiteralType …
	keys   []ykey
	items  []*ynode
}

type ykey struct {
	name string
	pos  Pos
	val  *ynode
}

func (n *ynode) kindName() string {
	switch n.kind {
	case kindMap:
		return "een lijst van sleutels (mapping)"
	case kindSeq:
		return "een opsomming (lijst met -)"
	case kindNull:
		return "leeg"
	}
	return "een enkele waarde"
}

func posOf(n ast.Node) Pos {
	if n == nil {
		return Pos{1, 1}
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return Pos{1, 1}
	}
	return Pos{tk.Position.Line, tk.Position.Column}
}

const maxDepth = 64

// parseTree parses src into a tree. Syntax errors become diagnostics with position.
func parseTree(src []byte, d *diags) *ynode {
	f, err := parser.ParseBytes(src, 0)
	if err != nil {
		p := Pos{1, 1}
		msg := err.Error()
		var se *yaml.SyntaxError
		if errors.As(err, &se) {
			msg = se.Message
			if se.Token != nil && se.Token.Position != nil {
				p = Pos{se.Token.Position.Line, se.Token.Position.Column}
			}
		}
		d.errf(p, "controleer inspringing (spaties, geen tabs), dubbele punten en aanhalingstekens rond deze plek.", "YAML kan niet gelezen worden: %s.", firstLine(msg))
		return nil
	}
	var docs []*ast.DocumentNode
	for _, doc := range f.Docs {
		if doc != nil && doc.Body != nil {
			docs = append(docs, doc)
		}
	}
	if len(docs) == 0 {
		d.errf(Pos{1, 1}, "begin met 'grondslag convenant init BESTAND' voor het modelconvenant.", "het bestand is leeg.")
		return nil
	}
	if len(docs) > 1 {
		d.errf(posOf(docs[1].Body), "zet het hele convenant in één document; verwijder de regel '---'.", "het bestand bevat meer dan één YAML-document.")
		return nil
	}
	return toTree(docs[0].Body, d, 0)
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSuffix(s, ".")
}

func toTree(n ast.Node, d *diags, depth int) *ynode {
	if depth > maxDepth {
		d.errf(posOf(n), "maak de structuur minder diep.", "het bestand is te diep genest (meer dan %d niveaus).", maxDepth)
		return nil
	}
	switch v := n.(type) {
	case nil:
		return &ynode{kind: kindNull, pos: Pos{1, 1}}
	case *ast.NullNode:
		return &ynode{kind: kindNull, pos: posOf(n)}
	case *ast.StringNode:
		return &ynode{kind: kindScalar, pos: posOf(n), str: v.Value, scalar: ast.StringType}
	case *ast.LiteralNode:
		s := ""
		if v.Value != nil {
			s = v.Value.Value
		}
		return &ynode{kind: kindScalar, pos: posOf(n), str: s, scalar: ast.StringType}
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		return &ynode{kind: kindScalar, pos: posOf(n), str: n.GetToken().Value, scalar: n.Type()}
	case *ast.MappingNode:
		out := &ynode{kind: kindMap, pos: posOf(n)}
		if len(v.Values) > 0 {
			out.pos = posOf(v.Values[0].Key)
		}
		seen := map[string]Pos{}
		for _, mv := range v.Values {
			if !addPair(out, mv, seen, d, depth) {
				return nil
			}
		}
		return out
	case *ast.MappingValueNode:
		out := &ynode{kind: kindMap, pos: posOf(v.Key)}
		if !addPair(out, v, map[string]Pos{}, d, depth) {
			return nil
		}
		return out
	case *ast.SequenceNode:
		out := &ynode{kind: kindSeq, pos: posOf(n)}
		for _, it := range v.Values {
			c := toTree(it, d, depth+1)
			if c == nil {
				return nil
			}
			out.items = append(out.items, c)
		}
		return out
	case *ast.AnchorNode, *ast.AliasNode:
		d.errf(posOf(n), "schrijf de waarden uit in plaats van & en * te gebruiken.", "ankers en verwijzingen (& en *) worden niet ondersteund.")
		return nil
	case *ast.TagNode:
		d.errf(posOf(n), "verwijder de tag (het woord dat met ! begint).", "YAML-tags (!…) worden niet ondersteund.")
		return nil
	case *ast.MergeKeyNode:
		d.errf(posOf(n), "schrijf de sleutels uit in plaats van '<<' te gebruiken.", "samenvoegsleutels (<<) worden niet ondersteund.")
		return nil
	}
	d.errf(posOf(n), "schrijf hier een gewone waarde, lijst of mapping.", "onverwachte YAML-constructie.")
	return nil
}

func addPair(out *ynode, mv *ast.MappingValueNode, seen map[string]Pos, d *diags, depth int) bool {
	if mv.Key == nil {
		d.errf(out.pos, "geef elke waarde een sleutel.", "sleutel ontbreekt.")
		return false
	}
	kn := ast.Node(mv.Key)
	if mk, ok := kn.(*ast.MappingKeyNode); ok {
		kn = mk.Value
	}
	var name string
	switch k := kn.(type) {
	case *ast.StringNode:
		name = k.Value
	case *ast.IntegerNode, *ast.BoolNode, *ast.FloatNode, *ast.NullNode:
		name = k.GetToken().Value
	case *ast.MergeKeyNode:
		d.errf(posOf(kn), "schrijf de sleutels uit in plaats van '<<' te gebruiken.", "samenvoegsleutels (<<) worden niet ondersteund.")
		return false
	default:
		d.errf(posOf(kn), "gebruik een gewoon woord als sleutel.", "een sleutel moet een eenvoudige tekst zijn.")
		return false
	}
	kp := posOf(kn)
	if prev, dup := seen[name]; dup {
		d.errf(kp, "verwijder een van beide of voeg ze samen.", "sleutel %q staat twee keer in dezelfde mapping (eerder op regel %d).", name, prev.Line)
		return false
	}
	seen[name] = kp
	val := toTree(mv.Value, d, depth+1)
	if val == nil {
		return false
	}
	if val.kind == kindNull && mv.Value == nil {
		val.pos = kp
	}
	out.keys = append(out.keys, ykey{name: name, pos: kp, val: val})
	return true
}
