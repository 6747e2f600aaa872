package queuesink

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/onecconnect/onecconnect/connect/runtime"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// scrapeMetrics returns what GET /metrics serves for the worker's registry
// (the REST server serves that registry with promhttp).
func scrapeMetrics(t *testing.T, w *runtime.Worker) string {
	t.Helper()
	srv := httptest.NewServer(promhttp.HandlerFor(w.Metrics().Registry, promhttp.HandlerOpts{}))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %s\n%s", resp.Status, b)
	}
	return string(b)
}

// TestAlterOffsetsResetThroughWorker runs the connector on a worker: its
// tasks' metrics are on the worker's registry (GET /metrics) with their
// connector and task labels while they run and gone after the stop; then
// the KIP-875 reset (DELETE …/offsets) of the stopped connector reaches the
// offsets table through the runtime's call of AlterOffsets, and the
// runtime reports the offsets as managed by the connector.
func TestAlterOffsetsResetThroughWorker(t *testing.T) {
	s := newSinkDB(t)
	k := testkit.Kafka(t)
	topic := testkit.UniqueTopic("inbox")
	k.CreateTopic(t, topic, 2, nil)
	for i := range 10 {
		k.Produce(t, testkit.InPartition(int32(i%2), testkit.Message(topic, fmt.Sprintf("k%d", i), fmt.Sprintf(`{"n":%d}`, i))))
	}
	h := newHarness(t, k, nil)
	props := s.connectorProps("reset1", topic, nil)
	w, ids := h.run(t, props, 2, registry(nil))
	s.waitCount(t, inbox, 10, 30*time.Second)

	deadline := time.Now().Add(10 * time.Second)
	var body string
	for {
		body = scrapeMetrics(t, w)
		if strings.Contains(body, `onec_sink_rows_written_total{connector="reset1",task="0"}`) &&
			strings.Contains(body, `onec_sink_rows_written_total{connector="reset1",task="1"}`) &&
			rowsWritten(t, w) == 10 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET /metrics lacks both tasks' rows written (10 in all):\n%s", grepLines(body, "onec_sink_"))
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(body, `onec_sink_batches_total{connector="reset1",task="0"}`) {
		t.Errorf("GET /metrics lacks onec_sink_batches_total of task 0:\n%s", grepLines(body, "onec_sink_"))
	}

	h.stop(t, w)
	for _, id := range ids {
		if st, tr := h.status.Get(id.String()); st == "FAILED" {
			t.Fatalf("%s failed: %s", id, tr)
		}
	}
	if left := grepLines(scrapeMetrics(t, w), "onec_sink_"); left != "" {
		t.Errorf("metrics still registered after the tasks stopped:\n%s", left)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	q := `SELECT onec_topic || '-' || onec_partition || '=' || onec_next_offset FROM onec_connect.onec_sink_offsets WHERE onec_connector = 'reset1' ORDER BY 1`
	if got, want := strings.Join(s.query2(t, q), ","), topic+"-0=5,"+topic+"-1=5"; got != want {
		t.Fatalf("stored offsets before the reset %q, want %q", got, want)
	}
	group, err := w.Offsets(ctx, props)
	if err != nil {
		t.Fatal(err)
	}
	if len(group) != 2 {
		t.Fatalf("consumer group offsets before the reset %v, want both partitions", group)
	}
	managed, err := w.ResetConnectorOffsets(ctx, props)
	if err != nil {
		t.Fatalf("reset: %v", err)
	}
	if !managed {
		t.Error("reset reported framework-managed offsets only; the connector manages its own")
	}
	if got := s.query2(t, q); len(got) != 0 {
		t.Errorf("offsets table after the reset: %v, want empty", got)
	}
	if group, err = w.Offsets(ctx, props); err != nil || len(group) != 0 {
		t.Errorf("consumer group offsets after the reset: %v (%v), want none", group, err)
	}
}

// rowsWritten sums onec_sink_rows_written_total over the tasks of reset1.
func rowsWritten(t *testing.T, w *runtime.Worker) float64 {
	t.Helper()
	fams, err := w.Metrics().Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, f := range fams {
		if f.GetName() != "onec_sink_rows_written_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "connector" && l.GetValue() == "reset1" {
					sum += m.GetCounter().GetValue()
				}
			}
		}
	}
	return sum
}

// grepLines returns the lines of s that start with prefix.
func grepLines(s, prefix string) string {
	var out []string
	for l := range strings.Lines(s) {
		if strings.HasPrefix(l, prefix) {
			out = append(out, strings.TrimRight(l, "\n"))
		}
	}
	return strings.Join(out, "\n")
}
