package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"hash/fnv"
	"sync"
)

// Leader elects one instance among several serving one PostgreSQL database to run the background
// jobs (session clean-up, notices, checkpoints of the audit log): it holds a session-level
// advisory lock on a connection of its own. When that connection dies (the instance is killed,
// PostgreSQL restarts) the lock is gone and another instance takes it on its next try. On SQLite
// one process owns the file, so it always leads.
//
// Jobs that need a row each, retries and a lease go through JobStore (jobs.go); the leader still
// runs the periodic sweeps that keep their own record of what is done.
type Leader struct {
	db   *DB
	key  int64
	mu   sync.Mutex
	conn *sql.Conn
}

// NewLeader returns a leader election for the named role (one lock per name).
func (db *DB) NewLeader(name string) *Leader {
	h := fnv.New64a()
	h.Write([]byte("grondslag/leider/" + name))
	return &Leader{db: db, key: int64(h.Sum64())}
}

// TryLead reports whether this instance leads now, taking the lock when it is free. It never
// blocks on another instance.
func (l *Leader) TryLead(ctx context.Context) (bool, error) {
	if l.db.dialect != Postgres {
		return true, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn != nil {
		var one int
		if err := l.conn.QueryRowContext(ctx, "SELECT 1").Scan(&one); err == nil {
			return true, nil
		}
		// The session is gone, and the lock with it.
		l.conn.Raw(func(any) error { return driver.ErrBadConn }) // discard it: not back into the pool
		l.conn.Close()
		l.conn = nil
	}
	conn, err := l.db.w.Conn(ctx)
	if err != nil {
		return false, err
	}
	var got bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", l.key).Scan(&got); err != nil {
		conn.Close()
		return false, err
	}
	if !got {
		conn.Close()
		return false, nil
	}
	l.conn = conn
	return true, nil
}

// Release gives up the lead (at shutdown), so another instance takes over at once.
func (l *Leader) Release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn == nil {
		return
	}
	l.conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", l.key)
	l.conn.Close()
	l.conn = nil
}
