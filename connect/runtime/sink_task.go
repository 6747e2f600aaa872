package runtime

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/IBM/sarama"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/converters"
)

// sinkRunner is the sink loop of one task. A sarama ConsumerGroup runs in
// a consumer goroutine; its claim goroutines forward messages over msgs and
// its Setup/Cleanup callbacks run on the task goroutine through ctrl, so
// that every SinkTask method is called from the task goroutine only.
type sinkRunner struct {
	t     *workerTask
	task  connect.SinkTask
	cc    *ClientConfig
	group sarama.ConsumerGroup

	msgs chan consumed
	ctrl chan ctrlReq

	// Task-goroutine state.
	session      sarama.ConsumerGroupSession
	sessionID    int64
	opened       bool // SinkTask.Open was called for the current assignment
	assigned     map[connect.TopicPartition]bool
	current      map[connect.TopicPartition]int64 // next offset after what was put
	committed    map[connect.TopicPartition]int64
	paused       map[connect.TopicPartition]bool // paused by the task
	held         []consumed                      // records of task-paused partitions
	lag          map[connect.TopicPartition]int64
	lastCommit   time.Time
	targetPaused bool

	// Requests from SinkTaskContext (any goroutine).
	reqMu      sync.Mutex
	rewinds    map[connect.TopicPartition]int64
	pauseReq   map[connect.TopicPartition]bool // true pause, false resume
	commitReq  bool
	reqWake    chan struct{}
	assignment []connect.TopicPartition // copy of assigned for Assignment()

	consumeMu     sync.Mutex
	consumeCancel context.CancelFunc
	subscription  []string

	// errant maps the records of the batch last put to their consumed
	// bytes, for the ErrantRecordReporter.
	errant errantBatch
}

type consumed struct {
	msg     *sarama.ConsumerMessage
	hwm     int64
	session int64
}

type ctrlReq struct {
	fn   func()
	done chan struct{}
}

func (r *sinkRunner) run() {
	t := r.t
	r.msgs = make(chan consumed, 1024)
	r.ctrl = make(chan ctrlReq)
	r.reqWake = make(chan struct{}, 1)
	r.assigned = map[connect.TopicPartition]bool{}
	r.current = map[connect.TopicPartition]int64{}
	r.committed = map[connect.TopicPartition]int64{}
	r.paused = map[connect.TopicPartition]bool{}
	r.lag = map[connect.TopicPartition]int64{}
	r.rewinds = map[connect.TopicPartition]int64{}
	r.pauseReq = map[connect.TopicPartition]bool{}

	conn, err := t.plugin.NewConnector()
	if err != nil {
		t.fail(err)
		return
	}
	if err := safeCall(func() error {
		r.task = conn.(connect.SinkConnector).NewTask()
		if r.task == nil {
			return errors.New("connector returned a nil task")
		}
		return nil
	}); err != nil {
		t.fail(fmt.Errorf("create task: %w", err))
		return
	}
	topics, topicRe, err := sinkTopics(t.connProps)
	if err != nil {
		t.fail(err)
		return
	}
	if r.cc, err = NewClientConfig(t.w.cfg, ConsumerClient, t.connProps, "connector-consumer-"+t.id.String()); err != nil {
		t.fail(err)
		return
	}
	groupID := r.cc.GroupID
	if groupID == "" {
		groupID = "connect-" + t.id.Connector
	}
	if t.errs.policy.dlqTopic != "" {
		if err := t.openDLQ(); err != nil {
			t.fail(err)
			return
		}
	}
	if r.group, err = sarama.NewConsumerGroup(r.cc.Brokers, groupID, r.cc.Sarama); err != nil {
		t.fail(fmt.Errorf("create consumer group %s: %w", groupID, err))
		return
	}
	go func() {
		for err := range r.group.Errors() {
			t.log.Warn("consumer error", "err", err)
		}
	}()
	if err := safeCall(func() error { return r.task.Start(t.ctx, sinkTaskContext{taskContextBase{t}, r}, t.taskProps) }); err != nil {
		r.group.Close()
		t.fail(fmt.Errorf("task start: %w", err))
		return
	}
	t.log.Info("sink task started", "group", groupID)
	if t.currentTarget() == TargetStarted {
		t.status.OnStartup(t.id)
	}
	consumerDone := make(chan struct{})
	go r.consume(topics, topicRe, consumerDone)
	r.loop(consumerDone)
	r.finish(consumerDone)
}

