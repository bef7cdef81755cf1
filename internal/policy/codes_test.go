package policy

import (
	"fmt"
	"testing"
)

// TestCodeIndex: every code is found with its index, codes that differ only in the middle (same
// length, first and last eight bytes: the hash collides) too, and no other string is found.
func TestCodeIndex(t *testing.T) {
	m := map[string]int{"a": 0, "school": 1, "leerplicht": 2, "zorgcoordinator-school-a": 3, "zorgcoordinator-schoolxa": 4, "zorgcoordinator-schoolya": 5}
	for i := range 40 {
		m[fmt.Sprintf("rol-%02d-x", i)] = 10 + i
	}
	ix := newCodeIndex(m)
	for k, v := range m {
		if got, ok := ix.get(k); !ok || got != v {
			t.Fatalf("%q: got %d %v, want %d", k, got, ok, v)
		}
	}
	for _, s := range []string{"", "b", "schoo", "schools", "School", "zorgcoordinator-schoolza", "rol-40-x", "rol-00-y", "leerplicht\x00"} {
		if _, ok := ix.get(s); ok {
			t.Fatalf("%q found", s)
		}
	}
	var empty codeIndex
	if _, ok := empty.get("a"); ok {
		t.Fatal("zero index found a code")
	}
	if e := newCodeIndex(nil); func() bool { _, ok := e.get(""); return ok }() {
		t.Fatal("empty index found the empty string")
	}
}
