package httpsink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/onecconnect/onecconnect/connect"
)

// Task is a OneCHTTPSink task. Put admits records and returns quickly
// (waiting only while max.buffered.records are unacknowledged); batches are
// sent by goroutines the task owns, at most max.concurrency at a time.
// PreCommit returns per partition the offset below which every record is
// acknowledged (by a 2xx or by the error path). As every SinkTask, its
// methods are called from one goroutine.
type Task struct {
	s        *settings
	tctx     connect.SinkTaskContext
	log      *slog.Logger
	reporter connect.ErrantRecordReporter
	body     *bodyEncoder
	disp     *dispatcher
	sender   *sender
	metrics  *metrics
	reply    *replyProducer

	transport *http.Transport
	sessions  []*session
	slots     chan *session

	runCtx   context.Context // cancelled when Stop's deadline passes
	cancel   context.CancelFunc
	stopping chan struct{} // closed at Stop: retries end
	wg       sync.WaitGroup
	stopOnce sync.Once
	stopErr  error
}

// NewTask returns an unstarted task.
func NewTask() *Task { return &Task{} }

// Start implements connect.SinkTask.
func (t *Task) Start(ctx context.Context, tctx connect.SinkTaskContext, props map[string]string) error {
	s, err := parseSettings(props)
	if err != nil {
		return err
	}
	t.s, t.tctx = s, tctx
	id := tctx.TaskID()
	t.log = tctx.Logger()
	if t.log == nil {
		t.log = slog.Default().With("connector", id.Connector, "task", id.Task)
	}
	t.reporter = tctx.ErrantRecordReporter()
	if t.body, err = newBodyEncoder(s); err != nil {
		return err
	}
	tlsCfg, err := s.tls.config()
	if err != nil {
		return fmt.Errorf("TLS settings: %w", err)
	}
	dialer := &net.Dialer{Timeout: min(s.timeout, 10*time.Second), KeepAlive: 30 * time.Second}
	t.transport = &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		TLSClientConfig:       tlsCfg,
		TLSHandshakeTimeout:   min(s.timeout, 10*time.Second),
		MaxConnsPerHost:       s.maxConcurrency,
		MaxIdleConnsPerHost:   s.maxConcurrency,
		MaxIdleConns:          s.maxConcurrency,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: s.timeout,
	}
	t.metrics = newMetrics(id.Connector, id.Task)
	if mp, ok := tctx.(MetricsProvider); ok && mp.MetricsRegisterer() != nil {
		if err := t.metrics.register(mp.MetricsRegisterer()); err != nil {
			t.log.Warn("cannot register HTTP sink metrics", "err", err)
		}
	}
	if s.replyTopic != "" {
		if t.reply, err = newReplyProducer(tctx, s, "connector-reply-producer-"+id.String()); err != nil {
			t.metrics.unregister()
			return err
		}
	}
	t.runCtx, t.cancel = context.WithCancel(context.WithoutCancel(ctx))
	t.stopping = make(chan struct{})
	t.sender = newSender(s, t.reply, t.metrics, t.log, t.stopping)
	t.slots = make(chan *session, s.maxConcurrency)
	for i := range s.maxConcurrency {
		sess := newSession(i, t.transport, s.sessionReuse, s.sessionMaxIdle)
		t.sessions = append(t.sessions, sess)
		t.slots <- sess
	}
	t.disp = newDispatcher(s.ordering, s.batchSize, s.maxConcurrency, t.launch)
	t.log.Info("HTTP sink task started", "url", s.url.raw, "method", s.method, "max.concurrency", s.maxConcurrency,
		"batch.size", s.batchSize, "ordering", s.ordering, "session.reuse", s.sessionReuse, "reply.topic", s.replyTopic)
	return nil
}

// launch starts a batch goroutine; called by the dispatcher with its lock
// held, so it must not block.
func (t *Task) launch(b *batch) {
	t.wg.Add(1)
	go t.run(b)
}

// run sends one batch in a concurrency slot and hands the outcome to the
// dispatcher: acknowledged on success or after the error path took the
// records; not acknowledged when the task stops or must fail.
func (t *Task) run(b *batch) {
	defer t.wg.Done()
	sess := <-t.slots // never waits: the dispatcher bounds batches by slots
	err := t.sender.deliver(t.runCtx, b, sess)
	t.slots <- sess
	if err == nil {
		t.disp.complete(b, true)
		return
	}
	if errors.Is(err, errStopping) || t.runCtx.Err() != nil {
		t.disp.complete(b, false)
		return
	}
	for _, it := range b.items {
		if rerr := t.errant(it, err); rerr != nil {
			t.disp.setFatal(rerr)
			t.disp.complete(b, false)
			return
		}
	}
	t.disp.complete(b, true)
}

// errant sends one record to the error path. It returns the reporter's
// error when the configuration does not tolerate the failure.
func (t *Task) errant(it *item, cause error) error {
	t.metrics.errant.Inc()
	err := fmt.Errorf("%s %s (record %s-%d@%d): %w", t.s.method, it.url, it.tp.Topic, it.tp.Partition, it.off, cause)
	if rerr := t.reporter.Report(t.runCtx, it.rec, err); rerr != nil {
		return fmt.Errorf("record %s-%d@%d: %w", it.tp.Topic, it.tp.Partition, it.off, rerr)
	}
	return nil
}

// Open implements connect.SinkTask; partitions start being tracked with
// their first record.
func (t *Task) Open(ctx context.Context, partitions []connect.TopicPartition) error { return nil }

