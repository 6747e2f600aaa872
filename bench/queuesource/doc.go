// Package queuesource benchmarks OneCQueueSource end to end — a 1C queue
// register on PostgreSQL (built by onectest) → the real worker → kfake —
// next to the physical limit measured in the same run on the same machine:
// pgx reading the same rows with COPY, and sarama producing pre-encoded
// values of the same size to the same broker with the worker's producer
// settings. The limit is the slower of the two. BenchmarkQueueTask drives
// one task directly (acknowledging at once) to show the connector's own
// cost without converters and producer.
//
// Rates count from the first record in Kafka to the last. One command
// for this and the table snapshot benchmark (make bench-sources):
//
//	go test -run '^$' -bench 'QueueSource$|TableSnapshot' -benchtime 1x ./bench/queuesource/ ./bench/tablesource/
//
// BENCH_ROWS sets the number of rows (default 200,000), BENCH_REPEAT the
// runs per measurement (default 3; the best counts, since the build
// machines are shared); add
// -cpuprofile cpu.out and read it with `go tool pprof -top cpu.out` to see
// where the time goes.
package queuesource
