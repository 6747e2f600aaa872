package changessource

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connectors/onec/common"
	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
	"github.com/onecconnect/onecconnect/connectors/onec/metadata/rowmap"
)

// Offset keys (source partition: exchange.plan, node, object).
const (
	OffsetMessageNo = "message.no"
	OffsetSnapshot  = "snapshot"       // "running" or "done"
	OffsetAfter     = "snapshot.after" // JSON array of the last key's texts
)

// Source partition keys: exchange.plan and node exactly as configured,
// object as the metadata's Russian full name (Справочник.Номенклатура).
const (
	PartitionExchangePlan = "exchange.plan"
	PartitionNode         = "node"
	PartitionObject       = "object"
)

// Task consumes the registrations of one object group. Poll runs on the
// worker's task goroutine; CommitRecord on its acknowledgement goroutine;
// they share only the tracker.
type Task struct {
	tctx       connect.SourceTaskContext
	log        *slog.Logger
	s          *settings
	metrics    *common.Metrics
	unregister func() // removes the metrics from the runtime's registry
	retr       *common.Retrier
	track      *tracker

	// Owned by the Poll goroutine.
	cat       *common.Catalog
	db        *common.DB
	ib        *metadata.Infobase
	node      node
	targets   []*target
	snaps     map[string]*snapState // by object full name
	next      int64                 // next message number
	floor     int64                 // registrations stamped below it are orphans of an earlier run
	rr        int
	retryLoad *stamped // a stamped batch whose read failed
	lastCount time.Time
}

// stamped is a batch stamped in the change table but not yet read.
type stamped struct {
	t    *target
	n    int64
	keys []objectKey
	at   time.Time
}

// Start parses the task configuration; the database is opened by the first
// Poll, so a database that is down keeps the task RUNNING while it retries.
func (t *Task) Start(ctx context.Context, tctx connect.SourceTaskContext, props map[string]string) error {
	s, err := parseSettings(props)
	if err != nil {
		return err
	}
	if len(s.taskObjects) == 0 {
		s.taskObjects = s.objects
	}
	t.tctx, t.s = tctx, s
	t.log = tctx.Logger().With("exchange.plan", s.plan, "node", s.node)
	t.metrics, t.unregister = common.StartTaskMetrics(tctx, t.log)
	t.retr = s.retry.NewRetrier()
	t.track = newTracker()
	return nil
}

// Metrics returns the task's 1C metrics (records, batches, acknowledged
// registrations, unsent registrations, oldest pending age).
func (t *Task) Metrics() *common.Metrics { return t.metrics }

// Poll deletes the registrations of acknowledged batches, then returns the
// next records: snapshot pages first, then freshly stamped registrations.
func (t *Task) Poll(ctx context.Context) ([]*connect.SourceRecord, error) {
	return common.RetryingPoll(ctx, t.retr, t.metrics, t.log, t.poll, nil)
}

func (t *Task) poll(ctx context.Context) ([]*connect.SourceRecord, error) {
	if err := t.open(ctx); err != nil {
		return nil, err
	}
	if err := t.refresh(ctx); err != nil {
		return nil, err
	}
	if err := t.deleteAcked(ctx); err != nil {
		return nil, err
	}
	t.updateGauges(ctx)
	if n, _ := t.track.inflight(); n >= t.s.maxInflight {
		return nil, common.Sleep(ctx, 50*time.Millisecond)
	}
	if recs, err := t.snapshotStep(ctx); err != nil || len(recs) > 0 {
		return recs, err
	}
	if t.s.snapshot == SnapshotInitialOnly {
		return nil, common.Sleep(ctx, t.s.pollInterval)
	}
	var out []*connect.SourceRecord
	if t.retryLoad != nil {
		recs, err := t.emit(ctx, t.retryLoad)
		if err != nil {
			return nil, err
		}
		t.retryLoad = nil
		out = append(out, recs...)
	}
	for i := 0; i < len(t.targets) && len(out) < t.s.batchSize; i++ {
		tg := t.targets[(t.rr+i)%len(t.targets)]
		if t.snaps[tg.fullName] != nil {
			continue // its snapshot is still running
		}
		st, err := t.stamp(ctx, tg)
		if err != nil {
			return out, err
		}
		if st == nil {
			continue
		}
		recs, err := t.emit(ctx, st)
		if err != nil {
			t.retryLoad = st
			return out, err
		}
		out = append(out, recs...)
	}
	t.rr++
	if len(out) == 0 {
		return nil, common.Sleep(ctx, t.s.pollInterval)
	}
	return out, nil
}

