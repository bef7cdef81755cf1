package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

// TestJobRunnerRetriesAndRunsOnce: two runners (two instances) over one store; a job scheduled by
// both runs once; a failing handler is retried after its delay, not before.
func TestJobRunnerRetriesAndRunsOnce(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	clock := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	calls := map[string]int{}
	fail := true
	a, b := newJobRunner(db), newJobRunner(db)
	for _, r := range []*jobRunner{a, b} {
		r.handle("proef", func(_ context.Context, key string) error {
			calls[key]++
			if key == "wankel" && fail {
				return errors.New("even niet")
			}
			return nil
		})
		for _, key := range []string{"vast", "wankel"} {
			if _, err := r.js.Enqueue(ctx, "proef", key, clock, 3, clock); err != nil {
				t.Fatal(err)
			}
		}
	}
	if ran, failed, err := a.runDue(ctx, now); err != nil || ran != 1 || failed != 1 {
		t.Fatalf("first round: ran %d failed %d err %v; want 1 and 1", ran, failed, err)
	}
	if ran, failed, err := b.runDue(ctx, now); err != nil || ran+failed != 0 {
		t.Fatalf("second instance right after: ran %d failed %d err %v; want nothing (done, or waiting for its retry)", ran, failed, err)
	}
	fail = false
	clock = clock.Add(a.retry + time.Second)
	if ran, _, err := b.runDue(ctx, now); err != nil || ran != 1 {
		t.Fatalf("after the retry delay: ran %d err %v; want the failed job once more", ran, err)
	}
	if calls["vast"] != 1 || calls["wankel"] != 2 {
		t.Errorf("calls %v; want vast once, wankel twice", calls)
	}
	st, err := store.NewJobStore(db).JobStates(ctx, "proef")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range st {
		if s.Status != "klaar" {
			t.Errorf("%s: %s", s.Key, s.Status)
		}
	}
}

// TestBackgroundJobsOneRunnerEach: two instances (two stores, two runners) on one PostgreSQL
// database schedule the same background work at the same moment and run it concurrently; every
// job (this slot's session cleanup and checkpoints, each region's notices and digests of the day)
// runs exactly once, and nothing is scheduled for the notices before 06:00 Dutch time.
func TestBackgroundJobsOneRunnerEach(t *testing.T) {
	base := os.Getenv(storetest.EnvPostgres)
	if base == "" {
		t.Skip(storetest.EnvPostgres + " is niet gezet")
	}
	dsn, cleanup := storetest.NewPostgresDatabase(t, base)
	t.Cleanup(cleanup)
	ctx := context.Background()
	var dbs [2]*store.DB
	for i := range dbs {
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if i == 0 {
			if _, err := db.Migrate(ctx, time.Now().UnixMilli()); err != nil {
				t.Fatal(err)
			}
		}
		dbs[i] = db
	}
	var mu sync.Mutex
	calls := map[string][]int{} // kind/key → the instances that ran it
	var runners [2]*jobRunner
	for i, db := range dbs {
		r := newJobRunner(db)
		for _, kind := range []string{jobSessions, jobCheckpoints, jobNotices, jobDigests} {
			r.handle(kind, func(_ context.Context, key string) error {
				time.Sleep(5 * time.Millisecond) // long enough for the other instance to try the same job
				mu.Lock()
				calls[kind+" "+key] = append(calls[kind+" "+key], i)
				mu.Unlock()
				return nil
			})
		}
		runners[i] = r
	}
	regions := []int64{1, 2, 3}
	early := time.Date(2026, 12, 3, 4, 30, 0, 0, time.UTC) // 05:30 in Amsterdam
	for _, r := range runners {
		if err := r.scheduleBackground(ctx, regions, early); err != nil {
			t.Fatal(err)
		}
	}
	if st, err := runners[0].js.JobStates(ctx, jobNotices); err != nil || len(st) != 0 {
		t.Fatalf("notices scheduled before 06:00: %v %v", st, err)
	}
	now := time.Date(2026, 12, 3, 7, 5, 0, 0, time.UTC) // 08:05 in Amsterdam
	var wg sync.WaitGroup
	for _, r := range runners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, at := range []time.Time{early, now} {
				if err := r.scheduleBackground(ctx, regions, at); err != nil {
					t.Error(err)
					return
				}
			}
			if _, failed, err := r.runDue(ctx, func() time.Time { return now }); err != nil || failed != 0 {
				t.Errorf("runDue: %d failed, %v", failed, err)
			}
		}()
	}
	wg.Wait()
	want := []string{"sessies 2026-12-03T04:30", "sessies 2026-12-03T07:00", "controlepunten 2026-12-03T04:30", "controlepunten 2026-12-03T07:00"}
	for _, id := range regions {
		want = append(want, fmt.Sprintf("kennisgevingen %d/2026-12-03", id), fmt.Sprintf("overzicht %d/2026-12-03", id))
	}
	for _, k := range want {
		if len(calls[k]) != 1 {
			t.Errorf("%s ran %d times (instances %v), want once", k, len(calls[k]), calls[k])
		}
	}
	if len(calls) != len(want) {
		t.Errorf("ran %d distinct jobs, want %d: %v", len(calls), len(want), calls)
	}
	// Both instances did part of the work (the jobs were spread, not one instance doing all).
	by := map[int]int{}
	for _, ins := range calls {
		for _, i := range ins {
			by[i]++
		}
	}
	t.Logf("jobs per instance: %v", by)
}
