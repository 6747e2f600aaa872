package queuesource

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connectors/onec/common"
)

// pollDelete is delete mode's Poll: commit the acknowledged batches, roll
// back expired ones, then lock and return the next batch (see batch for the
// transaction scope).
func (t *Task) pollDelete(ctx context.Context) ([]*connect.SourceRecord, error) {
	if err := t.finishBatches(ctx); err != nil {
		return nil, err
	}
	if t.fl.len() >= t.cfg.MaxInflight {
		wait := time.Second
		if d, ok := t.fl.nextDeadline(); ok {
			wait = min(wait, max(time.Until(d), time.Millisecond))
		}
		t.sleep(ctx, wait)
		if err := t.finishBatches(ctx); err != nil {
			return nil, err
		}
		if t.fl.len() >= t.cfg.MaxInflight {
			return nil, nil
		}
	}
	var r *read
	if pr := t.takePrefetch(ctx); pr != nil {
		if pr.batch != nil && !t.fl.contains(pr.batch) {
			return nil, nil // the watchdog rolled it back: its rows come again
		}
		r = pr
	} else {
		after, ok := t.readStart(time.Now())
		if !ok {
			t.sleep(ctx, t.cfg.PollInterval) // until the open batches commit
			return nil, nil
		}
		r = t.lockBatch(ctx, t.db, t.plan, t.q, after)
	}
	if errors.Is(r.err, errMetadataChanged) {
		return nil, t.reloadMetadata(ctx) // the rows are read again with the new plan
	}
	if r.err != nil {
		return nil, r.err
	}
	if r.batch == nil {
		if r.held { // rows wait for older transactions to finish
			t.sleep(ctx, min(t.cfg.PollInterval, 50*time.Millisecond))
		} else {
			t.sleep(ctx, t.cfg.PollInterval)
		}
		return nil, nil
	}
	if r.full && t.fl.len() < t.cfg.MaxInflight {
		if after, ok := t.readStart(time.Now()); ok {
			db, p, q := t.db, t.plan, t.q
			t.prefetch(func(ctx context.Context) *read { return t.lockBatch(ctx, db, p, q, after) })
		}
	}
	return r.recs, nil
}

// unboundedEvery is how often, at least, a delete-mode read starts from
// the beginning of the register while batches are open.
const unboundedEvery = time.Second

// readStart says where the next delete-mode read starts (Poll goroutine
// only). With batches open it starts after the newest one's last number:
// a skip-locked read pays for every locked row it steps over, and
// stepping over the task's own open batches cost PostgreSQL 2.5 times the
// work of the read itself. A read from the beginning runs whenever no
// batch is open and at least every unboundedEvery, so a row skipped
// meanwhile (locked by another transaction, or committed late below the
// bound) is picked up: sent later than its successors, never lost. After
// a partial batch (the read found fewer ready rows than batch.size, the
// rest held by the ordering guard or not yet written) nothing is read
// until the open batches commit (ok false): the next read starts from
// the beginning, past no row of ours.
func (t *Task) readStart(now time.Time) (after *int64, ok bool) {
	b := t.fl.newest()
	switch {
	case b == nil || now.Sub(t.unboundedAt) >= unboundedEvery:
		if b != nil && b.partial {
			return nil, false
		}
		t.unboundedAt = now
		return nil, true
	case b.partial:
		return nil, false
	}
	last := b.last
	return &last, true
}

// lockBatch locks the next batch, builds its records and registers it in
// the inflight FIFO, where the watchdog sees it from then on. It runs on
// the Poll goroutine or as the read-ahead (never both at once). The result
// has no batch when nothing is ready (held: rows wait for the ordering
// guard); on error its transaction is already rolled back.
func (t *Task) lockBatch(ctx context.Context, db *common.DB, p *plan, q *queries, after *int64) *read {
	r := t.lockNext(ctx, db, p, q, after)
	if r.err != nil {
		r.discard()
		return r
	}
	n := 0
	for n < len(r.rows) && r.settled[n] {
		n++
	}
	if n == 0 {
		r.discard()
		r.tx, r.held = nil, len(r.rows) > 0
		return r
	}
	rows, rowErrs := r.rows[:n], r.rowErrs[:n]
	// Malformed rows skipped under errors.tolerance=all leave the queue
	// with their batch, as a skipped record moves a source offset on.
	recs, _, err := t.records(ctx, p, rows, rowErrs, t.partitionFor)
	if err != nil {
		r.discard()
		r.tx, r.err = nil, err
		return r
	}
	b := &batch{tx: r.tx, records: len(recs), rows: len(rows), deleted: q.deletesOnRead, first: rows[0].number, last: rows[len(rows)-1].number,
		deadline: r.lockedAt.Add(t.cfg.AckTimeout), partial: n < t.cfg.BatchSize}
	if !b.deleted {
		b.keys = make([][]any, len(rows))
		for i, row := range rows {
			b.keys[i] = []any{row.key}
		}
	}
	t.fl.add(b, recs)
	t.metrics.AddBatch()
	t.metrics.AddRecords(len(recs))
	r.tx = nil // the FIFO owns the transaction now
	r.batch, r.recs, r.full = b, recs, len(r.rows) == t.cfg.BatchSize
	return r
}

