package audit_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
)

// memLog is a region's log as a store would hold it.
func memLog(t testing.TB, region int64, n int) []audit.StoredEntry {
	t.Helper()
	var out []audit.StoredEntry
	for i := 0; i < n; i++ {
		e := entry(t, i)
		leaf, err := audit.EncodeLeaf(region, uint64(i), e)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, audit.StoredEntry{RegionID: region, Index: uint64(i), Leaf: leaf, LeafHash: audit.LeafHash(leaf), Time: e.Time().UnixMilli(), Pupil: e.Pupil()})
	}
	return out
}

func verifyMem(entries []audit.StoredEntry, cps []audit.Checkpoint) (uint64, []byte, error) {
	return verifyMemMode(entries, cps, false)
}

func verifyMemMode(entries []audit.StoredEntry, cps []audit.Checkpoint, thorough bool) (uint64, []byte, error) {
	v := audit.NewTreeVerifier(cps)
	for _, e := range entries {
		h, f := audit.CheckEntry(e, thorough)
		if f != nil {
			return 0, nil, v.Fail(f)
		}
		if err := v.Add(e.Index, h); err != nil {
			return 0, nil, err
		}
	}
	return v.Finish()
}

func TestVerifierDetectsTampering(t *testing.T) {
	const n = 40
	good := memLog(t, 1, n)
	_, root, err := verifyMem(good, nil)
	if err != nil {
		t.Fatal(err)
	}
	cp := audit.Checkpoint{Origin: "o", Size: n, Root: root, Time: time.Now()}
	if size, r2, err := verifyMem(good, []audit.Checkpoint{cp}); err != nil || size != n || !bytes.Equal(r2, root) {
		t.Fatalf("untouched log: size %d, err %v", size, err)
	}
	clone := func() []audit.StoredEntry {
		c := make([]audit.StoredEntry, len(good))
		copy(c, good)
		return c
	}
	cases := []struct {
		name  string
		tamp  func([]audit.StoredEntry) []audit.StoredEntry
		first uint64
		want  string
	}{
		{"modified content", func(l []audit.StoredEntry) []audit.StoredEntry {
			l[17].Leaf = bytes.Replace(l[17].Leaf, []byte(`"actie":"lezen"`), []byte(`"actie":"wijzigen"`), 1)
			return l
		}, 17, "gewijzigd"},
		{"modified content with recomputed hash", func(l []audit.StoredEntry) []audit.StoredEntry {
			l[17].Leaf = bytes.Replace(l[17].Leaf, []byte(`"actie":"lezen"`), []byte(`"actie":"wijzigen"`), 1)
			l[17].LeafHash = audit.LeafHash(l[17].Leaf)
			return l
		}, 0, "controlepunt"},
		{"deleted", func(l []audit.StoredEntry) []audit.StoredEntry { return append(l[:9], l[10:]...) }, 9, "ontbreekt"},
		{"deleted at the end", func(l []audit.StoredEntry) []audit.StoredEntry { return l[:n-2] }, n - 2, "ontbreekt"},
		{"deleted and renumbered", func(l []audit.StoredEntry) []audit.StoredEntry {
			l = append(l[:9], l[10:]...)
			for i := 9; i < len(l); i++ {
				l[i].Index = uint64(i)
			}
			return l
		}, 9, "volgnummer"},
		{"inserted", func(l []audit.StoredEntry) []audit.StoredEntry {
			extra := memLog(t, 1, 6)[5]
			extra.Index = 5
			l = append(l[:5], append([]audit.StoredEntry{extra}, l[5:]...)...)
			for i := 6; i < len(l); i++ {
				l[i].Index = uint64(i)
			}
			return l
		}, 6, "volgnummer"},
		{"reordered", func(l []audit.StoredEntry) []audit.StoredEntry {
			l[3], l[4] = l[4], l[3]
			l[3].Index, l[4].Index = 3, 4
			return l
		}, 3, "volgnummer"},
		{"pupil column changed (hidden from the pupil's view)", func(l []audit.StoredEntry) []audit.StoredEntry {
			l[21].Pupil = "ps-ffffffffffffffff"
			return l
		}, 21, "opzoekkolommen"},
		{"moved from another region", func(l []audit.StoredEntry) []audit.StoredEntry {
			l[2] = memLog(t, 2, 3)[2]
			l[2].RegionID = 1
			return l
		}, 2, "regio"},
	}
	for _, thorough := range []bool{false, true} {
		for _, c := range cases {
			t.Run(fmt.Sprintf("%s/grondig=%v", c.name, thorough), func(t *testing.T) {
				_, _, err := verifyMemMode(c.tamp(clone()), []audit.Checkpoint{cp}, thorough)
				var f *audit.Finding
				if !errors.As(err, &f) || !errors.Is(err, audit.ErrTampered) {
					t.Fatalf("err = %v, want a Finding", err)
				}
				if f.Index != c.first || !strings.Contains(f.Reason, c.want) {
					t.Errorf("finding %q at %d, want %q at %d", f.Reason, f.Index, c.want, c.first)
				}
			})
		}
	}
	// A leaf that is valid JSON with the right key fields but not a valid entry passes the fast
	// check only if its hash matches; the thorough check names it.
	l := clone()
	l[5].Leaf = bytes.Replace(l[5].Leaf, []byte(`"actie":"lezen"`), []byte(`"actie":"kijken"`), 1)
	l[5].LeafHash = audit.LeafHash(l[5].Leaf)
	if _, _, err := verifyMemMode(l, nil, true); err == nil || !strings.Contains(err.Error(), "regel 5: de inhoud is geen geldige auditregel") {
		t.Errorf("thorough: %v", err)
	}
}

func TestVerifierNarrowsToCheckpointRange(t *testing.T) {
	good := memLog(t, 1, 30)
	var cps []audit.Checkpoint
	for _, size := range []int{10, 20, 30} {
		_, root, _ := verifyMem(good[:size], nil)
		cps = append(cps, audit.Checkpoint{Size: uint64(size), Root: root})
	}
	l := append([]audit.StoredEntry(nil), good...)
	l[15].Leaf = bytes.Replace(l[15].Leaf, []byte(`"actie":"lezen"`), []byte(`"actie":"delen"`), 1)
	l[15].LeafHash = audit.LeafHash(l[15].Leaf)
	_, _, err := verifyMem(l, cps)
	var f *audit.Finding
	if !errors.As(err, &f) || f.Index != 10 || !strings.Contains(f.Reason, "10 tot 20") {
		t.Errorf("err = %v", err)
	}
}
