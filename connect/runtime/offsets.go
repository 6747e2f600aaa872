package runtime

import (
	"encoding/json"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"github.com/onecconnect/onecconnect/connect"
)

// offsetTracker follows in-flight source records per source partition and
// yields, for each partition, the offset of the last record such that it
// and every record sent before it (for that partition) are acknowledged.
// An offset therefore never moves past an unacknowledged record.
//
// Records are added in send order by the task goroutine and acknowledged
// in any order by the ack goroutine; all methods are safe for concurrent
// use and O(1) amortised per record.
type offsetTracker struct {
	mu       sync.Mutex
	queues   map[string]*partitionQueue
	inflight int
	drained  *sync.Cond
	// lastPtr/lastQueue cache the queue of the last partition map seen.
	lastPtr   unsafe.Pointer
	lastQueue *partitionQueue
}

// partitionQueue holds one source partition's unacknowledged records in
// send order.
type partitionQueue struct {
	partition   map[string]any
	pending     []*pendingRecord // pending[head:] are live
	head        int
	committable map[string]any // offset of the newest contiguous ack
	dirty       bool           // committable changed since the last snapshot
}

// pendingRecord is one sent record; it travels in ProducerMessage.Metadata.
type pendingRecord struct {
	q    *partitionQueue // nil when the record has no source partition
	rec  *connect.SourceRecord
	done bool
}

func newOffsetTracker() *offsetTracker {
	t := &offsetTracker{queues: map[string]*partitionQueue{}}
	t.drained = sync.NewCond(&t.mu)
	return t
}

// add registers rec as sent (or about to be) and returns its handle.
func (t *offsetTracker) add(rec *connect.SourceRecord) *pendingRecord {
	p := &pendingRecord{rec: rec}
	t.addPending(p)
	return p
}

// addInflight registers the records of a chunk in order, under one lock.
func (t *offsetTracker) addInflight(ins []*inflight) {
	t.mu.Lock()
	for _, in := range ins {
		t.addLocked(&in.pending)
	}
	t.mu.Unlock()
}

// addPending registers p (p.rec set, zero otherwise) as sent; the caller
// owns p's memory (the source loop embeds it in its in-flight record).
func (t *offsetTracker) addPending(p *pendingRecord) {
	t.mu.Lock()
	t.addLocked(p)
	t.mu.Unlock()
}

func (t *offsetTracker) addLocked(p *pendingRecord) {
	rec := p.rec
	t.inflight++
	if rec.SourcePartition != nil {
		// Sources usually reuse one map per partition: skip re-keying it.
		ptr := reflect.ValueOf(rec.SourcePartition).UnsafePointer()
		q := t.lastQueue
		if ptr != t.lastPtr || q == nil {
			key := partitionKey(rec.SourcePartition)
			q = t.queues[key]
			if q == nil {
				q = &partitionQueue{partition: rec.SourcePartition}
				t.queues[key] = q
			}
			t.lastPtr, t.lastQueue = ptr, q
		}
		p.q = q
		q.pending = append(q.pending, p)
	}
}

// ack marks p acknowledged (or skipped) and advances its partition's
// committable offset over the contiguous acknowledged prefix.
func (t *offsetTracker) ack(p *pendingRecord) {
	t.mu.Lock()
	t.ackLocked(p)
	if t.inflight == 0 {
		t.drained.Broadcast()
	}
	t.mu.Unlock()
}

// ackAll is ack for a batch of records under one lock.
func (t *offsetTracker) ackAll(ps []*pendingRecord) {
	t.mu.Lock()
	for _, p := range ps {
		t.ackLocked(p)
	}
	if t.inflight == 0 {
		t.drained.Broadcast()
	}
	t.mu.Unlock()
}

func (t *offsetTracker) ackLocked(p *pendingRecord) {
	p.done = true
	t.inflight--
	q := p.q
	if q == nil {
		return
	}
	for q.head < len(q.pending) && q.pending[q.head].done {
		r := q.pending[q.head]
		q.pending[q.head] = nil
		q.head++
		if r.rec.SourceOffset != nil {
			q.committable = r.rec.SourceOffset
			q.dirty = true
		}
	}
	if q.head == len(q.pending) {
		q.pending, q.head = q.pending[:0], 0
	} else if q.head > 1024 && q.head*2 > len(q.pending) {
		n := copy(q.pending, q.pending[q.head:])
		clear(q.pending[n:])
		q.pending, q.head = q.pending[:n], 0
	}
}

// snapshot returns the committable offsets that changed since the last
// snapshot, and marks them clean. If the commit fails, call restore.
func (t *offsetTracker) snapshot() []connect.OffsetEntry {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []connect.OffsetEntry
	for _, q := range t.queues {
		if q.dirty {
			out = append(out, connect.OffsetEntry{Partition: q.partition, Offset: q.committable})
			q.dirty = false
		}
	}
	return out
}

// restore marks entries of a failed commit dirty again (unless newer
// offsets arrived meanwhile, which supersede them).
func (t *offsetTracker) restore(entries []connect.OffsetEntry) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, e := range entries {
		if q := t.queues[partitionKey(e.Partition)]; q != nil {
			q.dirty = true
		}
	}
}

// pending returns the number of unacknowledged records.
func (t *offsetTracker) pending() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.inflight
}

// partitionKey is a cheap, deterministic identity of a source partition map
// (not the stored key encoding: that one is storage.EncodeKey).
func partitionKey(m map[string]any) string {
	if len(m) == 1 {
		for k, v := range m {
			if s, ok := scalarKey(v); ok {
				return k + "\x00" + s
			}
		}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k)
		b.WriteByte(0)
		s, ok := scalarKey(m[k])
		if !ok {
			j, _ := json.Marshal(m[k])
			s = "j" + string(j)
		}
		b.WriteString(s)
		b.WriteByte(0)
	}
	return b.String()
}

func scalarKey(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return "s" + x, true
	case int:
		return "i" + strconv.FormatInt(int64(x), 10), true
	case int32:
		return "i" + strconv.FormatInt(int64(x), 10), true
	case int64:
		return "i" + strconv.FormatInt(x, 10), true
	case bool:
		return "b" + strconv.FormatBool(x), true
	case nil:
		return "n", true
	}
	return "", false
}