// open connects, resolves the configuration against the metadata and
// finds where message numbering continues.
func (t *Task) open(ctx context.Context) error {
	if t.db != nil {
		return nil
	}
	cat, err := common.OpenCatalog(ctx, t.s.db, t.log)
	if err != nil {
		return err
	}
	db, err := common.Open(ctx, t.s.db, common.OpenOptions{AppName: "onec-connect " + t.tctx.TaskID().String(), MaxConns: 2})
	if err != nil {
		cat.Close()
		return err
	}
	ok := false
	defer func() {
		if !ok {
			db.Close()
			cat.Close()
		}
	}()
	ib := cat.Snapshot()
	targets, plan, err := t.resolve(ib, db.Dialect())
	if err != nil {
		return err
	}
	nd, err := lookupNode(ctx, db, plan, t.s.node)
	if err != nil {
		return err
	}
	t.cat, t.db, t.ib, t.node, t.targets = cat, db, ib, nd, targets
	if err := t.readOffsets(ctx); err != nil {
		t.db, t.cat = nil, nil
		return err
	}
	ok = true
	t.log.Info("changes source started", "objects", len(targets), "next.message.no", t.next, "snapshots", len(t.snaps))
	return nil
}

// resolve builds the targets of the task's objects from a snapshot.
func (t *Task) resolve(ib *metadata.Infobase, d dialect.Dialect) ([]*target, *metadata.Object, error) {
	return resolveTargets(ib, d, t.s, t.s.taskObjects)
}

// resolveTargets builds the targets of names (the plan's whole content when
// empty) from a snapshot: what a task with these settings reads and writes
// offsets for.
func resolveTargets(ib *metadata.Infobase, d dialect.Dialect, s *settings, names []string) ([]*target, *metadata.Object, error) {
	plan, objs, problems := planObjects(ib, s.plan, names)
	if len(problems) > 0 {
		var msgs []string
		for _, k := range sortedKeys(problems) {
			for _, m := range problems[k] {
				msgs = append(msgs, k+": "+m)
			}
		}
		err := errors.New(strings.Join(msgs, "; "))
		if len(names) > 0 && len(objs) < len(names) {
			err = fmt.Errorf("%w: %w", common.ErrObjectRemoved, err)
		}
		return nil, nil, err
	}
	mp, err := rowmap.New(ib, rowmap.Options{Schema: metadata.SchemaOptions{DecimalHandling: decimalMode(s.db.DecimalHandling)}})
	if err != nil {
		return nil, nil, fmt.Errorf("row mapper: %w", err)
	}
	var out []*target
	for _, o := range objs {
		tg, err := newTarget(d, mp, o, s)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, tg)
	}
	return out, plan, nil
}

func decimalMode(s string) metadata.DecimalHandling {
	m, err := metadata.ParseDecimalHandling(s)
	if err != nil {
		return metadata.DecimalPrecise
	}
	return m
}

