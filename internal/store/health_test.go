package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/store/storetest"
)

// The write probe succeeds on a healthy store and fails on one that can read but not write.
func TestWriteProbeFailsWhenStoreCannotWrite(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	if err := db.WriteProbe(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := db.CheckSchema(ctx); err != nil {
		t.Fatal(err)
	}
	// The writer connection turns read-only, as after a full disk or a read-only remount.
	if _, err := db.Exec(ctx, "PRAGMA query_only = ON"); err != nil {
		t.Fatal(err)
	}
	if err := db.WriteProbe(ctx, time.Now()); err == nil {
		t.Fatal("write probe passed on a store that cannot write")
	}
	// Reading still works: this is what CheckSchema alone would not notice.
	if err := db.CheckSchema(ctx); err != nil {
		t.Fatalf("reads should still work: %v", err)
	}
}
