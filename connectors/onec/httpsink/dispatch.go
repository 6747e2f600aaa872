package httpsink

import (
	"context"
	"sync"

	"github.com/onecconnect/onecconnect/connect"
)

// item is one admitted record on its way to 1C.
type item struct {
	rec  *connect.SinkRecord
	tp   connect.TopicPartition
	off  int64
	key  string // ordering key
	url  string
	body []byte // the record's body (an element of the array when batching)
	corr string
	hdrs [][2]string // request headers from the record (key, forwarded headers)
	ps   *partState  // the partition state that admitted it
	done bool
}

// batch is the records of one request. The keys it holds stay busy until
// it completes.
type batch struct {
	items []*item
	url   string
	keys  []*keyQueue
}

// keyQueue holds the unsent records of one ordering key in order.
type keyQueue struct {
	key     string
	items   []*item
	busy    bool
	inReady bool
}

// partState tracks the admitted records of one partition in offset order:
// pending holds those not yet acknowledged (the head is never done), next
// is the offset after the last admitted record.
type partState struct {
	pending []*item
	next    int64
}

// dispatcher decides which records go out together and when: at most
// maxConc batches in flight, at most one per ordering key (unless ordering
// is none), and it tracks per partition which offsets are acknowledged.
// Its methods are safe for concurrent use: the task goroutine admits and
// commits, batch goroutines complete.
type dispatcher struct {
	ordering  string
	batchSize int
	maxConc   int
	launch    func(*batch) // starts a batch; called with mu held

	mu       sync.Mutex
	keys     map[string]*keyQueue
	ready    []*keyQueue
	inflight int
	buffered int // admitted, not yet acknowledged or dropped
	parts    map[connect.TopicPartition]*partState
	fatal    error
	stopped  bool
	wake     chan struct{}
}

func newDispatcher(ordering string, batchSize, maxConc int, launch func(*batch)) *dispatcher {
	return &dispatcher{
		ordering: ordering, batchSize: batchSize, maxConc: maxConc, launch: launch,
		keys: map[string]*keyQueue{}, parts: map[connect.TopicPartition]*partState{}, wake: make(chan struct{}),
	}
}

// notifyLocked wakes every waiter.
func (d *dispatcher) notifyLocked() {
	close(d.wake)
	d.wake = make(chan struct{})
}

// admit starts tracking the record at tp/off. It returns false when the
// record was admitted before in this run (a redelivery after a rewind): it
// is then acknowledged already or on its way, and must not be sent again.
func (d *dispatcher) admit(it *item) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	ps := d.parts[it.tp]
	if ps == nil {
		ps = &partState{next: -1}
		d.parts[it.tp] = ps
	}
	if ps.next >= 0 && it.off < ps.next {
		return false
	}
	ps.pending = append(ps.pending, it)
	ps.next = it.off + 1
	it.ps = ps
	d.buffered++
	return true
}

// enqueue queues an admitted record for sending and starts what may start.
func (d *dispatcher) enqueue(it *item) {
	d.mu.Lock()
	defer d.mu.Unlock()
	k := it.key
	if d.ordering == OrderingNone {
		k = ""
	}
	kq := d.keys[k]
	if kq == nil {
		kq = &keyQueue{key: k}
		d.keys[k] = kq
	}
	kq.items = append(kq.items, it)
	if !kq.busy && !kq.inReady {
		kq.inReady = true
		d.ready = append(d.ready, kq)
	}
}

// dispatch starts batches while slots are free.
func (d *dispatcher) dispatch() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.dispatchLocked()
}

func (d *dispatcher) dispatchLocked() {
	for !d.stopped && d.fatal == nil && d.inflight < d.maxConc {
		b := d.nextBatchLocked()
		if b == nil {
			return
		}
		d.inflight++
		d.launch(b)
	}
}

// nextBatchLocked takes up to batchSize records sharing one URL from the
// ready keys, in order within each key.
func (d *dispatcher) nextBatchLocked() *batch {
	var b *batch
	for len(d.ready) > 0 && (b == nil || len(b.items) < d.batchSize) {
		kq := d.ready[0]
		took := 0
		for len(kq.items) > 0 && (b == nil || len(b.items) < d.batchSize) {
			it := kq.items[0]
			if b == nil {
				b = &batch{url: it.url}
			} else if it.url != b.url {
				break
			}
			b.items = append(b.items, it)
			kq.items[0] = nil
			kq.items = kq.items[1:]
			took++
		}
		if took == 0 {
			break
		}
		if d.ordering != OrderingNone {
			kq.busy = true
			b.keys = append(b.keys, kq)
		} else if len(kq.items) > 0 {
			break
		}
		kq.inReady = false
		d.ready[0] = nil
		d.ready = d.ready[1:]
	}
	return b
}

