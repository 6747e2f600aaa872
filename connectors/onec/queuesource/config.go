package queuesource

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connectors/onec/common"
)

// Configuration keys of OneCQueueSource (besides the common 1C keys
// database.url, database.user, database.password).
const (
	KeyRegister         = "register"
	KeyOrderBy          = "order.by"
	KeyMode             = "mode"
	KeyTopic            = "topic"
	KeyTopicField       = "topic.field"
	KeyTopicMap         = "topic.map"
	KeyKeyField         = "key.field"
	KeyValueField       = "value.field"
	KeyHeadersFields    = "headers.fields"
	KeyHeadersJSONField = "headers.json.field"
	KeyTimestampField   = "timestamp.field"
	KeySplitField       = "split.field"
	KeySplitValues      = "split.values"
	KeyBatchSize        = "batch.size"
	KeyMaxInflight      = "max.inflight.batches"
	KeyAckTimeout       = "ack.timeout.ms"
	KeyPollInterval     = "poll.interval.ms"
	KeySettle           = "settle.ms"
)

// Modes.
const (
	ModeDelete = "delete"
	ModeOffset = "offset"
)

// Config groups.
const (
	groupQueue    = "1C queue"
	groupRecord   = "Record"
	groupTuning   = "Performance"
	groupSplit    = "Parallelism"
	groupOrdering = "Ordering"
)

