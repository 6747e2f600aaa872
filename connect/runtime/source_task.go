package runtime

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/IBM/sarama"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/converters"
)

// sourceRunner is the source loop of one task: Poll → transform → convert →
// produce, an acknowledgement goroutine (CommitRecord, offset tracking) and
// an offset committer goroutine.
type sourceRunner struct {
	t        *workerTask
	task     connect.SourceTask
	producer sarama.AsyncProducer
	tracker  *offsetTracker
	creator  *topicCreator
	topics   map[string]bool // topics seen by this task
	fatal    chan error      // first fatal error of the ack goroutine
	commitMu sync.Mutex      // one offset commit at a time
	headers  converters.Headers
	// lastTopic is the topic of the previous record (new-topic check
	// skipped while it repeats).
	lastTopic string
	// bufs holds value buffers of converters that append (JsonConverter).
	bufs sync.Pool
	// ready are converted records not yet handed to the producer.
	ready []*inflight
	// keyBytes caches header keys as bytes (task goroutine only).
	keyBytes map[string][]byte
	// crMu keeps CommitRecord calls from the ack goroutine and from the
	// task goroutine (skipped records) from running concurrently.
	crMu sync.Mutex
}

func (r *sourceRunner) run() {
	t := r.t
	r.tracker = newOffsetTracker()
	r.topics = map[string]bool{}
	r.fatal = make(chan error, 1)

	conn, err := t.plugin.NewConnector()
	if err != nil {
		t.fail(err)
		return
	}
	if err := safeCall(func() error {
		r.task = conn.(connect.SourceConnector).NewTask()
		if r.task == nil {
			return errors.New("connector returned a nil task")
		}
		return nil
	}); err != nil {
		t.fail(fmt.Errorf("create task: %w", err))
		return
	}
	if so, ok := conn.(connect.StrictOrderer); ok {
		var strict bool
		if err := safeCall(func() error { strict = so.StrictOrder(t.connProps); return nil }); err != nil {
			t.fail(fmt.Errorf("connector StrictOrder: %w", err))
			return
		}
		t.errs.policy.strictOrder = t.errs.policy.strictOrder || strict
	}
	if t.errs.policy.dlqTopic != "" {
		if err := t.openDLQ(); err != nil {
			t.fail(err)
			return
		}
	}
	cc, err := NewClientConfig(t.w.cfg, ProducerClient, t.connProps, "connector-producer-"+t.id.String())
	if err != nil {
		t.fail(err)
		return
	}
	if r.producer, err = sarama.NewAsyncProducer(cc.Brokers, cc.Sarama); err != nil {
		t.fail(fmt.Errorf("create producer: %w", err))
		return
	}
	if t.w.cfg.TopicCreationEnable {
		if r.creator, err = newTopicCreator(t, cc.Brokers, t.connProps); err != nil {
			r.producer.Close()
			t.fail(err)
			return
		}
	}
	ackDone := make(chan struct{})
	go r.acks(ackDone)
	commitStop := make(chan struct{})
	commitDone := make(chan struct{})
	go r.committer(commitStop, commitDone)

	started := false
	defer func() {
		close(commitStop)
		<-commitDone
		r.finish(started, ackDone)
	}()

	if err := safeCall(func() error {
		return r.task.Start(t.ctx, sourceTaskContext{taskContextBase{t}, r}, t.taskProps)
	}); err != nil {
		t.fail(fmt.Errorf("task start: %w", err))
		return
	}
	started = true
	t.log.Info("source task started")
	if t.currentTarget() == TargetStarted {
		t.status.OnStartup(t.id)
	}
	for {
		if !t.pauseWait(nil, nil) {
			return
		}
		select {
		case err := <-r.fatal:
			t.fail(err)
			return
		default:
		}
		var recs []*connect.SourceRecord
		err := t.errs.retry(t.ctx, StageTaskPoll, func() error {
			return safeCall(func() (err error) {
				recs, err = r.task.Poll(t.ctx)
				return err
			})
		})
		if err != nil {
			if t.stopping() && errors.Is(err, context.Canceled) {
				return
			}
			if herr := t.errs.handle(&failure{stage: StageTaskPoll, class: t.plugin.Class, err: err}); herr != nil {
				t.fail(herr)
				return
			}
			continue
		}
		if len(recs) == 0 {
			continue
		}
		t.metrics.polled.Add(float64(len(recs)))
		for _, rec := range recs {
			if rec == nil {
				continue
			}
			if err = r.send(rec); err != nil {
				break
			}
		}
		if err == nil {
			err = r.flush()
		}
		if err != nil {
			if !errors.Is(err, errAborted) {
				t.fail(err)
			}
			return
		}
	}
}

