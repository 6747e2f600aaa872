package testkit

import (
	"time"

	"github.com/IBM/sarama"
)

// saramaVersion is the one Kafka protocol version the project tests with.
// kfake supports every API sarama speaks at this version (see
// docs toolchain-notes: zstd, KIP-394 member ids, modern LeaveGroup).
var saramaVersion = sarama.V3_9_0_0

// SaramaVersion returns the Kafka protocol version every test client uses.
func SaramaVersion() sarama.KafkaVersion { return saramaVersion }

// SaramaConfig returns a fresh sarama configuration with test defaults: the
// pinned [SaramaVersion], short dial and metadata timeouts, acks=all with
// returned successes for producers, the oldest offset for new consumers,
// Java-compatible murmur2 partitioning and no automatic topic creation.
// Callers may change the returned value freely; each call builds a new one.
func SaramaConfig() *sarama.Config {
	cfg := sarama.NewConfig()
	cfg.Version = saramaVersion
	cfg.ClientID = "onec-testkit"

	cfg.Net.DialTimeout = 5 * time.Second
	cfg.Net.ReadTimeout = 30 * time.Second
	cfg.Net.WriteTimeout = 10 * time.Second

	cfg.Metadata.AllowAutoTopicCreation = false
	cfg.Metadata.Retry.Max = 10
	cfg.Metadata.Retry.Backoff = 100 * time.Millisecond
	cfg.Metadata.Timeout = 20 * time.Second

	cfg.Producer.RequiredAcks = sarama.WaitForAll
	cfg.Producer.Return.Successes = true
	cfg.Producer.Return.Errors = true
	cfg.Producer.Retry.Max = 5
	cfg.Producer.Retry.Backoff = 100 * time.Millisecond
	cfg.Producer.Timeout = 10 * time.Second
	cfg.Producer.Partitioner = sarama.NewMurmur2Partitioner

	cfg.Consumer.Offsets.Initial = sarama.OffsetOldest
	cfg.Consumer.Return.Errors = true
	cfg.Consumer.MaxWaitTime = 100 * time.Millisecond

	cfg.Admin.Timeout = 20 * time.Second
	cfg.Admin.Retry.Max = 5
	cfg.Admin.Retry.Backoff = 100 * time.Millisecond
	return cfg
}
