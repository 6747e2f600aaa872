package tablesource

import (
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connectors/onec/common"
	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
	"github.com/onecconnect/onecconnect/connectors/onec/metadata/rowmap"
)

// Task reads a group of objects. Poll runs on the worker's task goroutine
// and owns everything but the prefetching reader goroutine, which only
// reads pages and hands them over a channel.
type Task struct {
	tctx       connect.SourceTaskContext
	log        *slog.Logger
	s          *settings
	metrics    *common.Metrics
	unregister func() // removes the metrics from the runtime's registry
	retr       *common.Retrier

	cat     *common.Catalog
	db      *common.DB
	reads   readTxs // the read transactions of pages and changed rows
	yo      int
	targets []*target
	pos     map[string]*position
	rd      *reader
	rr      int
	// settle samples of MIN_ACTIVE_ROWVERSION (incremental).
	hiSeen   int64
	hiSeenAt time.Time
	hiSafe   int64
	// isoWarned: the READ COMMITTED warning was logged (once per task).
	isoWarned bool
}

// Start parses the configuration; the database is opened by the first
// Poll so an unreachable database is retried with back-off.
func (t *Task) Start(ctx context.Context, tctx connect.SourceTaskContext, props map[string]string) error {
	s, err := parseSettings(props)
	if err != nil {
		return err
	}
	t.tctx, t.s = tctx, s
	t.log = tctx.Logger()
	t.metrics, t.unregister = common.StartTaskMetrics(tctx, t.log)
	t.retr = s.retry.NewRetrier()
	return nil
}

// Metrics returns the task's metrics.
func (t *Task) Metrics() *common.Metrics { return t.metrics }

// Poll returns the next page of the running pass, the rows changed since
// the last read (incremental mode), or waits.
func (t *Task) Poll(ctx context.Context) ([]*connect.SourceRecord, error) {
	return common.RetryingPoll(ctx, t.retr, t.metrics, t.log, t.poll, t.stopReader)
}

func (t *Task) poll(ctx context.Context) ([]*connect.SourceRecord, error) {
	if err := t.open(ctx); err != nil {
		return nil, err
	}
	if changed, err := t.cat.MaybeRefresh(ctx); err != nil {
		return nil, fmt.Errorf("check the 1C configuration: %w", err)
	} else if changed {
		t.stopReader()
		targets, err := t.resolve(t.cat.Snapshot())
		if err != nil {
			return nil, fmt.Errorf("after a 1C configuration change: %w", err)
		}
		t.targets = targets
		t.log.Info("1C configuration changed; metadata reloaded")
	}
	if t.rd == nil {
		if jobs := t.pendingJobs(); len(jobs) > 0 {
			t.rd = startReader(context.WithoutCancel(ctx), t.db.Dialect(), t.reads, t.yo, t.s.batchSize, jobs)
		}
	}
	if t.rd != nil {
		return t.nextPage(ctx)
	}
	if t.s.mode == ModeIncremental {
		return t.incremental(ctx)
	}
	// Snapshot mode, every pass complete: wait for the next one.
	if t.s.interval <= 0 {
		return nil, common.Sleep(ctx, time.Second)
	}
	var last time.Time
	for _, p := range t.pos {
		if p.doneAt.After(last) {
			last = p.doneAt
		}
	}
	wait := time.Until(last.Add(t.s.interval))
	if wait > 0 {
		return nil, common.Sleep(ctx, min(wait, time.Second))
	}
	for _, p := range t.pos {
		*p = position{pass: p.pass + 1}
	}
	t.log.Info("starting a new snapshot pass")
	return nil, nil
}

// pendingJobs lists the objects whose pass is unfinished.
func (t *Task) pendingJobs() []job {
	var jobs []job
	for _, tg := range t.targets {
		p := t.pos[tg.fullName]
		if p.done {
			continue
		}
		jobs = append(jobs, job{t: tg, pass: p.pass, after: p.after, vstart: p.vstart})
	}
	return jobs
}

// nextPage hands over the reader's next page and moves the positions.
func (t *Task) nextPage(ctx context.Context) ([]*connect.SourceRecord, error) {
	tm := time.NewTimer(time.Second)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return nil, nil
	case <-tm.C:
		return nil, nil
	case p, ok := <-t.rd.ch:
		if !ok {
			t.stopReader()
			return nil, nil
		}
		if p.err != nil {
			return nil, p.err
		}
		pos := t.pos[p.t.fullName]
		pos.after = p.after
		if p.last {
			pos.done, pos.doneAt = true, time.Now()
			pos.version = pos.vstart - 1
			t.log.Info("snapshot pass of an object finished", "object", p.t.fullName, "pass", pos.pass)
		}
		t.metrics.AddBatch()
		t.metrics.AddRecords(len(p.recs))
		return p.recs, nil
	}
}

func (t *Task) stopReader() {
	if t.rd != nil {
		t.rd.stop()
		t.rd = nil
	}
}

