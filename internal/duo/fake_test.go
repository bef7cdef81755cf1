package duo

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
)

func TestFakeRemembersAnEarlierMelding(t *testing.T) {
	ctx := context.Background()
	f := NewFake()
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	f.Remember(absence.StatusReport{DUONumber: " VZM90000001 ", Reference: "GS-DEMO-7", Status: absence.StatusInProgress, At: at})
	f.Remember(absence.StatusReport{Reference: "zonder-nummer", Status: absence.StatusRegistered, At: at})
	got, err := f.Status(ctx, absence.StatusQuery{DUONumber: "VZM90000001"})
	if err != nil || got.Status != absence.StatusInProgress || !got.At.Equal(at) {
		t.Fatalf("by number: %+v %v", got, err)
	}
	if got, err := f.Status(ctx, absence.StatusQuery{Reference: "GS-DEMO-7"}); err != nil || got.DUONumber != "VZM90000001" {
		t.Fatalf("by kenmerk: %+v %v", got, err)
	}
	if _, err := f.Status(ctx, absence.StatusQuery{Reference: "zonder-nummer"}); !errors.Is(err, absence.ErrDUOUnknown) {
		t.Fatalf("a report without a number was remembered: %v", err)
	}
	// Remembering again does not overwrite what DUO holds.
	f.Remember(absence.StatusReport{DUONumber: "VZM90000001", Status: absence.StatusRegistered, At: at})
	if got, _ := f.Status(ctx, absence.StatusQuery{DUONumber: "VZM90000001"}); got.Status != absence.StatusInProgress {
		t.Fatalf("overwritten: %+v", got)
	}
	if f.Received() != 0 {
		t.Fatal("a remembered melding counted as received")
	}
}