var errAborted = errors.New("task aborted")

// inflight is one record on its way to Kafka: the producer message, the
// offset-tracking entry, the key and value encoders and the metadata passed
// to CommitRecord travel together, one allocation per record. It rides in
// ProducerMessage.Metadata.
type inflight struct {
	msg     sarama.ProducerMessage
	pending pendingRecord
	key     rawBytes
	value   rawBytes
	md      connect.RecordMetadata
	buf     *[]byte // pooled value buffer, released after the acknowledgement
}

// sendChunk is how many converted records the source loop registers with
// the offset tracker under one lock before handing them to the producer.
const sendChunk = 128

// rawBytes is a sarama.Encoder over a byte slice; used through a pointer
// into an inflight it costs no allocation (sarama.ByteEncoder in an
// interface does).
type rawBytes struct{ b []byte }

// Encode returns the bytes.
func (e *rawBytes) Encode() ([]byte, error) { return e.b, nil }

// Length returns their length.
func (e *rawBytes) Length() int { return len(e.b) }

// maxPooledBuf bounds the value buffers kept for reuse.
const maxPooledBuf = 64 << 10

// send runs one record through transforms and converters and hands it to
// the producer. Failures go to the error handler; a tolerated one skips the
// record (its offset still advances at its turn).
func (r *sourceRunner) send(rec *connect.SourceRecord) error {
	t := r.t
	rec.Offset = -1
	if !t.chain.empty() {
		orig := rec.Record // shallow: the pre-transformation record for the DLQ
		out, class, err := t.chain.apply(&rec.Record)
		if err != nil && isRetriable(err) {
			err = t.errs.retryAfter(t.ctx, StageTransformation, err, func() (e error) {
				rec.Record = orig
				out, class, e = t.chain.apply(&rec.Record)
				return e
			})
		}
		if err != nil {
			failed := *rec
			failed.Record = orig
			return r.tolerate(rec, &failure{stage: StageTransformation, class: class, err: err, source: &failed})
		}
		if out == nil {
			return r.skip(rec)
		}
		if out != &rec.Record {
			rec.Record = *out
		}
	}
	topic := rec.Topic
	if topic != r.lastTopic {
		if !r.topics[topic] {
			if err := r.newTopic(topic); err != nil {
				return err
			}
		}
		r.lastTopic = topic
	}
	conv := t.conv
	in := &inflight{}
	in.pending.rec = rec
	r.headers = r.headers[:0]
	for i := range rec.Headers {
		h := &rec.Headers[i]
		b, err := conv.header.FromConnectHeader(topic, h.Key, h.Schema, h.Value)
		if err != nil && isRetriable(err) {
			err = t.errs.retryAfter(t.ctx, StageHeaderConverter, err, func() (e error) {
				b, e = conv.header.FromConnectHeader(topic, h.Key, h.Schema, h.Value)
				return e
			})
		}
		if err != nil {
			return r.tolerate(rec, &failure{stage: StageHeaderConverter, class: conv.headerClass, err: err, source: rec})
		}
		r.headers = append(r.headers, converters.Header{Key: h.Key, Value: b})
	}
	kb, err := r.convertKey(rec)
	if err != nil {
		f := &failure{stage: StageKeyConverter, class: conv.keyClass, err: err, source: rec}
		f.encoded.headers, f.encoded.haveHeaders = r.headerList(), true
		return r.tolerate(rec, f)
	}
	vb, err := r.convertValue(rec, in)
	if err != nil {
		f := &failure{stage: StageValueConverter, class: conv.valueClass, err: err, source: rec}
		f.encoded.key, f.encoded.haveKey = kb, true
		f.encoded.headers, f.encoded.haveHeaders = r.headerList(), true
		return r.tolerate(rec, f)
	}
	msg := &in.msg
	msg.Topic, msg.Partition, msg.Timestamp = topic, -1, rec.Timestamp
	if rec.Partition != nil {
		msg.Partition = *rec.Partition
	}
	if kb != nil {
		in.key.b = kb
		msg.Key = &in.key
	}
	if vb != nil {
		in.value.b = vb
		msg.Value = &in.value
	}
	msg.Headers = r.headerList()
	msg.Metadata = in
	r.ready = append(r.ready, in)
	if len(r.ready) >= sendChunk {
		return r.flush()
	}
	return nil
}

