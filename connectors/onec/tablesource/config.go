package tablesource

import (
	"strings"
	"time"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connectors/onec/common"
)

// Configuration keys of OneCTableSource.
const (
	KeyObjects          = "objects"
	KeyTopic            = "topic"
	KeyTopicTemplate    = "topic.template"
	KeyTopicPrefix      = "topic.prefix"
	KeyMode             = "mode"
	KeyBatchSize        = "batch.size"
	KeySnapshotInterval = "snapshot.interval.ms"
	KeyPollInterval     = "poll.interval.ms"
	KeySettle           = "version.settle.ms"
	KeySections         = "tabular.sections"
	defaultTemplate     = "${prefix}.${kind}.${name}"
	groupTable          = "Table"
	groupTopics         = "Topics"
)

// Modes.
const (
	// ModeSnapshot reads every row by keyset pages, then again every
	// snapshot.interval.ms (0: once).
	ModeSnapshot = "snapshot"
	// ModeIncremental (SQL Server only) reads every row once, then the
	// rows whose _Version (rowversion) grew, below MIN_ACTIVE_ROWVERSION()
	// and older than the settle window. Objects without _Version
	// (registers, constants) are refused in this mode.
	ModeIncremental = "incremental"
)

// ConfigDef returns the connector's keys merged with the common 1C database
// keys. Each call builds a new definition.
func ConfigDef() *config.ConfigDef {
	d := common.DatabaseConfigDef()
	d.Define(config.Key{Name: KeyObjects, Type: config.TypeList, Required: true, Validator: config.NonEmptyList(),
		Importance: config.ImportanceHigh, Group: groupTable, DisplayName: "Objects",
		Doc: "Comma-separated 1C full names to read: catalogs, documents, exchange plans, charts, registers, constants " +
			"(Справочник.Номенклатура, Document.РеализацияТоваровУслуг, …)."})
	d.Define(config.Key{Name: KeyMode, Type: config.TypeString, Default: ModeSnapshot,
		Validator:  config.OneOfCaseInsensitive(ModeSnapshot, ModeIncremental),
		Importance: config.ImportanceHigh, Group: groupTable, DisplayName: "Mode",
		Doc: "snapshot: read every row in keyset pages, again every snapshot.interval.ms; incremental (SQL Server only): " +
			"one snapshot, then the rows whose _Version (rowversion) changed, for objects that have one (catalogs, documents, " +
			"exchange plans, charts; registers and constants are refused). Neither sees deletions: use OneCChangesSource for CDC."})
	d.Define(config.Key{Name: KeyBatchSize, Type: config.TypeInt, Default: 5000, Validator: config.Between(1, 100000),
		Importance: config.ImportanceMedium, Group: groupTable, DisplayName: "Batch size",
		Doc: "Rows per keyset page (one short read statement each, no table lock)."})
	d.Define(config.Key{Name: KeySnapshotInterval, Type: config.TypeLong, Default: int64(0), Validator: config.AtLeast(0),
		Importance: config.ImportanceMedium, Group: groupTable, DisplayName: "Snapshot interval",
		Doc: "In snapshot mode, milliseconds from the end of one full pass to the start of the next; 0 reads once."})
	d.Define(config.Key{Name: KeyPollInterval, Type: config.TypeLong, Default: int64(1000), Validator: config.Between(10, 3600000),
		Importance: config.ImportanceMedium, Group: groupTable, DisplayName: "Poll interval",
		Doc: "In incremental mode, milliseconds between two reads of changed rows when nothing is new."})
	d.Define(config.Key{Name: KeySettle, Type: config.TypeLong, Default: int64(5000), Validator: config.AtLeast(0),
		Importance: config.ImportanceLow, Group: groupTable, DisplayName: "Version settle window",
		Doc: "In incremental mode, how long (ms) a rowversion bound must have been observed before rows below it are read, " +
			"on top of MIN_ACTIVE_ROWVERSION(): a margin for transactions that commit out of order."})
	d.Define(config.Key{Name: KeySections, Type: config.TypeBoolean, Default: true,
		Importance: config.ImportanceLow, Group: groupTable, DisplayName: "Tabular sections",
		Doc: "Read the tabular sections of catalogs and documents into each record (arrays of structs)."})
	d.Define(config.Key{Name: KeyTopic, Type: config.TypeString, Default: "",
		Importance: config.ImportanceHigh, Group: groupTopics, DisplayName: "Topic",
		Doc: "One topic for every object; when empty, topic.template names a topic per object."})
	d.Define(config.Key{Name: KeyTopicTemplate, Type: config.TypeString, Default: defaultTemplate, Validator: config.NonEmptyString(),
		Importance: config.ImportanceHigh, Group: groupTopics, DisplayName: "Topic template",
		Doc: "Topic per object: ${prefix}, ${kind} (English kind), ${name}; transliterated to a Kafka-legal name."})
	d.Define(config.Key{Name: KeyTopicPrefix, Type: config.TypeString, Default: "onec",
		Importance: config.ImportanceMedium, Group: groupTopics, DisplayName: "Topic prefix", Doc: "The ${prefix} of topic.template."})
	d.Define(config.Key{Name: common.KeyTaskObjects, Type: config.TypeList, Default: "", Importance: config.ImportanceLow,
		Doc: "Internal: the objects of one task, set by the connector."})
	return d
}

type settings struct {
	db           common.Database
	retry        common.RetryPolicy
	objects      []string
	taskObjects  []string
	mode         string
	batchSize    int
	interval     time.Duration
	pollInterval time.Duration
	settle       time.Duration
	sections     bool
	topic        string
	template     string
	prefix       string
}

func parseSettings(props map[string]string) (*settings, error) {
	def := ConfigDef()
	own := map[string]string{}
	for k, v := range props {
		if _, ok := def.Key(k); ok {
			own[k] = v
		}
	}
	v, err := def.Parse(own)
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
	s := &settings{db: db, retry: rp, objects: common.TrimList(v.List(KeyObjects)), taskObjects: common.TrimList(v.List(common.KeyTaskObjects)),
		mode: strings.ToLower(v.String(KeyMode)), batchSize: v.Int(KeyBatchSize),
		interval:     time.Duration(v.Long(KeySnapshotInterval)) * time.Millisecond,
		pollInterval: time.Duration(v.Long(KeyPollInterval)) * time.Millisecond,
		settle:       time.Duration(v.Long(KeySettle)) * time.Millisecond, sections: v.Bool(KeySections),
		topic: strings.TrimSpace(v.String(KeyTopic)), template: v.String(KeyTopicTemplate), prefix: v.String(KeyTopicPrefix)}
	if len(s.taskObjects) == 0 {
		s.taskObjects = s.objects
	}
	errs := map[string][]string{}
	if err := common.CheckTopicTemplate(s.template); err != nil {
		errs[KeyTopicTemplate] = append(errs[KeyTopicTemplate], err.Error())
	}
	if s.mode == ModeIncremental && db.Scheme != "sqlserver" {
		errs[KeyMode] = append(errs[KeyMode], "incremental mode needs SQL Server's rowversion _Version; on PostgreSQL _Version is a plain counter: use mode=snapshot (with snapshot.interval.ms) or OneCChangesSource")
	}
	if len(errs) > 0 {
		return nil, &config.ValidationError{Errors: errs}
	}
	return s, nil
}
