package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// OpenReadOnly opens an existing store for reading only, for commands that must never write
// (grondslag audit verify: a check that changed what it checks would prove nothing). SQLite opens
// the file with mode=ro and query_only, without touching its mode or journal settings, and a file
// that does not exist is refused instead of created; PostgreSQL sessions start with
// default_transaction_read_only, so every statement runs in a read-only transaction and any write
// fails in the server.
func OpenReadOnly(ctx context.Context, dsn string) (*DB, error) {
	if IsPostgresURL(dsn) {
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		db, err := sql.Open("pgx", dsn+sep+"default_transaction_read_only=on")
		if err != nil {
			return nil, fmt.Errorf("open postgres (alleen lezen): %w", err)
		}
		db.SetMaxOpenConns(8)
		db.SetMaxIdleConns(8)
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("verbinden met postgres: %w", err)
		}
		return &DB{dialect: Postgres, w: db, r: db, scopes: newScopedPools(dsn+sep+"default_transaction_read_only=on", 8)}, nil
	}
	file, query, _ := strings.Cut(dsn, "?")
	if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("database %s bestaat niet", file)
	}
	params := "mode=ro&_pragma=busy_timeout(10000)&_pragma=query_only(1)"
	if query != "" {
		params = query + "&" + params
	}
	db, err := sql.Open("sqlite", "file:"+file+"?"+params)
	if err != nil {
		return nil, fmt.Errorf("open sqlite (alleen lezen): %w", err)
	}
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(4)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s (alleen lezen): %w", file, err)
	}
	return &DB{dialect: SQLite, w: db, r: db}, nil
}
