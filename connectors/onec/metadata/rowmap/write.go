package rowmap

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
	"github.com/onecconnect/onecconnect/connectors/onec/uuid1c"
	"github.com/onecconnect/onecconnect/schema"
)

// emptyDate is 1C's empty date (§7.4), before the year offset.
var emptyDate = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)

// Values converts a Struct of Schema into one value per main-table column,
// in Columns order, for an INSERT or UPDATE (see the package documentation
// for the Go types). Tabular sections in the struct are ignored. Fields the
// schema leaves out (a constant's КлючЗаписи) get the platform's filler.
func (om *ObjectMapper) Values(s *schema.Struct) ([]any, error) {
	if s == nil {
		return nil, fmt.Errorf("rowmap: %s: nil struct", om.object.FullName())
	}
	if !s.Schema().Equal(om.main.schema) {
		return nil, fmt.Errorf("rowmap: %s: struct of schema %q, want %q", om.object.FullName(), s.Schema().Name(), om.main.schema.Name())
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("rowmap: %s: %w", om.object.FullName(), err)
	}
	out := make([]any, len(om.main.columns))
	for i := range om.main.props {
		pp := &om.main.props[i]
		var v any
		if pp.field >= 0 {
			v = s.At(pp.field)
		}
		if err := om.m.writeProperty(pp, v, om.main.columns, out); err != nil {
			return nil, fmt.Errorf("rowmap: %s.%s: %w", om.object.FullName(), pp.p.Name, err)
		}
	}
	return out, nil
}

// filler is the value of a column that holds nothing: the unused parts of
// a composite, NULL-free empty values (§5.5, §8.2).
func (m *Mapper) filler(c metadata.Column) any {
	switch c.Kind {
	case metadata.ColBinary16:
		return make([]byte, 16)
	case metadata.ColBinary4:
		return make([]byte, 4)
	case metadata.ColTypeTag:
		if c.Purpose == metadata.PurposeTag {
			return []byte{tagUndefined}
		}
		return []byte{0}
	case metadata.ColBool:
		return m.boolValue(false)
	case metadata.ColNumeric:
		return decimal.Zero
	case metadata.ColDateTime:
		return m.ib.DateToDB(emptyDate)
	case metadata.ColString:
		return ""
	case metadata.ColBytes:
		return []byte{}
	case metadata.ColVersion:
		return m.versionValue(0)
	}
	return nil
}

func (m *Mapper) boolValue(b bool) any {
	if m.ib.DBMS == metadata.DBMSSQLServer {
		if b {
			return []byte{1}
		}
		return []byte{0}
	}
	return b
}

func (m *Mapper) versionValue(n int64) any {
	if m.ib.DBMS == metadata.DBMSSQLServer {
		return nil // rowversion: written by the server
	}
	return n
}

func (m *Mapper) writeProperty(pp *propPlan, v any, cols []metadata.Column, out []any) error {
	for _, i := range pp.cols {
		out[i] = m.filler(cols[i])
	}
	t := &pp.p.Type
	if pp.kind == vkComposite {
		return m.writeComposite(pp, v, out)
	}
	if v == nil {
		return nil // the filler: the empty value of the type
	}
	i := pp.cols[0]
	switch pp.kind {
	case vkSkip:
		return nil
	case vkVersion:
		n, ok := v.(int64)
		if !ok {
			return fmt.Errorf("want int64, got %T", v)
		}
		out[i] = m.versionValue(n)
	case vkKeyField:
		n, ok := v.(int64)
		if !ok || n < 0 || n > 1<<32-1 {
			return fmt.Errorf("want int64 in 0..2^32-1, got %v", v)
		}
		out[i] = uint4(uint32(n))
	case vkRef:
		target, err := m.target(t, -1)
		if err != nil {
			return err
		}
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("want string, got %T", v)
		}
		b, err := m.refBytes(target, s)
		if err != nil {
			return err
		}
		out[i] = b
	case vkBool:
		b, ok := v.(bool)
		if !ok {
			return fmt.Errorf("want bool, got %T", v)
		}
		out[i] = m.boolValue(b != pp.p.Inverted)
	case vkNumber:
		d, err := m.toDecimal(v, t)
		if err != nil {
			return err
		}
		out[i] = d
	case vkDate:
		d, ok := v.(time.Time)
		if !ok {
			return fmt.Errorf("want time.Time, got %T", v)
		}
		out[i] = m.dateValue(d)
	case vkString:
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("want string, got %T", v)
		}
		if err := fits(s, t); err != nil {
			return err
		}
		out[i] = s
	case vkUUID:
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("want string, got %T", v)
		}
		u, err := uuid1c.Parse(s)
		if err != nil {
			return err
		}
		db := u.DB()
		out[i] = db[:]
	case vkBytes:
		b, ok := v.([]byte)
		if !ok {
			return fmt.Errorf("want []byte, got %T", v)
		}
		out[i] = b
	}
	return nil
}

// dateValue converts a Connect timestamp to the stored wall clock, seconds
// precision, with the year offset added.
func (m *Mapper) dateValue(t time.Time) time.Time {
	return m.ib.DateToDB(t.UTC().Truncate(time.Second))
}

