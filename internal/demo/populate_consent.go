package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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

// populateConsents records the consents a region would have: for the thuiszitters and the
// frequently sick, the parents with gezag (and the pupil from 12) consented to sharing with
// jeugdhulp; for the M@ZL pupils also to the jeugdarts sharing advice with the school. They go
// through the register, so the person who must consent is checked like any consent. A few expire
// within 30 days and one is withdrawn, so the reminders and the withdrawal can be tried.
func populateConsents(ctx context.Context, db *store.DB, ring *ident.KeyRing, res *Result, today time.Time) ([]Step, error) {
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
	reg := consent.NewRegister(db, cfg, nil).WithShareLog(db)
	zcOf := map[int64]Account{}
	for _, a := range res.Accounts {
		if a.Role == region.RoleZorgcoordinator {
			zcOf[a.OrgID] = a
		}
	}
	decision, err := access.New(policy.NewEngine(conv), res.Region.ID).Ask(ctx, access.Request{RegionID: res.Region.ID,
		Request: policy.Request{Actor: policy.Actor{Party: "school", Role: "zorgcoordinator"}, Action: policy.Record, Category: "toestemming", Purpose: "signalering"}})
	if err != nil {
		return nil, err
	}
	if !decision.Allowed {
		return nil, fmt.Errorf("het modelconvenant staat het toestemmingsregister niet toe: %s", decision.Reason)
	}
	recorded, withdrawn, expiring := 0, 0, 0
	for i := range res.Pupils {
		p := &res.Pupils[i]
		if p.SchoolID == 0 || (p.Profile != ProfileThuiszitter && p.Profile != ProfileMazl && i%60 != 0) {
			continue
		}
		zc := zcOf[p.SchoolID]
		kinds := []struct {
			purpose    string
			recipient  string
			categories []string
		}{{"jeugdhulp", "jeugdhulp", []string{"gezondheid", "gezinssituatie", "ondersteuningsbehoefte"}}}
		if p.Profile == ProfileMazl {
			kinds = append(kinds, struct {
				purpose    string
				recipient  string
				categories []string
			}{"toeleiding", "school", []string{"gezondheid"}})
		}
		for k, kind := range kinds {
			// Given some time in the past year; every seventh one almost a year ago, so it
			// expires within the next 30 days.
			ago := 20 + (i*7+k*31)%200
			if (i+k)%7 == 0 {
				ago = 365 - 10 - (i % 15)
				expiring++
			}
			given := today.AddDate(0, 0, -ago)
			// Whose consent was needed is decided on the day it was given.
			need, err := reg.Needed(ctx, res.Region.ID, p.ID, kind.purpose, given)
			if err != nil {
				return nil, err
			}
			var givers []consent.Giver
			if need.Pupil {
				givers = append(givers, consent.PupilGiver())
			}
			for j, pid := range p.ParentIDs {
				if !p.Gezag[j] && !(len(p.ParentIDs) == 1) {
					continue
				}
				if need.Parents == consent.ParentsNone || (need.Parents == consent.ParentsOne && len(givers) > 0 && givers[len(givers)-1].Kind == consent.GiverParent) {
					continue
				}
				givers = append(givers, consent.ParentGiver(pid))
			}
			from := consent.DateOf(given)
			form, err := consentForm(ctx, db, cfg, res, p, zc, kind.purpose, given)
			if err != nil {
				return nil, err
			}
			evidence := sha256.Sum256([]byte(fmt.Sprintf("demo-formulier-%d-%s", p.ID, kind.purpose)))
			// Recorded in Grondslag today, from the signed forms (the demo region starts today).
			at := today.Add(7*time.Hour + time.Duration(recorded)*time.Second)
			rec, err := reg.Record(ctx, res.Region.ID, consent.Draft{
				PupilID: p.ID, Status: consent.StatusGiven, Givers: givers,
				Purposes: []string{kind.purpose}, Recipients: []consent.Recipient{{Party: kind.recipient}},
				Categories: kind.categories, Channel: consent.ChannelWritten,
				FormVersion: form.Version, FormHash: form.Hash, EvidenceHash: hex.EncodeToString(evidence[:]),
				GivenAt: given.Add(10 * time.Hour), ValidFrom: from, ValidUntil: from.AddDays(364),
				RecordedBy: fmt.Sprintf("gebruiker:%d", zc.UserID),
			}, consentTrail(decision, keys, zc, p, at, audit.ActionCreate, "toestemming vastleggen"))
			if err != nil {
				return nil, fmt.Errorf("toestemming leerling %d (%s): %w", p.ID, kind.purpose, err)
			}
			recorded++
			if recorded == 5 && len(p.ParentIDs) > 0 && p.Gezag[0] {
				at := today.Add(9 * time.Hour)
				if _, _, err := reg.Withdraw(ctx, res.Region.ID, rec.ID(), consent.ParentGiver(p.ParentIDs[0]), at, fmt.Sprintf("gebruiker:%d", zc.UserID), "Ouder trekt toestemming in per e-mail.", consentTrail(decision, keys, zc, p, at, audit.ActionUpdate, "toestemming intrekken")); err == nil {
					withdrawn++
				}
			}
		}
	}
	return []Step{
		{"toestemmingen vastgelegd", recorded},
		{"toestemmingen die binnen 30 dagen verlopen", expiring},
		{"toestemmingen ingetrokken", withdrawn},
	}, nil
}

