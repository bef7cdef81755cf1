package store

import (
	"context"
	"fmt"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
)

// WriteProbe commits one small write (gereed_proef), so that readiness fails when the store can
// read but not write: a full disk, a read-only file or replica, a lost connection.
func (db *DB) WriteProbe(ctx context.Context, now time.Time) error {
	err := db.WithTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO gereed_proef (id, tijd) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET tijd = excluded.tijd", now.UnixMilli())
		return err
	})
	if err != nil {
		return fmt.Errorf("de database kan niet schrijven: %w", err)
	}
	return nil
}

// AuditObserver is told about every batch of entries AuditStore.Append wrote into a transaction
// (for metrics; the transaction may still roll back).
type AuditObserver func(regionID int64, entries []audit.Entry)

// SetAuditObserver installs fn for every audit append on this store. Call it before serving.
func (db *DB) SetAuditObserver(fn AuditObserver) { db.auditObserver = fn }
