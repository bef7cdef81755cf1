package main

import (
	"context"
	"errors"
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
