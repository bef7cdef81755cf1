package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"

	"github.com/grondslag/grondslag/internal/storage"
)

// SQLite's primary result codes that mean the disk or file refuses writes
// (https://sqlite.org/rescode.html): SQLITE_FULL and SQLITE_READONLY.
const (
	sqliteReadOnly = 8
	sqliteFull     = 13
)

// Classify returns err so that errors.Is(err, storage.ErrFull) or errors.Is(err,
// storage.ErrUnavailable) holds when the driver's error means a full disk or an unreachable
// database (IsStorageFull, IsUnavailable); any other error, and nil, come back unchanged. The
// server hands it to the web (web.Deps.Classify), which maps the two to a 503 without knowing
// the drivers.
func Classify(err error) error {
	switch {
	case err == nil || errors.Is(err, storage.ErrFull) || errors.Is(err, storage.ErrUnavailable):
		return err
	case IsStorageFull(err):
		return fault{storage.ErrFull, err}
	case IsUnavailable(err):
		return fault{storage.ErrUnavailable, err}
	}
	return err
}

// fault is a driver error with the storage sentinel it means; its text is the driver's.
type fault struct {
	kind error
	err  error
}

func (f fault) Error() string   { return f.err.Error() }
func (f fault) Unwrap() []error { return []error{f.kind, f.err} }

// IsStorageFull reports whether err means the database's disk is full (SQLITE_FULL, PostgreSQL's
// disk_full 53100, ENOSPC). The write it belonged to was rolled back: nothing was stored.
func IsStorageFull(err error) bool {
	if err == nil {
		return false
	}
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqliteFull {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "53100" {
		return true
	}
	if errors.Is(err, syscall.ENOSPC) {
		return true
	}
	s := err.Error()
	return strings.Contains(s, "database or disk is full") || strings.Contains(s, "No space left on device") || strings.Contains(s, "no space left on device")
}

// IsUnavailable reports whether err means the database cannot be reached or refuses work for a
// while: a PostgreSQL restart or failover (admin_shutdown, crash_shutdown, cannot_connect_now,
// connection exceptions), a dropped connection, a read-only SQLite file. The statement did not
// commit; trying again later is the remedy, and the pool reconnects by itself.
func IsUnavailable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03", pe.Code == "25006",
			strings.HasPrefix(pe.Code, "08"), strings.HasPrefix(pe.Code, "53"):
			return true
		}
		return false
	}
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqliteReadOnly {
		return true
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case errors.As(err, &ce), errors.As(err, &ne),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET):
		return true
	}
	s := err.Error()
	return strings.Contains(s, "conn closed") || strings.Contains(s, "failed to connect") || strings.Contains(s, "unexpected EOF")
}
