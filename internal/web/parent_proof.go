package web

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/dossier"
	"github.com/grondslag/grondslag/internal/storage"
)

// Parents can check that the access trail of their child is complete: every entry shown is
// proven, with an RFC 6962 inclusion proof, to be in the latest signed checkpoint of the region's
// log. The page verifies the proofs before it renders; /leerlingen/{id}/auditbewijs offers the
// same proofs as JSON so that an outsider can check them (docs/audit.md).

// AuditProofReader is what the completeness proof needs from the audit store
// (*store.AuditStore implements it). The server uses it when its AuditReader implements it too.
type AuditProofReader interface {
	ForPupil(ctx context.Context, regionID int64, pseudonym string) ([]audit.Leaf, error)
	LatestCheckpoint(ctx context.Context, regionID int64) (audit.StoredCheckpoint, error)
	InclusionProof(ctx context.Context, regionID int64, index, size uint64) ([][]byte, error)
	VerifierKeys(ctx context.Context, regionID int64) ([]string, error)
}

// proofEntry is one entry of the pupil with its proof against the checkpoint.
type proofEntry struct {
	Index    uint64
	LeafHash []byte
	Proof    [][]byte
	Err      error // the proof does not verify
}

// pupilProof is the outcome of checking a pupil's trail against the latest checkpoint.
type pupilProof struct {
	Checkpoint  audit.Checkpoint
	Note        string // the signed note, as stored
	VerifierKey string
	Entries     []proofEntry // the entries inside the checkpoint
	Later       int          // entries appended after the checkpoint (not yet covered)
	Failed      []uint64     // indexes whose proof fails
	Problem     string       // the log could not be read or the checkpoint not opened
	Self        bool         // the pupil reads it (the page says "jouw", not "uw kind")
}

// OK reports whether every entry inside the checkpoint verified.
func (p *pupilProof) OK() bool { return p.Problem == "" && len(p.Failed) == 0 }

// RootBase64 is the checkpoint's root hash as in the note.
func (p *pupilProof) RootBase64() string { return base64.StdEncoding.EncodeToString(p.Checkpoint.Root) }

// proofReader returns the server's proof source, or nil when none is wired.
func (s *Server) proofReader() AuditProofReader {
	pr, _ := s.d.AuditReader.(AuditProofReader)
	return pr
}

// provePupil checks every entry of the pupil in the region's log against the latest signed
// checkpoint: the checkpoint's signature with the region's verifier key(s), then for each entry
// inside it an inclusion proof from the leaf's own bytes to the checkpoint's root. It returns
// nil when no checkpoint exists yet. A failing proof or an unreadable log is reported in the
// result, never hidden; only infrastructure errors (database down) are returned as err.
func provePupil(ctx context.Context, pr AuditProofReader, regionID int64, pseudonym string) (*pupilProof, error) {
	cp, err := pr.LatestCheckpoint(ctx, regionID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("controlepunt lezen: %w", err)
	}
	out := &pupilProof{Note: string(cp.Note)}
	keys, err := pr.VerifierKeys(ctx, regionID)
	if err != nil {
		return nil, fmt.Errorf("verificatiesleutels lezen: %w", err)
	}
	for _, k := range keys {
		v, err := audit.ParseVerifierKey(k)
		if err != nil {
			continue
		}
		c, err := audit.OpenCheckpoint(cp.Note, v)
		if err == nil {
			out.Checkpoint, out.VerifierKey = c, k
			break
		}
	}
	if out.VerifierKey == "" {
		out.Problem = "De handtekening onder het controlepunt klopt niet met de sleutel van de regio."
		return out, nil
	}
	if out.Checkpoint.Size != cp.Size || string(out.Checkpoint.Root) != string(cp.Root) {
		out.Problem = "Het opgeslagen controlepunt past niet bij zijn eigen ondertekende tekst."
		return out, nil
	}
	leaves, err := pr.ForPupil(ctx, regionID, pseudonym)
	if err != nil {
		if errors.Is(err, audit.ErrTampered) || errors.Is(err, audit.ErrInvalidEntry) {
			out.Problem = "Het logboek van uw kind is niet in orde: een regel is veranderd of kan niet worden gelezen."
			return out, nil
		}
		return nil, err
	}
	for _, l := range leaves {
		if l.Index >= out.Checkpoint.Size {
			out.Later++
			continue
		}
		// Hash the leaf's own bytes (decoding checked they are canonical), not the stored hash
		// column: a changed leaf must fail.
		b, err := audit.EncodeLeaf(l.RegionID, l.Index, l.Entry)
		if err != nil {
			return nil, err
		}
		e := proofEntry{Index: l.Index, LeafHash: audit.LeafHash(b)}
		e.Proof, err = pr.InclusionProof(ctx, regionID, l.Index, out.Checkpoint.Size)
		if err == nil {
			err = audit.VerifyInclusion(l.Index, out.Checkpoint.Size, e.LeafHash, e.Proof, out.Checkpoint.Root)
		}
		if err != nil {
			e.Err = err
			out.Failed = append(out.Failed, l.Index)
		}
		out.Entries = append(out.Entries, e)
	}
	return out, nil
}