// flush registers the converted records with the offset tracker (one lock)
// and hands them to the producer, in order.
func (r *sourceRunner) flush() error {
	if len(r.ready) == 0 {
		return nil
	}
	t := r.t
	r.tracker.addInflight(r.ready)
	input := r.producer.Input()
	for i, in := range r.ready {
		r.ready[i] = nil
		msg := &in.msg
		select {
		case input <- msg:
			continue
		default:
		}
		select {
		case input <- msg:
		case err := <-r.fatal:
			r.ready = r.ready[:0]
			return err
		case <-t.abort:
			r.ready = r.ready[:0]
			return errAborted
		}
	}
	r.ready = r.ready[:0]
	return nil
}

// headerList returns the converted headers in sarama's form (nil for none).
func (r *sourceRunner) headerList() []sarama.RecordHeader {
	if len(r.headers) == 0 {
		return nil
	}
	out := make([]sarama.RecordHeader, len(r.headers))
	for i, h := range r.headers {
		out[i] = sarama.RecordHeader{Key: r.headerKey(h.Key), Value: h.Value}
	}
	return out
}

// maxHeaderKeys bounds the cache of header key bytes.
const maxHeaderKeys = 256

// headerKey returns key as bytes, shared between records (header keys
// repeat; sarama only reads them).
func (r *sourceRunner) headerKey(key string) []byte {
	if b, ok := r.keyBytes[key]; ok {
		return b
	}
	b := []byte(key)
	if r.keyBytes == nil {
		r.keyBytes = map[string][]byte{}
	}
	if len(r.keyBytes) < maxHeaderKeys {
		r.keyBytes[key] = b
	}
	return b
}

// convertKey runs the key converter, retrying retriable failures.
func (r *sourceRunner) convertKey(rec *connect.SourceRecord) ([]byte, error) {
	t, conv := r.t, r.t.conv
	n := len(r.headers)
	kb, err := conv.key.FromConnect(rec.Topic, &r.headers, rec.KeySchema, rec.Key)
	if err != nil && isRetriable(err) {
		err = t.errs.retryAfter(t.ctx, StageKeyConverter, err, func() (e error) {
			r.headers = r.headers[:n]
			kb, e = conv.key.FromConnect(rec.Topic, &r.headers, rec.KeySchema, rec.Key)
			return e
		})
	}
	return kb, err
}

// convertValue runs the value converter, retrying retriable failures. A
// converter that can append to a caller's buffer (JsonConverter) writes
// into a pooled buffer that in keeps until the acknowledgement.
func (r *sourceRunner) convertValue(rec *connect.SourceRecord, in *inflight) ([]byte, error) {
	t, conv := r.t, r.t.conv
	if conv.valueAppend != nil && (rec.ValueSchema != nil || rec.Value != nil) {
		bp, _ := r.bufs.Get().(*[]byte)
		if bp == nil {
			b := make([]byte, 0, 1024)
			bp = &b
		}
		out, err := conv.valueAppend.AppendConnect((*bp)[:0], rec.ValueSchema, rec.Value)
		if err == nil {
			*bp = out
			in.buf = bp
			return out, nil
		}
		r.bufs.Put(bp) // the converter's own path below gives the proper error
	}
	n := len(r.headers)
	vb, err := conv.value.FromConnect(rec.Topic, &r.headers, rec.ValueSchema, rec.Value)
	if err != nil && isRetriable(err) {
		err = t.errs.retryAfter(t.ctx, StageValueConverter, err, func() (e error) {
			r.headers = r.headers[:n]
			vb, e = conv.value.FromConnect(rec.Topic, &r.headers, rec.ValueSchema, rec.Value)
			return e
		})
	}
	return vb, err
}

