package queuesink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"time"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connectors/onec/common"
	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
)

// hooks let tests stop a task at the dangerous instants (a crash just
// before or just after the database commit). Nil in production.
type hooks struct {
	beforeCommit func() error
	afterCommit  func() error
}

// partState is what the task knows of one assigned partition.
type partState struct {
	stored storedOffset // the offsets table, as of the last read or write
	next   int64        // next offset expected from Put; -1 unknown
	base   int64        // first offset put since Open, -1 none (the rewind point when nothing is stored)
	// rewinding: the task asked the runtime to rewind the partition; its
	// records are ignored until the partition is opened again.
	rewinding bool
	// trustCurrent: the runtime's positions (PreCommit's current) may be
	// stored for the partition; false after a rewind request.
	trustCurrent bool
}

// Task is the OneCQueueSink task: it buffers the records of its
// partitions, converts them to register rows, and writes each batch and
// the partitions' next offsets in one database transaction. On partition
// assignment it rewinds consumption to the stored offsets.
//
// All methods are called from the runtime's task goroutine; the linger
// timer only calls SinkTaskContext.RequestCommit, which is safe from any
// goroutine.
type Task struct {
	id      connect.TaskID
	tctx    connect.SinkTaskContext
	log     *slog.Logger
	cfg     *Config
	db      *common.DB
	cat     *common.Catalog
	plan    *plan
	conv    *converter
	w       *writer
	policy  common.RetryPolicy
	metrics *Metrics
	// unregister removes metrics from the worker's registry (Stop).
	unregister func()
	hooks      *hooks

	parts    map[connect.TopicPartition]*partState
	buf      []pending
	inflight *flight // the batch being written in the background
	// bg is the task's own context for background writes; Stop cancels it.
	bg       context.Context
	bgCancel context.CancelFunc
	fatal    error
	linger   *time.Timer
	now      func() time.Time
}

// Metrics returns the task's metrics (a prometheus.Collector); nil before
// Start.
func (t *Task) Metrics() *Metrics { return t.metrics }

// Start parses the configuration, opens the database and the metadata,
// resolves the register and creates the connector's objects (schema,
// offsets table, sequence) if they are missing. A database that cannot be
// reached is retried with back-off for errors.retry.timeout. Once started,
// the task's metrics are registered on the worker's Prometheus registry
// when tctx offers one (MetricsProvider); Stop unregisters them.
func (t *Task) Start(ctx context.Context, tctx connect.SinkTaskContext, props map[string]string) error {
	if err := t.start(ctx, tctx, props); err != nil {
		return err
	}
	unregister, err := registerMetrics(tctx, t.metrics)
	if err != nil {
		// A task of the same id not yet gone (abandoned): run without.
		t.log.Warn("cannot register the task's metrics", "err", err)
	}
	t.unregister = unregister
	return nil
}

// start is Start without the metrics registration.
func (t *Task) start(ctx context.Context, tctx connect.SinkTaskContext, props map[string]string) error {
	cfg, err := ParseConfig(props)
	if err != nil {
		return err
	}
	t.policy, err = common.ParseRetryPolicy(props)
	if err != nil {
		return err
	}
	t.cfg, t.tctx, t.id = cfg, tctx, tctx.TaskID()
	t.log = tctx.Logger().With("register", cfg.Register)
	t.metrics = NewMetrics(t.id.Connector, t.id.Task)
	t.parts = map[connect.TopicPartition]*partState{}
	t.bg, t.bgCancel = context.WithCancel(context.WithoutCancel(ctx))
	if t.now == nil {
		t.now = time.Now
	}
	if err := checkConnectorName(t.id.Connector); err != nil {
		return err
	}
	return t.retry(ctx, "open the 1C database", func() error {
		if t.db == nil {
			db, err := common.Open(ctx, cfg.DB, common.OpenOptions{AppName: "onec-connect " + t.id.String(), MaxConns: 2})
			if err != nil {
				return err
			}
			t.db = db
		}
		if t.cat == nil {
			cat, err := common.OpenCatalog(ctx, cfg.DB, t.log)
			if err != nil {
				return err
			}
			t.cat = cat
		}
		if err := t.usePlan(); err != nil {
			return err
		}
		return ensureObjects(ctx, t.db, t.w.sql, t.plan.seqName)
	})
}

// usePlan resolves the configuration against the current metadata.
func (t *Task) usePlan() error {
	p, err := resolve(t.cat.Snapshot(), t.db.Dialect(), t.cfg)
	if err != nil {
		return err
	}
	s, err := offsetStatements(t.db.Dialect())
	if err != nil {
		return err
	}
	t.plan = p
	t.conv = &converter{p: p, d: t.db.Dialect()}
	t.w = &writer{db: t.db, d: t.db.Dialect(), p: p, sql: s, connector: t.id.Connector, hooks: t.hooks}
	return nil
}

