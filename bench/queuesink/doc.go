// Package queuesink benchmarks OneCQueueSink end to end — kfake → the real
// worker → a 1C inbound queue register on PostgreSQL (built by onectest) —
// next to the physical limit measured in the same run on the same machine:
// the same rows, already encoded, bulk-inserted with COPY in transactions
// of the same size on one connection, without Kafka and without the
// connector. The report gives both rates and their ratio (target ≥ 50 %),
// and the CPU each took per row in this process (worker, connector and the
// in-process Kafka broker) and in the PostgreSQL backends (read from /proc
// on Linux): on a small machine the two compete for the same cores, so
// the ratio follows the CPU ratio. Progress is polled from the connector's
// offsets table, not with count(*) over the growing register, which would
// take database CPU from the connector.
//
// One command:
//
//	go test -run '^$' -bench QueueSink -benchtime 1x ./bench/queuesink/
//
// BENCH_ROWS sets the number of records (default 200,000); add
// -cpuprofile cpu.out and read it with `go tool pprof -top cpu.out` to see
// where the time goes.
package queuesink
