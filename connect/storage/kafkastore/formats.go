package kafkastore

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/converters/jsonconv"
)

// Record keys of the config topic (KafkaConfigBackingStore), written as
// plain UTF-8 strings.
const (
	prefixTargetState = "target-state-"
	prefixConnector   = "connector-"
	prefixTask        = "task-"
	prefixCommit      = "commit-"
	prefixRestart     = "restart-connector-"
	prefixTaskCount   = "tasks-fencing-"
	prefixLogger      = "logger-cluster-"
	// SessionKeyRecordKey is the config-topic key of the KIP-507 session key.
	SessionKeyRecordKey = "session-key"
)

// Record keys of the status topic (KafkaStatusBackingStore).
const (
	prefixStatusConnector = "status-connector-"
	prefixStatusTask      = "status-task-"
	prefixStatusTopic     = "status-topic-"
	topicStatusSeparator  = ":connector-"
)

// ConnectorKey returns the config-topic key of a connector's configuration.
func ConnectorKey(connector string) string { return prefixConnector + connector }

// TargetStateKey returns the config-topic key of a connector's target state.
func TargetStateKey(connector string) string { return prefixTargetState + connector }

// TaskKey returns the config-topic key of one task's configuration.
func TaskKey(id connect.TaskID) string {
	return prefixTask + id.Connector + "-" + strconv.Itoa(id.Task)
}

// CommitKey returns the config-topic key of a connector's task commit record.
func CommitKey(connector string) string { return prefixCommit + connector }

// RestartKey returns the config-topic key of a connector's restart request.
func RestartKey(connector string) string { return prefixRestart + connector }

// TaskCountKey returns the config-topic key of a connector's KIP-618
// task-count (fencing) record.
func TaskCountKey(connector string) string { return prefixTaskCount + connector }

// LoggerLevelKey returns the config-topic key of a KIP-976 cluster-wide
// logger level.
func LoggerLevelKey(namespace string) string { return prefixLogger + namespace }

// ConnectorStatusKey returns the status-topic key of a connector's status.
func ConnectorStatusKey(connector string) string { return prefixStatusConnector + connector }

// TaskStatusKey returns the status-topic key of a task's status.
func TaskStatusKey(id connect.TaskID) string {
	return prefixStatusTask + id.Connector + "-" + strconv.Itoa(id.Task)
}

// TopicStatusKey returns the status-topic key of a KIP-558 active topic.
func TopicStatusKey(topic, connector string) string {
	return prefixStatusTopic + topic + topicStatusSeparator + connector
}

// splitTaskKey parses "<prefix><connector>-<n>" as Java's
// key.split("-") does: the last piece is the task number, the pieces after
// the first skip ones are the connector name. Java's split drops trailing
// empty strings, so "task-c-" does not parse.
func splitTaskKey(key string, skip int) (connect.TaskID, bool) {
	parts := strings.Split(key, "-")
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	if len(parts) < skip+2 {
		return connect.TaskID{}, false
	}
	n, err := strconv.ParseInt(parts[len(parts)-1], 10, 32)
	if err != nil {
		return connect.TaskID{}, false
	}
	return connect.TaskID{Connector: strings.Join(parts[skip:len(parts)-1], "-"), Task: int(n)}, true
}

// parseTopicStatusKey splits "status-topic-<topic>:connector-<c>" like
// KafkaStatusBackingStore.readTopicStatus (the first ':' ends the topic).
func parseTopicStatusKey(key string) (topic, connector string, ok bool) {
	rest := key[len(prefixStatusTopic):]
	i := strings.IndexByte(rest, ':')
	if i <= 0 {
		return "", "", false
	}
	topic = rest[:i]
	after := rest[i:]
	if len(after) < len(topicStatusSeparator) {
		return "", "", false
	}
	connector = after[len(topicStatusSeparator):]
	if connector == "" {
		return "", "", false
	}
	return topic, connector, true
}

// ---- encoding: Jackson's compact output of JsonConverter(schemas.enable=false)

// jsonWriter builds compact JSON exactly as Jackson prints it.
type jsonWriter struct{ b []byte }

func (w *jsonWriter) raw(s string) { w.b = append(w.b, s...) }

func (w *jsonWriter) str(s string) { w.b = appendJacksonString(w.b, s) }

// field writes `"name":` preceded by a comma unless it is the first.
func (w *jsonWriter) field(name string, first bool) {
	if !first {
		w.b = append(w.b, ',')
	}
	w.str(name)
	w.b = append(w.b, ':')
}

