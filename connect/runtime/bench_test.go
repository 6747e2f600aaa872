package runtime

import (
	"context"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/plugins"
	"github.com/onecconnect/onecconnect/connect/storage"
	"github.com/onecconnect/onecconnect/converters/jsonconv"
	"github.com/onecconnect/onecconnect/internal/testkit"
	"github.com/onecconnect/onecconnect/schema"
)

var benchSchema = schema.StructBuilder().Name("bench.Row").
	Field("id", schema.Int64().MustBuild()).
	Field("name", schema.String().MustBuild()).
	Field("payload", schema.String().MustBuild()).MustBuild()

func benchRecord(i int64) *connect.SourceRecord {
	st := schema.NewStruct(benchSchema)
	st.MustPut("id", i).MustPut("name", "Номенклатура").MustPut("payload", benchPayload)
	return &connect.SourceRecord{
		Record:          connect.Record{Topic: "", ValueSchema: benchSchema, Value: st},
		SourcePartition: benchPartition, SourceOffset: map[string]any{"i": i},
	}
}

var (
	benchPayload   = strings.Repeat("данные ", 40)
	benchPartition = map[string]any{"generator": "0"}
)

// genSource generates total records in batches of 1000 in Poll, then
// idles: each a fresh SourceRecord with its own offset map, its value
// cycling through benchValues pre-built row structs (so that the generator
// costs little and keeps no large live heap). Its first Poll waits for go.
type genSource struct {
	topic string
	total int
	goCh  chan struct{}
	acked *atomic.Int64
}

// benchValues is how many distinct row values the generator cycles through.
const benchValues = 1024

var benchRows = func() []*connect.SourceRecord {
	out := make([]*connect.SourceRecord, benchValues)
	for i := range out {
		out[i] = benchRecord(int64(i))
	}
	return out
}()

func (c *genSource) Version() string                                   { return "1" }
func (c *genSource) Config() *config.ConfigDef                         { return config.NewConfigDef() }
func (c *genSource) Validate(context.Context, map[string]string) error { return nil }
func (c *genSource) Start(context.Context, connect.ConnectorContext, map[string]string) error {
	return nil
}
func (c *genSource) TaskConfigs(int) ([]map[string]string, error) {
	return []map[string]string{{}}, nil
}
func (c *genSource) Stop(context.Context) error  { return nil }
func (c *genSource) NewTask() connect.SourceTask { return &genTask{c: c} }

type genTask struct {
	c       *genSource
	next    int
	started bool
}

