// Package access is the one way in to personal data: every entry point (web page, API, CLI,
// demo, background job) asks it, and nothing else asks the policy engine or writes a decision
// into the audit log.
//
// One decision, in this order:
//
//  1. The request is checked against the point's region (a point serves one region; a request
//     for another region is refused before the engine is asked, so no region's rules decide for
//     another).
//  2. The region's policy engine (internal/policy) decides.
//  3. The consent route, once: when the engine says consent is what is missing and the caller
//     can consult the consent register (Request.ConsentFor), the register is asked for the
//     category and, when a consent covers it, the engine is asked again with that consent (the
//     decision then names it). With Request.ConsentFirst the register is asked before the
//     first decision instead (casework: consent may lift a buitenkant answer to content).
//  4. The deciding rule's processing activity is resolved to its URI in the
//     verwerkingsregister: the convenant's register URI followed by the id, or, for a convenant
//     without verwerkingsregister_uri, urn:grondslag:verwerking:<id> (so a bare id never reaches
//     the log, where it would be refused as no URI).
//  5. Decide appends the audit record to the Log the caller passes: the caller's transaction
//     (Entries, whose entries the store writes together with the data change) or the audit
//     batcher for reads and denials (group commit).
//
// Ask is steps 1–4 without the log. It is for questions that touch no personal data (the
// "mag ik dit delen?" page and API, `grondslag mag`, the vocabulary of a form) and for callers
// that decide first and log afterwards, once the record is complete (an import logs one entry
// per pupil written; a pupil page logs one entry per distinct decision). Those callers build the
// record with Decision.Record, the only place a decision's fields are copied into the log.
//
// The package imports neither net/http nor database/sql nor internal/store: what it needs it
// declares (Engine, Log).
package access

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/policy"
)

// Engine is a region's policy engine (*policy.Engine).
type Engine interface {
	Decide(policy.Request) policy.Decision
	Convenant() *convenant.Compiled
}

// Log receives the audit records of decisions: the audit batcher (store.AuditBatcher) for reads
// and denials, or Entries for the caller's transaction.
type Log interface {
	Append(ctx context.Context, regionID int64, recs ...audit.Record) error
}

// ConsentFunc answers whether a consent in the register covers the request for category, and
// which one.
type ConsentFunc func(category string) (covered bool, consentID int64, err error)

// Request is one access to decide.
type Request struct {
	// RegionID is the region whose data the request concerns (0 only for questions about no
	// region's data, such as `grondslag mag` on a convenant file).
	RegionID int64
	policy.Request
	// ConsentFor, when set, is the consent route: asked once, only when the policy says consent
	// is what is missing (or first, with ConsentFirst).
	ConsentFor ConsentFunc
	// ConsentFirst asks ConsentFor before the first decision and decides once with what it
	// says.
	ConsentFirst bool
}

// Decision is the policy's decision with the processing activity resolved to its URI.
type Decision struct {
	policy.Decision
	// ActivityURI is the verwerkingsregister URI of the deciding rule's activity
	// (dpl.core.processing_activity_id); "" when the rule names no activity. For a disclosure it
	// is the discloser's own activity (policy.Decision.DiscloserActivity). For a refusal it is the
	// asking party's own activity for the purpose, or DecisionActivity when it has none, so that
	// every record names its controller's activity.
	ActivityURI string
	// RecipientActivityURI is, for an allowed disclosure whose rule names it, the recipient's own
	// receiving activity in its register: the recipient's receipt is logged under it
	// (ReceiptRecord), never under the discloser's.
	RecipientActivityURI string
}

// ErrOtherRegion is returned when a point is asked about another region than its own.
var ErrOtherRegion = errors.New("access: vraag over een andere regio dan die van dit beslispunt")

// Point decides for one region: its convenant's engine.
type Point struct {
	eng    Engine
	region int64 // 0: any region (a single-convenant installation, or no region at all)
	uris   atomic.Pointer[uriCache]
}

// uriCache holds the activity URIs of one convenant version, so that resolving one does not
// allocate; rebuilt when the engine's convenant changes (a reload).
type uriCache struct {
	k    *convenant.Compiled
	uris map[string]string
	// own is, per party and purpose, the URI of the party's own activity for that purpose (the
	// first in the register), the activity a refusal is logged under.
	own map[partyPurpose]string
}

type partyPurpose struct{ party, purpose string }

// DecisionActivity is the processing activity of a refusal whose party has no activity of its
// own for the purpose asked: deciding about, and logging, access to personal data (AVG art. 5
// lid 2 and art. 32; NEN 7513), which every party does as its own controller.
const DecisionActivity = "urn:grondslag:verwerking:toegangsbeslissing"

