package kafkastore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/IBM/sarama"
)

// LogConfig configures a Log.
type LogConfig struct {
	// Brokers are the bootstrap host:port pairs.
	Brokers []string
	// Sarama is the base client configuration (protocol version, TLS,
	// SASL, timeouts); nil means sarama.NewConfig() with Kafka 3.9. The Log
	// copies it and overrides the producer and consumer settings it needs
	// (acks=all, idempotence, murmur2 partitioner, one request in flight).
	Sarama *sarama.Config
	// ClientID is the Kafka client id; empty keeps Sarama.ClientID.
	ClientID string
	// Topic is the topic to read and write, created when missing.
	Topic TopicSpec
	// ReadCommitted reads with isolation level read_committed (Kafka
	// Connect does when exactly.once.source.support=enabled).
	ReadCommitted bool
	// Logger receives the log's messages; nil means slog.Default().
	Logger *slog.Logger
}

// Log is a Kafka-backed log (Kafka Connect's KafkaBasedLog): every
// partition of one topic read from the beginning by a background fetch
// loop, with writes through an idempotent producer.
//
// Lifecycle: NewLog, Start once, any number of Send / ReadToEnd calls from
// any goroutine, Stop once. The apply callback runs on the Log's own
// goroutines, one record at a time, in offset order per partition; it must
// not block for long and must not call ReadToEnd or WaitApplied (it would
// wait for itself). Every method is safe for concurrent use.
type Log struct {
	cfg   LogConfig
	log   *slog.Logger
	apply func(Record)

	applyMu sync.Mutex // serialises apply across fetchers

	mu         sync.Mutex
	state      int // 0 new, 1 started, 2 stopped
	partitions []int32
	positions  map[int32]int64 // next offset to read, per partition
	progress   chan struct{}   // closed and replaced when a position moves

	consumer sarama.Client // fetches only: long polls do not delay others
	client   sarama.Client // metadata, admin, list offsets, producer
	producer sarama.SyncProducer
	fetchVer int16
	iso      sarama.IsolationLevel

	cancel context.CancelFunc
	done   chan struct{}
}

// Log states.
const (
	logNew = iota
	logStarted
	logStopped
)

// fetchMaxWait is the broker-side long-poll time of a fetch; it also bounds
// how long Stop waits for the fetch loop.
const fetchMaxWait = 250 * time.Millisecond

// NewLog returns a Log that hands every record it reads to apply.
func NewLog(cfg LogConfig, apply func(Record)) *Log {
	l := cfg.Logger
	if l == nil {
		l = slog.Default()
	}
	return &Log{
		cfg:      cfg,
		log:      l.With("topic", cfg.Topic.Name),
		apply:    apply,
		progress: make(chan struct{}),
		done:     make(chan struct{}),
	}
}

// saramaConfig derives the client configuration from the base.
func (l *Log) saramaConfig() *sarama.Config {
	var c sarama.Config
	if l.cfg.Sarama != nil {
		c = *l.cfg.Sarama
	} else {
		c = *sarama.NewConfig()
		c.Version = sarama.V3_9_0_0
	}
	if l.cfg.ClientID != "" {
		c.ClientID = l.cfg.ClientID
	}
	c.Metadata.AllowAutoTopicCreation = false
	c.Producer.RequiredAcks = sarama.WaitForAll
	c.Producer.Idempotent = true
	c.Net.MaxOpenRequests = 1
	if c.Producer.Retry.Max < 1 {
		c.Producer.Retry.Max = 5
	}
	c.Producer.Return.Successes = true
	c.Producer.Return.Errors = true
	c.Producer.Partitioner = sarama.NewMurmur2Partitioner
	c.Producer.Transaction.ID = ""
	if c.Net.ReadTimeout < 2*fetchMaxWait {
		c.Net.ReadTimeout = 2 * fetchMaxWait
	}
	return &c
}

