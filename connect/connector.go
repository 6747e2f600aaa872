package connect

import (
	"context"
	"log/slog"

	"github.com/onecconnect/onecconnect/config"
)

// Connector is the part of a connector that runs once per connector (not per
// task): it validates and accepts the connector configuration and splits the
// work into task configurations.
//
// Lifecycle: the worker creates a fresh value through the plugin's factory,
// calls Start once, then TaskConfigs any number of times, then Stop once
// (also after a failed Start). Validate and Config may be called on a value
// that is never started. All calls come from one goroutine at a time; a
// ConnectorContext method may be called from any goroutine while the
// connector runs, and must not be called after Stop returns.
type Connector interface {
	// Version is the connector's version string, shown by the REST API.
	Version() string
	// Config describes the connector's own keys (not the common ones such as
	// name, tasks.max, converters: the runtime adds those). The result must
	// not be modified by the caller.
	Config() *config.ConfigDef
	// Validate checks props beyond what Config can express (cross-key rules,
	// reachability of a database). It returns nil, a *config.ValidationError
	// listing failing keys (the REST validate endpoint shows them per key),
	// or another error (shown against the whole config). ctx bounds any I/O.
	Validate(ctx context.Context, props map[string]string) error
	// Start begins the connector with its full configuration (config
	// providers already resolved). It should return quickly; long-running
	// monitoring belongs in a goroutine stopped by Stop. An error fails the
	// connector with the error's trace in its status.
	Start(ctx context.Context, cctx ConnectorContext, props map[string]string) error
	// TaskConfigs returns at most maxTasks task configurations. The runtime
	// adds the task class and passes each to a task's Start.
	TaskConfigs(maxTasks int) ([]map[string]string, error)
	// Stop releases everything Start acquired. ctx carries the
	// task.shutdown.graceful.timeout.ms deadline.
	Stop(ctx context.Context) error
}

// SourceConnector is a connector whose tasks read from an outside system and
// write to Kafka.
type SourceConnector interface {
	Connector
	// NewTask returns a new, unstarted task; it is called once per task the
	// worker runs, possibly concurrently with other Connector methods.
	NewTask() SourceTask
}

// SinkConnector is a connector whose tasks read from Kafka and write to an
// outside system.
type SinkConnector interface {
	Connector
	// NewTask returns a new, unstarted task (see SourceConnector.NewTask).
	NewTask() SinkTask
}

// OffsetAlterer is an optional interface a connector implements to accept or
// refuse an external change of its offsets (KIP-875 alterOffsets). offsets
// maps partition to offset; a nil offset means the partition's offset is
// being reset. Returning an error refuses the change. The connector is
// stopped when this is called; the value may be a fresh, unstarted one.
//
// On a reset (REST DELETE) the runtime calls it with every partition it
// knows of (for a sink connector those of the consumer group's committed
// offsets), each with a nil Offset, before it deletes its own offsets, so
// that a connector that stores offsets itself clears them too.
//
// A connector that implements OffsetAlterer is taken to manage offsets
// externally: the REST API answers that "the offsets for this connector"
// were changed. See [ExternalOffsetAlterer] to say otherwise per call.
type OffsetAlterer interface {
	AlterOffsets(ctx context.Context, props map[string]string, offsets []OffsetEntry) error
}

// ExternalOffsetAlterer is the optional form of [OffsetAlterer] that
// carries Kafka's alterOffsets boolean; when a connector implements both,
// the runtime calls only AlterExternalOffsets. It is called at the same
// points and with the same offsets as OffsetAlterer.AlterOffsets. managed
// reports whether the connector manages offsets outside the framework (and
// has applied the change there): true makes the REST API answer "The
// offsets for this connector have been altered (reset) successfully";
// false, "The Connect framework-managed offsets for this connector have
// been altered (reset) successfully. However, if this connector manages
// offsets externally, …" (also the answer for a connector implementing
// neither interface). An error refuses the change.
type ExternalOffsetAlterer interface {
	AlterExternalOffsets(ctx context.Context, props map[string]string, offsets []OffsetEntry) (managed bool, err error)
}

// OffsetEntry is one partition and its offset, the shape of Kafka Connect's
// offsets REST API. For sink connectors the partition is
// {"kafka_topic": t, "kafka_partition": p} and the offset {"kafka_offset": o}.
// A nil Offset stands for "reset this partition".
type OffsetEntry struct {
	Partition map[string]any `json:"partition"`
	Offset    map[string]any `json:"offset"`
}

// ConnectorContext lets a running connector talk back to the runtime. Its
// methods are safe for concurrent use and never block for long.
type ConnectorContext interface {
	// RequestTaskReconfiguration asks the runtime to call TaskConfigs again
	// and restart tasks whose configuration changed (e.g. a new table
	// appeared).
	RequestTaskReconfiguration()
	// RaiseError fails the connector with err (its tasks keep running, as in
	// Kafka Connect); use it from background goroutines.
	RaiseError(err error)
	// Logger returns a logger carrying the connector name.
	Logger() *slog.Logger
}
