package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// CheckPruned checks one stored entry whose content was removed at the end of the log's own
// retention period (docs/audit.md §14): its bytes and pupil are empty, so only the stored leaf
// hash remains; it must be a SHA-256 hash. It is not compared with any bytes — only the signed
// checkpoints, whose roots the verifier recomputes from it, vouch for it. It returns a copy of
// the stored hash.
func CheckPruned(s StoredEntry) ([]byte, *Finding) {
	if len(s.Leaf) != 0 || s.Pupil != "" {
		return nil, finding(s.Index, "de regel is gesnoeid maar draagt nog inhoud")
	}
	if len(s.LeafHash) != 32 {
		return nil, finding(s.Index, "de bladhash van de gesnoeide regel is geen SHA-256-hash")
	}
	return bytes.Clone(s.LeafHash), nil
}

// PrunedLine is what a leaves export (`audit export --formaat bladen`, docs/audit.md §8) writes
// for an entry whose content was destroyed at the end of the log's own retention period, in
// place of the leaf: that it was pruned, its index, its stored leaf hash, and the pruning it went
// with — up to which index, on which ground, when, the size of the signed checkpoint that already
// covered it, and, when a destruction list decided it, the lists and the rules. Its first key is
// "gesnoeid", which no leaf has (a leaf's first key is "actie"), so a reader tells the two apart by
// the first bytes. The verifier takes the hash as given: only the signed checkpoints vouch for it.
type PrunedLine struct {
	Pruned         bool     `json:"gesnoeid"`
	RegionID       int64    `json:"regio"`
	Index          uint64   `json:"index"`
	LeafHash       []byte   `json:"blad_hash"` // base64 in JSON: the stored SHA-256 leaf hash
	PrunedTo       uint64   `json:"snoeigrens"`
	Ground         string   `json:"grond"`
	PrunedOn       string   `json:"gesnoeid_op"` // JJJJ-MM-DD (Europe/Amsterdam)
	CheckpointSize uint64   `json:"controlepunt_grootte"`
	Lists          string   `json:"lijsten,omitempty"`
	Rules          []string `json:"regels,omitempty"`
}

// prunedPrefix starts every encoded PrunedLine.
var prunedPrefix = []byte(`{"gesnoeid":true,`)

// Encode returns the line (JSON, no newline).
func (p PrunedLine) Encode() ([]byte, error) {
	p.Pruned = true
	if len(p.LeafHash) != 32 {
		return nil, fmt.Errorf("gesnoeide regel %d: de bladhash is geen SHA-256-hash", p.Index)
	}
	return json.Marshal(p)
}

// ParsePrunedLine reads a line of a leaves export: ok is false for an ordinary leaf; for a
// pruned line it checks that it is one (the hash 32 bytes, the index below the boundary).
func ParsePrunedLine(b []byte) (PrunedLine, bool, error) {
	if !bytes.HasPrefix(b, prunedPrefix) {
		return PrunedLine{}, false, nil
	}
	var p PrunedLine
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return p, true, fmt.Errorf("%w: gesnoeide regel: %v", ErrInvalidEntry, err)
	}
	if !p.Pruned || len(p.LeafHash) != 32 || p.Index >= p.PrunedTo {
		return p, true, fmt.Errorf("%w: gesnoeide regel %d: geen bladhash van 32 bytes, of het volgnummer ligt niet onder de snoeigrens", ErrInvalidEntry, p.Index)
	}
	return p, true, nil
}