// release returns in's value buffer to the pool.
func (r *sourceRunner) release(in *inflight) {
	if in.buf != nil && cap(*in.buf) <= maxPooledBuf {
		*in.buf = (*in.buf)[:0]
		r.bufs.Put(in.buf)
	}
	in.buf, in.value.b = nil, nil
}

// tolerate hands a failed record to the error handler: skipped when
// tolerated (after its dead-letter write), else the task fails.
func (r *sourceRunner) tolerate(rec *connect.SourceRecord, f *failure) error {
	if err := r.t.errs.handle(f); err != nil {
		return err
	}
	return r.skip(rec)
}

// skip handles a record dropped by a transformation or skipped under
// errors.tolerance=all: its offset becomes committable at its turn (the
// records converted before it are handed to the producer first, so that
// the tracker keeps send order), and the task hears about it through
// CommitRecord(rec, nil).
func (r *sourceRunner) skip(rec *connect.SourceRecord) error {
	if err := r.flush(); err != nil {
		return err
	}
	p := r.tracker.add(rec)
	r.crMu.Lock()
	r.commitRecord(rec, nil)
	r.crMu.Unlock()
	r.tracker.ack(p)
	return nil
}

// newTopic runs on the first record for a topic: topic creation (KIP-158)
// and active-topic tracking (KIP-558).
func (r *sourceRunner) newTopic(topic string) error {
	if r.creator != nil {
		if err := r.creator.ensure(r.t.ctx, topic); err != nil {
			return err
		}
	}
	r.topics[topic] = true
	r.t.w.noteTopic(r.t.id.Connector, topic)
	return nil
}

func (r *sourceRunner) commitRecord(rec *connect.SourceRecord, md *connect.RecordMetadata) {
	if err := safeCall(func() error { return r.task.CommitRecord(r.t.ctx, rec, md) }); err != nil {
		r.t.log.Warn("CommitRecord failed", "err", err)
	}
}

// ackBatch bounds the acknowledgements handled under one tracker lock.
const ackBatch = 256

// acks consumes the producer's successes and errors until both close. It
// takes successes in batches (what is already buffered, up to ackBatch):
// CommitRecord for each, then one tracker update and one metrics update.
func (r *sourceRunner) acks(done chan struct{}) {
	defer close(done)
	t := r.t
	succ, errs := r.producer.Successes(), r.producer.Errors()
	batch := make([]*sarama.ProducerMessage, 0, ackBatch)
	pend := make([]*pendingRecord, 0, ackBatch)
	for succ != nil || errs != nil {
		select {
		case msg, ok := <-succ:
			if !ok {
				succ = nil
				continue
			}
			batch = append(batch[:0], msg)
		more:
			for len(batch) < ackBatch {
				select {
				case m, ok := <-succ:
					if !ok {
						succ = nil
						break more
					}
					batch = append(batch, m)
				default:
					break more
				}
			}
			pend = pend[:0]
			r.crMu.Lock()
			for _, m := range batch {
				in := m.Metadata.(*inflight)
				in.md = connect.RecordMetadata{Topic: m.Topic, Partition: m.Partition, Offset: m.Offset, Timestamp: m.Timestamp}
				r.commitRecord(in.pending.rec, &in.md)
				r.release(in)
				pend = append(pend, &in.pending)
			}
			r.crMu.Unlock()
			r.tracker.ackAll(pend)
			t.metrics.written.Add(float64(len(batch)))
			clear(batch)
		case perr, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			in := perr.Msg.Metadata.(*inflight)
			err := fmt.Errorf("send to topic %s: %w", perr.Msg.Topic, perr.Err)
			f := &failure{stage: StageKafkaProduce, class: "", err: err, source: in.pending.rec}
			f.encoded = encodedParts{key: in.key.b, value: in.value.b, haveKey: true, haveValue: true,
				headers: perr.Msg.Headers, haveHeaders: true, kafkaPartition: perr.Msg.Partition, haveKafkaPartition: true}
			herr := t.errs.handle(f)
			r.release(in)
			if herr != nil {
				select {
				case r.fatal <- herr:
				default:
				}
				continue // the offset stays blocked at this record
			}
			r.crMu.Lock()
			r.commitRecord(in.pending.rec, nil)
			r.crMu.Unlock()
			r.tracker.ack(&in.pending)
		}
	}
}