// retry runs fn until it succeeds, fails with an error that is not a lost
// connection, or connection failures outlast errors.retry.timeout.
func (t *Task) retry(ctx context.Context, what string, fn func() error) error {
	r := t.policy.NewRetrier()
	for attempt := 0; ; attempt++ {
		err := fn()
		if err == nil || !common.IsConnectionError(err) {
			if err != nil {
				return fmt.Errorf("%s: %w", what, err)
			}
			return nil
		}
		wait, gerr := r.Failed(err)
		if gerr != nil {
			return fmt.Errorf("%s: %w", what, gerr)
		}
		t.log.Warn("database not reachable; retrying", "what", what, "attempt", attempt+1, "wait", wait, "err", err)
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %w", what, ctx.Err())
		case <-time.After(wait):
		}
	}
}

// Open reads the stored offsets of the newly assigned partitions and
// rewinds consumption to them, so that whatever was consumed but not
// committed with its rows is delivered again, and nothing committed is.
func (t *Task) Open(ctx context.Context, partitions []connect.TopicPartition) error {
	var stored map[connect.TopicPartition]storedOffset
	err := t.retry(ctx, "read the stored offsets", func() error {
		var err error
		stored, err = loadOffsets(ctx, t.db, t.w.sql, t.id.Connector, partitions)
		return err
	})
	if err != nil && ctx.Err() != nil {
		// The task is stopping (the runtime may still open partitions of a
		// last session): accept nothing for them, so nothing unfenced is
		// written, and let the next owner rewind.
		for _, tp := range partitions {
			t.parts[tp] = &partState{next: -1, base: -1, rewinding: true}
		}
		return nil
	}
	if err != nil {
		return err
	}
	rewind := make(map[connect.TopicPartition]int64, len(partitions))
	for _, tp := range partitions {
		s := stored[tp]
		ps := &partState{stored: s, next: -1, base: -1, trustCurrent: true}
		if s.known {
			ps.next = s.next
			rewind[tp] = s.next
		}
		t.parts[tp] = ps
	}
	if len(rewind) > 0 {
		t.tctx.Offset(rewind)
	}
	t.log.Debug("partitions opened", "partitions", len(partitions), "stored", len(rewind))
	return nil
}

// Close forgets the revoked partitions and their buffered rows (the
// runtime committed before, so the buffer normally holds none of them).
func (t *Task) Close(ctx context.Context, partitions []connect.TopicPartition) error {
	_ = t.collect() // a failure rewinds; the partitions are being dropped anyway
	drop := make(map[connect.TopicPartition]bool, len(partitions))
	for _, tp := range partitions {
		drop[tp] = true
		delete(t.parts, tp)
	}
	t.buf = slices.DeleteFunc(t.buf, func(p pending) bool { return drop[p.tp] })
	return nil
}

// Put converts the records and buffers their rows; a full batch is
// written in the background while consumption goes on (one batch in
// flight), a partial one (also in the background) at the next PreCommit,
// which batch.linger.ms requests. A record that does not fit the register
// goes to the errant record reporter; under errors.tolerance=none Put then
// returns the reporter's error and the task fails with a message naming
// the field.
func (t *Task) Put(ctx context.Context, records []*connect.SinkRecord) error {
	if t.fatal != nil {
		return t.fatal
	}
	now := t.now()
	t.metrics.records.Add(int64(len(records)))
	for _, rec := range records {
		tp := rec.TopicPartition()
		ps := t.parts[tp]
		if ps == nil { // not opened: take it as unknown, fenced on "no stored offset"
			ps = &partState{next: -1, base: -1, trustCurrent: true}
			t.parts[tp] = ps
		}
		if ps.rewinding {
			continue // delivered again after the rewind
		}
		off := rec.OriginalOffset
		if ps.next >= 0 && off < ps.next {
			t.metrics.duplicates.Add(1) // already written or buffered
			continue
		}
		if ps.base < 0 {
			ps.base = off
		}
		row, id, err := t.conv.row(rec, now)
		if err != nil {
			if rerr := t.tctx.ErrantRecordReporter().Report(ctx, rec, err); rerr != nil {
				return fmt.Errorf("record %s offset %d: %w", tp, off, rerr)
			}
			t.metrics.dlq.Add(1)
		} else {
			t.buf = append(t.buf, pending{row: row, id: id, tp: tp, offset: off})
		}
		ps.next = off + 1
	}
	if len(t.buf) >= t.cfg.BatchSize {
		if err := t.flush(ctx, nil); err != nil && t.fatal != nil {
			return t.fatal
		}
		return nil
	}
	t.armLinger()
	return nil
}

