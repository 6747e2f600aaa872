package tail

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/schema"
)

// This file renders Connect data (a schema and a value as converters return
// them) as JSON with a stable shape:
//
//	Struct            object, fields in schema order, by field name
//	Decimal           string with the schema's scale ("12.50")
//	Date              "2006-01-02"
//	Time              "15:04:05.000"
//	Timestamp         "2006-01-02T15:04:05.000Z" (UTC)
//	bytes             base64 string (standard alphabet, padded)
//	MAP, string keys  object, keys sorted
//	MAP, other keys   array of [key, value] pairs, sorted by rendered key
//	ARRAY             array
//	float NaN/±Inf    the strings "NaN", "Infinity", "-Infinity"
//	null              null
//
// Schemaless values (a nil schema) are rendered by their Go type the same way.

// maxDepth bounds the nesting rendered; deeper values become a string.
const maxDepth = 64

// renderer writes one value, compact (indent "") or indented.
type renderer struct {
	indent string
	b      []byte
}

// renderJSON returns v (of schema s, nil for schemaless) as JSON: compact
// when indent is "", else one element per line indented by indent per level.
func renderJSON(s *schema.Schema, v any, indent string) []byte {
	r := renderer{indent: indent}
	r.value(s, v, 0)
	return r.b
}

func (r *renderer) newline(depth int) {
	if r.indent == "" {
		return
	}
	r.b = append(r.b, '\n')
	for range depth {
		r.b = append(r.b, r.indent...)
	}
}

func (r *renderer) str(s string) {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	b, err := json.Marshal(s)
	if err != nil { // cannot happen for a valid UTF-8 string
		b = []byte(`"?"`)
	}
	// json.Marshal escapes <, > and & for HTML; undo that for readability.
	b = []byte(strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(b)))
	r.b = append(r.b, b...)
}

func (r *renderer) value(s *schema.Schema, v any, depth int) {
	if v == nil {
		r.b = append(r.b, "null"...)
		return
	}
	if depth > maxDepth {
		r.str("…(nested too deeply)")
		return
	}
	if s != nil {
		switch s.Logical() {
		case schema.LogicalDecimal:
			r.decimal(s, v)
			return
		case schema.LogicalDate:
			if t, ok := v.(time.Time); ok {
				r.str(t.UTC().Format("2006-01-02"))
				return
			}
		case schema.LogicalTime:
			if t, ok := v.(time.Time); ok {
				r.str(t.UTC().Format("15:04:05.000"))
				return
			}
		case schema.LogicalTimestamp:
			if t, ok := v.(time.Time); ok {
				r.str(formatTimestamp(t))
				return
			}
		}
	}
	switch x := v.(type) {
	case *schema.Struct:
		r.structValue(x, depth)
	case string:
		r.str(x)
	case bool:
		r.b = strconv.AppendBool(r.b, x)
	case int8:
		r.b = strconv.AppendInt(r.b, int64(x), 10)
	case int16:
		r.b = strconv.AppendInt(r.b, int64(x), 10)
	case int32:
		r.b = strconv.AppendInt(r.b, int64(x), 10)
	case int64:
		r.b = strconv.AppendInt(r.b, x, 10)
	case int:
		r.b = strconv.AppendInt(r.b, int64(x), 10)
	case float32:
		r.float(float64(x), 32)
	case float64:
		r.float(x, 64)
	case []byte:
		r.str(base64.StdEncoding.EncodeToString(x))
	case decimal.Decimal:
		r.str(x.String())
	case *big.Int:
		r.str(x.String())
	case json.Number:
		r.b = append(r.b, x...)
	case time.Time:
		r.str(formatTimestamp(x))
	case []any:
		var elem *schema.Schema
		if s != nil {
			elem = s.ValueSchema()
		}
		r.array(len(x), depth, func(i int) { r.value(elem, x[i], depth+1) })
	case map[string]any:
		var vs *schema.Schema
		if s != nil {
			vs = s.ValueSchema()
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		r.object(len(keys), depth, func(i int) string { return keys[i] }, func(i int) { r.value(vs, x[keys[i]], depth+1) })
	case map[any]any:
		r.anyMap(s, x, depth)
	default:
		r.reflectValue(s, v, depth)
	}
}

// reflectValue handles typed slices and maps a converter may return.
func (r *renderer) reflectValue(s *schema.Schema, v any, depth int) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		items := make([]any, rv.Len())
		for i := range items {
			items[i] = rv.Index(i).Interface()
		}
		r.value(s, items, depth)
	case reflect.Map:
		m := make(map[any]any, rv.Len())
		it := rv.MapRange()
		for it.Next() {
			m[it.Key().Interface()] = it.Value().Interface()
		}
		r.anyMap(s, m, depth)
	default:
		r.str(fmt.Sprint(v))
	}
}

