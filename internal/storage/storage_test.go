package storage_test

import (
	"context"
	"testing"

	"github.com/grondslag/grondslag/internal/storage"
)

func TestScope(t *testing.T) {
	ctx := context.Background()
	if s, ok := storage.Scope(ctx); ok || s != "" {
		t.Errorf("no scope: %q %v", s, ok)
	}
	if s, ok := storage.Scope(storage.WithRegion(ctx, 42)); !ok || s != "42" {
		t.Errorf("region 42: %q %v", s, ok)
	}
	if s, ok := storage.Scope(storage.WithAllRegions(storage.WithRegion(ctx, 42))); !ok || s != storage.AllRegions {
		t.Errorf("all regions over 42: %q %v", s, ok)
	}
}
