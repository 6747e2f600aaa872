package tablesource

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connectors/onec/common"
	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
	"github.com/onecconnect/onecconnect/schema"
)

// page is one keyset page of one object mapped to records.
type page struct {
	t     *target
	recs  []*connect.SourceRecord
	after []string
	last  bool // the page ends the object's pass
	err   error
}

// rawPage is one keyset page as read from the database: raw rows, the
// rows of their tabular sections, and the resume positions before and
// after it.
type rawPage struct {
	j      job
	rows   [][]any
	secs   map[string]map[string][][]any
	before []string // the key the page starts after (nil: from the start)
	after  []string // the page's last key (before when the page is empty)
	last   bool     // the page ends the object's pass
	err    error
}

// reader reads the pages of a pass ahead of the runtime in two stages, so
// that the database, the decoding of rows and their mapping to records run
// side by side with conversion and production: a fetch goroutine reads
// raw pages (the database works on the next page meanwhile), a map
// goroutine turns them into records. Poll consumes pages from ch, in
// order.
type reader struct {
	ch     chan page
	cancel context.CancelFunc
	done   chan struct{}
}

func (r *reader) stop() {
	r.cancel()
	for range r.ch { // drain so the goroutines can finish
	}
	<-r.done
}

// job is where the reader starts for one object.
type job struct {
	t      *target
	pass   int64
	after  []string
	vstart int64
}

// startReader reads the jobs in order until the last page of the last
// one, or until ctx ends or an error (sent as a page).
func startReader(parent context.Context, d dialect.Dialect, reads readTxs, yo, limit int, jobs []job) *reader {
	ctx, cancel := context.WithCancel(parent)
	r := &reader{ch: make(chan page, 1), cancel: cancel, done: make(chan struct{})}
	raw := make(chan rawPage, 1)
	go func() { // fetch
		defer close(raw)
		for _, j := range jobs {
			after := j.after
			for {
				rp := fetchPage(ctx, d, reads, yo, limit, j, after)
				select {
				case raw <- rp:
				case <-ctx.Done():
					return
				}
				if rp.err != nil || rp.last {
					break
				}
				after = rp.after
			}
		}
	}()
	go func() { // map
		defer close(r.done)
		defer close(r.ch)
		for rp := range raw {
			select {
			case r.ch <- mapPage(rp):
			case <-ctx.Done():
				for range raw { // until fetch sees ctx end
				}
				return
			}
		}
	}()
	return r
}

// readPage reads the page after the key after (texts) and maps it.
func readPage(ctx context.Context, d dialect.Dialect, reads readTxs, yo, limit int, j job, after []string) page {
	return mapPage(fetchPage(ctx, d, reads, yo, limit, j, after))
}

// fetchPage reads the page after the key after (texts) with the rows of
// its tabular sections.
//
// Transaction scope: one read-only transaction per page (its rows and
// their sections), in one snapshot where reads sets one (isolation.go);
// keyset reads by the clustered key take no table lock.
func fetchPage(ctx context.Context, d dialect.Dialect, reads readTxs, yo, limit int, j job, after []string) rawPage {
	t := j.t
	p := rawPage{j: j, before: after, after: after}
	var afterVals []any
	if after != nil {
		afterVals = make([]any, len(after))
		for i, s := range after {
			v, err := common.ParseText(t.key[i], s)
			if err == nil {
				afterVals[i], err = d.Encode(t.key[i], v, yo)
			}
			if err != nil {
				p.err = fmt.Errorf("resume position of %s: %w", t.fullName, err)
				return p
			}
		}
	}
	var st dialect.Stmt
	var err error
	if len(t.key) == 1 {
		st, err = d.SelectPage(t.table, t.cols, afterVals, limit+1)
	} else {
		st.SQL, err = pageSQL(d, t.table.Name, t.cols, t.key, afterVals != nil)
		if d.Name() == dialect.NameSQLServer {
			st.Args = append([]any{limit + 1}, afterVals...)
		} else {
			st.Args = append(afterVals, limit+1)
		}
	}
	if err != nil {
		p.err = fmt.Errorf("page of %s: %w", t.fullName, err)
		return p
	}
	err = reads.run(ctx, func(tx readTx) error {
		rows, err := queryRows(ctx, tx.FastQuerier(), []dialect.Stmt{st}, len(t.cols))
		if err != nil {
			return err
		}
		// One row more than the page tells whether this page is the last.
		p.last = len(rows) <= limit
		if !p.last {
			rows = rows[:limit]
		}
		p.rows = rows
		p.secs, err = t.readSections(ctx, d, tx.FastQuerier(), rows)
		return err
	})
	if err != nil {
		p.err = fmt.Errorf("read %s: %w", t.fullName, err)
		return p
	}
	rows := p.rows
	if len(rows) > 0 {
		if p.after, err = t.keyTexts(d, rows[len(rows)-1], yo); err != nil {
			p.err = err
			return p
		}
	}
	return p
}

