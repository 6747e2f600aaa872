package changessource

import (
	"sync"
	"time"

	"github.com/onecconnect/onecconnect/connect"
)

// batch is one stamped set of registrations of one object: message number
// n in the change table, pending records not yet acknowledged by Kafka.
type batch struct {
	t         *target
	n         int64
	pending   int
	rows      int
	stampedAt time.Time
}

// tracker follows the batches between Poll (which hands their records to
// the runtime) and CommitRecord (the acknowledgement goroutine). Batches
// whose records are all acknowledged wait in done until the task deletes
// their registrations. Safe for concurrent use.
type tracker struct {
	mu   sync.Mutex
	recs map[*connect.SourceRecord]*batch
	open map[*batch]struct{}
	done []*batch
}

func newTracker() *tracker {
	return &tracker{recs: map[*connect.SourceRecord]*batch{}, open: map[*batch]struct{}{}}
}

// add registers the records of b (b.pending = len(recs)).
func (tr *tracker) add(b *batch, recs []*connect.SourceRecord) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	b.pending = len(recs)
	for _, r := range recs {
		tr.recs[r] = b
	}
	if b.pending == 0 {
		tr.done = append(tr.done, b)
		return
	}
	tr.open[b] = struct{}{}
}

// ack notes the acknowledgement (or the drop) of rec; unknown records
// (snapshot records) are ignored.
func (tr *tracker) ack(rec *connect.SourceRecord) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	b, ok := tr.recs[rec]
	if !ok {
		return
	}
	delete(tr.recs, rec)
	b.pending--
	if b.pending == 0 {
		delete(tr.open, b)
		tr.done = append(tr.done, b)
	}
}

// takeDone returns the completed batches and forgets them.
func (tr *tracker) takeDone() []*batch {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	d := tr.done
	tr.done = nil
	return d
}

// requeue puts batches whose deletion failed back.
func (tr *tracker) requeue(bs []*batch) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.done = append(bs, tr.done...)
}

// inflight is the number of batches sent and not fully acknowledged, and
// the stamp time of the oldest (zero when none).
func (tr *tracker) inflight() (int, time.Time) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	var oldest time.Time
	for b := range tr.open {
		if oldest.IsZero() || b.stampedAt.Before(oldest) {
			oldest = b.stampedAt
		}
	}
	return len(tr.open), oldest
}
