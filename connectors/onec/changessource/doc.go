// Package changessource is OneCChangesSource: change data capture through
// 1C:Enterprise's own change registration (exchange plans, 1c-layout.md §9).
//
// Configuration: exchange.plan (ПланОбмена.Kafka) and node (the code of a
// node dedicated to the connector), objects (a subset of the plan's
// content; empty = all of it), topic or topic.template (${prefix},
// ${kind}, ${name}; transliterated), snapshot.mode (initial, never,
// initial_only), tombstones.on.delete, batch.size, poll.interval.ms, plus
// the common database.url/user/password keys.
//
// Records. One record per registered object, keyed by the object: {Ссылка}
// for catalogs, documents, exchange plans and charts; the change-key
// columns (Регистратор, or Период and the change-tracked dimensions) for
// registers; {Константа} for constants. The value is the envelope {op,
// kind, name, ts_ms, data}: op is r (initial snapshot), u (the object
// exists; 1C's registration does not tell a new object from a changed one,
// so c is never emitted) or d (the row is gone, or a register record set is
// empty); data is the object with its tabular sections (arrays of structs)
// or, for registers, {records: [...]}, null for d. With
// tombstones.on.delete a tombstone follows each d.
//
// Delivery protocol (at-least-once, in order per key), per object and
// batch:
//  1. stamp: one autocommit UPDATE sets _MessageNo = N on up to batch.size
//     registrations of the node whose _MessageNo is NULL (or below the
//     numbers of this run: orphans of a previous run), skipping rows locked
//     by 1C transactions in progress, and returns their keys;
//  2. read: the objects' current rows (and tabular sections) in a
//     read-only transaction (REPEATABLE READ on PostgreSQL), no lock kept;
//  3. produce; CommitRecord counts Kafka's acknowledgements;
//  4. delete: when every record of the batch is acknowledged, the next Poll
//     runs DELETE … WHERE node AND _MessageNo = N (autocommit). A
//     registration made again meanwhile has _MessageNo reset to NULL by 1C,
//     so it survives and goes out in a later batch (after the earlier
//     record of the same key: per-key order holds).
//
// N grows monotonically: it starts above both the stored offsets
// ({"message.no": N} per source partition {exchange.plan, node, object})
// and the largest _MessageNo of the node in the change tables. A task that
// stops with batches in flight leaves them stamped; the next run sends them
// again. The node's _SentNo/_ReceivedNo are not touched.
//
// The node must be dedicated to the connector: 1C's own exchange on the
// same node would have its registrations deleted (lost changes), and its
// message numbers would mix with the connector's.
//
// Permissions: in the DBMS, SELECT on the Config, Params and _YearOffset
// system tables, on the objects' tables and the plan's node table; SELECT,
// UPDATE and DELETE on the change tables (_…ChngR…). In 1C: a node of the
// exchange plan for the connector (see docs/connectors/onec-changes-source.md).
//
// Parallelism: one task per group of objects (round-robin over the
// objects, tasks.max groups at most); an object belongs to one task.
// Performance knobs: batch.size (registrations per stamp/read), tasks.max,
// max.inflight.batches, poll.interval.ms.
//
// Threading: Poll runs on the worker's task goroutine and owns the database
// and the metadata; CommitRecord runs on the acknowledgement goroutine and
// only touches the tracker, which is locked.
package changessource
