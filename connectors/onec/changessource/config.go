package changessource

import (
	"strings"
	"time"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connectors/onec/common"
)

// Configuration keys of OneCChangesSource (design.md, "Names users will
// type").
const (
	KeyExchangePlan  = "exchange.plan"
	KeyNode          = "node"
	KeyObjects       = "objects"
	KeyTopic         = "topic"
	KeyTopicTemplate = "topic.template"
	KeyTopicPrefix   = "topic.prefix"
	KeySnapshotMode  = "snapshot.mode"
	KeyTombstones    = "tombstones.on.delete"
	KeyBatchSize     = "batch.size"
	KeyPollInterval  = "poll.interval.ms"
	KeyMaxInflight   = "max.inflight.batches"
	KeyDepthInterval = "pending.count.interval.ms"
	defaultTemplate  = "${prefix}.${kind}.${name}"
	groupSource      = "Changes"
	groupTopics      = "Topics"
)

// Snapshot modes (Debezium's vocabulary).
const (
	SnapshotInitial     = "initial"
	SnapshotNever       = "never"
	SnapshotInitialOnly = "initial_only"
)

// ConfigDef returns the connector's keys merged with the common 1C database
// keys. Each call builds a new definition.
func ConfigDef() *config.ConfigDef {
	d := common.DatabaseConfigDef()
	d.Define(config.Key{Name: KeyExchangePlan, Type: config.TypeString, Required: true, Validator: config.NonEmptyString(),
		Importance: config.ImportanceHigh, Group: groupSource, DisplayName: "Exchange plan",
		Doc: "The 1C exchange plan whose change registration the connector consumes, by full name in Russian or English " +
			"(ПланОбмена.Kafka, ExchangePlan.Kafka)."})
	d.Define(config.Key{Name: KeyNode, Type: config.TypeString, Required: true, Validator: config.NonEmptyString(),
		Importance: config.ImportanceHigh, Group: groupSource, DisplayName: "Node code",
		Doc: "Code of the exchange plan node dedicated to this connector. 1C's own exchange must not use the same node: " +
			"the connector deletes the registrations it delivered."})
	d.Define(config.Key{Name: KeyObjects, Type: config.TypeList, Default: "",
		Importance: config.ImportanceHigh, Group: groupSource, DisplayName: "Objects",
		Doc: "Comma-separated 1C full names to consume (a subset of the plan's content); empty means the whole content."})
	d.Define(config.Key{Name: KeySnapshotMode, Type: config.TypeString, Default: SnapshotInitial,
		Validator:  config.OneOfCaseInsensitive(SnapshotInitial, SnapshotNever, SnapshotInitialOnly),
		Importance: config.ImportanceMedium, Group: groupSource, DisplayName: "Snapshot mode",
		Doc: "initial: emit every existing object (op r) before streaming registrations; never: stream registrations only; " +
			"initial_only: emit the snapshot and stop reading registrations."})
	d.Define(config.Key{Name: KeyTombstones, Type: config.TypeBoolean, Default: true,
		Importance: config.ImportanceMedium, Group: groupSource, DisplayName: "Tombstones on delete",
		Doc: "After the deletion record (op d) of an object, also emit a tombstone (null value) with the same key, so log " +
			"compaction can drop the object."})
	d.Define(config.Key{Name: KeyBatchSize, Type: config.TypeInt, Default: 1000, Validator: config.Between(1, 100000),
		Importance: config.ImportanceMedium, Group: groupSource, DisplayName: "Batch size",
		Doc: "Most registrations stamped and read at once per object (one short UPDATE, then one read)."})
	d.Define(config.Key{Name: KeyPollInterval, Type: config.TypeLong, Default: int64(1000), Validator: config.Between(10, 600000),
		Importance: config.ImportanceMedium, Group: groupSource, DisplayName: "Poll interval",
		Doc: "How long, in milliseconds, a task waits before looking again when no registration is pending."})
	d.Define(config.Key{Name: KeyMaxInflight, Type: config.TypeInt, Default: 100, Validator: config.Between(1, 100000),
		Importance: config.ImportanceLow, Group: groupSource, DisplayName: "Max in-flight batches",
		Doc: "Most batches a task keeps sent but not yet acknowledged by Kafka; polling pauses at the limit."})
	d.Define(config.Key{Name: KeyDepthInterval, Type: config.TypeLong, Default: int64(10000), Validator: config.AtLeast(0),
		Importance: config.ImportanceLow, Group: groupSource, DisplayName: "Pending count interval",
		Doc: "How often, in milliseconds, the number of unsent registrations is counted for the metrics; 0 disables it."})
	defineTopicKeys(d)
	d.Define(config.Key{Name: common.KeyTaskObjects, Type: config.TypeList, Default: "", Importance: config.ImportanceLow,
		Doc: "Internal: the object group of one task, set by the connector."})
	return d
}

