package tablesource

import (
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/schema"
)

// runUntil polls tk until it has returned at least n records or the pass
// is over (bounded in time); acked says how many of them the "worker"
// acknowledges (their offsets are stored).
func runUntil(t *testing.T, tk *Task, tctx *fakeTaskContext, n int, seen map[string]int) int {
	t.Helper()
	got := 0
	idle := 0
	deadline := time.Now().Add(5 * time.Minute)
	for got < n && idle < 3 && time.Now().Before(deadline) {
		recs, err := tk.Poll(t.Context())
		must(t, err)
		if len(recs) == 0 {
			idle++
			continue
		}
		idle = 0
		for _, r := range recs {
			v, _ := r.Key.(*schema.Struct).Get("Ссылка")
			seen[v.(string)]++
		}
		tctx.commit(recs)
		got += len(recs)
	}
	return got
}

func testResume(t *testing.T, rows int64) {
	ctx, db, b, dsn := tradeDB(t)
	const cat = "Справочник.Номенклатура"
	start := time.Now()
	_, err := b.Generate(ctx, db, cat, rows, onectest.GenOptions{MarkEvery: 11})
	must(t, err)
	t.Logf("generated %d rows in %s", rows, time.Since(start).Round(time.Millisecond))
	props := connProps(t, dsn)
	props[KeyObjects] = "Catalog.Номенклатура"
	props[KeyBatchSize] = "5000"
	tctx := &fakeTaskContext{}
	seen := map[string]int{}

	// First run: about 40% of the table, then killed: Stop without the
	// records of the last page being acknowledged.
	tk := &Task{}
	must(t, tk.Start(ctx, tctx, props))
	first := runUntil(t, tk, tctx, int(rows*2/5), seen)
	recs, err := tk.Poll(ctx) // in flight when the process dies: never acknowledged
	must(t, err)
	must(t, tk.Stop(ctx))
	t.Logf("first run: %d records acknowledged, %d in flight lost", first, len(recs))

	// Second run resumes from the stored position.
	start = time.Now()
	tk2 := &Task{}
	must(t, tk2.Start(ctx, tctx, props))
	second := runUntil(t, tk2, tctx, int(rows), seen)
	must(t, tk2.Stop(ctx))
	t.Logf("second run: %d records in %s", second, time.Since(start).Round(time.Millisecond))

	if int64(len(seen)) != rows {
		t.Fatalf("%d distinct objects delivered, want %d", len(seen), rows)
	}
	dups := 0
	for _, n := range seen {
		dups += n - 1
	}
	if dups > 5000 {
		t.Errorf("%d duplicates after the restart, want at most one page (5000)", dups)
	}
	if second >= int(rows) {
		t.Errorf("the second run read %d records: it started over instead of resuming", second)
	}
	st := tctx.stored("Справочник.Номенклатура")
	if st[OffsetDone] != true {
		t.Errorf("stored offset after the pass: %v, want done", st)
	}
}

// TestSnapshotResume100k reads 100,000 catalog items, is killed mid-way
// and resumes from the last acknowledged key: every item is delivered, at
// most one page twice.
func TestSnapshotResume100k(t *testing.T) { testResume(t, 100_000) }

// TestSnapshotResume1M is the same with 1,000,000 rows (slow: not in -short).
func TestSnapshotResume1M(t *testing.T) {
	if testing.Short() {
		t.Skip("1M rows: skipped with -short")
	}
	testResume(t, 1_000_000)
}
