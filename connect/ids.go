package connect

import (
	"fmt"
	"strconv"
	"strings"
)

// TaskID names one task of a connector. Its string form is Kafka Connect's:
// "<connector>-<task>", e.g. "file-source-0".
type TaskID struct {
	Connector string
	Task      int
}

// String returns "<connector>-<task>".
func (id TaskID) String() string { return id.Connector + "-" + strconv.Itoa(id.Task) }

// ParseTaskID parses the "<connector>-<task>" form; the connector name may
// itself contain dashes (the task number is after the last one).
func ParseTaskID(s string) (TaskID, error) {
	i := strings.LastIndexByte(s, '-')
	if i <= 0 || i == len(s)-1 {
		return TaskID{}, fmt.Errorf("task id %q: want <connector>-<task>", s)
	}
	n, err := strconv.Atoi(s[i+1:])
	if err != nil || n < 0 {
		return TaskID{}, fmt.Errorf("task id %q: task number must be a non-negative integer", s)
	}
	return TaskID{Connector: s[:i], Task: n}, nil
}

// TopicPartition is one partition of a Kafka topic.
type TopicPartition struct {
	Topic     string
	Partition int32
}

// String returns "<topic>-<partition>", Kafka's TopicPartition.toString.
func (tp TopicPartition) String() string {
	return tp.Topic + "-" + strconv.FormatInt(int64(tp.Partition), 10)
}

// ConnectorType tells source connectors from sink connectors. Its values are
// the lower-case names the REST API uses ("source", "sink").
type ConnectorType string

// Connector types.
const (
	TypeSource  ConnectorType = "source"
	TypeSink    ConnectorType = "sink"
	TypeUnknown ConnectorType = "unknown"
)

// TypeOf reports whether c is a source or a sink connector.
func TypeOf(c Connector) ConnectorType {
	switch c.(type) {
	case SourceConnector:
		return TypeSource
	case SinkConnector:
		return TypeSink
	}
	return TypeUnknown
}

// TargetState is the state a connector and its tasks are asked to be in
// (Kafka Connect's TargetState; STOPPED is KIP-875's).
type TargetState string

// Target states.
const (
	TargetStarted TargetState = "STARTED"
	TargetPaused  TargetState = "PAUSED"
	TargetStopped TargetState = "STOPPED"
)

// Valid reports whether s is one of the three target states.
func (s TargetState) Valid() bool {
	return s == TargetStarted || s == TargetPaused || s == TargetStopped
}
