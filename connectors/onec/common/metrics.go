package common

import (
	"fmt"
	"math"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the 1C-specific counters and gauges of one task: records and
// batches sent, rows acknowledged (deleted or committed upstream), batches
// rolled back, errors, queue depth (pending rows or unsent registrations)
// and the age of the oldest pending row. Updates are atomic; the value is
// safe for concurrent use. Metrics implements prometheus.Collector with the
// labels connector and task, so a runtime may register it; Snapshot serves
// logs and tests.
type Metrics struct {
	connector string
	task      string
	descs     metricDescs

	records     atomic.Int64
	batches     atomic.Int64
	acked       atomic.Int64
	rolledBack  atomic.Int64
	errors      atomic.Int64
	depth       atomic.Int64
	oldestNanos atomic.Int64 // unix nanos of the oldest pending row; 0 = none
	retrying    atomic.Bool
}

// NewMetrics returns zeroed metrics of a task.
func NewMetrics(connector string, task int) *Metrics {
	m := &Metrics{connector: connector, task: strconv.Itoa(task)}
	m.descs = newMetricDescs(prometheus.Labels{"connector": connector, "task": m.task})
	return m
}

// AddRecords counts records handed to the runtime.
func (m *Metrics) AddRecords(n int) { m.records.Add(int64(n)) }

// AddBatch counts one batch read.
func (m *Metrics) AddBatch() { m.batches.Add(1) }

// AddAcked counts rows whose delivery was confirmed upstream (deleted in
// delete mode, passed by the stored offset in offset mode).
func (m *Metrics) AddAcked(n int) { m.acked.Add(int64(n)) }

// AddRolledBack counts batches rolled back (ack timeout, stop, failure).
func (m *Metrics) AddRolledBack() { m.rolledBack.Add(1) }

// AddError counts a failed database operation.
func (m *Metrics) AddError() { m.errors.Add(1) }

// SetRetrying marks the task as waiting for the database.
func (m *Metrics) SetRetrying(b bool) { m.retrying.Store(b) }

// SetDepth sets the number of pending rows (-1 = unknown).
func (m *Metrics) SetDepth(n int64) { m.depth.Store(n) }

// SetOldest sets the creation time of the oldest pending row (zero = none).
func (m *Metrics) SetOldest(t time.Time) {
	if t.IsZero() {
		m.oldestNanos.Store(0)
		return
	}
	m.oldestNanos.Store(t.UnixNano())
}

// MetricsSnapshot is a point-in-time copy of Metrics.
type MetricsSnapshot struct {
	Records, Batches, Acked, RolledBack, Errors int64
	QueueDepth                                  int64
	OldestPendingAge                            time.Duration
	Retrying                                    bool
}

// Snapshot copies the current values.
func (m *Metrics) Snapshot() MetricsSnapshot {
	s := MetricsSnapshot{Records: m.records.Load(), Batches: m.batches.Load(), Acked: m.acked.Load(),
		RolledBack: m.rolledBack.Load(), Errors: m.errors.Load(), QueueDepth: m.depth.Load(), Retrying: m.retrying.Load()}
	if n := m.oldestNanos.Load(); n != 0 {
		s.OldestPendingAge = max(time.Since(time.Unix(0, n)), 0)
	}
	return s
}

// metricDescs are one task's descriptions; the connector and task are
// constant labels, so several tasks' collectors register side by side.
type metricDescs struct {
	records, batches, acked, rolledBack, errors, depth, oldest, retrying *prometheus.Desc
}

func newMetricDescs(l prometheus.Labels) metricDescs {
	d := func(name, help string) *prometheus.Desc { return prometheus.NewDesc(name, help, nil, l) }
	return metricDescs{
		records:    d("onec_source_records_total", "Records read from 1C and handed to the runtime."),
		batches:    d("onec_source_batches_total", "Batches read from 1C."),
		acked:      d("onec_source_acknowledged_total", "Rows confirmed upstream after Kafka acknowledged them."),
		rolledBack: d("onec_source_batches_rolled_back_total", "Batches rolled back (ack timeout, stop, failure)."),
		errors:     d("onec_source_db_errors_total", "Failed database operations."),
		depth:      d("onec_source_queue_depth", "Pending rows (queue depth or unsent registrations); -1 unknown."),
		oldest:     d("onec_source_oldest_pending_age_seconds", "Age of the oldest pending row."),
		retrying:   d("onec_source_retrying", "1 while the task waits for the database."),
	}
}

func (d metricDescs) all() []*prometheus.Desc {
	return []*prometheus.Desc{d.records, d.batches, d.acked, d.rolledBack, d.errors, d.depth, d.oldest, d.retrying}
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range m.descs.all() {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	s := m.Snapshot()
	c := func(d *prometheus.Desc, t prometheus.ValueType, v float64) {
		ch <- prometheus.MustNewConstMetric(d, t, v)
	}
	c(m.descs.records, prometheus.CounterValue, float64(s.Records))
	c(m.descs.batches, prometheus.CounterValue, float64(s.Batches))
	c(m.descs.acked, prometheus.CounterValue, float64(s.Acked))
	c(m.descs.rolledBack, prometheus.CounterValue, float64(s.RolledBack))
	c(m.descs.errors, prometheus.CounterValue, float64(s.Errors))
	c(m.descs.depth, prometheus.GaugeValue, float64(s.QueueDepth))
	c(m.descs.oldest, prometheus.GaugeValue, math.Max(s.OldestPendingAge.Seconds(), 0))
	r := 0.0
	if s.Retrying {
		r = 1
	}
	c(m.descs.retrying, prometheus.GaugeValue, r)
}

// MetricsProvider is what a task context offers when the runtime shares its
// Prometheus registry with connectors (the worker's task contexts do).
type MetricsProvider interface {
	MetricsRegisterer() prometheus.Registerer
}

// RegisterMetrics registers m on the runtime's registry when tctx offers
// one, and returns the function that unregisters it (call it from Stop); a
// context without a registry, or a failed registration, gives a no-op.
func RegisterMetrics(tctx any, m *Metrics) (unregister func(), err error) {
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