// Start creates or validates the topic, reads it to the end (every record
// applied), and leaves a background fetch loop running. ctx bounds the
// start-up only; the loop runs until Stop. On error the Log holds no
// resources and cannot be started again.
func (l *Log) Start(ctx context.Context) (err error) {
	l.mu.Lock()
	if l.state != logNew {
		l.mu.Unlock()
		return fmt.Errorf("start log %s: already started", l.cfg.Topic.Name)
	}
	l.state = logStarted
	l.mu.Unlock()
	defer func() {
		if err != nil {
			l.closeClients()
			l.mu.Lock()
			l.state = logStopped
			l.mu.Unlock()
			select {
			case <-l.done:
			default:
				close(l.done)
			}
		}
	}()
	if l.cfg.Topic.Name == "" {
		return fmt.Errorf("start log: %w: empty topic name", ErrFormat)
	}
	cfg := l.saramaConfig()
	if l.fetchVer, err = fetchVersion(cfg.Version); err != nil {
		return fmt.Errorf("start log %s: %w", l.cfg.Topic.Name, err)
	}
	if l.cfg.ReadCommitted {
		l.iso = sarama.ReadCommitted
	}
	if l.client, err = sarama.NewClient(l.cfg.Brokers, cfg); err != nil {
		return fmt.Errorf("start log %s: client for %v: %w", l.cfg.Topic.Name, l.cfg.Brokers, err)
	}
	n, err := ensureTopic(ctx, l.client, l.cfg.Topic, l.log)
	if err != nil {
		return fmt.Errorf("start log: %w", err)
	}
	parts, err := l.client.Partitions(l.cfg.Topic.Name)
	if err != nil {
		return fmt.Errorf("start log %s: partitions: %w", l.cfg.Topic.Name, err)
	}
	if int32(len(parts)) < n {
		return fmt.Errorf("start log %s: metadata lists %d of %d partitions", l.cfg.Topic.Name, len(parts), n)
	}
	parts = slices.Clone(parts)
	slices.Sort(parts)
	if l.consumer, err = sarama.NewClient(l.cfg.Brokers, cfg); err != nil {
		return fmt.Errorf("start log %s: consumer client: %w", l.cfg.Topic.Name, err)
	}
	if l.producer, err = sarama.NewSyncProducerFromClient(l.client); err != nil {
		return fmt.Errorf("start log %s: producer: %w", l.cfg.Topic.Name, err)
	}
	start, err := listOffsets(ctx, l.client, l.cfg.Topic.Name, parts, sarama.OffsetOldest, sarama.ReadUncommitted)
	if err != nil {
		return fmt.Errorf("start log: %w", err)
	}
	l.mu.Lock()
	l.partitions = parts
	l.positions = start
	l.mu.Unlock()

	runCtx, cancel := context.WithCancel(context.Background())
	l.cancel = cancel
	go l.run(runCtx)
	if err := l.ReadToEnd(ctx); err != nil {
		cancel()
		<-l.done
		return fmt.Errorf("start log: initial read: %w", err)
	}
	l.log.Debug("log started", "partitions", len(parts))
	return nil
}

// Partitions returns the number of partitions of the topic (0 before
// Start).
func (l *Log) Partitions() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.partitions)
}

// Positions returns a copy of the next offset to read per partition: every
// record before it has been applied.
func (l *Log) Positions() map[int32]int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[int32]int64, len(l.positions))
	for p, o := range l.positions {
		out[p] = o
	}
	return out
}

// Stop ends the fetch loop, waits for it (at most one fetch long-poll plus
// network time, or until ctx ends) and closes the clients. Calling it
// again, or on a Log never started, is a no-op.
func (l *Log) Stop(ctx context.Context) error {
	l.mu.Lock()
	prev := l.state
	l.state = logStopped
	l.mu.Unlock()
	if prev != logStarted {
		return nil
	}
	if l.cancel != nil {
		l.cancel()
	}
	select {
	case <-l.done:
	case <-ctx.Done():
		l.closeClients()
		return fmt.Errorf("stop log %s: %w", l.cfg.Topic.Name, ctx.Err())
	}
	return l.closeClients()
}

func (l *Log) closeClients() error {
	var errs []error
	if l.producer != nil {
		errs = append(errs, l.producer.Close())
	}
	if l.consumer != nil && !l.consumer.Closed() {
		errs = append(errs, l.consumer.Close())
	}
	if l.client != nil && !l.client.Closed() {
		errs = append(errs, l.client.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close log %s: %w", l.cfg.Topic.Name, err)
	}
	return nil
}

// started returns nil when the Log can be used.
func (l *Log) started() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch l.state {
	case logNew:
		return ErrNotStarted
	case logStopped:
		return ErrStopped
	}
	return nil
}

// Message is one record to write; a nil Value is a tombstone.
type Message struct {
	Key, Value []byte
}

// Sent tells where a written record landed.
type Sent struct {
	Partition int32
	Offset    int64
}

// Send writes one record and returns after Kafka acknowledged it
// (acks=all). If ctx ends first Send returns ctx's error, but the write
// may still land.
func (l *Log) Send(ctx context.Context, key, value []byte) (Sent, error) {
	s, err := l.SendBatch(ctx, []Message{{Key: key, Value: value}})
	if err != nil {
		return Sent{}, err
	}
	return s[0], nil
}