// readOffsets restores snapshot progress and the message numbering.
func (t *Task) readOffsets(ctx context.Context) error {
	parts := make([]map[string]any, len(t.targets))
	for i, tg := range t.targets {
		parts[i] = tg.partition
	}
	offs, err := t.tctx.OffsetStorageReader().Offsets(ctx, parts)
	if err != nil {
		return fmt.Errorf("read stored offsets: %w", err)
	}
	t.snaps = map[string]*snapState{}
	var maxNo int64
	for i, tg := range t.targets {
		var off map[string]any
		if i < len(offs) {
			off = offs[i]
		}
		if n, ok := storedMessageNo(off); ok && n > maxNo {
			maxNo = n
		}
		st, err := restoreSnapshot(tg, off, t.s.snapshot)
		if err != nil {
			return err
		}
		if st != nil {
			t.snaps[tg.fullName] = st
		}
		row, err := t.db.QueryRow(ctx, 1, tg.sql.maxMsg, t.node.tref, t.node.rref)
		if err != nil {
			return fmt.Errorf("read message numbers of %s: %w", tg.fullName, err)
		}
		if row != nil && row[0] != nil {
			v, err := t.db.Dialect().Decode(dialect.Column{Name: "_messageno", Kind: dialect.Numeric, Precision: 10}, row[0], 0)
			if err != nil {
				return fmt.Errorf("decode _MessageNo of %s: %w", tg.fullName, err)
			}
			if d, ok := v.(decimal.Decimal); ok && d.IntPart() > maxNo {
				maxNo = d.IntPart()
			}
		}
	}
	t.next = maxNo + 1
	t.floor = t.next
	return nil
}

// storedMessageNo returns the message number of a stored offset; ok is
// false when the offset has none or holds something other than an int64
// (what the offset store decodes a whole JSON number to).
func storedMessageNo(off map[string]any) (n int64, ok bool) {
	n, ok = off[OffsetMessageNo].(int64)
	return n, ok
}

// refresh reloads the targets when the 1C configuration changed.
func (t *Task) refresh(ctx context.Context) error {
	changed, err := t.cat.MaybeRefresh(ctx)
	if err != nil {
		return fmt.Errorf("check the 1C configuration: %w", err)
	}
	if !changed {
		return nil
	}
	ib := t.cat.Snapshot()
	targets, _, err := t.resolve(ib, t.db.Dialect())
	if err != nil {
		return fmt.Errorf("after a 1C configuration change: %w", err)
	}
	// In-flight batches keep their old targets; only new reads use the new ones.
	t.ib, t.targets = ib, targets
	t.log.Info("1C configuration changed; metadata reloaded", "objects", len(targets))
	return nil
}

// stamp marks up to batch.size unsent registrations of tg with a fresh
// message number, in one short autocommit statement, and returns their
// keys (nil when none is pending).
//
// Transaction scope: the UPDATE alone. Rows locked by a 1C transaction in
// progress are skipped (SKIP LOCKED / READPAST), nothing stays locked
// afterwards.
func (t *Task) stamp(ctx context.Context, tg *target) (*stamped, error) {
	n := t.next
	tx, err := t.db.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.Querier().Query(ctx, tg.sql.stamp, n, t.node.tref, t.node.rref, t.floor, t.s.batchSize)
	if err != nil {
		return nil, fmt.Errorf("stamp registrations of %s: %w", tg.fullName, err)
	}
	var raws [][]any
	for rows.Next() {
		raw := make([]any, len(tg.keyCols))
		if err := rows.Scan(raw); err != nil {
			rows.Close()
			return nil, fmt.Errorf("stamp registrations of %s: %w", tg.fullName, err)
		}
		raws = append(raws, raw)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("stamp registrations of %s: %w", tg.fullName, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("stamp registrations of %s: %w", tg.fullName, err)
	}
	if len(raws) == 0 {
		return nil, nil
	}
	t.next++
	st := &stamped{t: tg, n: n, at: time.Now()}
	yo := yearOffset(t.ib)
	for _, raw := range raws {
		k, err := tg.keyFromRaw(t.db.Dialect(), raw, yo)
		if err != nil {
			return nil, err
		}
		st.keys = append(st.keys, k)
	}
	return st, nil
}

// emit reads the current state of a stamped batch and builds its records.
//
// Transaction scope: reads only (REPEATABLE READ on PostgreSQL, so an
// object and its tabular sections come from one snapshot); no lock on a 1C
// table outlives the statement.
func (t *Task) emit(ctx context.Context, st *stamped) ([]*connect.SourceRecord, error) {
	ls, err := t.read(ctx, st.t, st.keys)
	if err != nil {
		return nil, err
	}
	off := map[string]any{OffsetMessageNo: st.n}
	now := time.Now()
	var out []*connect.SourceRecord
	for _, l := range ls {
		out = append(out, st.t.records(l, OpUpdate, t.s.tombstones, off, now)...)
	}
	t.track.add(&batch{t: st.t, n: st.n, rows: len(st.keys), stampedAt: st.at}, out)
	t.metrics.AddBatch()
	t.metrics.AddRecords(len(out))
	return out, nil
}

func (t *Task) read(ctx context.Context, tg *target, keys []objectKey) ([]loaded, error) {
	tx, err := t.db.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if t.db.Dialect().Name() == dialect.NamePostgres {
		if _, err := tx.Querier().Exec(ctx, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"); err != nil {
			return nil, fmt.Errorf("read %s: %w", tg.fullName, err)
		}
	}
	ls, err := tg.load(ctx, t.db.Dialect(), tx.Querier(), keys, yearOffset(t.ib))
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("read %s: %w", tg.fullName, err)
	}
	return ls, nil
}

