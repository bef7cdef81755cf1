package audit_test

import (
	"testing"

	"github.com/grondslag/grondslag/internal/audit"
)

func BenchmarkCheckEntry(b *testing.B) {
	e := entry(b, 1)
	leaf, _ := audit.EncodeLeaf(1, 5, e)
	s := audit.StoredEntry{RegionID: 1, Index: 5, Leaf: leaf, LeafHash: audit.LeafHash(leaf), Time: e.Time().UnixMilli(), Pupil: e.Pupil()}
	b.ReportAllocs()
	for b.Loop() {
		if _, f := audit.CheckEntry(s, false); f != nil {
			b.Fatal(f)
		}
	}
}

func BenchmarkCheckEntryThorough(b *testing.B) {
	e := entry(b, 1)
	leaf, _ := audit.EncodeLeaf(1, 5, e)
	s := audit.StoredEntry{RegionID: 1, Index: 5, Leaf: leaf, LeafHash: audit.LeafHash(leaf), Time: e.Time().UnixMilli(), Pupil: e.Pupil()}
	b.ReportAllocs()
	for b.Loop() {
		if _, f := audit.CheckEntry(s, true); f != nil {
			b.Fatal(f)
		}
	}
}

func BenchmarkEncodeLeaf(b *testing.B) {
	e := entry(b, 1)
	b.ReportAllocs()
	for b.Loop() {
		audit.EncodeLeaf(1, 5, e)
	}
}
func BenchmarkParseLeafKey(b *testing.B) {
	e := entry(b, 1)
	leaf, _ := audit.EncodeLeaf(1, 5, e)
	b.ReportAllocs()
	for b.Loop() {
		audit.ParseLeafKey(leaf)
	}
}
