package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

func TestMigrateIsIdempotentAndSchemaCurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.CheckSchema(ctx); err != nil {
			t.Fatalf("after migrate: %v", err)
		}
		again, err := db.Migrate(ctx, 1)
		if err != nil || len(again) != 0 {
			t.Fatalf("second migrate applied %d, err %v", len(again), err)
		}
	})
}

func TestCheckSchemaReportsPending(t *testing.T) {
	db, err := store.Open(context.Background(), t.TempDir()+"/leeg.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.CheckSchema(context.Background()); !errors.Is(err, store.ErrSchemaOutdated) {
		t.Fatalf("CheckSchema on empty db = %v, want ErrSchemaOutdated", err)
	}
}
