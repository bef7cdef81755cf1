package audit

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// A proof file is what a parent (or anyone) downloads to check, without Grondslag and without the
// database, that entries are in the region's signed log. Two shapes are read:
//
//   - one entry (`grondslag audit bewijs`, GET /leerlingen/{id}/auditbewijs/{index}): the leaf's
//     exact bytes ("blad"), its hash, the RFC 6962 audit path ("bewijs"), the signed checkpoint;
//   - a child's trail (GET /leerlingen/{id}/auditbewijs): the checkpoint and, per entry, the leaf
//     hash and audit path ("regels"), without the leaf bytes.
//
// CheckProofFile verifies either: the note's Ed25519 signature with the region's key, the size and
// root of the signed text, SHA-256(0x00 ‖ blad) = bladhash when the leaf is present, and each
// inclusion proof against the signed root. docs/audit.md §13 spells out the same steps for any
// other tool.

// EntryProof is the single-entry proof file.
type EntryProof struct {
	Volgnummer         uint64   `json:"volgnummer"`
	Blad               string   `json:"blad"`
	Bladhash           string   `json:"bladhash"`
	Grootte            uint64   `json:"grootte"`
	Root               string   `json:"root"`
	Bewijs             []string `json:"bewijs"`
	Controlepunt       string   `json:"controlepunt"`
	Verificatiesleutel string   `json:"verificatiesleutel,omitempty"`
}

// proofFile is the union of both shapes as read from JSON.
type proofFile struct {
	EntryProof
	Regels []struct {
		Index    uint64   `json:"index"`
		BladHash string   `json:"blad_hash"`
		Bewijs   []string `json:"bewijs"`
	} `json:"regels"`
}

// ProofCheck is the outcome of checking a proof file.
type ProofCheck struct {
	Checkpoint Checkpoint
	Entries    []uint64 // indexes proven
	WithLeaf   bool     // the leaf's bytes were present and hash to the proven leaf hash
	Leaf       Leaf     // the decoded leaf, when present
	KeyInFile  bool     // the verifier key came from the file itself (not independent)
}

// ErrProofFile marks a proof file that does not verify; the message says which step failed, in Dutch.
var ErrProofFile = errors.New("het bewijs klopt niet")

// CheckProofFile verifies a proof file with the region's verifier key vkey (as printed by
// `grondslag audit sleutel`). With vkey empty the key in the file is used, and the result says
// so: that proves only that the file is consistent, not that the region signed it.
func CheckProofFile(data []byte, vkey string) (ProofCheck, error) {
	var f proofFile
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&f); err != nil {
		return ProofCheck{}, fmt.Errorf("%w: het bestand is geen bewijsbestand (JSON): %v", ErrProofFile, err)
	}
	var res ProofCheck
	if strings.TrimSpace(vkey) == "" {
		vkey, res.KeyInFile = f.Verificatiesleutel, true
		if vkey == "" {
			return res, fmt.Errorf("%w: geef de verificatiesleutel van de regio op (--sleutel); het bestand noemt er geen", ErrProofFile)
		}
	}
	v, err := ParseVerifierKey(vkey)
	if err != nil {
		return res, fmt.Errorf("%w: %v", ErrProofFile, err)
	}
	if f.Controlepunt == "" {
		return res, fmt.Errorf("%w: het ondertekende controlepunt ontbreekt", ErrProofFile)
	}
	cp, err := OpenCheckpoint([]byte(f.Controlepunt), v)
	if err != nil {
		return res, fmt.Errorf("%w: %v", ErrProofFile, err)
	}
	res.Checkpoint = cp
	if f.Grootte != 0 && f.Grootte != cp.Size || f.Root != "" && f.Root != RootString(cp.Root) {
		return res, fmt.Errorf("%w: grootte of root in het bestand wijkt af van het ondertekende controlepunt", ErrProofFile)
	}
	check := func(index uint64, leafHashB64 string, path []string) error {
		h, err := base64.StdEncoding.DecodeString(leafHashB64)
		if err != nil || len(h) != 32 {
			return fmt.Errorf("%w: regel %d: de bladhash is geen SHA-256 in base64", ErrProofFile, index)
		}
		var p [][]byte
		for _, s := range path {
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil || len(b) != 32 {
				return fmt.Errorf("%w: regel %d: een hash van het bewijs is geen SHA-256 in base64", ErrProofFile, index)
			}
			p = append(p, b)
		}
		if index >= cp.Size {
			return fmt.Errorf("%w: regel %d valt buiten het controlepunt (grootte %d)", ErrProofFile, index, cp.Size)
		}
		if err := VerifyInclusion(index, cp.Size, h, p, cp.Root); err != nil {
			return fmt.Errorf("%w: regel %d zit niet in het ondertekende logboek: %v", ErrProofFile, index, err)
		}
		res.Entries = append(res.Entries, index)
		return nil
	}
	if f.Blad != "" || f.Bladhash != "" {
		if f.Blad != "" {
			leaf := []byte(f.Blad)
			if got := RootString(LeafHash(leaf)); got != f.Bladhash {
				return res, fmt.Errorf("%w: regel %d: SHA-256(0x00 ‖ blad) is %s, niet de bladhash %s", ErrProofFile, f.Volgnummer, got, f.Bladhash)
			}
			l, err := DecodeLeaf(leaf)
			if err != nil {
				return res, fmt.Errorf("%w: regel %d: het blad is geen geldige auditregel: %v", ErrProofFile, f.Volgnummer, err)
			}
			if l.Index != f.Volgnummer {
				return res, fmt.Errorf("%w: het blad draagt volgnummer %d, het bestand noemt %d", ErrProofFile, l.Index, f.Volgnummer)
			}
			res.WithLeaf, res.Leaf = true, l
		}
		if err := check(f.Volgnummer, f.Bladhash, f.Bewijs); err != nil {
			return res, err
		}
	}
	for _, r := range f.Regels {
		if err := check(r.Index, r.BladHash, r.Bewijs); err != nil {
			return res, err
		}
	}
	if len(res.Entries) == 0 {
		return res, fmt.Errorf("%w: het bestand bevat geen regels om te controleren", ErrProofFile)
	}
	return res, nil
}
