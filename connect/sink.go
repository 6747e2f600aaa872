package connect

import (
	"context"
	"log/slog"
)

// SinkTask writes records read from Kafka to an outside system.
//
// Lifecycle: Start once; Open whenever partitions are assigned (before any
// Put with their records); Put with batches; Flush (or PreCommit, see
// [SinkPreCommitter]) on every offset commit; Close whenever partitions are
// revoked (after a final commit for them); Stop once at the end (after Close
// of every assigned partition).
//
// Threading: every method is called from the one goroutine the worker runs
// the task on; none is called concurrently with another. SinkTaskContext
// methods may be called from any goroutine.
type SinkTask interface {
	// Start begins the task. tctx stays valid until Stop returns.
	Start(ctx context.Context, tctx SinkTaskContext, props map[string]string) error
	// Open is called with newly assigned partitions. A sink that stores its
	// own offsets rewinds here through SinkTaskContext.Offset. ctx is
	// cancelled when the task is asked to stop; Open is not called once the
	// task is stopping, and an error it returns after the stop began does
	// not fail the task.
	Open(ctx context.Context, partitions []TopicPartition) error
	// Put delivers a batch of records. It may buffer them; it should not
	// block for long. A *RetriableError makes the runtime redeliver the same
	// batch after a back-off; another error fails the task.
	Put(ctx context.Context, records []*SinkRecord) error
	// Flush must make every record passed to Put so far durable. offsets
	// maps each assigned partition to the next offset to consume (last put
	// offset + 1), which the runtime commits after Flush returns nil.
	Flush(ctx context.Context, offsets map[TopicPartition]int64) error
	// Close is called with revoked partitions (those Open was given); drop
	// their buffered state. It is also called while the task stops; ctx is
	// then cancelled only by the graceful shutdown deadline
	// (task.shutdown.graceful.timeout.ms), never by the stop itself.
	Close(ctx context.Context, partitions []TopicPartition) error
	// Stop releases the task's resources. ctx carries the graceful
	// shutdown deadline.
	Stop(ctx context.Context) error
}

// SinkPreCommitter is an optional SinkTask interface (Kafka's preCommit).
// When a task implements it, the runtime calls PreCommit instead of Flush
// and commits the offsets it returns (a subset of, or at most, current);
// returning an empty map commits nothing. A sink that commits offsets in its
// own storage transactionally returns nil here.
type SinkPreCommitter interface {
	PreCommit(ctx context.Context, current map[TopicPartition]int64) (map[TopicPartition]int64, error)
}

// SinkTaskContext is what a running sink task may ask of the runtime. Its
// methods are safe for concurrent use and take effect before the next Put.
type SinkTaskContext interface {
	// TaskID names the task.
	TaskID() TaskID
	// Offset rewinds (or advances) consumption of the given partitions to
	// the given next offsets; records already delivered past them are
	// delivered again.
	Offset(offsets map[TopicPartition]int64)
	// Assignment returns the partitions currently assigned to the task.
	Assignment() []TopicPartition
	// Pause stops fetching from the partitions until Resume.
	Pause(partitions ...TopicPartition)
	// Resume continues fetching from paused partitions.
	Resume(partitions ...TopicPartition)
	// RequestCommit asks for an offset commit (Flush/PreCommit, then commit)
	// as soon as possible instead of at the next flush interval.
	RequestCommit()
	// ErrantRecordReporter returns the reporter for records the task cannot
	// write (KIP-610); it is never nil.
	ErrantRecordReporter() ErrantRecordReporter
	// Logger returns a logger carrying the connector and task ids.
	Logger() *slog.Logger
}

// ErrantRecordReporter sends a record the task could not process to the
// connector's error path: logged, written to the dead-letter queue, counted,
// according to the errors.* configuration. Report returns an error when the
// configuration does not tolerate the failure (errors.tolerance=none): the
// task should then return that error from Put. Safe for concurrent use.
type ErrantRecordReporter interface {
	Report(ctx context.Context, rec *SinkRecord, err error) error
}
