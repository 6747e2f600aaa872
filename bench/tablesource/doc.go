// Package tablesource benchmarks OneCTableSource end to end: a snapshot of a
// 10-column 1C catalog (Справочник.Номенклатура of onectest.Trade, about
// 250 bytes a row in PostgreSQL) through the real worker into kfake, with
// the JSON and the Avro converter, next to the physical limit measured in
// the same run: pgx reading the same rows with COPY (binary, to
// io.Discard) and sarama producing pre-encoded values of the same size to
// the same broker.
//
// One command for this and the queue source benchmark (make
// bench-sources; BENCH_ROWS sets the table size, default 200,000,
// BENCH_REPEAT the runs of each measurement, default 3, the best counts):
//
//	go test -run '^$' -bench 'QueueSource$|TableSnapshot' -benchtime 1x ./bench/queuesource/ ./bench/tablesource/
//
// Results are logged as records/s from the first record in Kafka to the
// last (and from the connector's creation), as a share of the limit and
// as CPU time of the process (worker, kfake; not PostgreSQL) per record,
// the figure that stays comparable when the machine is shared; with
// BENCH_PROFILE=file a CPU profile of the first JSON run is written. The
// benchmark fails under the floors the issue sets only when
// BENCH_ENFORCE=1 (the shared CI machines are too noisy for absolute
// floors). TestThroughputSmoke runs the same harness on 20,000 rows in CI.
package tablesource
