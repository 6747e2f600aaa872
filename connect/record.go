package connect

import (
	"time"

	"github.com/onecconnect/onecconnect/schema"
)

// Header is one record header in Connect form: a key and a value with an
// optional schema. Header converters turn it into bytes and back.
type Header struct {
	Key    string
	Schema *schema.Schema
	Value  any
}

// Headers are a record's headers in order; a key may repeat.
type Headers []Header

// Add appends a header.
func (h *Headers) Add(key string, s *schema.Schema, v any) {
	*h = append(*h, Header{Key: key, Schema: s, Value: v})
}

// AddString appends a header with an optional string schema.
func (h *Headers) AddString(key, v string) { h.Add(key, optionalString, v) }

// optionalString is immutable once built, so sharing it is safe.
var optionalString = schema.String().Optional().MustBuild()

// Last returns the last header with key, as Kafka's lastWithName.
func (h Headers) Last(key string) (Header, bool) {
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].Key == key {
			return h[i], true
		}
	}
	return Header{}, false
}

// Remove deletes every header with key.
func (h *Headers) Remove(key string) {
	out := (*h)[:0]
	for _, x := range *h {
		if x.Key != key {
			out = append(out, x)
		}
	}
	*h = out
}

// Record holds the fields every Connect record has (Kafka's ConnectRecord):
// what transformations and predicates see. [SourceRecord] and [SinkRecord]
// embed it.
type Record struct {
	// Topic is the Kafka topic written to (source) or read from (sink).
	Topic string
	// Partition is the Kafka partition; nil on a source record lets the
	// producer's partitioner choose (murmur2 of the key bytes, as Java).
	Partition *int32
	// KeySchema and Key are the record key; a nil schema means schemaless.
	KeySchema *schema.Schema
	Key       any
	// ValueSchema and Value are the record value; a nil Value is a tombstone.
	ValueSchema *schema.Schema
	Value       any
	// Timestamp is the record time; the zero time means none (the producer
	// then stamps the send time).
	Timestamp time.Time
	// Headers are the record headers.
	Headers Headers
	// Offset is the Kafka offset of a sink record. The runtime sets it to -1
	// on source records before the transformation chain runs.
	Offset int64
}

// PartitionOf returns a pointer to p, for Record.Partition.
func PartitionOf(p int32) *int32 { return &p }

// SourceRecord is a record produced by a [SourceTask]. SourcePartition names
// the stream the record comes from (e.g. {"filename": "/var/log/a.log"}) and
// SourceOffset the position after it (e.g. {"position": 1234}); both are
// JSON-compatible maps (string keys; string, bool, integer, float values) and
// are stored by the worker once the record is acknowledged by Kafka. Nil
// maps mean "no offset tracking" for that record.
type SourceRecord struct {
	Record
	SourcePartition map[string]any
	SourceOffset    map[string]any
}

// TimestampType tells where a sink record's timestamp comes from.
type TimestampType int8

// Timestamp types, as Kafka's.
const (
	NoTimestampType TimestampType = -1
	CreateTime      TimestampType = 0
	LogAppendTime   TimestampType = 1
)

// SinkRecord is a record delivered to a [SinkTask]: its Record fields
// (Topic, Partition and Offset always set) after conversion and
// transformation. The Original* fields keep the coordinates the record was
// consumed at, before any transformation renamed its topic (KIP-793); a sink
// that tracks offsets itself must use them.
type SinkRecord struct {
	Record
	TimestampType     TimestampType
	OriginalTopic     string
	OriginalPartition int32
	OriginalOffset    int64
}

// TopicPartition returns the record's original topic and partition.
func (r *SinkRecord) TopicPartition() TopicPartition {
	return TopicPartition{Topic: r.OriginalTopic, Partition: r.OriginalPartition}
}

// RecordMetadata is what Kafka acknowledged for a source record.
type RecordMetadata struct {
	Topic     string
	Partition int32
	Offset    int64
	Timestamp time.Time
}
