package testkit

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/IBM/sarama"
)

func TestKafkaClusterSizes(t *testing.T) {
	for _, brokers := range []int{1, 3} {
		t.Run(strconv.Itoa(brokers), func(t *testing.T) {
			k := Kafka(t, Brokers(brokers))
			if k.External() {
				t.Skip("broker count is fixed by the external cluster")
			}
			if len(k.Bootstrap) != brokers {
				t.Fatalf("bootstrap %v: want %d addresses", k.Bootstrap, brokers)
			}
			for _, addr := range k.Bootstrap {
				if want := "127.0.0.1:"; len(addr) <= len(want) || addr[:len(want)] != want {
					t.Errorf("broker address %q is not loopback", addr)
				}
			}
			got := k.Client(t).Brokers()
			if len(got) != brokers {
				t.Fatalf("metadata lists %d brokers, want %d", len(got), brokers)
			}
		})
	}
}

func TestCreateCompactedTopic(t *testing.T) {
	k := Kafka(t, Brokers(3))
	topic := UniqueTopic("compacted")
	k.CreateTopic(t, topic, 3, map[string]string{"cleanup.policy": "compact"})

	cfg := k.TopicConfig(t, topic)
	if got := cfg["cleanup.policy"]; got != "compact" {
		t.Fatalf("cleanup.policy = %q, want compact (configs: %v)", got, cfg)
	}
	parts, err := k.Client(t).Partitions(topic)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 3 {
		t.Fatalf("partitions = %v, want 3", parts)
	}
}

func TestProduceReadAllRoundTrip(t *testing.T) {
	k := Kafka(t)
	topic := UniqueTopic("roundtrip")
	k.CreateTopic(t, topic, 3, nil)

	if got := k.ReadAll(t, topic); len(got) != 0 {
		t.Fatalf("empty topic: got %d records", len(got))
	}

	const n = 300
	var msgs []*sarama.ProducerMessage
	for i := range n {
		m := Message(topic, fmt.Sprintf("key-%d", i%17), fmt.Sprintf("value-%d", i))
		m.Headers = []sarama.RecordHeader{{Key: []byte("i"), Value: []byte(strconv.Itoa(i))}}
		msgs = append(msgs, m)
	}
	msgs = append(msgs, InPartition(2, &sarama.ProducerMessage{Topic: topic})) // a tombstone, null key
	k.Produce(t, msgs...)
	if p := msgs[n].Partition; p != 2 {
		t.Fatalf("InPartition(2) message landed in partition %d", p)
	}

	got := k.ReadAll(t, topic)
	if len(got) != n+1 {
		t.Fatalf("read %d records, want %d", len(got), n+1)
	}
	byValue := map[string]*sarama.ConsumerMessage{}
	for i, m := range got {
		if i > 0 {
			prev := got[i-1]
			if prev.Partition > m.Partition || (prev.Partition == m.Partition && prev.Offset >= m.Offset) {
				t.Fatalf("records not sorted by partition then offset at %d: %d/%d after %d/%d",
					i, m.Partition, m.Offset, prev.Partition, prev.Offset)
			}
		}
		byValue[string(m.Value)] = m
	}
	for i, pm := range msgs[:n] {
		m, ok := byValue[fmt.Sprintf("value-%d", i)]
		if !ok {
			t.Fatalf("value-%d missing", i)
		}
		if m.Partition != pm.Partition || m.Offset != pm.Offset {
			t.Errorf("value-%d at %d/%d, producer said %d/%d", i, m.Partition, m.Offset, pm.Partition, pm.Offset)
		}
		if want := fmt.Sprintf("key-%d", i%17); string(m.Key) != want {
			t.Errorf("value-%d key %q, want %q", i, m.Key, want)
		}
		if len(m.Headers) != 1 || string(m.Headers[0].Value) != strconv.Itoa(i) {
			t.Errorf("value-%d headers %v", i, m.Headers)
		}
		if m.Timestamp.IsZero() {
			t.Errorf("value-%d has no timestamp", i)
		}
	}
	// Same key → same partition (murmur2 partitioner).
	part := map[string]int32{}
	for _, m := range got {
		if m.Key == nil {
			continue
		}
		if p, ok := part[string(m.Key)]; ok && p != m.Partition {
			t.Fatalf("key %s in partitions %d and %d", m.Key, p, m.Partition)
		}
		part[string(m.Key)] = m.Partition
	}
	if tomb, ok := byValue[""]; !ok || tomb.Value != nil || tomb.Key != nil || tomb.Partition != 2 {
		t.Errorf("tombstone not read back from partition 2 with null key and value: %+v", tomb)
	}
}

