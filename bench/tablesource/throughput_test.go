package tablesource

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strconv"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/jackc/pgx/v5"

	"github.com/onecconnect/onecconnect/connect/connecttest"
	"github.com/onecconnect/onecconnect/connect/plugins"
	"github.com/onecconnect/onecconnect/connect/runtime"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/connectors/onec/tablesource"
	"github.com/onecconnect/onecconnect/converters/avro/registrytest"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

const catalog = "Справочник.Номенклатура"

func rowsWanted() int64 {
	if s := os.Getenv("BENCH_ROWS"); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
			return n
		}
	}
	return 200_000
}

// copyRate reads the catalog's columns with COPY … TO STDOUT (binary).
func copyRate(t testing.TB, ctx context.Context, dsn, table string, n int64) float64 {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	start := time.Now()
	tag, err := conn.PgConn().CopyTo(ctx, io.Discard, fmt.Sprintf(
		"COPY (SELECT _idrref, _version, _marked, _predefinedid, _code::text, _description::text, _fld21, _fld22, _fld23rref, _fld24, _fld25, _fld26 FROM %s ORDER BY _idrref) TO STDOUT (FORMAT binary)", table))
	if err != nil {
		t.Fatal(err)
	}
	if tag.RowsAffected() != n {
		t.Fatalf("COPY read %d rows, want %d", tag.RowsAffected(), n)
	}
	return float64(n) / time.Since(start).Seconds()
}

