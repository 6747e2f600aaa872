package queuesink

import (
	"strconv"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the counters of one task: records received, rows written,
// batches (write transactions) committed, records sent to the errant
// record reporter (dead-letter queue), duplicates skipped (dedup.field and
// redeliveries below the stored offset), failed write transactions and
// fence conflicts. Updates are atomic; Metrics is safe for concurrent use
// and implements prometheus.Collector with the labels connector and task.
type Metrics struct {
	connector, task string

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
	return &Metrics{connector: connector, task: strconv.Itoa(task)}
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

var (
	sinkLabels     = []string{"connector", "task"}
	descRecords    = prometheus.NewDesc("onec_sink_records_total", "Records received from Kafka.", sinkLabels, nil)
	descRows       = prometheus.NewDesc("onec_sink_rows_written_total", "Rows committed into the 1C register.", sinkLabels, nil)
	descBatches    = prometheus.NewDesc("onec_sink_batches_total", "Write transactions committed (rows plus offsets).", sinkLabels, nil)
	descDLQ        = prometheus.NewDesc("onec_sink_errant_records_total", "Records sent to the errant record reporter (dead-letter queue).", sinkLabels, nil)
	descDuplicates = prometheus.NewDesc("onec_sink_duplicates_skipped_total", "Records skipped as duplicates (dedup.field, redeliveries).", sinkLabels, nil)
	descErrors     = prometheus.NewDesc("onec_sink_write_errors_total", "Write transactions rolled back.", sinkLabels, nil)
	descFenced     = prometheus.NewDesc("onec_sink_fenced_total", "Writes refused because another writer moved a partition's stored offset.", sinkLabels, nil)
	descBatchSecs  = prometheus.NewDesc("onec_sink_last_batch_seconds", "Duration of the last committed write transaction.", sinkLabels, nil)
	sinkDescs      = []*prometheus.Desc{descRecords, descRows, descBatches, descDLQ, descDuplicates, descErrors, descFenced, descBatchSecs}
)

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range sinkDescs {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	s := m.Snapshot()
	c := func(d *prometheus.Desc, t prometheus.ValueType, v float64) {
		ch <- prometheus.MustNewConstMetric(d, t, v, m.connector, m.task)
	}
	c(descRecords, prometheus.CounterValue, float64(s.Records))
	c(descRows, prometheus.CounterValue, float64(s.RowsWritten))
	c(descBatches, prometheus.CounterValue, float64(s.Batches))
	c(descDLQ, prometheus.CounterValue, float64(s.DLQ))
	c(descDuplicates, prometheus.CounterValue, float64(s.Duplicates))
	c(descErrors, prometheus.CounterValue, float64(s.WriteErrors))
	c(descFenced, prometheus.CounterValue, float64(s.Fenced))
	c(descBatchSecs, prometheus.GaugeValue, s.LastBatchSeconds)
}