// proofJSON is the download: what an outsider needs to check the trail (docs/audit.md).
type proofJSON struct {
	Controlepunt       string           `json:"controlepunt"`
	Verificatiesleutel string           `json:"verificatiesleutel"`
	Grootte            uint64           `json:"grootte"`
	Root               string           `json:"root"`
	Tijd               string           `json:"tijd"`
	Regels             []proofEntryJSON `json:"regels"`
	NaControlepunt     int              `json:"regels_na_controlepunt"`
	Klopt              bool             `json:"klopt"`
	Fouten             []uint64         `json:"fouten,omitempty"`
	Probleem           string           `json:"probleem,omitempty"`
}

type proofEntryJSON struct {
	Index    uint64   `json:"index"`
	BladHash string   `json:"blad_hash"`
	Bewijs   []string `json:"bewijs"`
}

// parentProofDownload serves GET /leerlingen/{id}/auditbewijs: only to a parent with gezag over
// the pupil (404 for anyone else, so the answer does not reveal that the pupil exists).
func (s *Server) parentProofDownload(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 || p.Role() != auth.RoleOuder {
		return errNotFound
	}
	pr := s.proofReader()
	if pr == nil {
		return errNotFound
	}
	ctx, a := r.Context(), p.Actor()
	rels, err := s.d.Dossiers.PupilRelations(ctx, a, id, s.today())
	if err != nil {
		return err
	}
	if !slices.Contains(rels, dossier.RelGuardian) {
		return errNotFound
	}
	pup, err := s.d.Dossiers.DossierPupil(ctx, a.RegionID, id, s.today(), dossier.Want{})
	if err != nil {
		return err
	}
	pp, err := provePupil(ctx, pr, a.RegionID, pup.Pseudonym)
	if err != nil {
		return err
	}
	if pp == nil {
		return writeJSON(w, http.StatusNotFound, map[string]string{"fout": "Er is nog geen ondertekend controlepunt van het logboek."})
	}
	out := proofJSON{Controlepunt: pp.Note, Verificatiesleutel: pp.VerifierKey, Grootte: pp.Checkpoint.Size,
		Root: pp.RootBase64(), Tijd: pp.Checkpoint.Time.UTC().Format(time.RFC3339Nano), Regels: []proofEntryJSON{},
		NaControlepunt: pp.Later, Klopt: pp.OK(), Fouten: pp.Failed, Probleem: pp.Problem}
	for _, e := range pp.Entries {
		je := proofEntryJSON{Index: e.Index, BladHash: base64.StdEncoding.EncodeToString(e.LeafHash), Bewijs: []string{}}
		for _, h := range e.Proof {
			je.Bewijs = append(je.Bewijs, base64.StdEncoding.EncodeToString(h))
		}
		out.Regels = append(out.Regels, je)
	}
	w.Header().Set("Content-Disposition", `attachment; filename="auditbewijs-`+strconv.FormatInt(id, 10)+`.json"`)
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, out)
}

// failedList formats failing indexes for the page.
func (p *pupilProof) FailedList() string {
	parts := make([]string, len(p.Failed))
	for i, f := range p.Failed {
		parts[i] = strconv.FormatUint(f, 10)
	}
	return strings.Join(parts, ", ")
}

// parentEntryProofDownload serves GET /leerlingen/{id}/auditbewijs/{index}: one entry of the
// child's trail with its exact leaf bytes, the RFC 6962 audit path and the signed checkpoint
// (audit.EntryProof), so that a parent can check it with `grondslag audit controleer-bewijs` or
// any other tool (docs/audit.md §13). Parents with gezag over the child only; an entry that is
// not about the child, or not yet under a checkpoint, is 404.
func (s *Server) parentEntryProofDownload(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 || p.Role() != auth.RoleOuder {
		return errNotFound
	}
	index, err := strconv.ParseUint(r.PathValue("index"), 10, 64)
	if err != nil {
		return errNotFound
	}
	pr := s.proofReader()
	if pr == nil {
		return errNotFound
	}
	ctx, a := r.Context(), p.Actor()
	rels, err := s.d.Dossiers.PupilRelations(ctx, a, id, s.today())
	if err != nil {
		return err
	}
	if !slices.Contains(rels, dossier.RelGuardian) {
		return errNotFound
	}
	pup, err := s.d.Dossiers.DossierPupil(ctx, a.RegionID, id, s.today(), dossier.Want{})
	if err != nil {
		return err
	}
	pp, err := provePupil(ctx, pr, a.RegionID, pup.Pseudonym)
	if err != nil {
		return err
	}
	if pp == nil || pp.Problem != "" || index >= pp.Checkpoint.Size {
		return errNotFound
	}
	leaves, err := pr.ForPupil(ctx, a.RegionID, pup.Pseudonym)
	if err != nil {
		return err
	}
	for _, l := range leaves {
		if l.Index != index {
			continue
		}
		b, err := audit.EncodeLeaf(l.RegionID, l.Index, l.Entry)
		if err != nil {
			return err
		}
		proof, err := pr.InclusionProof(ctx, a.RegionID, index, pp.Checkpoint.Size)
		if err != nil {
			return err
		}
		out := audit.EntryProof{Volgnummer: index, Blad: string(b), Bladhash: audit.RootString(audit.LeafHash(b)), Grootte: pp.Checkpoint.Size,
			Root: pp.RootBase64(), Bewijs: []string{}, Controlepunt: pp.Note, Verificatiesleutel: pp.VerifierKey}
		for _, h := range proof {
			out.Bewijs = append(out.Bewijs, audit.RootString(h))
		}
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="auditregel-%d.json"`, index))
		w.Header().Set("Cache-Control", "no-store")
		return writeJSON(w, http.StatusOK, out)
	}
	return errNotFound
}
