package store_test

import (
	"errors"
	"fmt"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/grondslag/grondslag/internal/storage"
	"github.com/grondslag/grondslag/internal/store"
)

// Classify turns the drivers' errors into the storage sentinels the web maps to a 503, keeping
// the driver's error in the chain and its text; every other error comes back as it was.
func TestClassify(t *testing.T) {
	other := errors.New("iets anders")
	for _, c := range []struct {
		name string
		err  error
		want error // nil: unchanged
	}{
		{"postgres disk_full", fmt.Errorf("opslaan: %w", &pgconn.PgError{Code: "53100"}), storage.ErrFull},
		{"ENOSPC", fmt.Errorf("wal: %w", syscall.ENOSPC), storage.ErrFull},
		{"postgres admin_shutdown", &pgconn.PgError{Code: "57P01"}, storage.ErrUnavailable},
		{"connection refused", fmt.Errorf("verbinden: %w", syscall.ECONNREFUSED), storage.ErrUnavailable},
		{"unique violation", &pgconn.PgError{Code: "23505"}, nil},
		{"not found", store.ErrNotFound, nil},
		{"other", other, nil},
	} {
		got := store.Classify(c.err)
		if c.want == nil {
			if got != c.err || errors.Is(got, storage.ErrFull) || errors.Is(got, storage.ErrUnavailable) {
				t.Errorf("%s: %v, want it unchanged", c.name, got)
			}
			continue
		}
		if !errors.Is(got, c.want) || !errors.Is(got, c.err) || got.Error() != c.err.Error() {
			t.Errorf("%s: %v, want errors.Is %v and the driver's error and text", c.name, got, c.want)
		}
		if again := store.Classify(got); again != got {
			t.Errorf("%s: classified twice: %v", c.name, again)
		}
	}
	if store.Classify(nil) != nil {
		t.Error("nil classified")
	}
	if !errors.Is(store.ErrNotFound, storage.ErrNotFound) || !errors.Is(store.ErrInvalidInput, storage.ErrInvalidInput) {
		t.Error("the store's sentinels are not the storage port's")
	}
}