// open connects, resolves the objects and restores positions.
func (t *Task) open(ctx context.Context) error {
	if t.db != nil {
		return nil
	}
	cat, err := common.OpenCatalog(ctx, t.s.db, t.log)
	if err != nil {
		return err
	}
	db, err := common.Open(ctx, t.s.db, common.OpenOptions{AppName: "onec-connect " + t.tctx.TaskID().String(), MaxConns: 3})
	if err != nil {
		cat.Close()
		return err
	}
	t.cat, t.db = cat, db
	ib := cat.Snapshot()
	t.yo = max(ib.YearOffset, 0)
	if t.targets, err = t.resolve(ib); err == nil {
		err = t.restore(ctx, func() (int64, error) { return t.minActive(ctx) })
	}
	if err == nil {
		err = t.chooseIsolation(ctx)
	}
	if err != nil {
		db.Close()
		cat.Close()
		t.db, t.cat = nil, nil
		return err
	}
	t.log.Info("table source started", "objects", len(t.targets), "mode", t.s.mode)
	return nil
}

// chooseIsolation sets how pages are read (isolation.go) and logs, once
// per task, when they cannot be read from one snapshot.
func (t *Task) chooseIsolation(ctx context.Context) error {
	d := t.db.Dialect()
	state, name := snapshotUnknown, ""
	if d.Name() == dialect.NameSQLServer {
		var err error
		if state, name, err = readSnapshotState(ctx, t.db); err != nil {
			return err
		}
	}
	set, warning := readIsolation(d, state, name)
	t.reads = dbReads(t.db, set, func(err error) {
		t.log.Warn("SQL Server no longer allows snapshot isolation in this database (error 3952); pages are read at READ COMMITTED "+
			"until the task restarts: an object's row and its tabular-section rows are then read by separate statements, so a 1C write "+
			"committing between them can give a record with the new header and the old tabular-section rows; turn it back on with "+
			"ALTER DATABASE … SET ALLOW_SNAPSHOT_ISOLATION ON and restart the connector", "err", err)
	})
	if warning != "" && !t.isoWarned && t.readsSections() {
		t.isoWarned = true
		t.log.Warn(warning)
	}
	return nil
}

// readsSections tells whether a page can take more than one statement:
// some object has tabular sections to read.
func (t *Task) readsSections() bool {
	for _, tg := range t.targets {
		if len(tg.sections) > 0 {
			return true
		}
	}
	return false
}

func (t *Task) resolve(ib *metadata.Infobase) ([]*target, error) {
	objs, problems := resolveObjects(ib, t.s.taskObjects, t.s.mode)
	if len(problems) > 0 {
		err := fmt.Errorf("%s: %s", KeyObjects, strings.Join(problems, "; "))
		if len(objs) < len(t.s.taskObjects) {
			err = fmt.Errorf("%w: %w", common.ErrObjectRemoved, err)
		}
		return nil, err
	}
	mode, err := metadata.ParseDecimalHandling(t.s.db.DecimalHandling)
	if err != nil {
		mode = metadata.DecimalPrecise
	}
	m, err := rowmap.New(ib, rowmap.Options{Schema: metadata.SchemaOptions{DecimalHandling: mode}})
	if err != nil {
		return nil, fmt.Errorf("row mapper: %w", err)
	}
	var out []*target
	for _, o := range objs {
		tg, err := newTarget(m, o, t.s)
		if err != nil {
			return nil, err
		}
		out = append(out, tg)
	}
	return out, nil
}

// restore reads the stored offsets into positions (restorePosition);
// active returns MIN_ACTIVE_ROWVERSION(), asked once at most (incremental
// mode): one watermark for every object, taken before any of them is read.
func (t *Task) restore(ctx context.Context, active func() (int64, error)) error {
	parts := make([]map[string]any, len(t.targets))
	for i, tg := range t.targets {
		parts[i] = tg.partition
	}
	offs, err := t.tctx.OffsetStorageReader().Offsets(ctx, parts)
	if err != nil {
		return fmt.Errorf("read stored offsets: %w", err)
	}
	var hi int64
	var hiErr error
	asked := false
	once := func() (int64, error) {
		if !asked {
			hi, hiErr = active()
			asked = true
		}
		return hi, hiErr
	}
	incremental := t.s.mode == ModeIncremental
	t.pos = map[string]*position{}
	for i, tg := range t.targets {
		var off map[string]any
		if i < len(offs) {
			off = offs[i]
		}
		p, restart, err := restorePosition(tg, off, incremental, once)
		if err != nil {
			return err
		}
		if restart != "" {
			t.log.Warn("stored position cannot be continued in incremental mode: reading the object in full again, then its changes",
				"object", tg.fullName, "stored", restart, "offset", off, "pass", p.pass)
		} else if off != nil {
			t.log.Info("resuming", "object", tg.fullName, "pass", p.pass, "done", p.done, "after", p.after)
		}
		t.pos[tg.fullName] = &p
	}
	return nil
}

