package audit

import (
	"context"
	"errors"
	"fmt"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
)

var hasher = rfc6962.DefaultHasher

var rangeFactory = &compact.RangeFactory{Hash: hasher.HashChildren}

// NodeStride is the spacing of the tree levels whose node hashes the store keeps besides the
// leaf hashes: levels 8, 16, 24, …, one stored node per 256 leaves. Any node hash a proof needs
// is then computed from at most 256 stored hashes.
const NodeStride = 8

// KeepNode reports whether the store keeps the hash of node id.
func KeepNode(id compact.NodeID) bool { return id.Level > 0 && id.Level%NodeStride == 0 }

// Tree is the growing right edge of a log's Merkle tree (a compact range from index 0): enough
// to append leaves and compute the root, O(log n) hashes in all.
type Tree struct {
	r *compact.Range
}

// NewTree returns the empty tree.
func NewTree() *Tree { return &Tree{r: rangeFactory.NewEmptyRange(0)} }

// TreeFrom restores a tree of the given size from its compact range hashes (Tree.Hashes).
func TreeFrom(size uint64, hashes [][]byte) (*Tree, error) {
	r, err := rangeFactory.NewRange(0, size, hashes)
	if err != nil {
		return nil, fmt.Errorf("boom herstellen: %w", err)
	}
	return &Tree{r: r}, nil
}

// Append adds a leaf hash. visit, if not nil, sees every node that the append completes
// (including the leaf itself at level 0).
func (t *Tree) Append(leafHash []byte, visit compact.VisitFn) error {
	if len(leafHash) != hasher.Size() {
		return fmt.Errorf("bladhash van %d bytes, verwacht %d", len(leafHash), hasher.Size())
	}
	return t.r.Append(leafHash, visit)
}

// Size is the number of leaves.
func (t *Tree) Size() uint64 { return t.r.End() }

// Root is the RFC 6962 root hash (the hash of the empty string for the empty tree).
func (t *Tree) Root() []byte {
	if t.r.End() == 0 {
		return hasher.EmptyRoot()
	}
	h, err := t.r.GetRootHash(nil)
	if err != nil { // only for ranges not starting at 0, which a Tree never is
		panic(err)
	}
	return h
}

// Hashes returns the compact range hashes (to persist with the size and restore with TreeFrom).
func (t *Tree) Hashes() [][]byte { return t.r.Hashes() }

// EncodeRange concatenates compact range hashes for storage.
func EncodeRange(hashes [][]byte) []byte {
	b := make([]byte, 0, len(hashes)*hasher.Size())
	for _, h := range hashes {
		b = append(b, h...)
	}
	return b
}

// DecodeRange splits stored compact range hashes.
func DecodeRange(b []byte) ([][]byte, error) {
	n := hasher.Size()
	if len(b)%n != 0 {
		return nil, fmt.Errorf("bereik van %d bytes is geen veelvoud van %d", len(b), n)
	}
	out := make([][]byte, 0, len(b)/n)
	for i := 0; i < len(b); i += n {
		out = append(out, b[i:i+n:i+n])
	}
	return out, nil
}

// HashReader reads the hashes the store keeps: leaf hashes and the nodes at the levels KeepNode
// selects. Both return the hashes of positions [begin, end) in order, and an error if any is
// missing.
type HashReader interface {
	LeafHashes(ctx context.Context, begin, end uint64) ([][]byte, error)
	NodeHashes(ctx context.Context, level uint, begin, end uint64) ([][]byte, error)
}

// nodeHash computes the hash of the perfect subtree id from the stored hashes.
func nodeHash(ctx context.Context, hr HashReader, id compact.NodeID) ([]byte, error) {
	base := id.Level - id.Level%NodeStride
	width := uint64(1) << (id.Level - base)
	begin := id.Index << (id.Level - base)
	var hs [][]byte
	var err error
	if base == 0 {
		hs, err = hr.LeafHashes(ctx, begin, begin+width)
	} else {
		hs, err = hr.NodeHashes(ctx, base, begin, begin+width)
	}
	if err != nil {
		return nil, err
	}
	if uint64(len(hs)) != width {
		return nil, fmt.Errorf("knoop %d/%d: %d van %d hashes gevonden", id.Level, id.Index, len(hs), width)
	}
	for len(hs) > 1 {
		next := hs[:0:0]
		for i := 0; i < len(hs); i += 2 {
			next = append(next, hasher.HashChildren(hs[i], hs[i+1]))
		}
		hs = next
	}
	return hs[0], nil
}

func proofFrom(ctx context.Context, hr HashReader, nodes proof.Nodes) ([][]byte, error) {
	hs := make([][]byte, len(nodes.IDs))
	for i, id := range nodes.IDs {
		h, err := nodeHash(ctx, hr, id)
		if err != nil {
			return nil, err
		}
		hs[i] = h
	}
	return nodes.Rehash(hs, hasher.HashChildren)
}

// InclusionProof returns the RFC 6962 inclusion proof of leaf index in the tree of size.
func InclusionProof(ctx context.Context, hr HashReader, index, size uint64) ([][]byte, error) {
	nodes, err := proof.Inclusion(index, size)
	if err != nil {
		return nil, err
	}
	return proofFrom(ctx, hr, nodes)
}

// ConsistencyProof returns the RFC 6962 consistency proof between tree sizes size1 ≤ size2.
func ConsistencyProof(ctx context.Context, hr HashReader, size1, size2 uint64) ([][]byte, error) {
	nodes, err := proof.Consistency(size1, size2)
	if err != nil {
		return nil, err
	}
	return proofFrom(ctx, hr, nodes)
}

// ErrProof is wrapped when a proof does not verify.
var ErrProof = errors.New("bewijs klopt niet")

// VerifyInclusion checks that leafHash is leaf index of the tree of size with root.
func VerifyInclusion(index, size uint64, leafHash []byte, p [][]byte, root []byte) error {
	if err := proof.VerifyInclusion(hasher, index, size, leafHash, p, root); err != nil {
		return fmt.Errorf("%w: %v", ErrProof, err)
	}
	return nil
}

// VerifyConsistency checks that the tree of size2 with root2 extends the tree of size1 with
// root1.
func VerifyConsistency(size1, size2 uint64, p [][]byte, root1, root2 []byte) error {
	if err := proof.VerifyConsistency(hasher, size1, size2, p, root1, root2); err != nil {
		return fmt.Errorf("%w: %v", ErrProof, err)
	}
	return nil
}
