package runtime

import (
	"context"
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

// genSource emits total records in batches, then idles.
type genSource struct {
	topic string
	total int64
	acked *atomic.Int64
}

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
	c    *genSource
	next int64
}

func (t *genTask) Start(context.Context, connect.SourceTaskContext, map[string]string) error {
	return nil
}
func (t *genTask) Poll(ctx context.Context) ([]*connect.SourceRecord, error) {
	if t.next >= t.c.total {
		select {
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
		return nil, nil
	}
	n := min(int64(1000), t.c.total-t.next)
	out := make([]*connect.SourceRecord, n)
	for i := range out {
		out[i] = benchRecord(t.next)
		out[i].Topic = t.c.topic
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

// BenchmarkSourceRuntimeVsDirect compares, in one run against the same
// kfake broker, the runtime's source path (generator → JSON converter →
// AsyncProducer → acks → offsets) with sarama producing the same
// pre-encoded bytes directly with the same producer settings.
// Target: runtime ≥ 70% of direct.
func BenchmarkSourceRuntimeVsDirect(b *testing.B) {
	const total = 200_000
	k := testkit.Kafka(b)
	var acked atomic.Int64
	gen := &genSource{total: total, acked: &acked}
	reg := testRegistry(plugins.Plugin{Class: "test.Generator", Kind: plugins.KindSource,
		NewSource: func() connect.SourceConnector { return gen }})
	wc := testWorkerConfig(b, k, map[string]string{
		KeyKeyConverter: "JsonConverter", KeyValueConverter: "JsonConverter",
		"value.converter.schemas.enable": "false", "key.converter.schemas.enable": "false",
		KeyOffsetFlushInterval: "1000",
	})
	delete(wc.Props, "producer.linger.ms")

	// Pre-encode the direct path's values with the same converter.
	conv := jsonconv.New()
	if err := conv.Configure(map[string]string{"schemas.enable": "false"}, false); err != nil {
		b.Fatal(err)
	}
	values := make([][]byte, total)
	for i := range values {
		r := benchRecord(int64(i))
		v, err := conv.FromConnect("t", nil, r.ValueSchema, r.Value)
		if err != nil {
			b.Fatal(err)
		}
		values[i] = v
	}
	var directRate, runtimeRate float64
	for iter := 0; iter < b.N; iter++ {
		// Direct.
		topic := testkit.UniqueTopic("direct")
		k.CreateTopic(b, topic, 1, nil)
		cc, err := NewClientConfig(wc, ProducerClient, nil, "bench-direct")
		if err != nil {
			b.Fatal(err)
		}
		p, err := sarama.NewAsyncProducer(cc.Brokers, cc.Sarama)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		done := make(chan struct{})
		go func() {
			n := 0
			for n < total {
				select {
				case <-p.Successes():
					n++
				case err := <-p.Errors():
					b.Error(err)
					n++
				}
			}
			close(done)
		}()
		for i := 0; i < total; i++ {
			p.Input() <- &sarama.ProducerMessage{Topic: topic, Partition: -1, Value: sarama.ByteEncoder(values[i])}
		}
		<-done
		directRate = total / time.Since(start).Seconds()
		p.Close()

		// Runtime.
		gen.topic = testkit.UniqueTopic("runtime")
		k.CreateTopic(b, gen.topic, 1, nil)
		acked.Store(0)
		w := newTestWorker(b, wc, storage.NewMemoryOffsetStore(), reg)
		rec := newRecorder()
		start = time.Now()
		ids := startConnectorAndTasks(b, w, map[string]string{connect.KeyName: "gen", connect.KeyConnectorClass: "test.Generator"}, rec)
		deadline := time.Now().Add(2 * time.Minute)
		for acked.Load() < total && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		runtimeRate = total / time.Since(start).Seconds()
		stopAll(b, w, "gen", ids)
		if acked.Load() < total {
			b.Fatalf("runtime acknowledged %d of %d", acked.Load(), total)
		}
	}
	b.ReportMetric(directRate, "direct-rec/s")
	b.ReportMetric(runtimeRate, "runtime-rec/s")
	b.ReportMetric(runtimeRate/directRate, "ratio")
}
