package testkit

import (
	"errors"
	"fmt"
	"testing"

	"github.com/IBM/sarama"
)

// Produce sends the messages synchronously (acks=all, idempotence off) with
// [SaramaConfig] and fails the test if any is not acknowledged. Messages go
// to partitions by murmur2 key hashing (random for null keys) unless marked
// with [InPartition]; sarama ignores ProducerMessage.Partition on input. On
// return, each message's Partition and Offset hold where it landed.
func (k *KafkaCluster) Produce(t testing.TB, msgs ...*sarama.ProducerMessage) {
	t.Helper()
	if len(msgs) == 0 {
		return
	}
	p, err := k.sharedProducer()
	if err != nil {
		t.Fatalf("testkit: %v", err)
	}
	if err := p.SendMessages(msgs); err != nil {
		var perrs sarama.ProducerErrors
		if errors.As(err, &perrs) && len(perrs) > 0 {
			t.Fatalf("testkit: produce %d messages: %d failed, first: topic %s: %v",
				len(msgs), len(perrs), perrs[0].Msg.Topic, perrs[0].Err)
		}
		t.Fatalf("testkit: produce %d messages: %v", len(msgs), err)
	}
}

// Message builds a producer message with string key and value; an empty key
// means a null key.
func Message(topic, key, value string) *sarama.ProducerMessage {
	m := &sarama.ProducerMessage{Topic: topic, Value: sarama.StringEncoder(value)}
	if key != "" {
		m.Key = sarama.StringEncoder(key)
	}
	return m
}

// InPartition marks the message to be produced by [KafkaCluster.Produce] into
// the given partition, and returns it. It uses the message's Metadata field.
func InPartition(partition int32, m *sarama.ProducerMessage) *sarama.ProducerMessage {
	m.Metadata = explicitPartition(partition)
	return m
}

// explicitPartition is the Metadata marker set by InPartition.
type explicitPartition int32

// harnessPartitioner honors InPartition and hashes keys with murmur2
// otherwise.
type harnessPartitioner struct{ murmur2 sarama.Partitioner }

func newHarnessPartitioner(topic string) sarama.Partitioner {
	return harnessPartitioner{murmur2: sarama.NewMurmur2Partitioner(topic)}
}

// Partition returns the marked partition or the murmur2 choice.
func (p harnessPartitioner) Partition(m *sarama.ProducerMessage, numPartitions int32) (int32, error) {
	if ep, ok := m.Metadata.(explicitPartition); ok {
		if int32(ep) < 0 || int32(ep) >= numPartitions {
			return 0, fmt.Errorf("partition %d out of range: topic %s has %d partitions", ep, m.Topic, numPartitions)
		}
		return int32(ep), nil
	}
	return p.murmur2.Partition(m, numPartitions)
}

// RequiresConsistency reports true: placement must not depend on which
// partitions are currently available.
func (harnessPartitioner) RequiresConsistency() bool { return true }

func (k *KafkaCluster) sharedProducer() (sarama.SyncProducer, error) {
	client, err := k.sharedClient()
	if err != nil {
		return nil, err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.producer != nil {
		return k.producer, nil
	}
	p, err := sarama.NewSyncProducerFromClient(client) // its config has the harness partitioner
	if err != nil {
		return nil, fmt.Errorf("kafka producer: %w", err)
	}
	k.producer = p
	return p, nil
}