// stringMap writes a map of strings with keys in sorted order (Java writes
// its map's iteration order; readers do not depend on it).
func (w *jsonWriter) stringMap(m map[string]string) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	w.b = append(w.b, '{')
	for i, k := range keys {
		w.field(k, i == 0)
		w.str(m[k])
	}
	w.b = append(w.b, '}')
}

const hexUpper = "0123456789ABCDEF"

// appendJacksonString appends s as a JSON string the way Jackson escapes it:
// \" \\ \b \t \n \f \r, \u00XX (upper-case hex) for other control
// characters, everything else (including '/', '<', U+2028) as raw UTF-8.
// Invalid UTF-8 becomes U+FFFD, as in a Java String decoded from it.
func appendJacksonString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, "\uFFFD"...)
			} else {
				dst = append(dst, s[i:i+size]...)
			}
			i += size
			continue
		}
		switch c {
		case '"':
			dst = append(dst, '\\', '"')
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\r':
			dst = append(dst, '\\', 'r')
		default:
			if c < 0x20 {
				dst = append(dst, '\\', 'u', '0', '0', hexUpper[c>>4], hexUpper[c&0xF])
			} else {
				dst = append(dst, c)
			}
		}
		i++
	}
	return append(dst, '"')
}

// appendJacksonValue appends a schemaless value as JsonConverter writes it:
// maps with keys sorted, integers as is, floating point numbers as Java's
// Double.toString / Float.toString ("1.0", "1.0E10").
func appendJacksonValue(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case string:
		return appendJacksonString(dst, x), nil
	case bool:
		return strconv.AppendBool(dst, x), nil
	case int:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int8:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int16:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int32:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(dst, x, 10), nil
	case uint8:
		return strconv.AppendUint(dst, uint64(x), 10), nil
	case uint16:
		return strconv.AppendUint(dst, uint64(x), 10), nil
	case uint32:
		return strconv.AppendUint(dst, uint64(x), 10), nil
	case uint64:
		return strconv.AppendUint(dst, x, 10), nil
	case uint:
		return strconv.AppendUint(dst, uint64(x), 10), nil
	case float32:
		return appendJacksonFloat(dst, float64(x), 32), nil
	case float64:
		return appendJacksonFloat(dst, x, 64), nil
	case json.Number:
		return append(dst, x...), nil
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		dst = append(dst, '{')
		var err error
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJacksonString(dst, k)
			dst = append(dst, ':')
			if dst, err = appendJacksonValue(dst, x[k]); err != nil {
				return nil, err
			}
		}
		return append(dst, '}'), nil
	case map[string]string:
		w := jsonWriter{b: dst}
		w.stringMap(x)
		return w.b, nil
	case []any:
		dst = append(dst, '[')
		var err error
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			if dst, err = appendJacksonValue(dst, e); err != nil {
				return nil, err
			}
		}
		return append(dst, ']'), nil
	default:
		return nil, fmt.Errorf("%w: unsupported value type %T", ErrFormat, v)
	}
}

// appendJacksonFloat writes NaN and the infinities quoted, as Jackson does
// by default (QUOTE_NON_NUMERIC_NUMBERS).
func appendJacksonFloat(dst []byte, f float64, bits int) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		dst = append(dst, '"')
		dst = jsonconv.AppendJavaFloat(dst, f, bits)
		return append(dst, '"')
	}
	return jsonconv.AppendJavaFloat(dst, f, bits)
}

// encodePropertiesValue is the value of connector- and task- records:
// {"properties":{...}}.
func encodePropertiesValue(props map[string]string) []byte {
	w := jsonWriter{b: make([]byte, 0, 64+32*len(props))}
	w.raw(`{"properties":`)
	w.stringMap(props)
	w.raw("}")
	return w.b
}

// encodeCommitValue is the value of a commit- record: {"tasks":N}.
func encodeCommitValue(tasks int) []byte {
	return []byte(`{"tasks":` + strconv.Itoa(tasks) + `}`)
}

// encodeTargetStateValue is the value of a target-state- record: "state"
// never says STOPPED (older workers do not know it), "state.v2" does.
func encodeTargetStateValue(state connect.TargetState) []byte {
	v1 := state
	if state == connect.TargetStopped {
		v1 = connect.TargetPaused
	}
	w := jsonWriter{}
	w.raw(`{"state":`)
	w.str(string(v1))
	w.raw(`,"state.v2":`)
	w.str(string(state))
	w.raw("}")
	return w.b
}

// encodeRestartValue is the value of a restart-connector- record.
func encodeRestartValue(includeTasks, onlyFailed bool) []byte {
	return []byte(`{"include-tasks":` + strconv.FormatBool(includeTasks) +
		`,"only-failed":` + strconv.FormatBool(onlyFailed) + `}`)
}

