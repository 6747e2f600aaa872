package queuesource

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/connecttest"
)

// TestReadStart pins where delete mode's next read starts.
func TestReadStart(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name      string
		open      []*batch
		unbounded time.Time // the last read from the start
		wantAfter int64     // -1: from the start
		wantOK    bool
	}{
		{"no open batch: from the start", nil, now, -1, true},
		{"full batch open: after it", []*batch{{last: 10}, {last: 20}}, now.Add(-100 * time.Millisecond), 20, true},
		{"full batch open, a second since the last read from the start", []*batch{{last: 20}}, now.Add(-time.Second), -1, true},
		{"partial batch open: wait", []*batch{{last: 10}, {last: 15, partial: true}}, now, 0, false},
		{"partial batch open, a second later: still wait", []*batch{{last: 15, partial: true}}, now.Add(-time.Hour), 0, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			task := &Task{fl: newInflight(), unboundedAt: tt.unbounded}
			for _, b := range tt.open {
				task.fl.add(b, nil)
			}
			after, ok := task.readStart(now)
			if ok != tt.wantOK {
				t.Fatalf("ok = %v, want %v", ok, tt.wantOK)
			}
			switch {
			case !ok:
			case tt.wantAfter < 0 && after != nil:
				t.Fatalf("after %d, want from the start", *after)
			case tt.wantAfter >= 0 && (after == nil || *after != tt.wantAfter):
				t.Fatalf("after %v, want %d", after, tt.wantAfter)
			}
			if ok && after == nil && !task.unboundedAt.Equal(now) {
				t.Fatal("a read from the start must be remembered")
			}
		})
	}
}

// TestLockedRowBelowBoundSent: while batches are open, reads start after
// the newest one; a row that another transaction held when it was passed
// is still sent once released (later than its successors, never lost).
func TestLockedRowBelowBoundSent(t *testing.T) {
	q := newQueueDB(t)
	ctx := context.Background()
	put(t, q, q.conn, msgs(1, 40)...)
	// A 1C session holds row 3.
	w, err := pgx.Connect(ctx, q.url)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close(ctx)
	holder, err := w.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := holder.Exec(ctx, "SELECT 1 FROM "+q.table+" WHERE "+q.col["НомерСообщения"]+" = 3 FOR UPDATE"); err != nil {
		t.Fatal(err)
	}
	props := q.connectorProps("bound", "t", map[string]string{KeyBatchSize: "4", KeyMaxInflight: "4", KeyHeadersJSONField: ""})
	task := &Task{}
	if err := task.Start(ctx, &connecttest.SourceContext{}, props); err != nil {
		t.Fatal(err)
	}
	defer task.Stop(ctx)
	seen := map[string]int{}
	var pending []*connect.SourceRecord
	// poll acknowledges one Poll late, so that a batch is open at every
	// read: reads start after it.
	poll := func() {
		recs, err := task.Poll(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range pending {
			_ = task.CommitRecord(ctx, r, &connect.RecordMetadata{})
		}
		pending = recs
		for _, r := range recs {
			seen[fmt.Sprint(r.Value)]++
		}
	}
	released, next := false, int64(41)
	deadline := time.Now().Add(20 * time.Second)
	for seen["body-3"] == 0 {
		if time.Now().After(deadline) || next > 50_000 {
			t.Fatalf("the released row not sent while writers kept the batches full (%d messages seen)", len(seen))
		}
		// Writers keep the batches full: only the periodic read from the
		// start can find the released row.
		poll()
		if !released && len(seen) >= 20 {
			if seen["body-3"] > 0 {
				t.Fatal("the held row was read")
			}
			if err := holder.Rollback(ctx); err != nil {
				t.Fatal(err)
			}
			released = true
		}
		put(t, q, q.conn, msgs(next, next+7)...)
		next += 8
		time.Sleep(2 * time.Millisecond) // writers at a 1C pace: a few seconds of them
	}
	// Drain the rest.
	for len(seen) < int(next-1) && time.Now().Before(deadline) {
		poll()
	}
	for i := 1; i < int(next); i++ {
		if seen[fmt.Sprintf("body-%d", i)] != 1 {
			t.Fatalf("message %d sent %d times", i, seen[fmt.Sprintf("body-%d", i)])
		}
	}
	for _, r := range pending {
		_ = task.CommitRecord(ctx, r, &connect.RecordMetadata{})
	}
	for i := 0; i < 50 && q.count(t) > 0; i++ {
		if _, err := task.Poll(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := q.count(t); n != 0 {
		t.Fatalf("%d rows left", n)
	}
}
