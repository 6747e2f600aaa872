package transforms

import (
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/schema"
)

const keyCastSpec = "spec"

func castConfig() *config.ConfigDef {
	return config.NewConfigDef().
		Define(config.Key{Name: keyCastSpec, Type: config.TypeList, Required: true, Validator: config.NonEmptyList(),
			Importance: config.ImportanceHigh,
			Doc: "List of fields and the type to cast them to of the form field1:type,field2:type to cast fields of Maps or Structs. " +
				"A single type to cast the entire value. Valid types are int8, int16, int32, int64, float32, float64, boolean, and string. " +
				"Note that binary fields can only be cast to string."}).
		Define(replaceNullKey())
}

// Cast casts primitive fields, or the whole primitive value, to another
// type (Kafka's Cast$Key / Cast$Value).
type Cast struct {
	noClose
	part        part
	whole       schema.Type
	fields      map[string]schema.Type
	replaceNull bool
	cache       planCache[castPlan]
}

// castPlan is the output schema and, per field index, the target type (0 = keep).
type castPlan struct {
	out     *schema.Schema
	targets []schema.Type
}

// Config describes the settings.
func (c *Cast) Config() *config.ConfigDef { return castConfig() }

var castTargets = map[string]schema.Type{
	"int8": schema.INT8, "int16": schema.INT16, "int32": schema.INT32, "int64": schema.INT64,
	"float32": schema.FLOAT32, "float64": schema.FLOAT64, "boolean": schema.BOOLEAN, "string": schema.STRING,
}

// Configure parses spec.
func (c *Cast) Configure(props map[string]string) error {
	v, err := castConfig().Parse(props)
	if err != nil {
		return err
	}
	c.replaceNull = v.Bool(keyReplaceNull)
	c.fields = map[string]schema.Type{}
	for _, item := range v.List(keyCastSpec) {
		name, typ, hasField := strings.Cut(item, ":")
		if !hasField {
			typ, name = name, ""
		}
		t, ok := castTargets[strings.ToLower(strings.TrimSpace(typ))]
		if !ok {
			return fmt.Errorf("invalid value %q for configuration %s: unknown cast type %q", item, keyCastSpec, typ)
		}
		if name == "" {
			if len(v.List(keyCastSpec)) != 1 {
				return fmt.Errorf("invalid value for configuration %s: cast of the whole value must be the only item", keyCastSpec)
			}
			c.whole = t
			continue
		}
		c.fields[strings.TrimSpace(name)] = t
	}
	return nil
}

// Apply casts the record part.
func (c *Cast) Apply(r *connect.Record) (*connect.Record, error) {
	s, v := c.part.get(r)
	if c.whole != 0 {
		if v == nil {
			return r, nil
		}
		out, err := castValue(v, c.whole)
		if err != nil {
			return nil, fmt.Errorf("Cast: %w", err)
		}
		var os *schema.Schema
		if s != nil {
			if !s.Type().IsPrimitive() {
				return nil, fmt.Errorf("Cast: cannot cast a whole %s %s", s.Type(), c.part)
			}
			os = castSchema(s, c.whole)
		}
		c.part.set(r, os, out)
		return r, nil
	}
	if v == nil {
		return r, nil
	}
	if s == nil {
		m, err := requireMap("Cast", c.part, v)
		if err != nil {
			return nil, err
		}
		out := make(map[string]any, len(m))
		for k, x := range m {
			if t, ok := c.fields[k]; ok && x != nil {
				cx, err := castValue(x, t)
				if err != nil {
					return nil, fmt.Errorf("Cast: field %s: %w", k, err)
				}
				x = cx
			}
			out[k] = x
		}
		c.part.set(r, nil, out)
		return r, nil
	}
	st, err := requireStruct("Cast", c.part, s, v)
	if err != nil {
		return nil, err
	}
	plan, err := c.cache.get(s, c.buildPlan)
	if err != nil {
		return nil, err
	}
	ns := plan.out
	out := schema.NewStruct(ns)
	for i, f := range s.Fields() {
		x := structValue(st, i, c.replaceNull)
		if t := plan.targets[i]; t != 0 && x != nil {
			cx, err := castValue(x, t)
			if err != nil {
				return nil, fmt.Errorf("Cast: field %s: %w", f.Name, err)
			}
			x = cx
		}
		out.Set(i, x)
	}
	c.part.set(r, ns, out)
	return r, nil
}

func (c *Cast) buildPlan(s *schema.Schema) (castPlan, error) {
	targets := make([]schema.Type, len(s.Fields()))
	for i, f := range s.Fields() {
		targets[i] = c.fields[f.Name]
	}
	out, err := c.buildSchema(s)
	return castPlan{out: out, targets: targets}, err
}

func (c *Cast) buildSchema(s *schema.Schema) (*schema.Schema, error) {
	b := schema.StructBuilder().Name(s.Name()).Version(s.Version()).Doc(s.Doc())
	if s.Optional() {
		b.Optional()
	}
	for _, p := range s.Params() {
		b.Param(p.Key, p.Value)
	}
	for _, f := range s.Fields() {
		fs := f.Schema
		if t, ok := c.fields[f.Name]; ok {
			if !fs.Type().IsPrimitive() && fs.Logical() == schema.LogicalNone {
				return nil, fmt.Errorf("Cast: field %s: cannot cast a %s", f.Name, fs.Type())
			}
			fs = castSchema(fs, t)
		}
		b.Field(f.Name, fs)
	}
	return b.Build()
}