// encodeTaskCountValue is the value of a tasks-fencing- record.
func encodeTaskCountValue(n int) []byte {
	return []byte(`{"task-count":` + strconv.Itoa(n) + `}`)
}

// encodeSessionKeyValue is the value of the session-key record.
func encodeSessionKeyValue(k SessionKey) []byte {
	w := jsonWriter{}
	w.raw(`{"key":`)
	w.str(base64.StdEncoding.EncodeToString(k.Key))
	w.raw(`,"algorithm":`)
	w.str(k.Algorithm)
	w.raw(`,"creation-timestamp":`)
	w.b = strconv.AppendInt(w.b, k.CreationTimestamp, 10)
	w.raw("}")
	return w.b
}

// encodeLoggerLevelValue is the value of a logger-cluster- record.
func encodeLoggerLevelValue(level string) []byte {
	w := jsonWriter{}
	w.raw(`{"level":`)
	w.str(level)
	w.raw("}")
	return w.b
}

// encodeStatusValue is the value of status-connector- and status-task-
// records: every field of STATUS_SCHEMA_V0 in order, "trace":null when there
// is none.
func encodeStatusValue(state, trace, workerID string, generation int32) []byte {
	w := jsonWriter{b: make([]byte, 0, 80+len(trace))}
	w.raw(`{"state":`)
	w.str(state)
	w.raw(`,"trace":`)
	if trace == "" {
		w.raw("null")
	} else {
		w.str(trace)
	}
	w.raw(`,"worker_id":`)
	w.str(workerID)
	w.raw(`,"generation":`)
	w.b = strconv.AppendInt(w.b, int64(generation), 10)
	w.raw("}")
	return w.b
}

// encodeTopicStatusValue is the value of a status-topic- record.
func encodeTopicStatusValue(s TopicStatus) []byte {
	w := jsonWriter{}
	w.raw(`{"topic":{"name":`)
	w.str(s.Topic)
	w.raw(`,"connector":`)
	w.str(s.Connector)
	w.raw(`,"task":`)
	w.b = strconv.AppendInt(w.b, int64(s.Task), 10)
	w.raw(`,"discoverTimestamp":`)
	w.b = strconv.AppendInt(w.b, s.DiscoverTimestamp, 10)
	w.raw("}}")
	return w.b
}

// encodeOffsetKey is the offsets-topic key ["<connector>",{partition}] as
// Jackson prints it, with the partition's keys sorted.
func encodeOffsetKey(connector string, partition map[string]any) ([]byte, error) {
	b := append(make([]byte, 0, 64), '[')
	b = appendJacksonString(b, connector)
	b = append(b, ',')
	var err error
	if partition == nil {
		b = append(b, "null"...)
	} else if b, err = appendJacksonValue(b, partition); err != nil {
		return nil, fmt.Errorf("encode offset key of %s: %w", connector, err)
	}
	return append(b, ']'), nil
}

// encodeOffsetValue is the offsets-topic value of an offset map; nil gives
// nil, a tombstone.
func encodeOffsetValue(offset map[string]any) ([]byte, error) {
	if offset == nil {
		return nil, nil
	}
	b, err := appendJacksonValue(nil, offset)
	if err != nil {
		return nil, fmt.Errorf("encode offset value: %w", err)
	}
	return b, nil
}

// ---- decoding

// decodeObject parses a schemaless JSON object as JsonConverter would give
// it (numbers kept as json.Number). A value that is not an object is an
// error wrapping ErrFormat.
func decodeObject(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: trailing data", ErrFormat)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: want a JSON object, got %s", ErrFormat, jsonKind(v))
	}
	return m, nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case []any:
		return "an array"
	default:
		return fmt.Sprintf("%T", v)
	}
}

// intField reads an integral number field (Java's intValue accepts Integer
// and Long).
func intField(m map[string]any, name string) (int64, error) {
	n, ok := m[name].(json.Number)
	if !ok {
		return 0, fmt.Errorf("%w: field %q should be an integer but is %s", ErrFormat, name, jsonKind(m[name]))
	}
	v, err := n.Int64()
	if err != nil {
		return 0, fmt.Errorf("%w: field %q: %v", ErrFormat, name, err)
	}
	return v, nil
}

// stringField reads a string field.
func stringField(m map[string]any, name string) (string, error) {
	s, ok := m[name].(string)
	if !ok {
		return "", fmt.Errorf("%w: field %q should be a string but is %s", ErrFormat, name, jsonKind(m[name]))
	}
	return s, nil
}

