package simpleheader

import (
	"errors"
	"math"
	"math/big"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/schema"
)

var (
	boolSchema    = schema.Bool().MustBuild()
	stringSchema  = schema.String().MustBuild()
	int8Schema    = schema.Int8().MustBuild()
	int16Schema   = schema.Int16().MustBuild()
	int32Schema   = schema.Int32().MustBuild()
	int64Schema   = schema.Int64().MustBuild()
	float32Schema = schema.Float32().MustBuild()
	float64Schema = schema.Float64().MustBuild()
	dateSchema    = schema.Date().MustBuild()
	timeSchema    = schema.Time().MustBuild()
	tsSchema      = schema.Timestamp().MustBuild()
)

var errMixed = errors.New("elements of differing types")

// parseString infers a schema and value from header text (Values.parseString).
func parseString(text string) (*schema.Schema, any) {
	if text == "" {
		return stringSchema, ""
	}
	p := &parser{s: text}
	s, v, err := p.value(false)
	if err == nil {
		p.ws()
		if p.i == len(p.s) {
			return s, v
		}
	}
	return stringSchema, text
}

type parser struct {
	s     string
	i     int
	depth int
}

func (p *parser) ws() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

// value parses one value; embedded values are inside arrays or maps.
func (p *parser) value(embedded bool) (*schema.Schema, any, error) {
	p.ws()
	if p.i >= len(p.s) {
		return nil, nil, errors.New("missing value")
	}
	switch p.s[p.i] {
	case '"':
		if !embedded {
			return nil, nil, errors.New("top-level quotes are text")
		}
		return p.quoted()
	case '[':
		p.depth++
		if p.depth > 100 {
			return nil, nil, errors.New("too deep")
		}
		defer func() { p.depth-- }()
		return p.array()
	case '{':
		p.depth++
		if p.depth > 100 {
			return nil, nil, errors.New("too deep")
		}
		defer func() { p.depth-- }()
		return p.object()
	}
	end := p.i
	if embedded {
		for end < len(p.s) && !strings.ContainsRune(",]}:", rune(p.s[end])) {
			end++
		}
	} else {
		end = len(p.s)
	}
	tok := strings.TrimSpace(p.s[p.i:end])
	p.i = end
	switch tok {
	case "null":
		return nil, nil, nil
	case "true":
		return boolSchema, true, nil
	case "false":
		return boolSchema, false, nil
	}
	if s, v, ok := temporal(tok); ok {
		return s, v, nil
	}
	if tok != "" && (tok[0] == '+' || tok[0] == '-' || (tok[0] >= '0' && tok[0] <= '9')) {
		if s, v, ok := number(tok); ok {
			return s, v, nil
		}
	}
	if embedded {
		return nil, nil, errors.New("failed to parse embedded value")
	}
	return stringSchema, p.s, nil
}

func (p *parser) quoted() (*schema.Schema, any, error) {
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '\\' && p.i+1 < len(p.s):
			b.WriteByte(p.s[p.i+1])
			p.i += 2
		case c == '"':
			p.i++
			str := b.String()
			if s, v, ok := temporal(str); ok {
				return s, v, nil
			}
			return stringSchema, str, nil
		default:
			b.WriteByte(c)
			p.i++
		}
	}
	return nil, nil, errors.New("unterminated string")
}

func (p *parser) array() (*schema.Schema, any, error) {
	p.i++
	var out []any
	var schemas []*schema.Schema
	p.ws()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		return nil, nil, errMixed // an empty array has no element type
	}
	for {
		s, v, err := p.value(true)
		if err != nil {
			return nil, nil, err
		}
		out, schemas = append(out, v), append(schemas, s)
		p.ws()
		if p.i >= len(p.s) {
			return nil, nil, errors.New("array is missing terminating ']'")
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			elem, vals, err := common(schemas, out)
			if err != nil {
				return nil, nil, err
			}
			s, err := schema.Array(elem).Build()
			return s, vals, err
		default:
			return nil, nil, errors.New("array elements missing ','")
		}
	}
}

func (p *parser) object() (*schema.Schema, any, error) {
	p.i++
	var keys, vals []any
	var ks, vs []*schema.Schema
	p.ws()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		return nil, nil, errMixed
	}
	for {
		k1, kv, err := p.value(true)
		if err != nil {
			return nil, nil, err
		}
		if kv == nil {
			return nil, nil, errors.New("map entry may not have a null key")
		}
		p.ws()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, nil, errors.New("map entry is missing ':'")
		}
		p.i++
		v1, vv, err := p.value(true)
		if err != nil {
			return nil, nil, err
		}
		keys, vals, ks, vs = append(keys, kv), append(vals, vv), append(ks, k1), append(vs, v1)
		p.ws()
		if p.i >= len(p.s) {
			return nil, nil, errors.New("map is missing terminating '}'")
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			kSchema, keys, err := common(ks, keys)
			if err != nil {
				return nil, nil, err
			}
			vSchema, vals, err := common(vs, vals)
			if err != nil {
				return nil, nil, err
			}
			s, err := schema.Map(kSchema, vSchema).Build()
			if err != nil {
				return nil, nil, err
			}
			if kSchema.Type() == schema.STRING {
				m := make(map[string]any, len(keys))
				for i, k := range keys {
					m[k.(string)] = vals[i]
				}
				return s, m, nil
			}
			m := make(map[any]any, len(keys))
			for i, k := range keys {
				if !hashable(k) {
					return nil, nil, errMixed
				}
				m[k] = vals[i]
			}
			return s, m, nil
		default:
			return nil, nil, errors.New("map entries missing ','")
		}
	}
}

