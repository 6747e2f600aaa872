package queuesource

import (
	"strings"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/internal/testkit"
)

// TestMalformedRow: headers that are not a JSON object make a row
// malformed. By default the task fails naming the row's number and the row
// stays; with errors.tolerance=all the row is skipped and the rest flows.
func TestMalformedRow(t *testing.T) {
	for _, tolerance := range []string{"none", "all"} {
		t.Run(tolerance, func(t *testing.T) {
			q := newQueueDB(t)
			ms := msgs(1, 5)
			for i := range ms {
				ms[i].Headers = `{"h":"v"}`
			}
			ms[2].Headers = "not json"
			put(t, q, q.conn, ms...)
			k := testkit.Kafka(t)
			topic := testkit.UniqueTopic("bad")
			k.CreateTopic(t, topic, 1, nil)
			h := newHarness(t, k, nil)
			w, ids := h.run(t, q.connectorProps("bad-"+tolerance, topic, map[string]string{"errors.tolerance": tolerance}), 1)
			defer h.stop(t, w)
			if tolerance == "none" {
				trace := h.status.WaitState(t, ids[0].String(), "FAILED", 20*time.Second)
				if !strings.Contains(trace, "row number 3") || !strings.Contains(trace, "Заголовки") {
					t.Fatalf("trace does not name the row and field: %s", trace)
				}
				if n := q.count(t); n != 5 {
					t.Fatalf("%d rows left, want all 5", n)
				}
				return
			}
			got := bodies(k.WaitFor(t, topic, 4, 20*time.Second))
			if strings.Join(got, ",") != "body-1,body-2,body-4,body-5" {
				t.Fatalf("delivered %v", got)
			}
			deadline := time.Now().Add(10 * time.Second)
			for q.count(t) != 0 && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
			}
			if n := q.count(t); n != 0 {
				t.Fatalf("%d rows left", n)
			}
		})
	}
}
