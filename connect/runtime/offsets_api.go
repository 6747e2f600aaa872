package runtime

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"

	"github.com/IBM/sarama"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/plugins"
)

// Keys of sink offsets in the KIP-875 REST shape.
const (
	SinkPartitionTopic     = "kafka_topic"
	SinkPartitionPartition = "kafka_partition"
	SinkOffsetOffset       = "kafka_offset"
)

// Offsets returns a connector's offsets in the KIP-875 shape: for a source
// connector what the OffsetStore holds; for a sink connector its consumer
// group's committed offsets ({"kafka_topic","kafka_partition"} →
// {"kafka_offset"}). connProps is the connector's configuration.
func (w *Worker) Offsets(ctx context.Context, connProps map[string]string) ([]connect.OffsetEntry, error) {
	name := connProps[connect.KeyName]
	p, _, err := w.parseConnectorConfig(ctx, connProps)
	if err != nil {
		return nil, fmt.Errorf("offsets of %s: %w", name, err)
	}
	if p.Kind == plugins.KindSource {
		out, err := w.offsets.List(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("offsets of %s: %w", name, err)
		}
		return out, nil
	}
	admin, group, err := w.sinkAdmin(connProps)
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	resp, err := admin.ListConsumerGroupOffsets(group, nil)
	if err != nil {
		return nil, fmt.Errorf("offsets of %s: list group %s offsets: %w", name, group, err)
	}
	var out []connect.OffsetEntry
	for topic, parts := range resp.Blocks {
		for part, b := range parts {
			if b == nil || b.Offset < 0 {
				continue
			}
			out = append(out, connect.OffsetEntry{
				Partition: map[string]any{SinkPartitionTopic: topic, SinkPartitionPartition: int64(part)},
				Offset:    map[string]any{SinkOffsetOffset: b.Offset},
			})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Partition, out[j].Partition
		if a[SinkPartitionTopic] != b[SinkPartitionTopic] {
			return a[SinkPartitionTopic].(string) < b[SinkPartitionTopic].(string)
		}
		return a[SinkPartitionPartition].(int64) < b[SinkPartitionPartition].(int64)
	})
	return out, nil
}

// AlterOffsets changes a stopped connector's offsets (KIP-875 PATCH); a nil
// Offset resets that partition. The connector's OffsetAlterer, if any, may
// refuse. The herder must make sure the connector is STOPPED and has no
// tasks; the worker refuses when the connector runs here.
func (w *Worker) AlterOffsets(ctx context.Context, connProps map[string]string, entries []connect.OffsetEntry) error {
	name := connProps[connect.KeyName]
	if w.IsRunning(name) && !w.connectorStopped(name) {
		return fmt.Errorf("alter offsets of %s: %w", name, ErrConnectorRunning)
	}
	p, _, err := w.parseConnectorConfig(ctx, connProps)
	if err != nil {
		return fmt.Errorf("alter offsets of %s: %w", name, err)
	}
	conn, err := p.NewConnector()
	if err != nil {
		return err
	}
	if oa, ok := conn.(connect.OffsetAlterer); ok {
		if err := safeCall(func() error { return oa.AlterOffsets(ctx, connProps, entries) }); err != nil {
			return fmt.Errorf("alter offsets of %s: refused by the connector: %w", name, err)
		}
	}
	if p.Kind == plugins.KindSource {
		if err := w.offsets.Set(ctx, name, entries); err != nil {
			return fmt.Errorf("alter offsets of %s: %w", name, err)
		}
		return nil
	}
	admin, group, err := w.sinkAdmin(connProps)
	if err != nil {
		return err
	}
	defer admin.Close()
	cc, err := NewClientConfig(w.cfg, AdminClient, connProps, "connector-adminclient-"+name)
	if err != nil {
		return err
	}
	var resets map[string][]int32
	var sets []sinkOffset
	for _, e := range entries {
		so, err := parseSinkPartition(e)
		if err != nil {
			return fmt.Errorf("alter offsets of %s: %w", name, err)
		}
		if so.offset < 0 {
			if resets == nil {
				resets = map[string][]int32{}
			}
			resets[so.topic] = append(resets[so.topic], so.partition)
		} else {
			sets = append(sets, so)
		}
	}
	for topic, parts := range resets {
		for _, part := range parts {
			if err := admin.DeleteConsumerGroupOffset(group, topic, part); err != nil && !errors.Is(err, sarama.ErrUnknownTopicOrPartition) {
				return fmt.Errorf("alter offsets of %s: reset %s-%d: %w", name, topic, part, err)
			}
		}
	}
	if len(sets) > 0 {
		if err := commitGroupOffsets(cc, group, sets); err != nil {
			return fmt.Errorf("alter offsets of %s: %w", name, err)
		}
	}
	return nil
}

