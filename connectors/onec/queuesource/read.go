package queuesource

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/onecconnect/onecconnect/connect"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/connectors/onec/common"
	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
	"github.com/onecconnect/onecconnect/schema"
)

// read is one batch as read from the register: decoded rows of one plan,
// in delete mode inside the transaction that locks them.
type read struct {
	plan     *plan
	stream   *stream // offset mode
	after    int64   // offset mode: the number read after
	tx       *common.Tx
	lockedAt time.Time
	rows     []*row
	settled  []bool
	rowErrs  []error
	err      error

	// Delete mode, after lockBatch: the registered batch and its records.
	batch *batch
	recs  []*connect.SourceRecord
	held  bool // no batch because rows wait for the ordering guard
	full  bool // the read returned batch.size rows: more may be waiting
}

// discard rolls back the read's transaction, if any.
func (r *read) discard() {
	if r != nil && r.tx != nil {
		_ = r.tx.Rollback()
	}
}

// lockNext (delete mode) begins a transaction and locks the next batch,
// of rows numbered above *after when after is not nil.
func (t *Task) lockNext(ctx context.Context, db *common.DB, p *plan, q *queries, after *int64) *read {
	r := &read{plan: p, lockedAt: time.Now()}
	args := []any{}
	splits := make([]string, len(t.splits))
	for i, s := range t.splits {
		splits[i] = p.splitArgs[s]
	}
	if db.Dialect().Name() == dialect.NamePostgres {
		if len(splits) > 0 {
			args = append(args, splits)
		}
		args = append(args, t.cfg.BatchSize)
	} else {
		args = append(args, t.cfg.BatchSize)
		for _, s := range splits {
			args = append(args, s)
		}
	}
	query := q.lockBatch
	if after != nil {
		av, err := db.Dialect().Encode(p.orderCol, decimal.NewFromInt(*after), 0)
		if err != nil {
			r.err = permanent(fmt.Errorf("%s: encode number: %w", t.cfg.Register, err))
			return r
		}
		args, query = append(args, av), q.lockBatchAfter
	}
	tx, err := db.Begin(ctx)
	if err != nil {
		r.err = err
		return r
	}
	r.tx = tx
	settledCol := q.settled && !q.deletesOnRead
	src := tx.Querier()
	if pg := tx.PGX(); pg != nil {
		src = dialect.PGXFast(pg)
	}
	r.rows, r.settled, r.rowErrs, r.err = readRows(ctx, db.Dialect(), src, p, settledCol, !q.deletesOnRead, t.cfg.Register, query, args...)
	if q.deletesOnRead && r.err == nil {
		sortRows(r)
	}
	return r
}

// readStream (offset mode) reads the rows of a stream numbered above after.
func (t *Task) readStream(ctx context.Context, db *common.DB, p *plan, q *queries, s *stream, after int64) *read {
	r := &read{plan: p, stream: s, after: after}
	d := db.Dialect()
	av, err := d.Encode(p.orderCol, decimal.NewFromInt(after), 0)
	if err != nil {
		r.err = permanent(fmt.Errorf("%s: encode number: %w", t.cfg.Register, err))
		return r
	}
	var args []any
	switch {
	case d.Name() != dialect.NamePostgres:
		split := ""
		if s.split != nil {
			split = p.splitArgs[*s.split]
		}
		args = []any{av, split, t.cfg.BatchSize}
	case s.split != nil:
		args = []any{av, p.splitArgs[*s.split], t.cfg.BatchSize}
	default:
		args = []any{av, t.cfg.BatchSize}
	}
	r.err = db.WithConn(ctx, func(qr dialect.Querier, pg *pgx.Conn) (err error) {
		src := qr
		if pg != nil {
			src = dialect.PGXFast(pg)
		}
		r.rows, r.settled, r.rowErrs, err = readRows(ctx, d, src, p, q.settled, false, t.cfg.Register, q.readAfter, args...)
		return err
	})
	return r
}

