package queuesource

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connectors/onec/common"
	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
)

// Task is one OneCQueueSource task. Poll, Start and Stop run on the
// worker's task goroutine and own the database state; CommitRecord (ack
// goroutine) only counts acknowledgements in the inflight FIFO, so no
// database call ever runs on the acknowledgement path.
type Task struct {
	id      connect.TaskID
	log     *slog.Logger
	cfg     *Config
	policy  common.RetryPolicy
	retry   *common.Retrier
	metrics *common.Metrics
	tctx    connect.SourceTaskContext
	splits  []string

	db   *common.DB
	cat  *common.Catalog
	plan *plan
	q    *queries
	rb   *recordBuilder

	fl      *inflight // delete mode
	streams []*stream // offset mode
	next    int
	loaded  bool // offsets read

	unboundedAt time.Time // the last delete-mode read from the register's start

	skipped   map[int64]bool // malformed rows already reported
	lastDepth time.Time

	// Read-ahead: the next batch is read (delete mode: locked and
	// registered in the FIFO, under the watchdog) while the runtime sends
	// the current one.
	bg     context.Context
	stopBg context.CancelFunc
	pre    chan *read
	bgDone sync.WaitGroup // the watchdog

	unregister func() // removes the metrics from the runtime's registry
}

// depthInterval is how often queue depth and oldest age are measured.
const depthInterval = 10 * time.Second

// Metrics returns the task's metrics (a prometheus.Collector).
func (t *Task) Metrics() *common.Metrics { return t.metrics }

// Start parses the task configuration. The database is opened by the first
// Poll, so a database that is down at start is retried like a lost
// connection instead of failing the task at once.
func (t *Task) Start(ctx context.Context, tctx connect.SourceTaskContext, props map[string]string) error {
	cfg, err := ParseConfig(props)
	if err != nil {
		return err
	}
	pol, err := common.ParseRetryPolicy(props)
	if err != nil {
		return err
	}
	t.cfg, t.policy, t.retry, t.tctx = cfg, pol, pol.NewRetrier(), tctx
	t.id = tctx.TaskID()
	t.log = tctx.Logger().With("register", cfg.Register, "mode", cfg.Mode)
	t.metrics, t.unregister = common.StartTaskMetrics(tctx, t.log)
	t.metrics.SetDepth(-1)
	t.splits = cfg.SplitValues
	t.skipped = map[int64]bool{}
	t.fl = newInflight()
	t.bg, t.stopBg = context.WithCancel(context.WithoutCancel(ctx))
	if cfg.Mode == ModeDelete {
		t.bgDone.Add(1)
		go func() {
			defer t.bgDone.Done()
			t.watchdog(t.bg)
		}()
	}
	if cfg.SplitField == "" {
		t.streams = []*stream{{partition: partitionOf("", nil)}}
	} else {
		for _, v := range t.splits {
			t.streams = append(t.streams, &stream{split: &v})
		}
	}
	return nil
}

// open connects to the database, loads the metadata and resolves the
// configuration.
func (t *Task) open(ctx context.Context) error {
	if t.db != nil {
		return nil
	}
	db, err := common.Open(ctx, t.cfg.DB, common.OpenOptions{AppName: "onec-connect " + t.id.String(), MaxConns: t.cfg.MaxInflight + 2})
	if err != nil {
		return err
	}
	cat, err := common.OpenCatalog(ctx, t.cfg.DB, t.log)
	if err != nil {
		db.Close()
		return err
	}
	p, err := resolve(cat.Snapshot(), db.Dialect(), t.cfg)
	if err != nil {
		cat.Close()
		db.Close()
		return permanent(err)
	}
	if err := t.install(db.Dialect(), p); err != nil {
		cat.Close()
		db.Close()
		return permanent(err)
	}
	t.db, t.cat = db, cat
	return nil
}

