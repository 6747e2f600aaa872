package stringconv

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"golang.org/x/text/encoding"

	"github.com/onecconnect/onecconnect/converters"
	"github.com/onecconnect/onecconnect/converters/jsonconv"
	"github.com/onecconnect/onecconnect/schema"
)

// optionalString is the schema ToConnect returns.
var optionalString = schema.String().Optional().MustBuild()

// Converter is the StringConverter. Configure it once; afterwards it is
// safe for concurrent use.
type Converter struct {
	enc encoding.Encoding // nil: UTF-8
}

var _ converters.Converter = (*Converter)(nil)

// New returns a UTF-8 converter.
func New() *Converter { return &Converter{} }

// Configure reads converter.encoding; unknown keys are ignored.
func (c *Converter) Configure(props map[string]string, _ bool) error {
	e, err := parse(props)
	if err != nil {
		return err
	}
	c.enc = e
	return nil
}

// FromConnect writes the value's string form in the configured encoding;
// nil gives nil bytes. The schema is not used.
func (c *Converter) FromConnect(topic string, _ *converters.Headers, _ *schema.Schema, v any) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	var text []byte
	if b, ok := v.([]byte); ok {
		return b, nil
	}
	text = AppendJavaString(nil, v)
	if c.enc == nil {
		return text, nil
	}
	out, err := c.enc.NewEncoder().Bytes(text)
	if err != nil {
		return encodeReplacing(c.enc, text), nil
	}
	return out, nil
}

// encodeReplacing encodes text rune by rune, writing '?' for characters the
// encoding cannot represent, as Java's String.getBytes does.
func encodeReplacing(enc encoding.Encoding, text []byte) []byte {
	e := enc.NewEncoder()
	out := make([]byte, 0, len(text))
	for _, r := range string(text) {
		b, err := e.Bytes(utf8.AppendRune(nil, r))
		if err != nil {
			out = append(out, '?')
			continue
		}
		out = append(out, b...)
	}
	return out
}

// ToConnect decodes the bytes to a string with an optional STRING schema.
func (c *Converter) ToConnect(topic string, _ converters.Headers, data []byte) (*schema.Schema, any, error) {
	if data == nil {
		return optionalString, nil, nil
	}
	if c.enc == nil {
		return optionalString, string(data), nil
	}
	out, err := c.enc.NewDecoder().Bytes(data)
	if err != nil {
		return nil, nil, converters.Errorf(topic, err, "failed to deserialize string")
	}
	return optionalString, string(out), nil
}

// AppendJavaString appends v's string form as Java's toString prints the
// corresponding Connect value (see the package documentation).
func AppendJavaString(dst []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...)
	case string:
		return append(dst, x...)
	case []byte:
		return base64.StdEncoding.AppendEncode(dst, x) // nested bytes; top-level bytes pass through
	case bool:
		return strconv.AppendBool(dst, x)
	case int8:
		return strconv.AppendInt(dst, int64(x), 10)
	case int16:
		return strconv.AppendInt(dst, int64(x), 10)
	case int32:
		return strconv.AppendInt(dst, int64(x), 10)
	case int64:
		return strconv.AppendInt(dst, x, 10)
	case int:
		return strconv.AppendInt(dst, int64(x), 10)
	case float32:
		return jsonconv.AppendJavaFloat(dst, float64(x), 32)
	case float64:
		return jsonconv.AppendJavaFloat(dst, x, 64)
	case decimal.Decimal:
		return jsonconv.AppendJavaDecimal(dst, x)
	case time.Time:
		return x.UTC().AppendFormat(dst, "Mon Jan 02 15:04:05 MST 2006") // java.util.Date in UTC
	case []any:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = AppendJavaString(dst, e)
		}
		return append(dst, ']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = append(dst, k...)
			dst = append(dst, '=')
			dst = AppendJavaString(dst, x[k])
		}
		return append(dst, '}')
	case map[any]any:
		type kv struct{ k, v []byte }
		entries := make([]kv, 0, len(x))
		for k, e := range x {
			entries = append(entries, kv{AppendJavaString(nil, k), AppendJavaString(nil, e)})
		}
		slices.SortFunc(entries, func(a, b kv) int { return slices.Compare(a.k, b.k) })
		dst = append(dst, '{')
		for i, e := range entries {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = append(dst, e.k...)
			dst = append(dst, '=')
			dst = append(dst, e.v...)
		}
		return append(dst, '}')
	case *schema.Struct:
		if x == nil {
			return append(dst, "null"...)
		}
		dst = append(dst, "Struct{"...)
		first := true
		for i, f := range x.Schema().Fields() {
			fv := x.Raw(i)
			if fv == nil {
				continue
			}
			if !first {
				dst = append(dst, ',')
			}
			first = false
			dst = append(dst, f.Name...)
			dst = append(dst, '=')
			dst = AppendJavaString(dst, fv)
		}
		return append(dst, '}')
	}
	return fmt.Append(dst, v)
}

// HeaderConverter is the StringConverter for header values.
type HeaderConverter struct{ c Converter }

var _ converters.HeaderConverter = (*HeaderConverter)(nil)

// NewHeader returns a UTF-8 header converter.
func NewHeader() *HeaderConverter { return &HeaderConverter{} }

// Configure reads converter.encoding.
func (h *HeaderConverter) Configure(props map[string]string) error {
	return h.c.Configure(props, false)
}

// FromConnectHeader is FromConnect for a header value.
func (h *HeaderConverter) FromConnectHeader(topic, _ string, s *schema.Schema, v any) ([]byte, error) {
	return h.c.FromConnect(topic, nil, s, v)
}

// ToConnectHeader is ToConnect for a header value.
func (h *HeaderConverter) ToConnectHeader(topic, _ string, data []byte) (*schema.Schema, any, error) {
	return h.c.ToConnect(topic, nil, data)
}
