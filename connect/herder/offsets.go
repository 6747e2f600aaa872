package herder

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/runtime"
)

// Messages of successful KIP-875 offset changes.
const (
	msgAltered        = "The offsets for this connector have been altered successfully"
	msgReset          = "The offsets for this connector have been reset successfully"
	msgAlteredManaged = "The Connect framework-managed offsets for this connector have been altered successfully. However, if this connector manages offsets externally, they will need to be manually altered in the system that the connector uses."
	msgResetManaged   = "The Connect framework-managed offsets for this connector have been reset successfully. However, if this connector manages offsets externally, they will need to be manually reset in the system that the connector uses."
)

// Offsets implements Herder; it works in any state.
func (h *Standalone) Offsets(ctx context.Context, name string) (ConnectorOffsets, error) {
	props, ok := h.configs.Snapshot().Connectors[name]
	if !ok {
		return ConnectorOffsets{}, NotFound("Connector %s not found", name)
	}
	entries, err := h.w.Offsets(ctx, props)
	if err != nil {
		return ConnectorOffsets{}, Internal(err, "Failed to retrieve the offsets of connector %s: %v", name, err)
	}
	if entries == nil {
		entries = []connect.OffsetEntry{}
	}
	return ConnectorOffsets{Offsets: entries}, nil
}

// AlterOffsets implements Herder (PATCH): the connector must be STOPPED
// with no tasks; sink payloads are checked like Kafka's SinkUtils.
func (h *Standalone) AlterOffsets(ctx context.Context, name string, offsets ConnectorOffsets) (Message, error) {
	release, err := h.acquire(ctx, "altering the offsets of connector "+name)
	if err != nil {
		return Message{}, err
	}
	defer release()
	props, err := h.stoppedConnector(name)
	if err != nil {
		return Message{}, err
	}
	if len(offsets.Offsets) == 0 {
		return Message{}, BadRequest("Partitions / offsets need to be provided for an alter offsets request")
	}
	switch h.connectorType(props) {
	case connect.TypeSink:
		for _, e := range offsets.Offsets {
			if err := checkSinkOffset(e); err != nil {
				return Message{}, err
			}
		}
	default:
		for _, e := range offsets.Offsets {
			if err := checkSourceOffset(e); err != nil {
				return Message{}, err
			}
		}
	}
	managed, err := h.w.AlterConnectorOffsets(ctx, props, offsets.Offsets)
	if err != nil {
		return Message{}, offsetsError(err, "alter", name)
	}
	if managed {
		return Message{Message: msgAltered}, nil
	}
	return Message{Message: msgAlteredManaged}, nil
}

// ResetOffsets implements Herder (DELETE).
func (h *Standalone) ResetOffsets(ctx context.Context, name string) (Message, error) {
	release, err := h.acquire(ctx, "resetting the offsets of connector "+name)
	if err != nil {
		return Message{}, err
	}
	defer release()
	props, err := h.stoppedConnector(name)
	if err != nil {
		return Message{}, err
	}
	managed, err := h.w.ResetConnectorOffsets(ctx, props)
	if err != nil {
		return Message{}, offsetsError(err, "reset", name)
	}
	if managed {
		return Message{Message: msgReset}, nil
	}
	return Message{Message: msgResetManaged}, nil
}

// stoppedConnector returns the config of an existing connector that is
// STOPPED with no tasks, else a 404 or 400.
func (h *Standalone) stoppedConnector(name string) (map[string]string, error) {
	snap := h.configs.Snapshot()
	props, ok := snap.Connectors[name]
	if !ok {
		return nil, NotFound("Connector %s not found", name)
	}
	if snap.Targets[name] != connect.TargetStopped || len(snap.Tasks[name]) > 0 {
		return nil, BadRequest("Connectors must be in the STOPPED state before their offsets can be modified. "+
			"This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/%s/stop' endpoint", name)
	}
	return props, nil
}

func offsetsError(err error, verb, name string) error {
	if errors.Is(err, runtime.ErrConnectorRunning) {
		return BadRequest("Connectors must be in the STOPPED state before their offsets can be modified. "+
			"This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/%s/stop' endpoint", name)
	}
	return Internal(err, "Failed to %s the offsets of connector %s: %v", verb, name, err)
}

// checkSinkOffset applies Kafka's SinkUtils.validateSinkConnectorOffsets.
func checkSinkOffset(e connect.OffsetEntry) error {
	p := e.Partition
	if p == nil {
		return BadRequest("The partition for a sink connector offset cannot be null or missing")
	}
	topic, hasTopic := p[runtime.SinkPartitionTopic]
	part, hasPart := p[runtime.SinkPartitionPartition]
	if !hasTopic || !hasPart {
		return BadRequest("The partition for a sink connector offset must contain the keys '%s' and '%s'",
			runtime.SinkPartitionTopic, runtime.SinkPartitionPartition)
	}
	if s, ok := topic.(string); !ok || s == "" {
		return BadRequest("Kafka topic names must be valid strings and may not be null")
	}
	if part == nil {
		return BadRequest("Kafka partitions must be valid numbers and may not be null")
	}
	if _, ok := integer(part); !ok {
		return BadRequest("Failed to parse the following Kafka partition value in the provided offsets: '%v'. "+
			"Partition values for sink connectors need to be integers.", part)
	}
	if e.Offset == nil {
		return nil
	}
	off, ok := e.Offset[runtime.SinkOffsetOffset]
	if !ok {
		return BadRequest("The offset for a sink connector should either be null or contain the key '%s'", runtime.SinkOffsetOffset)
	}
	if off == nil {
		return BadRequest("Kafka offsets must be valid numbers and may not be null")
	}
	if _, ok := integer(off); !ok {
		return BadRequest("Failed to parse the following Kafka offset value in the provided offsets: '%v'. "+
			"Offset values for sink connectors need to be integers.", off)
	}
	return nil
}

// checkSourceOffset requires a partition and primitive values only.
func checkSourceOffset(e connect.OffsetEntry) error {
	if e.Partition == nil {
		return BadRequest("The partition for a source connector offset cannot be null or missing")
	}
	for what, m := range map[string]map[string]any{"partition": e.Partition, "offset": e.Offset} {
		for k, v := range m {
			switch v.(type) {
			case nil, string, bool, int, int32, int64, float32, float64:
			default:
				return BadRequest("The %s for a source connector offset may only contain primitive values; key '%s' holds %s", what, k, fmt.Sprintf("%T", v))
			}
		}
	}
	return nil
}

// integer converts an int-like JSON value (number or numeric string).
func integer(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case int:
		return int64(x), true
	case int32:
		return int64(x), true
	case float64:
		if x == float64(int64(x)) {
			return int64(x), true
		}
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		return n, err == nil
	}
	return 0, false
}
