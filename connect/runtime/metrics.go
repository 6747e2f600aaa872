package runtime

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the worker's Prometheus metrics, registered on a registry the
// worker owns (never the global one). Labels are low-cardinality:
// connector, task, state, stage. Safe for concurrent use.
type Metrics struct {
	// Registry holds every metric below; serve it with promhttp.HandlerFor.
	Registry *prometheus.Registry

	connectorState *prometheus.GaugeVec
	taskState      *prometheus.GaugeVec
	sourcePolled   *prometheus.CounterVec
	sourceWritten  *prometheus.CounterVec
	sinkRead       *prometheus.CounterVec
	sinkPut        *prometheus.CounterVec
	failures       *prometheus.CounterVec
	skipped        *prometheus.CounterVec
	commitSeconds  *prometheus.HistogramVec
	commitFailures *prometheus.CounterVec
	sinkLag        *prometheus.GaugeVec
	tolerated      *prometheus.CounterVec
	retries        *prometheus.CounterVec
	dlqWrites      *prometheus.CounterVec
	dlqFailures    *prometheus.CounterVec
}

// States a status gauge can be in.
var metricStates = []string{"UNASSIGNED", "RUNNING", "PAUSED", "STOPPED", "FAILED"}

// NewMetrics builds the metrics on reg (a new registry when nil).
func NewMetrics(reg *prometheus.Registry) *Metrics {
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	m := &Metrics{
		Registry: reg,
		connectorState: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "connect", Name: "connector_status",
			Help: "1 for the connector's current state, 0 for the others."}, []string{"connector", "state"}),
		taskState: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "connect", Name: "task_status",
			Help: "1 for the task's current state, 0 for the others."}, []string{"connector", "task", "state"}),
		sourcePolled: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "connect", Name: "source_record_poll_total",
			Help: "Records returned by SourceTask.Poll."}, []string{"connector", "task"}),
		sourceWritten: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "connect", Name: "source_record_write_total",
			Help: "Source records acknowledged by Kafka."}, []string{"connector", "task"}),
		sinkRead: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "connect", Name: "sink_record_read_total",
			Help: "Records consumed from Kafka by sink tasks."}, []string{"connector", "task"}),
		sinkPut: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "connect", Name: "sink_record_send_total",
			Help: "Records passed to SinkTask.Put successfully."}, []string{"connector", "task"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "connect", Name: "task_errors_total",
			Help: "Failed operations by stage."}, []string{"connector", "task", "stage"}),
		skipped: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "connect", Name: "task_records_skipped_total",
			Help: "Records skipped under errors.tolerance=all."}, []string{"connector", "task"}),
		commitSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: "connect", Name: "offset_commit_seconds",
			Help: "Offset commit latency.", Buckets: prometheus.ExponentialBuckets(0.0005, 4, 9)}, []string{"connector", "task"}),
		commitFailures: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "connect", Name: "offset_commit_failures_total",
			Help: "Failed offset commits."}, []string{"connector", "task"}),
		sinkLag: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "connect", Name: "sink_consumer_lag",
			Help: "Records between the sink task's position and the high watermarks of its partitions."}, []string{"connector", "task"}),
		tolerated: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "connect", Name: "errors_tolerated_total",
			Help: "Failures tolerated under errors.tolerance=all (records skipped), by connector and stage."}, []string{"connector", "stage"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "connect", Name: "errors_retries_total",
			Help: "Retries of operations that failed with a retriable error, by connector and stage."}, []string{"connector", "stage"}),
		dlqWrites: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "connect", Name: "deadletterqueue_produce_total",
			Help: "Records written to the dead-letter queue, by connector and the stage that failed."}, []string{"connector", "stage"}),
		dlqFailures: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "connect", Name: "deadletterqueue_produce_failures_total",
			Help: "Failed writes to the dead-letter queue (each fails its task)."}, []string{"connector"}),
	}
	reg.MustRegister(m.connectorState, m.taskState, m.sourcePolled, m.sourceWritten, m.sinkRead, m.sinkPut,
		m.failures, m.skipped, m.commitSeconds, m.commitFailures, m.sinkLag, m.tolerated, m.retries, m.dlqWrites, m.dlqFailures)
	return m
}