// ConfigDef returns the connector's keys: the common 1C database keys and
// the queue keys. Each call builds a new definition.
func ConfigDef() *config.ConfigDef {
	d := common.DatabaseConfigDef()
	d.Define(config.Key{Name: KeyRegister, Type: config.TypeString, Required: true, Validator: config.NonEmptyString(),
		Importance: config.ImportanceHigh, Group: groupQueue, Width: config.WidthLong, DisplayName: "Queue register",
		Doc: "Full 1C name of the information register used as the outbound queue, in Russian or English, e.g. РегистрСведений.ИсходящаяОчередь."})
	d.Define(config.Key{Name: KeyOrderBy, Type: config.TypeString, Default: "",
		Importance: config.ImportanceHigh, Group: groupQueue, Width: config.WidthMedium, DisplayName: "Order by",
		Doc: "The register's numbering dimension (Число with no fraction digits, unique, increasing in commit order as far as 1C can), " +
			"e.g. НомерСообщения. Empty: the register's only such dimension."})
	d.Define(config.Key{Name: KeyMode, Type: config.TypeString, Default: ModeDelete, Validator: config.OneOfCaseInsensitive(ModeDelete, ModeOffset),
		Importance: config.ImportanceHigh, Group: groupQueue, Width: config.WidthShort, DisplayName: "Mode",
		Doc: "delete: rows are locked, sent and deleted in one database transaction once Kafka acknowledged the whole batch. " +
			"offset: rows stay; the last delivered number is the source offset stored by the worker."})
	d.Define(config.Key{Name: KeyTopic, Type: config.TypeString, Default: "",
		Importance: config.ImportanceHigh, Group: groupRecord, Width: config.WidthLong, DisplayName: "Topic",
		Doc: "The topic every record goes to. Exactly one of topic and topic.field must be set."})
	d.Define(config.Key{Name: KeyTopicField, Type: config.TypeString, Default: "",
		Importance: config.ImportanceHigh, Group: groupRecord, Width: config.WidthMedium, DisplayName: "Topic field",
		Doc: "A field of one type whose value names the topic of each row (e.g. ТипСообщения, a string or an enum); values are looked up in topic.map, " +
			"otherwise transliterated to a Kafka-legal name (Номенклатура → Nomenklatura, other characters → _)."})
	d.Define(config.Key{Name: KeyTopicMap, Type: config.TypeList, Default: "",
		Importance: config.ImportanceMedium, Group: groupRecord, Width: config.WidthLong, DisplayName: "Topic map",
		Doc: "Explicit topics for values of topic.field, as value:topic pairs, comma-separated, e.g. Номенклатура:items,Заказ:orders."})
	d.Define(config.Key{Name: KeyKeyField, Type: config.TypeString, Default: "",
		Importance: config.ImportanceHigh, Group: groupRecord, Width: config.WidthMedium, DisplayName: "Key field",
		Doc: "The field used as the record key (e.g. Ключ), its value as in the whole-row struct " +
			"(a field of composite type gives the onec.Composite struct {type, value}); empty: records have no key."})
	d.Define(config.Key{Name: KeyValueField, Type: config.TypeString, Default: "",
		Importance: config.ImportanceHigh, Group: groupRecord, Width: config.WidthMedium, DisplayName: "Value field",
		Doc: "The field sent as the record value as it is (e.g. Тело, a text body for the String or ByteArray converter); " +
			"empty: the whole row as a struct whose field names are the 1C names, mapped as by the table and changes sources " +
			"(references as UUID strings, enum values by name, composite types as onec.Composite {type, value})."})
	d.Define(config.Key{Name: KeyHeadersFields, Type: config.TypeList, Default: "", Validator: config.UniqueList(),
		Importance: config.ImportanceLow, Group: groupRecord, Width: config.WidthLong, DisplayName: "Header fields",
		Doc: "Fields added as record headers, each under its 1C name."})
	d.Define(config.Key{Name: KeyHeadersJSONField, Type: config.TypeString, Default: "",
		Importance: config.ImportanceLow, Group: groupRecord, Width: config.WidthMedium, DisplayName: "Headers JSON field",
		Doc: "A string field holding a JSON object whose members become record headers (e.g. Заголовки); a row whose value is not a JSON object is a malformed row."})
	d.Define(config.Key{Name: KeyTimestampField, Type: config.TypeString, Default: "",
		Importance: config.ImportanceLow, Group: groupRecord, Width: config.WidthMedium, DisplayName: "Timestamp field",
		Doc: "A date-time field used as the record timestamp and for the oldest-pending-age metric (e.g. ДатаСоздания)."})
	d.Define(config.Key{Name: KeySplitField, Type: config.TypeString, Default: "",
		Importance: config.ImportanceMedium, Group: groupSplit, Width: config.WidthMedium, DisplayName: "Split field",
		Doc: "A string or number field that splits the queue into independent streams (e.g. ТипСообщения), spread over up to tasks.max tasks; " +
			"order is kept within each stream. Needs split.values."})
	d.Define(config.Key{Name: KeySplitValues, Type: config.TypeList, Default: "", Validator: config.UniqueList(),
		Importance: config.ImportanceMedium, Group: groupSplit, Width: config.WidthLong, DisplayName: "Split values",
		Doc: "The values of split.field to read, comma-separated; each is one stream with its own source partition. Rows with other values are not read. " +
			"For a number field the values compare as numbers (5 matches 5.00 in Число(10,2)); one the field cannot hold is rejected."})
	d.Define(config.Key{Name: KeyBatchSize, Type: config.TypeInt, Default: 1000, Validator: config.Between(1, 50000),
		Importance: config.ImportanceMedium, Group: groupTuning, Width: config.WidthShort, DisplayName: "Batch size",
		Doc: "Rows read (and, in delete mode, locked) per batch."})
	d.Define(config.Key{Name: KeyMaxInflight, Type: config.TypeInt, Default: 4, Validator: config.Between(1, 64),
		Importance: config.ImportanceLow, Group: groupTuning, Width: config.WidthShort, DisplayName: "Batches in flight",
		Doc: "Delete mode: batches (open transactions, database connections) awaiting Kafka's acknowledgement at once per task."})
	d.Define(config.Key{Name: KeyAckTimeout, Type: config.TypeLong, Default: int64(10000), Validator: config.Between(100, 600000),
		Importance: config.ImportanceMedium, Group: groupTuning, Width: config.WidthShort, DisplayName: "Acknowledgement timeout",
		Doc: "Delete mode: the longest a batch keeps its rows locked waiting for Kafka; then its transaction (and every later one) " +
			"rolls back and the rows are sent again. It bounds how long a 1C writer changing a locked row can wait."})
	d.Define(config.Key{Name: KeyPollInterval, Type: config.TypeLong, Default: int64(500), Validator: config.Between(1, 60000),
		Importance: config.ImportanceLow, Group: groupTuning, Width: config.WidthShort, DisplayName: "Poll interval",
		Doc: "Pause in milliseconds after reading an empty queue."})
	d.Define(config.Key{Name: KeySettle, Type: config.TypeLong, Default: int64(5000), Validator: config.Between(0, 3600000),
		Importance: config.ImportanceMedium, Group: groupOrdering, Width: config.WidthShort, DisplayName: "Settle window",
		Doc: "Offset mode: how long a gap in the numbering is waited for (a writer that took a number but has not committed yet) " +
			"before the gap is taken for a rolled-back number and passed."})
	return d
}

