package queuesink

import (
	"strings"
	"time"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connectors/onec/common"
)

// Configuration keys of OneCQueueSink (besides the common 1C keys
// database.url, database.user, database.password). Every *.field key
// names a field (dimension, resource or attribute) of the register by its
// 1C name.
const (
	KeyRegister         = "register"
	KeySequenceField    = "sequence.field"
	KeyTopicField       = "topic.field"
	KeyPartitionField   = "partition.field"
	KeyOffsetField      = "offset.field"
	KeyKeyField         = "key.field"
	KeyValueField       = "value.field"
	KeyHeadersJSONField = "headers.json.field"
	KeyTimestampField   = "timestamp.field"
	KeyReceivedField    = "received.field"
	KeyDedupField       = "dedup.field"
	KeyTruncateStrings  = "truncate.strings"
	KeyBatchSize        = "batch.size"
	KeyBatchLinger      = "batch.linger.ms"
)

// Config groups.
const (
	groupQueue   = "1C queue"
	groupMapping = "Mapping"
	groupTuning  = "Performance"
)

// Defaults of the tuning keys.
const (
	defaultBatchSize = 5000
	defaultLinger    = 500
	maxBatchSize     = 100000
)

// fieldKeys are the keys naming a register field, in the order the
// resolver reports them.
var fieldKeys = []string{KeySequenceField, KeyTopicField, KeyPartitionField, KeyOffsetField, KeyKeyField,
	KeyValueField, KeyHeadersJSONField, KeyTimestampField, KeyReceivedField}

// ConfigDef returns the connector's keys: the common 1C database keys and
// the queue sink keys. Each call builds a new definition.
func ConfigDef() *config.ConfigDef {
	d := common.DatabaseConfigDef()
	d.Define(config.Key{Name: KeyRegister, Type: config.TypeString, Required: true, Validator: config.NonEmptyString(),
		Importance: config.ImportanceHigh, Group: groupQueue, Width: config.WidthLong, DisplayName: "Queue register",
		Doc: "Full 1C name of the information register used as the inbound queue, in Russian or English, e.g. " +
			"РегистрСведений.ВходящаяОчередь. It must be independent (not subordinate to a recorder)."})
	field := func(name, display, doc string) {
		d.Define(config.Key{Name: name, Type: config.TypeString, Default: "",
			Importance: config.ImportanceHigh, Group: groupMapping, Width: config.WidthMedium, DisplayName: display, Doc: doc})
	}
	field(KeySequenceField, "Sequence field",
		"A numeric field (Число, no fraction digits, e.g. НомерСообщения) filled from a database sequence the connector creates "+
			"if missing (onec_connect.onec_seq_<table>_<column>): unique across tasks and connectors, increasing in the order records are written.")
	field(KeyTopicField, "Topic field", "A string field receiving the record's Kafka topic (e.g. Топик).")
	field(KeyPartitionField, "Partition field", "A numeric field receiving the record's Kafka partition (e.g. Раздел).")
	field(KeyOffsetField, "Offset field", "A numeric field receiving the record's Kafka offset (e.g. Смещение).")
	field(KeyKeyField, "Key field", "A field receiving the record key as text (e.g. Ключ); converted to the field's type.")
	field(KeyValueField, "Value field",
		"A field receiving the whole record value as text (e.g. Тело; structs and maps as JSON, bytes as UTF-8) or as bytes "+
			"(ХранилищеЗначения). Empty: the value must be a struct (or a JSON object) whose fields fill the register fields of the same names.")
	field(KeyHeadersJSONField, "Headers JSON field", "A string field receiving the record headers as a JSON object of strings (e.g. Заголовки).")
	field(KeyTimestampField, "Timestamp field", "A date-time field receiving the Kafka record timestamp (UTC wall clock).")
	field(KeyReceivedField, "Received field", "A date-time field receiving the time the row was written (UTC wall clock, e.g. ДатаПоступления).")
	d.Define(config.Key{Name: KeyDedupField, Type: config.TypeString, Default: "",
		Importance: config.ImportanceMedium, Group: groupMapping, Width: config.WidthMedium, DisplayName: "Deduplication field",
		Doc: "A field holding a unique message id (filled by one of the keys above or a struct field); a record whose id is already " +
			"in the register, or earlier in the same batch, is skipped. For producers that send duplicates themselves; ids of rows 1C has " +
			"already processed and deleted are not remembered."})
	d.Define(config.Key{Name: KeyTruncateStrings, Type: config.TypeBoolean, Default: false,
		Importance: config.ImportanceMedium, Group: groupMapping, Width: config.WidthShort, DisplayName: "Truncate strings",
		Doc: "Cut strings longer than their field to the field's length. false (default): such a record goes to the error path " +
			"(errors.tolerance, dead-letter queue) with a message naming the field and its length."})
	d.Define(config.Key{Name: KeyBatchSize, Type: config.TypeInt, Default: defaultBatchSize, Validator: config.Between(1, maxBatchSize),
		Importance: config.ImportanceMedium, Group: groupTuning, Width: config.WidthShort, DisplayName: "Batch size",
		Doc: "Rows buffered before they are written in one database transaction (bulk insert plus the offsets update). Larger batches " +
			"write faster; smaller ones keep transactions shorter."})
	d.Define(config.Key{Name: KeyBatchLinger, Type: config.TypeLong, Default: int64(defaultLinger), Validator: config.Between(0, 600000),
		Importance: config.ImportanceMedium, Group: groupTuning, Width: config.WidthShort, DisplayName: "Batch linger",
		Doc: "The longest, in milliseconds, a buffered record waits for its batch to fill before it is written anyway; 0 writes after every delivery."})
	return d
}

