// Package tablesource is OneCTableSource: snapshots and polling of 1C
// catalogs, documents, exchange-plan nodes, charts, registers and constants,
// straight from their tables.
//
// Reading. Each object is read in keyset pages by its clustered key
// (Ссылка; Регистратор + НомерСтроки; Период + dimensions; a constant's one
// row), batch.size rows per page, one short read-only transaction per page
// and no table lock. A page's rows and the rows of their tabular sections
// come from one snapshot: REPEATABLE READ on PostgreSQL, SNAPSHOT on SQL
// Server when the database allows it; otherwise READ COMMITTED, with a
// warning at start (isolation.go). The position after each page is the
// record's source offset (partition {"object": full name}; offset {"pass",
// "after", "done"}): after a restart the task resumes after the last
// acknowledged page (at-least-once, at most one page twice). A stored
// offset the connector cannot have written fails the task (ErrBadOffset);
// one it cannot continue in incremental mode starts a new full pass
// (restorePosition). A goroutine reads one page ahead of the runtime, so
// the database read and the row mapping overlap with conversion and
// production.
//
// Modes. snapshot: one full pass, then a new pass every
// snapshot.interval.ms (0: once). incremental (SQL Server only): one full
// pass, then the rows whose _Version (rowversion) grew since the last
// delivered one, below MIN_ACTIVE_ROWVERSION() (rows below it are
// committed) as observed at least version.settle.ms earlier; objects
// without _Version (registers, constants) are refused in this mode, and a
// pass completed in snapshot mode is read again in full before the
// changes. Both are weaker than OneCChangesSource: deletions are
// invisible, a row changed twice between reads is seen once, and in
// snapshot mode every pass sends every row again. On PostgreSQL _Version
// is a plain counter, so only snapshot mode is offered there.
//
// Records: the key is a struct of the clustered-key fields (as in the
// value), the value the object's struct (attributes, tabular sections as
// arrays of structs when tabular.sections=true), the mapping every 1C
// connector shares (metadata/rowmap).
//
// Permissions: SELECT on the Config, Params and _YearOffset system tables
// and on the objects' tables (and their tabular-section tables); on SQL
// Server, VIEW DATABASE STATE is not needed (MIN_ACTIVE_ROWVERSION() is
// public, and every login sees its own database's row of sys.databases).
// Nothing is written to the infobase.
//
// Parallelism: one task per group of objects (round-robin, tasks.max
// groups at most). Performance knobs: batch.size, tasks.max,
// tabular.sections, decimal.handling.mode.
//
// Threading: Poll runs on the worker's task goroutine; the page reader
// runs in its own goroutine and talks to Poll only through a channel.
package tablesource
