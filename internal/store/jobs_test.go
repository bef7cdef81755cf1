package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

// eachShared runs fn per engine with a function that opens another handle on the same database,
// as a second instance (or the same instance after a restart) would.
func eachShared(t *testing.T, fn func(t *testing.T, open func() *store.DB)) {
	ctx := context.Background()
	opener := func(t *testing.T, dsn string) func() *store.DB {
		return func() *store.DB {
			db, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			if _, err := db.Migrate(ctx, time.Now().UnixMilli()); err != nil {
				t.Fatal(err)
			}
			return db
		}
	}
	t.Run("sqlite", func(t *testing.T) { fn(t, opener(t, filepath.Join(t.TempDir(), "taak.db"))) })
	if base := os.Getenv(storetest.EnvPostgres); base != "" {
		t.Run("postgres", func(t *testing.T) {
			dsn, drop := storetest.NewPostgresDatabase(t, base)
			t.Cleanup(drop)
			fn(t, opener(t, dsn))
		})
	}
}

// TestJobsRunOncePerJobAcrossInstances: two instances (two handles on one database), four
// runners each, 120 jobs scheduled by both (each job twice): every job runs exactly once.
func TestJobsRunOncePerJobAcrossInstances(t *testing.T) {
	eachShared(t, func(t *testing.T, open func() *store.DB) {
		ctx := context.Background()
		dbs := []*store.DB{open(), open()}
		now := time.Now()
		const n = 120
		for _, db := range dbs {
			for i := range n {
				if _, err := store.NewJobStore(db).Enqueue(ctx, "proef", fmt.Sprint(i), now.Add(-time.Minute), 3, now); err != nil {
					t.Fatal(err)
				}
			}
		}
		var mu sync.Mutex
		runs := map[string]int{}
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for inst, db := range dbs {
			js := store.NewJobStore(db)
			for r := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					owner := fmt.Sprintf("instantie-%d/%d", inst, r)
					for {
						j, err := js.Claim(ctx, owner, []string{"proef"}, time.Now(), time.Minute)
						if err != nil {
							errs <- err
							return
						}
						if j == nil {
							return
						}
						err = js.RunTx(ctx, j, time.Now, time.Second, func(ctx context.Context, tx *store.Tx) error {
							mu.Lock()
							runs[j.Key]++
							mu.Unlock()
							return nil
						})
						if err != nil {
							errs <- err
							return
						}
					}
				}()
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if len(runs) != n {
			t.Fatalf("%d jobs ran, want %d", len(runs), n)
		}
		for k, c := range runs {
			if c != 1 {
				t.Errorf("job %s ran %d times", k, c)
			}
		}
		states, err := store.NewJobStore(dbs[1]).JobStates(ctx, "proef")
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range states {
			if s.Status != "klaar" || s.Attempts != 1 {
				t.Errorf("job %s: status %s after %d attempts", s.Key, s.Status, s.Attempts)
			}
		}
	})
}

// TestJobSurvivesRestart: a job scheduled and then claimed by an instance that dies (its handle
// closed, the lease left behind) is run by the next instance once the lease has expired; the dead
// runner's late completion commits nothing (its effects happen at most once).
func TestJobSurvivesRestart(t *testing.T) {
	eachShared(t, func(t *testing.T, open func() *store.DB) {
		ctx := context.Background()
		now := time.Now()
		first := open()
		js1 := store.NewJobStore(first)
		if _, err := js1.Enqueue(ctx, "overzicht", "2026-12-03", now, 3, now); err != nil {
			t.Fatal(err)
		}
		// Restart before anyone ran it: the job is still there.
		first.Close()
		second := open()
		js2 := store.NewJobStore(second)
		j1, err := js2.Claim(ctx, "instantie-a", []string{"overzicht"}, now, time.Minute)
		if err != nil || j1 == nil {
			t.Fatalf("after a restart the pending job was not found: %v %v", j1, err)
		}
		// Instance a dies while running it: nothing is completed. Within the lease nobody else
		// may take it.
		third := open()
		js3 := store.NewJobStore(third)
		if j, err := js3.Claim(ctx, "instantie-b", []string{"overzicht"}, now.Add(30*time.Second), time.Minute); err != nil || j != nil {
			t.Fatalf("a job under a live lease was handed out again: %v %v", j, err)
		}
		later := now.Add(2 * time.Minute)
		j2, err := js3.Claim(ctx, "instantie-b", []string{"overzicht"}, later, time.Minute)
		if err != nil || j2 == nil {
			t.Fatalf("after the lease expired the job was not taken over: %v %v", j2, err)
		}
		if j2.Attempt != 2 {
			t.Errorf("attempt %d, want 2", j2.Attempt)
		}
		effect := func(j *store.Job) func(ctx context.Context, tx *store.Tx) error {
			return func(ctx context.Context, tx *store.Tx) error {
				_, err := tx.Exec(ctx, "INSERT INTO taak (soort, sleutel, gepland_op, status, max_pogingen, aangemaakt_op) VALUES ('gevolg', ?, 0, 'klaar', 1, 0)", j.Owner)
				return err
			}
		}
		if err := js3.RunTx(ctx, j2, func() time.Time { return later }, time.Second, effect(j2)); err != nil {
			t.Fatal(err)
		}
		// The first runner comes back late and tries to finish: refused, its effect rolled back.
		if err := js2.RunTx(ctx, j1, func() time.Time { return later }, time.Second, effect(j1)); !errors.Is(err, store.ErrLeaseLost) {
			t.Fatalf("the runner that lost its lease finished the job: %v", err)
		}
		states, err := js3.JobStates(ctx, "gevolg")
		if err != nil {
			t.Fatal(err)
		}
		if len(states) != 1 || states[0].Key != "instantie-b" {
			t.Errorf("effects committed: %+v, want only instantie-b's", states)
		}
		if j, err := js3.Claim(ctx, "instantie-c", []string{"overzicht"}, later.Add(time.Hour), time.Minute); err != nil || j != nil {
			t.Errorf("a finished job was handed out again: %v %v", j, err)
		}
	})
}

