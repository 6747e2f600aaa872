package connect

import "github.com/onecconnect/onecconnect/config"

// Common connector configuration keys (Kafka Connect's ConnectorConfig,
// SourceConnectorConfig and SinkConnectorConfig names).
const (
	KeyName                 = "name"
	KeyConnectorClass       = "connector.class"
	KeyTasksMax             = "tasks.max"
	KeyTasksMaxEnforce      = "tasks.max.enforce"
	KeyKeyConverter         = "key.converter"
	KeyValueConverter       = "value.converter"
	KeyHeaderConverter      = "header.converter"
	KeyTransforms           = "transforms"
	KeyPredicates           = "predicates"
	KeyConfigActionReload   = "config.action.reload"
	KeyErrorsRetryTimeout   = "errors.retry.timeout"
	KeyErrorsRetryDelayMax  = "errors.retry.delay.max.ms"
	KeyErrorsTolerance      = "errors.tolerance"
	KeyErrorsLogEnable      = "errors.log.enable"
	KeyErrorsLogIncludeMsgs = "errors.log.include.messages"

	// Dead-letter queue: sink connectors (as Kafka Connect) and, ours,
	// source connectors.
	KeyDLQTopicName            = "errors.deadletterqueue.topic.name"
	KeyDLQReplicationFactor    = "errors.deadletterqueue.topic.replication.factor"
	KeyDLQContextHeadersEnable = "errors.deadletterqueue.context.headers.enable"

	// Sink only.
	KeyTopics      = "topics"
	KeyTopicsRegex = "topics.regex"

	// Source only.
	KeyTopicCreationGroups         = "topic.creation.groups"
	KeyTopicCreationPrefix         = "topic.creation."
	KeyExactlyOnceSupport          = "exactly.once.support"
	KeyTransactionBoundary         = "transaction.boundary"
	KeyTransactionBoundaryInterval = "transaction.boundary.interval.ms"
	KeyOffsetsStorageTopic         = "offsets.storage.topic"
	// KeyErrorsStrictOrder (ours): a source record that fails
	// transformation, conversion or production fails the task even under
	// errors.tolerance=all, instead of being skipped (see [StrictOrderer]).
	KeyErrorsStrictOrder = "errors.strict.order"

	// TaskClassKey is added by the runtime to every task configuration, as
	// Kafka Connect's "task.class".
	TaskClassKey = "task.class"
)

// Values of errors.tolerance.
const (
	ToleranceNone = "none"
	ToleranceAll  = "all"
)

// Config groups, as Kafka Connect names them.
const (
	GroupCommon        = "Common"
	GroupTransforms    = "Transforms"
	GroupPredicates    = "Predicates"
	GroupErrorHandling = "Error Handling"
	GroupTopicCreation = "Topic Creation"
	GroupExactlyOnce   = "Exactly Once Support"
	GroupOffsetsTopic  = "offsets.topic"
)

