package kafkastore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/IBM/sarama"
)

// Worker config keys naming the internal topics (§7.4) and their defaults.
const (
	ConfigTopicProperty = "config.storage.topic"
	OffsetTopicProperty = "offset.storage.topic"
	StatusTopicProperty = "status.storage.topic"

	DefaultReplicationFactor int16 = 3
	DefaultOffsetPartitions  int32 = 25
	DefaultStatusPartitions  int32 = 5
)

// TopicSpec describes an internal topic: how to create it when missing and
// what an existing one must satisfy.
type TopicSpec struct {
	// Name is the topic.
	Name string
	// Property is the worker config key that named the topic, used in
	// errors ("config.storage.topic").
	Property string
	// Purpose says what the topic stores, used in errors and logs.
	Purpose string
	// Partitions is the partition count for a new topic; -1 means the
	// broker default. Ignored when SinglePartition is set.
	Partitions int32
	// SinglePartition requires exactly one partition (the config topic):
	// a new topic gets one, an existing one with more is refused.
	SinglePartition bool
	// ReplicationFactor for a new topic; -1 means the broker default.
	ReplicationFactor int16
	// Configs are extra topic-level configs for a new topic.
	// cleanup.policy is always "compact" whatever this map says.
	Configs map[string]string
}

// ConfigTopicSpec returns the spec of the config topic.
func ConfigTopicSpec(name string, replication int16) TopicSpec {
	return TopicSpec{Name: name, Property: ConfigTopicProperty, Purpose: "connector configurations",
		Partitions: 1, SinglePartition: true, ReplicationFactor: replication}
}

// OffsetTopicSpec returns the spec of the offsets topic.
func OffsetTopicSpec(name string, partitions int32, replication int16) TopicSpec {
	return TopicSpec{Name: name, Property: OffsetTopicProperty, Purpose: "source connector offsets",
		Partitions: partitions, ReplicationFactor: replication}
}

// StatusTopicSpec returns the spec of the status topic.
func StatusTopicSpec(name string, partitions int32, replication int16) TopicSpec {
	return TopicSpec{Name: name, Property: StatusTopicProperty, Purpose: "connector and task statuses",
		Partitions: partitions, ReplicationFactor: replication}
}

// WorkerTopicSpecs reads the three internal topics from a distributed
// worker's config (§2.1, §7.4): <prefix>topic (required),
// <prefix>replication.factor (default 3), <prefix>partitions (offsets 25,
// status 5; ignored for the config topic), and every other
// config.storage.* / offset.storage.* / status.storage.* key as a topic
// config. A user cleanup.policy and config.storage.partitions are ignored;
// the returned warnings say so.
func WorkerTopicSpecs(props map[string]string) (cfg, off, st TopicSpec, warnings []string, err error) {
	type item struct {
		prefix   string
		spec     *TopicSpec
		defParts int32
	}
	items := []item{
		{"config.storage.", &cfg, 1},
		{"offset.storage.", &off, DefaultOffsetPartitions},
		{"status.storage.", &st, DefaultStatusPartitions},
	}
	cfg = ConfigTopicSpec("", DefaultReplicationFactor)
	off = OffsetTopicSpec("", DefaultOffsetPartitions, DefaultReplicationFactor)
	st = StatusTopicSpec("", DefaultStatusPartitions, DefaultReplicationFactor)
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, it := range items {
		name := strings.TrimSpace(props[it.prefix+"topic"])
		if name == "" {
			return cfg, off, st, nil, fmt.Errorf("missing required worker config %stopic", it.prefix)
		}
		it.spec.Name = name
		if v, ok := props[it.prefix+"replication.factor"]; ok {
			n, perr := strconv.ParseInt(strings.TrimSpace(v), 10, 16)
			if perr != nil || n == 0 || n < -1 {
				return cfg, off, st, nil, fmt.Errorf("worker config %sreplication.factor=%q: want a positive number or -1", it.prefix, v)
			}
			it.spec.ReplicationFactor = int16(n)
		}
		if v, ok := props[it.prefix+"partitions"]; ok {
			if it.spec.SinglePartition {
				warnings = append(warnings, fmt.Sprintf("%spartitions is ignored: the config topic always has one partition", it.prefix))
			} else {
				n, perr := strconv.ParseInt(strings.TrimSpace(v), 10, 32)
				if perr != nil || n == 0 || n < -1 {
					return cfg, off, st, nil, fmt.Errorf("worker config %spartitions=%q: want a positive number or -1", it.prefix, v)
				}
				it.spec.Partitions = int32(n)
			}
		}
		for _, k := range keys {
			if !strings.HasPrefix(k, it.prefix) {
				continue
			}
			sub := k[len(it.prefix):]
			switch sub {
			case "topic", "replication.factor", "partitions":
				continue
			case "cleanup.policy":
				warnings = append(warnings, fmt.Sprintf("%s is ignored: internal topics are always compacted", k))
				continue
			}
			if it.spec.Configs == nil {
				it.spec.Configs = map[string]string{}
			}
			it.spec.Configs[sub] = props[k]
		}
	}
	return cfg, off, st, warnings, nil
}