// Put implements connect.SinkTask: it prepares and queues each record,
// then waits while more than max.buffered.records are unacknowledged. A
// record that cannot be rendered or encoded goes to the error path here.
// Records admitted before in this run (redelivered after a rewind) are
// skipped: they are acknowledged already or on their way.
func (t *Task) Put(ctx context.Context, records []*connect.SinkRecord) error {
	if err := t.disp.err(); err != nil {
		return err
	}
	for _, rec := range records {
		it := &item{rec: rec, tp: rec.TopicPartition(), off: rec.OriginalOffset}
		if !t.disp.admit(it) {
			continue
		}
		if err := t.prepare(it); err != nil {
			if rerr := t.errant(it, permanent(err)); rerr != nil {
				t.disp.setFatal(rerr)
				return rerr
			}
			t.disp.ack(it)
			continue
		}
		t.disp.enqueue(it)
	}
	t.disp.dispatch()
	return t.disp.waitRoom(ctx, t.s.maxBuffered)
}

// prepare fills in an item's address, body, ordering key, correlation id
// and headers.
func (t *Task) prepare(it *item) error {
	rec := it.rec
	var err error
	if it.url, err = t.s.url.render(rec); err != nil {
		return err
	}
	if it.body, err = t.body.encode(rec); err != nil {
		return err
	}
	if t.s.batchSize > 1 {
		it.body = arrayElement(it.body)
	}
	keyText, hasKey := "", false
	if rec.Key != nil {
		keyText, hasKey = scalarText(rec.Key)
		if !hasKey {
			keyText, hasKey = fmt.Sprint(rec.Key), true
		}
	}
	switch t.s.ordering {
	case OrderingKey:
		if hasKey {
			it.key = "k" + keyText
		} else {
			it.key = "p" + it.tp.String() // keyless records keep partition order
		}
	case OrderingPartition:
		it.key = "p" + it.tp.String()
	}
	it.corr = it.tp.Topic + "-" + strconv.FormatInt(int64(it.tp.Partition), 10) + "-" + strconv.FormatInt(it.off, 10)
	for i := len(rec.Headers) - 1; i >= 0; i-- {
		h := rec.Headers[i]
		if strings.EqualFold(h.Key, t.s.corrHeader) && h.Value != nil {
			if v, ok := scalarText(h.Value); ok && v != "" {
				it.corr = headerValue(v)
			}
			break
		}
	}
	if t.s.keyHeader != "" && hasKey {
		it.hdrs = append(it.hdrs, [2]string{t.s.keyHeader, headerValue(keyText)})
	}
	if t.s.forwardAll || len(t.s.forward) > 0 {
		for _, h := range rec.Headers {
			if h.Value == nil || !validHeaderName(h.Key) || strings.EqualFold(h.Key, t.s.corrHeader) || isReservedHeader(h.Key) {
				continue
			}
			if !t.s.forwardAll && !t.s.forward[strings.ToLower(h.Key)] {
				continue
			}
			if v, ok := scalarText(h.Value); ok {
				it.hdrs = append(it.hdrs, [2]string{h.Key, headerValue(v)})
			}
		}
	}
	return nil
}

// isReservedHeader tells headers the sink sets itself and a record must
// not override.
func isReservedHeader(name string) bool {
	switch strings.ToLower(name) {
	case "authorization", "content-type", "content-length", "host", "cookie", "ibsession", "transfer-encoding", "connection":
		return true
	}
	return false
}

// Flush implements connect.SinkTask (used only by runtimes that do not call
// PreCommit): it waits until every record put so far is acknowledged.
func (t *Task) Flush(ctx context.Context, offsets map[connect.TopicPartition]int64) error {
	return t.disp.waitIdle(ctx)
}

// PreCommit implements connect.SinkPreCommitter: for each partition, the
// offset of its first unacknowledged record, or current when all are.
func (t *Task) PreCommit(ctx context.Context, current map[connect.TopicPartition]int64) (map[connect.TopicPartition]int64, error) {
	if err := t.disp.err(); err != nil {
		return nil, err
	}
	return t.disp.committable(current), nil
}

// Close implements connect.SinkTask: unsent records of the partitions are
// dropped (their offsets were not committed past them).
func (t *Task) Close(ctx context.Context, partitions []connect.TopicPartition) error {
	t.disp.close(partitions)
	return nil
}

// Stop implements connect.SinkTask: no batch starts any more, retries end,
// requests in flight may finish until ctx's deadline (then they are
// cancelled), every 1C session is finished, and the reply producer closes.
// A second call returns the first one's result.
func (t *Task) Stop(ctx context.Context) error {
	if t.disp == nil {
		return nil
	}
	t.stopOnce.Do(func() { t.stopErr = t.stop(ctx) })
	return t.stopErr
}

func (t *Task) stop(ctx context.Context) error {
	t.disp.stop()
	close(t.stopping)
	done := make(chan struct{})
	go func() { t.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		t.cancel()
		<-done // cancelled requests return at once
	}
	t.cancel()
	fctx, fcancel := context.WithTimeout(context.WithoutCancel(ctx), min(t.s.timeout, 5*time.Second))
	defer fcancel()
	var errs []error
	var fw sync.WaitGroup
	var mu sync.Mutex
	for _, sess := range t.sessions {
		fw.Add(1)
		go func() {
			defer fw.Done()
			if err := sess.finish(fctx, t.s.finishURL, t.sender.authorize, t.log); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	fw.Wait()
	for _, err := range errs {
		t.log.Warn("could not finish a 1C session; it ends after its lifetime", "err", err)
	}
	t.transport.CloseIdleConnections()
	t.metrics.unregister()
	if t.reply != nil {
		if err := t.reply.close(); err != nil {
			return err
		}
	}
	return nil
}

// Stats returns a snapshot of the task's metrics.
func (t *Task) Stats() Stats { return t.metrics.stats() }
