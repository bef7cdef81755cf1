package audit_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"testing"

	"github.com/transparency-dev/merkle/compact"

	"github.com/grondslag/grondslag/internal/audit"
)

// mth is the RFC 6962 Merkle Tree Hash, written from the RFC's recursive definition (section
// 2.1) as an independent reference.
func mth(leaves [][]byte) []byte {
	n := len(leaves)
	if n == 0 {
		h := sha256.Sum256(nil)
		return h[:]
	}
	if n == 1 {
		h := sha256.Sum256(append([]byte{0}, leaves[0]...))
		return h[:]
	}
	k := 1
	for k*2 < n {
		k *= 2
	}
	h := sha256.Sum256(append(append([]byte{1}, mth(leaves[:k])...), mth(leaves[k:])...))
	return h[:]
}

// memHashes is an in-memory HashReader: leaf hashes and the kept nodes.
type memHashes struct {
	leaves [][]byte
	nodes  map[compact.NodeID][]byte
}

func (m *memHashes) LeafHashes(_ context.Context, begin, end uint64) ([][]byte, error) {
	if end > uint64(len(m.leaves)) {
		return nil, fmt.Errorf("leaf %d missing", len(m.leaves))
	}
	return m.leaves[begin:end], nil
}

func (m *memHashes) NodeHashes(_ context.Context, level uint, begin, end uint64) ([][]byte, error) {
	var out [][]byte
	for i := begin; i < end; i++ {
		h, ok := m.nodes[compact.NewNodeID(level, i)]
		if !ok {
			return nil, fmt.Errorf("node %d/%d missing", level, i)
		}
		out = append(out, h)
	}
	return out, nil
}

func buildTree(t testing.TB, n int) (*audit.Tree, *memHashes, [][]byte) {
	t.Helper()
	tree := audit.NewTree()
	m := &memHashes{nodes: map[compact.NodeID][]byte{}}
	var raw [][]byte
	for i := 0; i < n; i++ {
		leaf := []byte(fmt.Sprintf("leaf %d", i))
		raw = append(raw, leaf)
		h := audit.LeafHash(leaf)
		m.leaves = append(m.leaves, h)
		if err := tree.Append(h, func(id compact.NodeID, h []byte) {
			if audit.KeepNode(id) {
				m.nodes[id] = h
			}
		}); err != nil {
			t.Fatal(err)
		}
	}
	return tree, m, raw
}

func TestTreeRootMatchesRFC6962(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 7, 8, 255, 256, 257, 1000} {
		tree, _, raw := buildTree(t, n)
		if got, want := tree.Root(), mth(raw); !bytes.Equal(got, want) {
			t.Errorf("n=%d: root %x, want %x", n, got, want)
		}
		// Restoring from the compact range gives the same tree.
		r, err := audit.DecodeRange(audit.EncodeRange(tree.Hashes()))
		if err != nil {
			t.Fatal(err)
		}
		t2, err := audit.TreeFrom(tree.Size(), r)
		if err != nil || !bytes.Equal(t2.Root(), tree.Root()) {
			t.Errorf("n=%d: restore: %v", n, err)
		}
	}
	if _, err := audit.TreeFrom(5, nil); err == nil {
		t.Error("TreeFrom accepted a range of the wrong shape")
	}
}

func TestProofs(t *testing.T) {
	ctx := context.Background()
	const n = 70000 // more than 256² leaves: exercises nodes from levels 0, 8 and 16
	tree, m, _ := buildTree(t, n)
	roots := map[uint64][]byte{}
	rootAt := func(size uint64) []byte {
		if r, ok := roots[size]; ok {
			return r
		}
		sub, _, _ := buildTree(t, int(size))
		roots[size] = sub.Root()
		return roots[size]
	}
	roots[n] = tree.Root()
	for _, c := range []struct{ index, size uint64 }{{0, 1}, {0, 2}, {1, 2}, {5, 7}, {255, 256}, {256, 257}, {300, 1000}, {0, n}, {12345, n}, {n - 1, n}, {65535, 65537}} {
		p, err := audit.InclusionProof(ctx, m, c.index, c.size)
		if err != nil {
			t.Fatalf("inclusion %v: %v", c, err)
		}
		if err := audit.VerifyInclusion(c.index, c.size, m.leaves[c.index], p, rootAt(c.size)); err != nil {
			t.Errorf("inclusion %v: %v", c, err)
		}
		if err := audit.VerifyInclusion(c.index, c.size, audit.LeafHash([]byte("other")), p, rootAt(c.size)); !errors.Is(err, audit.ErrProof) {
			t.Errorf("inclusion %v of a wrong leaf verified", c)
		}
	}
	for _, c := range []struct{ s1, s2 uint64 }{{1, 2}, {3, 7}, {256, 1000}, {1000, 1000}, {257, n}, {4096, n}, {65536, n}} {
		p, err := audit.ConsistencyProof(ctx, m, c.s1, c.s2)
		if err != nil {
			t.Fatalf("consistency %v: %v", c, err)
		}
		if err := audit.VerifyConsistency(c.s1, c.s2, p, rootAt(c.s1), rootAt(c.s2)); err != nil {
			t.Errorf("consistency %v: %v", c, err)
		}
		if c.s1 != c.s2 {
			if err := audit.VerifyConsistency(c.s1, c.s2, p, rootAt(c.s1-1+1), mth([][]byte{[]byte("x")})); !errors.Is(err, audit.ErrProof) {
				t.Errorf("consistency %v with a wrong root verified", c)
			}
		}
	}
	if _, err := audit.InclusionProof(ctx, m, 5, 5); err == nil {
		t.Error("inclusion proof for index == size")
	}
	// A missing stored node makes the proof fail loudly rather than come out wrong.
	delete(m.nodes, compact.NewNodeID(8, 0))
	if _, err := audit.InclusionProof(ctx, m, 300, 1000); err == nil {
		t.Error("proof without a stored node")
	}
}
