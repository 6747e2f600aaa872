package converters

import (
	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/schema"
)

// Header is one raw Kafka record header. Kafka allows repeated keys.
type Header struct {
	Key   string
	Value []byte
}

// Headers are a record's raw headers in order. Converters may read them and
// may add to them when serialising (e.g. a schema id header).
type Headers []Header

// Get returns the last value for key, as Kafka's lastHeader does.
func (h Headers) Get(key string) ([]byte, bool) {
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].Key == key {
			return h[i].Value, true
		}
	}
	return nil, false
}

// Add appends a header.
func (h *Headers) Add(key string, value []byte) { *h = append(*h, Header{Key: key, Value: value}) }

// Converter turns Connect data into record bytes and back. Configure is
// called once before use; afterwards FromConnect and ToConnect may be called
// concurrently from several goroutines (implementations guard their caches).
type Converter interface {
	// Configure applies the converter's settings (without the
	// "key.converter."/"value.converter." prefix). isKey tells whether it
	// serves record keys (it picks the Schema Registry subject, for example).
	Configure(props map[string]string, isKey bool) error
	// FromConnect serialises a value of schema s (s may be nil for
	// schemaless data) for a record on topic. A nil value with a nil schema
	// yields nil bytes (a tombstone for values).
	FromConnect(topic string, headers *Headers, s *schema.Schema, v any) ([]byte, error)
	// ToConnect deserialises record bytes into a schema and value. nil
	// bytes yield a nil value. Malformed input returns a *DataError.
	ToConnect(topic string, headers Headers, data []byte) (*schema.Schema, any, error)
}

// HeaderConverter turns one Connect header value into header bytes and back.
// The same concurrency rules as Converter apply.
type HeaderConverter interface {
	// Configure applies the settings (without the "header.converter." prefix).
	Configure(props map[string]string) error
	// FromConnectHeader serialises one header value.
	FromConnectHeader(topic, key string, s *schema.Schema, v any) ([]byte, error)
	// ToConnectHeader deserialises one header value.
	ToConnectHeader(topic, key string, data []byte) (*schema.Schema, any, error)
}

// Plugin describes a converter implementation for the plugin registry.
type Plugin struct {
	// Class is the Kafka Connect class name, e.g.
	// "org.apache.kafka.connect.json.JsonConverter".
	Class string
	// Aliases are short names accepted in configs, e.g. "JsonConverter", "Json".
	Aliases []string
	// Version of the implementation.
	Version string
	// Config describes the converter's settings.
	Config func() *config.ConfigDef
	// New returns an unconfigured converter; nil if the plugin is header-only.
	New func() Converter
	// NewHeader returns an unconfigured header converter; nil if the plugin
	// cannot convert headers.
	NewHeader func() HeaderConverter
}
