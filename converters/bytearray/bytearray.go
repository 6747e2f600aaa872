package bytearray

import (
	"fmt"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/converters"
	"github.com/onecconnect/onecconnect/schema"
)

// Class is the Kafka Connect class name of this converter.
const Class = "org.apache.kafka.connect.converters.ByteArrayConverter"

// Version is the implementation version reported by the plugin descriptor.
const Version = "1.0.0"

// TypeConfig is ConverterConfig's converter.type, set by the runtime.
const TypeConfig = "converter.type"

// optionalBytes is the schema ToConnect returns (Schema.OPTIONAL_BYTES_SCHEMA).
var optionalBytes = schema.Bytes().Optional().MustBuild()

// ConfigDef returns the settings: only converter.type, as in Kafka.
func ConfigDef() *config.ConfigDef {
	return config.NewConfigDef().
		Define(config.Key{Name: TypeConfig, Type: config.TypeString,
			Validator: config.OneOf("key", "value", "header"), Importance: config.ImportanceLow,
			Doc: "How this converter will be used."})
}

// Plugin describes the converter for the plugin registry.
func Plugin() converters.Plugin {
	return converters.Plugin{
		Class:     Class,
		Aliases:   []string{"ByteArrayConverter", "ByteArray"},
		Version:   Version,
		Config:    ConfigDef,
		New:       func() converters.Converter { return New() },
		NewHeader: func() converters.HeaderConverter { return NewHeader() },
	}
}

// Converter passes bytes through. It has no state: safe for concurrent use.
type Converter struct{}

var _ converters.Converter = (*Converter)(nil)

// New returns a converter.
func New() *Converter { return &Converter{} }

// Configure accepts and ignores the settings, as Kafka's does.
func (*Converter) Configure(map[string]string, bool) error { return nil }

// FromConnect returns the value's bytes. The schema must be nil or BYTES
// and the value nil or []byte; anything else is a *converters.DataError.
func (*Converter) FromConnect(topic string, _ *converters.Headers, s *schema.Schema, v any) ([]byte, error) {
	return fromConnect(topic, s, v)
}

func fromConnect(topic string, s *schema.Schema, v any) ([]byte, error) {
	if s != nil && s.Type() != schema.BYTES {
		return nil, converters.Errorf(topic, nil, "invalid schema type for ByteArrayConverter: %s", s.Type())
	}
	switch b := v.(type) {
	case nil:
		return nil, nil
	case []byte:
		return b, nil
	}
	return nil, converters.Errorf(topic, nil, "ByteArrayConverter is not compatible with objects of type %s", fmt.Sprintf("%T", v))
}

// ToConnect returns the bytes as they are, with an optional BYTES schema
// (nil data gives a nil value).
func (*Converter) ToConnect(_ string, _ converters.Headers, data []byte) (*schema.Schema, any, error) {
	if data == nil {
		return optionalBytes, nil, nil
	}
	return optionalBytes, data, nil
}

// HeaderConverter is the same pass-through for header values.
type HeaderConverter struct{}

var _ converters.HeaderConverter = (*HeaderConverter)(nil)

// NewHeader returns a header converter.
func NewHeader() *HeaderConverter { return &HeaderConverter{} }

// Configure accepts and ignores the settings.
func (*HeaderConverter) Configure(map[string]string) error { return nil }

// FromConnectHeader is FromConnect for a header value.
func (*HeaderConverter) FromConnectHeader(topic, _ string, s *schema.Schema, v any) ([]byte, error) {
	return fromConnect(topic, s, v)
}

// ToConnectHeader is ToConnect for a header value.
func (*HeaderConverter) ToConnectHeader(_, _ string, data []byte) (*schema.Schema, any, error) {
	if data == nil {
		return optionalBytes, nil, nil
	}
	return optionalBytes, data, nil
}
