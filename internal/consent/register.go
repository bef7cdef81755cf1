package consent

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
)

// AuditFunc builds the audit entries of a change to consent id (its id is known only once the
// row exists). The repository appends them in the transaction that makes the change, so that the
// change and its trail are stored together or not at all. A nil AuditFunc writes no entries.
type AuditFunc func(consentID int64) ([]audit.Entry, error)

// ShareLog lists disclosures recorded elsewhere — the audit trail — that relied on a consent.
type ShareLog interface {
	ConsentAuditShares(ctx context.Context, regionID, pupilID, consentID int64) ([]Use, error)
}

// Use records that a disclosure relied on a consent, so that a withdrawal can list the shares
// that rested on it and the school can tell the recipients.
type Use struct {
	ID             int64
	ConsentID      int64
	At             time.Time
	PupilID        int64
	Purpose        string
	Party          string
	OrganisationID int64
	Category       string
	// Reference names the disclosure: the audit entry or exchange id.
	Reference string
	By        string // who disclosed (user reference)
}

// Repository is what the register needs from storage. Every method is scoped to one region.
// The store implements it; no method caches: a withdrawal written by one call is read by the next.
type Repository interface {
	ConsentFamily(ctx context.Context, regionID, pupilID int64) (Family, error)
	ConsentsOfPupil(ctx context.Context, regionID, pupilID int64) ([]Record, error)
	ConsentByID(ctx context.Context, regionID, id int64) (Record, error)
	InsertConsent(ctx context.Context, regionID int64, r Record, trail AuditFunc) (int64, error)
	// WithdrawConsent stores w unless the consent is already withdrawn (then ErrAlreadyWithdrawn).
	WithdrawConsent(ctx context.Context, regionID int64, w Withdrawal, trail AuditFunc) error
	RecordConsentUse(ctx context.Context, regionID int64, u Use) (int64, error)
	ConsentUses(ctx context.Context, regionID, consentID int64) ([]Use, error)
	// ActiveConsents returns the given, not withdrawn consents whose end date is on or after
	// from (or open), with the families of their pupils.
	ActiveConsents(ctx context.Context, regionID int64, from Date) ([]Record, map[int64]Family, error)
}

// Register is the consent register of a region's installation. It holds no state besides its
// configuration: every answer is read from the repository at the moment it is asked.
type Register struct {
	repo   Repository
	cfg    Config
	perReg func(ctx context.Context, regionID int64) (Config, error) // each region's own rules (WithRegionConfig)
	log    *slog.Logger
	shares ShareLog
	asks   AskRepository
}

// NewRegister returns a register on repo with cfg; log may be nil.
func NewRegister(repo Repository, cfg Config, log *slog.Logger) *Register {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Register{repo: repo, cfg: cfg, log: log}
}

// WithShareLog returns a register that also lists the audit trail's disclosures on a consent
// when it is withdrawn.
func (r *Register) WithShareLog(l ShareLog) *Register {
	cp := *r
	cp.shares = l
	return &cp
}

// WithRegionConfig returns a register that uses each region's own configuration (the
// consent rules and catalogue of that region's convenant) instead of the one it was made with.
// A server that holds several regions must use it: one convenant's age rules applied to
// another region's pupils would ask the wrong person.
func (r *Register) WithRegionConfig(of func(ctx context.Context, regionID int64) (Config, error)) *Register {
	cp := *r
	cp.perReg = of
	return &cp
}

// Config returns the configuration the register was made with: for a register that holds one
// region. Where a region is known, use ConfigFor.
func (r *Register) Config() Config { return r.cfg }

// ConfigFor returns the configuration of region regionID (WithRegionConfig), or the register's
// own when it has no per-region configuration.
func (r *Register) ConfigFor(ctx context.Context, regionID int64) (Config, error) {
	if r.perReg == nil {
		return r.cfg, nil
	}
	cfg, err := r.perReg(ctx, regionID)
	if err != nil {
		return Config{}, fmt.Errorf("toestemmingsregels van regio %d: %w", regionID, err)
	}
	return cfg, nil
}

// Record validates d against the pupil's family as stored now and stores it, with the audit
// entries trail builds, in one transaction. On any error nothing is stored.
func (r *Register) Record(ctx context.Context, regionID int64, d Draft, trail AuditFunc) (Record, error) {
	fam, err := r.repo.ConsentFamily(ctx, regionID, d.PupilID)
	if err != nil {
		return Record{}, fmt.Errorf("leerling %d: %w", d.PupilID, err)
	}
	cfg, err := r.ConfigFor(ctx, regionID)
	if err != nil {
		return Record{}, err
	}
	rec, err := New(d, fam, cfg)
	if err != nil {
		return Record{}, err
	}
	id, err := r.repo.InsertConsent(ctx, regionID, rec, trail)
	if err != nil {
		return Record{}, fmt.Errorf("toestemming opslaan: %w", err)
	}
	r.log.InfoContext(ctx, "toestemming vastgelegd", "regio", regionID, "toestemming", id, "status", d.Status, "kanaal", d.Channel)
	return rec.WithID(id), nil
}

// Check answers a policy request: the consent that covers it, or what is missing. It reads the
// pupil's family and consents from the repository on every call.
func (r *Register) Check(ctx context.Context, regionID int64, req Request) (Coverage, error) {
	fam, err := r.repo.ConsentFamily(ctx, regionID, req.PupilID)
	if err != nil {
		return Coverage{}, fmt.Errorf("leerling %d: %w", req.PupilID, err)
	}
	recs, err := r.repo.ConsentsOfPupil(ctx, regionID, req.PupilID)
	if err != nil {
		return Coverage{}, fmt.Errorf("toestemmingen lezen: %w", err)
	}
	cfg, err := r.ConfigFor(ctx, regionID)
	if err != nil {
		return Coverage{}, err
	}
	return Cover(req, fam, recs, cfg)
}

