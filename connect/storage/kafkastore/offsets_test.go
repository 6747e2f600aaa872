package kafkastore

import (
	"fmt"
	"slices"
	"testing"

	"github.com/IBM/sarama"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

func startOffsetStore(t *testing.T, k *testkit.KafkaCluster, topic string, partitions int32) *OffsetStore {
	t.Helper()
	s := NewOffsetStore(OffsetStoreConfig{Log: logConfig(k, OffsetTopicSpec(topic, partitions, 0))})
	if err := s.Start(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// TestOffsetStoreTwoWorkers: set on one worker, get and list on another;
// tombstones; keys on the murmur2 partition.
func TestOffsetStoreTwoWorkers(t *testing.T) {
	k := testkit.Kafka(t, testkit.Brokers(3))
	topic := testkit.UniqueTopic("offsets")
	a := startOffsetStore(t, k, topic, DefaultOffsetPartitions)
	b := startOffsetStore(t, k, topic, DefaultOffsetPartitions)
	ctx := testCtx(t)
	p1 := map[string]any{"filename": "/tmp/in.txt"}
	p2 := map[string]any{"table": "public.orders", "shard": int64(2)}
	if err := a.Set(ctx, "file-src", []connect.OffsetEntry{
		{Partition: p1, Offset: map[string]any{"position": int64(30)}},
		{Partition: p2, Offset: map[string]any{"lsn": "0/16B3748", "ratio": 0.5}},
	}); err != nil {
		t.Fatal(err)
	}
	if err := a.Set(ctx, "other", []connect.OffsetEntry{{Partition: p1, Offset: map[string]any{"position": int64(1)}}}); err != nil {
		t.Fatal(err)
	}
	got, err := b.Get(ctx, "file-src", []map[string]any{p1, {"filename": "unknown"}, p2})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[map[position:30] map[] map[lsn:0/16B3748 ratio:0.5]]" || got[1] != nil {
		t.Errorf("get: %v", got)
	}
	if v, ok := got[0]["position"].(int64); !ok || v != 30 {
		t.Errorf("position %#v, want int64 30", got[0]["position"])
	}
	list, err := b.List(ctx, "file-src")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || fmt.Sprint(list[0].Partition) != fmt.Sprint(p1) {
		t.Errorf("list: %v", list)
	}
	// Reset one partition: a tombstone.
	if err := b.Set(ctx, "file-src", []connect.OffsetEntry{{Partition: p1}}); err != nil {
		t.Fatal(err)
	}
	if got, err := a.Get(ctx, "file-src", []map[string]any{p1}); err != nil || got[0] != nil {
		t.Errorf("after tombstone: %v, %v", got, err)
	}
	var keys []string
	for _, m := range k.ReadAll(t, topic) {
		if want := javaPartition(m.Key, DefaultOffsetPartitions); m.Partition != want {
			t.Errorf("%s on partition %d, Java partitioner %d", m.Key, m.Partition, want)
		}
		v := "null"
		if m.Value != nil {
			v = string(m.Value)
		}
		keys = append(keys, string(m.Key)+" => "+v)
	}
	slices.Sort(keys)
	want := []string{
		`["file-src",{"filename":"/tmp/in.txt"}] => null`,
		`["file-src",{"filename":"/tmp/in.txt"}] => {"position":30}`,
		`["file-src",{"shard":2,"table":"public.orders"}] => {"lsn":"0/16B3748","ratio":0.5}`,
		`["other",{"filename":"/tmp/in.txt"}] => {"position":1}`,
	}
	if !slices.Equal(keys, want) {
		t.Errorf("topic holds\n%q\nwant\n%q", keys, want)
	}
}

// TestOffsetStoreForeignKeyOrder: a key written by another worker with
// members in another order is found, and rewritten under its own bytes.
func TestOffsetStoreForeignKeyOrder(t *testing.T) {
	k := testkit.Kafka(t)
	topic := testkit.UniqueTopic("offsets")
	k.CreateTopic(t, topic, 3, map[string]string{"cleanup.policy": "compact"})
	javaKey := `["jdbc",{"table":"t","db":"d"}]`
	k.Produce(t, testkit.Message(topic, javaKey, `{"id":7}`),
		testkit.Message(topic, `not a list`, `{"x":1}`),
		&sarama.ProducerMessage{Topic: topic, Key: sarama.StringEncoder(`["jdbc",{"table":"bad"}]`), Value: sarama.StringEncoder(`[1]`)})
	s := startOffsetStore(t, k, topic, 3)
	ctx := testCtx(t)
	part := map[string]any{"db": "d", "table": "t"}
	got, err := s.Get(ctx, "jdbc", []map[string]any{part, {"table": "bad"}})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[map[id:7] map[]]" {
		t.Errorf("get: %v", got)
	}
	if err := s.Set(ctx, "jdbc", []connect.OffsetEntry{{Partition: part, Offset: map[string]any{"id": int64(8)}}}); err != nil {
		t.Fatal(err)
	}
	var last *sarama.ConsumerMessage
	for _, m := range k.ReadAll(t, topic) {
		if string(m.Key) == javaKey {
			last = m
		}
	}
	if last == nil || string(last.Value) != `{"id":8}` {
		t.Errorf("rewrite did not reuse the foreign key bytes: last record %v", last)
	}
	if got, _ := s.Get(ctx, "jdbc", []map[string]any{part}); fmt.Sprint(got) != "[map[id:8]]" {
		t.Errorf("after rewrite: %v", got)
	}
}
