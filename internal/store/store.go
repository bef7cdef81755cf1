// Package store keeps Grondslag's data in SQLite (the embedded default, pure Go) or PostgreSQL
// (production). Both run the same embedded, versioned migrations and the same queries: queries are
// written once with `?` placeholders and rebound for PostgreSQL, and migrations use a few tokens
// ({{id}}, {{bytes}}) that expand per dialect.
//
// Every table that holds region data has a regio_id column, and every method that reads or writes
// it takes the region explicitly, so no query can cross regions.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"sync/atomic"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	_ "modernc.org/sqlite"             // database/sql driver "sqlite"

	"github.com/grondslag/grondslag/internal/storage"
)

// Dialect names the SQL engine behind a DB.
type Dialect int

const (
	SQLite Dialect = iota
	Postgres
)

func (d Dialect) String() string {
	if d == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// DB is an open store. For SQLite it holds one writer connection beside a pool of readers, so
// writers queue in Go instead of failing with SQLITE_BUSY; for PostgreSQL both are the same pool.
type DB struct {
	dialect Dialect
	w       *sql.DB      // writes and read-your-writes transactions
	r       *sql.DB      // reads
	vault   *KeyVault    // pupils' data keys for content (UseKeyVault); nil: content cannot be sealed
	scopes  *scopedPools // PostgreSQL: a pool per region scope (scope.go); nil on SQLite

	auditObserver AuditObserver // metrics; nil when none

	fullAt     atomic.Int64 // unix ms of the last write refused for a full disk (WriteProbe); 0: none
	fullWindow atomic.Int64 // ns WriteProbe fails after such a write; 0: defaultFullWindow
}

// ErrNotFound is returned when a row does not exist in the caller's region: storage.ErrNotFound,
// so that a caller checks it without importing the store.
var ErrNotFound = storage.ErrNotFound

// IsPostgresURL reports whether dsn names a PostgreSQL database rather than a SQLite file.
func IsPostgresURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens the store named by dsn: a postgres:// URL or a SQLite file path.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if IsPostgresURL(dsn) {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		db.SetMaxOpenConns(16)
		db.SetMaxIdleConns(16)
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("verbinden met postgres: %w", err)
		}
		return &DB{dialect: Postgres, w: db, r: db, scopes: newScopedPools(dsn, 16)}, nil
	}
	return openSQLite(ctx, dsn)
}

// openSQLite opens the file with WAL (readers never block the writer), a busy timeout, foreign
// keys enforced, secure_delete (deleted rows are overwritten with zeros, so destroyed content does
// not linger in free pages), and synchronous=FULL: every commit is fsynced, so an acknowledged change and its
// audit entries survive a power loss, not only a process crash (group commit keeps that cheap,
// see docs/performance.md).
func openSQLite(ctx context.Context, path string) (*DB, error) {
	pragmas := "_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(ON)&_pragma=synchronous(FULL)&_pragma=secure_delete(ON)&_txlock=immediate"
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	dsn := "file:" + path + sep + pragmas
	if err := privateFiles(path); err != nil {
		return nil, err
	}
	// The writer keeps its temporary files in memory: the statement journal that a multi-row
	// INSERT into a table with foreign keys keeps (the audit batcher's rows) was 12 % of an
	// append's CPU as writes to a temporary file (docs/performance.md, issue 19).
	w, err := sql.Open("sqlite", dsn+"&_pragma=temp_store(MEMORY)")
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite readers: %w", err)
	}
	r.SetMaxOpenConns(4)
	r.SetMaxIdleConns(4)
	return &DB{dialect: SQLite, w: w, r: r}, nil
}

// privateFiles makes sure the database file exists with mode 0600 before SQLite opens it (SQLite
// gives its -wal and -shm files the database file's mode), and takes group and other bits off an
// existing database and its -wal and -shm: they hold names, contacts and minutes.
func privateFiles(path string) error {
	if path == "" || strings.HasPrefix(path, ":memory:") || strings.Contains(path, "mode=memory") {
		return nil
	}
	file, _, _ := strings.Cut(path, "?")
	f, err := os.OpenFile(file, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		return f.Close()
	}
	if !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("databasebestand %s: %w", file, err)
	}
	for _, p := range []string{file, file + "-wal", file + "-shm"} {
		st, err := os.Stat(p)
		if err != nil || st.Mode().Perm()&0o077 == 0 {
			continue
		}
		if err := os.Chmod(p, st.Mode().Perm()&0o700); err != nil {
			return fmt.Errorf("rechten van %s beperken tot de eigenaar: %w", p, err)
		}
	}
	return nil
}

// Close closes all connections.

// Close closes all connections, and those of the key vault the store uses.
func (db *DB) Close() error {
	err := errors.Join(db.w.Close(), db.scopes.closeScoped())
	if db.vault != nil {
		err = errors.Join(err, db.vault.Close())
	}
	if db.r != db.w {
		err = errors.Join(err, db.r.Close())
	}
	return err
}

// Dialect reports which engine this store runs on.
func (db *DB) Dialect() Dialect { return db.dialect }

// Rebind turns `?` placeholders into `$n` for PostgreSQL. Queries in this package never contain
// a literal question mark.
func (db *DB) Rebind(q string) string {
	if db.dialect != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// Querier is what both *sql.DB and *sql.Tx offer; store code is written against it so that one
// method works inside and outside a transaction.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Tx is a write transaction with the dialect's placeholder rebinding.
type Tx struct {
	db *DB
	tx *sql.Tx
}

// Exec runs a statement written with `?` placeholders.
func (t *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, t.db.Rebind(q), args...)
}

// Query runs a query written with `?` placeholders.
func (t *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, t.db.Rebind(q), args...)
}

// QueryRow runs a one-row query written with `?` placeholders.
func (t *Tx) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, t.db.Rebind(q), args...)
}

// Dialect reports the engine of the transaction's store.
func (t *Tx) Dialect() Dialect { return t.db.dialect }

// InsertID inserts a row and returns its generated id (the statement must not end in RETURNING).
func (t *Tx) InsertID(ctx context.Context, q string, args ...any) (int64, error) {
	if t.db.dialect == Postgres {
		var id int64
		err := t.tx.QueryRowContext(ctx, t.db.Rebind(q+" RETURNING id"), args...).Scan(&id)
		return id, err
	}
	res, err := t.tx.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// WithTx runs fn in one write transaction: committed when fn returns nil, rolled back otherwise,
// so a failing import or change leaves nothing half-written.
func (db *DB) WithTx(ctx context.Context, fn func(*Tx) error) (err error) {
	p, err := db.writer(ctx)
	if err != nil {
		return err
	}
	tx, err := p.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
			db.noteWriteError(err)
		}
	}()
	if err = fn(&Tx{db: db, tx: tx}); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Query runs a read query (rebound) on the reader pool.
func (db *DB) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	p, err := db.pool(ctx)
	if err != nil {
		return nil, err
	}
	return p.QueryContext(ctx, db.Rebind(q), args...)
}

// QueryRow runs a one-row read query (rebound) on the reader pool.
func (db *DB) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return db.poolOrUnscoped(ctx).QueryRowContext(ctx, db.Rebind(q), args...)
}

// Exec runs one statement (rebound) on the writer.
func (db *DB) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	p, err := db.writer(ctx)
	if err != nil {
		return nil, err
	}
	res, err := p.ExecContext(ctx, db.Rebind(q), args...)
	if err != nil {
		db.noteWriteError(err)
	}
	return res, err
}

// boolInt stores a bool portably (INTEGER 0/1 on both engines).
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
