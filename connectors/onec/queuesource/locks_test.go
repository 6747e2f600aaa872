package queuesource

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/connecttest"
)

// TestLocksBoundedByAckTimeout: a batch that Kafka never acknowledges, and
// a task whose Poll is no longer called (the runtime blocked on the
// broker), keeps its rows locked no longer than about ack.timeout.ms; a 1C
// writer updating one of the rows waits at most that long, then proceeds.
func TestLocksBoundedByAckTimeout(t *testing.T) {
	q := newQueueDB(t)
	ctx := context.Background()
	put(t, q, q.conn, msgs(1, 10)...)
	props := q.connectorProps("locks", "t", map[string]string{KeyAckTimeout: "1000", KeyHeadersJSONField: ""})
	task := &Task{}
	if err := task.Start(ctx, &connecttest.SourceContext{}, props); err != nil {
		t.Fatal(err)
	}
	defer task.Stop(ctx)
	recs, err := task.Poll(ctx)
	if err != nil || len(recs) != 10 {
		t.Fatalf("Poll: %d records, %v", len(recs), err)
	}
	// A 1C writer rewriting row 5 while the batch is open.
	w, err := pgx.Connect(ctx, q.url)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close(ctx)
	start := time.Now()
	tag, err := w.Exec(ctx, "UPDATE "+q.table+" SET "+q.col["Тело"]+" = 'changed' WHERE "+q.col["НомерСообщения"]+" = 5")
	waited := time.Since(start)
	if err != nil || tag.RowsAffected() != 1 {
		t.Fatalf("writer: %v %v", tag, err)
	}
	if waited < 700*time.Millisecond || waited > 3*time.Second {
		t.Fatalf("writer waited %v, want about ack.timeout.ms (1 s)", waited)
	}
	for i := 0; i < 100 && task.Metrics().Snapshot().RolledBack == 0; i++ {
		time.Sleep(10 * time.Millisecond) // the watchdog counts right after its rollback
	}
	if s := task.Metrics().Snapshot(); s.RolledBack != 1 || s.Acked != 0 {
		t.Fatalf("metrics %+v", s)
	}
	// The rows are still there and are sent again, the changed one too.
	recs, err = task.Poll(ctx)
	if err != nil || len(recs) != 10 || recs[4].Value != "changed" {
		t.Fatalf("second Poll: %d records, %v", len(recs), err)
	}
	for _, r := range recs {
		_ = task.CommitRecord(ctx, r, &connect.RecordMetadata{})
	}
	if _, err := task.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	if n := q.count(t); n != 0 {
		t.Fatalf("%d rows left after the acknowledged batch", n)
	}
}
