package httpsink

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/plugins"
	"github.com/onecconnect/onecconnect/converters"
	"github.com/onecconnect/onecconnect/converters/jsonconv"
)

// bodyEncoder turns record values into request bodies: with body.format
// auto, string and []byte values go as they are (the usual case of JSON
// text read with the StringConverter), other values through body.converter
// (JsonConverter without schemas by default: Structs, maps and arrays
// become plain JSON). A null value is an empty body (null inside a batch).
type bodyEncoder struct {
	auto bool
	conv converters.Converter
}

func newBodyEncoder(s *settings) (*bodyEncoder, error) {
	p, err := plugins.Default.Lookup(s.bodyConverter, plugins.KindConverter)
	if err != nil || p.NewConverter == nil {
		return nil, fmt.Errorf("%s %s: converter not found", KeyBodyConverter, s.bodyConverter)
	}
	conv := p.NewConverter()
	props := make(map[string]string, len(s.bodyConvProps)+1)
	if p.Class == jsonconv.Class {
		props[jsonconv.SchemasEnableConfig] = "false"
	}
	for k, v := range s.bodyConvProps {
		props[k] = v
	}
	if err := conv.Configure(props, false); err != nil {
		return nil, fmt.Errorf("configure %s: %w", KeyBodyConverter, err)
	}
	return &bodyEncoder{auto: s.bodyFormat == BodyAuto, conv: conv}, nil
}

// encode returns the body of rec.
func (e *bodyEncoder) encode(rec *connect.SinkRecord) ([]byte, error) {
	if rec.Value == nil {
		return nil, nil
	}
	if e.auto {
		switch v := rec.Value.(type) {
		case string:
			return []byte(v), nil
		case []byte:
			return v, nil
		}
	}
	b, err := e.conv.FromConnect(rec.Topic, nil, rec.ValueSchema, rec.Value)
	if err != nil {
		return nil, fmt.Errorf("convert the value to a request body: %w", err)
	}
	return b, nil
}

// arrayElement makes a body fit into a JSON array: JSON text as it is,
// null for an empty body, anything else as a JSON string.
func arrayElement(body []byte) []byte {
	if len(body) == 0 {
		return []byte("null")
	}
	if json.Valid(body) {
		return body
	}
	s, _ := json.Marshal(string(body)) // a string always marshals
	return s
}

// batchBody is the body of a request: the record's body, or with array
// (batch.size > 1) a JSON array of the elements, even of one.
func batchBody(items []*item, array bool) []byte {
	if !array && len(items) == 1 {
		return items[0].body
	}
	n := 2
	for _, it := range items {
		n += len(it.body) + 1
	}
	var b bytes.Buffer
	b.Grow(n)
	b.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(it.body)
	}
	b.WriteByte(']')
	return b.Bytes()
}

func isUTF8(b []byte) bool { return utf8.Valid(b) }

// headerValue makes text safe as an HTTP header value: control characters
// (which net/http refuses) are percent-encoded, as is '%' itself when any
// was.
func headerValue(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 0x20 && c != '\t') || c == 0x7f || c == '%' {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// validHeaderName reports whether s is an HTTP token.
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"(),/:;<=>?@[\\]{}", c) >= 0 {
			return false
		}
	}
	return true
}
