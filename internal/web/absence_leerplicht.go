package web

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/storage"
)

// What the leerplichtambtenaar's own work on a child has in common: the leerplicht dossier
// (absence_dossier.go) and vrijstellingen and leave (absence_exemption.go). Both are statutory
// work of the gemeente on a child living there; each has its own ground and purpose, so neither
// needs a DUO melding unless the ground is relative absence (the melding gate is narrow:
// DOMAIN.md, last section). Every access is a decision of the region's decision point, a refusal
// is logged, and a write is stored with its audit entry in one transaction (the trail below).

// ResidentLookup finds a child of the user's gemeente (*store.DB implements it).
type ResidentLookup interface {
	// ResidentPupil finds the pupil with this pseudonym living in the gemeente (storage.ErrNotFound
	// otherwise).
	ResidentPupil(ctx context.Context, regionID, gemeenteID int64, pseudonym string) (int64, error)
	// PupilResidence returns the gemeente the pupil lives in.
	PupilResidence(ctx context.Context, regionID, pupilID int64) (int64, error)
}

// LeerplichtDeps are the collaborators of leerplicht's pages about one child.
type LeerplichtDeps struct {
	// Pseudonym turns a BSN or onderwijsnummer into the region's pseudonym; the number itself is
	// not stored.
	Pseudonym func(ctx context.Context, regionID int64, kind, number string) (string, error)
	// Calendar is the region's school calendar (terms and leave count school days).
	Calendar func(ctx context.Context, regionID int64) (*absence.Calendar, error)
	// Seal returns the encrypter of the region's audit entries.
	Seal func(ctx context.Context, regionID int64) (audit.Encrypter, error)
}

// check names what is missing for the mount what.
func (d LeerplichtDeps) check(what string, storeSet bool) error {
	if !storeSet || d.Pseudonym == nil || d.Calendar == nil || d.Seal == nil {
		return fmt.Errorf("web: %s vraagt Store, Pseudonym, Calendar en Seal", what)
	}
	return nil
}

// residentChild finds the child with this number in the user's gemeente. A problem with the
// number is a message for the form field nummer (msg); err is for anything else. notFound is the
// message when no child with the number lives in the gemeente.
func (d LeerplichtDeps) residentChild(ctx context.Context, st ResidentLookup, p *Principal, kind, number, notFound string) (pupilID int64, pseudonym, msg string, err error) {
	a := p.Actor()
	if kind == "" {
		kind = "bsn"
	}
	number = strings.TrimSpace(number)
	if number == "" {
		return 0, "", "Vul het BSN of onderwijsnummer van het kind in.", nil
	}
	ps, err := d.Pseudonym(ctx, a.RegionID, kind, number)
	if err != nil {
		return 0, "", "Dit is geen geldig " + kind + ".", nil
	}
	id, err := st.ResidentPupil(ctx, a.RegionID, a.OrgID, ps)
	if errors.Is(err, storage.ErrNotFound) {
		return 0, "", notFound, nil
	}
	if err != nil {
		return 0, "", "", fmt.Errorf("kind in de gemeente zoeken: %w", err)
	}
	return id, ps, "", nil
}

// entry seals the audit entry of a write, naming the written record ref (e.g.
// "leerplichtdossier:12"); the store appends it in the write's transaction.
func (d LeerplichtDeps) entry(ctx context.Context, regionID int64, rec audit.Record, ref string) ([]audit.Entry, error) {
	enc, err := d.Seal(ctx, regionID)
	if err != nil {
		return nil, fmt.Errorf("auditsleutel: %w", err)
	}
	rec.Melding = ref
	e, err := audit.NewEntry(rec, enc)
	if err != nil {
		return nil, err
	}
	return []audit.Entry{e}, nil
}
