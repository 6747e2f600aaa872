package queuesource

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/onecconnect/onecconnect/connect"
)

// stream is one source partition in offset mode: the register, or one
// value of split.field. last is the number of the last row handed to the
// runtime (the runtime stores it as the source offset once Kafka
// acknowledged it and every record before it).
//
// The ordering guard. Numbers can become visible out of order: a writer
// that took number 10 may commit after the writer of 11. A plain
// "number > last" read would then pass 11 and never see 10. Two checks
// stop a batch before such a row:
//
//   - PostgreSQL, transaction visibility: a row is passed only when its
//     inserting transaction (xmin) is older than every transaction still
//     running (the xmin of the current snapshot); a running writer that
//     already wrote holds back every row committed after it started
//     writing.
//   - Both DBMS, gap check (without split.field): the next row must be
//     last+1; a gap is waited for up to settle.ms, then taken for a
//     rolled-back number. On SQL Server the read also waits on uncommitted
//     rows (READCOMMITTEDLOCK), so the settle window only has to cover a
//     writer between taking its number and inserting the row.
type stream struct {
	split     *string
	partition map[string]any
	last      int64
	haveLast  bool
	gapAt     int64 // the last number before the gap being waited for
	gapSince  time.Time
}

// accept returns how many leading rows may be delivered now. settled[i]
// tells whether row i passed the visibility check (always true where the
// DBMS gives none).
func (s *stream) accept(rows []*row, settled []bool, checkGaps bool, settle time.Duration, now time.Time) int {
	prev, have := s.last, s.haveLast
	n := 0
	for i, r := range rows {
		if !settled[i] {
			break
		}
		if checkGaps && have && r.number != prev+1 {
			if s.gapSince.IsZero() || s.gapAt != prev {
				s.gapAt, s.gapSince = prev, now
				break
			}
			if now.Sub(s.gapSince) < settle {
				break
			}
			s.gapSince = time.Time{}
		}
		prev, have = r.number, true
		n++
	}
	return n
}

// advance records that rows up to number were handed out.
func (s *stream) advance(number int64) {
	s.last, s.haveLast = number, true
}

// loadOffsets reads the stored offsets of the streams.
func loadOffsets(ctx context.Context, r connect.OffsetStorageReader, streams []*stream) error {
	parts := make([]map[string]any, len(streams))
	for i, s := range streams {
		parts[i] = s.partition
	}
	offs, err := r.Offsets(ctx, parts)
	if err != nil {
		return fmt.Errorf("read stored offsets: %w", err)
	}
	for i, o := range offs {
		if o == nil {
			continue
		}
		n, ok := toInt64(o[OffsetNumber])
		if !ok {
			return fmt.Errorf("stored offset %v of %v: %q is not a whole number", o, parts[i], OffsetNumber)
		}
		streams[i].advance(n)
	}
	return nil
}

func toInt64(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case int:
		return int64(x), true
	case int32:
		return int64(x), true
	case float64:
		if x == float64(int64(x)) {
			return int64(x), true
		}
	}
	return 0, false
}

// pollOffset is offset mode's Poll: read each stream after its last number
// (round robin), pass the rows the ordering guard accepts.
func (t *Task) pollOffset(ctx context.Context) ([]*connect.SourceRecord, error) {
	held := false
	for range t.streams {
		s := t.streams[t.next%len(t.streams)]
		t.next++
		after := int64(-1)
		if s.haveLast {
			after = s.last
		}
		r := t.takePrefetch(ctx)
		if r != nil && r.err == nil && (r.plan != t.plan || r.stream != s || r.after != after) {
			r = nil
		}
		if r == nil {
			r = t.readStream(ctx, t.db, t.plan, t.q, s, after)
		}
		if r.err != nil {
			return nil, r.err
		}
		rows, settled, rowErrs := r.rows, r.settled, r.rowErrs
		n := s.accept(rows, settled, len(t.splits) == 0, t.cfg.Settle, time.Now())
		if n < len(rows) {
			held = true // rows wait for the ordering guard
		}
		if n == 0 {
			continue
		}
		recs, _, err := t.records(ctx, r.plan, rows[:n], rowErrs[:n], func(*row) map[string]any { return s.partition })
		if errors.Is(err, errMetadataChanged) {
			return nil, t.reloadMetadata(ctx) // the rows are read again with the new plan
		}
		if err != nil {
			return nil, err
		}
		s.advance(rows[n-1].number)
		t.metrics.AddBatch()
		t.metrics.AddRecords(len(recs))
		if n == t.cfg.BatchSize { // more is likely waiting: read it while these are sent
			ns := t.streams[t.next%len(t.streams)]
			nafter := int64(-1)
			if ns.haveLast {
				nafter = ns.last
			}
			db, p, q := t.db, t.plan, t.q
			t.prefetch(func(ctx context.Context) *read { return t.readStream(ctx, db, p, q, ns, nafter) })
		}
		if len(recs) > 0 {
			return recs, nil
		}
	}
	if held {
		t.sleep(ctx, min(t.cfg.PollInterval, 50*time.Millisecond))
	} else {
		t.sleep(ctx, t.cfg.PollInterval)
	}
	return nil, nil
}
