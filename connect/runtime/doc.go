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
// Every stage reports failures through one errorHandler per task
// (tolerance.go) that applies, in order:
//
//   - errors.retry.timeout / errors.retry.delay.max.ms (retry.go): an
//     operation failing with a retriable error (*connect.RetriableError, or
//     an error whose Retriable() method says so, such as a Schema Registry
//     outage) is retried with exponential back-off from 300 ms with jitter;
//     a SinkTask.Put still failing retriably afterwards is redelivered
//     until it succeeds, as Kafka Connect does;
//   - errors.tolerance: under all, failures in the converter and
//     transformation stages, producing a source record (KIP-779), retriable
//     failures whose retries ran out, and records a sink reports through
//     its ErrantRecordReporter are skipped; anything else fails the task
//     with a *StageError whose trace names stage, class and cause;
//   - errors.log.enable / errors.log.include.messages (errlog.go): Kafka
//     Connect's LogReporter; record contents only with include.messages,
//     and error texts with every password-type configuration value
//     replaced by [hidden];
//   - the dead-letter queue (dlq.go), for sinks as in Kafka Connect and,
//     ours, for sources: a skipped source record is written with its
//     converted (or best raw) key and value and the __connect.errors.*
//     context headers plus __connect.errors.source.partition / .offset,
//     and its source offset still advances (CommitRecord(rec, nil) tells
//     the task), so one poison row cannot block its queue — unless
//     errors.strict.order=true or the connector implements
//     connect.StrictOrderer, when the task fails instead;
//   - metrics: connect_errors_tolerated_total, connect_errors_retries_total
//     and connect_deadletterqueue_produce_total by connector and stage,
//     connect_deadletterqueue_produce_failures_total by connector, plus the
//     per-task connect_task_errors_total and task_records_skipped_total.
//
// Only skipped records go to the dead-letter queue; a dead-letter write is
// acknowledged before the record's offset may be committed, and a failed
// write fails the task. [ExceptionClass] documents the exception class
// names used in the headers (converters.DataError appears as Kafka's
// DataException).
//
// The [Worker] is what the herder drives: StartConnector, StartTask,
// SetTargetState, Stop…, with statuses reported through
// [ConnectorStatusListener] and [TaskStatusListener]. It does not decide
// what runs where, store configs or statuses (the herder and
// connect/storage do), nor serve REST.
package runtime