func (r *renderer) anyMap(s *schema.Schema, m map[any]any, depth int) {
	var ks, vs *schema.Schema
	if s != nil {
		ks, vs = s.KeySchema(), s.ValueSchema()
	}
	type pair struct {
		key      any
		rendered string
	}
	pairs := make([]pair, 0, len(m))
	allStrings := true
	for k := range m {
		if _, ok := k.(string); !ok {
			allStrings = false
		}
		pairs = append(pairs, pair{key: k, rendered: string(renderJSON(ks, k, ""))})
	}
	sort.Slice(pairs, func(i, j int) bool { return pairs[i].rendered < pairs[j].rendered })
	if allStrings {
		r.object(len(pairs), depth, func(i int) string { return pairs[i].key.(string) },
			func(i int) { r.value(vs, m[pairs[i].key], depth+1) })
		return
	}
	r.array(len(pairs), depth, func(i int) {
		r.b = append(r.b, '[')
		r.value(ks, pairs[i].key, depth+2)
		r.b = append(r.b, ',')
		if r.indent != "" {
			r.b = append(r.b, ' ')
		}
		r.value(vs, m[pairs[i].key], depth+2)
		r.b = append(r.b, ']')
	})
}

func (r *renderer) structValue(st *schema.Struct, depth int) {
	fields := st.Schema().Fields()
	r.object(len(fields), depth, func(i int) string { return fields[i].Name },
		func(i int) { r.value(fields[i].Schema, st.At(i), depth+1) })
}

func (r *renderer) object(n, depth int, key func(int) string, val func(int)) {
	if n == 0 {
		r.b = append(r.b, "{}"...)
		return
	}
	r.b = append(r.b, '{')
	for i := range n {
		if i > 0 {
			r.b = append(r.b, ',')
		}
		r.newline(depth + 1)
		r.str(key(i))
		r.b = append(r.b, ':')
		if r.indent != "" {
			r.b = append(r.b, ' ')
		}
		val(i)
	}
	r.newline(depth)
	r.b = append(r.b, '}')
}

func (r *renderer) array(n, depth int, elem func(int)) {
	if n == 0 {
		r.b = append(r.b, "[]"...)
		return
	}
	r.b = append(r.b, '[')
	for i := range n {
		if i > 0 {
			r.b = append(r.b, ',')
		}
		r.newline(depth + 1)
		elem(i)
	}
	r.newline(depth)
	r.b = append(r.b, ']')
}

func (r *renderer) float(f float64, bits int) {
	switch {
	case math.IsNaN(f):
		r.str("NaN")
	case math.IsInf(f, 1):
		r.str("Infinity")
	case math.IsInf(f, -1):
		r.str("-Infinity")
	default:
		r.b = strconv.AppendFloat(r.b, f, 'g', -1, bits)
	}
}

func (r *renderer) decimal(s *schema.Schema, v any) {
	d, err := schema.ToDecimal(v)
	if err != nil {
		if b, ok := v.([]byte); ok { // undecoded Decimal bytes
			scale, serr := s.Scale()
			if serr == nil {
				r.str(schema.DecimalFromBytes(b, scale).StringFixed(scale))
				return
			}
		}
		r.str(fmt.Sprint(v))
		return
	}
	if scale, err := s.Scale(); err == nil && scale >= 0 {
		r.str(d.StringFixed(scale))
		return
	}
	r.str(d.String())
}

// formatTimestamp renders t in UTC with milliseconds, as Kafka timestamps
// have.
func formatTimestamp(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
}
