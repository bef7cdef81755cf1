package demo_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/demo"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

// TestDemoDUOPaths: the demo region holds a melding that went to DUO with a status from DUO and
// one DUO refused, the refusal as a history line with an error status.
func TestDemoDUOPaths(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ringPath := filepath.Join(t.TempDir(), "k.json")
		res := generate(t, db, 11, ringPath)
		ring, err := ident.LoadKeyFile(ringPath)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := demo.Populate(ctx, db, ring, res, today); err != nil {
			t.Fatal(err)
		}
		rows, err := db.Query(ctx, "SELECT id FROM verzuimmelding WHERE regio_id = ? ORDER BY id", res.Region.ID)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		sent, refused := 0, 0
		for _, id := range ids {
			ex, err := db.MeldingDUO(ctx, res.Region.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			m, err := db.Melding(ctx, res.Region.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			hist, err := db.MeldingHistory(ctx, res.Region.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			if ex.Sent() && strings.HasPrefix(m.DUONumber(), "VZM9") && m.Status() == absence.StatusInProgress && !ex.StatusReadAt.IsZero() {
				sent++
			}
			if ex.Refused() && !ex.Sent() && m.Status() == absence.StatusRegistered && hist[len(hist)-1].Error != "" && hist[len(hist)-1].By == absence.PartyDUO {
				refused++
			}
		}
		if sent != 1 || refused != 1 {
			t.Fatalf("%d meldingen: %d sent with DUO's status, %d refused; want 1 and 1", len(ids), sent, refused)
		}
	})
}
