package herder

import (
	"context"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
)

// Herder is what the REST layer asks of a worker: Kafka Connect's Herder
// reduced to the calls its REST resources make. The standalone herder
// ([Standalone]) and the distributed herder implement it, so the REST layer
// does not change between modes.
//
// Every method is safe for concurrent use and honours ctx (the REST request
// timeout): when ctx ends before the herder could act, the method returns a
// KindTimeout *Error whose message says what the herder was busy with.
//
// Errors are *Error values (see Kind) or, for requests another worker must
// serve, *NotLeaderError; anything else is treated as internal (500).
// Config maps returned to callers have password values masked
// ("[hidden]"); ${provider:...} references are returned as written.
type Herder interface {
	// ServerInfo returns the version, commit and Kafka cluster id (GET /).
	ServerInfo(ctx context.Context) ServerInfo
	// Health reports whether the herder is serving requests (GET /health).
	Health(ctx context.Context) WorkerStatus

	// Connectors lists the connector names, sorted.
	Connectors(ctx context.Context) ([]string, error)
	// ConnectorInfo describes one connector.
	ConnectorInfo(ctx context.Context, name string) (ConnectorInfo, error)
	// ConnectorConfig returns the connector's stored config, masked.
	ConnectorConfig(ctx context.Context, name string) (map[string]string, error)
	// PutConnectorConfig validates and stores a connector config and
	// (re)starts the connector. With allowReplace false an existing name is
	// KindAlreadyExists. initial, when not empty, is the KIP-980 initial
	// target state (used only when the connector is created). created
	// reports whether the connector is new.
	PutConnectorConfig(ctx context.Context, name string, cfg map[string]string, allowReplace bool, initial connect.TargetState) (created bool, info ConnectorInfo, err error)
	// PatchConnectorConfig merges patch into the stored config (a nil value
	// removes the key) and applies it like PutConnectorConfig.
	PatchConnectorConfig(ctx context.Context, name string, patch map[string]*string) (ConnectorInfo, error)
	// DeleteConnector stops and removes a connector.
	DeleteConnector(ctx context.Context, name string) error

	// ConnectorStatus returns the connector's and its tasks' states.
	ConnectorStatus(ctx context.Context, name string) (ConnectorStateInfo, error)
	// TaskStatus returns one task's state.
	TaskStatus(ctx context.Context, id connect.TaskID) (TaskState, error)
	// Tasks returns the connector's task configurations, masked.
	Tasks(ctx context.Context, name string) ([]TaskInfo, error)
	// TaskConfigs returns the task configurations keyed "<name>-<task>"
	// (the deprecated tasks-config endpoint), masked.
	TaskConfigs(ctx context.Context, name string) (map[string]map[string]string, error)

	// PauseConnector, ResumeConnector and StopConnector change the target
	// state (KIP-875 for STOPPED).
	PauseConnector(ctx context.Context, name string) error
	ResumeConnector(ctx context.Context, name string) error
	StopConnector(ctx context.Context, name string) error
	// RestartConnector restarts the connector and, as req says, its tasks.
	// For the synchronous request it returns nil state info; otherwise the
	// status with every restarted instance marked RESTARTING.
	RestartConnector(ctx context.Context, name string, req RestartRequest) (*ConnectorStateInfo, error)
	// RestartTask restarts one task.
	RestartTask(ctx context.Context, id connect.TaskID) error

	// ActiveTopics returns the topics the connector used (KIP-558).
	ActiveTopics(ctx context.Context, name string) ([]string, error)
	// ResetActiveTopics forgets them.
	ResetActiveTopics(ctx context.Context, name string) error

	// Offsets returns the connector's offsets (KIP-875).
	Offsets(ctx context.Context, name string) (ConnectorOffsets, error)
	// AlterOffsets changes the offsets of a STOPPED connector.
	AlterOffsets(ctx context.Context, name string, offsets ConnectorOffsets) (Message, error)
	// ResetOffsets deletes the offsets of a STOPPED connector.
	ResetOffsets(ctx context.Context, name string) (Message, error)

	// ValidateConfig runs the full validation of a connector config and
	// returns it in the REST validate shape (errors inside, not returned).
	ValidateConfig(ctx context.Context, cfg map[string]string) (config.ConfigInfos, error)
	// Plugins lists plugins: connectors only, or also transformations,
	// predicates and converters.
	Plugins(connectorsOnly bool) []PluginInfo
	// PluginConfig describes the configuration of a plugin by class or alias.
	PluginConfig(name string) ([]config.ConfigKeyInfo, error)

	// TopicTracking reports whether topic tracking is enabled and whether
	// its reset is allowed (topic.tracking.enable, topic.tracking.allow.reset).
	TopicTracking() (enabled, allowReset bool)
}
