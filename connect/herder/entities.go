package herder

import (
	"github.com/onecconnect/onecconnect/connect"
)

// The types in this file are Kafka Connect's REST entities, field for field
// (kafka-connect.md §1.3). The herder returns them and the REST layer writes
// them as JSON unchanged.

// ServerInfo is the body of GET /.
type ServerInfo struct {
	Version        string `json:"version"`
	Commit         string `json:"commit"`
	KafkaClusterID string `json:"kafka_cluster_id"`
}

// Health values of WorkerStatus.Status.
const (
	HealthHealthy   = "healthy"
	HealthStarting  = "starting"
	HealthUnhealthy = "unhealthy"
)

// WorkerStatus is the body of GET /health.
type WorkerStatus struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

// TaskID is a task's identity in JSON ({"connector": n, "task": t}).
type TaskID struct {
	Connector string `json:"connector"`
	Task      int    `json:"task"`
}

// ConnectorInfo describes a connector: its (masked) config, its tasks and
// its type.
type ConnectorInfo struct {
	Name   string                `json:"name"`
	Config map[string]string     `json:"config"`
	Tasks  []TaskID              `json:"tasks"`
	Type   connect.ConnectorType `json:"type"`
}

// State is an instance's status state in ConnectorStateInfo.
type State struct {
	State    string `json:"state"`
	WorkerID string `json:"worker_id"`
	Trace    string `json:"trace,omitempty"`
}

// TaskState is one task's state (GET /connectors/{c}/tasks/{t}/status).
type TaskState struct {
	ID       int    `json:"id"`
	State    string `json:"state"`
	WorkerID string `json:"worker_id"`
	Trace    string `json:"trace,omitempty"`
}

// ConnectorStateInfo is the body of GET /connectors/{c}/status; tasks are
// sorted by id.
type ConnectorStateInfo struct {
	Name      string                `json:"name"`
	Connector State                 `json:"connector"`
	Tasks     []TaskState           `json:"tasks"`
	Type      connect.ConnectorType `json:"type"`
}

// TaskInfo is one element of GET /connectors/{c}/tasks.
type TaskInfo struct {
	ID     TaskID            `json:"id"`
	Config map[string]string `json:"config"`
}

// ConnectorOffsets is the body of GET and PATCH /connectors/{c}/offsets.
type ConnectorOffsets struct {
	Offsets []connect.OffsetEntry `json:"offsets"`
}

// Message is a {"message": "..."} body.
type Message struct {
	Message string `json:"message"`
}

// PluginInfo is one element of GET /connector-plugins. Version is omitted
// when undefined.
type PluginInfo struct {
	Class   string `json:"class"`
	Type    string `json:"type"`
	Version string `json:"version,omitempty"`
}

// RestartRequest holds the query parameters of POST
// /connectors/{c}/restart (KIP-745).
type RestartRequest struct {
	IncludeTasks bool
	OnlyFailed   bool
}

// Synchronous reports whether the restart is the plain, synchronous one
// answered with 204 (both flags false).
func (r RestartRequest) Synchronous() bool { return !r.IncludeTasks && !r.OnlyFailed }
