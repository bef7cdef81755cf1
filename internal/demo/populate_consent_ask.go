package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/consent"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
)

// populateConsentAsk puts one online consent request in the region, so that a person trying the
// demo can answer it as a parent: the school asks both parents with gezag of a child under 12
// for consent to share with the region's jeugdhulp organisation. The child has no consent yet, so
// the jeugdhulpverlener cannot open the child's page until both parents said yes.
func populateConsentAsk(ctx context.Context, db *store.DB, ring *ident.KeyRing, res *Result, today time.Time) ([]Step, error) {
	if ring == nil {
		return nil, nil
	}
	conv, err := convenant.Default()
	if err != nil {
		return nil, err
	}
	cfg, err := consent.FromConvenant(conv)
	if err != nil {
		return nil, err
	}
	keys, err := ring.Region(res.Region.Code)
	if err != nil {
		return nil, err
	}
	var jh int64
	for _, o := range res.Orgs {
		if o.Kind == region.KindJeugdhulp {
			jh = o.ID
		}
	}
	zcOf := map[int64]Account{}
	for _, a := range res.Accounts {
		if a.Role == region.RoleZorgcoordinator {
			zcOf[a.OrgID] = a
		}
	}
	reg := consent.NewRegister(db, cfg, nil).WithAsks(db)
	decision, err := access.New(policy.NewEngine(conv), res.Region.ID).Ask(ctx, access.Request{RegionID: res.Region.ID,
		Request: policy.Request{Actor: policy.Actor{Party: "school", Role: "zorgcoordinator"}, Action: policy.Record, Category: "toestemming", Purpose: "signalering"}})
	if err != nil {
		return nil, err
	}
	// The parents' request first: the demo prints the parents of the first open request, and a
	// pupil of 16 or more decides alone.
	var steps []Step
	pupilAccount := func() ([]Step, error) {
		more, err := populatePupilAccount(ctx, db, res, today, reg, cfg, func(zc Account, p *PupilRef, at time.Time) consent.AuditFunc {
			return consentTrail(decision, keys, zc, p, at, audit.ActionCreate, "toestemmingsverzoek")
		}, jh, zcOf)
		return append(steps, more...), err
	}
	for i := range res.Pupils {
		p := &res.Pupils[i]
		age := consent.AgeOn(consent.DateOf(p.BirthDate), consent.DateOf(today))
		if p.SchoolID == 0 || age < 6 || age >= 12 || len(p.ParentIDs) != 2 || !p.Gezag[0] || !p.Gezag[1] || jh == 0 {
			continue
		}
		if recs, err := db.ConsentsOfPupil(ctx, res.Region.ID, p.ID); err != nil || len(recs) > 0 {
			if err != nil {
				return nil, err
			}
			continue
		}
		zc, ok := zcOf[p.SchoolID]
		if !ok {
			continue
		}
		form, err := consentForm(ctx, db, cfg, res, p, zc, consent.PurposeJeugdhulp, today)
		if err != nil {
			return nil, err
		}
		decision, err := access.New(policy.NewEngine(conv), res.Region.ID).Ask(ctx, access.Request{RegionID: res.Region.ID,
			Request: policy.Request{Actor: policy.Actor{Party: "school", Role: "zorgcoordinator"}, Action: policy.Record, Category: "toestemming", Purpose: "signalering"}})
		if err != nil {
			return nil, err
		}
		at := today.Add(8 * time.Hour)
		_, err = reg.NewAsk(ctx, res.Region.ID, consent.AskDraft{PupilID: p.ID, Purpose: consent.PurposeJeugdhulp,
			Recipients: []consent.Recipient{{Party: "jeugdhulp", OrganisationID: jh}}, Categories: []string{"gezinssituatie", "ondersteuningsbehoefte"},
			FormVersion: form.Version, FormHash: form.Hash, AskedBy: fmt.Sprintf("gebruiker:%d", zc.UserID), AskedAt: at,
			Note: "Wij willen graag samen met Jeugdhulp De Overkant kijken wat uw kind nodig heeft."},
			consentTrail(decision, keys, zc, p, at, audit.ActionCreate, "toestemmingsverzoek"))
		if err != nil {
			return nil, fmt.Errorf("toestemmingsverzoek leerling %d: %w", p.ID, err)
		}
		steps = append(steps, Step{"online toestemmingsverzoeken", 1})
		return pupilAccount()
	}
	return pupilAccount()
}

// populatePupilAccount invites one pupil of 16 or 17 (the school gives the account) and asks
// that pupil, who now decides alone, for consent to share with jeugdhulp, so that a person trying
// the demo can sign in as a pupil (/inloggen/leerling; the demo prints the address).
func populatePupilAccount(ctx context.Context, db *store.DB, res *Result, today time.Time, reg *consent.Register, cfg consent.Config, trail func(Account, *PupilRef, time.Time) consent.AuditFunc, jh int64, zcOf map[int64]Account) ([]Step, error) {
	for i := range res.Pupils {
		p := &res.Pupils[i]
		age := consent.AgeOn(consent.DateOf(p.BirthDate), consent.DateOf(today))
		zc, ok := zcOf[p.SchoolID]
		if p.SchoolID == 0 || age < 16 || age >= 18 || !ok || jh == 0 {
			continue
		}
		if recs, err := db.ConsentsOfPupil(ctx, res.Region.ID, p.ID); err != nil || len(recs) > 0 {
			if err != nil {
				return nil, err
			}
			continue
		}
		email := fmt.Sprintf("leerling%d@leerlingen.demo.grondslag.test", p.ID)
		if err := db.InvitePupil(ctx, res.Region.ID, p.ID, email, fmt.Sprintf("gebruiker:%d", zc.UserID), today.Add(8*time.Hour)); err != nil {
			return nil, fmt.Errorf("leerlingaccount: %w", err)
		}
		form, err := consentForm(ctx, db, cfg, res, p, zc, consent.PurposeJeugdhulp, today)
		if err != nil {
			return nil, err
		}
		_, err = reg.NewAsk(ctx, res.Region.ID, consent.AskDraft{PupilID: p.ID, Purpose: consent.PurposeJeugdhulp,
			Recipients: []consent.Recipient{{Party: "jeugdhulp", OrganisationID: jh}}, Categories: []string{"gezinssituatie"},
			FormVersion: form.Version, FormHash: form.Hash, AskedBy: fmt.Sprintf("gebruiker:%d", zc.UserID), AskedAt: today.Add(8 * time.Hour)}, trail(zc, p, today.Add(8*time.Hour)))
		if err != nil {
			return nil, fmt.Errorf("toestemmingsverzoek leerling %d: %w", p.ID, err)
		}
		return []Step{{"leerlingaccount (16+) met een open toestemmingsvraag; inloggen op /inloggen/leerling met " + email, 1}}, nil
	}
	return nil, nil
}