// sinkTopics reads topics / topics.regex (exactly one must be set).
func sinkTopics(props map[string]string) ([]string, *regexp.Regexp, error) {
	topics := splitList(props[connect.KeyTopics])
	re := strings.TrimSpace(props[connect.KeyTopicsRegex])
	switch {
	case len(topics) > 0 && re != "":
		return nil, nil, errors.New("sink connector: set only one of topics and topics.regex")
	case len(topics) == 0 && re == "":
		return nil, nil, errors.New("sink connector: one of topics and topics.regex must be set")
	case re != "":
		c, err := regexp.Compile("^(?:" + re + ")$")
		if err != nil {
			return nil, nil, fmt.Errorf("topics.regex: %w", err)
		}
		return nil, c, nil
	}
	return topics, nil, nil
}

// consume runs the consumer group until the task stops. With topics.regex
// it re-resolves the subscription every few seconds and restarts the
// session when it changed.
func (r *sinkRunner) consume(topics []string, re *regexp.Regexp, done chan struct{}) {
	defer close(done)
	t := r.t
	h := &groupHandler{r: r}
	var client sarama.Client
	if re != nil {
		var err error
		if client, err = sarama.NewClient(r.cc.Brokers, r.cc.Sarama); err != nil {
			t.fail(fmt.Errorf("create metadata client: %w", err))
			return
		}
		defer client.Close()
	}
	for !t.stopping() {
		subs := topics
		if re != nil {
			client.RefreshMetadata()
			all, err := client.Topics()
			if err != nil {
				t.log.Warn("list topics", "err", err)
			}
			subs = nil
			for _, tp := range all {
				if re.MatchString(tp) {
					subs = append(subs, tp)
				}
			}
			sort.Strings(subs)
			if len(subs) == 0 {
				select {
				case <-t.stopReq:
					return
				case <-time.After(2 * time.Second):
				}
				continue
			}
		}
		ctx, cancel := context.WithCancel(t.ctx)
		r.consumeMu.Lock()
		r.consumeCancel, r.subscription = cancel, subs
		r.consumeMu.Unlock()
		if re != nil {
			go r.watchRegex(ctx, client, re, subs, cancel)
		}
		err := r.group.Consume(ctx, subs, h)
		cancel()
		if errors.Is(err, sarama.ErrClosedConsumerGroup) || t.stopping() {
			return
		}
		if err != nil {
			t.log.Warn("consumer group session ended with an error", "err", err)
			select {
			case <-t.stopReq:
				return
			case <-time.After(time.Second):
			}
		}
	}
}

// watchRegex cancels the session when the set of matching topics changes.
func (r *sinkRunner) watchRegex(ctx context.Context, client sarama.Client, re *regexp.Regexp, subs []string, cancel context.CancelFunc) {
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		client.RefreshMetadata()
		all, err := client.Topics()
		if err != nil {
			continue
		}
		var now []string
		for _, tp := range all {
			if re.MatchString(tp) {
				now = append(now, tp)
			}
		}
		sort.Strings(now)
		if strings.Join(now, ",") != strings.Join(subs, ",") {
			cancel()
			return
		}
	}
}

// restartSession ends the current session so that the consumer rejoins
// (used to apply rewinds).
func (r *sinkRunner) restartSession() {
	r.consumeMu.Lock()
	if r.consumeCancel != nil {
		r.consumeCancel()
	}
	r.consumeMu.Unlock()
}

