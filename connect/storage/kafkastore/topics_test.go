package kafkastore

import (
	"errors"
	"strings"
	"testing"

	"github.com/onecconnect/onecconnect/internal/testkit"
)

// TestTopicsCreated starts the three stores on missing topics and checks
// what they created.
func TestTopicsCreated(t *testing.T) {
	k := testkit.Kafka(t, testkit.Brokers(3))
	names := map[string]string{
		"config": testkit.UniqueTopic("connect-configs"),
		"offset": testkit.UniqueTopic("connect-offsets"),
		"status": testkit.UniqueTopic("connect-status"),
	}
	ctx := testCtx(t)
	cs := NewConfigStore(ConfigStoreConfig{Log: logConfig(k, ConfigTopicSpec(names["config"], 3))})
	os := NewOffsetStore(OffsetStoreConfig{Log: logConfig(k, OffsetTopicSpec(names["offset"], DefaultOffsetPartitions, 3))})
	spec := StatusTopicSpec(names["status"], DefaultStatusPartitions, 3)
	spec.Configs = map[string]string{"cleanup.policy": "delete", "min.insync.replicas": "2"}
	ss := NewStatusStore(StatusStoreConfig{Log: logConfig(k, spec)})
	for _, start := range []func() error{
		func() error { return cs.Start(ctx) }, func() error { return os.Start(ctx) }, func() error { return ss.Start(ctx) },
	} {
		if err := start(); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { _ = cs.Stop(ctx); _ = os.Close(); _ = ss.Stop(ctx) })

	client := k.Client(t)
	for name, want := range map[string]int{names["config"]: 1, names["offset"]: 25, names["status"]: 5} {
		ps, err := client.Partitions(name)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != want {
			t.Errorf("%s: %d partitions, want %d", name, len(ps), want)
		}
		if p := k.TopicConfig(t, name)["cleanup.policy"]; p != "compact" {
			t.Errorf("%s: cleanup.policy=%q, want compact", name, p)
		}
	}
	if v := k.TopicConfig(t, names["status"])["min.insync.replicas"]; v != "2" {
		t.Errorf("status topic: min.insync.replicas=%q, want the passed-through 2", v)
	}
	// A second worker validates the existing topics and starts.
	cs2 := NewConfigStore(ConfigStoreConfig{Log: logConfig(k, ConfigTopicSpec(names["config"], 3))})
	if err := cs2.Start(ctx); err != nil {
		t.Fatalf("second config store on the existing topic: %v", err)
	}
	_ = cs2.Stop(ctx)
}

// TestTopicsRefused: existing topics that would lose or split state are
// refused with an error naming the topic and the property.
func TestTopicsRefused(t *testing.T) {
	k := testkit.Kafka(t)
	tests := []struct {
		name       string
		partitions int32
		configs    map[string]string
		start      func(name string) error
		want       error
		property   string
	}{
		{
			name: "config topic with two partitions", partitions: 2,
			configs: map[string]string{"cleanup.policy": "compact"},
			start: func(name string) error {
				return NewConfigStore(ConfigStoreConfig{Log: logConfig(k, ConfigTopicSpec(name, 1))}).Start(testCtx(t))
			},
			want: ErrTopicPartitions, property: ConfigTopicProperty,
		},
		{
			name: "config topic not compacted", partitions: 1,
			configs: map[string]string{"cleanup.policy": "delete"},
			start: func(name string) error {
				return NewConfigStore(ConfigStoreConfig{Log: logConfig(k, ConfigTopicSpec(name, 1))}).Start(testCtx(t))
			},
			want: ErrTopicNotCompacted, property: ConfigTopicProperty,
		},
		{
			name: "offsets topic compact,delete", partitions: 3,
			configs: map[string]string{"cleanup.policy": "compact,delete"},
			start: func(name string) error {
				return NewOffsetStore(OffsetStoreConfig{Log: logConfig(k, OffsetTopicSpec(name, 3, 1))}).Start(testCtx(t))
			},
			want: ErrTopicNotCompacted, property: OffsetTopicProperty,
		},
		{
			name: "status topic with default policy", partitions: 5,
			start: func(name string) error {
				return NewStatusStore(StatusStoreConfig{Log: logConfig(k, StatusTopicSpec(name, 5, 1))}).Start(testCtx(t))
			},
			want: ErrTopicNotCompacted, property: StatusTopicProperty,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := testkit.UniqueTopic("refused")
			k.CreateTopic(t, name, tt.partitions, tt.configs)
			err := tt.start(name)
			if !errors.Is(err, tt.want) {
				t.Fatalf("start: %v, want %v", err, tt.want)
			}
			var te *TopicError
			if !errors.As(err, &te) || te.Topic != name || te.Property != tt.property {
				t.Errorf("error %v: want a TopicError for %s via %s", err, name, tt.property)
			}
			if msg := err.Error(); !strings.Contains(msg, name) || !strings.Contains(msg, tt.property) {
				t.Errorf("message %q does not name the topic and the property", msg)
			}
		})
	}
}

func TestWorkerTopicSpecs(t *testing.T) {
	props := map[string]string{
		"config.storage.topic":              "connect-configs",
		"config.storage.partitions":         "3",
		"offset.storage.topic":              "connect-offsets",
		"offset.storage.partitions":         "-1",
		"offset.storage.replication.factor": "1",
		"offset.storage.cleanup.policy":     "delete",
		"status.storage.topic":              "connect-status",
		"status.storage.segment.bytes":      "1048576",
	}
	cfg, off, st, warnings, err := WorkerTopicSpecs(props)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Name != "connect-configs" || !cfg.SinglePartition || cfg.ReplicationFactor != 3 {
		t.Errorf("config spec %+v", cfg)
	}
	if off.Partitions != -1 || off.ReplicationFactor != 1 || off.Configs["cleanup.policy"] != "" {
		t.Errorf("offset spec %+v", off)
	}
	if st.Partitions != 5 || st.Configs["segment.bytes"] != "1048576" {
		t.Errorf("status spec %+v", st)
	}
	if len(warnings) != 2 {
		t.Errorf("warnings %q, want two (config partitions, cleanup.policy)", warnings)
	}
	for _, bad := range []map[string]string{
		{"offset.storage.topic": "o", "status.storage.topic": "s"},
		{"config.storage.topic": "c", "offset.storage.topic": "o", "status.storage.topic": "s", "status.storage.partitions": "0"},
		{"config.storage.topic": "c", "offset.storage.topic": "o", "status.storage.topic": "s", "config.storage.replication.factor": "x"},
	} {
		if _, _, _, _, err := WorkerTopicSpecs(bad); err == nil {
			t.Errorf("WorkerTopicSpecs(%v): want an error", bad)
		}
	}
}
