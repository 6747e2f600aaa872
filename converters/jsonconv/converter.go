package jsonconv

import (
	"errors"

	"github.com/onecconnect/onecconnect/converters"
	"github.com/onecconnect/onecconnect/schema"
)

// Converter is Kafka Connect's JsonConverter as a record key/value
// converter (see HeaderConverter for headers). Configure it once; then
// FromConnect and ToConnect are safe for concurrent use.
type Converter struct {
	cfg            settings
	toJSONCache    *lru[*schema.Schema, []byte]
	toConnectCache *lru[string, *schema.Schema]
	keys           *keyCache
	plainSize      sizeHint // output size of values that are not structs
}

var _ converters.Converter = (*Converter)(nil)

// New returns a converter with the default settings (schemas.enable=true,
// decimal.format=BASE64); call Configure to change them.
func New() *Converter {
	c := &Converter{}
	c.apply(defaultSettings())
	return c
}

func (c *Converter) apply(s settings) {
	c.cfg = s
	c.toJSONCache = newLRU[*schema.Schema, []byte](s.cacheSize)
	c.toConnectCache = newLRU[string, *schema.Schema](s.cacheSize)
	c.keys = &keyCache{limit: int64(s.cacheSize)}
}

// Configure applies the settings; isKey sets converter.type to "key" or
// "value", as Kafka's configure(configs, isKey) does. Unknown keys are
// ignored.
func (c *Converter) Configure(props map[string]string, isKey bool) error {
	p := make(map[string]string, len(props)+1)
	for k, v := range props {
		p[k] = v
	}
	p[TypeConfig] = TypeValue
	if isKey {
		p[TypeConfig] = TypeKey
	}
	return c.configure(p)
}

// configureHeader is Configure for use as a header converter
// (converter.type=header).
func (c *Converter) configureHeader(props map[string]string) error {
	p := make(map[string]string, len(props)+1)
	for k, v := range props {
		p[k] = v
	}
	p[TypeConfig] = TypeHeader
	return c.configure(p)
}

func (c *Converter) configure(props map[string]string) error {
	vals, err := parseSettings(ConfigDef(), props)
	if err != nil {
		return err
	}
	c.apply(toSettings(vals))
	return nil
}

// SchemasEnabled reports whether the converter writes and expects the
// {"schema":…,"payload":…} envelope.
func (c *Converter) SchemasEnabled() bool { return c.cfg.schemasEnable }

// FromConnect serialises v of schema s. A nil value with a nil schema gives
// nil bytes (a tombstone). With schemas.enable the output is the envelope
// {"schema":…,"payload":…}; otherwise the bare payload. A value that does
// not fit its schema is a *converters.DataError naming the field path.
// Headers are neither read nor written.
//
// The result is encoded straight into a slice of the size the previous
// record of the same struct schema (or the previous non-struct value)
// needed, so a record costs one allocation and no copy.
func (c *Converter) FromConnect(topic string, _ *converters.Headers, s *schema.Schema, v any) ([]byte, error) {
	if s == nil && v == nil {
		return nil, nil
	}
	s = schemaOf(s, v)
	size := &c.plainSize
	if s != nil && s.Type() == schema.STRUCT {
		if fk := c.keys.get(s); fk != nil {
			size = &fk.size
		}
	}
	out, err := c.appendConnect(make([]byte, 0, size.capacity()), s, v)
	if err != nil {
		return nil, dataError(topic, "cannot convert Connect data to JSON", err)
	}
	size.observe(len(out))
	return out, nil
}

// AppendConnect appends the serialised form of v (schema s) to dst and
// returns the extended slice; it is FromConnect for callers that manage
// their own buffers. Unlike FromConnect it writes "null" for a nil value
// with a nil schema. Errors are not yet *converters.DataError.
func (c *Converter) AppendConnect(dst []byte, s *schema.Schema, v any) ([]byte, error) {
	return c.appendConnect(dst, schemaOf(s, v), v)
}