// call runs fn on the task goroutine and waits for it; it gives up when the
// task goroutine is gone.
func (r *sinkRunner) call(fn func(), gone <-chan struct{}) {
	req := ctrlReq{fn: fn, done: make(chan struct{})}
	select {
	case r.ctrl <- req:
		<-req.done
	case <-gone:
	}
}

// loop is the task goroutine's main loop.
func (r *sinkRunner) loop(consumerDone chan struct{}) {
	t := r.t
	tick := time.NewTicker(t.w.cfg.OffsetFlushInterval)
	defer tick.Stop()
	r.lastCommit = time.Now()
	for {
		if t.failed.Load() {
			return
		}
		r.applyTarget()
		var in chan consumed
		if !r.targetPaused {
			in = r.msgs
			if len(r.held) > 0 {
				r.releaseHeld()
			}
		}
		select {
		case <-t.stopReq:
			return
		case <-t.wake:
		case req := <-r.ctrl:
			req.fn()
			close(req.done)
		case c := <-in:
			batch := []consumed{c}
		drain:
			for len(batch) < r.cc.MaxPollRecords {
				select {
				case c := <-r.msgs:
					batch = append(batch, c)
				default:
					break drain
				}
			}
			if err := r.deliver(batch); err != nil {
				t.fail(err)
				return
			}
		case <-tick.C:
			r.commit()
		case <-r.reqWake:
			r.applyRequests()
		case <-consumerDone:
			if !t.stopping() && !t.failed.Load() {
				t.fail(errors.New("consumer stopped unexpectedly"))
			}
			return
		}
		if r.takeCommitRequest() {
			r.commit()
		}
	}
}

// applyTarget pauses or resumes consumption on target-state changes.
func (r *sinkRunner) applyTarget() {
	t := r.t
	paused := t.currentTarget() != TargetStarted
	if paused == r.targetPaused {
		return
	}
	r.targetPaused = paused
	if paused {
		r.group.PauseAll()
		t.status.OnPause(t.id)
		t.log.Info("task paused")
		return
	}
	r.group.ResumeAll()
	r.pausePartitions(r.paused)
	t.status.OnResume(t.id)
	t.log.Info("task resumed")
}

func (r *sinkRunner) pausePartitions(set map[connect.TopicPartition]bool) {
	if len(set) == 0 {
		return
	}
	m := map[string][]int32{}
	for tp, on := range set {
		if on {
			m[tp.Topic] = append(m[tp.Topic], tp.Partition)
		}
	}
	r.group.Pause(m)
}

// releaseHeld delivers held records of partitions that are no longer paused.
func (r *sinkRunner) releaseHeld() {
	var keep, ready []consumed
	for _, c := range r.held {
		if r.paused[connect.TopicPartition{Topic: c.msg.Topic, Partition: c.msg.Partition}] {
			keep = append(keep, c)
		} else {
			ready = append(ready, c)
		}
	}
	r.held = keep
	if len(ready) > 0 {
		if err := r.deliver(ready); err != nil {
			r.t.fail(err)
		}
	}
}

// deliver converts, transforms and puts a batch, then advances positions.
func (r *sinkRunner) deliver(batch []consumed) error {
	t := r.t
	recs := make([]*connect.SinkRecord, 0, len(batch))
	msgs := make([]*sarama.ConsumerMessage, 0, len(batch))
	advance := make(map[connect.TopicPartition]int64, 4)
	for _, c := range batch {
		m := c.msg
		tp := connect.TopicPartition{Topic: m.Topic, Partition: m.Partition}
		if c.session != r.sessionID || !r.assigned[tp] {
			continue // from an ended session: it will be fetched again
		}
		if r.paused[tp] {
			r.held = append(r.held, c)
			continue
		}
		if cur, ok := r.current[tp]; ok && m.Offset < cur {
			continue
		}
		r.lag[tp] = c.hwm - m.Offset - 1
		t.metrics.read.Inc()
		advance[tp] = m.Offset + 1
		rec, err := r.convert(m)
		if err != nil {
			return err
		}
		if rec != nil {
			recs = append(recs, rec)
			msgs = append(msgs, m)
		}
	}
	if len(recs) > 0 {
		r.errant.remember(recs, msgs)
		if err := r.put(recs); err != nil {
			return err
		}
		t.metrics.put.Add(float64(len(recs)))
	}
	for tp, off := range advance {
		if r.assigned[tp] {
			r.current[tp] = off
		}
	}
	var lag int64
	for _, l := range r.lag {
		lag += l
	}
	t.metrics.lag.Set(float64(lag))
	return nil
}

