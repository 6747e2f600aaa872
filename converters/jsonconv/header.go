package jsonconv

import (
	"github.com/onecconnect/onecconnect/converters"
	"github.com/onecconnect/onecconnect/schema"
)

// HeaderConverter is JsonConverter used as a header converter: each header
// value is serialised exactly as a record value would be (with the envelope
// when schemas.enable=true). Kafka's one class implements both interfaces;
// in Go the two Configure signatures differ, so this thin wrapper carries
// the header form. Safe for concurrent use after Configure.
type HeaderConverter struct {
	c *Converter
}

var _ converters.HeaderConverter = (*HeaderConverter)(nil)

// NewHeader returns a header converter with the default settings.
func NewHeader() *HeaderConverter { return &HeaderConverter{c: New()} }

// Configure applies the settings with converter.type=header.
func (h *HeaderConverter) Configure(props map[string]string) error {
	return h.c.configureHeader(props)
}

// FromConnectHeader serialises one header value.
func (h *HeaderConverter) FromConnectHeader(topic, _ string, s *schema.Schema, v any) ([]byte, error) {
	return h.c.FromConnect(topic, nil, s, v)
}

// ToConnectHeader deserialises one header value.
func (h *HeaderConverter) ToConnectHeader(topic, _ string, data []byte) (*schema.Schema, any, error) {
	return h.c.ToConnect(topic, nil, data)
}