// ConnectorConfigDef returns the keys every connector accepts (group Common,
// Transforms, Predicates, Error Handling), plus the pass-through prefixes
// for client overrides, transforms and predicates and converter settings.
// Each call builds a new definition.
func ConnectorConfigDef() *config.ConfigDef {
	d := config.NewConfigDef()
	d.Define(config.Key{Name: KeyName, Type: config.TypeString, Required: true, Validator: config.NonEmptyStringWithoutControlChars(),
		Importance: config.ImportanceHigh, Group: GroupCommon, Width: config.WidthMedium, DisplayName: "Connector name",
		Doc: "Globally unique name to use for this connector."})
	d.Define(config.Key{Name: KeyConnectorClass, Type: config.TypeString, Required: true,
		Importance: config.ImportanceHigh, Group: GroupCommon, Width: config.WidthLong, DisplayName: "Connector class",
		Doc: "Name or alias of the connector class, e.g. FileStreamSource or org.apache.kafka.connect.file.FileStreamSourceConnector."})
	d.Define(config.Key{Name: KeyTasksMax, Type: config.TypeInt, Default: 1, Validator: config.AtLeast(1),
		Importance: config.ImportanceHigh, Group: GroupCommon, Width: config.WidthShort, DisplayName: "Tasks max",
		Doc: "Maximum number of tasks to use for this connector."})
	d.Define(config.Key{Name: KeyTasksMaxEnforce, Type: config.TypeBoolean, Default: true,
		Importance: config.ImportanceLow, Group: GroupCommon, Width: config.WidthShort, DisplayName: "Enforce tasks max",
		Doc: "Fail the connector when it generates more task configurations than tasks.max (true), or only warn (false)."})
	d.Define(config.Key{Name: KeyKeyConverter, Type: config.TypeClass,
		Importance: config.ImportanceLow, Group: GroupCommon, Width: config.WidthShort, DisplayName: "Key converter class",
		Doc: "Converter for record keys; overrides the worker's key.converter. Settings go under key.converter.*."})
	d.Define(config.Key{Name: KeyValueConverter, Type: config.TypeClass,
		Importance: config.ImportanceLow, Group: GroupCommon, Width: config.WidthShort, DisplayName: "Value converter class",
		Doc: "Converter for record values; overrides the worker's value.converter. Settings go under value.converter.*."})
	d.Define(config.Key{Name: KeyHeaderConverter, Type: config.TypeClass,
		Importance: config.ImportanceLow, Group: GroupCommon, Width: config.WidthShort, DisplayName: "Header converter class",
		Doc: "Converter for header values; overrides the worker's header.converter. Settings go under header.converter.*."})
	d.Define(config.Key{Name: KeyConfigActionReload, Type: config.TypeString, Default: "restart", Validator: config.OneOfCaseInsensitive("none", "restart"),
		Importance: config.ImportanceLow, Group: GroupCommon, Width: config.WidthMedium, DisplayName: "Reload action",
		Doc: "What to do when a config provider reports changed values: restart the connector, or none."})
	d.Define(config.Key{Name: KeyTransforms, Type: config.TypeList, Default: "", Validator: config.UniqueList(),
		Importance: config.ImportanceLow, Group: GroupTransforms, Width: config.WidthLong, DisplayName: "Transforms",
		Doc: "Aliases for the transformations to apply to records, in order."})
	d.Define(config.Key{Name: KeyPredicates, Type: config.TypeList, Default: "", Validator: config.UniqueList(),
		Importance: config.ImportanceLow, Group: GroupPredicates, Width: config.WidthLong, DisplayName: "Predicates",
		Doc: "Aliases for the predicates used by transformations."})
	d.Define(config.Key{Name: KeyErrorsRetryTimeout, Type: config.TypeLong, Default: int64(0),
		Importance: config.ImportanceMedium, Group: GroupErrorHandling, Width: config.WidthMedium, DisplayName: "Retry Timeout for Errors",
		Doc: "Maximum duration in milliseconds a failed operation is retried. 0 means no retries, -1 infinite retries."})
	d.Define(config.Key{Name: KeyErrorsRetryDelayMax, Type: config.TypeLong, Default: int64(60000),
		Importance: config.ImportanceMedium, Group: GroupErrorHandling, Width: config.WidthMedium, DisplayName: "Maximum Delay Between Retries for Errors",
		Doc: "Maximum duration in milliseconds between consecutive retry attempts; the back-off starts at 300 ms and doubles."})
	d.Define(config.Key{Name: KeyErrorsTolerance, Type: config.TypeString, Default: ToleranceNone, Validator: config.OneOfCaseInsensitive(ToleranceNone, ToleranceAll),
		Importance: config.ImportanceMedium, Group: GroupErrorHandling, Width: config.WidthShort, DisplayName: "Error Tolerance",
		Doc: "none: an error fails the task at once; all: records that fail conversion, transformation or (retriably) the task are skipped."})
	d.Define(config.Key{Name: KeyErrorsLogEnable, Type: config.TypeBoolean, Default: false,
		Importance: config.ImportanceMedium, Group: GroupErrorHandling, Width: config.WidthShort, DisplayName: "Log Errors",
		Doc: "Log each error with the failed operation and record coordinates."})
	d.Define(config.Key{Name: KeyErrorsLogIncludeMsgs, Type: config.TypeBoolean, Default: false,
		Importance: config.ImportanceMedium, Group: GroupErrorHandling, Width: config.WidthShort, DisplayName: "Log Error Details",
		Doc: "Also log the key, value and headers of the failed record."})
	d.AllowPrefix(KeyKeyConverter+".", KeyValueConverter+".", KeyHeaderConverter+".",
		config.PrefixTransforms, config.PrefixPredicates,
		config.PrefixProducerOverride, config.PrefixConsumerOverride, config.PrefixAdminOverride)
	return d
}