// put calls SinkTask.Put, redelivering the batch after a back-off while it
// returns retriable errors.
func (r *sinkRunner) put(recs []*connect.SinkRecord) error {
	t := r.t
	backoff := 300 * time.Millisecond
	for {
		err := t.errs.retry(t.ctx, StageTaskPut, func() error {
			return safeCall(func() error { return r.task.Put(t.ctx, recs) })
		})
		if err == nil {
			return nil
		}
		if !connect.IsRetriable(err) {
			return &StageError{Stage: StageTaskPut, Class: t.plugin.Class, Err: err}
		}
		t.metrics.failure(StageTaskPut)
		t.log.Warn("retriable error from Put; redelivering the batch", "err", err, "backoff", backoff)
		select {
		case <-t.stopReq:
			return nil
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, t.errs.policy.retryMaxDelay)
		if backoff <= 0 {
			backoff = 300 * time.Millisecond
		}
	}
}

// convert turns a consumed message into a SinkRecord; nil means skipped
// (tolerated failure, or dropped by a transformation). Retriable failures
// are retried under errors.retry.timeout first.
func (r *sinkRunner) convert(m *sarama.ConsumerMessage) (*connect.SinkRecord, error) {
	t := r.t
	conv := t.conv
	fail := func(stage Stage, class string, err error) (*connect.SinkRecord, error) {
		return nil, t.errs.handle(&failure{stage: stage, class: class, err: err, consumed: m})
	}
	var raw converters.Headers
	if len(m.Headers) > 0 {
		raw = make(converters.Headers, 0, len(m.Headers))
		for _, h := range m.Headers {
			if h != nil {
				raw = append(raw, converters.Header{Key: string(h.Key), Value: h.Value})
			}
		}
	}
	ks, kv, err := conv.key.ToConnect(m.Topic, raw, m.Key)
	if err != nil && isRetriable(err) {
		err = t.errs.retryAfter(t.ctx, StageKeyConverter, err, func() (e error) {
			ks, kv, e = conv.key.ToConnect(m.Topic, raw, m.Key)
			return e
		})
	}
	if err != nil {
		return fail(StageKeyConverter, conv.keyClass, err)
	}
	vs, vv, err := conv.value.ToConnect(m.Topic, raw, m.Value)
	if err != nil && isRetriable(err) {
		err = t.errs.retryAfter(t.ctx, StageValueConverter, err, func() (e error) {
			vs, vv, e = conv.value.ToConnect(m.Topic, raw, m.Value)
			return e
		})
	}
	if err != nil {
		return fail(StageValueConverter, conv.valueClass, err)
	}
	var hs connect.Headers
	if len(raw) > 0 {
		hs = make(connect.Headers, 0, len(raw))
		for _, h := range raw {
			s, v, err := conv.header.ToConnectHeader(m.Topic, h.Key, h.Value)
			if err != nil && isRetriable(err) {
				err = t.errs.retryAfter(t.ctx, StageHeaderConverter, err, func() (e error) {
					s, v, e = conv.header.ToConnectHeader(m.Topic, h.Key, h.Value)
					return e
				})
			}
			if err != nil {
				return fail(StageHeaderConverter, conv.headerClass, err)
			}
			hs = append(hs, connect.Header{Key: h.Key, Schema: s, Value: v})
		}
	}
	part := m.Partition
	rec := &connect.SinkRecord{
		Record: connect.Record{Topic: m.Topic, Partition: &part, KeySchema: ks, Key: kv, ValueSchema: vs, Value: vv,
			Timestamp: m.Timestamp, Headers: hs, Offset: m.Offset},
		TimestampType: connect.CreateTime, OriginalTopic: m.Topic, OriginalPartition: m.Partition, OriginalOffset: m.Offset,
	}
	if m.Timestamp.IsZero() {
		rec.TimestampType = connect.NoTimestampType
	}
	if !t.chain.empty() {
		orig := rec.Record
		out, class, err := t.chain.apply(&rec.Record)
		if err != nil && isRetriable(err) {
			err = t.errs.retryAfter(t.ctx, StageTransformation, err, func() (e error) {
				rec.Record = orig
				out, class, e = t.chain.apply(&rec.Record)
				return e
			})
		}
		if err != nil {
			return fail(StageTransformation, class, err)
		}
		if out == nil {
			return nil, nil
		}
		if out != &rec.Record {
			rec.Record = *out
		}
	}
	return rec, nil
}

