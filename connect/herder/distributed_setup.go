package herder

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/onecconnect/onecconnect/connect/cluster"
	"github.com/onecconnect/onecconnect/connect/runtime"
	"github.com/onecconnect/onecconnect/connect/storage/kafkastore"
)

// Building a distributed worker from its worker config (kafka-connect.md
// §7.4). Errors name the worker key at fault, so a command can report them
// in one line.

// DistributedStores are the three Kafka-backed stores of a distributed
// worker, not started yet (the herder starts and stops them).
type DistributedStores struct {
	Configs  *kafkastore.ConfigStore
	Offsets  *kafkastore.OffsetStore
	Statuses *kafkastore.StatusStore
	// Warnings list ignored settings (config.storage.partitions, a
	// user-supplied cleanup.policy), to be logged.
	Warnings []string
}

// NewDistributedStores builds the stores over the internal topics the
// worker config names (config.storage.topic, offset.storage.topic,
// status.storage.topic and their .replication.factor / .partitions / topic
// settings), with Kafka clients configured like the worker's own.
func NewDistributedStores(wc *runtime.WorkerConfig, logger *slog.Logger) (*DistributedStores, error) {
	if logger == nil {
		logger = slog.Default()
	}
	cfgSpec, offSpec, stSpec, warnings, err := kafkastore.WorkerTopicSpecs(wc.Props)
	if err != nil {
		return nil, err
	}
	groupID := strings.TrimSpace(wc.Values.String(runtime.KeyGroupID))
	logCfg := func(spec kafkastore.TopicSpec, suffix string) (kafkastore.LogConfig, error) {
		clientID := groupID + "-" + suffix
		cc, err := runtime.NewClientConfig(wc, runtime.AdminClient, nil, clientID)
		if err != nil {
			return kafkastore.LogConfig{}, err
		}
		return kafkastore.LogConfig{Brokers: cc.Brokers, Sarama: cc.Sarama, ClientID: clientID, Topic: spec, Logger: logger}, nil
	}
	cl, err := logCfg(cfgSpec, "configs")
	if err != nil {
		return nil, err
	}
	ol, err := logCfg(offSpec, "offsets")
	if err != nil {
		return nil, err
	}
	sl, err := logCfg(stSpec, "statuses")
	if err != nil {
		return nil, err
	}
	return &DistributedStores{
		Configs:  kafkastore.NewConfigStore(kafkastore.ConfigStoreConfig{Log: cl}),
		Offsets:  kafkastore.NewOffsetStore(kafkastore.OffsetStoreConfig{Log: ol}),
		Statuses: kafkastore.NewStatusStore(kafkastore.StatusStoreConfig{Log: sl}),
		Warnings: warnings,
	}, nil
}

// ClusterConfig reads the group membership settings of a worker config:
// group.id (required), session.timeout.ms, heartbeat.interval.ms,
// rebalance.timeout.ms, scheduled.rebalance.max.delay.ms,
// worker.sync.timeout.ms, worker.unsync.backoff.ms, connect.protocol.
// url is the worker's advertised REST URL.
func ClusterConfig(wc *runtime.WorkerConfig, url string, logger *slog.Logger) (cluster.Config, error) {
	v := wc.Values
	groupID := strings.TrimSpace(v.String(runtime.KeyGroupID))
	if groupID == "" {
		return cluster.Config{}, errors.New("group.id: missing (distributed mode needs the Connect cluster's group id)")
	}
	c := cluster.DefaultConfig(groupID, url, wc.BootstrapServers...)
	ms := func(key string, min int) (time.Duration, error) {
		n := v.Int(key)
		if n < min {
			return 0, fmt.Errorf("%s: %d is below the minimum %d", key, n, min)
		}
		return time.Duration(n) * time.Millisecond, nil
	}
	var err error
	if c.SessionTimeout, err = ms("session.timeout.ms", 1); err != nil {
		return c, err
	}
	if c.HeartbeatInterval, err = ms("heartbeat.interval.ms", 1); err != nil {
		return c, err
	}
	if c.HeartbeatInterval >= c.SessionTimeout {
		return c, fmt.Errorf("heartbeat.interval.ms: %d must be lower than session.timeout.ms (%d)", c.HeartbeatInterval.Milliseconds(), c.SessionTimeout.Milliseconds())
	}
	if c.RebalanceTimeout, err = ms("rebalance.timeout.ms", 1); err != nil {
		return c, err
	}
	if c.ScheduledRebalanceMaxDelay, err = ms("scheduled.rebalance.max.delay.ms", 0); err != nil {
		return c, err
	}
	if c.WorkerSyncTimeout, err = ms("worker.sync.timeout.ms", 1); err != nil {
		return c, err
	}
	if c.WorkerUnsyncBackoff, err = ms("worker.unsync.backoff.ms", 0); err != nil {
		return c, err
	}
	if c.Protocol, err = cluster.ParseConnectProtocol(v.String("connect.protocol")); err != nil {
		return c, fmt.Errorf("connect.protocol: %w", err)
	}
	if rb := v.Long(runtime.KeyRetryBackoff); rb > 0 {
		c.RetryBackoff = time.Duration(rb) * time.Millisecond
	}
	cc, err := runtime.NewClientConfig(wc, runtime.AdminClient, nil, groupID+"-member")
	if err != nil {
		return c, err
	}
	c.Bootstrap, c.Sarama, c.Logger = cc.Brokers, cc.Sarama, logger
	return c, nil
}

// SigningFromWorker reads the KIP-507 settings (inter.worker.*) of a worker
// config; the error names the key at fault.
func SigningFromWorker(wc *runtime.WorkerConfig) (SigningConfig, error) {
	v := wc.Values
	s := SigningConfig{
		KeyAlgorithm:           strings.TrimSpace(v.String("inter.worker.key.generation.algorithm")),
		KeySize:                v.Int("inter.worker.key.size"),
		KeyTTL:                 time.Duration(v.Int("inter.worker.key.ttl.ms")) * time.Millisecond,
		SignatureAlgorithm:     strings.TrimSpace(v.String("inter.worker.signature.algorithm")),
		VerificationAlgorithms: v.List("inter.worker.verification.algorithms"),
	}
	if wc.Values.Has("inter.worker.key.ttl.ms") && s.KeyTTL <= 0 {
		return s, fmt.Errorf("inter.worker.key.ttl.ms: must be positive")
	}
	return s.normalized()
}

// AdvertisedURL builds a worker's advertised REST URL (what goes into the
// group metadata, and where others forward requests) from
// rest.advertised.listener / .host.name / .port, falling back to the scheme
// and host:port of the listener it serves on.
func AdvertisedURL(wc *runtime.WorkerConfig, listenerScheme, hostPort string) string {
	scheme := strings.TrimSpace(wc.Values.String("rest.advertised.listener"))
	if scheme == "" {
		scheme = listenerScheme
	}
	if scheme == "" {
		scheme = "http"
	}
	return strings.ToLower(scheme) + "://" + hostPort + "/"
}