// committer commits offsets every offset.flush.interval.ms.
func (r *sourceRunner) committer(stop, done chan struct{}) {
	defer close(done)
	tick := time.NewTicker(r.t.w.cfg.OffsetFlushInterval)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			r.commitOffsets()
		}
	}
}

// commitOffsets stores the committable offsets (contiguous acks only) and
// then calls SourceTask.Commit. It never commits for an abandoned task.
func (r *sourceRunner) commitOffsets() {
	t := r.t
	if t.abandoned.Load() {
		return
	}
	r.commitMu.Lock()
	defer r.commitMu.Unlock()
	entries := r.tracker.snapshot()
	if len(entries) == 0 {
		return
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), t.w.cfg.OffsetFlushTimeout)
	defer cancel()
	if err := t.w.offsets.Set(ctx, t.id.Connector, entries); err != nil {
		r.tracker.restore(entries)
		t.metrics.commitFailures.Inc()
		t.log.Error("offset commit failed", "err", err, "partitions", len(entries))
		return
	}
	t.metrics.commitSeconds.Observe(time.Since(start).Seconds())
	if err := safeCall(func() error { return r.task.Commit(ctx) }); err != nil {
		t.log.Warn("SourceTask.Commit failed", "err", err)
	}
}

// finish stops the task, drains the producer within offset.flush.timeout.ms
// and commits the final offsets (not for an abandoned task).
func (r *sourceRunner) finish(started bool, ackDone chan struct{}) {
	t := r.t
	if started {
		err := callWithTimeout(t.w.cfg.TaskShutdownTimeout, func(ctx context.Context) error { return r.task.Stop(ctx) })
		if errors.Is(err, ErrTimeout) {
			t.abandoned.Store(true)
			t.fail(fmt.Errorf("task %s: Stop did not return: abandoned, offsets not committed: %w", t.id, err))
		} else if err != nil {
			t.log.Warn("SourceTask.Stop returned an error", "err", err)
		}
	}
	deadline := time.Now().Add(t.w.cfg.OffsetFlushTimeout)
	for r.tracker.pending() > 0 && time.Now().Before(deadline) && !t.abandoned.Load() {
		time.Sleep(5 * time.Millisecond)
	}
	if n := r.tracker.pending(); n > 0 {
		t.log.Warn("records still unacknowledged at stop; their offsets are not committed", "records", n)
	}
	r.commitOffsets()
	r.producer.AsyncClose()
	select {
	case <-ackDone:
	case <-time.After(t.w.cfg.OffsetFlushTimeout):
		t.log.Warn("producer did not close in time")
	}
	if r.creator != nil {
		r.creator.close()
	}
	if !t.failed.Load() {
		t.log.Info("source task stopped")
		t.status.OnShutdown(t.id)
	}
}

// sourceTaskContext implements connect.SourceTaskContext.
type sourceTaskContext struct {
	taskContextBase
	r *sourceRunner
}

func (c sourceTaskContext) OffsetStorageReader() connect.OffsetStorageReader {
	return offsetReader{store: c.t.w, connector: c.t.id.Connector}
}

// offsetReader reads committed offsets of one connector.
type offsetReader struct {
	store     *Worker
	connector string
}

func (o offsetReader) Offset(ctx context.Context, partition map[string]any) (map[string]any, error) {
	out, err := o.Offsets(ctx, []map[string]any{partition})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

func (o offsetReader) Offsets(ctx context.Context, partitions []map[string]any) ([]map[string]any, error) {
	out, err := o.store.offsets.Get(ctx, o.connector, partitions)
	if err != nil {
		return nil, fmt.Errorf("read offsets of %s: %w", o.connector, err)
	}
	return out, nil
}
