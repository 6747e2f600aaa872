package connect

import (
	"context"
	"log/slog"
)

// SourceTask reads from an outside system and returns records for Kafka.
//
// Lifecycle: Start once, then Poll repeatedly from one worker goroutine,
// then Stop once after the last Poll has returned (the worker cancels the
// context of a Poll in progress to make it return). Start and Stop are
// always called from that same goroutine.
//
// Threading: CommitRecord is called from the worker's acknowledgement
// goroutine, concurrently with Poll but never concurrently with itself, in
// acknowledgement order (which is send order within a Kafka partition).
// Commit is called from the offset-flush path, concurrently with Poll and
// CommitRecord. Implementations guard state these share.
type SourceTask interface {
	// Start begins the task with its task configuration. tctx stays valid
	// until Stop returns.
	Start(ctx context.Context, tctx SourceTaskContext, props map[string]string) error
	// Poll returns the next batch of records, or (nil, nil) when there is
	// nothing yet; it should block a short while (≤ ~1 s) rather than spin,
	// and return promptly when ctx is cancelled. An error fails the task,
	// except a *RetriableError, which the runtime retries under
	// errors.retry.timeout. The runtime owns the returned records.
	Poll(ctx context.Context) ([]*SourceRecord, error)
	// Commit is called after the worker has stored offsets of acknowledged
	// records: a hook for sources that acknowledge upstream in batches.
	Commit(ctx context.Context) error
	// CommitRecord is called once per record after Kafka acknowledged it
	// (md is its topic, partition and offset), or after the record was
	// dropped by a transformation or skipped under errors.tolerance=all
	// (md is nil). A source that deletes rows upstream does it here.
	CommitRecord(ctx context.Context, rec *SourceRecord, md *RecordMetadata) error
	// Stop releases the task's resources. ctx carries the graceful shutdown
	// deadline; a task still inside Stop when it passes is abandoned.
	Stop(ctx context.Context) error
}

// SourceTaskContext is what a running source task may ask of the runtime.
// Its methods are safe for concurrent use.
type SourceTaskContext interface {
	// TaskID names the task.
	TaskID() TaskID
	// OffsetStorageReader reads the offsets stored for this connector.
	OffsetStorageReader() OffsetStorageReader
	// Logger returns a logger carrying the connector and task ids.
	Logger() *slog.Logger
}

// OffsetStorageReader reads committed source offsets of the task's
// connector. Offsets returns, for each partition in order, the stored offset
// or nil when none is stored. Numbers come back as int64 when integral,
// float64 otherwise.
type OffsetStorageReader interface {
	Offset(ctx context.Context, partition map[string]any) (map[string]any, error)
	Offsets(ctx context.Context, partitions []map[string]any) ([]map[string]any, error)
}

// StrictOrderer is an optional [SourceConnector] interface. A connector
// whose records must reach Kafka in order without gaps (a 1C exchange-plan
// queue whose consumer relies on it, for instance) returns true for its
// configuration props; the runtime then fails the task when a record fails
// transformation, conversion or production, even under
// errors.tolerance=all, instead of skipping it to the dead-letter queue.
// Setting errors.strict.order=true has the same effect for any source.
type StrictOrderer interface {
	StrictOrder(props map[string]string) bool
}