// SendBatch writes the records, in order within each partition, and
// returns after Kafka acknowledged all of them. If ctx ends first it
// returns ctx's error, but the writes may still land.
func (l *Log) SendBatch(ctx context.Context, msgs []Message) ([]Sent, error) {
	if err := l.started(); err != nil {
		return nil, fmt.Errorf("write %s: %w", l.cfg.Topic.Name, err)
	}
	if len(msgs) == 0 {
		return nil, nil
	}
	pms := make([]*sarama.ProducerMessage, len(msgs))
	for i, m := range msgs {
		pm := &sarama.ProducerMessage{Topic: l.cfg.Topic.Name}
		if m.Key != nil {
			pm.Key = sarama.ByteEncoder(m.Key)
		}
		if m.Value != nil {
			pm.Value = sarama.ByteEncoder(m.Value)
		}
		pms[i] = pm
	}
	producer := l.producer
	errc := make(chan error, 1)
	go func() { errc <- producer.SendMessages(pms) }()
	select {
	case err := <-errc:
		if err != nil {
			var perrs sarama.ProducerErrors
			if errors.As(err, &perrs) && len(perrs) > 0 {
				return nil, fmt.Errorf("write %s: %d of %d records failed, first (key %q): %w",
					l.cfg.Topic.Name, len(perrs), len(msgs), msgs[0].Key, perrs[0].Err)
			}
			return nil, fmt.Errorf("write %s: %w", l.cfg.Topic.Name, err)
		}
	case <-ctx.Done():
		return nil, fmt.Errorf("write %s: %w", l.cfg.Topic.Name, ctx.Err())
	}
	out := make([]Sent, len(pms))
	for i, pm := range pms {
		out[i] = Sent{Partition: pm.Partition, Offset: pm.Offset}
	}
	return out, nil
}

// ReadToEnd fetches the end offset of every partition (the high watermark,
// or the last stable offset under read_committed) and returns once every
// record before them has been applied. It is the barrier a worker passes
// before acting on the log's state.
func (l *Log) ReadToEnd(ctx context.Context) error {
	if err := l.started(); err != nil {
		return fmt.Errorf("read %s to end: %w", l.cfg.Topic.Name, err)
	}
	l.mu.Lock()
	parts := l.partitions
	l.mu.Unlock()
	ends, err := listOffsets(ctx, l.client, l.cfg.Topic.Name, parts, sarama.OffsetNewest, l.iso)
	if err != nil {
		return fmt.Errorf("read %s to end: %w", l.cfg.Topic.Name, err)
	}
	return l.waitFor(ctx, func(pos map[int32]int64) bool {
		for p, end := range ends {
			if pos[p] < end {
				return false
			}
		}
		return true
	})
}

// WaitApplied returns once the record at offset of partition (for example
// one just written) has been read and applied, or ctx ends.
func (l *Log) WaitApplied(ctx context.Context, s Sent) error {
	return l.waitFor(ctx, func(pos map[int32]int64) bool { return pos[s.Partition] > s.Offset })
}

// waitFor blocks until done(positions) holds, ctx ends or the Log stops.
func (l *Log) waitFor(ctx context.Context, done func(map[int32]int64) bool) error {
	for {
		l.mu.Lock()
		ok := done(l.positions)
		ch := l.progress
		l.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("read %s: %w", l.cfg.Topic.Name, ctx.Err())
		case <-l.done:
			return fmt.Errorf("read %s: %w", l.cfg.Topic.Name, ErrStopped)
		}
	}
}

// advance records a partition's new position and wakes the waiters.
func (l *Log) advance(p int32, next int64) {
	l.mu.Lock()
	if next > l.positions[p] {
		l.positions[p] = next
		close(l.progress)
		l.progress = make(chan struct{})
	}
	l.mu.Unlock()
}

// run is the fetch loop: one fetcher per partition leader; any fetcher
// error restarts them all after a metadata refresh and a bounded back-off.
func (l *Log) run(ctx context.Context) {
	defer close(l.done)
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := l.fetchRound(ctx)
		if ctx.Err() != nil {
			return
		}
		l.log.Warn("fetch loop restarting", "error", err, "backoff", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
		if err := l.consumer.RefreshMetadata(l.cfg.Topic.Name); err != nil {
			l.log.Warn("metadata refresh failed", "error", err)
		}
	}
}

// fetchRound runs one fetcher per leader until one fails or ctx ends.
func (l *Log) fetchRound(ctx context.Context) error {
	l.mu.Lock()
	parts := l.partitions
	l.mu.Unlock()
	byLeader := map[*sarama.Broker][]int32{}
	for _, p := range parts {
		b, err := l.consumer.Leader(l.cfg.Topic.Name, p)
		if err != nil {
			return fmt.Errorf("leader of partition %d: %w", p, err)
		}
		byLeader[b] = append(byLeader[b], p)
	}
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, len(byLeader))
	for b, ps := range byLeader {
		go func() { errc <- l.fetcher(rctx, b, ps) }()
	}
	var first error
	for range byLeader {
		err := <-errc
		if first == nil && err != nil {
			first = err
			cancel()
		}
	}
	return first
}

