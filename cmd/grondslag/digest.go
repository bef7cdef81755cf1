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

// dailyDigests returns a function that sends, once a day from 07:00 Dutch time, the digest of
// the work lists to every professional who turned it on (every region; store.MarkDigestSent makes
// a rerun or a second instance send nothing twice). link is the start page. The server runs the
// same per region as a durable job (regionDigests, jobDigests).
func dailyDigests(db *store.DB, m notice.Mailer, link string) func(ctx context.Context, now time.Time) {
	send := regionDigests(db, m, link)
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
			if err := send(ctx, r.ID, today, now); err != nil {
				ok = false
			}
		}
		if ok {
			done = today
		}
	}
}

// regionDigests sends one region's digests of the day (a rerun sends nothing twice).
func regionDigests(db *store.DB, m notice.Mailer, link string) func(ctx context.Context, regionID int64, day civil.Date, now time.Time) error {
	count := digestCounter(db)
	return func(ctx context.Context, regionID int64, day civil.Date, _ time.Time) error {
		res, err := notice.SendDigests(ctx, db, count, m, regionID, day, link)
		if err != nil {
			slog.Error("dagelijks overzicht versturen mislukt", "regio_id", regionID, "fout", err.Error())
			return err
		}
		slog.Info("dagelijks overzicht verstuurd", "regio_id", regionID, "ontvangers", res.Recipients, "berichten", res.Sent, "leeg", res.Empty, "mislukt", res.Failed)
		return nil
	}
}
