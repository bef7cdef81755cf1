package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/grondslag/grondslag/internal/civil"
	"github.com/grondslag/grondslag/internal/dossier"
	"github.com/grondslag/grondslag/internal/notice"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/web"
)

// digestCounter counts a recipient's work lists as his start page shows them (web.RoleWork),
// through the same store queries and relation checks; only the numbers leave it.
func digestCounter(db *store.DB) notice.DigestCounter {
	return func(ctx context.Context, r notice.DigestRecipient, day civil.Date) ([]notice.DigestLine, error) {
		a := dossier.Actor{RegionID: r.RegionID, UserID: r.UserID, OrgID: r.OrgID, Party: web.PartyOfOrgKind(r.OrgKind), Role: r.Role}
		var lines []notice.DigestLine
		for _, k := range web.RoleWork(r.Role) {
			n, ok, err := db.WorkCount(ctx, a, k.Kind, day.String())
			if err != nil {
				return nil, err
			}
			if ok {
				lines = append(lines, notice.DigestLine{Title: k.Title, Count: n})
			}
		}
		return lines, nil
	}
}

// dailyDigests returns the job the server runs on its sweep ticker: once a day, from 07:00 Dutch
// time, the digest of the work lists to every professional who turned it on (every region;
// store.MarkDigestSent makes a rerun or a second instance send nothing twice). link is the start
// page.
func dailyDigests(db *store.DB, m notice.Mailer, link string) func(ctx context.Context, now time.Time) {
	count := digestCounter(db)
	var done civil.Date
	return func(ctx context.Context, now time.Time) {
		today := civil.Today(now)
		if done == today || now.In(civil.Amsterdam).Hour() < 7 {
			return
		}
		regions, err := db.Regions(ctx)
		if err != nil {
			slog.Error("dagelijks overzicht: regio's lezen mislukt", "fout", err.Error())
			return
		}
		ok := true
		for _, r := range regions {
			res, err := notice.SendDigests(ctx, db, count, m, r.ID, today, link)
			if err != nil {
				ok = false
				slog.Error("dagelijks overzicht versturen mislukt", "regio_id", r.ID, "fout", err.Error())
			}
			slog.Info("dagelijks overzicht verstuurd", "regio_id", r.ID, "ontvangers", res.Recipients, "berichten", res.Sent, "leeg", res.Empty, "mislukt", res.Failed)
		}
		if ok {
			done = today
		}
	}
}
