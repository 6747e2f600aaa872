// Package demo is the quick start behind `make demo` and `worker demo`: it
// sets up everything on one machine and runs the flagship pipelines while
// a generator keeps changing 1C data, so a new user sees records flow
// within a minute.
//
// Steps (run.go): a throwaway PostgreSQL cluster (internal/pgserver) in a
// temporary directory; two 1C-shaped infobases built with onectest's
// trade configuration — "demo_trade", the source, and "demo_branch", a
// branch receiving the outbox messages; the real `worker dev` binary as a
// subprocess on free loopback ports (embedded broker + distributed worker,
// REST with generated basic-auth credentials); through the worker's own
// REST API an OneCChangesSource on ПланОбмена.Kafka node KAFKA, an
// OneCQueueSource on РегистрСведений.ИсходящаяОчередь and an OneCQueueSink
// into the branch's РегистрСведений.ВходящаяОчередь; then the generator
// (generator.go: sales documents with tabular sections, price changes,
// outbox messages, deletions, all with change registration) and a summary
// printed every few seconds (summary.go: connector states, records/s and
// totals from /metrics, the last record of each topic, and the lag in 1C
// terms — queue depth, unsent registrations, branch inbox rows).
//
// With --seconds N (DEMO_SECONDS) the demo generates for N seconds, then
// waits, bounded, until every topic has records and the branch holds every
// outbox message, prints a verdict and returns 0, or 1 naming what is
// missing (verify.go). Otherwise it runs until ctx ends (Ctrl-C).
// Whatever happens, cleanup.go undoes every step in reverse: generator,
// worker (SIGTERM, bounded wait, kill), PostgreSQL, the temporary
// directory.
//
// Output is plain text for people; nothing is redrawn with terminal
// escapes. The package knows the worker only through its command line, its
// REST API, its broker and the databases — never its internals.
package demo