// topicReadyTimeout bounds the wait for a new topic's partitions to have
// leaders.
const topicReadyTimeout = 30 * time.Second

// ensureTopic creates the topic when it is missing and validates it
// otherwise; it returns the partition count. Admin calls have no context:
// each is bounded by the sarama admin timeout and retries, and ctx is
// checked between them.
func ensureTopic(ctx context.Context, client sarama.Client, spec TopicSpec, log *slog.Logger) (int32, error) {
	admin, err := sarama.NewClusterAdminFromClient(nopCloseClient{client})
	if err != nil {
		return 0, fmt.Errorf("topic %s: admin client: %w", spec.Name, err)
	}
	defer admin.Close()

	partitions, exists, err := describePartitions(admin, spec.Name)
	if err != nil {
		return 0, err
	}
	if !exists {
		if err := ctx.Err(); err != nil {
			return 0, fmt.Errorf("topic %s: %w", spec.Name, err)
		}
		created, err := createTopic(admin, spec)
		if err != nil {
			return 0, err
		}
		if created {
			log.Info("created internal topic", "topic", spec.Name, "purpose", spec.Purpose,
				"partitions", spec.partitions(), "replication_factor", spec.ReplicationFactor)
		}
		if partitions, err = waitTopicReady(ctx, client, spec.Name); err != nil {
			return 0, err
		}
	}
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("topic %s: %w", spec.Name, err)
	}
	if spec.SinglePartition && partitions > 1 {
		return 0, &TopicError{Topic: spec.Name, Property: spec.Property, Purpose: spec.Purpose,
			Found: strconv.Itoa(int(partitions)), Err: ErrTopicPartitions}
	}
	if err := checkCompacted(admin, spec, log); err != nil {
		return 0, err
	}
	if err := client.RefreshMetadata(spec.Name); err != nil {
		return 0, fmt.Errorf("topic %s: metadata: %w", spec.Name, err)
	}
	return partitions, nil
}

func (s TopicSpec) partitions() int32 {
	if s.SinglePartition {
		return 1
	}
	if s.Partitions == 0 {
		return -1
	}
	return s.Partitions
}

// describePartitions returns the topic's partition count, or exists=false.
func describePartitions(admin sarama.ClusterAdmin, topic string) (int32, bool, error) {
	md, err := admin.DescribeTopics([]string{topic})
	if err != nil {
		return 0, false, fmt.Errorf("describe topic %s: %w", topic, err)
	}
	for _, t := range md {
		if t.Name != topic {
			continue
		}
		switch {
		case errors.Is(t.Err, sarama.ErrUnknownTopicOrPartition):
			return 0, false, nil
		case !errors.Is(t.Err, sarama.ErrNoError):
			return 0, false, fmt.Errorf("describe topic %s: %w", topic, t.Err)
		}
		return int32(len(t.Partitions)), true, nil
	}
	return 0, false, nil
}