// schemaOf is s, or the schema of a *schema.Struct value when s is nil.
func schemaOf(s *schema.Schema, v any) *schema.Schema {
	if s == nil {
		if st, ok := v.(*schema.Struct); ok && st != nil {
			return st.Schema()
		}
	}
	return s
}

func (c *Converter) appendConnect(dst []byte, s *schema.Schema, v any) ([]byte, error) {
	if !c.cfg.schemasEnable {
		return c.appendValue(dst, s, v)
	}
	dst = append(dst, `{"schema":`...)
	if s == nil {
		dst = append(dst, "null"...)
	} else {
		sj, err := c.schemaJSON(s)
		if err != nil {
			return dst, err
		}
		dst = append(dst, sj...)
	}
	dst = append(dst, `,"payload":`...)
	dst, err := c.appendValue(dst, s, v)
	if err != nil {
		return dst, err
	}
	return append(dst, '}'), nil
}

// errEnvelope is JsonConverter's message for a value without a proper
// envelope when schemas.enable=true.
var errEnvelope = errors.New(`JsonConverter with schemas.enable requires "schema" and "payload" fields and ` +
	`may not contain additional fields. If you are trying to deserialize plain JSON data, set ` +
	`schemas.enable=false in your converter configuration`)

// ToConnect deserialises data. nil data gives a nil schema and value. With
// schemas.enable the data must be exactly an envelope object with "schema"
// and "payload" members; otherwise the schema is nil and the value's type
// is inferred. Malformed input, or a payload that does not fit its schema,
// is a *converters.DataError naming the topic and the reason.
func (c *Converter) ToConnect(topic string, _ converters.Headers, data []byte) (*schema.Schema, any, error) {
	if data == nil {
		return nil, nil, nil
	}
	s, v, err := c.decode(data)
	if err != nil {
		return nil, nil, dataError(topic, "cannot convert JSON to Connect data", err)
	}
	return s, v, nil
}

func (c *Converter) decode(data []byte) (*schema.Schema, any, error) {
	l := &lexer{data: data}
	if !c.cfg.schemasEnable {
		if l.peek() == 0 {
			return nil, nil, l.end() // empty input: null, as Jackson's missing node
		}
		v, err := c.readValue(l, nil, c.cfg.replaceNullWDef)
		if err != nil {
			return nil, nil, err
		}
		return nil, v, l.end()
	}
	if l.peek() != '{' {
		if err := l.skip(); err != nil {
			return nil, nil, err
		}
		return nil, nil, errEnvelope
	}
	var (
		s                     *schema.Schema
		v                     any
		schemaSpan, paySpan   span
		haveSchema, havePay   bool
		payDecoded, otherSeen bool
	)
	err := l.object(func(l *lexer, key []byte, esc bool) error {
		switch {
		case keyIs(key, esc, "schema"):
			haveSchema, payDecoded = true, false
			schemaSpan.start = l.pos
			if err := l.skip(); err != nil {
				return err
			}
			schemaSpan.end = l.pos
			var err error
			if s, err = c.schemaFromJSON(l.data, schemaSpan); err != nil {
				return err
			}
		case keyIs(key, esc, "payload"):
			havePay = true
			paySpan.start = l.pos
			if haveSchema {
				var err error
				v, err = c.readValue(l, s, c.cfg.replaceNullWDef)
				payDecoded = err == nil
				if err != nil {
					return err
				}
			} else if err := l.skip(); err != nil {
				return err
			}
		default:
			otherSeen = true
			return l.skip()
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if err := l.end(); err != nil {
		return nil, nil, err
	}
	if !haveSchema || !havePay || otherSeen {
		return nil, nil, errEnvelope
	}
	if !payDecoded {
		pl := &lexer{data: data, pos: paySpan.start}
		if v, err = c.readValue(pl, s, c.cfg.replaceNullWDef); err != nil {
			return nil, nil, err
		}
	}
	return s, v, nil
}