func hashable(k any) bool {
	switch k.(type) {
	case []byte, []any, map[string]any, map[any]any:
		return false
	}
	return true
}

// common returns the one schema all non-null elements share (integers
// widen to the widest integer type present; a null element makes the
// schema optional) and the values converted to it.
func common(schemas []*schema.Schema, vals []any) (*schema.Schema, []any, error) {
	var c *schema.Schema
	hasNull := false
	for _, s := range schemas {
		switch {
		case s == nil:
			hasNull = true
		case c == nil:
			c = s
		case isInt(c) && isInt(s):
			if s.Type() > c.Type() {
				c = s
			}
		case !c.Equal(s):
			return nil, nil, errMixed
		}
	}
	if c == nil {
		return nil, nil, errMixed
	}
	if isInt(c) {
		for i, v := range vals {
			if v != nil {
				vals[i] = widen(v, c.Type())
			}
		}
	}
	if hasNull || c.Optional() {
		opt, err := schema.Copy(c).Optional().Build()
		return opt, vals, err
	}
	return c, vals, nil
}

func isInt(s *schema.Schema) bool {
	return s.Name() == "" && s.Type() >= schema.INT8 && s.Type() <= schema.INT64
}

func widen(v any, t schema.Type) any {
	var n int64
	switch x := v.(type) {
	case int8:
		n = int64(x)
	case int16:
		n = int64(x)
	case int32:
		n = int64(x)
	case int64:
		n = x
	}
	switch t {
	case schema.INT8:
		return int8(n)
	case schema.INT16:
		return int16(n)
	case schema.INT32:
		return int32(n)
	}
	return n
}

// temporal recognises Values' ISO-8601 forms: yyyy-MM-dd,
// HH:mm:ss.SSS'Z' and yyyy-MM-dd'T'HH:mm:ss.SSS'Z'.
func temporal(tok string) (*schema.Schema, any, bool) {
	if tok == "" || tok[0] < '0' || tok[0] > '9' {
		return nil, nil, false
	}
	switch len(tok) {
	case 10:
		if t, err := time.Parse("2006-01-02", tok); err == nil {
			return dateSchema, t.UTC(), true
		}
	case 13:
		if t, err := time.Parse("15:04:05.000Z", tok); err == nil {
			return timeSchema, time.UnixMilli(int64(t.Hour()*3600000 + t.Minute()*60000 + t.Second()*1000 + t.Nanosecond()/1e6)).UTC(), true
		}
	case 24:
		if t, err := time.Parse("2006-01-02T15:04:05.000Z", tok); err == nil {
			return tsSchema, t.UTC(), true
		}
	}
	return nil, nil, false
}

// number follows Values.parseAsNumber: an integral value becomes the
// smallest integer type that holds it; otherwise FLOAT32 when finite as a
// float, else FLOAT64, else a Decimal.
func number(tok string) (*schema.Schema, any, bool) {
	t := strings.TrimPrefix(tok, "+")
	if len(t) > 400 {
		return nil, nil, false
	}
	d, err := decimal.NewFromString(t)
	if err != nil || strings.ContainsAny(t, "_") {
		return nil, nil, false
	}
	if d.Equal(d.Truncate(0)) && d.Exponent() > -400 && d.Exponent() < 400 {
		bi := d.BigInt()
		if bi.IsInt64() {
			n := bi.Int64()
			switch {
			case n >= math.MinInt8 && n <= math.MaxInt8:
				return int8Schema, int8(n), true
			case n >= math.MinInt16 && n <= math.MaxInt16:
				return int16Schema, int16(n), true
			case n >= math.MinInt32 && n <= math.MaxInt32:
				return int32Schema, int32(n), true
			}
			return int64Schema, n, true
		}
	}
	scale := -d.Exponent()
	if scale != 0 {
		f, _ := new(big.Float).SetString(t)
		if f != nil {
			if f32, _ := f.Float32(); !math.IsInf(float64(f32), 0) {
				return float32Schema, f32, true
			}
			if f64, _ := f.Float64(); !math.IsInf(f64, 0) {
				return float64Schema, f64, true
			}
		}
	}
	s, err := schema.Decimal(scale).Build()
	if err != nil {
		return nil, nil, false
	}
	return s, d, true
}
