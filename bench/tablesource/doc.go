// Package tablesource benchmarks OneCTableSource end to end: a snapshot of a
// 10-column 1C catalog (Справочник.Номенклатура of onectest.Trade, about
// 250 bytes a row in PostgreSQL) through the real worker into kfake, with
// the JSON and the Avro converter, next to the physical limit measured in
// the same run: pgx reading the same rows with COPY (binary, to
// io.Discard) and sarama producing pre-encoded values of the same size to
// the same broker.
//
// One command (BENCH_ROWS sets the table size, default 200,000):
//
//	go test ./bench/tablesource -run TestThroughput -v -count=1
//
// Results are logged as records/s, as a share of the limit and as CPU
// time of the process (worker, kfake; not PostgreSQL) per record, the
// figure that stays comparable when the machine is shared; with
// BENCH_PROFILE=file a CPU profile of the JSON run is written. The test
// fails under the floors the issue sets only when BENCH_ENFORCE=1 (the
// shared CI machines are too noisy for absolute floors).
package tablesource