// armLinger requests a commit after batch.linger.ms unless one is pending.
func (t *Task) armLinger() {
	if t.linger != nil {
		return
	}
	if t.cfg.Linger <= 0 {
		t.tctx.RequestCommit()
		return
	}
	t.linger = time.AfterFunc(t.cfg.Linger, t.tctx.RequestCommit)
}

func (t *Task) disarmLinger() {
	if t.linger != nil {
		t.linger.Stop()
		t.linger = nil
	}
}

// PreCommit waits for the batch in flight, starts writing the buffered
// rows and the partitions' positions in one transaction in the background
// (Close, which follows a revocation, waits for it), and returns the
// offsets stored so far, which the runtime then commits to the consumer
// group (for lag monitoring and tooling; the offsets table stays the
// source of truth on assignment). Consumption goes on while the database
// works; a failed write rewinds at the next PreCommit, Put or Close.
func (t *Task) PreCommit(ctx context.Context, current map[connect.TopicPartition]int64) (map[connect.TopicPartition]int64, error) {
	if t.fatal != nil {
		return nil, t.fatal
	}
	if err := t.flush(ctx, current); err != nil {
		return nil, err
	}
	out := make(map[connect.TopicPartition]int64, len(t.parts))
	for tp, ps := range t.parts {
		if ps.stored.known {
			out[tp] = ps.stored.next
		}
	}
	return out, nil
}

// Flush implements connect.SinkTask for runtimes that do not call
// PreCommit: it writes like PreCommit (the offsets the runtime commits
// afterwards only serve monitoring).
func (t *Task) Flush(ctx context.Context, offsets map[connect.TopicPartition]int64) error {
	_, err := t.PreCommit(ctx, offsets)
	return err
}

// flight is a batch being written in the background.
type flight struct {
	moves []offsetMove
	start time.Time
	done  chan struct{}
	res   writeResult
	err   error
}

// flush writes the buffer and moves the stored offsets: to the position
// after the last record put, or to the runtime's position (current, which
// also passes records the runtime skipped) where that is further and
// trustworthy. A batch written before is waited for first, so batches
// commit in order and each one's fence is the previous one's result. The
// write runs in the background (one at a time), overlapping the database's
// work with the consumption of the next batch; collect takes its result.
// On failure the buffer is dropped and the partitions are rewound to their
// stored offsets.
func (t *Task) flush(ctx context.Context, current map[connect.TopicPartition]int64) error {
	if err := t.collect(); err != nil {
		return err
	}
	t.disarmLinger()
	if err := t.refreshMetadata(ctx); err != nil {
		return err
	}
	var moves []offsetMove
	for tp, ps := range t.parts {
		if ps.rewinding {
			continue
		}
		target := ps.next
		if c, ok := current[tp]; ok && ps.trustCurrent && c > target && (target >= 0 || ps.stored.known) {
			target = c
		}
		if target < 0 || (ps.stored.known && target <= ps.stored.next) {
			continue
		}
		moves = append(moves, offsetMove{tp: tp, from: ps.stored, next: target})
	}
	if len(moves) == 0 && len(t.buf) == 0 {
		return nil
	}
	slices.SortFunc(moves, func(a, b offsetMove) int { // a fixed lock order
		if a.tp.Topic != b.tp.Topic {
			if a.tp.Topic < b.tp.Topic {
				return -1
			}
			return 1
		}
		return int(a.tp.Partition - b.tp.Partition)
	})
	batch := t.buf
	t.buf = make([]pending, 0, cap(batch))
	f := &flight{moves: moves, start: time.Now(), done: make(chan struct{})}
	t.inflight = f
	go func() {
		defer close(f.done)
		f.res, f.err = t.w.write(t.bg, batch, moves)
	}()
	// Let the writer send its first statement now: a new goroutine waits
	// for this one's processor, which converting the next records keeps
	// busy for up to a scheduler time slice (10 ms) when the process is
	// CPU-bound.
	runtime.Gosched()
	return nil
}

// collect waits for the batch in flight, if any, and applies its result.
func (t *Task) collect() error {
	f := t.inflight
	if f == nil {
		return nil
	}
	<-f.done // bounded by the database; Stop cancels t.bg
	t.inflight = nil
	return t.applied(f)
}

// applied records a finished write: the stored offsets move, or the
// failure is handled.
func (t *Task) applied(f *flight) error {
	if f.err != nil {
		return t.writeFailed(t.bg, f.err)
	}
	for _, m := range f.moves {
		if ps := t.parts[m.tp]; ps != nil {
			ps.stored = storedOffset{next: m.next, known: true}
			ps.next = max(ps.next, m.next)
		}
	}
	t.metrics.rows.Add(int64(f.res.rows))
	t.metrics.duplicates.Add(int64(f.res.duplicates))
	t.metrics.batches.Add(1)
	t.metrics.batchNanos.Store(int64(time.Since(f.start)))
	return nil
}