// fetcher long-polls one broker for its partitions and applies what it
// reads, until an error or ctx ends.
func (l *Log) fetcher(ctx context.Context, broker *sarama.Broker, parts []int32) error {
	topic := l.cfg.Topic.Name
	partBytes := int32(1 << 20)
	for ctx.Err() == nil {
		req := &sarama.FetchRequest{
			Version:      l.fetchVer,
			MaxWaitTime:  int32(fetchMaxWait / time.Millisecond),
			MinBytes:     1,
			MaxBytes:     64 << 20,
			Isolation:    l.iso,
			SessionID:    0,
			SessionEpoch: -1,
		}
		pos := l.Positions()
		for _, p := range parts {
			req.AddBlock(topic, p, pos[p], partBytes, -1)
		}
		resp, err := broker.Fetch(req)
		if err != nil {
			return fmt.Errorf("fetch from broker %d: %w", broker.ID(), err)
		}
		grow := false
		for _, p := range parts {
			block := resp.GetBlock(topic, p)
			if block == nil {
				return fmt.Errorf("fetch from broker %d: no block for partition %d", broker.ID(), p)
			}
			switch {
			case errors.Is(block.Err, sarama.ErrNoError):
			case errors.Is(block.Err, sarama.ErrOffsetOutOfRange):
				if err := l.resetToStart(ctx, p, pos[p]); err != nil {
					return err
				}
				continue
			default:
				return fmt.Errorf("fetch partition %d at %d: %w", p, pos[p], block.Err)
			}
			d, err := decodeBlock(p, pos[p], block, l.iso == sarama.ReadCommitted)
			if err != nil {
				return err
			}
			if !d.progress {
				end := block.HighWaterMarkOffset
				if l.iso == sarama.ReadCommitted && block.LastStableOffset >= 0 {
					end = block.LastStableOffset
				}
				switch {
				case len(block.RecordsSet) == 0 && pos[p] < end:
					// Nothing returned below the end offset: either a
					// compacted tail or a response that ran out of bytes
					// before this partition. Ask for this partition alone
					// (then the broker returns at least one batch if any
					// exists) before skipping to the end.
					gap, err := l.confirmGap(broker, p, pos[p], end)
					if err != nil {
						return err
					}
					if gap {
						d.next = end
					}
				case len(block.RecordsSet) > 0:
					grow = true // only a partial batch fitted
				}
			}
			if len(d.records) > 0 {
				l.applyMu.Lock()
				for _, r := range d.records {
					l.safeApply(r)
				}
				l.applyMu.Unlock()
			}
			l.advance(p, d.next)
		}
		if grow && partBytes < 256<<20 {
			partBytes *= 2
		}
	}
	return nil
}

// confirmGap fetches one partition alone at pos without waiting and
// reports whether nothing lies in [pos, end): a compacted gap.
func (l *Log) confirmGap(broker *sarama.Broker, p int32, pos, end int64) (bool, error) {
	req := &sarama.FetchRequest{
		Version:      l.fetchVer,
		MaxWaitTime:  0,
		MinBytes:     0,
		MaxBytes:     1 << 20,
		Isolation:    l.iso,
		SessionID:    0,
		SessionEpoch: -1,
	}
	req.AddBlock(l.cfg.Topic.Name, p, pos, 1<<20, -1)
	resp, err := broker.Fetch(req)
	if err != nil {
		return false, fmt.Errorf("fetch from broker %d: %w", broker.ID(), err)
	}
	block := resp.GetBlock(l.cfg.Topic.Name, p)
	if block == nil || !errors.Is(block.Err, sarama.ErrNoError) {
		return false, nil // the next round handles the error
	}
	if len(block.RecordsSet) > 0 {
		return false, nil
	}
	l.log.Debug("skipping an empty offset range", "partition", p, "from", pos, "to", end)
	return true, nil
}

// safeApply runs the callback, turning a panic into a logged error so a
// malformed record cannot stop the log.
func (l *Log) safeApply(r Record) {
	defer func() {
		if v := recover(); v != nil {
			l.log.Error("record callback panicked; record skipped", "partition", r.Partition,
				"offset", r.Offset, "key", string(r.Key), "panic", v)
		}
	}()
	l.apply(r)
}

// resetToStart moves a partition whose position fell out of range (the
// log start moved past it) to the log start.
func (l *Log) resetToStart(ctx context.Context, p int32, was int64) error {
	start, err := listOffsets(ctx, l.consumer, l.cfg.Topic.Name, []int32{p}, sarama.OffsetOldest, sarama.ReadUncommitted)
	if err != nil {
		return fmt.Errorf("reset partition %d: %w", p, err)
	}
	l.log.Warn("fetch position out of range; moved to log start", "partition", p, "was", was, "now", start[p])
	l.mu.Lock()
	l.positions[p] = start[p]
	close(l.progress)
	l.progress = make(chan struct{})
	l.mu.Unlock()
	return nil
}
