package queuesource

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/jackc/pgx/v5"

	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

func msg(n int64) onectest.QueueMessage {
	return onectest.QueueMessage{Number: n, Type: "Заказ", Key: fmt.Sprintf("k%d", n%3), Body: fmt.Sprintf("body-%d", n), Created: time.Now().UTC()}
}

func msgs(from, to int64) []onectest.QueueMessage {
	var out []onectest.QueueMessage
	for n := from; n <= to; n++ {
		out = append(out, msg(n))
	}
	return out
}

func bodies(ms []*sarama.ConsumerMessage) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = string(m.Value)
	}
	return out
}

// expectBodies checks that the topic holds exactly want, in order, and
// stays so for a moment.
func expectBodies(t *testing.T, k *testkit.KafkaCluster, topic string, want []string, settle time.Duration) {
	t.Helper()
	k.WaitFor(t, topic, len(want), 30*time.Second)
	time.Sleep(settle)
	got := bodies(k.ReadAll(t, topic))
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("topic holds %v, want %v", got, want)
	}
}

func begin(t *testing.T, q *queueDB) pgx.Tx {
	t.Helper()
	c, err := pgx.Connect(context.Background(), q.url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	tx, err := c.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return tx
}

func put(t *testing.T, q *queueDB, db onectest.DB, ms ...onectest.QueueMessage) {
	t.Helper()
	if err := q.built.PutOutgoing(context.Background(), db, ms); err != nil {
		t.Fatal(err)
	}
}

// TestOutOfOrderCommitsNothingSkipped: two writer transactions commit out
// of order (the writer of 11 commits after the writer of 12). Number 12
// must not be delivered before 11, in both modes and long past the settle
// window: PostgreSQL's transaction visibility holds it back.
func TestOutOfOrderCommitsNothingSkipped(t *testing.T) {
	for _, mode := range []string{ModeOffset, ModeDelete} {
		t.Run(mode, func(t *testing.T) {
			q := newQueueDB(t)
			ctx := context.Background()
			put(t, q, q.conn, msgs(1, 10)...)
			k := testkit.Kafka(t)
			topic := testkit.UniqueTopic("order")
			k.CreateTopic(t, topic, 1, nil)
			h := newHarness(t, k, nil)
			w, _ := h.run(t, q.connectorProps("ord", topic, map[string]string{KeyMode: mode, KeySettle: "200", KeyPollInterval: "20", KeyHeadersJSONField: ""}), 1)
			defer h.stop(t, w)
			var want []string
			for n := 1; n <= 10; n++ {
				want = append(want, fmt.Sprintf("body-%d", n))
			}
			expectBodies(t, k, topic, want, 0)

			txA := begin(t, q)
			put(t, q, txA, msg(11)) // A writes first: it holds the xmin horizon
			txB := begin(t, q)
			put(t, q, txB, msg(12))
			if err := txB.Commit(ctx); err != nil {
				t.Fatal(err)
			}
			time.Sleep(1500 * time.Millisecond) // well past settle.ms
			if got := bodies(k.ReadAll(t, topic)); len(got) != 10 {
				t.Fatalf("delivered %v while the writer of 11 is still open", got[10:])
			}
			if err := txA.Commit(ctx); err != nil {
				t.Fatal(err)
			}
			expectBodies(t, k, topic, append(want, "body-11", "body-12"), 300*time.Millisecond)
		})
	}
}

// TestGapSettleWindow: a writer that took its number before another but
// wrote after it (no transaction id yet, so invisible to the xmin check)
// is covered by the gap check within settle.ms; a number that is never
// committed (rolled back) is passed after settle.ms.
func TestGapSettleWindow(t *testing.T) {
	q := newQueueDB(t)
	ctx := context.Background()
	put(t, q, q.conn, msgs(1, 3)...)
	k := testkit.Kafka(t)
	topic := testkit.UniqueTopic("gap")
	k.CreateTopic(t, topic, 1, nil)
	h := newHarness(t, k, nil)
	w, _ := h.run(t, q.connectorProps("gap", topic, map[string]string{KeyMode: ModeOffset, KeySettle: "2500", KeyPollInterval: "20", KeyHeadersJSONField: ""}), 1)
	defer h.stop(t, w)
	want := []string{"body-1", "body-2", "body-3"}
	expectBodies(t, k, topic, want, 0)

	txA := begin(t, q) // took number 4, has not written yet
	if _, err := txA.Exec(ctx, "SELECT 1"); err != nil {
		t.Fatal(err)
	}
	put(t, q, q.conn, msg(5)) // 5 commits first
	time.Sleep(700 * time.Millisecond)
	if got := bodies(k.ReadAll(t, topic)); len(got) != 3 {
		t.Fatalf("5 delivered across the gap before the settle window: %v", got)
	}
	put(t, q, txA, msg(4))
	if err := txA.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	want = append(want, "body-4", "body-5")
	expectBodies(t, k, topic, want, 0)

	// Number 6 is rolled back: 7 passes once the gap has settled.
	txR := begin(t, q)
	put(t, q, txR, msg(6))
	if err := txR.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	put(t, q, q.conn, msg(7))
	expectBodies(t, k, topic, append(want, "body-7"), 0)
	if el := time.Since(start); el < 2*time.Second {
		t.Fatalf("7 passed the gap after %v, before settle.ms", el)
	}
}