// install switches to a new plan.
func (t *Task) install(d dialect.Dialect, p *plan) error {
	q, err := buildQueries(d, p, len(t.splits), p.tsCol)
	if err != nil {
		return err
	}
	t.plan, t.q, t.rb = p, q, newRecordBuilder(t.cfg, p)
	for _, s := range t.streams {
		s.partition = partitionOf(p.register, s.split)
	}
	return nil
}

// close releases the database; open batches must be rolled back first.
func (t *Task) close() {
	t.dropPrefetch()
	if t.cat != nil {
		_ = t.cat.Close()
		t.cat = nil
	}
	if t.db != nil {
		t.db.Close()
		t.db = nil
	}
}

// permanentError marks failures that retrying cannot fix (configuration,
// metadata, malformed rows).
type permanentError struct{ err error }

// Error returns the cause's message.
func (e *permanentError) Error() string { return e.err.Error() }

// Unwrap returns the cause.
func (e *permanentError) Unwrap() error { return e.err }

func permanent(err error) error { return &permanentError{err} }

// Poll reads the next batch. Database failures are retried with back-off
// while the task stays RUNNING (a warning per attempt) until
// errors.retry.timeout, then returned: the task fails with the trace.
func (t *Task) Poll(ctx context.Context) ([]*connect.SourceRecord, error) {
	if w := t.retry.Wait(); w > 0 {
		t.sleep(ctx, min(w, time.Second))
		return nil, nil
	}
	recs, err := t.poll(ctx)
	if err != nil {
		return t.failure(ctx, err)
	}
	if t.retry.Failing() {
		t.log.Info("database reachable again", "attempts", t.retry.Attempts())
		t.retry.Succeeded()
		t.metrics.SetRetrying(false)
	}
	return recs, nil
}

func (t *Task) poll(ctx context.Context) ([]*connect.SourceRecord, error) {
	if err := t.open(ctx); err != nil {
		return nil, err
	}
	if t.cfg.Mode == ModeOffset && !t.loaded {
		if err := loadOffsets(ctx, t.tctx.OffsetStorageReader(), t.streams); err != nil {
			return nil, permanent(err)
		}
		t.loaded = true
	}
	if err := t.reloadMetadata(ctx); err != nil {
		return nil, err
	}
	t.measure(ctx)
	if t.cfg.Mode == ModeOffset {
		return t.pollOffset(ctx)
	}
	return t.pollDelete(ctx)
}

// failure classifies a Poll failure.
func (t *Task) failure(ctx context.Context, err error) ([]*connect.SourceRecord, error) {
	t.rollbackAll("failure")
	if ctx.Err() != nil {
		return nil, nil // stopping
	}
	var pe *permanentError
	var ve *config.ValidationError
	if errors.As(err, &pe) || errors.As(err, &ve) {
		return nil, err
	}
	t.metrics.AddError()
	t.close() // reconnect on the next attempt
	d, gerr := t.retry.Failed(err)
	if gerr != nil {
		t.metrics.SetRetrying(false)
		return nil, fmt.Errorf("%s: database %s: %w", t.cfg.Register, t.cfg.DB.Redacted(), gerr)
	}
	t.metrics.SetRetrying(true)
	t.log.Warn("database unavailable; task stays RUNNING and retries", "attempt", t.retry.Attempts(), "retry_in", d.Round(time.Millisecond),
		"connection_error", common.IsConnectionError(err), "err", err)
	return nil, nil
}

