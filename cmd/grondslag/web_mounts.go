package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/civil"
	"github.com/grondslag/grondslag/internal/consent"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/web"
)

// regionKeys finds a region's keys by region id (the web package works with ids).
type regionKeys struct {
	db    *store.DB
	ring  *ident.KeyRing
	mu    sync.Mutex
	codes map[int64]string
}

func (r *regionKeys) keys(ctx context.Context, regionID int64) (*ident.RegionKeys, string, error) {
	r.mu.Lock()
	code, ok := r.codes[regionID]
	r.mu.Unlock()
	if !ok {
		regs, err := r.db.Regions(ctx)
		if err != nil {
			return nil, "", err
		}
		for _, reg := range regs {
			if reg.ID == regionID {
				code = reg.Code
			}
		}
		if code == "" {
			return nil, "", fmt.Errorf("regio %d: %w", regionID, store.ErrNotFound)
		}
		r.mu.Lock()
		r.codes[regionID] = code
		r.mu.Unlock()
	}
	k, err := r.ring.Region(code)
	return k, code, err
}

// mountAbsenceAndConsent adds the verzuim pages and API (registrations upload, signals,
// meldingen) and the toestemming pages and API (record, withdraw, form, expiring) to s.
func mountAbsenceAndConsent(s *web.Server, db *store.DB, ring *ident.KeyRing, decisions absence.Decisions, log access.Log, consentCfg consent.Config, consentOf func(context.Context, int64) (consent.Config, error),
	regional func(context.Context, int64) (convenant.RegionalSettings, error), duoChannel absence.DUO) error {
	rk := &regionKeys{db: db, ring: ring, codes: map[int64]string{}}
	seal := func(ctx context.Context, regionID int64) (audit.Encrypter, error) {
		keys, _, err := rk.keys(ctx, regionID)
		return keys, err
	}
	residents := store.ResidentsRepository{DB: db, Keys: func(ctx context.Context, regionID int64) (store.Keys, error) {
		keys, _, err := rk.keys(ctx, regionID)
		return keys, err
	}}
	imports, err := absence.NewService(absence.ServiceDeps{Repo: store.AbsenceRepository{DB: db}, Decisions: decisions, Log: log, Seal: seal, Residents: residents,
		Today: func() absence.Date { return absence.DateOf(time.Now().In(civil.Amsterdam)) }, Now: time.Now,
		Evaluator: func(ctx context.Context, regionID int64) (*absence.Evaluator, error) {
			_, code, err := rk.keys(ctx, regionID)
			if err != nil {
				return nil, err
			}
			reg, err := db.RegionByCode(ctx, code)
			if err != nil {
				return nil, err
			}
			cal, err := absence.DefaultCalendar(absence.Region(reg.Holiday))
			if err != nil {
				return nil, err
			}
			// The region's switches and their versions by date come from its convenant
			// (regionale_instellingen, versies).
			settings := convenant.DefaultRegional()
			if regional != nil {
				if settings, err = regional(ctx, regionID); err != nil {
					return nil, err
				}
			}
			return absence.NewRegionalEvaluator(cal, absence.DefaultRules(), settings, "convenant van regio "+code)
		}})
	if err != nil {
		return err
	}
	regionCalendar := func(ctx context.Context, regionID int64) (*absence.Calendar, error) {
		_, code, err := rk.keys(ctx, regionID)
		if err != nil {
			return nil, err
		}
		reg, err := db.RegionByCode(ctx, code)
		if err != nil {
			return nil, err
		}
		return absence.DefaultCalendar(absence.Region(reg.Holiday))
	}
	pseudonym := func(ctx context.Context, regionID int64, kind, number string) (string, error) {
		if err := ident.Validate(ident.Kind(kind), number); err != nil {
			return "", err
		}
		keys, _, err := rk.keys(ctx, regionID)
		if err != nil {
			return "", err
		}
		return keys.Pseudonym(ident.Kind(kind), number), nil
	}
	lp := web.LeerplichtDeps{Seal: seal, Calendar: regionCalendar, Pseudonym: pseudonym}
	err = s.MountVrijstellingen(web.ExemptionDeps{Store: db, LeerplichtDeps: lp})
	if err != nil {
		return fmt.Errorf("vrijstellingen koppelen: %w", err)
	}
	if err := s.MountDossiers(web.DossierDeps{Store: db, LeerplichtDeps: lp, Residents: imports, Rules: dossierRules(regional), Letters: db}); err != nil {
		return fmt.Errorf("leerplichtdossiers koppelen: %w", err)
	}
	if err := s.MountLetterTemplates(db); err != nil {
		return fmt.Errorf("briefsjablonen koppelen: %w", err)
	}
	err = s.MountVerzuim(web.VerzuimDeps{Store: db, Import: imports,
		PupilNumber: func(ctx context.Context, regionID, pupilID int64) (string, string, error) {
			keys, _, err := rk.keys(ctx, regionID)
			if err != nil {
				return "", "", err
			}
			kind, number, err := db.PupilNumber(ctx, regionID, pupilID, keys)
			return string(kind), number, err
		},
		Seal: seal, DUO: duoChannel})
	if err != nil {
		return fmt.Errorf("verzuim koppelen: %w", err)
	}
	err = s.MountToestemming(web.ToestemmingDeps{Register: consent.NewRegister(db, consentCfg, nil).WithRegionConfig(consentOf).WithShareLog(db).WithAsks(db), Families: db, Expiring: db,
		Seal:  seal,
		Names: db, Forms: db, Orgs: consentOrgs(db),
		FormText: func(ctx context.Context, regionID int64, hash string) (string, error) {
			f, err := db.ConsentFormByHash(ctx, regionID, hash)
			return f.Text, err
		}})
	if err != nil {
		return fmt.Errorf("toestemming koppelen: %w", err)
	}
	if err := s.MountParentPortal(web.ParentPortalDeps{Adults: db, Pupils: db}); err != nil {
		return err
	}
	if err := s.MountRetention(web.RetentionDeps{Lists: store.NewRetentionStore(db), Seal: inzageSeal(rk)}); err != nil {
		return fmt.Errorf("vernietigingslijsten koppelen: %w", err)
	}
	return mountInzage(s, db, rk)
}

// consentOrgs lists a region's organisations for the consent pages (onderwijsconsulenten belong
// to the SWV side of the convenant).
func consentOrgs(db *store.DB) func(ctx context.Context, regionID int64) ([]web.OrgRef, error) {
	return func(ctx context.Context, regionID int64) ([]web.OrgRef, error) {
		orgs, err := db.Organisations(ctx, regionID)
		if err != nil {
			return nil, err
		}
		out := make([]web.OrgRef, 0, len(orgs))
		for _, o := range orgs {
			party := string(o.Kind)
			if party == "oco" {
				party = "swv"
			}
			out = append(out, web.OrgRef{ID: o.ID, Name: o.Name, Party: party})
		}
		return out, nil
	}
}

// dossierRules reads the region's dossier switches from its convenant (the model's when regional
// is nil): the term for first contact (leerplicht_eerste_contact_schooldagen).
func dossierRules(regional func(context.Context, int64) (convenant.RegionalSettings, error)) func(context.Context, int64) (absence.DossierRules, error) {
	return func(ctx context.Context, regionID int64) (absence.DossierRules, error) {
		r := convenant.DefaultRegional()
		if regional != nil {
			var err error
			if r, err = regional(ctx, regionID); err != nil {
				return absence.DossierRules{}, err
			}
		}
		return absence.DossierRules{FirstContactDays: r.FirstContactDays}, nil
	}
}