func (p *Point) cache(k *convenant.Compiled) *uriCache {
	c := p.uris.Load()
	if c == nil || c.k != k {
		c = &uriCache{k: k, uris: map[string]string{}, own: map[partyPurpose]string{}}
		for _, a := range k.ProcessingActivities() {
			u := ActivityURI(k, a.ID)
			c.uris[a.ID] = u
			key := partyPurpose{a.Controller.Value, a.Purpose.Value}
			if _, seen := c.own[key]; !seen {
				c.own[key] = u
			}
		}
		p.uris.Store(c)
	}
	return c
}

func (p *Point) activityURI(k *convenant.Compiled, id string) string {
	if id == "" {
		return ""
	}
	if u, ok := p.cache(k).uris[id]; ok {
		return u
	}
	return ActivityURI(k, id)
}

// refusalActivity is the activity a refusal is logged under: the asking party's own activity
// for the purpose when its register has one, else DecisionActivity. A refusal is a processing
// too (the pupil's pseudonym, the question), so its record names its controller's activity.
func (p *Point) refusalActivity(k *convenant.Compiled, party, purpose string) string {
	if u, ok := p.cache(k).own[partyPurpose{party, purpose}]; ok {
		return u
	}
	return DecisionActivity
}

// New returns the decision point of the region regionID over its engine. regionID 0 accepts
// requests for any region (one convenant for the whole database).
func New(eng Engine, regionID int64) *Point {
	return &Point{eng: eng, region: regionID}
}

// RegionID is the region the point decides for (0: any).
func (p *Point) RegionID() int64 { return p.region }

// Convenant is the convenant the point currently decides by.
func (p *Point) Convenant() *convenant.Compiled { return p.eng.Convenant() }

// Ask decides req without logging (steps 1–4 of the package comment).
func (p *Point) Ask(_ context.Context, req Request) (Decision, error) {
	if p.region != 0 && req.RegionID != p.region {
		return Decision{}, fmt.Errorf("%w (regio %d gevraagd, beslispunt van regio %d)", ErrOtherRegion, req.RegionID, p.region)
	}
	q := req.Request
	if req.ConsentFirst && req.ConsentFor != nil {
		ok, id, err := req.ConsentFor(q.Category)
		if err != nil {
			return Decision{}, fmt.Errorf("toestemming nagaan: %w", err)
		}
		q.Context.Consent, q.Context.ConsentID = ok, consentRef(ok, id)
		return p.resolve(q, p.eng.Decide(q)), nil
	}
	d := p.eng.Decide(q)
	if !d.Allowed && d.Missing == policy.MissingConsent && req.ConsentFor != nil {
		ok, id, err := req.ConsentFor(q.Category)
		if err != nil {
			return Decision{}, fmt.Errorf("toestemming nagaan: %w", err)
		}
		if ok {
			q.Context.Consent, q.Context.ConsentID = true, consentRef(true, id)
			d = p.eng.Decide(q)
		}
	}
	return p.resolve(q, d), nil
}

// Decide decides req and appends the audit record — base with the decision applied — to log
// in the same call. It returns the decision, allowed or not; the error is only for a failure to
// decide or to log (then nothing may be shown or changed).
func (p *Point) Decide(ctx context.Context, log Log, req Request, base audit.Record) (Decision, error) {
	if log == nil {
		return Decision{}, errors.New("access: Decide zonder auditlog")
	}
	d, err := p.Ask(ctx, req)
	if err != nil {
		return d, err
	}
	if err := log.Append(ctx, req.RegionID, d.Record(base)); err != nil {
		return d, err
	}
	return d, nil
}