// reloadMetadata applies a configuration change seen by the periodic
// fingerprint check, or by the check after a row that did not map (see
// records): new attributes join the schema, a removed register or field
// fails the task with a clear message.
func (t *Task) reloadMetadata(ctx context.Context) error {
	if _, err := t.cat.MaybeRefresh(ctx); err != nil {
		return err
	}
	ib := t.cat.Snapshot()
	if ib == t.plan.ib {
		return nil
	}
	p, err := resolve(ib, t.db.Dialect(), t.cfg)
	if err != nil {
		var ve *config.ValidationError
		if errors.As(err, &ve) && len(ve.Errors[KeyRegister]) > 0 {
			return permanent(fmt.Errorf("%s: %w after a 1C configuration change: %s", t.cfg.Register, ErrRegisterRemoved, strings.Join(ve.Errors[KeyRegister], "; ")))
		}
		return permanent(fmt.Errorf("%s: the configuration no longer matches the 1C metadata after a configuration change: %w", t.cfg.Register, err))
	}
	if sameShape(p, t.plan) {
		// The records keep their shape: open batches stay. The new plan
		// maps with the new snapshot (enum values, reference targets);
		// the read-ahead, decoded by the old one, is read again.
		t.dropPrefetch()
		if err := t.install(t.db.Dialect(), p); err != nil {
			return permanent(err)
		}
		t.log.Debug("1C metadata changed; the record schema did not")
		return nil
	}
	t.rollbackAll("metadata change")
	t.dropPrefetch()
	if err := t.install(t.db.Dialect(), p); err != nil {
		return permanent(err)
	}
	t.log.Info("1C metadata changed; record schema reloaded", "fields", len(p.table.Columns))
	return nil
}

// errMetadataChanged is the outcome of a read with rows that did not map
// while the 1C configuration had changed since the read's plan: the read
// is dropped and Poll reloads the metadata, so the rows are read again
// with the new plan instead of being taken for malformed.
var errMetadataChanged = errors.New("1C configuration changed")

// stale reports, after rows of a read by p did not map, whether the 1C
// configuration changed since p was resolved (a value the old snapshot
// does not know, e.g. a new enum value). It checks the fingerprint now;
// a failed check counts as no change.
func (t *Task) stale(ctx context.Context, p *plan) bool {
	if _, err := t.cat.Refresh(ctx); err != nil {
		t.log.Debug("1C configuration check failed", "err", err)
	}
	return t.cat.Snapshot() != p.ib
}

// records builds the records of rows read by p; a malformed row fails
// the task, or is logged and skipped under errors.tolerance=all (the
// caller moves past it: the offset in offset mode, the batch's deletion in
// delete mode). kept lists the rows that became records. Rows that did not
// map first make it check the 1C configuration: after a change it returns
// errMetadataChanged and no records.
func (t *Task) records(ctx context.Context, p *plan, rows []*row, rowErrs []error, partition func(*row) map[string]any) ([]*connect.SourceRecord, []*row, error) {
	for _, err := range rowErrs {
		if err != nil {
			if t.stale(ctx, p) {
				return nil, nil, errMetadataChanged
			}
			break
		}
	}
	recs := make([]*connect.SourceRecord, 0, len(rows))
	slab := make([]connect.SourceRecord, len(rows)) // one allocation for the records
	kept := rows[:0:0]
	for i, r := range rows {
		err := rowErrs[i]
		rec := &slab[i]
		if err == nil {
			err = t.rb.build(r, partition(r), rec)
		}
		if err != nil {
			re := &RowError{Register: t.plan.register, Number: fmt.Sprint(r.number), Err: err}
			if !t.policy.TolerateAll {
				return nil, nil, permanent(re)
			}
			if !t.skipped[r.number] && len(t.skipped) < 10000 {
				t.skipped[r.number] = true
				t.log.Error("malformed queue row skipped (errors.tolerance=all)", "number", r.number, "err", err)
			}
			continue
		}
		recs = append(recs, rec)
		kept = append(kept, r)
	}
	return recs, kept, nil
}

// partitionFor returns the source partition of a row (delete mode): the
// stream's map, shared by its records (the runtime only reads it).
func (t *Task) partitionFor(r *row) map[string]any {
	if t.plan.splitIdx < 0 {
		return t.streams[0].partition
	}
	v, ok := t.plan.splitOf(r.field(t.plan.splitIdx), t.splits)
	if ok {
		for _, s := range t.streams {
			if *s.split == v {
				return s.partition
			}
		}
	}
	return partitionOf(t.plan.register, &v)
}

