package store_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

// Of two instances on one PostgreSQL database exactly one leads; when it releases or its session
// dies, the other takes over.
func TestLeaderExactlyOne(t *testing.T) {
	ctx := context.Background()
	if l := storetest.SQLite(t).NewLeader("x"); func() bool { ok, _ := l.TryLead(ctx); return !ok }() {
		t.Fatal("SQLite must always lead")
	}
	base := os.Getenv(storetest.EnvPostgres)
	if base == "" {
		t.Skip(storetest.EnvPostgres + " is niet gezet")
	}
	dsn, drop := storetest.NewPostgresDatabase(t, base)
	t.Cleanup(drop)
	a, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	la, lb := a.NewLeader("achtergrondtaken"), b.NewLeader("achtergrondtaken")
	lead := func(l *store.Leader) bool {
		ok, err := l.TryLead(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !lead(la) || lead(lb) {
		t.Fatal("not exactly one leader")
	}
	if !lead(la) || lead(lb) {
		t.Fatal("leadership not stable")
	}
	la.Release()
	if !lead(lb) || lead(la) {
		t.Fatal("no take-over after release")
	}
	// The leader's session is killed (kill -9 of the instance, or a PostgreSQL restart).
	// Only this test's database: other packages' tests share the server. pg_terminate_backend
	// signals the backend and returns before it is gone, so the take-over is awaited (bounded).
	if _, err := a.Exec(ctx, "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid() AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !lead(la) {
		if time.Now().After(deadline) {
			t.Fatal("no take-over after the leader's session died")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if lead(lb) {
		t.Fatal("the old leader still thinks it leads")
	}
	// A different role has its own lock.
	if !lead(b.NewLeader("iets-anders")) {
		t.Fatal("separate roles share a lock")
	}
}