func consentRef(ok bool, id int64) string {
	if !ok || id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

func (p *Point) resolve(q policy.Request, d policy.Decision) Decision {
	out := Decision{Decision: d}
	k := p.eng.Convenant()
	if !d.Allowed {
		out.ActivityURI = p.refusalActivity(k, q.Actor.Party, q.Purpose)
		return out
	}
	own := d.Activity
	if d.DiscloserActivity != "" {
		own = d.DiscloserActivity
	}
	out.ActivityURI = p.activityURI(k, own)
	out.RecipientActivityURI = p.activityURI(k, d.RecipientActivity)
	return out
}

// ActivityURI is the URI of a processing activity of k's verwerkingsregister: the register URI
// of the convenant followed by the id, or urn:grondslag:verwerking:<id> for a convenant without
// verwerkingsregister_uri.
func ActivityURI(k *convenant.Compiled, activity string) string {
	if activity == "" {
		return ""
	}
	u := activity
	if k != nil {
		u = k.ProcessingActivityURI(activity)
	}
	if !strings.Contains(u, ":") {
		u = "urn:grondslag:verwerking:" + strings.ToLower(u)
	}
	return u
}

// Record returns base with the decision applied: outcome (reason "ontbreekt-<what>" when
// denied), ground code, convenant article and version, the consent relied on and the processing
// activity URI. Every record of a policy decision is made here.
func (d Decision) Record(base audit.Record) audit.Record {
	base.ApplyDecision(d.Decision, d.ActivityURI)
	return base
}

// ReceiptRecord is the recipient's own record of an allowed disclosure: base (naming the
// recipient as actor, the same trace) with action ontvangen, under the recipient's receiving
// activity. ok is false when the decision names no receiving activity (the rule has no
// verwerking_ontvanger) or was not allowed; then no receipt may be logged under this decision.
func (d Decision) ReceiptRecord(base audit.Record) (rec audit.Record, ok bool) {
	if !d.Allowed || d.RecipientActivityURI == "" {
		return audit.Record{}, false
	}
	rec = d.Record(base)
	rec.Action = audit.ActionReceive
	rec.ProcessingActivity = d.RecipientActivityURI
	return rec, true
}

// ReceiptOf is the recipient's receipt of the disclosure share (the discloser's record as it is
// logged), for the recipient organisation recipient with its role: ReceiptRecord of a record
// that names the recipient as actor (access point job: nobody at the recipient acted yet), in a
// new trace of the recipient's own, with the discloser's operation as its foreign_operation
// (entity: the discloser's organisation). The two controllers' records are linked by trace
// context only; each names its own activity. ok as for ReceiptRecord.
func (d Decision) ReceiptOf(share audit.Record, regionID, recipientOrg int64, recipientRole string) (rec audit.Record, ok bool) {
	if recipientOrg <= 0 || share.Actor.OrganisationID <= 0 || share.TraceID.IsZero() || share.OperationID.IsZero() {
		return audit.Record{}, false
	}
	base := share
	base.Actor = audit.Actor{OrganisationID: recipientOrg, Role: recipientRole}
	base.OnBehalfOf, base.Emergency = 0, false
	base.AccessPoint = audit.AccessJob
	base.TraceID, base.OperationID, base.ParentOperationID = audit.NewTraceID(), audit.NewOperationID(), audit.OperationID{}
	base.Foreign = &audit.ForeignOperation{TraceID: share.TraceID, OperationID: share.OperationID, Entity: audit.OrganisationURI(regionID, share.Actor.OrganisationID)}
	base.Name = share.Name + "-ontvangen"
	return d.ReceiptRecord(base)
}

// Entries is a Log for the caller's transaction: it turns the records into validated entries
// (the pupil's pseudonym encrypted with the region's key) and keeps them for the store's write,
// which appends them in the same transaction as the data change.
type Entries struct {
	Enc  audit.Encrypter
	List []audit.Entry
}

// Append validates and keeps the records as entries.
func (e *Entries) Append(_ context.Context, _ int64, recs ...audit.Record) error {
	for _, r := range recs {
		en, err := audit.NewEntry(r, e.Enc)
		if err != nil {
			return fmt.Errorf("auditregel: %w", err)
		}
		e.List = append(e.List, en)
	}
	return nil
}

// For returns the point itself when it serves regionID (or any region): a single point is its
// own registry, for an installation with one region or one convenant.
func (p *Point) For(_ context.Context, regionID int64) (*Point, error) {
	if p.region != 0 && regionID != p.region {
		return nil, fmt.Errorf("%w (regio %d gevraagd, beslispunt van regio %d)", ErrOtherRegion, regionID, p.region)
	}
	return p, nil
}

// DeniedError is the refusal of a use case: the decision (logged) that said no. Adapters turn it
// into their own form (the web a 403 with the reason, the CLI a message).
type DeniedError struct{ Decision Decision }

func (e *DeniedError) Error() string {
	return "het convenant staat dit niet toe: " + e.Decision.Reason
}

// FirstAllowed asks req under each purpose in turn, without logging, and returns the first
// allowed decision with its purpose; when none allows, the decision for the first purpose. For a
// use case whose purpose follows from the convenant rather than from the user (the consent
// register, an import without --doel).
func (p *Point) FirstAllowed(ctx context.Context, req Request, purposes []string) (Decision, string, error) {
	var first Decision
	firstPurpose := ""
	for _, purpose := range purposes {
		if purpose == "" {
			continue
		}
		r := req
		r.Purpose = purpose
		d, err := p.Ask(ctx, r)
		if err != nil || d.Allowed {
			return d, purpose, err
		}
		if firstPurpose == "" {
			first, firstPurpose = d, purpose
		}
	}
	return first, firstPurpose, nil
}
