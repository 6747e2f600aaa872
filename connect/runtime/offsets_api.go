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
	out, err := groupOffsets(admin, group)
	if err != nil {
		return nil, fmt.Errorf("offsets of %s: %w", name, err)
	}
	return out, nil
}

// groupOffsets lists a consumer group's committed offsets in the KIP-875
// sink shape, sorted by topic and partition; a group that does not exist
// has none.
func groupOffsets(admin sarama.ClusterAdmin, group string) ([]connect.OffsetEntry, error) {
	resp, err := admin.ListConsumerGroupOffsets(group, nil)
	if err == nil && resp.Err != sarama.ErrNoError {
		err = resp.Err
	}
	if errors.Is(err, sarama.ErrGroupIDNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list group %s offsets: %w", group, err)
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

// alterConnectorOffsets calls the connector's offset hook, if any: an
// ExternalOffsetAlterer reports whether it manages offsets externally, an
// OffsetAlterer is taken to, a connector with neither manages none.
func alterConnectorOffsets(ctx context.Context, conn connect.Connector, props map[string]string, entries []connect.OffsetEntry) (managed bool, err error) {
	switch oa := conn.(type) {
	case connect.ExternalOffsetAlterer:
		err = safeCall(func() (err error) {
			managed, err = oa.AlterExternalOffsets(ctx, props, entries)
			return err
		})
		return managed, err
	case connect.OffsetAlterer:
		return true, safeCall(func() error { return oa.AlterOffsets(ctx, props, entries) })
	}
	return false, nil
}

// AlterOffsets changes a stopped connector's offsets (KIP-875 PATCH); a nil
// Offset resets that partition. The connector's OffsetAlterer, if any, may
// refuse. The herder must make sure the connector is STOPPED and has no
// tasks; the worker refuses when the connector runs here. See
// AlterConnectorOffsets for the connector's answer.
func (w *Worker) AlterOffsets(ctx context.Context, connProps map[string]string, entries []connect.OffsetEntry) error {
	_, err := w.AlterConnectorOffsets(ctx, connProps, entries)
	return err
}

// AlterConnectorOffsets is AlterOffsets that also returns whether the
// connector manages its offsets externally (Kafka's alterOffsets result,
// see connect.ExternalOffsetAlterer), which decides the REST message.
func (w *Worker) AlterConnectorOffsets(ctx context.Context, connProps map[string]string, entries []connect.OffsetEntry) (managed bool, err error) {
	name := connProps[connect.KeyName]
	if w.IsRunning(name) && !w.connectorStopped(name) {
		return false, fmt.Errorf("alter offsets of %s: %w", name, ErrConnectorRunning)
	}
	p, _, err := w.parseConnectorConfig(ctx, connProps)
	if err != nil {
		return false, fmt.Errorf("alter offsets of %s: %w", name, err)
	}
	var sets []sinkOffset
	var resets map[string][]int32
	if p.Kind == plugins.KindSink {
		// Check the payload before the connector acts on it.
		for _, e := range entries {
			so, err := parseSinkPartition(e)
			if err != nil {
				return false, fmt.Errorf("alter offsets of %s: %w", name, err)
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
	}
	conn, err := p.NewConnector()
	if err != nil {
		return false, fmt.Errorf("alter offsets of %s: %w", name, err)
	}
	managed, err = alterConnectorOffsets(ctx, conn, connProps, entries)
	if err != nil {
		return false, fmt.Errorf("alter offsets of %s: refused by the connector: %w", name, err)
	}
	if p.Kind == plugins.KindSource {
		if err := w.offsets.Set(ctx, name, entries); err != nil {
			return false, fmt.Errorf("alter offsets of %s: %w", name, err)
		}
		return managed, nil
	}
	admin, group, err := w.sinkAdmin(connProps)
	if err != nil {
		return false, err
	}
	defer admin.Close()
	cc, err := NewClientConfig(w.cfg, AdminClient, connProps, "connector-adminclient-"+name)
	if err != nil {
		return false, err
	}
	for topic, parts := range resets {
		for _, part := range parts {
			if err := admin.DeleteConsumerGroupOffset(group, topic, part); err != nil && !errors.Is(err, sarama.ErrUnknownTopicOrPartition) {
				return false, fmt.Errorf("alter offsets of %s: reset %s-%d: %w", name, topic, part, err)
			}
		}
	}
	if len(sets) > 0 {
		if err := commitGroupOffsets(cc, group, sets); err != nil {
			return false, fmt.Errorf("alter offsets of %s: %w", name, err)
		}
	}
	return managed, nil
}

// ResetOffsets deletes all offsets of a stopped connector (KIP-875 DELETE);
// see ResetConnectorOffsets.
func (w *Worker) ResetOffsets(ctx context.Context, connProps map[string]string) error {
	_, err := w.ResetConnectorOffsets(ctx, connProps)
	return err
}

// ResetConnectorOffsets deletes all offsets of a stopped connector
// (KIP-875 DELETE) and returns whether the connector manages its offsets
// externally. As in Kafka, the connector's offset hook is called first
// with every known partition mapped to a nil offset (a source connector's
// partitions in the offset store; a sink connector's partitions with
// offsets committed by its consumer group), so that a connector that keeps
// offsets itself clears them; then the framework's offsets go (source: a
// tombstone per partition; sink: the consumer group is deleted). A hook
// error refuses the reset and leaves the framework's offsets in place.
func (w *Worker) ResetConnectorOffsets(ctx context.Context, connProps map[string]string) (managed bool, err error) {
	name := connProps[connect.KeyName]
	p, _, err := w.parseConnectorConfig(ctx, connProps)
	if err != nil {
		return false, fmt.Errorf("reset offsets of %s: %w", name, err)
	}
	if p.Kind == plugins.KindSink {
		if w.IsRunning(name) && !w.connectorStopped(name) {
			return false, fmt.Errorf("reset offsets of %s: %w", name, ErrConnectorRunning)
		}
		admin, group, err := w.sinkAdmin(connProps)
		if err != nil {
			return false, err
		}
		defer admin.Close()
		entries, err := groupOffsets(admin, group)
		if err != nil {
			return false, fmt.Errorf("reset offsets of %s: %w", name, err)
		}
		for i := range entries {
			entries[i].Offset = nil
		}
		conn, err := p.NewConnector()
		if err != nil {
			return false, fmt.Errorf("reset offsets of %s: %w", name, err)
		}
		managed, err := alterConnectorOffsets(ctx, conn, connProps, entries)
		if err != nil {
			return false, fmt.Errorf("reset offsets of %s: refused by the connector: %w", name, err)
		}
		if err := admin.DeleteConsumerGroup(group); err != nil && !errors.Is(err, sarama.ErrGroupIDNotFound) {
			return false, fmt.Errorf("reset offsets of %s: delete group %s: %w", name, group, err)
		}
		return managed, nil
	}
	entries, err := w.offsets.List(ctx, name)
	if err != nil {
		return false, fmt.Errorf("reset offsets of %s: %w", name, err)
	}
	for i := range entries {
		entries[i].Offset = nil
	}
	return w.AlterConnectorOffsets(ctx, connProps, entries)
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
