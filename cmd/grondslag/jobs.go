package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/civil"
	"github.com/grondslag/grondslag/internal/retention"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/tenant"
)

// jobRunner runs this instance's share of the durable jobs (store.JobStore, table taak). Every
// instance schedules the day's jobs — unique per kind and key, so scheduling twice makes one —
// and claims due ones; the lease gives each job to one runner, a dead runner's job is taken over
// when its lease expires, and a failed attempt is retried later. No leader election is needed.
type jobRunner struct {
	js       *store.JobStore
	owner    string
	lease    time.Duration
	retry    time.Duration
	handlers map[string]func(ctx context.Context, key string) error
}

// newJobRunner returns a runner named after the host and process (the owner of its leases).
func newJobRunner(db *store.DB) *jobRunner {
	host, _ := os.Hostname()
	var b [4]byte
	rand.Read(b[:])
	return &jobRunner{js: store.NewJobStore(db), owner: fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:])),
		lease: 30 * time.Minute, retry: 10 * time.Minute, handlers: map[string]func(context.Context, string) error{}}
}

// handle registers the handler of a kind of job.
func (r *jobRunner) handle(kind string, h func(ctx context.Context, key string) error) {
	r.handlers[kind] = h
}

// runDue runs due jobs until none is left; it returns how many ran and how many failed.
func (r *jobRunner) runDue(ctx context.Context, now func() time.Time) (ran, failed int, err error) {
	kinds := make([]string, 0, len(r.handlers))
	for k := range r.handlers {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for ctx.Err() == nil {
		j, err := r.js.Claim(ctx, r.owner, kinds, now(), r.lease)
		if err != nil || j == nil {
			return ran, failed, err
		}
		h := r.handlers[j.Kind]
		if err := r.js.Run(ctx, j, now, r.retry, func(ctx context.Context) error { return h(ctx, j.Key) }); err != nil {
			failed++
			slog.Error("achtergrondtaak mislukt", "taak", j.Kind, "sleutel", j.Key, "poging", j.Attempt, "van", j.MaxTries, "fout", err.Error())
			continue
		}
		ran++
	}
	return ran, failed, ctx.Err()
}

// jobRetention is the daily proposal of destruction lists per region (internal/retention):
// nothing is destroyed without the FG's advice and the controller's decision ('grondslag
// bewaartermijnen'). Key: "REGIO_ID/YYYY-MM-DD" (the Dutch day).
const jobRetention = "bewaartermijnen"

// scheduleRetention schedules today's retention job of every region (a no-op when it exists).
func scheduleRetention(ctx context.Context, r *jobRunner, regions *tenant.Registry, now time.Time) error {
	day := retention.Day(now.In(amsterdam()))
	for _, reg := range regions.Regions() {
		if _, err := r.js.Enqueue(ctx, jobRetention, fmt.Sprintf("%d/%s", reg.ID, day.Format(time.DateOnly)), now, 5, now); err != nil {
			return err
		}
	}
	return nil
}

// retentionJob proposes a region's destruction lists for a day with its own convenant.
// RetentionStore.Plan never proposes a unit twice, so a rerun after a crash adds nothing.
func retentionJob(regions *tenant.Registry, rs *store.RetentionStore) func(ctx context.Context, key string) error {
	return func(ctx context.Context, key string) error {
		var regionID int64
		var date string
		if _, err := fmt.Sscanf(strings.Replace(key, "/", " ", 1), "%d %s", &regionID, &date); err != nil {
			return fmt.Errorf("sleutel %q: %w", key, err)
		}
		day, err := time.Parse(time.DateOnly, date)
		if err != nil {
			return fmt.Errorf("sleutel %q: %w", key, err)
		}
		reg, err := regions.Region(ctx, regionID)
		if err != nil {
			return fmt.Errorf("regio %d: %w", regionID, err)
		}
		lists, err := rs.Plan(ctx, reg.ID, reg.Engine.Convenant(), day, time.Now())
		if err != nil {
			return fmt.Errorf("bewaartermijnen regio %s: %w", reg.Code, err)
		}
		if len(lists) > 0 {
			slog.Info("vernietigingslijsten voorgesteld", "regio", reg.Code, "lijsten", len(lists))
		}
		return nil
	}
}

// The server's periodic work, as durable jobs like the retention proposals: every instance
// schedules them on its ticker (unique per kind and key, so two instances make one job) and
// runs due ones; the lease gives each job to exactly one runner. No leader is needed.
const (
	// jobSessions deletes expired sessions. Key: the slot of backgroundPeriod (UTC, "2006-01-02T15:04").
	jobSessions = "sessies"
	// jobCheckpoints signs a checkpoint of every region's audit log that grew (and at least
	// daily). Key: the slot.
	jobCheckpoints = "controlepunten"
	// jobNotices sends a region's transparency notices about the day before, from 06:00 Dutch
	// time. Key: "REGIO_ID/YYYY-MM-DD" (the Dutch day it is sent).
	jobNotices = "kennisgevingen"
	// jobDigests sends a region's daily digest of the work lists, from 07:00 Dutch time. Key:
	// "REGIO_ID/YYYY-MM-DD".
	jobDigests = "overzicht"
)

// backgroundPeriod is how often an instance schedules and runs the background jobs.
const backgroundPeriod = 10 * time.Minute

// slotKey is the key of a periodic job for the slot of backgroundPeriod that holds now.
func slotKey(now time.Time) string {
	return now.UTC().Truncate(backgroundPeriod).Format("2006-01-02T15:04")
}

// scheduleBackground schedules the jobs that are due at now: this slot's session cleanup and
// checkpoints (when those kinds have a handler), and, once the Dutch morning has come, today's
// notices and digests of every region (when configured). Scheduling what exists is a no-op.
func (r *jobRunner) scheduleBackground(ctx context.Context, regionIDs []int64, now time.Time) error {
	slot := slotKey(now)
	for _, kind := range []string{jobSessions, jobCheckpoints} {
		if r.handlers[kind] == nil {
			continue
		}
		// One attempt: the next slot's job does the same work.
		if _, err := r.js.Enqueue(ctx, kind, slot, now, 1, now); err != nil {
			return err
		}
	}
	local := now.In(amsterdam())
	day := civil.Today(now).String()
	for _, d := range []struct {
		kind string
		from int // Dutch hour
	}{{jobNotices, 6}, {jobDigests, 7}} {
		if r.handlers[d.kind] == nil || local.Hour() < d.from {
			continue
		}
		for _, id := range regionIDs {
			if _, err := r.js.Enqueue(ctx, d.kind, fmt.Sprintf("%d/%s", id, day), now, 5, now); err != nil {
				return err
			}
		}
	}
	return nil
}

// regionDayJob adapts a per-region, per-day function to a job handler (key "REGIO_ID/YYYY-MM-DD").
func regionDayJob(fn func(ctx context.Context, regionID int64, day civil.Date, now time.Time) error) func(ctx context.Context, key string) error {
	return func(ctx context.Context, key string) error {
		var regionID int64
		var date string
		if _, err := fmt.Sscanf(strings.Replace(key, "/", " ", 1), "%d %s", &regionID, &date); err != nil {
			return fmt.Errorf("sleutel %q: %w", key, err)
		}
		day, err := civil.ParseISO(date)
		if err != nil {
			return fmt.Errorf("sleutel %q: %w", key, err)
		}
		return fn(ctx, regionID, day, time.Now())
	}
}