// createTopic creates the compacted topic; created=false when another
// worker created it first.
func createTopic(admin sarama.ClusterAdmin, spec TopicSpec) (bool, error) {
	compact := "compact"
	detail := &sarama.TopicDetail{
		NumPartitions:     spec.partitions(),
		ReplicationFactor: spec.ReplicationFactor,
		ConfigEntries:     map[string]*string{},
	}
	if detail.ReplicationFactor == 0 {
		detail.ReplicationFactor = -1
	}
	for k, v := range spec.Configs {
		if k == "cleanup.policy" {
			continue
		}
		detail.ConfigEntries[k] = &v
	}
	detail.ConfigEntries["cleanup.policy"] = &compact
	err := admin.CreateTopic(spec.Name, detail, false)
	if errors.Is(err, sarama.ErrTopicAlreadyExists) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("create topic %s (%s, %d partitions, replication factor %d): %w",
			spec.Name, spec.Property, detail.NumPartitions, detail.ReplicationFactor, err)
	}
	return true, nil
}

// checkCompacted refuses a topic whose cleanup.policy is readable and is
// not exactly "compact"; an unreadable policy is logged and accepted, as
// Kafka Connect does.
func checkCompacted(admin sarama.ClusterAdmin, spec TopicSpec, log *slog.Logger) error {
	entries, err := describeTopicConfig(admin, spec.Name, "cleanup.policy")
	if err != nil {
		log.Warn("cannot read cleanup.policy of internal topic; assuming it is compacted",
			"topic", spec.Name, "property", spec.Property, "error", err)
		return nil
	}
	for _, e := range entries {
		if e.Name != "cleanup.policy" {
			continue
		}
		var policies []string
		for _, p := range strings.Split(e.Value, ",") {
			if p = strings.ToLower(strings.TrimSpace(p)); p != "" {
				policies = append(policies, p)
			}
		}
		if len(policies) != 1 || policies[0] != "compact" {
			return &TopicError{Topic: spec.Name, Property: spec.Property, Purpose: spec.Purpose,
				Found: e.Value, Err: ErrTopicNotCompacted}
		}
		return nil
	}
	log.Warn("broker did not report cleanup.policy of internal topic; assuming it is compacted",
		"topic", spec.Name, "property", spec.Property)
	return nil
}

// describeTopicConfig reads some configs of one topic; a per-resource error
// of the broker is an error.
func describeTopicConfig(admin sarama.ClusterAdmin, topic string, names ...string) ([]sarama.ConfigEntry, error) {
	results, err := admin.DescribeConfigs([]*sarama.ConfigResource{{
		Type: sarama.TopicResource, Name: topic, ConfigNames: names,
	}}, sarama.DescribeConfigsOptions{})
	if err != nil {
		return nil, err
	}
	var entries []sarama.ConfigEntry
	for _, r := range results {
		if r.Name != topic {
			continue
		}
		if r.ErrorCode != sarama.ErrNoError {
			return nil, &sarama.DescribeConfigError{Err: r.ErrorCode, ErrMsg: r.ErrorMsg}
		}
		entries = append(entries, r.Configs...)
	}
	return entries, nil
}

// waitTopicReady polls metadata until every partition of a new topic has a
// leader, bounded by topicReadyTimeout and ctx.
func waitTopicReady(ctx context.Context, client sarama.Client, topic string) (int32, error) {
	deadline := time.Now().Add(topicReadyTimeout)
	var last error
	for {
		n, err := topicReady(client, topic)
		if err == nil {
			return n, nil
		}
		last = err
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("topic %s not ready after %v: %w", topic, topicReadyTimeout, last)
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("topic %s not ready: %w (last: %v)", topic, ctx.Err(), last)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func topicReady(client sarama.Client, topic string) (int32, error) {
	if err := client.RefreshMetadata(topic); err != nil {
		return 0, err
	}
	ps, err := client.Partitions(topic)
	if err != nil {
		return 0, err
	}
	if len(ps) == 0 {
		return 0, errors.New("no partitions yet")
	}
	for _, p := range ps {
		if _, err := client.Leader(topic, p); err != nil {
			return 0, fmt.Errorf("partition %d: %w", p, err)
		}
	}
	return int32(len(ps)), nil
}

// nopCloseClient lets a short-lived ClusterAdmin share a client without
// closing it.
type nopCloseClient struct{ sarama.Client }

// Close does nothing; the owner closes the client.
func (nopCloseClient) Close() error { return nil }
