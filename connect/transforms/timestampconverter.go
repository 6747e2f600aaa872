package transforms

import (
	"fmt"
	"time"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/schema"
)

const (
	keyTargetType    = "target.type"
	keyFormat        = "format"
	keyUnixPrecision = "unix.precision"
)

func timestampConverterConfig() *config.ConfigDef {
	return config.NewConfigDef().
		Define(config.Key{Name: keyTargetType, Type: config.TypeString, Required: true,
			Validator: config.OneOf("string", "unix", "Date", "Time", "Timestamp"), Importance: config.ImportanceHigh,
			Doc: "The desired timestamp representation: string, unix, Date, Time, or Timestamp"}).
		Define(config.Key{Name: keyField, Type: config.TypeString, Default: "", Importance: config.ImportanceHigh,
			Doc: "The field containing the timestamp, or empty if the entire value is a timestamp"}).
		Define(config.Key{Name: keyFormat, Type: config.TypeString, Default: "", Importance: config.ImportanceMedium,
			Doc: "A SimpleDateFormat-compatible format for the timestamp. Used to generate the output when type=string or used to parse the input if the input is a string."}).
		Define(config.Key{Name: keyUnixPrecision, Type: config.TypeString, Default: "milliseconds",
			Validator: config.OneOf("nanoseconds", "microseconds", "milliseconds", "seconds"), Importance: config.ImportanceLow,
			Doc: "The desired Unix precision for the timestamp: seconds, milliseconds, microseconds, or nanoseconds. Used to generate the output when type=unix or used to parse the input if the input is a Long."}).
		Define(fieldSyntaxKey()).
		Define(replaceNullKey())
}

// TimestampConverter converts timestamps between strings, Unix epochs and
// the Date, Time and Timestamp logical types (Kafka's TimestampConverter$Key
// / $Value). Times are in UTC.
type TimestampConverter struct {
	noClose
	part        part
	target      string
	field       string
	layout      string
	precision   time.Duration
	replaceNull bool
	cache       schemaCache
}

// Config describes the settings.
func (*TimestampConverter) Config() *config.ConfigDef { return timestampConverterConfig() }

// Configure reads the settings; target.type=string needs format.
func (c *TimestampConverter) Configure(props map[string]string) error {
	v, err := timestampConverterConfig().Parse(props)
	if err != nil {
		return err
	}
	c.target, c.field = v.String(keyTargetType), v.String(keyField)
	if f := v.String(keyFormat); f != "" {
		if c.layout, err = javaDateLayout(f); err != nil {
			return fmt.Errorf("invalid value for configuration %s: %w", keyFormat, err)
		}
	} else if c.target == "string" {
		return fmt.Errorf("TimestampConverter requires format option to be specified when using string timestamps")
	}
	c.precision = map[string]time.Duration{"nanoseconds": time.Nanosecond, "microseconds": time.Microsecond,
		"milliseconds": time.Millisecond, "seconds": time.Second}[v.String(keyUnixPrecision)]
	c.replaceNull = v.Bool(keyReplaceNull)
	return nil
}

// Apply converts the whole part or the configured field.
func (c *TimestampConverter) Apply(r *connect.Record) (*connect.Record, error) {
	s, v := c.part.get(r)
	if c.field == "" {
		if v == nil {
			if s != nil {
				c.part.set(r, c.targetSchema(s.Optional()), nil)
			}
			return r, nil
		}
		t, err := c.toTime(s, v)
		if err != nil {
			return nil, err
		}
		out, err := c.fromTime(t)
		if err != nil {
			return nil, err
		}
		var os *schema.Schema
		if s != nil {
			os = c.targetSchema(s.Optional())
		}
		c.part.set(r, os, out)
		return r, nil
	}
	if v == nil {
		return r, nil
	}
	if s == nil {
		m, err := requireMap("TimestampConverter", c.part, v)
		if err != nil {
			return nil, err
		}
		out := make(map[string]any, len(m))
		for k, x := range m {
			out[k] = x
		}
		if x := m[c.field]; x != nil {
			t, err := c.toTime(nil, x)
			if err != nil {
				return nil, err
			}
			if out[c.field], err = c.fromTime(t); err != nil {
				return nil, err
			}
		}
		c.part.set(r, nil, out)
		return r, nil
	}
	st, err := requireStruct("TimestampConverter", c.part, s, v)
	if err != nil {
		return nil, err
	}
	fld, ok := s.Field(c.field)
	if !ok {
		return nil, fmt.Errorf("TimestampConverter: unknown field %q in the %s schema", c.field, c.part)
	}
	ns, err := c.cache.get(s, func(in *schema.Schema) (*schema.Schema, error) {
		b := schema.StructBuilder().Name(in.Name()).Version(in.Version()).Doc(in.Doc())
		if in.Optional() {
			b.Optional()
		}
		for _, f := range in.Fields() {
			fs := f.Schema
			if f.Name == c.field {
				fs = c.targetSchema(fs.Optional())
			}
			b.Field(f.Name, fs)
		}
		return b.Build()
	})
	if err != nil {
		return nil, fmt.Errorf("TimestampConverter: %w", err)
	}
	out := schema.NewStruct(ns)
	for i := range s.Fields() {
		x := structValue(st, i, c.replaceNull)
		if i == fld.Index && x != nil {
			t, err := c.toTime(fld.Schema, x)
			if err != nil {
				return nil, err
			}
			if x, err = c.fromTime(t); err != nil {
				return nil, err
			}
		}
		out.Set(i, x)
	}
	c.part.set(r, ns, out)
	return r, nil
}

func (c *TimestampConverter) targetSchema(optional bool) *schema.Schema {
	var b *schema.Builder
	switch c.target {
	case "string":
		b = schema.String()
	case "unix":
		b = schema.Int64()
	case "Date":
		b = schema.Date()
	case "Time":
		b = schema.Time()
	default:
		b = schema.Timestamp()
	}
	if optional {
		b.Optional()
	}
	return b.MustBuild()
}

// toTime reads a timestamp of any supported representation.
func (c *TimestampConverter) toTime(s *schema.Schema, v any) (time.Time, error) {
	switch x := v.(type) {
	case time.Time:
		return x.UTC(), nil
	case string:
		if c.layout == "" {
			return time.Time{}, fmt.Errorf("TimestampConverter: a string timestamp needs the %s setting", keyFormat)
		}
		t, err := time.Parse(c.layout, x)
		if err != nil {
			return time.Time{}, fmt.Errorf("TimestampConverter: could not parse timestamp %q with the configured format", x)
		}
		return t.UTC(), nil
	case int64:
		if s != nil && s.Logical() != schema.LogicalNone {
			break
		}
		return time.Unix(0, 0).Add(time.Duration(x) * c.precision).UTC(), nil
	case int32:
		if s == nil || s.Logical() == schema.LogicalNone {
			return time.Unix(0, 0).Add(time.Duration(x) * c.precision).UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("TimestampConverter: expected a timestamp, got %T", v)
}

func (c *TimestampConverter) fromTime(t time.Time) (any, error) {
	switch c.target {
	case "string":
		return t.Format(c.layout), nil
	case "unix":
		return t.UnixNano() / int64(c.precision), nil
	case "Date":
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
	case "Time":
		return time.Unix(0, 0).UTC().Add(time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute +
			time.Duration(t.Second())*time.Second + time.Duration(t.Nanosecond()/1e6)*time.Millisecond), nil
	}
	return t, nil
}
