package testkit

import (
	"bytes"
	"testing"

	"github.com/IBM/sarama"
)

// BenchmarkReadAll measures the harness's read-to-end over 10,000 records of
// 1 KiB in 3 partitions; b.N counts records read.
func BenchmarkReadAll(b *testing.B) {
	k := Kafka(b)
	topic := UniqueTopic("bench-readall")
	k.CreateTopic(b, topic, 3, nil)
	const n = 10_000
	value := bytes.Repeat([]byte("x"), 1024)
	msgs := make([]*sarama.ProducerMessage, n)
	for i := range msgs {
		msgs[i] = InPartition(int32(i%3), &sarama.ProducerMessage{Topic: topic, Value: sarama.ByteEncoder(value)})
	}
	k.Produce(b, msgs...)
	b.SetBytes(1024)
	b.ResetTimer()
	for read := 0; read < b.N; {
		got := k.ReadAll(b, topic)
		if len(got) != n {
			b.Fatalf("read %d records, want %d", len(got), n)
		}
		read += len(got)
	}
}