func (m *Metrics) setConnectorState(connector, state string) {
	for _, s := range metricStates {
		v := 0.0
		if s == state {
			v = 1
		}
		m.connectorState.WithLabelValues(connector, s).Set(v)
	}
}

func (m *Metrics) setTaskState(connector string, task int, state string) {
	t := strconv.Itoa(task)
	for _, s := range metricStates {
		v := 0.0
		if s == state {
			v = 1
		}
		m.taskState.WithLabelValues(connector, t, s).Set(v)
	}
}

func (m *Metrics) forgetConnector(connector string) {
	l := prometheus.Labels{"connector": connector}
	for _, v := range []interface {
		DeletePartialMatch(prometheus.Labels) int
	}{m.connectorState, m.tolerated, m.retries, m.dlqWrites, m.dlqFailures} {
		v.DeletePartialMatch(l)
	}
}

func (m *Metrics) forgetTask(connector string, task int) {
	l := prometheus.Labels{"connector": connector, "task": strconv.Itoa(task)}
	for _, v := range []interface {
		DeletePartialMatch(prometheus.Labels) int
	}{m.taskState, m.sourcePolled, m.sourceWritten, m.sinkRead, m.sinkPut, m.failures, m.skipped, m.commitSeconds, m.commitFailures, m.sinkLag} {
		v.DeletePartialMatch(l)
	}
}

// taskMetrics are one task's pre-resolved counters (no label lookups on
// the hot path).
type taskMetrics struct {
	m              *Metrics
	connector      string
	task           string
	polled         prometheus.Counter
	written        prometheus.Counter
	read           prometheus.Counter
	put            prometheus.Counter
	skipped        prometheus.Counter
	commitSeconds  prometheus.Observer
	commitFailures prometheus.Counter
	lag            prometheus.Gauge
}

func (m *Metrics) forTask(connector string, task int) *taskMetrics {
	t := strconv.Itoa(task)
	return &taskMetrics{
		m: m, connector: connector, task: t,
		polled:         m.sourcePolled.WithLabelValues(connector, t),
		written:        m.sourceWritten.WithLabelValues(connector, t),
		read:           m.sinkRead.WithLabelValues(connector, t),
		put:            m.sinkPut.WithLabelValues(connector, t),
		skipped:        m.skipped.WithLabelValues(connector, t),
		commitSeconds:  m.commitSeconds.WithLabelValues(connector, t),
		commitFailures: m.commitFailures.WithLabelValues(connector, t),
		lag:            m.sinkLag.WithLabelValues(connector, t),
	}
}

// failure counts one failed attempt at stage.
func (tm *taskMetrics) failure(stage Stage) {
	tm.m.failures.WithLabelValues(tm.connector, tm.task, string(stage)).Inc()
}

// tolerated counts one failure skipped under errors.tolerance=all.
func (tm *taskMetrics) tolerated(stage Stage) {
	tm.skipped.Inc()
	tm.m.tolerated.WithLabelValues(tm.connector, string(stage)).Inc()
}

// retried counts one retry after a retriable failure.
func (tm *taskMetrics) retried(stage Stage) {
	tm.m.retries.WithLabelValues(tm.connector, string(stage)).Inc()
}

// dlqWritten counts one record written to the dead-letter queue.
func (tm *taskMetrics) dlqWritten(stage Stage) {
	tm.m.dlqWrites.WithLabelValues(tm.connector, string(stage)).Inc()
}

// dlqFailed counts one failed dead-letter write.
func (tm *taskMetrics) dlqFailed() {
	tm.m.dlqFailures.WithLabelValues(tm.connector).Inc()
}