// fits checks a string against the type's length.
func fits(s string, t *metadata.TypeDef) error {
	if t.Length > 0 && utf8.RuneCountInString(s) > t.Length {
		return fmt.Errorf("string of %d characters exceeds String(%d)", utf8.RuneCountInString(s), t.Length)
	}
	return nil
}

// toDecimal converts a number in the mode's representation to a decimal
// that fits Number(p,s), rounded to the scale as 1C does.
func (m *Mapper) toDecimal(v any, t *metadata.TypeDef) (decimal.Decimal, error) {
	var d decimal.Decimal
	var err error
	switch x := v.(type) {
	case float64:
		d = decimal.NewFromFloat(x)
	case string:
		d, err = decimal.NewFromString(strings.TrimSpace(x))
	default:
		d, err = schema.ToDecimal(v)
	}
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("number: %w", err)
	}
	return fitDecimal(d, t)
}

func fitDecimal(d decimal.Decimal, t *metadata.TypeDef) (decimal.Decimal, error) {
	d = d.Round(int32(t.Scale))
	if t.NonNegative && d.Sign() < 0 {
		return decimal.Decimal{}, fmt.Errorf("%s is negative; the type is non-negative", d)
	}
	if t.Precision > 0 {
		limit := decimal.New(1, int32(t.Precision-t.Scale))
		if d.Abs().GreaterThanOrEqual(limit) {
			return decimal.Decimal{}, fmt.Errorf("%s does not fit Number(%d,%d)", d, t.Precision, t.Scale)
		}
	}
	return d, nil
}

// refBytes converts a reference's text (canonical UUID, or an enum value
// name) to its 16 stored bytes.
func (m *Mapper) refBytes(target *metadata.Object, s string) ([]byte, error) {
	var u uuid1c.UUID
	if target != nil && target.Kind == metadata.KindEnum {
		id, ok := m.enums.ValueID(target, s)
		if !ok {
			return nil, fmt.Errorf("%s has no value %q", target.FullName(), s)
		}
		u = id
	} else {
		var err error
		if u, err = uuid1c.Parse(s); err != nil {
			return nil, err
		}
	}
	db := u.DB()
	return db[:], nil
}

func (m *Mapper) writeComposite(pp *propPlan, v any, out []any) error {
	t := &pp.p.Type
	setTag := func(tag byte) {
		if pp.tag >= 0 {
			out[pp.tag] = []byte{tag}
		}
	}
	if v == nil {
		setTag(tagUndefined)
		return nil
	}
	st, ok := v.(*schema.Struct)
	if !ok {
		return fmt.Errorf("want an %s struct, got %T", metadata.CompositeSchemaName, v)
	}
	typ, _ := st.At(0).(string)
	val, hasVal := st.At(1).(string)
	if st.At(1) != nil && !hasVal {
		return fmt.Errorf("composite value of type %T, want string", st.At(1))
	}
	need := func(i int, what string) error {
		if i < 0 {
			return fmt.Errorf("the type %s allows no %s", t.Describe(), what)
		}
		if !hasVal {
			return fmt.Errorf("composite of type %s without a value", typ)
		}
		return nil
	}
	switch typ {
	case TypeUndefined:
		setTag(tagUndefined)
	case TypeBoolean:
		if err := need(pp.l, "boolean"); err != nil {
			return err
		}
		switch val {
		case "true":
			out[pp.l] = m.boolValue(true)
		case "false":
		default:
			return fmt.Errorf("boolean %q, want true or false", val)
		}
		setTag(tagBoolean)
	case TypeNumber:
		if err := need(pp.n, "number"); err != nil {
			return err
		}
		d, err := decimal.NewFromString(val)
		if err != nil {
			return fmt.Errorf("number %q: %w", val, err)
		}
		if d, err = fitDecimal(d, t); err != nil {
			return err
		}
		out[pp.n] = d
		setTag(tagNumber)
	case TypeDate:
		if err := need(pp.t, "date"); err != nil {
			return err
		}
		d, err := time.Parse(time.RFC3339Nano, val)
		if err != nil {
			return fmt.Errorf("date %q: %w", val, err)
		}
		out[pp.t] = m.dateValue(d)
		setTag(tagDate)
	case TypeString:
		if err := need(pp.s, "string"); err != nil {
			return err
		}
		if err := fits(val, t); err != nil {
			return err
		}
		out[pp.s] = val
		setTag(tagString)
	default:
		if pp.ref < 0 {
			return fmt.Errorf("the type %s allows no reference", t.Describe())
		}
		target, err := m.ib.Lookup(typ)
		if err != nil {
			return fmt.Errorf("composite type %q: %w", typ, err)
		}
		allowed := false
		for _, r := range t.Refs {
			allowed = allowed || r == target.UUID
		}
		if !allowed {
			return fmt.Errorf("the type %s does not allow %s", t.Describe(), target.FullName())
		}
		if hasVal {
			b, err := m.refBytes(target, val)
			if err != nil {
				return err
			}
			out[pp.ref] = b
		}
		if pp.code >= 0 {
			out[pp.code] = uint4(uint32(target.TypeCode))
		}
		setTag(tagReference)
	}
	return nil
}