// minActive returns MIN_ACTIVE_ROWVERSION() (SQL Server).
func (t *Task) minActive(ctx context.Context) (int64, error) {
	row, err := t.db.QueryRow(ctx, 1, minActiveRowversionSQL)
	if err != nil {
		return 0, fmt.Errorf("read MIN_ACTIVE_ROWVERSION(): %w", err)
	}
	b, ok := row[0].([]byte)
	if !ok || len(b) != 8 {
		return 0, fmt.Errorf("MIN_ACTIVE_ROWVERSION(): unexpected %T", row[0])
	}
	return int64(binary.BigEndian.Uint64(b)), nil
}

// incremental reads rows whose _Version is above the last delivered one
// and below a settled bound: MIN_ACTIVE_ROWVERSION() (every row below it is
// committed) as observed at least version.settle.ms ago.
//
// Transaction scope: autocommit reads; no lock kept.
func (t *Task) incremental(ctx context.Context) ([]*connect.SourceRecord, error) {
	hi, err := t.minActive(ctx)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	if hi != t.hiSeen {
		if now.Sub(t.hiSeenAt) >= t.s.settle {
			t.hiSafe = t.hiSeen
		}
		t.hiSeen, t.hiSeenAt = hi, now
	} else if now.Sub(t.hiSeenAt) >= t.s.settle {
		t.hiSafe = hi
	}
	d := t.db.Dialect()
	for i := range t.targets {
		tg := t.targets[(t.rr+i)%len(t.targets)]
		p := t.pos[tg.fullName]
		if t.hiSafe <= p.version+1 {
			continue
		}
		st, err := changedStmt(d, tg, t.s.batchSize, p.version, t.hiSafe)
		if err != nil {
			return nil, err
		}
		rows, secs, err := t.readChanged(ctx, d, tg, st)
		if err != nil {
			return nil, err
		}
		if len(rows) == 0 {
			continue
		}
		out := make([]*connect.SourceRecord, 0, len(rows))
		for _, r := range rows {
			v, err := tg.om.Struct(r, secs[string(asBytes(r[tg.keyIdx[0]]))])
			if err != nil {
				return nil, fmt.Errorf("map a row of %s: %w", tg.fullName, err)
			}
			ver, err := d.Decode(tg.cols[tg.version], r[tg.version], 0)
			if err != nil {
				return nil, err
			}
			p.version, _ = ver.(int64)
			out = append(out, &connect.SourceRecord{Record: connect.Record{Topic: tg.topic, KeySchema: tg.keySchema, Key: tg.keyOf(v),
				ValueSchema: tg.om.Schema(), Value: v}, SourcePartition: tg.partition,
				SourceOffset: map[string]any{OffsetPass: p.pass, OffsetDone: true, OffsetVersion: p.version}})
		}
		t.rr++
		t.metrics.AddBatch()
		t.metrics.AddRecords(len(out))
		return out, nil
	}
	t.rr++
	return nil, common.Sleep(ctx, t.s.pollInterval)
}

// changedStmt reads up to limit rows of tg whose _Version is above after
// (exclusive; negative: none delivered, every row) and below below.
func changedStmt(d dialect.Dialect, tg *target, limit int, after, below int64) (dialect.Stmt, error) {
	if tg.version < 0 {
		return dialect.Stmt{}, fmt.Errorf("%s: %s", KeyObjects, noVersion(tg.fullName))
	}
	q, err := versionSQL(d, tg.table.Name, tg.cols[tg.version].Name, tg.cols)
	if err != nil {
		return dialect.Stmt{}, err
	}
	return dialect.Stmt{SQL: q, Args: []any{limit, versionBytes(after), versionBytes(below)}}, nil
}

// readChanged runs st (changedStmt) and reads the tabular sections of its
// rows.
//
// Transaction scope: one read-only transaction for the rows and their
// sections, in one snapshot where t.reads sets one (isolation.go); no lock
// kept.
func (t *Task) readChanged(ctx context.Context, d dialect.Dialect, tg *target, st dialect.Stmt) ([][]any, map[string]map[string][][]any, error) {
	var rows [][]any
	var secs map[string]map[string][][]any
	err := t.reads.run(ctx, func(tx readTx) (err error) {
		if rows, err = queryRows(ctx, tx.FastQuerier(), []dialect.Stmt{st}, len(tg.cols)); err != nil {
			return err
		}
		secs, err = tg.readSections(ctx, d, tx.FastQuerier(), rows)
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("read changed rows of %s: %w", tg.fullName, err)
	}
	return rows, secs, nil
}

// CommitRecord implements connect.SourceTask: offsets alone track progress.
func (t *Task) CommitRecord(ctx context.Context, rec *connect.SourceRecord, md *connect.RecordMetadata) error {
	return nil
}

// Commit implements connect.SourceTask.
func (t *Task) Commit(ctx context.Context) error { return nil }

// Stop ends the reader and closes the database.
func (t *Task) Stop(ctx context.Context) error {
	if t.unregister != nil {
		t.unregister()
		t.unregister = nil
	}
	t.stopReader()
	if t.db != nil {
		t.db.Close()
		t.db = nil
	}
	if t.cat != nil {
		t.cat.Close()
		t.cat = nil
	}
	return nil
}