func (t *genTask) Start(context.Context, connect.SourceTaskContext, map[string]string) error {
	return nil
}
func (t *genTask) Poll(ctx context.Context) ([]*connect.SourceRecord, error) {
	if !t.started {
		select {
		case <-ctx.Done():
			return nil, nil
		case <-t.c.goCh:
			t.started = true
		}
	}
	if t.next >= t.c.total {
		select {
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
		return nil, nil
	}
	n := min(1000, t.c.total-t.next)
	out := make([]*connect.SourceRecord, n)
	for i := range out {
		row := benchRows[t.next%benchValues]
		out[i] = &connect.SourceRecord{
			Record:          connect.Record{Topic: t.c.topic, ValueSchema: row.ValueSchema, Value: row.Value},
			SourcePartition: benchPartition, SourceOffset: map[string]any{"i": int64(t.next)},
		}
		t.next++
	}
	return out, nil
}
func (t *genTask) Commit(context.Context) error { return nil }
func (t *genTask) CommitRecord(context.Context, *connect.SourceRecord, *connect.RecordMetadata) error {
	t.c.acked.Add(1)
	return nil
}
func (t *genTask) Stop(context.Context) error { return nil }

// phase is one measured run of either path.
type phase struct {
	wall, cpu time.Duration
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkSourceRuntimeVsDirect compares, in one run against the same
// kfake broker, the runtime's source path (generator → JSON converter →
// AsyncProducer → acks → CommitRecord → offsets) with sarama producing the
// same pre-encoded bytes directly with the same producer settings. The
// generator builds a fresh SourceRecord per record in Poll, its value
// cycling through 1,024 pre-built rows (the direct path cycles through
// their 1,024 encodings). The two
// paths alternate for BENCH_ROUNDS rounds (default 3) of BENCH_RECORDS
// records (default 200,000); client setup is outside the clock on both
// sides. Reported: the median records/s of each path and their ratio, and
// the process CPU time per record of each (the broker runs in-process, so
// both include its share) and the CPU ratio direct/runtime, which is what
// the wall-clock ratio tends to on a machine with no idle core.
// Target: runtime ≥ 70% of direct.
func BenchmarkSourceRuntimeVsDirect(b *testing.B) {
	total := envInt("BENCH_RECORDS", 200_000)
	rounds := envInt("BENCH_ROUNDS", 3)
	k := testkit.Kafka(b)
	var acked atomic.Int64
	gen := &genSource{acked: &acked}
	reg := testRegistry(plugins.Plugin{Class: "test.Generator", Kind: plugins.KindSource,
		NewSource: func() connect.SourceConnector { return gen }})
	wc := testWorkerConfig(b, k, map[string]string{
		KeyKeyConverter: "JsonConverter", KeyValueConverter: "JsonConverter",
		"value.converter.schemas.enable": "false", "key.converter.schemas.enable": "false",
		KeyOffsetFlushInterval: "1000",
	})
	delete(wc.Props, "producer.linger.ms")
	admin := k.Admin(b)

	// Pre-encode the direct path's values with the same converter.
	conv := jsonconv.New()
	if err := conv.Configure(map[string]string{"schemas.enable": "false"}, false); err != nil {
		b.Fatal(err)
	}
	values := make([][]byte, benchValues)
	for i, r := range benchRows {
		v, err := conv.FromConnect("t", nil, r.ValueSchema, r.Value)
		if err != nil {
			b.Fatal(err)
		}
		values[i] = v
	}

	runDirect := func() phase {
		topic := testkit.UniqueTopic("direct")
		k.CreateTopic(b, topic, 1, nil)
		defer admin.DeleteTopic(topic)
		cc, err := NewClientConfig(wc, ProducerClient, nil, "bench-direct")
		if err != nil {
			b.Fatal(err)
		}
		p, err := sarama.NewAsyncProducer(cc.Brokers, cc.Sarama)
		if err != nil {
			b.Fatal(err)
		}
		defer p.Close()
		runtime.GC()
		start, cpu0 := time.Now(), testkit.ProcessCPU()
		done := make(chan struct{})
		go func() {
			defer close(done)
			for n := 0; n < total; n++ {
				select {
				case <-p.Successes():
				case err := <-p.Errors():
					b.Error(err)
				}
			}
		}()
		for i := 0; i < total; i++ {
			p.Input() <- &sarama.ProducerMessage{Topic: topic, Partition: -1, Value: sarama.ByteEncoder(values[i%benchValues])}
		}
		<-done
		return phase{wall: time.Since(start), cpu: testkit.ProcessCPU() - cpu0}
	}

	runRuntime := func() phase {
		gen.topic = testkit.UniqueTopic("runtime")
		k.CreateTopic(b, gen.topic, 1, nil)
		defer admin.DeleteTopic(gen.topic)
		gen.total = total
		gen.goCh = make(chan struct{})
		acked.Store(0)
		w := newTestWorker(b, wc, storage.NewMemoryOffsetStore(), reg)
		rec := newRecorder()
		ids := startConnectorAndTasks(b, w, map[string]string{connect.KeyName: "gen", connect.KeyConnectorClass: "test.Generator"}, rec)
		rec.waitState(b, "gen-0", "RUNNING", 10*time.Second)
		runtime.GC()
		start, cpu0 := time.Now(), testkit.ProcessCPU()
		close(gen.goCh)
		deadline := time.Now().Add(2 * time.Minute)
		for acked.Load() < int64(total) && time.Now().Before(deadline) {
			time.Sleep(200 * time.Microsecond)
		}
		ph := phase{wall: time.Since(start), cpu: testkit.ProcessCPU() - cpu0}
		stopAll(b, w, "gen", ids)
		if acked.Load() < int64(total) {
			b.Fatalf("runtime acknowledged %d of %d", acked.Load(), total)
		}
		return ph
	}

	var direct, rt []phase
	for iter := 0; iter < b.N; iter++ {
		for r := 0; r < rounds; r++ {
			// Profile labels tell the two paths apart in -cpuprofile output
			// (goroutines started inside inherit them; the broker's do not).
			var d, x phase
			pprof.Do(context.Background(), pprof.Labels("path", "direct"), func(context.Context) { d = runDirect() })
			pprof.Do(context.Background(), pprof.Labels("path", "runtime"), func(context.Context) { x = runRuntime() })
			direct, rt = append(direct, d), append(rt, x)
			b.Logf("round %d: direct %.0f rec/s (cpu %.2f µs/rec), runtime %.0f rec/s (cpu %.2f µs/rec)", r,
				float64(total)/d.wall.Seconds(), perRec(d.cpu, total), float64(total)/x.wall.Seconds(), perRec(x.cpu, total))
		}
	}
	dw, rw := medianDur(direct, func(p phase) time.Duration { return p.wall }), medianDur(rt, func(p phase) time.Duration { return p.wall })
	dc, rc := medianDur(direct, func(p phase) time.Duration { return p.cpu }), medianDur(rt, func(p phase) time.Duration { return p.cpu })
	b.ReportMetric(float64(total)/dw.Seconds(), "direct-rec/s")
	b.ReportMetric(float64(total)/rw.Seconds(), "runtime-rec/s")
	b.ReportMetric(dw.Seconds()/rw.Seconds(), "ratio")
	b.ReportMetric(perRec(dc, total), "direct-cpu-µs/rec")
	b.ReportMetric(perRec(rc, total), "runtime-cpu-µs/rec")
	b.ReportMetric(dc.Seconds()/rc.Seconds(), "cpu-ratio")
}

func perRec(d time.Duration, n int) float64 { return float64(d.Microseconds()) / float64(n) }

func medianDur(ps []phase, f func(phase) time.Duration) time.Duration {
	ds := make([]time.Duration, len(ps))
	for i, p := range ps {
		ds[i] = f(p)
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}