// mapPage turns a raw page into records. Every record but the page's last
// carries the position before the page, so a restart re-reads the page
// (at least once); the last carries the position after it, or "done".
func mapPage(rp rawPage) page {
	j, t := rp.j, rp.j.t
	p := page{t: t, after: rp.after, last: rp.last, err: rp.err}
	if p.err != nil {
		return p
	}
	prev := map[string]any{OffsetPass: j.pass, OffsetAfter: jsonText(rp.before), OffsetVStart: j.vstart}
	end := map[string]any{OffsetPass: j.pass, OffsetAfter: jsonText(rp.after), OffsetVStart: j.vstart}
	if p.last {
		end = doneOffset(j, time.Now())
	}
	// One allocation each for the page's records, values and keys.
	p.recs = make([]*connect.SourceRecord, len(rp.rows))
	recs := make([]connect.SourceRecord, len(rp.rows))
	values, keys := schema.NewStructs(t.om.Schema(), len(rp.rows)), schema.NewStructs(t.keySchema, len(rp.rows))
	for i, r := range rp.rows {
		var sec map[string][][]any
		if rp.secs != nil {
			sec = rp.secs[string(asBytes(r[t.keyIdx[0]]))]
		}
		v, err := t.om.StructInto(&values[i], r, sec)
		if err != nil {
			p.err = fmt.Errorf("map a row of %s: %w", t.fullName, err)
			p.recs = nil
			return p
		}
		off := prev
		if i == len(rp.rows)-1 {
			off = end
		}
		recs[i] = connect.SourceRecord{Record: connect.Record{Topic: t.topic, KeySchema: t.keySchema, Key: t.keyInto(&keys[i], v),
			ValueSchema: t.om.Schema(), Value: v}, SourcePartition: t.partition, SourceOffset: off}
		p.recs[i] = &recs[i]
	}
	// An empty last page carries no "done"; nextPage marks the position.
	return p
}

func asBytes(v any) []byte {
	b, _ := v.([]byte)
	return b
}

func jsonText(s []string) string {
	if s == nil {
		return ""
	}
	b, _ := json.Marshal(s)
	return string(b)
}

// keyTexts renders the key columns of a row as text (the resume position).
func (t *target) keyTexts(d dialect.Dialect, row []any, yo int) ([]string, error) {
	out := make([]string, len(t.keyIdx))
	for i, idx := range t.keyIdx {
		v, err := d.Decode(t.cols[idx], row[idx], yo)
		if err != nil {
			return nil, fmt.Errorf("%s: decode key: %w", t.fullName, err)
		}
		out[i] = common.Text(v)
	}
	return out, nil
}

// readSections reads the tabular sections of a page's reference objects,
// by owner _IDRRef bytes then section name, rows in НомерСтроки order.
func (t *target) readSections(ctx context.Context, d dialect.Dialect, q dialect.Querier, rows [][]any) (map[string]map[string][][]any, error) {
	if len(t.sections) == 0 || len(rows) == 0 {
		return nil, nil
	}
	keys := make([][]any, len(rows))
	for i, r := range rows {
		keys[i] = []any{r[t.keyIdx[0]]}
	}
	out := make(map[string]map[string][][]any, len(rows))
	for _, sec := range t.sections {
		stmts, err := d.SelectByKeys(sec.table, sec.cols, sec.table.Key, keys)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", t.fullName, sec.name, err)
		}
		srows, err := queryRows(ctx, q, stmts, len(sec.cols))
		if err != nil {
			return nil, fmt.Errorf("read %s.%s: %w", t.fullName, sec.name, err)
		}
		if sec.lineIdx >= 0 {
			num := func(r []any) decimal.Decimal {
				v, _ := d.Decode(sec.cols[sec.lineIdx], r[sec.lineIdx], 0)
				n, _ := v.(decimal.Decimal)
				return n
			}
			sort.SliceStable(srows, func(i, j int) bool { return num(srows[i]).LessThan(num(srows[j])) })
		}
		for _, r := range srows {
			id := string(asBytes(r[0]))
			m := out[id]
			if m == nil {
				m = map[string][][]any{}
				out[id] = m
			}
			m[sec.name] = append(m[sec.name], r)
		}
	}
	return out, nil
}

// queryRows runs stmts and returns their rows of ncols raw values each.
func queryRows(ctx context.Context, q dialect.Querier, stmts []dialect.Stmt, ncols int) ([][]any, error) {
	var out [][]any
	var slab []any // rows' values, allocated rowsPerSlab rows at a time
	for _, st := range stmts {
		rows, err := q.Query(ctx, st.SQL, st.Args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			if len(slab) < ncols {
				slab = make([]any, rowsPerSlab*ncols)
			}
			dst := slab[:ncols:ncols]
			slab = slab[ncols:]
			if err := rows.Scan(dst); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, dst)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// rowsPerSlab is how many rows' values queryRows allocates at once.
const rowsPerSlab = 256