// commit flushes the task and commits the offsets it allows.
func (r *sinkRunner) commit() {
	t := r.t
	r.lastCommit = time.Now()
	if r.session == nil || t.abandoned.Load() || len(r.assigned) == 0 {
		return
	}
	offsets := make(map[connect.TopicPartition]int64, len(r.current))
	for tp, off := range r.current {
		if r.assigned[tp] {
			offsets[tp] = off
		}
	}
	start := time.Now()
	toCommit := offsets
	err := callWithTimeout(t.w.cfg.OffsetFlushTimeout, func(ctx context.Context) error {
		if pc, ok := r.task.(connect.SinkPreCommitter); ok {
			out, err := pc.PreCommit(ctx, maps.Clone(offsets))
			toCommit = out
			return err
		}
		return r.task.Flush(ctx, maps.Clone(offsets))
	})
	if err != nil {
		t.metrics.commitFailures.Inc()
		t.log.Error("flush before offset commit failed; rewinding to the last committed offsets", "err", err)
		r.reqMu.Lock()
		for tp, off := range r.committed {
			r.rewinds[tp] = off
		}
		r.reqMu.Unlock()
		r.applyRequests()
		return
	}
	changed := false
	for tp, off := range toCommit {
		if !r.assigned[tp] || r.committed[tp] == off {
			continue
		}
		r.seek(r.session, tp, off)
		r.committed[tp] = off
		changed = true
	}
	if changed {
		r.session.Commit()
		t.metrics.commitSeconds.Observe(time.Since(start).Seconds())
	}
}

// seek sets the group's committed position of tp to off, forwards or back.
func (r *sinkRunner) seek(sess sarama.ConsumerGroupSession, tp connect.TopicPartition, off int64) {
	if prev, ok := r.committed[tp]; ok && off < prev {
		sess.ResetOffset(tp.Topic, tp.Partition, off, "")
		return
	}
	sess.ResetOffset(tp.Topic, tp.Partition, off, "") // no-op when forwards
	sess.MarkOffset(tp.Topic, tp.Partition, off, "")
}

