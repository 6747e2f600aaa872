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
			if herr := t.errs.handle(t.ctx, StageTaskPoll, t.plugin.Class, err, failedRecord{}); herr != nil {
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
			if err := r.send(rec); err != nil {
				if !errors.Is(err, errAborted) {
					t.fail(err)
				}
				return
			}
		}
	}
}

var errAborted = errors.New("task aborted")

// send runs one record through transforms and converters and hands it to
// the producer.
func (r *sourceRunner) send(rec *connect.SourceRecord) error {
	t := r.t
	rec.Offset = -1
	if !t.chain.empty() {
		out, class, err := t.chain.apply(&rec.Record)
		if err != nil {
			if herr := t.errs.handle(t.ctx, StageTransformation, class, err, failedRecord{source: rec}); herr != nil {
				return herr
			}
			r.skip(rec)
			return nil
		}
		if out == nil {
			r.skip(rec)
			return nil
		}
		if out != &rec.Record {
			rec.Record = *out
		}
	}
	topic := rec.Topic
	if !r.topics[topic] {
		if err := r.newTopic(topic); err != nil {
			return err
		}
	}
	conv := t.conv
	r.headers = r.headers[:0]
	for _, h := range rec.Headers {
		b, err := conv.header.FromConnectHeader(topic, h.Key, h.Schema, h.Value)
		if err != nil {
			if herr := t.errs.handle(t.ctx, StageHeaderConverter, conv.headerClass, err, failedRecord{source: rec}); herr != nil {
				return herr
			}
			r.skip(rec)
			return nil
		}
		r.headers = append(r.headers, converters.Header{Key: h.Key, Value: b})
	}
	kb, err := conv.key.FromConnect(topic, &r.headers, rec.KeySchema, rec.Key)
	if err != nil {
		if herr := t.errs.handle(t.ctx, StageKeyConverter, conv.keyClass, err, failedRecord{source: rec}); herr != nil {
			return herr
		}
		r.skip(rec)
		return nil
	}
	vb, err := conv.value.FromConnect(topic, &r.headers, rec.ValueSchema, rec.Value)
	if err != nil {
		if herr := t.errs.handle(t.ctx, StageValueConverter, conv.valueClass, err, failedRecord{source: rec}); herr != nil {
			return herr
		}
		r.skip(rec)
		return nil
	}
	msg := &sarama.ProducerMessage{Topic: topic, Partition: -1, Timestamp: rec.Timestamp}
	if rec.Partition != nil {
		msg.Partition = *rec.Partition
	}
	if kb != nil {
		msg.Key = sarama.ByteEncoder(kb)
	}
	if vb != nil {
		msg.Value = sarama.ByteEncoder(vb)
	}
	if len(r.headers) > 0 {
		msg.Headers = make([]sarama.RecordHeader, len(r.headers))
		for i, h := range r.headers {
			msg.Headers[i] = sarama.RecordHeader{Key: []byte(h.Key), Value: h.Value}
		}
	}
	p := r.tracker.add(rec)
	msg.Metadata = p
	select {
	case r.producer.Input() <- msg:
		return nil
	case err := <-r.fatal:
		return err
	case <-t.abort:
		return errAborted
	}
}

// skip handles a record dropped by a transformation or skipped under
// errors.tolerance=all: its offset becomes committable at its turn, and the
// task hears about it through CommitRecord(rec, nil).
func (r *sourceRunner) skip(rec *connect.SourceRecord) {
	p := r.tracker.add(rec)
	r.commitRecord(rec, nil)
	r.tracker.ack(p)
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

// acks consumes the producer's successes and errors until both close.
func (r *sourceRunner) acks(done chan struct{}) {
	defer close(done)
	t := r.t
	succ, errs := r.producer.Successes(), r.producer.Errors()
	for succ != nil || errs != nil {
		select {
		case msg, ok := <-succ:
			if !ok {
				succ = nil
				continue
			}
			p := msg.Metadata.(*pendingRecord)
			r.commitRecord(p.rec, &connect.RecordMetadata{Topic: msg.Topic, Partition: msg.Partition, Offset: msg.Offset, Timestamp: msg.Timestamp})
			r.tracker.ack(p)
			t.metrics.written.Inc()
		case perr, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			p := perr.Msg.Metadata.(*pendingRecord)
			err := fmt.Errorf("send to topic %s: %w", perr.Msg.Topic, perr.Err)
			if herr := t.errs.handle(t.ctx, StageKafkaProduce, "", err, failedRecord{source: p.rec}); herr != nil {
				select {
				case r.fatal <- herr:
				default:
				}
				continue // the offset stays blocked at this record
			}
			r.commitRecord(p.rec, nil)
			r.tracker.ack(p)
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
