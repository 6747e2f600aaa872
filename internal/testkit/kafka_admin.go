package testkit

import (
	"fmt"
	"testing"
	"time"

	"github.com/IBM/sarama"
)

// topicReadyTimeout bounds the wait for a new topic's partitions to get
// leaders in the metadata.
const topicReadyTimeout = 30 * time.Second

// Admin returns a new sarama ClusterAdmin with [SaramaConfig], closed at the
// test's cleanup.
func (k *KafkaCluster) Admin(t testing.TB) sarama.ClusterAdmin {
	t.Helper()
	a, err := sarama.NewClusterAdmin(k.Bootstrap, SaramaConfig())
	if err != nil {
		t.Fatalf("testkit: kafka admin for %v: %v", k.Bootstrap, err)
	}
	t.Cleanup(func() { _ = a.Close() })
	return a
}

// CreateTopic creates a topic through sarama's ClusterAdmin with the given
// partition count and topic configs (for example
// {"cleanup.policy": "compact"}; nil for none) and waits until every
// partition has a leader. The replication factor is min(3, brokers). On an
// external cluster the topic is deleted at the test's cleanup.
func (k *KafkaCluster) CreateTopic(t testing.TB, name string, partitions int32, configs map[string]string) {
	t.Helper()
	if err := k.createTopic(t, name, partitions, configs); err != nil {
		t.Fatalf("testkit: %v", err)
	}
	if k.External() {
		t.Cleanup(func() {
			a, err := sarama.NewClusterAdmin(k.Bootstrap, SaramaConfig())
			if err != nil {
				t.Logf("testkit: delete topic %s: %v", name, err)
				return
			}
			defer a.Close()
			if err := a.DeleteTopic(name); err != nil {
				t.Logf("testkit: delete topic %s: %v", name, err)
			}
		})
	}
}

func (k *KafkaCluster) createTopic(t testing.TB, name string, partitions int32, configs map[string]string) error {
	client, err := k.sharedClient()
	if err != nil {
		return err
	}
	admin, err := sarama.NewClusterAdminFromClient(nopCloseClient{client})
	if err != nil {
		return fmt.Errorf("create topic %s: admin: %w", name, err)
	}
	defer admin.Close()
	detail := &sarama.TopicDetail{
		NumPartitions:     partitions,
		ReplicationFactor: int16(min(3, len(client.Brokers()))),
		ConfigEntries:     make(map[string]*string, len(configs)),
	}
	for key, v := range configs {
		detail.ConfigEntries[key] = &v
	}
	if err := admin.CreateTopic(name, detail, false); err != nil {
		return fmt.Errorf("create topic %s: %w", name, err)
	}
	return waitTopicReady(client, name, partitions)
}

// waitTopicReady polls metadata until the topic has the wanted partition
// count and every partition has a leader, bounded by topicReadyTimeout.
func waitTopicReady(client sarama.Client, name string, partitions int32) error {
	deadline := time.Now().Add(topicReadyTimeout)
	var last error
	for time.Now().Before(deadline) {
		last = topicReady(client, name, partitions)
		if last == nil {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("topic %s not ready after %v: %w", name, topicReadyTimeout, last)
}

func topicReady(client sarama.Client, name string, partitions int32) error {
	if err := client.RefreshMetadata(name); err != nil {
		return err
	}
	ps, err := client.Partitions(name)
	if err != nil {
		return err
	}
	if int32(len(ps)) < partitions {
		return fmt.Errorf("%d of %d partitions", len(ps), partitions)
	}
	for _, p := range ps {
		if _, err := client.Leader(name, p); err != nil {
			return fmt.Errorf("partition %d: %w", p, err)
		}
	}
	return nil
}

// TopicConfig returns the topic's configuration as the broker describes it
// (DescribeConfigs), defaults included, keyed by config name.
func (k *KafkaCluster) TopicConfig(t testing.TB, name string) map[string]string {
	t.Helper()
	results, err := k.Admin(t).DescribeConfigs([]*sarama.ConfigResource{{
		Type: sarama.TopicResource,
		Name: name,
	}}, sarama.DescribeConfigsOptions{})
	if err != nil {
		t.Fatalf("testkit: describe config of topic %s: %v", name, err)
	}
	out := map[string]string{}
	for _, r := range results {
		if r.Name != name {
			continue
		}
		if r.ErrorCode != sarama.ErrNoError {
			t.Fatalf("testkit: describe config of topic %s: %v %s", name, r.ErrorCode, r.ErrorMsg)
		}
		for _, e := range r.Configs {
			out[e.Name] = e.Value
		}
	}
	if len(out) == 0 {
		t.Fatalf("testkit: describe config of topic %s: no configs returned", name)
	}
	return out
}

// nopCloseClient lets a short-lived ClusterAdmin share the cluster's client
// without closing it.
type nopCloseClient struct{ sarama.Client }

// Close does nothing: the shared client is closed at the cluster's cleanup.
func (nopCloseClient) Close() error { return nil }