// produceRate sends n pre-encoded values of size bytes with the worker's
// producer settings (acks=all, idempotent, linger.ms=5) and waits for
// every ack.
func produceRate(t testing.TB, k *testkit.KafkaCluster, topic string, n int64, keySize, size int) float64 {
	wc, err := runtime.ParseWorkerConfig(map[string]string{runtime.KeyBootstrapServers: k.BootstrapString(),
		runtime.KeyKeyConverter: "org.apache.kafka.connect.storage.StringConverter", runtime.KeyValueConverter: "org.apache.kafka.connect.storage.StringConverter",
		runtime.KeyKafkaProtocolVersion: testkit.SaramaVersion().String()})
	if err != nil {
		t.Fatal(err)
	}
	cc, err := runtime.NewClientConfig(wc, runtime.ProducerClient, nil, "limit")
	if err != nil {
		t.Fatal(err)
	}
	cfg := cc.Sarama
	p, err := sarama.NewAsyncProducer(k.Bootstrap, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	val := make([]byte, size)
	for i := range val {
		val[i] = 'a' + byte(i%26)
	}
	start := time.Now()
	done := make(chan int64)
	go func() {
		var acked int64
		for acked < n {
			select {
			case <-p.Successes():
				acked++
			case err := <-p.Errors():
				t.Errorf("produce: %v", err)
				acked++
			}
		}
		done <- acked
	}()
	for i := int64(0); i < n; i++ {
		key := []byte(fmt.Sprintf("%0*d", keySize, i))
		p.Input() <- &sarama.ProducerMessage{Topic: topic, Key: sarama.ByteEncoder(key), Value: sarama.ByteEncoder(val)}
	}
	<-done
	return float64(n) / time.Since(start).Seconds()
}

// endOffsets sums the end offsets of a topic's partitions.
func endOffsets(t testing.TB, c sarama.Client, topic string) int64 {
	parts, err := c.Partitions(topic)
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, p := range parts {
		o, err := c.GetOffset(topic, p, sarama.OffsetNewest)
		if err != nil {
			t.Fatal(err)
		}
		sum += o
	}
	return sum
}

// run is one measured snapshot.
type run struct {
	total  float64       // records/s from the connector's creation to the last ack
	steady float64       // records/s from the first record in Kafka to the last
	size   int           // mean value size
	cpu    time.Duration // process CPU time (worker, kfake) per record
}

// connectorRate snapshots the table through the worker with the given
// converter settings into a new topic.
func connectorRate(t testing.TB, k *testkit.KafkaCluster, dsn, name string, n int64, conv map[string]string, profile string) run {
	topic := testkit.UniqueTopic("bench." + name)
	k.CreateTopic(t, topic, 4, nil)
	reg := plugins.New()
	plugins.RegisterBuiltins(reg)
	reg.Register(tablesource.Plugin())
	props := map[string]string{"offset.flush.interval.ms": "1000"}
	for k, v := range conv {
		props[k] = v
	}
	s := connecttest.StartStack(t, connecttest.StackOptions{Kafka: k, Plugins: reg, WorkerProps: props})
	defer s.Stop(t)
	cfg, err := onectest.ConnectorDBProps(dsn)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"connector.class": tablesource.Class, "tasks.max": "1", "objects": catalog, "topic": topic, "batch.size": "5000"} {
		cfg[k] = v
	}
	c := k.Client(t)
	var f *os.File
	if profile != "" {
		var err error
		if f, err = os.Create(profile); err != nil {
			t.Fatal(err)
		}
		pprof.StartCPUProfile(f)
	}
	start, cpu0 := time.Now(), testkit.ProcessCPU()
	s.Client.Expect(t, "PUT", connecttest.Path(name, "/config"), cfg, 201, nil)
	deadline := start.Add(time.Minute + time.Duration(n)*100*time.Microsecond)
	var first time.Time
	var atFirst int64
	for {
		got := endOffsets(t, c, topic)
		if got > 0 && first.IsZero() {
			first, atFirst = time.Now(), got
		}
		if got >= n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d of %d records after %s; worker logs:\n%s", name, got, n, time.Since(start), s.Logs.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	end := time.Now()
	el, cpu := end.Sub(start), testkit.ProcessCPU()-cpu0
	steady := float64(n-atFirst) / end.Sub(first).Seconds()
	if f != nil {
		pprof.StopCPUProfile()
		f.Close()
	}
	// Average value size, from a sample.
	sample := k.ReadAll(t, topic)
	size := 0
	for _, m := range sample[:min(len(sample), 1000)] {
		size += len(m.Value)
	}
	s.Client.Expect(t, "DELETE", connecttest.Path(name, ""), nil, 204, nil)
	return run{total: float64(n) / el.Seconds(), steady: steady, size: size / max(1, min(len(sample), 1000)), cpu: cpu / time.Duration(n)}
}

// repeats is how many times each measurement runs (BENCH_REPEAT, default
// 3); the best run counts, as the build machines are shared.
func repeats() int {
	if n, err := strconv.Atoi(os.Getenv("BENCH_REPEAT")); err == nil && n > 0 {
		return n
	}
	return 3
}

// bestRun is the run with the highest steady rate.
func bestRun(runs []run) run {
	b := runs[0]
	for _, r := range runs[1:] {
		if r.steady > b.steady {
			b = r
		}
	}
	return b
}

// BenchmarkTableSnapshot measures the table snapshot against the physical
// limit (once, whatever b.N; run it with -benchtime 1x).
func BenchmarkTableSnapshot(b *testing.B) {
	js, av, limit := measure(b, rowsWanted(), repeats())
	b.ReportMetric(js.steady, "json-rec/s")
	b.ReportMetric(av.steady, "avro-rec/s")
	b.ReportMetric(limit, "limit-rec/s")
	b.ReportMetric(us(js.cpu), "json-cpu-µs/rec")
}

// TestThroughputSmoke runs the benchmark's measurement on a small table
// once, so that CI keeps the harness working; the figures mean nothing at
// this size.
func TestThroughputSmoke(t *testing.T) {
	measure(t, 20_000, 1)
}

// measure runs the snapshot with both converters and the limit, reps
// times each, and logs the best runs.
func measure(t testing.TB, n int64, reps int) (js, av run, limit float64) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	dsn := testkit.Postgres(t)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	b, err := onectest.Build(ctx, conn, onectest.Trade())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Generate(ctx, conn, catalog, n, onectest.GenOptions{MarkEvery: 10}); err != nil {
		t.Fatal(err)
	}
	ol, err := b.Object(catalog)
	if err != nil {
		t.Fatal(err)
	}
	// Set hint bits and statistics now, so that no run pays for the first
	// read of freshly written pages.
	if _, err := conn.Exec(ctx, "VACUUM (FREEZE, ANALYZE) "+ol.Table.PG()); err != nil {
		t.Fatal(err)
	}
	var rowBytes float64
	if err := conn.QueryRow(ctx, "SELECT avg(pg_column_size(t.*)) FROM "+ol.Table.PG()+" t").Scan(&rowBytes); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	k := testkit.Kafka(t)
	reg := registrytest.New(registrytest.Options{})
	defer reg.Close()

	jsonConv := map[string]string{"key.converter": "org.apache.kafka.connect.json.JsonConverter", "key.converter.schemas.enable": "false",
		"value.converter": "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable": "false"}
	avroConv := map[string]string{"key.converter": "io.confluent.connect.avro.AvroConverter", "key.converter.schema.registry.url": reg.URL,
		"value.converter": "io.confluent.connect.avro.AvroConverter", "value.converter.schema.registry.url": reg.URL}
	// Runs alternate (JSON, Avro, limit, JSON, …) so that a busy moment of
	// the shared machine does not hit one measurement only.
	var jsonRuns, avroRuns []run
	var copyR, prodR float64
	var prodCPU time.Duration
	for i := 0; i < reps; i++ {
		profile := ""
		if i == 0 {
			profile = os.Getenv("BENCH_PROFILE")
		}
		jsonRuns = append(jsonRuns, connectorRate(t, k, dsn, "json", n, jsonConv, profile))
		avroRuns = append(avroRuns, connectorRate(t, k, dsn, "avro", n, avroConv, ""))
		copyR = max(copyR, copyRate(t, ctx, dsn, ol.Table.PG(), n))
		topic := testkit.UniqueTopic("bench.raw")
		k.CreateTopic(t, topic, 4, nil)
		cpu0 := testkit.ProcessCPU()
		if r := produceRate(t, k, topic, n, 60, jsonRuns[0].size); r > prodR {
			prodR, prodCPU = r, (testkit.ProcessCPU()-cpu0)/time.Duration(n)
		}
	}
	js, av = bestRun(jsonRuns), bestRun(avroRuns)
	limit = min(copyR, prodR)
	t.Logf("rows %d, %.0f bytes a row in PostgreSQL; best of %d runs each", n, rowBytes, reps)
	t.Logf("limit: COPY %.0f rows/s, sarama pre-encoded %d B %.0f records/s (%.1f µs CPU a record) → limit %.0f records/s",
		copyR, js.size, prodR, us(prodCPU), limit)
	for _, r := range []struct {
		name string
		run
	}{{"JSON", js}, {"Avro", av}} {
		t.Logf("OneCTableSource %s: %.0f records/s (%.0f%% of the limit) from the first record, %.0f records/s from the connector's creation; value %d B, %.1f µs CPU a record (worker and kfake)",
			r.name, r.steady, 100*r.steady/limit, r.total, r.size, us(r.cpu))
	}
	if os.Getenv("BENCH_ENFORCE") == "1" && (js.steady < 200_000 || js.steady < limit/2) {
		t.Errorf("JSON: %.0f records/s, want ≥ 200,000 and ≥ 50%% of the limit (%.0f)", js.steady, limit)
	}
	return js, av, limit
}

// us renders a duration in microseconds.
func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