// consentTrail returns the audit entries of recording or withdrawing a consent: the school keeps
// its consent register under the convenant's rule for that.
func consentTrail(d access.Decision, keys *ident.RegionKeys, zc Account, p *PupilRef, at time.Time, action audit.Action, name string) consent.AuditFunc {
	return func(consentID int64) ([]audit.Entry, error) {
		op := audit.NewOperationID()
		rec := audit.Record{Time: at, Actor: audit.Actor{UserID: zc.UserID, OrganisationID: zc.OrgID, Role: string(zc.Role)},
			Pupil: p.Pseudonym, Categories: []string{"toestemming"}, Action: action, Purpose: "signalering",
			AccessPoint: audit.AccessUI, RequestID: "toestemming-" + op.String(), TraceID: audit.NewTraceID(), OperationID: op, Name: name}
		rec = d.Record(rec)
		rec.ConsentID = consentID
		e, err := audit.NewEntry(rec, keys)
		if err != nil {
			return nil, err
		}
		return []audit.Entry{e}, nil
	}
}

// consentForm renders the form the parents signed and stores its exact text, so the record can
// name the version and hash of what was shown.
func consentForm(ctx context.Context, db *store.DB, cfg consent.Config, res *Result, p *PupilRef, zc Account, purpose string, given time.Time) (consent.Form, error) {
	pupil, err := db.Pupil(ctx, res.Region.ID, p.ID)
	if err != nil {
		return consent.Form{}, err
	}
	guardians := 0
	for _, g := range p.Gezag {
		if g {
			guardians++
		}
	}
	if len(p.Gezag) == 1 {
		guardians = 1
	}
	f, err := consent.RenderForm(consent.FormInput{Organisation: zc.Organisation, Contact: zc.Name + ", zorgcoördinator, " + zc.Email,
		PupilID: p.ID, PupilName: pupil.FirstName + " " + pupil.LastName, BirthDate: consent.DateOf(p.BirthDate),
		Guardians: guardians, Purpose: purpose, Date: consent.DateOf(given)}, cfg)
	if err != nil {
		return consent.Form{}, err
	}
	err = db.SaveConsentForm(ctx, res.Region.ID, store.ConsentForm{Hash: f.Hash, Version: f.Version, PupilID: p.ID, Purpose: purpose, Text: f.Text, HTML: string(f.HTML)}, given)
	return f, err
}