// Config is the parsed configuration.
type Config struct {
	DB               common.Database
	Register         string
	OrderBy          string
	Mode             string
	Topic            string
	TopicField       string
	TopicMap         map[string]string
	KeyField         string
	ValueField       string
	HeaderFields     []string
	HeadersJSONField string
	TimestampField   string
	SplitField       string
	SplitValues      []string
	BatchSize        int
	MaxInflight      int
	AckTimeout       time.Duration
	PollInterval     time.Duration
	Settle           time.Duration
}

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

var legalTopic = regexp.MustCompile(`^[a-zA-Z0-9._-]{1,249}$`)

// ParseConfig parses and cross-checks the connector's own keys (others are
// ignored). Errors are a *config.ValidationError listing every failing key.
func ParseConfig(props map[string]string) (*Config, error) {
	def := ConfigDef()
	v, err := def.Parse(ownProps(def, props))
	if err != nil {
		return nil, err
	}
	errs := map[string][]string{}
	bad := func(key, val, reason string) {
		errs[key] = append(errs[key], (&config.InvalidValueError{Key: key, Value: val, Reason: reason}).Error())
	}
	db, err := common.ParseDatabase(v)
	if err != nil {
		return nil, err
	}
	c := &Config{DB: db,
		Register: strings.TrimSpace(v.String(KeyRegister)), OrderBy: strings.TrimSpace(v.String(KeyOrderBy)),
		Mode: strings.ToLower(v.String(KeyMode)), Topic: strings.TrimSpace(v.String(KeyTopic)),
		TopicField: strings.TrimSpace(v.String(KeyTopicField)), KeyField: strings.TrimSpace(v.String(KeyKeyField)),
		ValueField: strings.TrimSpace(v.String(KeyValueField)), HeaderFields: v.List(KeyHeadersFields),
		HeadersJSONField: strings.TrimSpace(v.String(KeyHeadersJSONField)), TimestampField: strings.TrimSpace(v.String(KeyTimestampField)),
		SplitField: strings.TrimSpace(v.String(KeySplitField)), SplitValues: v.List(KeySplitValues),
		BatchSize: v.Int(KeyBatchSize), MaxInflight: v.Int(KeyMaxInflight),
		AckTimeout:   time.Duration(v.Long(KeyAckTimeout)) * time.Millisecond,
		PollInterval: time.Duration(v.Long(KeyPollInterval)) * time.Millisecond,
		Settle:       time.Duration(v.Long(KeySettle)) * time.Millisecond,
	}
	switch {
	case c.Topic == "" && c.TopicField == "":
		errs[KeyTopic] = append(errs[KeyTopic], "Set either "+KeyTopic+" (one topic) or "+KeyTopicField+" (a topic per row)")
	case c.Topic != "" && c.TopicField != "":
		bad(KeyTopicField, c.TopicField, "set either "+KeyTopic+" or "+KeyTopicField+", not both")
	case c.Topic != "" && !legalTopic.MatchString(c.Topic):
		bad(KeyTopic, c.Topic, "not a legal Kafka topic name (letters a-z A-Z, digits, '.', '_', '-', at most 249)")
	}
	if l := v.List(KeyTopicMap); len(l) > 0 {
		if c.TopicField == "" {
			bad(KeyTopicMap, strings.Join(l, ","), KeyTopicMap+" needs "+KeyTopicField)
		}
		c.TopicMap = make(map[string]string, len(l))
		for _, pair := range l {
			val, topic, ok := strings.Cut(pair, ":")
			val, topic = strings.TrimSpace(val), strings.TrimSpace(topic)
			switch {
			case !ok || val == "" || topic == "":
				bad(KeyTopicMap, pair, "want value:topic")
			case !legalTopic.MatchString(topic):
				bad(KeyTopicMap, pair, fmt.Sprintf("%q is not a legal Kafka topic name", topic))
			default:
				c.TopicMap[val] = topic
			}
		}
	}
	if c.SplitField != "" && len(c.SplitValues) == 0 {
		errs[KeySplitValues] = append(errs[KeySplitValues], "Set "+KeySplitValues+" to the values of "+KeySplitField+" to read")
	}
	if c.SplitField == "" && len(c.SplitValues) > 0 {
		bad(KeySplitValues, strings.Join(c.SplitValues, ","), KeySplitValues+" needs "+KeySplitField)
	}
	if len(errs) > 0 {
		return nil, &config.ValidationError{Errors: errs}
	}
	return c, nil
}
