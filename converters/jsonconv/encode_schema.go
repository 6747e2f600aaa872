package jsonconv

import (
	"strconv"

	"github.com/onecconnect/onecconnect/schema"
)

// schemaJSON returns the JSON form of s as JsonConverter.asJsonSchema writes
// it, from the converter's bounded cache when possible. The returned slice
// is shared: callers must not modify it.
func (c *Converter) schemaJSON(s *schema.Schema) ([]byte, error) {
	if b, ok := c.toJSONCache.get(s); ok {
		return b, nil
	}
	b, err := c.appendSchema(nil, s)
	if err != nil {
		return nil, err
	}
	c.toJSONCache.put(s, b)
	return b, nil
}

// appendSchema writes s with Jackson's member order, which is the order
// JsonConverter inserts them: "type", then "items" / "keys","values" /
// "fields" for containers, then "optional", "name", "version", "doc",
// "parameters" and "default" when set. A struct field's entry is the field
// schema's object with "field" appended last.
func (c *Converter) appendSchema(dst []byte, s *schema.Schema) ([]byte, error) {
	var err error
	dst = append(dst, `{"type":"`...)
	dst = append(dst, s.Type().JSONName()...)
	dst = append(dst, '"')
	switch s.Type() {
	case schema.ARRAY:
		dst = append(dst, `,"items":`...)
		if dst, err = c.appendSchema(dst, s.ValueSchema()); err != nil {
			return dst, err
		}
	case schema.MAP:
		dst = append(dst, `,"keys":`...)
		if dst, err = c.appendSchema(dst, s.KeySchema()); err != nil {
			return dst, err
		}
		dst = append(dst, `,"values":`...)
		if dst, err = c.appendSchema(dst, s.ValueSchema()); err != nil {
			return dst, err
		}
	case schema.STRUCT:
		dst = append(dst, `,"fields":[`...)
		for i, f := range s.Fields() {
			if i > 0 {
				dst = append(dst, ',')
			}
			if dst, err = c.appendSchema(dst, f.Schema); err != nil {
				return dst, at(err, f.Name)
			}
			dst = dst[:len(dst)-1] // reopen the field schema's object
			dst = append(dst, `,"field":`...)
			dst = appendString(dst, f.Name)
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	dst = append(dst, `,"optional":`...)
	dst = strconv.AppendBool(dst, s.Optional())
	if s.Name() != "" {
		dst = append(dst, `,"name":`...)
		dst = appendString(dst, s.Name())
	}
	if s.Version() != 0 {
		dst = append(dst, `,"version":`...)
		dst = strconv.AppendInt(dst, int64(s.Version()), 10)
	}
	if s.Doc() != "" {
		dst = append(dst, `,"doc":`...)
		dst = appendString(dst, s.Doc())
	}
	if ps := s.Params(); len(ps) > 0 {
		dst = append(dst, `,"parameters":{`...)
		for i, p := range ps {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, p.Key)
			dst = append(dst, ':')
			dst = appendString(dst, p.Value)
		}
		dst = append(dst, '}')
	}
	if d, ok := s.Default(); ok && d != nil {
		dst = append(dst, `,"default":`...)
		if dst, err = c.appendValue(dst, s, d); err != nil {
			return dst, at(err, "(default)")
		}
	}
	return append(dst, '}'), nil
}
