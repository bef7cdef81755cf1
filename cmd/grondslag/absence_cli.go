package main

import (
	"context"
	"fmt"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
)

// absenceCLI is what every `grondslag verzuim …` command that writes to the store shares: the
// region, the responsible user (--door), the convenant, the region's keys and decision point, and
// the absence use-case service built on them. The web builds the same service in web_mounts.go;
// here it logs refusals directly (directAudit) and evaluates on the command's own day.
type absenceCLI struct {
	db     *store.DB
	region region.Region
	user   region.User
	conv   *convenant.Compiled
	keys   *ident.RegionKeys
	point  *access.Point
	now    time.Time
}

// openAbsenceCLI opens the store and resolves the region and the --door user; the caller closes
// c.db.
func openAbsenceCLI(ctx context.Context, cfg *config, by string, now time.Time) (*absenceCLI, error) {
	db, err := cfg.openStore(ctx)
	if err != nil {
		return nil, err
	}
	c, err := resolveAbsenceCLI(ctx, cfg, db, by, now)
	if err != nil {
		db.Close()
		return nil, err
	}
	return c, nil
}

func resolveAbsenceCLI(ctx context.Context, cfg *config, db *store.DB, by string, now time.Time) (*absenceCLI, error) {
	ref, err := cfg.region(ctx, db)
	if err != nil {
		return nil, err
	}
	reg, err := db.RegionByCode(ctx, ref.Code)
	if err != nil {
		return nil, fmt.Errorf("regio %s: %w", ref.Code, err)
	}
	u, err := db.UserByEmail(ctx, reg.ID, by)
	if err != nil || !u.Active {
		return nil, withExit(2, fmt.Errorf("--door: geen actieve gebruiker %q in deze regio", by))
	}
	conv, err := loadConvenant(cfg)
	if err != nil {
		return nil, err
	}
	ring, err := cfg.keyRing()
	if err != nil {
		return nil, err
	}
	keys, err := ring.Region(reg.Code)
	if err != nil {
		return nil, fmt.Errorf("sleutels van regio %s: %w", reg.Code, err)
	}
	return &absenceCLI{db: db, region: reg, user: u, conv: conv, keys: keys, point: access.New(policy.NewEngine(conv), reg.ID), now: now}, nil
}

// service builds the absence use cases with the given evaluator and day.
func (c *absenceCLI) service(ev *absence.Evaluator, asOf absence.Date) (*absence.Service, error) {
	keys := c.keys
	return absence.NewService(absence.ServiceDeps{Repo: store.AbsenceRepository{DB: c.db}, Decisions: c.point, Log: directAudit{db: c.db, enc: keys},
		Seal:      func(context.Context, int64) (audit.Encrypter, error) { return keys, nil },
		Evaluator: func(context.Context, int64) (*absence.Evaluator, error) { return ev, nil },
		Today:     func() absence.Date { return asOf }, Now: func() time.Time { return c.now },
		Residents: store.ResidentsRepository{DB: c.db, Keys: func(context.Context, int64) (store.Keys, error) { return keys, nil }}})
}

// base is the audit record of the command's operation (access point CLI), named name; the
// request id starts with requestPrefix.
func (c *absenceCLI) base(requestPrefix, name string) audit.Record {
	op := audit.NewOperationID()
	return audit.Record{Time: c.now, Actor: audit.Actor{UserID: c.user.ID, OrganisationID: c.user.OrganisationID, Role: string(c.user.Role)}, AccessPoint: audit.AccessCLI,
		RequestID: requestPrefix + op.String(), TraceID: audit.NewTraceID(), OperationID: op, Name: name}
}
