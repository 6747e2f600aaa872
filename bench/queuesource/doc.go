// Package queuesource benchmarks OneCQueueSource end to end — a 1C queue
// register on PostgreSQL (built by onectest) → the real worker → kfake —
// next to the physical limit measured in the same rounds on the same
// machine (package benchlimit): pgx reading the same rows with COPY plus
// sarama producing pre-encoded values of the same size to the same broker
// with the worker's producer settings, in one pipeline — every row of the
// COPY stream handed to the producer as it is parsed. COPY alone and
// producing alone are logged too. Delete mode's limit is the same
// pipeline over DELETE … RETURNING in committed batches of 2000.
// BenchmarkQueueTask drives one task directly (acknowledging at once) to
// show the connector's own cost without converters and producer.
//
// Rates count from the first record in Kafka to the last. One command
// for this and the table snapshot benchmark (make bench-sources):
//
//	go test -run '^$' -bench 'QueueSource$|TableSnapshot' -benchtime 1x ./bench/queuesource/ ./bench/tablesource/
//
// BENCH_ROWS sets the number of rows (default 200,000), BENCH_REPEAT the
// rounds (default 3). Each round runs every connector measurement and
// every limit; the log gives the best rate of each, the best limit, and
// each round's ratio to that round's limit with their median (the build
// machines are shared and change speed from minute to minute), with the
// process's and the whole machine's CPU time per record (the latter
// includes PostgreSQL, and anything else the machine runs). Add
// -cpuprofile cpu.out and read it with `go tool pprof -top cpu.out` to see
// where the time goes. With BENCH_ENFORCE=1 the benchmark fails when the
// JSON offset-mode run misses the floors: a best rate of 200,000
// records/s and a median of 50% of the round's limit.
package queuesource