// complete ends a batch: acked records are acknowledged, the keys it held
// are released, and waiting work starts.
func (d *dispatcher) complete(b *batch, acked bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.inflight--
	if acked {
		for _, it := range b.items {
			d.ackLocked(it)
		}
	}
	for _, kq := range b.keys {
		kq.busy = false
		switch {
		case len(kq.items) > 0:
			kq.inReady = true
			d.ready = append(d.ready, kq)
		case d.keys[kq.key] == kq:
			delete(d.keys, kq.key)
		}
	}
	d.dispatchLocked()
	d.notifyLocked()
}

// ack acknowledges one record outside a batch (it went to the error path
// before being queued).
func (d *dispatcher) ack(it *item) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.ackLocked(it)
	d.notifyLocked()
}

func (d *dispatcher) ackLocked(it *item) {
	if it.done {
		return
	}
	it.done = true
	ps := it.ps
	if ps == nil || d.parts[it.tp] != ps {
		return // partition closed meanwhile: no longer counted
	}
	d.buffered--
	for len(ps.pending) > 0 && ps.pending[0].done {
		ps.pending[0] = nil
		ps.pending = ps.pending[1:]
	}
}

// setFatal records the first error that must fail the task; no batch
// starts after it.
func (d *dispatcher) setFatal(err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fatal == nil {
		d.fatal = err
	}
	d.notifyLocked()
}

// err returns the fatal error, if any.
func (d *dispatcher) err() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.fatal
}

// committable returns, for each partition of current, the offset below
// which every admitted record is acknowledged: current itself when nothing
// is pending.
func (d *dispatcher) committable(current map[connect.TopicPartition]int64) map[connect.TopicPartition]int64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make(map[connect.TopicPartition]int64, len(current))
	for tp, off := range current {
		ps := d.parts[tp]
		if ps == nil || len(ps.pending) == 0 {
			out[tp] = off
			continue
		}
		if head := ps.pending[0].off; head < off {
			off = head
		}
		out[tp] = off
	}
	return out
}

// close forgets the given partitions: their unsent records are dropped
// (the next owner reads them again from the committed offset); records in
// flight finish, but no longer count.
func (d *dispatcher) close(partitions []connect.TopicPartition) {
	d.mu.Lock()
	defer d.mu.Unlock()
	gone := make(map[connect.TopicPartition]bool, len(partitions))
	for _, tp := range partitions {
		if ps := d.parts[tp]; ps != nil {
			for _, it := range ps.pending {
				if !it.done {
					d.buffered--
				}
			}
		}
		delete(d.parts, tp)
		gone[tp] = true
	}
	ready := d.ready[:0]
	for _, kq := range d.ready {
		kq.items = dropItems(kq.items, gone)
		if len(kq.items) > 0 {
			ready = append(ready, kq)
		} else {
			kq.inReady = false
			if !kq.busy {
				delete(d.keys, kq.key)
			}
		}
	}
	clear(d.ready[len(ready):])
	d.ready = ready
	for _, kq := range d.keys {
		if kq.busy {
			kq.items = dropItems(kq.items, gone)
		}
	}
	d.notifyLocked()
}

func dropItems(items []*item, gone map[connect.TopicPartition]bool) []*item {
	out := items[:0]
	for _, it := range items {
		if !gone[it.tp] {
			out = append(out, it)
		}
	}
	clear(items[len(out):])
	return out
}

// stop lets no further batch start.
func (d *dispatcher) stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stopped = true
	d.notifyLocked()
}

// waitUntil blocks until cond (evaluated with mu held) is true, a fatal
// error is set, or ctx ends.
func (d *dispatcher) waitUntil(ctx context.Context, cond func() bool) error {
	for {
		d.mu.Lock()
		if d.fatal != nil {
			err := d.fatal
			d.mu.Unlock()
			return err
		}
		if cond() {
			d.mu.Unlock()
			return nil
		}
		w := d.wake
		d.mu.Unlock()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-w:
		}
	}
}

// waitRoom waits until at most max records are buffered.
func (d *dispatcher) waitRoom(ctx context.Context, max int) error {
	return d.waitUntil(ctx, func() bool { return d.buffered <= max })
}

// waitIdle waits until every admitted record is acknowledged.
func (d *dispatcher) waitIdle(ctx context.Context) error {
	return d.waitUntil(ctx, func() bool { return d.buffered == 0 })
}

// stats returns the in-flight batches and buffered records.
func (d *dispatcher) stats() (inflight, buffered int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.inflight, d.buffered
}
