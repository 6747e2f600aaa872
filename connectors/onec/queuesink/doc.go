// Package queuesink is OneCQueueSink, the 1C inbound queue sink: records
// consumed from Kafka become rows of an information register used as an
// inbox (e.g. РегистрСведений.ВходящаяОчередь), which a scheduled job in
// 1C processes and deletes — the way DaJet's CONSUME … INSERT
// РегистрСведений.ВходящиеСообщения works.
//
// Configuration: register (1C full name, Russian or English; an
// independent information register), and where each register field's value
// comes from: sequence.field (a number from a database sequence the
// connector creates), topic.field, partition.field, offset.field,
// key.field, value.field (the value as text or bytes; empty: the fields of
// a struct or JSON-object value fill the register fields of the same
// names), headers.json.field, timestamp.field (the record timestamp),
// received.field (the write time), plus dedup.field, truncate.strings,
// batch.size and batch.linger.ms. Validate resolves every name against
// the infobase metadata and lists each wrong key with close matches.
// Fields without a source get 1C's empty value of their type (empty
// string, 0, 0001-01-01, false, the empty reference), and the register's
// system columns are filled as 1C does (1c-layout.md §6.6): _Period with
// the record timestamp at the start of its period for a periodic register,
// _SimpleKey with a fresh random key in old compatibility modes;
// registers subordinate to a recorder are refused.
//
// Values are converted to the field types of the metadata: strings
// longer than the field, numbers with more integer or fraction digits than
// Число(p,s) holds, negative numbers in non-negative fields and values of
// the wrong kind are data errors, never silently cut or rounded (strings
// may be cut with truncate.strings=true). A record with a data error goes
// to the runtime's ErrantRecordReporter: logged and written to the
// dead-letter queue with Kafka Connect's context headers under
// errors.tolerance=all, and the rest of the batch proceeds; under
// errors.tolerance=none the task fails with a message naming the field,
// its type and the limit.
//
// Delivery guarantee: exactly-once into the register. A full batch is
// written in the background while the next one is consumed (one batch in
// flight per task; batches commit in order), the rest at the runtime's
// offset commit (in the background too; Close on revocation waits for
// it). Each batch is one database transaction (scope, in order): move the stored offset of every
// partition in the batch in the connector's table onec_connect.
// onec_sink_offsets, fenced on the value the task last read or wrote (a
// row lock on each offsets row); with dedup.field drop ids already in the
// register; take the sequence numbers; bulk insert the rows (COPY … FROM
// STDIN on PostgreSQL, TDS bulk copy on SQL Server); commit. PreCommit
// returns the stored offsets, which the runtime commits to the consumer
// group afterwards — for monitoring only: on partition assignment (Open)
// the task reads the offsets table and rewinds consumption to it, and
// drops redelivered records below the stored offset. So a crash between
// the database commit and Kafka's commit neither loses nor duplicates a
// record, and a zombie task that lost its partitions fails the fence and
// rolls back. Records of one partition are written in offset order, and
// the sequence numbers grow with the offset within a partition.
//
// Unit of parallelism: the Kafka partition. Every task gets the same
// configuration; the consumer group (connect-<name>) spreads the
// partitions of topics/topics.regex over tasks.max tasks.
//
// Permissions. PostgreSQL: INSERT (and SELECT with dedup.field) on the
// register's table (_InfoRgN); SELECT on config, params and _yearoffset
// (metadata); USAGE on schema onec_connect with SELECT, INSERT, UPDATE on
// onec_connect.onec_sink_offsets and USAGE/UPDATE on the sequence. The first
// start creates the schema, the table and the sequence, which needs CREATE
// on the database (or create them in advance, see the documentation).
// SQL Server: the same (bulk copy with constraints checked and triggers
// fired needs only INSERT on the table), and CREATE SCHEMA, CREATE TABLE,
// CREATE SEQUENCE on first start. Nothing is needed inside 1C besides the
// register and the job that processes it.
//
// Failures: a lost database connection rolls the batch back and rewinds
// the partitions to their stored offsets (the task keeps running; reading
// the offsets on assignment is retried with back-off for
// errors.retry.timeout). A row the register refuses as a duplicate of its
// unique key (the offsets table was cleared by hand) or any other SQL
// error fails the task.
//
// Performance knobs: batch.size (rows per transaction, default 5000),
// batch.linger.ms (the longest a partial batch waits), the consumer's
// max.poll.records (consumer.override.max.poll.records), tasks.max with
// enough partitions. Transactions hold only new rows and the offsets rows,
// so 1C code reading the register is not blocked by them on PostgreSQL.
//
// Metrics (Metrics, a prometheus.Collector per task): records received,
// rows written, batches, errant records (DLQ writes), duplicates skipped,
// write errors, fence conflicts, the last batch's duration.
package queuesink
