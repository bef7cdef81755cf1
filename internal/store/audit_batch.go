package store

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/grondslag/grondslag/internal/audit"
)

// AuditBatcher appends audit entries that accompany no data change (reads, denied requests) with
// group commit: it gathers the entries of concurrent callers and writes them in one transaction.
// Append returns only after the transaction holding the caller's entries has committed, so an
// acknowledged entry is durable. Entries that belong with a data change do not go through the
// batcher but through AuditStore.Append inside the change's own transaction.
type AuditBatcher struct {
	store    *AuditStore
	maxBatch int
	reqs     chan *auditReq
	quit     chan struct{}
	done     chan struct{}
	mu       sync.RWMutex // held shared while enqueuing, exclusively to close
	closed   bool
	// heads are the heads the batcher's own commits left, per region (PostgreSQL; only the
	// batcher's goroutine uses it): see audit_batch_pg.go.
	heads map[int64]auditHead
	// pipelined and viaTx count the region writes of each path on PostgreSQL (for tests).
	pipelined, viaTx atomic.Int64
}

type auditReq struct {
	ctx      context.Context
	regionID int64
	entries  []audit.Entry
	err      chan error
}

// gatherYields is how often the batcher yields the processor while gathering a batch when no
// further request is queued.
var gatherYields = 3

// ErrBatcherClosed is returned by Append after Close.
var ErrBatcherClosed = errors.New("auditbatcher is gesloten")

// NewAuditBatcher starts a batcher that writes at most maxBatch entries per transaction
// (≤ 0: 2000). Close it to stop its goroutine.
func NewAuditBatcher(s *AuditStore, maxBatch int) *AuditBatcher {
	if maxBatch <= 0 {
		maxBatch = 2000
	}
	b := &AuditBatcher{store: s, maxBatch: maxBatch, reqs: make(chan *auditReq, 4*maxBatch), quit: make(chan struct{}), done: make(chan struct{}), heads: map[int64]auditHead{}}
	go b.loop()
	return b
}

// Append writes entries to the region's log and returns once they are committed.
func (b *AuditBatcher) Append(ctx context.Context, regionID int64, entries ...audit.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	r := &auditReq{ctx: ctx, regionID: regionID, entries: entries, err: make(chan error, 1)}
	b.mu.RLock()
	if b.closed {
		b.mu.RUnlock()
		return ErrBatcherClosed
	}
	select {
	case b.reqs <- r:
	case <-ctx.Done():
		b.mu.RUnlock()
		return ctx.Err()
	}
	b.mu.RUnlock()
	// Once queued, the entries may be written even if ctx ends: wait for the outcome, so that the
	// caller never reports "not logged" for an entry that was in fact committed.
	return <-r.err
}

// Close stops accepting entries, writes what is queued and stops the goroutine.
func (b *AuditBatcher) Close() error {
	b.mu.Lock()
	if !b.closed {
		b.closed = true
		close(b.quit)
	}
	b.mu.Unlock()
	<-b.done
	return nil
}

func (b *AuditBatcher) loop() {
	defer close(b.done)
	for {
		var first *auditReq
		select {
		case first = <-b.reqs:
		case <-b.quit:
			// Drain what was queued before Close.
			for {
				select {
				case r := <-b.reqs:
					b.commit([]*auditReq{r})
				default:
					return
				}
			}
		}
		batch := []*auditReq{first}
		n := len(first.entries)
		yields := 0
	gather:
		for n < b.maxBatch {
			select {
			case r := <-b.reqs:
				batch = append(batch, r)
				n += len(r.entries)
			default:
				// Callers acknowledged by the previous commit are often runnable but not yet
				// back: let them run before closing the batch, so that one commit (one fsync)
				// carries more entries. A yield costs microseconds, not a timer's wait.
				if yields < gatherYields {
					yields++
					runtime.Gosched()
					continue
				}
				break gather
			}
		}
		b.commit(batch)
	}
}

// commit writes a batch: on SQLite in one transaction, region by region in id order; on
// PostgreSQL one transaction per region (audit_batch_pg.go), in id order too (a fixed lock order,
// so that it cannot deadlock with other writers).
func (b *AuditBatcher) commit(batch []*auditReq) {
	live := batch[:0:0]
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.err <- err // not written: the caller gave up before its turn
			continue
		}
		live = append(live, r)
	}
	if len(live) == 0 {
		return
	}
	byRegion := map[int64][]audit.Entry{}
	var regions []int64
	for _, r := range live {
		if _, ok := byRegion[r.regionID]; !ok {
			regions = append(regions, r.regionID)
		}
		byRegion[r.regionID] = append(byRegion[r.regionID], r.entries...)
	}
	slices.Sort(regions)
	ctx := context.Background()
	if b.store.db.dialect == Postgres {
		for _, reg := range regions {
			var reqs []*auditReq
			for _, r := range live {
				if r.regionID == reg {
					reqs = append(reqs, r)
				}
			}
			err := b.appendRegionPG(ctx, reg, byRegion[reg])
			if err != nil && len(reqs) > 1 {
				// One caller's bad input must not fail the others: retry each request on its own.
				for _, r := range reqs {
					r.err <- b.appendRegionPG(ctx, reg, r.entries)
				}
				continue
			}
			for _, r := range reqs {
				r.err <- err
			}
		}
		return
	}
	err := b.store.db.WithTx(ctx, func(tx *Tx) error {
		for _, reg := range regions {
			if err := b.store.Append(ctx, tx, reg, byRegion[reg]...); err != nil {
				return fmt.Errorf("regio %d: %w", reg, err)
			}
		}
		return nil
	})
	if err != nil && len(live) > 1 {
		// One caller's bad input must not fail the others: retry each request on its own.
		for _, r := range live {
			r.err <- b.store.db.WithTx(ctx, func(tx *Tx) error {
				return b.store.Append(ctx, tx, r.regionID, r.entries...)
			})
		}
		return
	}
	for _, r := range live {
		r.err <- err
	}
}
