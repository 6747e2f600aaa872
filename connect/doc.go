// Package connect is the API connector authors implement, shaped after Kafka
// Connect's connect-api module: [Connector], [SourceConnector],
// [SinkConnector], [SourceTask], [SinkTask], their contexts, the records
// ([SourceRecord], [SinkRecord]) with [Headers], and the single message
// transform interfaces ([Transformation], [Predicate]).
//
// It also holds the few names the runtime, the herder and the REST layer
// share with connectors: [TaskID], [TopicPartition], [TargetState],
// [ConnectorType] and the common connector configuration
// ([ConnectorConfigDef], [SourceConnectorConfigDef], [SinkConnectorConfigDef]).
//
// Lifecycle in one paragraph. The worker builds a connector from its plugin,
// calls Start with the connector's configuration and a [ConnectorContext],
// asks it for TaskConfigs, and eventually calls Stop. Each task is built by
// the connector's NewTask, started with its task configuration and a task
// context, then driven by one goroutine the worker owns (Poll for sources,
// Put for sinks), and stopped. Every blocking method takes a
// context.Context; a cancelled context means "return as soon as you can".
// Panics in connector code are recovered by the runtime and turn the
// connector or task FAILED with the panic's stack trace.
//
// This package must not know the runtime, Kafka clients or storage: it
// imports only config, schema and the standard library. Connectors import it
// (plus schema and config) and nothing from connect/runtime.
package connect