// TestJobRetriesThenFails: a failing job is retried after its delay and is 'mislukt' with its
// error once its attempts are used up.
func TestJobRetriesThenFails(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	js := store.NewJobStore(db)
	now := time.Now()
	if _, err := js.Enqueue(ctx, "bewaartermijnen", "2026-12-03", now, 2, now); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("regio 1: tijdelijk niet bereikbaar")
	for attempt := 1; attempt <= 2; attempt++ {
		at := now.Add(time.Duration(attempt) * time.Hour)
		j, err := js.Claim(ctx, "a", []string{"bewaartermijnen"}, at, time.Minute)
		if err != nil || j == nil {
			t.Fatalf("attempt %d: no job (%v)", attempt, err)
		}
		if err := js.RunTx(ctx, j, func() time.Time { return at }, 10*time.Minute, func(context.Context, *store.Tx) error { return boom }); !errors.Is(err, boom) {
			t.Fatalf("attempt %d: %v", attempt, err)
		}
		if j, _ := js.Claim(ctx, "a", []string{"bewaartermijnen"}, at.Add(time.Minute), time.Minute); j != nil {
			t.Fatalf("attempt %d: retried before its delay", attempt)
		}
	}
	states, err := js.JobStates(ctx, "bewaartermijnen")
	if err != nil {
		t.Fatal(err)
	}
	if len(states) != 1 || states[0].Status != "mislukt" || states[0].Attempts != 2 || states[0].Error != boom.Error() {
		t.Errorf("after two failed attempts: %+v", states)
	}
}

// DeleteFinished removes done and failed jobs of the given kinds planned before the moment, and
// keeps pending ones, newer ones and other kinds.
func TestJobDeleteFinished(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		js := store.NewJobStore(db)
		old := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
		recent := old.AddDate(0, 0, 20)
		for _, j := range []struct {
			kind, key string
			at        time.Time
		}{{"sessies", "oud-klaar", old}, {"sessies", "oud-wacht", old}, {"sessies", "nieuw", recent}, {"bewaartermijnen", "oud", old}} {
			if _, err := js.Enqueue(ctx, j.kind, j.key, j.at, 1, j.at); err != nil {
				t.Fatal(err)
			}
		}
		// Run the old job of each kind (claimed oldest first); "oud-wacht" stays pending.
		for _, kind := range []string{"sessies", "bewaartermijnen"} {
			j, err := js.Claim(ctx, "proef", []string{kind}, old, time.Minute)
			if err != nil || j == nil {
				t.Fatalf("claim %s: %v %v", kind, j, err)
			}
			if err := js.Run(ctx, j, func() time.Time { return old }, time.Minute, func(context.Context) error { return nil }); err != nil {
				t.Fatal(err)
			}
		}
		n, err := js.DeleteFinished(ctx, []string{"sessies"}, old.AddDate(0, 0, 7))
		if err != nil || n != 1 {
			t.Fatalf("deleted %d (%v), want 1", n, err)
		}
		st, err := js.JobStates(ctx, "sessies")
		if err != nil {
			t.Fatal(err)
		}
		left := map[string]bool{}
		for _, s := range st {
			left[s.Key] = true
		}
		if len(st) != 2 || !left["nieuw"] || !left["oud-wacht"] {
			t.Errorf("left %v, want the pending and the recent job", st)
		}
		if st, _ := js.JobStates(ctx, "bewaartermijnen"); len(st) != 1 {
			t.Errorf("another kind was touched: %v", st)
		}
	})
}