// ResetOffsets deletes all offsets of a stopped connector (KIP-875 DELETE).
func (w *Worker) ResetOffsets(ctx context.Context, connProps map[string]string) error {
	name := connProps[connect.KeyName]
	p, _, err := w.parseConnectorConfig(ctx, connProps)
	if err != nil {
		return fmt.Errorf("reset offsets of %s: %w", name, err)
	}
	if p.Kind == plugins.KindSink {
		if w.IsRunning(name) && !w.connectorStopped(name) {
			return fmt.Errorf("reset offsets of %s: %w", name, ErrConnectorRunning)
		}
		admin, group, err := w.sinkAdmin(connProps)
		if err != nil {
			return err
		}
		defer admin.Close()
		if err := admin.DeleteConsumerGroup(group); err != nil && !errors.Is(err, sarama.ErrGroupIDNotFound) {
			return fmt.Errorf("reset offsets of %s: delete group %s: %w", name, group, err)
		}
		return nil
	}
	entries, err := w.offsets.List(ctx, name)
	if err != nil {
		return fmt.Errorf("reset offsets of %s: %w", name, err)
	}
	for i := range entries {
		entries[i].Offset = nil
	}
	return w.AlterOffsets(ctx, connProps, entries)
}

func (w *Worker) connectorStopped(name string) bool {
	c := w.connector(name)
	if c == nil {
		return true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state == connStopped || c.state == connFailed
}

// sinkAdmin opens an admin client with the connector's overrides and
// returns the connector's consumer group id.
func (w *Worker) sinkAdmin(connProps map[string]string) (sarama.ClusterAdmin, string, error) {
	name := connProps[connect.KeyName]
	cc, err := NewClientConfig(w.cfg, AdminClient, connProps, "connector-adminclient-"+name)
	if err != nil {
		return nil, "", err
	}
	consumer, err := NewClientConfig(w.cfg, ConsumerClient, connProps, "")
	if err != nil {
		return nil, "", err
	}
	group := consumer.GroupID
	if group == "" {
		group = "connect-" + name
	}
	admin, err := sarama.NewClusterAdmin(cc.Brokers, cc.Sarama)
	if err != nil {
		return nil, "", fmt.Errorf("create admin client: %w", err)
	}
	return admin, group, nil
}

type sinkOffset struct {
	topic     string
	partition int32
	offset    int64 // -1: reset
}

func parseSinkPartition(e connect.OffsetEntry) (sinkOffset, error) {
	topic, ok := e.Partition[SinkPartitionTopic].(string)
	if !ok || topic == "" {
		return sinkOffset{}, fmt.Errorf("partition %v: %s must be a string", e.Partition, SinkPartitionTopic)
	}
	part, ok := toInt64(e.Partition[SinkPartitionPartition])
	if !ok || part < 0 || part > 1<<31-1 {
		return sinkOffset{}, fmt.Errorf("partition %v: %s must be a non-negative integer", e.Partition, SinkPartitionPartition)
	}
	so := sinkOffset{topic: topic, partition: int32(part), offset: -1}
	if e.Offset != nil {
		off, ok := toInt64(e.Offset[SinkOffsetOffset])
		if !ok || off < 0 {
			return sinkOffset{}, fmt.Errorf("offset %v: %s must be a non-negative integer", e.Offset, SinkOffsetOffset)
		}
		so.offset = off
	}
	return so, nil
}

func toInt64(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case float64:
		if x == float64(int64(x)) {
			return int64(x), true
		}
	case string:
		n, err := strconv.ParseInt(x, 10, 64)
		return n, err == nil
	}
	return 0, false
}

// commitGroupOffsets commits offsets for an empty group through its
// coordinator (generation -1, as an admin client does).
func commitGroupOffsets(cc *ClientConfig, group string, sets []sinkOffset) error {
	client, err := sarama.NewClient(cc.Brokers, cc.Sarama)
	if err != nil {
		return err
	}
	defer client.Close()
	coord, err := client.Coordinator(group)
	if err != nil {
		return fmt.Errorf("find coordinator of %s: %w", group, err)
	}
	req := &sarama.OffsetCommitRequest{ConsumerGroup: group, ConsumerGroupGeneration: -1, Version: 7}
	for _, s := range sets {
		req.AddBlock(s.topic, s.partition, s.offset, 0, "")
	}
	resp, err := coord.CommitOffset(req)
	if err != nil {
		return fmt.Errorf("commit offsets of %s: %w", group, err)
	}
	for topic, parts := range resp.Errors {
		for part, kerr := range parts {
			if kerr != sarama.ErrNoError {
				return fmt.Errorf("commit offset of %s-%d for %s: %w", topic, part, group, kerr)
			}
		}
	}
	return nil
}