func TestWaitFor(t *testing.T) {
	k := Kafka(t)
	topic := UniqueTopic("waitfor")
	k.CreateTopic(t, topic, 1, nil)
	go func() {
		time.Sleep(200 * time.Millisecond)
		p, err := sarama.NewSyncProducer(k.Bootstrap, SaramaConfig())
		if err != nil {
			t.Error(err)
			return
		}
		defer p.Close()
		for i := range 5 {
			if _, _, err := p.SendMessage(Message(topic, "", strconv.Itoa(i))); err != nil {
				t.Error(err)
			}
		}
	}()
	got := k.WaitFor(t, topic, 5, 10*time.Second)
	if len(got) != 5 {
		t.Fatalf("WaitFor returned %d records, want 5", len(got))
	}
}

// TestReadAllTransactions checks that a transaction marker at the tail of a
// partition does not stall ReadAll and that ReadCommitted hides aborted
// records.
func TestReadAllTransactions(t *testing.T) {
	k := Kafka(t)
	topic := UniqueTopic("txn")
	k.CreateTopic(t, topic, 1, nil)

	cfg := SaramaConfig()
	cfg.Producer.Idempotent = true
	cfg.Producer.Transaction.ID = "testkit-" + topic
	cfg.Net.MaxOpenRequests = 1
	p, err := sarama.NewSyncProducer(k.Bootstrap, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	txn := func(commit bool, values ...string) {
		t.Helper()
		if err := p.BeginTxn(); err != nil {
			t.Fatal(err)
		}
		for _, v := range values {
			if _, _, err := p.SendMessage(Message(topic, "", v)); err != nil {
				t.Fatal(err)
			}
		}
		if commit {
			err = p.CommitTxn()
		} else {
			err = p.AbortTxn()
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	txn(true, "c1", "c2")
	txn(false, "a1", "a2", "a3")
	txn(true, "c3")

	values := func(ms []*sarama.ConsumerMessage) []string {
		var out []string
		for _, m := range ms {
			out = append(out, string(m.Value))
		}
		return out
	}
	if got, want := fmt.Sprint(values(k.ReadAll(t, topic, ReadCommitted()))), "[c1 c2 c3]"; got != want {
		t.Errorf("read_committed: %s, want %s", got, want)
	}
	if got, want := fmt.Sprint(values(k.ReadAll(t, topic))), "[c1 c2 a1 a2 a3 c3]"; got != want {
		t.Errorf("read_uncommitted: %s, want %s", got, want)
	}
}

func TestSeedTopics(t *testing.T) {
	topic := UniqueTopic("seeded")
	k := Kafka(t, SeedTopics(2, topic))
	parts, err := k.Client(t).Partitions(topic)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 2 {
		t.Fatalf("seeded topic has %d partitions, want 2", len(parts))
	}
}

func TestSaramaVersionPinned(t *testing.T) {
	if !SaramaVersion().IsAtLeast(sarama.V3_9_0_0) {
		t.Fatalf("SaramaVersion %v is older than 3.9", SaramaVersion())
	}
	if got := SaramaConfig().Version; got != SaramaVersion() {
		t.Fatalf("SaramaConfig().Version = %v, want %v", got, SaramaVersion())
	}
	if err := SaramaConfig().Validate(); err != nil {
		t.Fatalf("SaramaConfig is invalid: %v", err)
	}
}

func TestInPartitionOutOfRange(t *testing.T) {
	p := newHarnessPartitioner("t")
	if _, err := p.Partition(InPartition(3, Message("t", "", "v")), 3); err == nil {
		t.Fatal("partition 3 of 3 accepted")
	}
	got, err := p.Partition(Message("t", "k", "v"), 3)
	want, _ := sarama.NewMurmur2Partitioner("t").Partition(Message("t", "k", "v"), 3)
	if err != nil || got != want {
		t.Fatalf("keyed message: partition %d, %v; murmur2 says %d", got, err, want)
	}
}
