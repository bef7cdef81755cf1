package store

import (
	"context"
	"fmt"

	"github.com/grondslag/grondslag/internal/audit"
)

// appendTrail appends the entries that entries() returns to the region's audit log inside tx,
// so a data change and the entries that describe it commit together or not at all.
func appendTrail(ctx context.Context, tx *Tx, regionID int64, entries func() ([]audit.Entry, error)) error {
	es, err := entries()
	if err != nil {
		return fmt.Errorf("auditregels: %w", err)
	}
	if len(es) == 0 {
		return nil
	}
	return NewAuditStore(tx.db).Append(ctx, tx, regionID, es...)
}

// Pseudonyms returns the pseudonyms of the given pupils of the region, for audit entries that
// name the data subject by pseudonym only.
func (t *Tx) Pseudonyms(ctx context.Context, regionID int64, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	for _, id := range ids {
		var p string
		if err := t.QueryRow(ctx, "SELECT pseudoniem FROM leerling WHERE regio_id = ? AND id = ?", regionID, id).Scan(&p); err != nil {
			return nil, fmt.Errorf("leerling %d: %w", id, err)
		}
		out[id] = p
	}
	return out, nil
}
