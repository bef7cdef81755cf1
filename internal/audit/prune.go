package audit

import "bytes"

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
