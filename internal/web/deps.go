package web

import (
	"context"
	"time"

	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/civil"
	"github.com/grondslag/grondslag/internal/dossier"
	"github.com/grondslag/grondslag/internal/policy"
)

// Accounts is what sign-in needs from the store (internal/store implements it).
type Accounts interface {
	AccountsByEmail(ctx context.Context, email string) ([]auth.Account, error)
	Account(ctx context.Context, regionID, userID int64) (auth.Account, error)
	Accounts(ctx context.Context, regionID int64) ([]auth.Account, error)
	SetTOTP(ctx context.Context, regionID, userID int64, sealed []byte, confirmed bool, now time.Time) error
	UseTOTPStep(ctx context.Context, regionID, userID, step int64, now time.Time) (bool, error)
	ReplaceRecoveryCodes(ctx context.Context, regionID, userID int64, hashes []string, now time.Time) error
	UseRecoveryCode(ctx context.Context, regionID, userID int64, hash string, now time.Time) (bool, error)
	AccountInOrgByEmail(ctx context.Context, regionID, orgID int64, email string) (auth.Account, error)

	ParentsByEmail(ctx context.Context, email string) ([]auth.Parent, error)
	Parent(ctx context.Context, regionID, parentID int64) (auth.Parent, error)
	CreateLoginCode(ctx context.Context, regionID, parentID int64, hash string, expires, now time.Time) error
	UseLoginCode(ctx context.Context, regionID, parentID int64, hash string, maxAttempts int, now time.Time) (bool, error)

	APIClientByToken(ctx context.Context, tokenHash string) (auth.APIClient, error)
	OIDCConfigs(ctx context.Context) ([]auth.OIDCConfig, [][]byte, error)
}

// Sessions keeps server-side sessions, shared by every instance.
type Sessions interface {
	CreateSession(ctx context.Context, s auth.Session) error
	Session(ctx context.Context, idHash string) (auth.Session, error)
	TouchSession(ctx context.Context, idHash string, now time.Time) error
	SetSessionPurpose(ctx context.Context, idHash, purpose string) error
	RotateSession(ctx context.Context, oldHash string, next auth.Session) error
	DeleteSession(ctx context.Context, idHash string) error
}

// Throttle counts failed logins per account and per address, shared by every instance.
type Throttle interface {
	ThrottleLocked(ctx context.Context, keys []string, now time.Time) (bool, error)
	ThrottleFail(ctx context.Context, key string, max int, window, lock time.Duration, now time.Time) (bool, error)
	ThrottleReset(ctx context.Context, key string) error
}

// Dossiers answers which pupils an actor may see at all, and reads a pupil page.
type Dossiers interface {
	VisiblePupils(ctx context.Context, a dossier.Actor, today, q string, p dossier.Page) ([]dossier.PupilSummary, int, error)
	PupilRelations(ctx context.Context, a dossier.Actor, pupilID int64, today string) ([]dossier.RelationKind, error)
	// PupilsWithRelation is PupilRelations for a whole list at once: which of ids hold kind.
	PupilsWithRelation(ctx context.Context, a dossier.Actor, today string, kind dossier.RelationKind, ids []int64) (map[int64]bool, error)
	DossierPupil(ctx context.Context, regionID, pupilID int64, today string, want dossier.Want) (dossier.Pupil, error)
	// PupilLabels gives the pseudonym and name of the pupils of a list's page in one query (the
	// caller shows a name only where identification is allowed).
	PupilLabels(ctx context.Context, regionID int64, ids []int64) (map[int64]dossier.PupilSummary, error)
}

// Auditor appends a record to the region's audit trail (internal/audit). Reads are appended
// through it too; the implementation batches them (group commit) and returns once durable.
type Auditor interface {
	Append(ctx context.Context, regionID int64, recs ...audit.Record) error
}

// AuditReader lists audit records for the FG's view (newest first) and, for the parents'
// portal, the chronological trail of one pupil (NEN 7513: who, which data, which action, on which
// ground). Optional.
type AuditReader interface {
	RecentAudit(ctx context.Context, regionID int64, limit int) ([]audit.Record, error)
	PupilTrail(ctx context.Context, regionID int64, pseudonym string) ([]TrailItem, error)
}

