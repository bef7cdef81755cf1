package audit

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"

	"github.com/transparency-dev/merkle/compact"
)

// ErrTampered is wrapped by every Finding: the stored log is not the log that was written.
var ErrTampered = errors.New("het auditlog klopt niet")

// Finding names the first entry of the log that does not fit.
type Finding struct {
	Index  uint64 // the first entry (0-based leaf index) that does not fit
	Reason string
}

func (f *Finding) Error() string { return fmt.Sprintf("regel %d: %s", f.Index, f.Reason) }

// Unwrap makes errors.Is(err, ErrTampered) hold.
func (f *Finding) Unwrap() error { return ErrTampered }

func finding(i uint64, format string, args ...any) *Finding {
	return &Finding{Index: i, Reason: fmt.Sprintf(format, args...)}
}

// StoredEntry is one entry as the store holds it: the position it is stored at, the leaf bytes,
// the stored leaf hash and the columns kept for look-up.
type StoredEntry struct {
	RegionID int64
	Index    uint64
	Leaf     []byte
	LeafHash []byte
	Time     int64  // column copy of the leaf's time (ms)
	Pupil    string // column copy of the leaf's pupil pseudonym
}

// CheckEntry checks one stored entry on its own: the leaf names the region and index it is
// stored under, the look-up columns equal the leaf, and the stored leaf hash is the hash of the
// leaf. With thorough, the leaf is also fully decoded and must be a valid, canonically encoded
// entry (DecodeLeaf); without it only the indexed fields are read (ParseLeafKey), which is what
// tamper evidence needs, since the hash covers every byte. It returns the recomputed leaf hash.
// It is independent of other entries, so verification runs it in parallel.
func CheckEntry(s StoredEntry, thorough bool) ([]byte, *Finding) {
	var k LeafKey
	if thorough {
		l, err := DecodeLeaf(s.Leaf)
		if err != nil {
			return nil, finding(s.Index, "de inhoud is geen geldige auditregel (%v)", err)
		}
		k = LeafKey{RegionID: l.RegionID, Index: l.Index, Time: l.Entry.r.Time.UnixMilli(), Pupil: l.Entry.r.Pupil}
	} else {
		var err error
		if k, err = ParseLeafKey(s.Leaf); err != nil {
			return nil, finding(s.Index, "de inhoud is geen geldige auditregel (%v)", err)
		}
	}
	if k.RegionID != s.RegionID {
		return nil, finding(s.Index, "de regel hoort bij regio %d, niet bij regio %d", k.RegionID, s.RegionID)
	}
	if k.Index != s.Index {
		return nil, finding(s.Index, "de regel draagt volgnummer %d: er is een regel verplaatst, ingevoegd of verwijderd", k.Index)
	}
	if k.Time != s.Time || k.Pupil != s.Pupil {
		return nil, finding(s.Index, "de opzoekkolommen (tijd, leerling) wijken af van de regel zelf")
	}
	h := LeafHash(s.Leaf)
	if !bytes.Equal(h, s.LeafHash) {
		return nil, finding(s.Index, "de inhoud past niet bij de opgeslagen bladhash: de regel is gewijzigd")
	}
	return h, nil
}

// Verifier recomputes a region's tree from its entries in order and checks it against the
// signed checkpoints (already opened with the region's key) as it passes their sizes.
type Verifier struct {
	tree   *Tree
	cps    []Checkpoint
	next   int                       // first checkpoint not yet reached
	nodes  map[compact.NodeID][]byte // recomputed hashes of the nodes the store keeps
	failed *Finding
}

// NewTreeVerifier starts an empty tree. The checkpoints may come in any order.
func NewTreeVerifier(checkpoints []Checkpoint) *Verifier {
	cps := slices.Clone(checkpoints)
	slices.SortStableFunc(cps, func(a, b Checkpoint) int {
		switch {
		case a.Size < b.Size:
			return -1
		case a.Size > b.Size:
			return 1
		}
		return 0
	})
	v := &Verifier{tree: NewTree(), cps: cps, nodes: map[compact.NodeID][]byte{}}
	v.reach()
	return v
}

// reach checks every checkpoint whose size equals the current tree size.
func (v *Verifier) reach() {
	for v.failed == nil && v.next < len(v.cps) && v.cps[v.next].Size == v.tree.Size() {
		cp := v.cps[v.next]
		if root := v.tree.Root(); !bytes.Equal(root, cp.Root) {
			prev := uint64(0)
			for i := v.next - 1; i >= 0; i-- {
				if v.cps[i].Size < cp.Size {
					prev = v.cps[i].Size
					break
				}
			}
			v.failed = finding(prev, "de boom van de regels %d tot %d wijkt af van het ondertekende controlepunt bij grootte %d (%s): een regel in dat bereik is gewijzigd, verwijderd, ingevoegd of verplaatst",
				prev, cp.Size, cp.Size, cp.Time.UTC().Format(timeLayout))
			return
		}
		v.next++
	}
}

// Add appends the next entry's verified leaf hash (from CheckEntry). index must be the tree
// size: a gap means an entry is missing.
func (v *Verifier) Add(index uint64, leafHash []byte) error {
	if v.failed != nil {
		return v.failed
	}
	if index != v.tree.Size() {
		if index > v.tree.Size() {
			v.failed = finding(v.tree.Size(), "de regel ontbreekt (de volgende opgeslagen regel is %d)", index)
		} else {
			v.failed = finding(index, "de regel komt twee keer voor")
		}
		return v.failed
	}
	err := v.tree.Append(leafHash, func(id compact.NodeID, h []byte) {
		if KeepNode(id) {
			v.nodes[id] = h
		}
	})
	if err != nil {
		return err
	}
	v.reach()
	if v.failed != nil {
		return v.failed
	}
	return nil
}

// Fail records a finding from CheckEntry (the first one counts).
func (v *Verifier) Fail(f *Finding) error {
	if v.failed == nil {
		v.failed = f
	}
	return v.failed
}

// Finish ends the walk: every checkpoint must have been reached (a checkpoint larger than the
// log means entries at the end were removed). It returns the recomputed size and root.
func (v *Verifier) Finish() (uint64, []byte, error) {
	if v.failed != nil {
		return 0, nil, v.failed
	}
	if v.next < len(v.cps) {
		cp := v.cps[v.next]
		v.failed = finding(v.tree.Size(), "de regel ontbreekt: het ondertekende controlepunt van %s telt %d regels, het log maar %d",
			cp.Time.UTC().Format(timeLayout), cp.Size, v.tree.Size())
		return 0, nil, v.failed
	}
	return v.tree.Size(), v.tree.Root(), nil
}

// Tree returns the recomputed tree (after Finish).
func (v *Verifier) Tree() *Tree { return v.tree }

// CheckNode compares a stored node hash with the recomputed one.
func (v *Verifier) CheckNode(level uint, index uint64, stored []byte) error {
	id := compact.NewNodeID(level, index)
	want, ok := v.nodes[id]
	first := index << level
	if !ok {
		return finding(first, "opgeslagen knoop %d/%d hoort niet bij de regels", level, index)
	}
	if !bytes.Equal(want, stored) {
		return finding(first, "opgeslagen knoop %d/%d (regels %d tot %d) wijkt af van de herberekende", level, index, first, first+(1<<level))
	}
	delete(v.nodes, id)
	return nil
}

// MissingNodes returns the number of recomputed kept nodes that CheckNode did not see.
func (v *Verifier) MissingNodes() int { return len(v.nodes) }

// RootString is the base64 form of a root hash, as in checkpoints.
func RootString(root []byte) string { return base64.StdEncoding.EncodeToString(root) }
