package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
)

// trailMaker builds the audit entries of the demo's writes, each decided by the policy on the
// model convenant like the product's own writes. Without a key ring it makes no entries.
type trailMaker struct {
	res   *Result
	conv  *convenant.Compiled
	point *access.Point
	keys  *ident.RegionKeys
}

func newTrailMaker(res *Result, ring *ident.KeyRing) (*trailMaker, error) {
	conv, err := convenant.Default()
	if err != nil {
		return nil, err
	}
	t := &trailMaker{res: res, conv: conv, point: access.New(policy.NewEngine(conv), res.Region.ID)}
	if ring != nil {
		if t.keys, err = ring.Region(res.Region.Code); err != nil {
			return nil, err
		}
	}
	return t, nil
}

func (t *trailMaker) account(orgID int64, role region.Role) Account {
	for _, a := range t.res.Accounts {
		if a.OrgID == orgID && a.Role == role {
			return a
		}
	}
	return Account{}
}

// record decides req for the account and starts its audit record.
func (t *trailMaker) record(a Account, req policy.Request, action audit.Action, point audit.AccessPoint, name string, at time.Time) (audit.Record, error) {
	r, _, err := t.decided(a, req, action, point, name, at)
	return r, err
}

// decided is record with the decision (for a disclosure, the recipient's receipt).
func (t *trailMaker) decided(a Account, req policy.Request, action audit.Action, point audit.AccessPoint, name string, at time.Time) (audit.Record, access.Decision, error) {
	d, err := t.point.Ask(context.Background(), access.Request{RegionID: t.point.RegionID(), Request: req})
	if err != nil {
		return audit.Record{}, d, err
	}
	if !d.Allowed {
		return audit.Record{}, d, fmt.Errorf("het modelconvenant staat %q niet toe: %s", name, d.Reason)
	}
	op := audit.NewOperationID()
	r := audit.Record{Time: at, Actor: audit.Actor{UserID: a.UserID, OrganisationID: a.OrgID, Role: string(a.Role)},
		Categories: []string{req.Category}, Action: action, Purpose: req.Purpose, AccessPoint: point,
		RequestID: "demo-" + op.String(), TraceID: audit.NewTraceID(), OperationID: op, Name: name, Start: at, End: at.Add(200 * time.Millisecond)}
	r = d.Record(r)
	return r, d, nil
}

// importTrail: the school's student administration delivers the absence registrations; the
// zorgcoördinator is the responsible user, one entry per pupil whose registrations were written.
func (t *trailMaker) importTrail(schoolID int64, at time.Time) store.ImportTrail {
	if t.keys == nil {
		return nil
	}
	return func(ctx context.Context, tx *store.Tx, imp store.AbsenceImport) ([]audit.Entry, error) {
		zc := t.account(schoolID, region.RoleZorgcoordinator)
		base, err := t.record(zc, policy.Request{Actor: policy.Actor{Party: "school", Role: string(region.RoleZorgcoordinator)}, Action: policy.Record, Category: "verzuim", Purpose: "signalering"},
			audit.ActionImport, audit.AccessJob, "verzuim importeren uit de leerlingadministratie", at)
		if err != nil {
			return nil, err
		}
		ps, err := tx.Pseudonyms(ctx, t.res.Region.ID, imp.Pupils)
		if err != nil {
			return nil, err
		}
		list := make([]string, 0, len(imp.Pupils))
		for _, id := range imp.Pupils {
			list = append(list, ps[id])
		}
		return audit.PerPupil(base, list, t.keys)
	}
}

// meldingTrail: the zorgcoördinator sends the verzuimmelding; the school provides the absence
// data to leerplicht on the legal obligation of the Leerplichtwet.
func (t *trailMaker) meldingTrail(p *PupilRef, at time.Time) store.MeldingTrail {
	if t.keys == nil {
		return nil
	}
	return func(id int64) ([]audit.Entry, error) {
		zc := t.account(p.SchoolID, region.RoleZorgcoordinator)
		r, d, err := t.decided(zc, policy.Request{Actor: policy.Actor{Party: "school", Role: string(region.RoleZorgcoordinator)}, Action: policy.Disclose, Category: "verzuim", Purpose: "handhaving-leerplicht",
			Recipient: policy.Actor{Party: "gemeente", Role: string(region.RoleLeerplicht)}}, audit.ActionShare, audit.AccessUI, "verzuimmelding versturen", at)
		if err != nil {
			return nil, err
		}
		r.Pupil, r.Melding = p.Pseudonym, fmt.Sprintf("verzuimmelding:%d", id)
		// Leerplicht of the pupil's gemeente logs the receipt under its own activity, linked to
		// the school's record by trace context (as the web's melding does).
		recs := []audit.Record{r}
		if rec, ok := d.ReceiptOf(r, t.res.Region.ID, p.GemeenteID, string(region.RoleLeerplicht)); ok {
			recs = append(recs, rec)
		}
		log := access.Entries{Enc: t.keys}
		err = log.Append(context.Background(), t.res.Region.ID, recs...)
		return log.List, err
	}
}

// statusTrail: leerplicht takes the melding in behandeling, which gives it the ground to keep
// notes on the pupil.
func (t *trailMaker) statusTrail(p *PupilRef, at time.Time) store.MeldingTrail {
	if t.keys == nil {
		return nil
	}
	return func(id int64) ([]audit.Entry, error) {
		lp := t.account(p.GemeenteID, region.RoleLeerplicht)
		r, err := t.record(lp, policy.Request{Actor: policy.Actor{Party: "gemeente", Role: string(region.RoleLeerplicht)}, Action: policy.Record, Category: "verzuim", Purpose: "handhaving-leerplicht",
			Context: policy.Context{DUOMelding: true}}, audit.ActionUpdate, audit.AccessUI, "verzuimmelding in behandeling nemen", at)
		if err != nil {
			return nil, err
		}
		r.Pupil, r.Melding = p.Pseudonym, fmt.Sprintf("verzuimmelding:%d", id)
		e, err := audit.NewEntry(r, t.keys)
		return []audit.Entry{e}, err
	}
}