// onAssign runs on the task goroutine from Setup: Open, then rewinds
// requested by Open. Once the task is stopping the assignment is ignored
// (no Open, so no Close either): the session is about to end, nothing of it
// is delivered, and a connector must not see a context already cancelled by
// the stop. An Open that fails because the stop interrupted it is logged,
// not reported as a task failure.
func (r *sinkRunner) onAssign(sess sarama.ConsumerGroupSession) {
	t := r.t
	if t.stopping() {
		t.log.Debug("task stopping: partitions assigned by a last rebalance are not opened")
		return
	}
	r.session = sess
	r.sessionID++
	var parts []connect.TopicPartition
	for topic, ps := range sess.Claims() {
		for _, p := range ps {
			tp := connect.TopicPartition{Topic: topic, Partition: p}
			parts = append(parts, tp)
			r.assigned[tp] = true
		}
	}
	sort.Slice(parts, func(i, j int) bool {
		if parts[i].Topic != parts[j].Topic {
			return parts[i].Topic < parts[j].Topic
		}
		return parts[i].Partition < parts[j].Partition
	})
	for _, tp := range parts {
		t.w.noteTopic(t.id.Connector, tp.Topic)
	}
	r.reqMu.Lock()
	r.assignment = append([]connect.TopicPartition(nil), parts...)
	r.reqMu.Unlock()
	r.opened = true
	if err := safeCall(func() error { return r.task.Open(t.ctx, parts) }); err != nil {
		if t.stopping() {
			t.log.Info("SinkTask.Open interrupted by the task's stop", "err", err)
			return
		}
		t.fail(fmt.Errorf("open partitions: %w", err))
		return
	}
	r.reqMu.Lock()
	rw := r.rewinds
	r.rewinds = map[connect.TopicPartition]int64{}
	r.reqMu.Unlock()
	for tp, off := range rw {
		if r.assigned[tp] {
			sess.ResetOffset(tp.Topic, tp.Partition, off, "")
			sess.MarkOffset(tp.Topic, tp.Partition, off, "")
			r.current[tp] = off
		}
	}
	t.log.Info("partitions assigned", "partitions", len(parts))
}

// onRevoke runs on the task goroutine from Cleanup: commit, then Close of
// the partitions Open was given. Close gets the task's graceful context,
// cancelled only when task.shutdown.graceful.timeout.ms passes, since the
// revocation that ends a clean stop is part of that stop.
func (r *sinkRunner) onRevoke(sess sarama.ConsumerGroupSession) {
	t := r.t
	if !t.failed.Load() {
		r.commit()
	}
	if r.opened {
		parts := make([]connect.TopicPartition, 0, len(r.assigned))
		for tp := range r.assigned {
			parts = append(parts, tp)
		}
		sort.Slice(parts, func(i, j int) bool {
			if parts[i].Topic != parts[j].Topic {
				return parts[i].Topic < parts[j].Topic
			}
			return parts[i].Partition < parts[j].Partition
		})
		if err := safeCall(func() error { return r.task.Close(t.grace, parts) }); err != nil {
			t.log.Warn("SinkTask.Close failed", "err", err)
		}
	}
	r.opened = false
	r.assigned = map[connect.TopicPartition]bool{}
	r.current = map[connect.TopicPartition]int64{}
	r.committed = map[connect.TopicPartition]int64{}
	r.lag = map[connect.TopicPartition]int64{}
	r.held = nil
	r.session = nil
	r.reqMu.Lock()
	r.assignment = nil
	r.reqMu.Unlock()
}

// applyRequests applies SinkTaskContext requests on the task goroutine.
func (r *sinkRunner) applyRequests() {
	r.reqMu.Lock()
	rw := r.rewinds
	pr := r.pauseReq
	r.pauseReq = map[connect.TopicPartition]bool{}
	if r.session != nil && len(rw) > 0 {
		r.rewinds = map[connect.TopicPartition]int64{}
	}
	r.reqMu.Unlock()
	if len(pr) > 0 {
		pause, resume := map[string][]int32{}, map[string][]int32{}
		for tp, on := range pr {
			if on {
				r.paused[tp] = true
				pause[tp.Topic] = append(pause[tp.Topic], tp.Partition)
			} else {
				delete(r.paused, tp)
				resume[tp.Topic] = append(resume[tp.Topic], tp.Partition)
			}
		}
		r.group.Pause(pause)
		if !r.targetPaused {
			r.group.Resume(resume)
		}
	}
	if r.session != nil && len(rw) > 0 {
		// Rewind: position and committed offsets move now; the session
		// restarts so that fetching resumes from there, and records still
		// buffered from this session are dropped by their session id.
		for tp, off := range rw {
			if r.assigned[tp] {
				r.current[tp] = off
				r.seek(r.session, tp, off)
				r.committed[tp] = off
			}
		}
		r.session.Commit()
		r.sessionID++ // drop what is buffered
		r.restartSession()
	}
}

func (r *sinkRunner) takeCommitRequest() bool {
	r.reqMu.Lock()
	defer r.reqMu.Unlock()
	c := r.commitReq
	r.commitReq = false
	return c
}

