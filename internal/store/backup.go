package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// BackupSQLite writes a consistent copy of the SQLite database to dest while the store stays
// online (VACUUM INTO on a reader connection: writers go on, the copy is one snapshot, compacted,
// without WAL). dest must not exist; it is created with mode 0600 before SQLite writes into it.
func (db *DB) BackupSQLite(ctx context.Context, dest string) error {
	if db.dialect != SQLite {
		return errors.New("BackupSQLite werkt alleen op SQLite")
	}
	f, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s bestaat al; kies een nieuw bestand voor de back-up", dest)
	}
	if err != nil {
		return fmt.Errorf("back-upbestand %s: %w", dest, err)
	}
	f.Close()
	if _, err := db.r.ExecContext(ctx, "VACUUM INTO ?", dest); err != nil {
		os.Remove(dest)
		return fmt.Errorf("back-up naar %s: %w", dest, err)
	}
	return syncFile(dest)
}

// QuickCheck runs SQLite's integrity check (quick_check) and returns its complaints.
func (db *DB) QuickCheck(ctx context.Context) error {
	if db.dialect != SQLite {
		return nil
	}
	rows, err := db.r.QueryContext(ctx, "PRAGMA quick_check")
	if err != nil {
		return err
	}
	defer rows.Close()
	var msgs []string
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			return fmt.Errorf("database controleren: %w", err)
		}
		if m != "ok" {
			msgs = append(msgs, m)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("database controleren: %w", err)
	}
	if len(msgs) > 0 {
		return fmt.Errorf("de database is beschadigd: %s", strings.Join(msgs, "; "))
	}
	return nil
}

// TableCount returns the number of tables in the store's schema (0 for an empty database).
func (db *DB) TableCount(ctx context.Context) (int, error) {
	q := "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
	if db.dialect == Postgres {
		q = "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = ANY (current_schemas(false))"
	}
	var n int
	err := db.r.QueryRowContext(ctx, q).Scan(&n)
	return n, err
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