func yearOffset(ib *metadata.Infobase) int { return max(ib.YearOffset, 0) }

// deleteAcked removes the registrations of fully acknowledged batches:
// only rows still carrying the batch's message number, so a registration
// made again meanwhile (1C reset its _MessageNo to NULL) stays.
//
// Transaction scope: one autocommit DELETE per batch, by node and message
// number (1C's ByNodeMsg index).
func (t *Task) deleteAcked(ctx context.Context) error {
	done := t.track.takeDone()
	for i, b := range done {
		n, err := t.db.Exec(ctx, b.t.sql.deleteMsg, t.node.tref, t.node.rref, b.n)
		if err != nil {
			t.track.requeue(done[i:])
			return fmt.Errorf("delete delivered registrations of %s (message %d): %w", b.t.fullName, b.n, err)
		}
		t.metrics.AddAcked(int(n))
	}
	return nil
}

// updateGauges refreshes the pending-registration gauges.
func (t *Task) updateGauges(ctx context.Context) {
	_, oldest := t.track.inflight()
	t.metrics.SetOldest(oldest)
	if t.s.depthEvery <= 0 || time.Since(t.lastCount) < t.s.depthEvery {
		return
	}
	t.lastCount = time.Now()
	var total int64
	for _, tg := range t.targets {
		row, err := t.db.QueryRow(ctx, 1, tg.sql.count, t.node.tref, t.node.rref)
		if err != nil || row == nil {
			t.metrics.SetDepth(-1)
			return
		}
		v, err := t.db.Dialect().Decode(dialect.Column{Name: "count", Kind: dialect.Int}, row[0], 0)
		if n, ok := v.(int64); ok && err == nil {
			total += n
		}
	}
	t.metrics.SetDepth(total)
}

// CommitRecord notes Kafka's acknowledgement of rec; the registrations of
// a batch are deleted by the next Poll once all its records are acknowledged.
func (t *Task) CommitRecord(ctx context.Context, rec *connect.SourceRecord, md *connect.RecordMetadata) error {
	t.track.ack(rec)
	return nil
}

// Commit implements connect.SourceTask; deletion happens in Poll.
func (t *Task) Commit(ctx context.Context) error { return nil }

// Stop deletes what was acknowledged so far and closes the database.
// Registrations of batches still in flight stay stamped and are delivered
// again after a restart (at-least-once).
func (t *Task) Stop(ctx context.Context) error {
	if t.unregister != nil {
		t.unregister()
		t.unregister = nil
	}
	var err error
	if t.db != nil {
		err = t.deleteAcked(ctx)
		t.db.Close()
		t.db = nil
	}
	if t.cat != nil {
		t.cat.Close()
		t.cat = nil
	}
	return err
}
