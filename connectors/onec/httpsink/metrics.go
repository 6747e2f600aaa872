package httpsink

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// MetricsProvider is an optional interface of a connect.SinkTaskContext:
// a runtime that implements it gets the task's Prometheus metrics
// registered on its registry (and unregistered when the task stops). The
// metrics carry the labels connector and task.
type MetricsProvider interface {
	MetricsRegisterer() prometheus.Registerer
}

// metrics are one task's counters and the request latency histogram.
type metrics struct {
	written    prometheus.Counter   // records 1C acknowledged with 2xx
	batches    prometheus.Counter   // successful requests
	latency    prometheus.Histogram // seconds per HTTP attempt
	retries    prometheus.Counter   // attempts repeated after a retriable failure
	errant     prometheus.Counter   // records sent to the error path (DLQ)
	replies    prometheus.Counter   // reply records produced
	sessions   prometheus.Counter   // 1C sessions started
	collectors []prometheus.Collector
	reg        prometheus.Registerer
}

func newMetrics(connector string, task int) *metrics {
	labels := prometheus.Labels{"connector": connector, "task": strconv.Itoa(task)}
	counter := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Namespace: "onec", Subsystem: "http_sink", Name: name, Help: help, ConstLabels: labels})
	}
	m := &metrics{
		written:  counter("records_written_total", "Records the HTTP service acknowledged with a 2xx answer."),
		batches:  counter("requests_total", "Successful HTTP requests (batches)."),
		retries:  counter("retries_total", "HTTP attempts repeated after a retriable failure (5xx, 429, 408, timeout, connection)."),
		errant:   counter("errant_records_total", "Records sent to the error path (errors.tolerance, dead-letter queue)."),
		replies:  counter("replies_total", "Response bodies produced to reply.topic."),
		sessions: counter("sessions_started_total", "Requests that asked 1C to start a session (IBSession: start)."),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "onec", Subsystem: "http_sink", Name: "request_seconds",
			Help: "Latency of HTTP attempts, failed ones included.", ConstLabels: labels,
			Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 12)}),
	}
	m.collectors = []prometheus.Collector{m.written, m.batches, m.retries, m.errant, m.replies, m.sessions, m.latency}
	return m
}

// register adds the metrics to reg; a failure (e.g. a duplicate task) is
// returned and leaves the metrics unregistered.
func (m *metrics) register(reg prometheus.Registerer) error {
	for i, c := range m.collectors {
		if err := reg.Register(c); err != nil {
			for _, done := range m.collectors[:i] {
				reg.Unregister(done)
			}
			return err
		}
	}
	m.reg = reg
	return nil
}

func (m *metrics) unregister() {
	if m.reg == nil {
		return
	}
	for _, c := range m.collectors {
		m.reg.Unregister(c)
	}
	m.reg = nil
}

// Stats is a snapshot of a task's metrics.
type Stats struct {
	RecordsWritten  int64
	Requests        int64
	Retries         int64
	ErrantRecords   int64
	Replies         int64
	SessionsStarted int64
	// Attempts is the number of latency observations, LatencySum their
	// total in seconds.
	Attempts   int64
	LatencySum float64
}

func (m *metrics) stats() Stats {
	c := func(x prometheus.Counter) int64 {
		var d dto.Metric
		if err := x.Write(&d); err != nil || d.Counter == nil {
			return 0
		}
		return int64(d.Counter.GetValue())
	}
	st := Stats{RecordsWritten: c(m.written), Requests: c(m.batches), Retries: c(m.retries), ErrantRecords: c(m.errant),
		Replies: c(m.replies), SessionsStarted: c(m.sessions)}
	var d dto.Metric
	if err := m.latency.Write(&d); err == nil && d.Histogram != nil {
		st.Attempts = int64(d.Histogram.GetSampleCount())
		st.LatencySum = d.Histogram.GetSampleSum()
	}
	return st
}
