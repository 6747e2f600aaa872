package tablesource

import (
	"context"
	"fmt"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/onecconnect/onecconnect/bench/benchlimit"
	"github.com/onecconnect/onecconnect/connect/connecttest"
	"github.com/onecconnect/onecconnect/connect/plugins"
	"github.com/onecconnect/onecconnect/connect/runtime"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest/pgtest"
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

// run is one measured snapshot.
type run struct {
	total  float64       // records/s from the connector's creation to the last ack
	steady float64       // records/s from the first record in Kafka to the last
	size   int           // mean value size
	cpu    time.Duration // process CPU time (worker, kfake) per record
	// machine is the whole machine's CPU time per record (PostgreSQL
	// included); 0 where benchlimit.MachineCPU cannot tell.
	machine time.Duration
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
	start, cpu0, m0 := time.Now(), testkit.ProcessCPU(), benchlimit.MachineCPU()
	s.Client.Expect(t, "PUT", connecttest.Path(name, "/config"), cfg, 201, nil)
	wctx, cancel := context.WithDeadline(context.Background(), start.Add(time.Minute+time.Duration(n)*100*time.Microsecond))
	defer cancel()
	steady, end, err := benchlimit.SteadyRate(wctx, c, topic, n)
	if err != nil {
		t.Fatalf("%s: %v after %s; worker logs:\n%s", name, err, time.Since(start), s.Logs.String())
	}
	el, cpu, machine := end.Sub(start), testkit.ProcessCPU()-cpu0, benchlimit.MachineCPU()-m0
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
	r := run{total: float64(n) / el.Seconds(), steady: steady, size: size / max(1, min(len(sample), 1000)), cpu: cpu / time.Duration(n)}
	if m0 > 0 {
		r.machine = machine / time.Duration(n)
	}
	return r
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
	ctx, conn, b, dsn := pgtest.Build(t, onectest.Trade(), 20*time.Minute)
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
	// Rounds alternate (JSON, Avro, the limits) so that a busy moment of
	// the shared machine does not hit one measurement only; each round's
	// ratio compares runs minutes apart at most.
	cols := "_idrref, _version, _marked, _predefinedid, _code::text, _description::text, _fld21, _fld22, _fld23rref, _fld24, _fld25, _fld26"
	query := fmt.Sprintf("SELECT %s FROM %s ORDER BY _idrref", cols, ol.Table.PG())
	var jsonRuns, avroRuns []run
	var rounds []round
	for i := 0; i < reps; i++ {
		profile := ""
		if i == 0 {
			profile = os.Getenv("BENCH_PROFILE")
		}
		js := connectorRate(t, k, dsn, "json", n, jsonConv, profile)
		av := connectorRate(t, k, dsn, "avro", n, avroConv, "")
		lim := measureLimits(t, ctx, k, dsn, query, int(n), js.size)
		jsonRuns, avroRuns = append(jsonRuns, js), append(avroRuns, av)
		rounds = append(rounds, round{json: js.steady, avro: av.steady, limits: lim})
	}
	js, av = bestRun(jsonRuns), bestRun(avroRuns)
	best := bestLimits(rounds)
	limit = best.pipeline.Rate
	t.Logf("rows %d, %.0f bytes a row in PostgreSQL, JSON value %d B, Avro value %d B; %d rounds", n, rowBytes, js.size, av.size, reps)
	t.Logf("limit (best of the rounds): COPY and produce in one pipeline %.0f records/s (%.1f µs CPU a record, %.1f µs for the machine); "+
		"separately: COPY %.0f rows/s (%.1f µs machine CPU a row), sarama pre-encoded %.0f records/s (%.1f µs CPU a record)",
		limit, us(best.pipeline.CPU), us(best.pipeline.Machine), best.copy.Rate, us(best.copy.Machine), best.produce.Rate, us(best.produce.CPU))
	for _, r := range []struct {
		name  string
		ratio func(round) float64
		run
	}{{"JSON", func(r round) float64 { return r.json / r.pipeline.Rate }, js}, {"Avro", func(r round) float64 { return r.avro / r.pipeline.Rate }, av}} {
		t.Logf("OneCTableSource %s: best %.0f records/s from the first record (%.0f from the connector's creation), %.1f µs CPU a record (worker and kfake; %.1f µs for the machine, PostgreSQL included); "+
			"%.0f%% of the best limit; per round %s of that round's limit, median %.0f%%",
			r.name, r.steady, r.total, us(r.cpu), us(r.machine), 100*r.steady/limit, percents(rounds, r.ratio), 100*median(rounds, r.ratio))
	}
	jsonRatio := median(rounds, func(r round) float64 { return r.json / r.pipeline.Rate })
	if os.Getenv("BENCH_ENFORCE") == "1" && (js.steady < 200_000 || jsonRatio < 0.5) {
		t.Errorf("JSON: best %.0f records/s, median %.0f%% of the round's limit; want ≥ 200,000 and ≥ 50%%", js.steady, 100*jsonRatio)
	}
	return js, av, limit
}

// round is one round's connector rates and limits.
type round struct {
	json, avro float64
	limits
}

// limits are the physical limits of one round.
type limits struct {
	copy, produce, pipeline benchlimit.Result
}

// measureLimits measures COPY, producing pre-encoded values of size
// bytes, and both in one pipeline, on the catalog's n rows.
func measureLimits(t testing.TB, ctx context.Context, k *testkit.KafkaCluster, dsn, query string, n, size int) limits {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
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
	producer := func() benchlimit.Producer {
		topic := testkit.UniqueTopic("bench.raw")
		k.CreateTopic(t, topic, 4, nil)
		return benchlimit.Producer{Brokers: cc.Brokers, Config: cc.Sarama, Topic: topic, ValueSize: size, KeySize: 60}
	}
	var l limits
	if l.copy, err = benchlimit.Copy(ctx, conn.PgConn(), query, n); err != nil {
		t.Fatal(err)
	}
	if l.produce, err = benchlimit.Produce(ctx, producer(), n); err != nil {
		t.Fatal(err)
	}
	if l.pipeline, err = benchlimit.Pipeline(ctx, conn.PgConn(), query, n, producer()); err != nil {
		t.Fatal(err)
	}
	return l
}

// bestLimits is the best of each limit over the rounds.
func bestLimits(rs []round) limits {
	var b limits
	for _, r := range rs {
		for _, p := range []struct{ best, got *benchlimit.Result }{{&b.copy, &r.copy}, {&b.produce, &r.produce}, {&b.pipeline, &r.pipeline}} {
			if p.got.Rate > p.best.Rate {
				*p.best = *p.got
			}
		}
	}
	return b
}

// percents renders ratio of every round as percentages.
func percents(rs []round, ratio func(round) float64) string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = fmt.Sprintf("%.0f%%", 100*ratio(r))
	}
	return strings.Join(out, " ")
}

// median is the median ratio over the rounds.
func median(rs []round, ratio func(round) float64) float64 {
	v := make([]float64, len(rs))
	for i, r := range rs {
		v[i] = ratio(r)
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// us renders a duration in microseconds.
func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
