package main

import (
	"context"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/rights"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/web"
)

// mountInzage adds the inzage pages (AVG art. 15: parents ask, the school's zorgcoördinator
// extends and handles) to s. Requests and their audit entries are written in one transaction;
// the entries are sealed with the region's key ring, the same encrypter as every other audited
// write of the server (verzuim, toestemming).
func mountInzage(s *web.Server, db *store.DB, rk *regionKeys) error {
	svc, err := rights.NewService(store.RightsRepository{DB: db}, inzageSeal(rk), time.Now)
	if err != nil {
		return err
	}
	return s.MountInzage(web.InzageDeps{Service: svc, Store: db, Orgs: consentOrgs(db)})
}

func inzageSeal(rk *regionKeys) func(ctx context.Context, regionID int64) (audit.Encrypter, error) {
	return func(ctx context.Context, regionID int64) (audit.Encrypter, error) {
		keys, _, err := rk.keys(ctx, regionID)
		if err != nil {
			return nil, err
		}
		return keys, nil
	}
}
