package queuesource

import (
	"sync"
	"time"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connectors/onec/common"
)

// batch is one delete-mode batch: an open transaction holding the locks on
// its rows, the records handed to the runtime, and how many of them Kafka
// acknowledged.
//
// Transaction scope (delete mode): BEGIN; lock the batch's rows (SQL
// Server: SELECT … WITH (UPDLOCK, ROWLOCK, READPAST); PostgreSQL: DELETE …
// RETURNING over SELECT … FOR UPDATE SKIP LOCKED, the deletion not yet
// committed); … records produced, Kafka acknowledges each …; (SQL Server:
// DELETE the batch's rows;) COMMIT. The transaction ends with a COMMIT only
// once every record of the batch is acknowledged (or dropped by a
// transformation / skipped under errors.tolerance=all), and with a ROLLBACK
// on ack.timeout.ms, on stop and on any failure: rows are then unlocked and
// sent again later (at-least-once, never lost).
type batch struct {
	tx       *common.Tx
	keys     [][]any // order numbers in database form
	first    int64
	last     int64
	records  int // records handed to the runtime
	rows     int // rows read (records plus skipped malformed rows)
	acked    int
	deadline time.Time
	claimed  bool // the poll goroutine is committing it
	deleted  bool // the rows were deleted when read (DELETE … RETURNING)
	partial  bool // fewer rows than batch.size: the read reached the end of what was ready
}

func (b *batch) complete() bool { return b.acked >= b.records }

// inflight is the FIFO of open batches of one task, shared by Poll (which
// adds, commits and rolls back) and CommitRecord (which counts acks).
// Batches are committed strictly in FIFO order, and a batch that fails
// rolls back together with every later one, so rows are sent again in their
// original order (order per key holds across retries).
type inflight struct {
	mu      sync.Mutex
	batches []*batch
	byRec   map[*connect.SourceRecord]*batch
	signal  chan struct{} // a batch completed
}

func newInflight() *inflight {
	return &inflight{byRec: map[*connect.SourceRecord]*batch{}, signal: make(chan struct{}, 1)}
}

// add registers b and its records.
func (f *inflight) add(b *batch, recs []*connect.SourceRecord) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.batches = append(f.batches, b)
	for _, r := range recs {
		f.byRec[r] = b
	}
}

// ack counts one acknowledged record; records of batches already rolled
// back are ignored.
func (f *inflight) ack(r *connect.SourceRecord) {
	f.mu.Lock()
	b, ok := f.byRec[r]
	if ok {
		delete(f.byRec, r)
		b.acked++
	}
	done := ok && b.complete()
	f.mu.Unlock()
	if done {
		select {
		case f.signal <- struct{}{}:
		default:
		}
	}
}

// newest returns the last open batch, or nil.
func (f *inflight) newest() *batch {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.batches) == 0 {
		return nil
	}
	return f.batches[len(f.batches)-1]
}

// len returns the number of open batches.
func (f *inflight) len() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.batches)
}

// headState reports the first batch and whether it is complete or expired.
func (f *inflight) head(now time.Time) (b *batch, complete, expired bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.batches) == 0 {
		return nil, false, false
	}
	b = f.batches[0]
	return b, b.complete(), now.After(b.deadline)
}

// claimHead marks the first batch as being committed when it is complete,
// so the watchdog leaves it alone.
func (f *inflight) claimHead(b *batch) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.batches) == 0 || f.batches[0] != b || !b.complete() {
		return false
	}
	b.claimed = true
	return true
}

// takeExpired removes every open batch when the first one is past its
// deadline, incomplete and not being committed (the watchdog's check).
func (f *inflight) takeExpired(now time.Time) []*batch {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.batches) == 0 {
		return nil
	}
	h := f.batches[0]
	if h.claimed || h.complete() || !now.After(h.deadline) {
		return nil
	}
	out := f.batches
	f.batches = nil
	clear(f.byRec)
	return out
}

// popHead removes the first batch (after its commit).
func (f *inflight) popHead() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.batches) > 0 {
		f.batches[0] = nil
		f.batches = f.batches[1:]
	}
}

// contains reports whether b is still open (not rolled back).
func (f *inflight) contains(b *batch) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, x := range f.batches {
		if x == b {
			return true
		}
	}
	return false
}

// removeFrom removes b and every later batch, forgetting their records.
func (f *inflight) removeFrom(b *batch) []*batch {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, x := range f.batches {
		if x != b {
			continue
		}
		out := append([]*batch(nil), f.batches[i:]...)
		f.batches = f.batches[:i]
		for r, rb := range f.byRec {
			for _, o := range out {
				if rb == o {
					delete(f.byRec, r)
				}
			}
		}
		return out
	}
	return nil
}

// takeAll removes every open batch (to roll them back) and forgets their
// records, so late acknowledgements are ignored.
func (f *inflight) takeAll() []*batch {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.batches
	f.batches = nil
	clear(f.byRec)
	return out
}

// nextDeadline returns the earliest deadline of an incomplete batch.
func (f *inflight) nextDeadline() (time.Time, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.batches) == 0 {
		return time.Time{}, false
	}
	return f.batches[0].deadline, true
}