func defineTopicKeys(d *config.ConfigDef) {
	d.Define(config.Key{Name: KeyTopic, Type: config.TypeString, Default: "",
		Importance: config.ImportanceHigh, Group: groupTopics, DisplayName: "Topic",
		Doc: "One topic for every object; when empty, topic.template names a topic per object."})
	d.Define(config.Key{Name: KeyTopicTemplate, Type: config.TypeString, Default: defaultTemplate,
		Validator:  config.NonEmptyString(),
		Importance: config.ImportanceHigh, Group: groupTopics, DisplayName: "Topic template",
		Doc: "Topic per object: ${prefix} (topic.prefix), ${kind} (English kind: Catalog, Document, InformationRegister, …) " +
			"and ${name} (the object's name); the result is transliterated to a Kafka-legal name."})
	d.Define(config.Key{Name: KeyTopicPrefix, Type: config.TypeString, Default: "onec",
		Importance: config.ImportanceMedium, Group: groupTopics, DisplayName: "Topic prefix",
		Doc: "The ${prefix} of topic.template."})
}

// settings is the parsed configuration of a connector or a task.
type settings struct {
	db           common.Database
	retry        common.RetryPolicy
	plan         string
	node         string
	objects      []string
	taskObjects  []string
	topic        string
	template     string
	prefix       string
	snapshot     string
	tombstones   bool
	batchSize    int
	pollInterval time.Duration
	maxInflight  int
	depthEvery   time.Duration
}

// parseSettings checks props with ConfigDef and the retry keys; the error
// is a *config.ValidationError naming the failing keys, or explains the
// retry keys.
func parseSettings(props map[string]string) (*settings, error) {
	v, err := ConfigDef().Parse(ownProps(props))
	if err != nil {
		return nil, err
	}
	db, err := common.ParseDatabase(v)
	if err != nil {
		return nil, err
	}
	rp, err := common.ParseRetryPolicy(props)
	if err != nil {
		return nil, err
	}
	s := &settings{db: db, retry: rp, plan: strings.TrimSpace(v.String(KeyExchangePlan)), node: strings.TrimSpace(v.String(KeyNode)),
		objects: common.TrimList(v.List(KeyObjects)), taskObjects: common.TrimList(v.List(common.KeyTaskObjects)),
		topic: strings.TrimSpace(v.String(KeyTopic)), template: v.String(KeyTopicTemplate), prefix: v.String(KeyTopicPrefix),
		snapshot: strings.ToLower(v.String(KeySnapshotMode)), tombstones: v.Bool(KeyTombstones), batchSize: v.Int(KeyBatchSize),
		pollInterval: time.Duration(v.Long(KeyPollInterval)) * time.Millisecond, maxInflight: v.Int(KeyMaxInflight),
		depthEvery: time.Duration(v.Long(KeyDepthInterval)) * time.Millisecond}
	if err := common.CheckTopicTemplate(s.template); err != nil {
		return nil, &config.ValidationError{Errors: map[string][]string{KeyTopicTemplate: {err.Error()}}}
	}
	return s, nil
}

// ownProps keeps the keys this connector's definition knows: the runtime's
// common keys (name, tasks.max, converters, errors.*) are checked by the
// runtime.
func ownProps(props map[string]string) map[string]string {
	def := ConfigDef()
	out := make(map[string]string, len(props))
	for k, v := range props {
		if _, ok := def.Key(k); ok {
			out[k] = v
		}
	}
	return out
}
