package queuesource

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// TestDeleteModeDelivers: rows go to Kafka with key, body, headers and
// timestamp, and the queue is emptied.
func TestDeleteModeDelivers(t *testing.T) {
	q := newQueueDB(t)
	ctx := context.Background()
	created := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	var msgs []onectest.QueueMessage
	for i := int64(1); i <= 50; i++ {
		msgs = append(msgs, onectest.QueueMessage{Number: i, Type: "Заказ", Key: fmt.Sprintf("ключ-%d", i%5),
			Headers: `{"source":"1c","n":` + fmt.Sprint(i) + `}`, Body: fmt.Sprintf(`{"номер":%d}`, i), Created: created})
	}
	if err := q.built.PutOutgoing(ctx, q.conn, msgs); err != nil {
		t.Fatal(err)
	}
	k := testkit.Kafka(t)
	topic := testkit.UniqueTopic("queue")
	k.CreateTopic(t, topic, 1, nil)
	h := newHarness(t, k, nil)
	w, _ := h.run(t, q.connectorProps("q1", topic, map[string]string{KeyBatchSize: "7"}), 1)
	got := k.WaitFor(t, topic, 50, 30*time.Second)
	deadline := time.Now().Add(10 * time.Second)
	for q.count(t) != 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	mfs, err := w.Metrics().Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got1C := map[string]float64{}
	for _, mf := range mfs {
		if strings.HasPrefix(mf.GetName(), "onec_source_") {
			for _, m := range mf.GetMetric() {
				if m.Counter != nil {
					got1C[mf.GetName()] += m.Counter.GetValue()
				}
			}
		}
	}
	if got1C["onec_source_records_total"] != 50 || got1C["onec_source_acknowledged_total"] != 50 || got1C["onec_source_batches_total"] < 8 {
		t.Fatalf("task metrics in the worker's registry: %v", got1C)
	}
	h.stop(t, w)
	if n := q.count(t); n != 0 {
		t.Fatalf("%d rows left in the queue", n)
	}
	for i, m := range got[:50] {
		want := fmt.Sprintf(`{"номер":%d}`, i+1)
		if string(m.Value) != want {
			t.Fatalf("message %d = %s, want %s", i, m.Value, want)
		}
		if wk := fmt.Sprintf("ключ-%d", (i+1)%5); string(m.Key) != wk {
			t.Fatalf("message %d key %s, want %s", i, m.Key, wk)
		}
		if !m.Timestamp.Equal(created) {
			t.Fatalf("timestamp %v, want %v", m.Timestamp, created)
		}
		hdr := map[string]string{}
		for _, rh := range m.Headers {
			hdr[string(rh.Key)] = string(rh.Value)
		}
		if hdr["source"] != "1c" || hdr["n"] != fmt.Sprint(i+1) {
			t.Fatalf("headers %v", hdr)
		}
	}
}
