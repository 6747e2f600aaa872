package jsonconv

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/schema"
)

// appendValue appends v, a value of schema s, as JSON exactly as
// JsonConverter.convertToJson writes it. A nil s means schemaless: the type
// is taken from the Go value.
func (c *Converter) appendValue(dst []byte, s *schema.Schema, v any) ([]byte, error) {
	if s == nil {
		return c.appendSchemaless(dst, v)
	}
	if v == nil {
		if d, ok := s.Default(); ok && d != nil && c.cfg.replaceNullWDef {
			return c.appendValue(dst, s, d)
		}
		if s.Optional() {
			return append(dst, "null"...), nil
		}
		return dst, fail("null value for a required "+s.Describe()+" with no default value", nil)
	}
	switch s.Logical() {
	case schema.LogicalDecimal:
		return c.appendDecimal(dst, s, v)
	case schema.LogicalDate:
		t, ok := v.(time.Time)
		if !ok {
			return dst, mismatch(s, v)
		}
		days, err := schema.DateToDays(t)
		if err != nil {
			return dst, fail(err.Error(), err)
		}
		return strconv.AppendInt(dst, int64(days), 10), nil
	case schema.LogicalTime:
		t, ok := v.(time.Time)
		if !ok {
			return dst, mismatch(s, v)
		}
		ms, err := schema.TimeToMillis(t)
		if err != nil {
			return dst, fail(err.Error(), err)
		}
		return strconv.AppendInt(dst, int64(ms), 10), nil
	case schema.LogicalTimestamp:
		t, ok := v.(time.Time)
		if !ok {
			return dst, mismatch(s, v)
		}
		return strconv.AppendInt(dst, t.UnixMilli(), 10), nil
	}
	switch s.Type() {
	case schema.INT8:
		x, ok := v.(int8)
		if !ok {
			return dst, mismatch(s, v)
		}
		return strconv.AppendInt(dst, int64(x), 10), nil
	case schema.INT16:
		x, ok := v.(int16)
		if !ok {
			return dst, mismatch(s, v)
		}
		return strconv.AppendInt(dst, int64(x), 10), nil
	case schema.INT32:
		x, ok := v.(int32)
		if !ok {
			return dst, mismatch(s, v)
		}
		return strconv.AppendInt(dst, int64(x), 10), nil
	case schema.INT64:
		x, ok := v.(int64)
		if !ok {
			return dst, mismatch(s, v)
		}
		return strconv.AppendInt(dst, x, 10), nil
	case schema.FLOAT32:
		x, ok := v.(float32)
		if !ok {
			return dst, mismatch(s, v)
		}
		return appendFloat(dst, float64(x), 32), nil
	case schema.FLOAT64:
		x, ok := v.(float64)
		if !ok {
			return dst, mismatch(s, v)
		}
		return appendFloat(dst, x, 64), nil
	case schema.BOOLEAN:
		x, ok := v.(bool)
		if !ok {
			return dst, mismatch(s, v)
		}
		return strconv.AppendBool(dst, x), nil
	case schema.STRING:
		x, ok := v.(string)
		if !ok {
			return dst, mismatch(s, v)
		}
		return appendString(dst, x), nil
	case schema.BYTES:
		x, ok := v.([]byte)
		if !ok {
			return dst, mismatch(s, v)
		}
		return appendBase64(dst, x), nil
	case schema.ARRAY:
		arr, ok := v.([]any)
		if !ok {
			return dst, mismatch(s, v)
		}
		return c.appendArray(dst, s.ValueSchema(), arr)
	case schema.MAP:
		return c.appendMap(dst, s, v)
	case schema.STRUCT:
		st, ok := v.(*schema.Struct)
		if !ok || st == nil {
			return dst, mismatch(s, v)
		}
		return c.appendStruct(dst, s, st)
	}
	return dst, fail(fmt.Sprintf("unsupported schema type %s", s.Type()), nil)
}

func mismatch(s *schema.Schema, v any) error {
	return fail(fmt.Sprintf("expected %s, got %s", s.Describe(), goType(v)), nil)
}

