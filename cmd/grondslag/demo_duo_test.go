package main

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/duo"
	"github.com/grondslag/grondslag/internal/tenant"
)

// The demo server's fake DUO knows the meldingen the demo build sent through its own fake: asking
// DUO about the demo's sent melding answers its status, not "DUO kent de melding niet".
func TestDemoDUOKnowsTheBuildsMeldingen(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a demo region")
	}
	ctx := context.Background()
	d := newDemoSite(t, 400)
	regions := []*tenant.Region{{ID: d.res.Region.ID}}
	fresh := duo.NewDemoFake(nil)
	// A small demo may not reach the melding the demo build sends; send one more as the build does.
	var id int64
	if err := d.db.QueryRow(ctx, "SELECT id FROM verzuimmelding WHERE regio_id = ? AND duo_nummer = '' AND duo_weigering = '' ORDER BY id LIMIT 1", d.res.Region.ID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if err := d.db.RecordDUOSubmission(ctx, d.res.Region.ID, id, fresh.Channel(), "VZM90000099", time.Now(), nil); err != nil {
		t.Fatal(err)
	}
	sent, err := d.db.DUOSent(ctx, d.res.Region.ID, fresh.Channel())
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) == 0 {
		t.Fatal("the demo holds no melding sent to DUO")
	}
	// Without remembering, the fake does not know it (the failure this test guards against).
	if _, err := fresh.Status(ctx, absence.StatusQuery{DUONumber: sent[0].DUONumber}); !errors.Is(err, absence.ErrDUOUnknown) {
		t.Fatalf("a fresh fake knew %s: %v", sent[0].DUONumber, err)
	}
	ch := duoChannel(ctx, d.db, regions, true)
	for _, r := range sent {
		got, err := ch.Status(ctx, absence.StatusQuery{DUONumber: r.DUONumber})
		if err != nil {
			t.Fatalf("status of %s: %v", r.DUONumber, err)
		}
		if got.DUONumber != r.DUONumber || (got.Status != r.Status && !(r.Status == absence.StatusRegistered && got.Status == absence.StatusInProgress)) {
			t.Fatalf("status of %s: got %+v, stored %+v", r.DUONumber, got, r)
		}
	}
	if _, ok := duoChannel(ctx, d.db, regions, false).(duo.File); !ok {
		t.Fatal("outside the demo the channel is the file")
	}
}
