package simpleheader

import (
	"unicode/utf8"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/converters"
	"github.com/onecconnect/onecconnect/schema"
)

// Class is the Kafka Connect class name of this header converter.
const Class = "org.apache.kafka.connect.storage.SimpleHeaderConverter"

// Version is the implementation version reported by the plugin descriptor.
const Version = "1.0.0"

var bytesSchema = schema.Bytes().MustBuild()

// ConfigDef returns the settings: none, as in Kafka.
func ConfigDef() *config.ConfigDef { return config.NewConfigDef() }

// Plugin describes the header converter for the plugin registry. It is
// header-only: New is nil.
func Plugin() converters.Plugin {
	return converters.Plugin{
		Class:     Class,
		Aliases:   []string{"SimpleHeaderConverter", "SimpleHeader", "Simple"},
		Version:   Version,
		Config:    ConfigDef,
		NewHeader: func() converters.HeaderConverter { return New() },
	}
}

// Converter is the SimpleHeaderConverter. It has no state: safe for
// concurrent use.
type Converter struct{}

var _ converters.HeaderConverter = (*Converter)(nil)

// New returns a header converter.
func New() *Converter { return &Converter{} }

// Configure accepts and ignores the settings.
func (*Converter) Configure(map[string]string) error { return nil }

// FromConnectHeader writes the value's text form as UTF-8; nil gives nil.
func (*Converter) FromConnectHeader(topic, key string, _ *schema.Schema, v any) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	b, err := appendValue(nil, v, false)
	if err != nil {
		return nil, converters.Errorf(topic, err, "header %q", key)
	}
	return b, nil
}

// ToConnectHeader infers the schema and value from the text. Bytes that are
// not UTF-8 text come back as BYTES, as Kafka falls back to them.
func (*Converter) ToConnectHeader(_, _ string, data []byte) (*schema.Schema, any, error) {
	if data == nil {
		return nil, nil, nil
	}
	if !utf8.Valid(data) {
		return bytesSchema, data, nil
	}
	s, v := parseString(string(data))
	return s, v, nil
}