// Rely records that a disclosure described by req and reference went ahead on consent cov.
// It refuses when cov did not cover.
func (r *Register) Rely(ctx context.Context, regionID int64, req Request, cov Coverage, reference, by string) (Use, error) {
	if !cov.Covered {
		return Use{}, fmt.Errorf("%w: er is geen toestemming om op te steunen: %s", ErrInvalid, cov.Missing)
	}
	u := Use{ConsentID: cov.ConsentID, At: req.Now, PupilID: req.PupilID, Purpose: req.Purpose, Party: req.Party,
		OrganisationID: req.OrganisationID, Category: req.Category, Reference: strings.TrimSpace(reference), By: by}
	id, err := r.repo.RecordConsentUse(ctx, regionID, u)
	if err != nil {
		return Use{}, fmt.Errorf("gebruik van toestemming vastleggen: %w", err)
	}
	u.ID = id
	return u, nil
}

// Withdraw withdraws consent id at instant at on behalf of by (with the audit entries trail
// builds, in the same transaction), and returns the withdrawal and the disclosures that rested on
// the consent — recorded uses, and the audit trail's when a ShareLog is set — so that the school
// can inform their recipients.
func (r *Register) Withdraw(ctx context.Context, regionID, id int64, by Giver, at time.Time, recordedBy, note string, trail AuditFunc) (Withdrawal, []Use, error) {
	rec, err := r.repo.ConsentByID(ctx, regionID, id)
	if err != nil {
		return Withdrawal{}, nil, err
	}
	fam, err := r.repo.ConsentFamily(ctx, regionID, rec.d.PupilID)
	if err != nil {
		return Withdrawal{}, nil, err
	}
	cfg, err := r.ConfigFor(ctx, regionID)
	if err != nil {
		return Withdrawal{}, nil, err
	}
	w, err := NewWithdrawal(rec, by, at, recordedBy, note, fam, cfg.Rules)
	if err != nil {
		return Withdrawal{}, nil, err
	}
	if err := r.repo.WithdrawConsent(ctx, regionID, w, trail); err != nil {
		return Withdrawal{}, nil, err
	}
	r.log.InfoContext(ctx, "toestemming ingetrokken", "regio", regionID, "toestemming", id)
	uses, err := r.Uses(ctx, regionID, id)
	if err != nil {
		return w, nil, fmt.Errorf("ingetrokken, maar de verstrekkingen konden niet worden gelezen: %w", err)
	}
	return w, uses, nil
}

// List returns all consent records of a pupil, newest first.
func (r *Register) List(ctx context.Context, regionID, pupilID int64) ([]Record, error) {
	return r.repo.ConsentsOfPupil(ctx, regionID, pupilID)
}

// Get returns one record.
func (r *Register) Get(ctx context.Context, regionID, id int64) (Record, error) {
	return r.repo.ConsentByID(ctx, regionID, id)
}

// Uses lists the disclosures that relied on consent id: those recorded with Rely, and — when a
// ShareLog is set — those in the audit trail that name the consent, oldest first.
func (r *Register) Uses(ctx context.Context, regionID, id int64) ([]Use, error) {
	uses, err := r.repo.ConsentUses(ctx, regionID, id)
	if err != nil || r.shares == nil {
		return uses, err
	}
	rec, err := r.repo.ConsentByID(ctx, regionID, id)
	if err != nil {
		return nil, err
	}
	more, err := r.shares.ConsentAuditShares(ctx, regionID, rec.d.PupilID, id)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, u := range uses {
		seen[u.Reference] = true
	}
	for _, u := range more {
		if !seen[u.Reference] {
			uses = append(uses, u)
		}
	}
	sort.SliceStable(uses, func(i, j int) bool { return uses[i].At.Before(uses[j].At) })
	return uses, nil
}

// Reminders lists consents that stop covering within days days of now (see Expiring).
func (r *Register) Reminders(ctx context.Context, regionID int64, now time.Time, days int) ([]Reminder, error) {
	recs, fams, err := r.repo.ActiveConsents(ctx, regionID, Today(now))
	if err != nil {
		return nil, err
	}
	cfg, err := r.ConfigFor(ctx, regionID)
	if err != nil {
		return nil, err
	}
	return Expiring(recs, fams, now, days, cfg.Rules), nil
}

// Needed answers whose consent a purpose needs for a stored pupil on the Dutch day of now.
func (r *Register) Needed(ctx context.Context, regionID, pupilID int64, purpose string, now time.Time) (Requirement, error) {
	fam, err := r.repo.ConsentFamily(ctx, regionID, pupilID)
	if err != nil {
		return Requirement{}, err
	}
	cfg, err := r.ConfigFor(ctx, regionID)
	if err != nil {
		return Requirement{}, err
	}
	return cfg.Rules.Needed(fam.BirthDate, Today(now), purpose, fam.GezagCount())
}

// DocumentRepository gives the signed form kept as proof of a consent (the store implements it
// beside Repository).
type DocumentRepository interface {
	// ConsentDocument returns the document with its bytes; ErrNotFound when there is none.
	ConsentDocument(ctx context.Context, regionID, consentID int64) (Document, error)
}

// Document returns the signed form of consent id. Callers read it only after the read was
// decided and logged (Service.Document, Service.OwnDocument).
func (r *Register) Document(ctx context.Context, regionID, id int64) (Document, error) {
	dr, ok := r.repo.(DocumentRepository)
	if !ok {
		return Document{}, fmt.Errorf("%w: deze opslag bewaart geen getekende formulieren", ErrNotFound)
	}
	return dr.ConsentDocument(ctx, regionID, id)
}
