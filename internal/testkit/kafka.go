package testkit

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kfake"
)

// KafkaCluster is a Kafka cluster a test talks to: the embedded kfake started
// by [Kafka], or the external cluster named by KAFKA_BOOTSTRAP_SERVERS.
// Its methods are safe for concurrent use; each takes the calling test so
// failures are reported where they happen.
type KafkaCluster struct {
	// Bootstrap lists the host:port of the brokers to bootstrap from.
	Bootstrap []string

	fake *kfake.Cluster // nil for an external cluster

	mu       sync.Mutex
	client   sarama.Client       // shared metadata/offsets client, lazily built
	producer sarama.SyncProducer // shared producer, lazily built
}

// KafkaOption configures [Kafka].
type KafkaOption func(*kafkaOptions)

type kafkaOptions struct {
	brokers int
	seeds   []seedTopic
	kfake   []kfake.Opt
}

type seedTopic struct {
	partitions int32
	names      []string
}

// Brokers sets the number of embedded kfake brokers (default 1). It has no
// effect on an external cluster.
func Brokers(n int) KafkaOption {
	return func(o *kafkaOptions) { o.brokers = n }
}

// SeedTopics creates topics with the given partition count before [Kafka]
// returns (through kfake on the embedded cluster, through the admin API on an
// external one).
func SeedTopics(partitions int32, names ...string) KafkaOption {
	return func(o *kafkaOptions) {
		o.seeds = append(o.seeds, seedTopic{partitions: partitions, names: names})
	}
}

// KfakeOptions passes options to kfake.NewCluster; ignored on an external
// cluster. kfake always listens on 127.0.0.1, on random ports unless
// kfake.Ports is given.
func KfakeOptions(opts ...kfake.Opt) KafkaOption {
	return func(o *kafkaOptions) { o.kfake = append(o.kfake, opts...) }
}

// Kafka returns a Kafka cluster for the test: a new embedded kfake cluster on
// 127.0.0.1 with random ports, closed at the test's cleanup, or the external
// cluster from KAFKA_BOOTSTRAP_SERVERS. Clients created through the returned
// value are closed at cleanup too.
func Kafka(t testing.TB, opts ...KafkaOption) *KafkaCluster {
	t.Helper()
	o := kafkaOptions{brokers: 1}
	for _, opt := range opts {
		opt(&o)
	}
	if bootstrap, external := kafkaTarget(os.Getenv); external {
		k := &KafkaCluster{Bootstrap: bootstrap}
		t.Cleanup(k.closeClients)
		for _, s := range o.seeds {
			for _, name := range s.names {
				k.CreateTopic(t, name, s.partitions, nil)
			}
		}
		return k
	}
	fake, err := startKfake(o)
	if err != nil {
		t.Fatalf("testkit: start kfake: %v", err)
	}
	k := &KafkaCluster{Bootstrap: fake.ListenAddrs(), fake: fake}
	t.Cleanup(func() {
		k.closeClients()
		fake.Close()
	})
	return k
}

func startKfake(o kafkaOptions) (*kfake.Cluster, error) {
	if o.brokers < 1 {
		return nil, fmt.Errorf("broker count %d: need at least 1", o.brokers)
	}
	// kfake listens on 127.0.0.1 with random ports unless kfake.Ports is
	// passed through KfakeOptions.
	kopts := []kfake.Opt{kfake.NumBrokers(o.brokers), kfake.BrokerConfigs(map[string]string{"log.segment.bytes": "4194304"})}
	for _, s := range o.seeds {
		kopts = append(kopts, kfake.SeedTopics(s.partitions, s.names...))
	}
	kopts = append(kopts, o.kfake...)
	return kfake.NewCluster(kopts...)
}

// Fake returns the embedded kfake cluster for fault injection, or nil on an
// external cluster (such tests should call [KafkaCluster.RequireFake]).
func (k *KafkaCluster) Fake() *kfake.Cluster { return k.fake }

// External reports whether the cluster is the external one named by
// KAFKA_BOOTSTRAP_SERVERS.
func (k *KafkaCluster) External() bool { return k.fake == nil }

// RequireFake skips the test when the cluster is external, because the test
// needs kfake's fault injection, and returns the kfake cluster otherwise.
func (k *KafkaCluster) RequireFake(t testing.TB) *kfake.Cluster {
	t.Helper()
	if k.fake == nil {
		t.Skipf("needs the embedded kfake broker; %s points at an external cluster", EnvKafkaBootstrap)
	}
	return k.fake
}

// BootstrapString returns the bootstrap servers joined by commas, as the
// bootstrap.servers config key wants them.
func (k *KafkaCluster) BootstrapString() string { return strings.Join(k.Bootstrap, ",") }

// Client returns a new sarama client with [SaramaConfig], closed at the
// test's cleanup.
func (k *KafkaCluster) Client(t testing.TB) sarama.Client {
	t.Helper()
	c, err := sarama.NewClient(k.Bootstrap, SaramaConfig())
	if err != nil {
		t.Fatalf("testkit: kafka client for %v: %v", k.Bootstrap, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// sharedClient returns the cluster's lazily created client used by the
// helpers; it lives until the cluster's cleanup.
func (k *KafkaCluster) sharedClient() (sarama.Client, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.client != nil && !k.client.Closed() {
		return k.client, nil
	}
	cfg := SaramaConfig()
	cfg.Producer.Partitioner = newHarnessPartitioner
	c, err := sarama.NewClient(k.Bootstrap, cfg)
	if err != nil {
		return nil, fmt.Errorf("kafka client for %v: %w", k.Bootstrap, err)
	}
	k.client = c
	return c, nil
}

func (k *KafkaCluster) closeClients() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.producer != nil {
		_ = k.producer.Close()
		k.producer = nil
	}
	if k.client != nil {
		_ = k.client.Close()
		k.client = nil
	}
}

// UniqueTopic returns a topic name unique to this test run, built from the
// prefix: tests sharing an external cluster must not collide.
func UniqueTopic(prefix string) string {
	return fmt.Sprintf("%s-%d-%s", prefix, time.Now().UnixMilli(), randomSuffix(6))
}
