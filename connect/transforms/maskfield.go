package transforms

import (
	"fmt"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/schema"
)

const keyReplacement = "replacement"

func maskFieldConfig() *config.ConfigDef {
	return config.NewConfigDef().
		Define(config.Key{Name: keyFields, Type: config.TypeList, Required: true, Validator: config.NonEmptyList(),
			Importance: config.ImportanceHigh, Doc: "Names of fields to mask."}).
		Define(config.Key{Name: keyReplacement, Type: config.TypeString, Importance: config.ImportanceLow,
			Doc: "Custom value replacement, that will be applied to all 'fields' values (numeric or non-empty string values only)."}).
		Define(replaceNullKey())
}

// MaskField replaces field values with an empty value of their type, or
// with a replacement (Kafka's MaskField$Key / $Value).
type MaskField struct {
	noClose
	part        part
	fields      map[string]bool
	replacement *string
	replaceNull bool
	cache       planCache[[]bool]
}

// Config describes the settings.
func (*MaskField) Config() *config.ConfigDef { return maskFieldConfig() }

// Configure reads fields and replacement.
func (m *MaskField) Configure(props map[string]string) error {
	v, err := maskFieldConfig().Parse(props)
	if err != nil {
		return err
	}
	m.fields = map[string]bool{}
	for _, f := range v.List(keyFields) {
		m.fields[f] = true
	}
	if v.Has(keyReplacement) {
		r := v.String(keyReplacement)
		if r == "" {
			return fmt.Errorf("invalid value for configuration %s: must be a non-empty string", keyReplacement)
		}
		m.replacement = &r
	}
	m.replaceNull = v.Bool(keyReplaceNull)
	return nil
}

// Apply masks the fields.
func (m *MaskField) Apply(r *connect.Record) (*connect.Record, error) {
	s, v := m.part.get(r)
	if v == nil {
		return r, nil
	}
	if s == nil {
		in, err := requireMap("MaskField", m.part, v)
		if err != nil {
			return nil, err
		}
		out := make(map[string]any, len(in))
		for k, x := range in {
			if m.fields[k] && x != nil {
				mx, err := m.mask(x)
				if err != nil {
					return nil, fmt.Errorf("MaskField: field %s: %w", k, err)
				}
				x = mx
			}
			out[k] = x
		}
		m.part.set(r, nil, out)
		return r, nil
	}
	st, err := requireStruct("MaskField", m.part, s, v)
	if err != nil {
		return nil, err
	}
	masked, _ := m.cache.get(s, func(in *schema.Schema) ([]bool, error) {
		p := make([]bool, len(in.Fields()))
		for i, f := range in.Fields() {
			p[i] = m.fields[f.Name]
		}
		return p, nil
	})
	out := schema.NewStruct(s)
	for i, f := range s.Fields() {
		x := structValue(st, i, m.replaceNull)
		if masked[i] && x != nil {
			mx, err := m.maskTyped(f.Schema, x)
			if err != nil {
				return nil, fmt.Errorf("MaskField: field %s: %w", f.Name, err)
			}
			x = mx
		}
		out.Set(i, x)
	}
	m.part.set(r, s, out)
	return r, nil
}

// maskTyped masks a schemaful value by its schema's type, so a Decimal held
// as a numeric string still masks to a zero Decimal.
func (m *MaskField) maskTyped(s *schema.Schema, v any) (any, error) {
	switch s.Logical() {
	case schema.LogicalDecimal:
		d, err := schema.ToDecimal(v)
		if err != nil {
			return nil, err
		}
		return m.mask(d)
	case schema.LogicalDate, schema.LogicalTime, schema.LogicalTimestamp:
		if m.replacement != nil {
			return nil, fmt.Errorf("cannot mask a %s value with a replacement", s.Logical())
		}
		return time.Unix(0, 0).UTC(), nil
	}
	return m.mask(v)
}

func (m *MaskField) mask(v any) (any, error) {
	if m.replacement == nil {
		return emptyOf(v)
	}
	rep := *m.replacement
	var err error
	var out any
	switch v.(type) {
	case string:
		out = rep
	case int8:
		var n int64
		n, err = strconv.ParseInt(rep, 10, 8)
		out = int8(n)
	case int16:
		var n int64
		n, err = strconv.ParseInt(rep, 10, 16)
		out = int16(n)
	case int32:
		var n int64
		n, err = strconv.ParseInt(rep, 10, 32)
		out = int32(n)
	case int64:
		out, err = strconv.ParseInt(rep, 10, 64)
	case float32:
		var f float64
		f, err = strconv.ParseFloat(rep, 32)
		out = float32(f)
	case float64:
		out, err = strconv.ParseFloat(rep, 64)
	case decimal.Decimal:
		out, err = decimal.NewFromString(rep)
	default:
		return nil, fmt.Errorf("cannot mask a %T value with a replacement", v)
	}
	if err != nil {
		return nil, fmt.Errorf("replacement %q does not fit a %T value", rep, v)
	}
	return out, nil
}

// emptyOf returns the type-appropriate empty value Kafka uses for masking.
func emptyOf(v any) (any, error) {
	switch v.(type) {
	case bool:
		return false, nil
	case int8:
		return int8(0), nil
	case int16:
		return int16(0), nil
	case int32:
		return int32(0), nil
	case int64:
		return int64(0), nil
	case float32:
		return float32(0), nil
	case float64:
		return float64(0), nil
	case string:
		return "", nil
	case []byte:
		return []byte{}, nil
	case decimal.Decimal:
		return decimal.Zero, nil
	case time.Time:
		return time.Unix(0, 0).UTC(), nil
	case []any:
		return []any{}, nil
	case map[string]any:
		return map[string]any{}, nil
	case map[any]any:
		return map[any]any{}, nil
	}
	return nil, fmt.Errorf("cannot mask a %T value", v)
}