func (r *sinkRunner) wakeUp() {
	select {
	case r.reqWake <- struct{}{}:
	default:
	}
}

// finish closes the consumer (servicing Cleanup), stops the task and
// reports shutdown.
func (r *sinkRunner) finish(consumerDone chan struct{}) {
	t := r.t
	closed := make(chan struct{})
	go func() {
		r.restartSession()
		r.group.Close()
		close(closed)
	}()
	limit := time.After(t.w.cfg.OffsetFlushTimeout + t.w.cfg.TaskShutdownTimeout)
wait:
	for {
		select {
		case req := <-r.ctrl:
			req.fn()
			close(req.done)
		case <-closed:
			break wait
		case <-limit:
			t.log.Error("consumer did not close in time")
			break wait
		}
	}
	err := callWithTimeout(t.w.cfg.TaskShutdownTimeout, func(ctx context.Context) error { return r.task.Stop(ctx) })
	if errors.Is(err, ErrTimeout) {
		t.abandoned.Store(true)
		t.fail(fmt.Errorf("task %s: Stop did not return: abandoned: %w", t.id, err))
	} else if err != nil {
		t.log.Warn("SinkTask.Stop returned an error", "err", err)
	}
	if !t.failed.Load() {
		t.log.Info("sink task stopped")
		t.status.OnShutdown(t.id)
	}
}

// groupHandler adapts sarama's callbacks to the task goroutine.
type groupHandler struct{ r *sinkRunner }

func (h *groupHandler) Setup(sess sarama.ConsumerGroupSession) error {
	h.r.call(func() { h.r.onAssign(sess) }, h.r.t.done)
	return nil
}

func (h *groupHandler) Cleanup(sess sarama.ConsumerGroupSession) error {
	h.r.call(func() { h.r.onRevoke(sess) }, h.r.t.done)
	return nil
}

func (h *groupHandler) ConsumeClaim(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	r := h.r
	var sid int64
	r.call(func() { sid = r.sessionID }, r.t.done)
	for {
		select {
		case m, ok := <-claim.Messages():
			if !ok {
				return nil
			}
			select {
			case r.msgs <- consumed{msg: m, hwm: claim.HighWaterMarkOffset(), session: sid}:
			case <-sess.Context().Done():
				return nil
			}
		case <-sess.Context().Done():
			return nil
		}
	}
}

// sinkTaskContext implements connect.SinkTaskContext.
type sinkTaskContext struct {
	taskContextBase
	r *sinkRunner
}

func (c sinkTaskContext) Offset(offsets map[connect.TopicPartition]int64) {
	c.r.reqMu.Lock()
	for tp, off := range offsets {
		c.r.rewinds[tp] = off
	}
	c.r.reqMu.Unlock()
	c.r.wakeUp()
}

func (c sinkTaskContext) Assignment() []connect.TopicPartition {
	c.r.reqMu.Lock()
	defer c.r.reqMu.Unlock()
	return append([]connect.TopicPartition(nil), c.r.assignment...)
}

func (c sinkTaskContext) Pause(partitions ...connect.TopicPartition) {
	c.r.reqMu.Lock()
	for _, tp := range partitions {
		c.r.pauseReq[tp] = true
	}
	c.r.reqMu.Unlock()
	c.r.wakeUp()
}

func (c sinkTaskContext) Resume(partitions ...connect.TopicPartition) {
	c.r.reqMu.Lock()
	for _, tp := range partitions {
		c.r.pauseReq[tp] = false
	}
	c.r.reqMu.Unlock()
	c.r.wakeUp()
}

func (c sinkTaskContext) RequestCommit() {
	c.r.reqMu.Lock()
	c.r.commitReq = true
	c.r.reqMu.Unlock()
	c.r.wakeUp()
}

func (c sinkTaskContext) ErrantRecordReporter() connect.ErrantRecordReporter {
	return errantReporter{t: c.t, r: c.r}
}