// writeFailed handles a rolled-back write: the buffer is dropped and every
// partition rewinds to its stored offset (or, with none stored, to the
// first offset put). A duplicate row or an error that is neither a lost
// connection nor a fence conflict fails the task at the next Put.
func (t *Task) writeFailed(ctx context.Context, err error) error {
	t.metrics.writeErrors.Add(1)
	clear(t.buf)
	t.buf = t.buf[:0]
	switch {
	case errors.Is(err, ErrFenced):
		t.metrics.fenced.Add(1)
		t.log.Warn("stored offsets moved under the task; rewinding to them", "err", err)
		var parts []connect.TopicPartition
		for tp := range t.parts {
			parts = append(parts, tp)
		}
		if stored, lerr := loadOffsets(ctx, t.db, t.w.sql, t.id.Connector, parts); lerr == nil {
			for tp, s := range stored {
				t.parts[tp].stored = s
			}
		}
	case errors.Is(err, errColumnsChanged):
	case common.IsConnectionError(err), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		t.log.Warn("write to the register failed; rewinding to the stored offsets", "err", err)
	default:
		if t.replanned(ctx) {
			t.log.Warn("write failed after a 1C configuration change; converting the records again", "err", err)
			break
		}
		if t.fatal == nil {
			t.fatal = fmt.Errorf("write to %s (%s): %w", t.plan.obj.FullNameRU(), t.plan.table.Name, err)
		}
	}
	rewind := map[connect.TopicPartition]int64{}
	for tp, ps := range t.parts {
		ps.trustCurrent = false
		switch {
		case ps.stored.known:
			ps.next = ps.stored.next
		case ps.base >= 0:
			ps.next = ps.base
		default:
			continue
		}
		ps.rewinding = true
		rewind[tp] = ps.next
	}
	if len(rewind) > 0 {
		t.tctx.Offset(rewind)
	}
	if t.fatal != nil {
		return t.fatal
	}
	return fmt.Errorf("write to %s: %w", t.plan.table.Name, err)
}

// refreshMetadata re-resolves the configuration when the 1C configuration
// changed. A register or field that disappeared fails the task; changed
// columns drop the buffer (its rows were built for the old columns) and
// rewind.
func (t *Task) refreshMetadata(ctx context.Context) error {
	changed, err := t.cat.MaybeRefresh(ctx)
	if err != nil {
		t.log.Warn("metadata refresh failed", "err", err)
		return nil
	}
	if !changed {
		return nil
	}
	old := t.plan
	if err := t.usePlan(); err != nil {
		t.fatal = fmt.Errorf("%s after a 1C configuration change: %w", t.cfg.Register, err)
		return t.fatal
	}
	if sameColumns(old.cols, t.plan.cols) && old.table.Name == t.plan.table.Name {
		t.log.Info("1C configuration changed; the register's columns did not")
		return nil
	}
	t.log.Info("1C configuration changed; the register's columns changed, converting the buffered records again")
	return t.writeFailed(ctx, errColumnsChanged)
}

// replanned checks the 1C configuration after a failed write (a
// restructuring may have added a NOT NULL column the batch lacked) and
// reports whether it changed; the plan is rebuilt then, or the task is
// failed when the register no longer fits.
func (t *Task) replanned(ctx context.Context) bool {
	changed, err := t.cat.Refresh(ctx)
	if err != nil || !changed {
		return false
	}
	if err := t.usePlan(); err != nil {
		t.fatal = fmt.Errorf("%s after a 1C configuration change: %w", t.cfg.Register, err)
	}
	return true
}

// errColumnsChanged drops the buffer after a configuration change.
var errColumnsChanged = errors.New("the register's columns changed")

func sameColumns(a, b []dialect.Column) bool {
	return slices.Equal(a, b)
}

// Stop unregisters the task's metrics and releases the database
// connections. Buffered rows are not written:
// the runtime's last PreCommit (on partition revocation) started writing
// them and Close waited for that write; anything unwritten is consumed
// again from the stored offsets.
func (t *Task) Stop(ctx context.Context) error {
	if t.unregister != nil {
		t.unregister()
		t.unregister = nil
	}
	t.disarmLinger()
	if t.bgCancel != nil {
		t.bgCancel()
	}
	if t.inflight != nil {
		<-t.inflight.done
		t.inflight = nil
	}
	if t.cat != nil {
		_ = t.cat.Close()
	}
	if t.db != nil {
		t.db.Close()
	}
	return nil
}