// finishBatches deletes and commits the leading batches whose records are
// all acknowledged, in FIFO order, and rolls back everything from the first
// batch past its ack deadline. A database error rolls back every open
// batch and is returned.
func (t *Task) finishBatches(ctx context.Context) error {
	for {
		b, complete, expired := t.fl.head(time.Now())
		switch {
		case b == nil:
			return nil
		case complete:
			if !t.fl.claimHead(b) {
				continue // the watchdog rolled it back meanwhile
			}
			if err := t.deleteAndCommit(ctx, b); err != nil {
				t.rollbackAll("commit failure")
				return err
			}
			t.fl.popHead()
			t.metrics.AddAcked(b.rows)
		case expired:
			t.log.Warn("batch not acknowledged by Kafka within ack.timeout.ms; rolled back with every later batch, its rows will be sent again",
				"first", b.first, "last", b.last, "acknowledged", b.acked, "records", b.records, "ack_timeout", t.cfg.AckTimeout)
			t.rollbackAll("ack timeout")
			return nil
		default:
			return nil
		}
	}
}

// deleteAndCommit deletes the batch's rows inside its transaction and
// commits: the end of the batch's transaction scope.
func (t *Task) deleteAndCommit(ctx context.Context, b *batch) error {
	if b.deleted {
		if err := b.tx.Commit(ctx); err != nil {
			return fmt.Errorf("commit deletion of rows %d..%d of %s: %w", b.first, b.last, t.cfg.Register, err)
		}
		return nil
	}
	stmts, err := t.db.Dialect().DeleteByKeys(t.plan.table, []string{t.plan.orderCol.Name}, b.keys)
	if err != nil {
		return permanent(fmt.Errorf("%s: delete statement: %w", t.cfg.Register, err))
	}
	var deleted int64
	for _, st := range stmts {
		n, err := b.tx.Querier().Exec(ctx, st.SQL, st.Args...)
		if err != nil {
			return fmt.Errorf("delete sent rows %d..%d of %s: %w", b.first, b.last, t.cfg.Register, err)
		}
		deleted += n
	}
	if err := b.tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit deletion of rows %d..%d of %s: %w", b.first, b.last, t.cfg.Register, err)
	}
	if deleted != int64(len(b.keys)) {
		t.log.Warn("deleted fewer rows than read", "first", b.first, "last", b.last, "read", len(b.keys), "deleted", deleted)
	}
	return nil
}

// watchdog enforces ack.timeout.ms even while Poll is not called (the
// runtime blocked on a broker that does not answer): the expired batch and
// every later one roll back, so rows are never locked much longer than
// ack.timeout.ms. It returns when ctx ends.
func (t *Task) watchdog(ctx context.Context) {
	tick := time.NewTicker(min(t.cfg.AckTimeout/4, 250*time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			bs := t.fl.takeExpired(now)
			for _, b := range bs {
				_ = b.tx.Rollback()
				t.metrics.AddRolledBack()
			}
			if len(bs) > 0 {
				t.log.Warn("batch not acknowledged by Kafka within ack.timeout.ms; rolled back with every later batch, its rows will be sent again",
					"first", bs[0].first, "last", bs[0].last, "batches", len(bs), "ack_timeout", t.cfg.AckTimeout)
			}
		}
	}
}

// rollbackAll rolls back every open batch; their rows unlock and are read
// again (late acknowledgements of their records are ignored).
func (t *Task) rollbackAll(reason string) {
	if t.fl == nil {
		return
	}
	t.dropPrefetch() // a read-ahead batch holds later rows: it goes too
	for _, b := range t.fl.takeAll() {
		_ = b.tx.Rollback()
		t.metrics.AddRolledBack()
		t.log.Debug("batch rolled back", "reason", reason, "first", b.first, "last", b.last)
	}
}