// Config is the parsed configuration.
type Config struct {
	DB       common.Database
	Register string
	// Fields maps a *.field key to the configured 1C field name ("" = unset).
	Fields          map[string]string
	DedupField      string
	TruncateStrings bool
	BatchSize       int
	Linger          time.Duration
}

// Field returns the field configured under key ("" when unset).
func (c *Config) Field(key string) string { return c.Fields[key] }

// ownProps keeps the keys the definition knows, dropping the runtime's.
func ownProps(def *config.ConfigDef, props map[string]string) map[string]string {
	out := make(map[string]string, len(props))
	for k, v := range props {
		if _, ok := def.Key(k); ok {
			out[k] = v
		}
	}
	return out
}

// ParseConfig parses and cross-checks the connector's own keys (others are
// ignored). Errors are a *config.ValidationError listing every failing key.
// Names are checked against the metadata by resolve.
func ParseConfig(props map[string]string) (*Config, error) {
	def := ConfigDef()
	v, err := def.Parse(ownProps(def, props))
	if err != nil {
		return nil, err
	}
	db, err := common.ParseDatabase(v)
	if err != nil {
		return nil, err
	}
	c := &Config{DB: db, Register: strings.TrimSpace(v.String(KeyRegister)), Fields: map[string]string{},
		DedupField: strings.TrimSpace(v.String(KeyDedupField)), TruncateStrings: v.Bool(KeyTruncateStrings),
		BatchSize: v.Int(KeyBatchSize), Linger: time.Duration(v.Long(KeyBatchLinger)) * time.Millisecond}
	errs := map[string][]string{}
	used := map[string]string{} // lower-case field → key
	for _, k := range fieldKeys {
		f := strings.TrimSpace(v.String(k))
		c.Fields[k] = f
		if f == "" {
			continue
		}
		if prev, dup := used[strings.ToLower(f)]; dup {
			errs[k] = append(errs[k], (&config.InvalidValueError{Key: k, Value: f,
				Reason: "the field is already filled by " + prev + "; a field takes one source"}).Error())
			continue
		}
		used[strings.ToLower(f)] = k
	}
	if len(errs) > 0 {
		return nil, &config.ValidationError{Errors: errs}
	}
	return c, nil
}