// SinkConnectorConfigDef returns ConnectorConfigDef plus the sink-only keys
// (topics, topics.regex, dead-letter queue).
func SinkConnectorConfigDef() *config.ConfigDef {
	d := ConnectorConfigDef()
	d.Define(config.Key{Name: KeyTopics, Type: config.TypeList, Default: "",
		Importance: config.ImportanceHigh, Group: GroupCommon, Width: config.WidthLong, DisplayName: "Topics",
		Doc: "Topics to consume, comma-separated. Exactly one of topics and topics.regex must be set."})
	d.Define(config.Key{Name: KeyTopicsRegex, Type: config.TypeString, Default: "", Validator: config.ValidRegex(),
		Importance: config.ImportanceHigh, Group: GroupCommon, Width: config.WidthLong, DisplayName: "Topics regex",
		Doc: "Regular expression (whole topic name) selecting the topics to consume."})
	defineDLQ(d)
	return d
}

// defineDLQ adds the dead-letter queue keys (group Error Handling).
func defineDLQ(d *config.ConfigDef) {
	d.Define(config.Key{Name: KeyDLQTopicName, Type: config.TypeString, Default: "",
		Importance: config.ImportanceMedium, Group: GroupErrorHandling, Width: config.WidthMedium, DisplayName: "Dead Letter Queue Topic Name",
		Doc: "Topic for records skipped under errors.tolerance=all; empty disables the dead-letter queue."})
	d.Define(config.Key{Name: KeyDLQReplicationFactor, Type: config.TypeShort, Default: int16(3),
		Importance: config.ImportanceMedium, Group: GroupErrorHandling, Width: config.WidthShort, DisplayName: "Dead Letter Queue Topic Replication Factor",
		Doc: "Replication factor used when the dead-letter queue topic is created; -1 means the broker default."})
	d.Define(config.Key{Name: KeyDLQContextHeadersEnable, Type: config.TypeBoolean, Default: false,
		Importance: config.ImportanceMedium, Group: GroupErrorHandling, Width: config.WidthShort, DisplayName: "Enable Error Context Headers",
		Doc: "Add __connect.errors.* headers describing the failure to dead-letter queue records."})
}

// SourceConnectorConfigDef returns ConnectorConfigDef plus the source-only
// keys (topic creation, exactly-once settings, per-connector offsets topic)
// and, ours, the dead-letter queue keys and errors.strict.order.
// topic.creation.<group>.* keys pass through under the "topic.creation."
// prefix.
func SourceConnectorConfigDef() *config.ConfigDef {
	d := ConnectorConfigDef()
	d.Define(config.Key{Name: KeyTopicCreationGroups, Type: config.TypeList, Default: "", Validator: config.UniqueList(),
		Importance: config.ImportanceLow, Group: GroupTopicCreation, Width: config.WidthLong, DisplayName: "Topic Creation Groups",
		Doc: "Groups of configurations for topics created by source connectors, besides the implicit default group."})
	d.Define(config.Key{Name: KeyExactlyOnceSupport, Type: config.TypeString, Default: "requested", Validator: config.OneOfCaseInsensitive("requested", "required"),
		Importance: config.ImportanceMedium, Group: GroupExactlyOnce, Width: config.WidthShort, DisplayName: "Exactly once support",
		Doc: "Whether exactly-once support is required of the connector (preflight check) or only requested."})
	d.Define(config.Key{Name: KeyTransactionBoundary, Type: config.TypeString, Default: "poll", Validator: config.OneOfCaseInsensitive("poll", "interval", "connector"),
		Importance: config.ImportanceMedium, Group: GroupExactlyOnce, Width: config.WidthShort, DisplayName: "Transaction Boundary",
		Doc: "Transaction boundary for exactly-once source: poll, interval or connector."})
	d.Define(config.Key{Name: KeyTransactionBoundaryInterval, Type: config.TypeLong,
		Importance: config.ImportanceLow, Group: GroupExactlyOnce, Width: config.WidthShort, DisplayName: "Transaction boundary interval",
		Doc: "Transaction length in milliseconds for transaction.boundary=interval."})
	d.Define(config.Key{Name: KeyOffsetsStorageTopic, Type: config.TypeString,
		Importance: config.ImportanceLow, Group: GroupOffsetsTopic, Width: config.WidthLong, DisplayName: "Offsets topic",
		Doc: "Connector-specific offsets topic (distributed mode)."})
	defineDLQ(d)
	d.Define(config.Key{Name: KeyErrorsStrictOrder, Type: config.TypeBoolean, Default: false,
		Importance: config.ImportanceMedium, Group: GroupErrorHandling, Width: config.WidthShort, DisplayName: "Strict Order",
		Doc: "Fail the task instead of skipping a record that fails transformation, conversion or production, even with errors.tolerance=all, so that no later record of its source partition is delivered before it."})
	d.AllowPrefix(KeyTopicCreationPrefix)
	return d
}