func goType(v any) string {
	if v == nil {
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

func appendFloat(dst []byte, f float64, bits int) []byte {
	if d, ok := appendNonFinite(dst, f); ok {
		return d
	}
	return appendJavaFloat(dst, f, bits)
}

func (c *Converter) appendArray(dst []byte, elem *schema.Schema, arr []any) ([]byte, error) {
	var rowKeys *fieldKeys // an array of structs (a 1C tabular section): look the keys up once
	if elem != nil && elem.Type() == schema.STRUCT && len(arr) > 1 {
		rowKeys = c.keys.get(elem)
	}
	dst = append(dst, '[')
	for i, e := range arr {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if st, ok := e.(*schema.Struct); ok && st != nil && rowKeys != nil {
			dst, err = c.appendStructKeys(dst, elem, st, rowKeys)
		} else {
			dst, err = c.appendValue(dst, elem, e)
		}
		if err != nil {
			return dst, at(err, "["+strconv.Itoa(i)+"]")
		}
	}
	return append(dst, ']'), nil
}

func (c *Converter) appendStruct(dst []byte, s *schema.Schema, st *schema.Struct) ([]byte, error) {
	return c.appendStructKeys(dst, s, st, c.keys.get(s))
}

// appendStructKeys is appendStruct with s's pre-encoded member names (nil
// when the key cache is full).
func (c *Converter) appendStructKeys(dst []byte, s *schema.Schema, st *schema.Struct, fk *fieldKeys) ([]byte, error) {
	if ss := st.Schema(); ss != s && !ss.Equal(s) {
		return dst, fail("struct schema does not match the schema it is written with", nil)
	}
	dst = append(dst, '{')
	fields := s.Fields()
	for i := range fields {
		f := &fields[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		v := st.Raw(i)
		var err error
		switch {
		case fk == nil:
			dst = appendString(dst, f.Name)
			dst = append(dst, ':')
			dst, err = c.appendValue(dst, f.Schema, v)
		case fk.decimal[i].ok && v != nil:
			// A decimal (a 1C amount or quantity), its scale parsed once.
			dst = append(dst, fk.enc[fk.off[i]:fk.off[i+1]]...)
			dst, err = c.appendDecimalScale(dst, f.Schema, v, fk.decimal[i].scale)
		default:
			dst = append(dst, fk.enc[fk.off[i]:fk.off[i+1]]...)
			dst, err = c.appendValue(dst, f.Schema, v)
		}
		if err != nil {
			return dst, at(err, f.Name)
		}
	}
	return append(dst, '}'), nil
}

// appendMap writes a map: a JSON object when the key schema is STRING (or,
// schemaless, when every key is a string), otherwise an array of [key,value]
// pairs. Go maps have no order, so entries are written sorted — object
// members by key, pairs by their encoded key — which makes the bytes
// deterministic (Kafka writes the Java map's iteration order, which no
// reader relies on).
func (c *Converter) appendMap(dst []byte, s *schema.Schema, v any) ([]byte, error) {
	var ks, vs *schema.Schema
	objectMode := true
	if s != nil {
		ks, vs = s.KeySchema(), s.ValueSchema()
		objectMode = ks.Type() == schema.STRING
	}
	switch m := v.(type) {
	case map[string]any:
		if objectMode {
			return c.appendStringMap(dst, vs, m)
		}
		g := make(map[any]any, len(m))
		for k, e := range m {
			g[k] = e
		}
		return c.appendPairs(dst, ks, vs, g)
	case map[string]string:
		if s == nil || objectMode {
			keys := sortedKeys(m)
			dst = append(dst, '{')
			for i, k := range keys {
				if i > 0 {
					dst = append(dst, ',')
				}
				dst = appendString(dst, k)
				dst = append(dst, ':')
				var err error
				if dst, err = c.appendValue(dst, vs, m[k]); err != nil {
					return dst, at(err, "["+strconv.Quote(k)+"]")
				}
			}
			return append(dst, '}'), nil
		}
	case map[any]any:
		if s == nil {
			for k := range m {
				if _, ok := k.(string); !ok {
					objectMode = false
					break
				}
			}
		}
		if objectMode {
			sm := make(map[string]any, len(m))
			for k, e := range m {
				ks, ok := k.(string)
				if !ok {
					return dst, fail(fmt.Sprintf("map key %v: expected a string key, got %s", k, goType(k)), nil)
				}
				sm[ks] = e
			}
			return c.appendStringMap(dst, vs, sm)
		}
		return c.appendPairs(dst, ks, vs, m)
	}
	if s == nil {
		return dst, fail(fmt.Sprintf("%s has no corresponding schema type", goType(v)), nil)
	}
	return dst, mismatch(s, v)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (c *Converter) appendStringMap(dst []byte, vs *schema.Schema, m map[string]any) ([]byte, error) {
	keys := sortedKeys(m)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, k)
		dst = append(dst, ':')
		var err error
		if dst, err = c.appendValue(dst, vs, m[k]); err != nil {
			return dst, at(err, "["+strconv.Quote(k)+"]")
		}
	}
	return append(dst, '}'), nil
}

func (c *Converter) appendPairs(dst []byte, ks, vs *schema.Schema, m map[any]any) ([]byte, error) {
	type pair struct{ key, enc []byte }
	pairs := make([]pair, 0, len(m))
	for k, e := range m {
		kb, err := c.appendValue(nil, ks, k)
		if err != nil {
			return dst, at(err, fmt.Sprintf("{key %v}", k))
		}
		enc := append([]byte{'['}, kb...)
		enc = append(enc, ',')
		if enc, err = c.appendValue(enc, vs, e); err != nil {
			return dst, at(err, fmt.Sprintf("[%v]", k))
		}
		pairs = append(pairs, pair{key: kb, enc: append(enc, ']')})
	}
	slices.SortFunc(pairs, func(a, b pair) int { return strings.Compare(string(a.key), string(b.key)) })
	dst = append(dst, '[')
	for i, p := range pairs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, p.enc...)
	}
	return append(dst, ']'), nil
}

