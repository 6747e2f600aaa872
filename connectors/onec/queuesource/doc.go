// Package queuesource is OneCQueueSource, the 1C transactional outbox
// source: 1C code writes messages into an information register used as an
// outbound queue (e.g. РегистрСведений.ИсходящаяОчередь, numbered by the
// dimension НомерСообщения) inside its own business transactions, and the
// connector moves them to Kafka, the way DaJet's CONSUME does.
//
// Configuration: register, order.by (the numbering dimension), mode
// (delete | offset), topic or topic.field (+ topic.map; other values are
// transliterated by schema/translit.Topic), key.field, value.field (one
// field as it is, e.g. a text body for the String/ByteArray converters) or
// the whole row as a struct named after the register with the 1C attribute
// names as field names, headers.fields, headers.json.field,
// timestamp.field, split.field + split.values, and the tuning keys below.
// Every name is resolved against the infobase metadata by Validate, which
// lists each wrong key with close matches.
//
// Values are mapped by connectors/onec/metadata/rowmap, as in the table
// and changes sources: the whole-row struct is the register's
// ConnectSchema, references are UUID strings (null when empty), enum
// values their names, and fields of composite type (several types) the
// onec.Composite struct {type, value}. Composite fields may be the key,
// the value or headers; order.by, topic.field, split.field,
// timestamp.field and headers.json.field need a field of one type.
//
// Delivery guarantee: at-least-once, in order per key.
//
//   - delete (default): one database transaction per batch (see batch):
//     batch.size rows in number order are locked, skipping rows others
//     hold — PostgreSQL deletes them in the same statement (DELETE …
//     RETURNING over SELECT … FOR UPDATE SKIP LOCKED), SQL Server selects
//     them WITH (UPDLOCK, ROWLOCK, READPAST); the records go to Kafka; when
//     Kafka acknowledged every record of the batch (CommitRecord), the next
//     Poll commits (SQL Server deletes first). Up to max.inflight.batches
//     batches are open at once and commit strictly in order; a batch not
//     acknowledged within ack.timeout.ms rolls back with every later batch
//     (a watchdog goroutine enforces it even when Poll is not called), so
//     rows are re-sent in their original order. A stopped or killed task
//     rolls back: rows stay and are sent again (duplicates, never loss).
//   - offset: rows stay; the source partition is {"register": <Russian full
//     name>[, "split": <value>]} and the offset {"number": N}, stored by the
//     worker after Kafka's acknowledgement. Numbers can become visible out
//     of order; the ordering guard (see stream) holds later rows back: on
//     PostgreSQL rows whose inserting transaction is not older than every
//     running transaction, plus a gap check with the settle.ms window
//     (without split.field); on SQL Server a locking read
//     (READCOMMITTEDLOCK) plus the gap check.
//
// Ordering across retries needs the worker's idempotent producer (the
// default) — with producer.override.max.in.flight.requests.per.connection=1
// for strict order per partition on brokers without idempotence.
//
// Unit of parallelism: one task per group of split.field values (tasks.max
// caps the number of groups); each value is its own stream with its own
// order. Without split.field the connector runs one task.
//
// Permissions. PostgreSQL: SELECT on the register's table (_InfoRgN) and on
// the system tables config, params, _yearoffset (metadata), plus DELETE and
// row locks (UPDATE privilege for FOR UPDATE) on the register's table in
// delete mode. SQL Server: SELECT on the same tables, DELETE on the
// register's table in delete mode. Nothing is needed inside 1C besides the
// register itself.
//
// Failures: a lost database connection keeps the task RUNNING with a
// warning per attempt, retrying with exponential back-off until
// errors.retry.timeout, then the task fails with the trace. The metadata is
// re-checked every metadata.refresh.interval.ms: new attributes join the
// record schema, a removed register or configured field fails the task and
// the connector with a message naming it. A malformed row (a value that
// does not map, an empty topic field, headers that are not a JSON object)
// fails the task naming the row's number, or is logged and skipped under
// errors.tolerance=all (the offset moves past it; delete mode removes it
// with its batch). Before rows that do not map are called malformed the
// configuration fingerprint is checked: after a change (e.g. a new enum
// value) the metadata reloads and the rows are read again.
//
// Both modes read the next batch ahead while the runtime sends the current
// one; in delete mode the batch read ahead is locked and registered like
// any open batch (it counts against max.inflight.batches and the watchdog
// enforces its ack.timeout.ms from the moment it was locked).
//
// Performance knobs: batch.size (rows per read, and per lock in delete
// mode), max.inflight.batches (delete mode concurrency), ack.timeout.ms
// (the longest rows stay locked, hence the longest a 1C writer changing a
// locked row waits), poll.interval.ms (idle pause), settle.ms (offset-mode
// gap wait). Reading only the fields the records use (value.field) reads
// fewer columns.
//
// Metrics (common.Metrics, a prometheus.Collector per task): records,
// batches, acknowledged rows, rolled-back batches, database errors, queue
// depth and oldest pending age (with timestamp.field), a retrying gauge.
package queuesource