// readRows runs a read and decodes its rows. settled[i] is the visibility
// check of row i (true where the DBMS gives none). A row that does not
// decode is returned with its error in rowErrs. withKey adds each row's
// number in database form (for the DELETE of delete mode).
func readRows(ctx context.Context, d dialect.Dialect, q dialect.Querier, p *plan, hasSettled, withKey bool, register, query string, args ...any) ([]*row, []bool, []error, error) {
	rs, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("read %s: %w", register, err)
	}
	defer rs.Close()
	n := len(p.table.Columns)
	// raw is reused row after row: the mapper copies the values it keeps,
	// and the decoders give values that own their memory.
	raw := make([]any, n, n+1)
	if hasSettled {
		raw = raw[:n+1]
	}
	var rows []*row
	var settled []bool
	var rowErrs []error
	var slab []row              // rows allocated rowsPerSlab at a time
	var vals []any              // and their values of the configured fields (plan.fields)
	var structs []schema.Struct // or their structs (the whole row)
	nf := 0
	if p.fields != nil {
		nf = p.fields.Len()
	}
	for rs.Next() {
		if err := rs.Scan(raw); err != nil {
			return nil, nil, nil, fmt.Errorf("read %s: %w", register, err)
		}
		// The order number, without boxing and rescaling a decimal when
		// the value is a plain integer (nearly always).
		num, small := smallNumber(raw[p.orderRaw])
		var ov any
		var err error
		if !small || withKey {
			if ov, err = d.Decode(p.orderCol, raw[p.orderRaw], 0); err != nil {
				return nil, nil, nil, permanent(fmt.Errorf("%s: order number: %w", register, err))
			}
			if num, err = numberOf(ov); err != nil {
				return nil, nil, nil, permanent(fmt.Errorf("%s: %s: %w", register, p.orderCol.Name, err))
			}
		}
		if len(slab) == 0 {
			slab = make([]row, rowsPerSlab)
		}
		r := &slab[0]
		slab = slab[1:]
		r.number = num
		if nf > 0 {
			if len(vals) < nf {
				vals = make([]any, rowsPerSlab*nf)
			}
			r.vals, vals = vals[:nf:nf], vals[nf:]
		}
		if withKey {
			if r.key, err = d.Encode(p.orderCol, ov, 0); err != nil {
				return nil, nil, nil, permanent(fmt.Errorf("%s: order number: %w", register, err))
			}
		}
		var st *schema.Struct
		if p.fields == nil {
			if len(structs) == 0 {
				structs = schema.NewStructs(p.om.Schema(), rowsPerSlab)
			}
			st, structs = &structs[0], structs[1:]
		}
		rowErrs = append(rowErrs, p.decode(raw[:n], r, st))
		ok := true
		if hasSettled {
			ok, _ = raw[n].(bool)
		}
		rows = append(rows, r)
		settled = append(settled, ok)
	}
	if err := rs.Err(); err != nil {
		return nil, nil, nil, fmt.Errorf("read %s: %w", register, err)
	}
	return rows, settled, rowErrs, nil
}

// rowsPerSlab is how many rows readRows allocates at once.
const rowsPerSlab = 64

// prefetch starts fn on a goroutine of its own; the next Poll takes its
// result with takePrefetch. At most one read-ahead runs at a time.
func (t *Task) prefetch(fn func(ctx context.Context) *read) {
	if t.pre != nil {
		return
	}
	ch := make(chan *read, 1)
	t.pre = ch
	go func() { ch <- fn(t.bg) }()
}

// takePrefetch waits for the read-ahead, if one runs (nil otherwise). When
// ctx ends first it returns a read carrying ctx's error, leaving the
// read-ahead to dropPrefetch.
func (t *Task) takePrefetch(ctx context.Context) *read {
	if t.pre == nil {
		return nil
	}
	select {
	case r := <-t.pre:
		t.pre = nil
		return r
	case <-ctx.Done():
		return &read{err: ctx.Err()}
	}
}

// dropPrefetch waits for a running read-ahead and rolls it back; a batch
// it registered goes with every batch after it (none, normally).
func (t *Task) dropPrefetch() {
	if t.pre == nil {
		return
	}
	r := <-t.pre
	t.pre = nil
	r.discard()
	if r.batch != nil {
		for _, b := range t.fl.removeFrom(r.batch) {
			_ = b.tx.Rollback()
			t.metrics.AddRolledBack()
		}
	}
}

// sortRows puts a read's rows in number order (DELETE … RETURNING gives
// them in any order).
func sortRows(r *read) {
	idx := make([]int, len(r.rows))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return r.rows[idx[a]].number < r.rows[idx[b]].number })
	rows, settled, errs := make([]*row, len(idx)), make([]bool, len(idx)), make([]error, len(idx))
	for i, j := range idx {
		rows[i], settled[i], errs[i] = r.rows[j], r.settled[j], r.rowErrs[j]
	}
	r.rows, r.settled, r.rowErrs = rows, settled, errs
}