// castSchema returns a schema of type t keeping optionality; a default is cast too.
func castSchema(s *schema.Schema, t schema.Type) *schema.Schema {
	b := schema.NewBuilder(t)
	if s.Optional() {
		b.Optional()
	}
	if d, ok := s.Default(); ok && d != nil {
		if cd, err := castValue(d, t); err == nil {
			b.Default(cd)
		}
	}
	out, err := b.Build()
	if err != nil {
		return schema.NewBuilder(t).Optional().MustBuild()
	}
	return out
}

// castValue converts a primitive (or Decimal/time) value to type t.
func castValue(v any, t schema.Type) (any, error) {
	if t == schema.STRING {
		return castToString(v)
	}
	switch x := v.(type) {
	case []byte:
		return nil, fmt.Errorf("bytes can only be cast to string")
	case string:
		return castFromString(x, t)
	case bool:
		n := int64(0)
		if x {
			n = 1
		}
		return castInt(n, t)
	case int8:
		return castInt(int64(x), t)
	case int16:
		return castInt(int64(x), t)
	case int32:
		return castInt(int64(x), t)
	case int64:
		return castInt(x, t)
	case float32:
		return castFloat(float64(x), t)
	case float64:
		return castFloat(x, t)
	case decimal.Decimal:
		if t == schema.FLOAT32 || t == schema.FLOAT64 {
			f, _ := x.Float64()
			return castFloat(f, t)
		}
		if t == schema.BOOLEAN {
			return !x.IsZero(), nil
		}
		return castInt(x.IntPart(), t)
	case time.Time:
		if t == schema.INT64 {
			return x.UnixMilli(), nil
		}
	}
	return nil, fmt.Errorf("cannot cast %T to %s", v, t)
}

func castInt(n int64, t schema.Type) (any, error) {
	switch t {
	case schema.INT8:
		return int8(n), nil
	case schema.INT16:
		return int16(n), nil
	case schema.INT32:
		return int32(n), nil
	case schema.INT64:
		return n, nil
	case schema.FLOAT32:
		return float32(n), nil
	case schema.FLOAT64:
		return float64(n), nil
	case schema.BOOLEAN:
		return n != 0, nil
	}
	return nil, fmt.Errorf("cannot cast an integer to %s", t)
}

func castFloat(f float64, t schema.Type) (any, error) {
	switch t {
	case schema.FLOAT32:
		return float32(f), nil
	case schema.FLOAT64:
		return f, nil
	case schema.BOOLEAN:
		return f != 0, nil
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("cannot cast %v to %s", f, t)
	}
	return castInt(int64(f), t) // Java's narrowing truncates toward zero
}

func castFromString(s string, t schema.Type) (any, error) {
	s = strings.TrimSpace(s)
	switch t {
	case schema.BOOLEAN:
		return strings.EqualFold(s, "true"), nil
	case schema.FLOAT32:
		f, err := strconv.ParseFloat(s, 32)
		if err != nil {
			return nil, fmt.Errorf("cannot cast %q to FLOAT32", s)
		}
		return float32(f), nil
	case schema.FLOAT64:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("cannot cast %q to FLOAT64", s)
		}
		return f, nil
	}
	bits := map[schema.Type]int{schema.INT8: 8, schema.INT16: 16, schema.INT32: 32, schema.INT64: 64}[t]
	n, err := strconv.ParseInt(s, 10, bits)
	if err != nil {
		return nil, fmt.Errorf("cannot cast %q to %s", s, t)
	}
	return castInt(n, t)
}

func castToString(v any) (any, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case []byte:
		return base64.StdEncoding.EncodeToString(x), nil
	case bool:
		return strconv.FormatBool(x), nil
	case int8:
		return strconv.FormatInt(int64(x), 10), nil
	case int16:
		return strconv.FormatInt(int64(x), 10), nil
	case int32:
		return strconv.FormatInt(int64(x), 10), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case float32:
		return javaFloatString(float64(x), 32), nil
	case float64:
		return javaFloatString(x, 64), nil
	case decimal.Decimal:
		return x.String(), nil
	case time.Time:
		return x.UTC().Format("2006-01-02T15:04:05.000Z"), nil
	}
	return nil, fmt.Errorf("cannot cast %T to string", v)
}

// javaFloatString formats a float as Java's Double.toString / Float.toString:
// "1.0", "0.001", "1.0E10", "1.0E-5", "NaN", "Infinity".
func javaFloatString(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	abs := math.Abs(f)
	if abs >= 1e-3 && abs < 1e7 {
		s := strconv.FormatFloat(f, 'f', -1, bits)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(f, 'E', -1, bits) // e.g. 1E+10, 1.5E-05
	mant, exp, _ := strings.Cut(s, "E")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	e, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(e)
}
