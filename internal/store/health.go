package store

import (
	"context"
	"fmt"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
)

// defaultFullWindow is how long after a write refused for a full disk the store stays not ready:
// a small probe row can still fit in a page with room while the writes that need a new page fail.
const defaultFullWindow = 30 * time.Second

// SetStorageFullWindow changes how long WriteProbe fails after a write refused for a full disk
// (default 30 s; tests use less).
func (db *DB) SetStorageFullWindow(d time.Duration) { db.fullWindow.Store(int64(d)) }

// noteWriteError remembers a write refused for a full disk, for WriteProbe.
func (db *DB) noteWriteError(err error) {
	if IsStorageFull(err) {
		db.fullAt.Store(time.Now().UnixMilli())
	}
}

// WriteProbe commits one small write (gereed_proef), so that readiness fails when the store can
// read but not write: a full disk, a read-only file or replica, a lost connection. It also fails
// for fullWindow after any write of this process was refused for a full disk.
func (db *DB) WriteProbe(ctx context.Context, now time.Time) error {
	window := time.Duration(db.fullWindow.Load())
	if window == 0 {
		window = defaultFullWindow
	}
	if at := db.fullAt.Load(); at != 0 && now.UnixMilli()-at < window.Milliseconds() {
		return fmt.Errorf("de database kan niet schrijven: de schijf was vol (laatste geweigerde schrijfactie om %s)", time.UnixMilli(at).UTC().Format(time.RFC3339))
	}
	err := db.WithTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO gereed_proef (id, tijd) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET tijd = excluded.tijd", now.UnixMilli())
		return wrapErr(err, "schrijfproef")
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