// decodeProperties reads {"properties":{...}} into a string map. Null
// property values (allowed by the schema) are dropped; other non-string
// values make the record malformed.
func decodeProperties(b []byte) (map[string]string, error) {
	m, err := decodeObject(b)
	if err != nil {
		return nil, err
	}
	raw, ok := m["properties"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: 'properties' field should be a map but is %s", ErrFormat, jsonKind(m["properties"]))
	}
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		switch x := v.(type) {
		case string:
			out[k] = x
		case nil:
		default:
			return nil, fmt.Errorf("%w: property %q should be a string but is %s", ErrFormat, k, jsonKind(v))
		}
	}
	return out, nil
}

// decodeTargetState prefers "state.v2" and falls back to "state".
func decodeTargetState(b []byte) (connect.TargetState, error) {
	m, err := decodeObject(b)
	if err != nil {
		return "", err
	}
	field := "state.v2"
	v, ok := m[field]
	if !ok || v == nil {
		field = "state"
		v = m[field]
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%w: field %q should be a string but is %s", ErrFormat, field, jsonKind(v))
	}
	st := connect.TargetState(s)
	if !st.Valid() {
		return "", fmt.Errorf("%w: invalid target state %q", ErrFormat, s)
	}
	return st, nil
}

// decodeRestart reads a restart request; missing or non-boolean fields take
// Kafka's defaults (only-failed=false, include-tasks=false).
func decodeRestart(connector string, b []byte) (RestartRequest, error) {
	m, err := decodeObject(b)
	if err != nil {
		return RestartRequest{}, err
	}
	r := RestartRequest{Connector: connector}
	r.OnlyFailed, _ = m["only-failed"].(bool)
	r.IncludeTasks, _ = m["include-tasks"].(bool)
	return r, nil
}

// decodeSessionKey reads the session-key record.
func decodeSessionKey(b []byte) (SessionKey, error) {
	m, err := decodeObject(b)
	if err != nil {
		return SessionKey{}, err
	}
	k64, err := stringField(m, "key")
	if err != nil {
		return SessionKey{}, err
	}
	key, err := base64.StdEncoding.DecodeString(k64)
	if err != nil {
		return SessionKey{}, fmt.Errorf("%w: field \"key\": %v", ErrFormat, err)
	}
	alg, err := stringField(m, "algorithm")
	if err != nil {
		return SessionKey{}, err
	}
	ts, err := intField(m, "creation-timestamp")
	if err != nil {
		return SessionKey{}, err
	}
	return SessionKey{Key: key, Algorithm: alg, CreationTimestamp: ts}, nil
}

// statusFields is a decoded status value.
type statusFields struct {
	state      string
	trace      string
	workerID   string
	generation int32
}

// decodeStatus reads a status-connector- or status-task- value.
func decodeStatus(b []byte) (statusFields, error) {
	m, err := decodeObject(b)
	if err != nil {
		return statusFields{}, err
	}
	var s statusFields
	if s.state, err = stringField(m, "state"); err != nil {
		return s, err
	}
	switch st := m["trace"].(type) {
	case string:
		s.trace = st
	case nil:
	default:
		return s, fmt.Errorf("%w: field \"trace\" should be a string but is %s", ErrFormat, jsonKind(st))
	}
	// Java casts worker_id to String; null is accepted there.
	if w, ok := m["worker_id"].(string); ok {
		s.workerID = w
	} else if m["worker_id"] != nil {
		return s, fmt.Errorf("%w: field \"worker_id\" should be a string but is %s", ErrFormat, jsonKind(m["worker_id"]))
	}
	g, err := intField(m, "generation")
	if err != nil {
		return s, err
	}
	if g < math.MinInt32 || g > math.MaxInt32 {
		return s, fmt.Errorf("%w: generation %d out of range", ErrFormat, g)
	}
	s.generation = int32(g)
	return s, nil
}

// decodeTopicStatus reads a status-topic- value.
func decodeTopicStatus(b []byte) (TopicStatus, error) {
	m, err := decodeObject(b)
	if err != nil {
		return TopicStatus{}, err
	}
	inner, ok := m["topic"].(map[string]any)
	if !ok {
		return TopicStatus{}, fmt.Errorf("%w: field \"topic\" should be a map but is %s", ErrFormat, jsonKind(m["topic"]))
	}
	var s TopicStatus
	if s.Topic, err = stringField(inner, "name"); err != nil {
		return s, err
	}
	if s.Connector, err = stringField(inner, "connector"); err != nil {
		return s, err
	}
	task, err := intField(inner, "task")
	if err != nil {
		return s, err
	}
	s.Task = int(task)
	if s.DiscoverTimestamp, err = intField(inner, "discoverTimestamp"); err != nil {
		return s, err
	}
	return s, nil
}
