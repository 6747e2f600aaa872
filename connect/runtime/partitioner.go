package runtime

import "github.com/IBM/sarama"

// recordPartitioner sends a message to msg.Partition when the runtime set it
// (≥ 0: the source record named a partition) and otherwise hashes the key
// with murmur2 as Java's default partitioner does (random for nil keys), so
// keyed records land where Kafka Connect would put them.
type recordPartitioner struct {
	hash sarama.Partitioner
}

func newRecordPartitioner(topic string) sarama.Partitioner {
	return &recordPartitioner{hash: sarama.NewMurmur2Partitioner(topic)}
}

func (p *recordPartitioner) Partition(msg *sarama.ProducerMessage, n int32) (int32, error) {
	if msg.Partition >= 0 {
		if msg.Partition >= n {
			return -1, sarama.ErrInvalidPartition
		}
		return msg.Partition, nil
	}
	return p.hash.Partition(msg, n)
}

func (p *recordPartitioner) RequiresConsistency() bool { return true }