// sleep waits d, a completed batch (delete mode) or ctx, whichever first.
func (t *Task) sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
	case <-timer.C:
	case <-t.fl.signal:
		select { // leave the signal for the next check
		case t.fl.signal <- struct{}{}:
		default:
		}
	}
}

// measure refreshes queue depth and oldest pending age every depthInterval.
func (t *Task) measure(ctx context.Context) {
	if time.Since(t.lastDepth) < depthInterval {
		return
	}
	t.lastDepth = time.Now()
	query, args := t.q.depth, []any(nil)
	if t.cfg.Mode == ModeOffset {
		var err error
		if query, err = t.q.depthAfter(t.db.Dialect(), t.plan); err != nil {
			return
		}
		low := int64(-1)
		for i, s := range t.streams {
			if s.haveLast && (i == 0 || s.last < low) {
				low = s.last
			}
		}
		after, err := t.db.Dialect().Encode(t.plan.orderCol, decimal.NewFromInt(low), 0)
		if err != nil {
			return
		}
		args = []any{after}
	}
	ncols := 1
	if t.plan.tsCol != nil {
		ncols = 2
	}
	mctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	vals, err := t.db.QueryRow(mctx, ncols, query, args...)
	if err != nil || vals == nil {
		t.log.Debug("queue depth not measured", "err", err)
		return
	}
	if n, ok := toInt64(vals[0]); ok {
		t.metrics.SetDepth(n)
	}
	if ncols == 2 {
		ts, err := t.db.Dialect().Decode(*t.plan.tsCol, vals[1], max(t.plan.ib.YearOffset, 0))
		if tm, ok := ts.(time.Time); ok && err == nil {
			t.metrics.SetOldest(tm)
		} else {
			t.metrics.SetOldest(time.Time{})
		}
	}
}

// Commit implements connect.SourceTask; rows are settled in CommitRecord
// and Poll, so there is nothing to do here.
func (t *Task) Commit(ctx context.Context) error { return nil }

// CommitRecord counts Kafka's acknowledgement (or a drop) of one record.
// In delete mode the batch whose every record is acknowledged becomes
// deletable; the next Poll deletes and commits it.
func (t *Task) CommitRecord(ctx context.Context, rec *connect.SourceRecord, md *connect.RecordMetadata) error {
	if t.cfg.Mode == ModeDelete {
		t.fl.ack(rec)
		return nil
	}
	t.metrics.AddAcked(1)
	return nil
}

// Stop waits (within ctx and ack.timeout.ms) for open batches to be
// acknowledged and commits them, rolls back the rest (their rows are sent
// again by the next task: duplicates, never loss) and closes the database.
func (t *Task) Stop(ctx context.Context) error {
	if t.cfg == nil {
		return nil
	}
	t.dropPrefetch() // its records never reached the runtime
	if t.cfg.Mode == ModeDelete && t.db != nil {
		deadline := time.Now().Add(t.cfg.AckTimeout)
		if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
			deadline = d.Add(-100 * time.Millisecond)
		}
		sctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), deadline)
		for t.fl.len() > 0 && sctx.Err() == nil {
			if err := t.finishBatches(sctx); err != nil {
				t.log.Warn("commit at stop failed; rows will be sent again", "err", err)
				break
			}
			if t.fl.len() > 0 {
				t.sleep(sctx, 20*time.Millisecond)
			}
		}
		cancel()
	}
	t.stopBg()
	t.bgDone.Wait()
	t.rollbackAll("stop")
	t.close()
	t.unregister()
	s := t.metrics.Snapshot()
	t.log.Info("queue source task stopped", "records", s.Records, "acknowledged", s.Acked, "rolled_back_batches", s.RolledBack)
	return nil
}
