package common

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
	"github.com/onecconnect/onecconnect/schema"
)

// RowMapper turns the raw columns of selected 1C properties into Connect
// values: one column per property (simple types; composite values are
// refused with ErrUnsupportedType), decoded by the dialect (UUID byte order,
// mchar padding, year offset), then shaped by the schema metadata gives the
// property (Decimal/FLOAT64/STRING numbers, enum value names, ЭтоГруппа
// un-inverted). Field names are the 1C attribute names.
//
// It is immutable once built and safe for concurrent use.
type RowMapper struct {
	fields     []mappedField
	cols       []dialect.Column
	schema     *schema.Schema
	dialect    dialect.Dialect
	yearOffset int
}

type mappedField struct {
	prop     *metadata.Property
	schema   *schema.Schema
	kind     dialect.ColumnKind
	enum     map[string]string // canonical UUID → value name
	handling metadata.DecimalHandling
}

// MapperOptions tune NewRowMapper.
type MapperOptions struct {
	DecimalHandling metadata.DecimalHandling
	// Namespace of the struct schema name (default "onec").
	Namespace string
}

// NewRowMapper builds a mapper for props of o, read through d. The struct
// schema is named "<namespace>.<Kind>.<Name>" and has the fields in the
// order of props.
func NewRowMapper(d dialect.Dialect, o *metadata.Object, props []*metadata.Property, opts MapperOptions) (*RowMapper, error) {
	full, err := o.ConnectSchema(metadata.SchemaOptions{DecimalHandling: opts.DecimalHandling, Namespace: opts.Namespace})
	if err != nil {
		return nil, fmt.Errorf("schema of %s: %w", o.FullNameRU(), err)
	}
	ns := opts.Namespace
	if ns == "" {
		ns = "onec"
	}
	ib := o.Infobase()
	m := &RowMapper{dialect: d, yearOffset: max(ib.YearOffset, 0)}
	b := schema.StructBuilder().Name(ns + "." + o.Kind.String() + "." + o.Name).Doc(o.Synonym)
	for _, p := range props {
		if len(p.Columns) != 1 {
			return nil, fmt.Errorf("%s.%s (%s): %w", o.FullNameRU(), p.Name, p.Type.Describe(), ErrUnsupportedType)
		}
		f, ok := full.Field(p.Name)
		if !ok {
			return nil, fmt.Errorf("%s.%s: not in the object's schema", o.FullNameRU(), p.Name)
		}
		col, err := DialectColumn(p.Columns[0])
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", o.FullNameRU(), p.Name, err)
		}
		mf := mappedField{prop: p, schema: f.Schema, kind: col.Kind, handling: opts.DecimalHandling}
		if len(p.Type.Refs) == 1 && ib != nil {
			if t, ok := ib.ObjectByUUID(p.Type.Refs[0]); ok && t.Kind == metadata.KindEnum {
				mf.enum = make(map[string]string, len(t.EnumValues))
				for _, ev := range t.EnumValues {
					mf.enum[strings.ToLower(ev.UUID.String())] = ev.Name
				}
			}
		}
		m.fields = append(m.fields, mf)
		m.cols = append(m.cols, col)
		b.Field(p.Name, f.Schema)
	}
	if m.schema, err = b.Build(); err != nil {
		return nil, fmt.Errorf("schema of %s: %w", o.FullNameRU(), err)
	}
	return m, nil
}

// DialectColumn converts a metadata column to the dialect's description.
func DialectColumn(c metadata.Column) (dialect.Column, error) {
	out := dialect.Column{Name: c.Name, Length: c.Length, Precision: c.Precision, Scale: c.Scale}
	switch c.Kind {
	case metadata.ColBinary16:
		out.Kind = dialect.Binary16
	case metadata.ColBool:
		out.Kind = dialect.Bool
	case metadata.ColString:
		out.Kind = dialect.String
		if c.Fixed {
			out.Kind = dialect.FixedString
		}
	case metadata.ColNumeric:
		out.Kind = dialect.Numeric
	case metadata.ColDateTime:
		out.Kind = dialect.DateTime
	case metadata.ColBytes:
		out.Kind = dialect.Bytes
	case metadata.ColTypeTag:
		out.Kind = dialect.TypeCode
	case metadata.ColBinary4:
		out.Kind = dialect.RTRef
	case metadata.ColVersion:
		out.Kind = dialect.Version
	default:
		return out, fmt.Errorf("column %s of kind %s: %w", c.Name, c.Kind, ErrUnsupportedType)
	}
	return out, nil
}

// Columns are the physical columns to select, one per property, in order.
func (m *RowMapper) Columns() []dialect.Column { return m.cols }

// Schema is the STRUCT schema of the mapped properties.
func (m *RowMapper) Schema() *schema.Schema { return m.schema }

// FieldSchema returns the schema of the i-th property.
func (m *RowMapper) FieldSchema(i int) *schema.Schema { return m.fields[i].schema }

// Len is the number of mapped properties.
func (m *RowMapper) Len() int { return len(m.fields) }

// Decode turns the raw driver values of one row (in Columns order) into
// Connect values in dst (same length). A value that does not decode is a
// *dialect.ValueError naming the column.
func (m *RowMapper) Decode(raw []any, dst []any) error {
	if len(raw) != len(m.fields) || len(dst) != len(m.fields) {
		return fmt.Errorf("decode row: %d values for %d fields", len(raw), len(m.fields))
	}
	for i := range m.fields {
		v, err := m.dialect.Decode(m.cols[i], raw[i], m.yearOffset)
		if err != nil {
			return err
		}
		if v, err = m.fields[i].connect(v); err != nil {
			return err
		}
		dst[i] = v
	}
	return nil
}

// Struct builds the struct value of decoded values (as Decode returns).
func (m *RowMapper) Struct(vals []any) *schema.Struct {
	st := schema.NewStruct(m.schema)
	for i, v := range vals {
		st.Set(i, v)
	}
	return st
}

// connect shapes a canonical value by the field's schema.
func (f *mappedField) connect(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch f.kind {
	case dialect.Bool:
		if b, ok := v.(bool); ok && f.prop.Inverted {
			return !b, nil
		}
	case dialect.Binary16:
		if s, ok := v.(string); ok && f.enum != nil {
			if name, ok := f.enum[strings.ToLower(s)]; ok {
				return name, nil
			}
			if s == "00000000-0000-0000-0000-000000000000" {
				return "", nil
			}
		}
	case dialect.Numeric:
		d, ok := v.(decimal.Decimal)
		if !ok {
			return nil, fmt.Errorf("field %s: numeric value of type %T", f.prop.Name, v)
		}
		switch f.handling {
		case metadata.DecimalDouble:
			return d.InexactFloat64(), nil
		case metadata.DecimalString:
			return d.String(), nil
		}
		if f.schema.Type() == schema.INT64 {
			return d.IntPart(), nil
		}
	case dialect.DateTime:
		if t, ok := v.(time.Time); ok {
			return t.UTC(), nil
		}
	}
	return v, nil
}

// Text renders a decoded value as text, for keys, headers and topic names:
// strings as they are, numbers in plain decimal, timestamps in RFC 3339,
// bytes as UTF-8.
func Text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return string(x)
	case decimal.Decimal:
		return x.String()
	case time.Time:
		return x.Format(time.RFC3339Nano)
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}
