// Package runtime is the worker: it runs connectors and tasks, each in its
// own goroutine, and moves records between them and Kafka.
//
// Source tasks: Poll → transformation chain → key/value/header converters →
// sarama AsyncProducer (acks=all, idempotent by default) → on the broker's
// acknowledgement SourceTask.CommitRecord is called and the record's source
// offset becomes committable; offsets are committed to the [storage.OffsetStore]
// only over contiguous acknowledged records per source partition, every
// offset.flush.interval.ms and on stop (within offset.flush.timeout.ms).
//
// Sink tasks: sarama ConsumerGroup "connect-<name>" → converters →
// transformation chain → SinkTask.Put in batches → on the flush interval
// Flush/PreCommit then a consumer offset commit. Rebalances call Open and
// Close; SinkTaskContext.Pause/Resume pause partitions.
//
// Every stage reports failures through one [errorHandler] per task that
// applies errors.retry.timeout, errors.tolerance, errors.log.* and (sinks)
// the dead-letter queue.
//
// The [Worker] is what the herder drives: StartConnector, StartTask,
// SetTargetState, Stop…, with statuses reported through
// [ConnectorStatusListener] and [TaskStatusListener]. It does not decide
// what runs where, store configs or statuses (the herder and
// connect/storage do), nor serve REST.
package runtime