// appendSchemaless writes a value without a schema, taking the type from
// the Go value as ConnectSchema.schemaType does. Beyond Connect's own
// representations it accepts Go conveniences that have an obvious JSON
// form: int, []string, map[string]string, and decimal.Decimal (a JSON
// number). A *schema.Struct is written with its own schema.
func (c *Converter) appendSchemaless(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case string:
		return appendString(dst, x), nil
	case bool:
		return strconv.AppendBool(dst, x), nil
	case int64:
		return strconv.AppendInt(dst, x, 10), nil
	case int32:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int16:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int8:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case float64:
		return appendFloat(dst, x, 64), nil
	case float32:
		return appendFloat(dst, float64(x), 32), nil
	case []byte:
		return appendBase64(dst, x), nil
	case []any:
		return c.appendArray(dst, nil, x)
	case []string:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, e)
		}
		return append(dst, ']'), nil
	case map[string]any, map[string]string, map[any]any:
		return c.appendMap(dst, nil, v)
	case *schema.Struct:
		if x == nil {
			return append(dst, "null"...), nil
		}
		return c.appendStruct(dst, x.Schema(), x)
	case decimal.Decimal:
		return appendDecimalNumber(dst, x), nil
	}
	return dst, fail(fmt.Sprintf("%s has no corresponding schema type", goType(v)), nil)
}

// appendDecimal writes a Decimal value: BASE64 (the unscaled value's
// two's-complement bytes in base64, at the schema's scale) or NUMERIC (a
// JSON number at the schema's scale, as BigDecimal.toString prints it).
func (c *Converter) appendDecimal(dst []byte, s *schema.Schema, v any) ([]byte, error) {
	scale, err := s.Scale()
	if err != nil {
		if _, ok := v.(decimal.Decimal); !ok {
			if _, err := schema.ToDecimal(v); err != nil {
				return dst, mismatch(s, v)
			}
		}
		return dst, fail(err.Error(), err)
	}
	return c.appendDecimalScale(dst, s, v, scale)
}

// appendDecimalScale is appendDecimal with s's scale already parsed.
func (c *Converter) appendDecimalScale(dst []byte, s *schema.Schema, v any, scale int32) ([]byte, error) {
	d, ok := v.(decimal.Decimal)
	if !ok {
		var err error
		if d, err = schema.ToDecimal(v); err != nil {
			return dst, mismatch(s, v)
		}
	}
	if u, small := schema.UnscaledInt64(d, scale); small {
		if c.cfg.decimalNumeric {
			var digits [20]byte
			neg := u < 0
			abs := uint64(u)
			if neg {
				abs = uint64(-u)
			}
			ds := strconv.AppendUint(digits[:0], abs, 10)
			return appendBigDecimal(dst, neg, ds, int64(scale)), nil
		}
		var raw [8]byte
		b := appendTwosComplement64(raw[:0], u)
		return appendBase64(dst, b), nil
	}
	bi, err := schema.Unscaled(d, scale)
	if err != nil {
		return dst, fail(err.Error(), err)
	}
	if c.cfg.decimalNumeric {
		text := bi.Text(10)
		neg := text[0] == '-'
		if neg {
			text = text[1:]
		}
		return appendBigDecimal(dst, neg, []byte(text), int64(scale)), nil
	}
	return appendBase64(dst, schema.BigIntToTwosComplement(bi)), nil
}

// appendDecimalNumber writes a decimal with its own scale, as Jackson
// writes a BigDecimal.
func appendDecimalNumber(dst []byte, d decimal.Decimal) []byte {
	text := d.Coefficient().Text(10)
	neg := text[0] == '-'
	if neg {
		text = text[1:]
	}
	return appendBigDecimal(dst, neg, []byte(text), -int64(d.Exponent()))
}