// TrailItem is one access to a pupil's data as the parents see it.
type TrailItem struct {
	Index        uint64 // the entry's position in the region's log (for its proof download)
	Time         time.Time
	Organisation string // the organisation's name ("" for a system)
	Role         string
	Action       string
	Categories   []string
	Purpose      string
	Ground       string
	Outcome      string
	AccessPoint  string
}

// CodeSender delivers a parent's one-time login code. Production sends e-mail; the demo keeps
// the messages in a mailbox page (DevMailbox). Implementations never log the code or the address.
type CodeSender interface {
	SendLoginCode(ctx context.Context, to auth.Parent, code string, validFor time.Duration) error
}

// DecisionContext supplies the facts of a pupil that a decision needs (a DUO melding on file, a
// consent covering the purpose, the case phase). Optional: without it every fact is absent, so
// rules that need one are denied.
type DecisionContext interface {
	DecisionContext(ctx context.Context, a dossier.Actor, pupilID int64, purpose string, now time.Time) (Facts, error)
}

// policyContext is the policy context of a decision about the pupil at level on the day of
// now: the facts, the day, and the pupil's age on that day.
func (f Facts) policyContext(level string, now time.Time) policy.Context {
	c := policy.Context{DUOMelding: f.DUOMelding, Consent: f.Consent, ConsentID: consentRef(f.ConsentID), Phase: f.Phase, Level: level, NotEnrolled: f.NotEnrolled}
	c.On(civil.Today(now), f.Birth)
	return c
}

// Facts are the context of one decision.
type Facts struct {
	DUOMelding bool
	Melding    string // melding number relied on
	Consent    bool
	ConsentID  int64
	Phase      string
	// NotEnrolled: the child is enrolled at no school on the day (absoluut verzuim); set by the
	// leerplicht dossier pages, which check the enrolments themselves.
	NotEnrolled bool
	// Birth is the pupil's date of birth (zero: unknown). The age that decides whose consent
	// counts and whether leerplicht or the RMC applies is counted from it on the Dutch calendar
	// day of each decision (policy.Context.On).
	Birth civil.Date
	// ConsentFor, when set, answers whether a consent in the register covers the disclosure ask
	// names (and which). It is asked only when the policy says consent is what is missing, so a
	// page without consent rules costs no consent look-up. Every web path passes it through
	// consentRoute, which names the disclosing party: whose consent counts depends on it (a
	// jeugdarts' or jeugdhulpverlener's disclosure about a child of 12–15 needs the child's own
	// consent, BW 7:457 and 7:465, Jeugdwet 7.3.11; the school's follows AVG art. 8).
	ConsentFor func(ask ConsentAsk) (covered bool, consentID int64, err error)
}

// ConsentAsk is one question to the consent register: may Discloser give Category to the
// Recipient party (organisation RecipientOrg, 0 when not known) for the decision's purpose?
type ConsentAsk struct {
	Category     string
	Discloser    string
	Recipient    string
	RecipientOrg int64
}

// pupilRecordHolder is the party whose registration the web's pupil pages read (enrolment,
// contact, education, absence): the school. A read of it by another party is a disclosure by
// the school.
const pupilRecordHolder = "school"

// consentRoute is the consent route of decision q for actor a: nil without a register. For
// verstrekken the discloser is the asking party and the recipient the request's recipient; for
// lezen and vastleggen the actor receives what the pupil's record holder discloses.
func (f Facts) consentRoute(q policy.Request, a dossier.Actor) access.ConsentFunc {
	if f.ConsentFor == nil {
		return nil
	}
	ask := ConsentAsk{Discloser: pupilRecordHolder, Recipient: a.Party, RecipientOrg: a.OrgID}
	if q.Action == policy.Disclose {
		ask = ConsentAsk{Discloser: q.Actor.Party, Recipient: q.Recipient.Party}
	}
	return func(category string) (bool, int64, error) {
		ask := ask
		ask.Category = category
		return f.ConsentFor(ask)
	}
}
