package queuesink

import (
	"fmt"
	"strconv"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the counters of one task: records received, rows written,
// batches (write transactions) committed, records sent to the errant
// record reporter (dead-letter queue), duplicates skipped (dedup.field and
// redeliveries below the stored offset), failed write transactions and
// fence conflicts. Updates are atomic; Metrics is safe for concurrent use
// and implements prometheus.Collector with the constant labels connector
// and task, so that several tasks' collectors register side by side on one
// registry (the task registers its own on the worker's, see Task.Start).
type Metrics struct {
	connector, task string
	descs           []*prometheus.Desc // in the order of sinkDescs

	records     atomic.Int64
	rows        atomic.Int64
	batches     atomic.Int64
	dlq         atomic.Int64
	duplicates  atomic.Int64
	writeErrors atomic.Int64
	fenced      atomic.Int64
	batchNanos  atomic.Int64 // duration of the last committed batch
}

// NewMetrics returns zeroed metrics of a task.
func NewMetrics(connector string, task int) *Metrics {
	m := &Metrics{connector: connector, task: strconv.Itoa(task)}
	labels := prometheus.Labels{"connector": connector, "task": m.task}
	for _, d := range sinkDescs {
		m.descs = append(m.descs, prometheus.NewDesc(d.name, d.help, nil, labels))
	}
	return m
}

// MetricsProvider is what a task context offers when the runtime shares
// its Prometheus registry with connectors (the worker's task contexts do).
type MetricsProvider interface {
	MetricsRegisterer() prometheus.Registerer
}

// registerMetrics registers m on the registry of tctx, if it offers one,
// and returns the function that unregisters it; a context without a
// registry, or a failed registration (returned), gives a no-op.
func registerMetrics(tctx any, m *Metrics) (unregister func(), err error) {
	mp, ok := tctx.(MetricsProvider)
	if !ok || mp.MetricsRegisterer() == nil {
		return func() {}, nil
	}
	reg := mp.MetricsRegisterer()
	if err := reg.Register(m); err != nil {
		return func() {}, fmt.Errorf("register metrics of %s-%s: %w", m.connector, m.task, err)
	}
	return func() { reg.Unregister(m) }, nil
}

// MetricsSnapshot is a point-in-time copy of Metrics.
type MetricsSnapshot struct {
	Records, RowsWritten, Batches, DLQ, Duplicates, WriteErrors, Fenced int64
	LastBatchSeconds                                                    float64
}

// Snapshot copies the current values.
func (m *Metrics) Snapshot() MetricsSnapshot {
	return MetricsSnapshot{Records: m.records.Load(), RowsWritten: m.rows.Load(), Batches: m.batches.Load(), DLQ: m.dlq.Load(),
		Duplicates: m.duplicates.Load(), WriteErrors: m.writeErrors.Load(), Fenced: m.fenced.Load(),
		LastBatchSeconds: float64(m.batchNanos.Load()) / 1e9}
}

// sinkDescs name and describe the metrics, in the order of Collect.
var sinkDescs = []struct{ name, help string }{
	{"onec_sink_records_total", "Records received from Kafka."},
	{"onec_sink_rows_written_total", "Rows committed into the 1C register."},
	{"onec_sink_batches_total", "Write transactions committed (rows plus offsets)."},
	{"onec_sink_errant_records_total", "Records sent to the errant record reporter (dead-letter queue)."},
	{"onec_sink_duplicates_skipped_total", "Records skipped as duplicates (dedup.field, redeliveries)."},
	{"onec_sink_write_errors_total", "Write transactions rolled back."},
	{"onec_sink_fenced_total", "Writes refused because another writer moved a partition's stored offset."},
	{"onec_sink_last_batch_seconds", "Duration of the last committed write transaction."},
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range m.descs {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	s := m.Snapshot()
	vals := []float64{float64(s.Records), float64(s.RowsWritten), float64(s.Batches), float64(s.DLQ),
		float64(s.Duplicates), float64(s.WriteErrors), float64(s.Fenced), s.LastBatchSeconds}
	for i, d := range m.descs {
		t := prometheus.CounterValue
		if i == len(m.descs)-1 {
			t = prometheus.GaugeValue // last batch seconds
		}
		ch <- prometheus.MustNewConstMetric(d, t, vals[i])
	}
}
