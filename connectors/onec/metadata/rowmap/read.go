package rowmap

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
	"github.com/onecconnect/onecconnect/connectors/onec/uuid1c"
	"github.com/onecconnect/onecconnect/schema"
)

// Composite type names used in the onec.Composite struct's "type" field
// for primitive values; references use the target's English full name.
const (
	TypeUndefined = "Undefined"
	TypeBoolean   = "Boolean"
	TypeNumber    = "Number"
	TypeDate      = "Date"
	TypeString    = "String"
)

// _TYPE tags of composite values (1c-layout.md §5.5).
const (
	tagUndefined = 0x01
	tagBoolean   = 0x02
	tagNumber    = 0x03
	tagDate      = 0x04
	tagString    = 0x05
	tagReference = 0x08
)

// Struct converts one row of the main table (values in Columns order) and
// the rows of its tabular sections (by section name, each row in
// SectionColumns order, in НомерСтроки order) into a Struct of Schema. A
// section missing from sections becomes an empty array.
func (om *ObjectMapper) Struct(row []any, sections map[string][][]any) (*schema.Struct, error) {
	return om.StructInto(schema.NewStruct(om.Schema()), row, sections)
}

// StructInto is Struct filling st, an empty Struct of Schema (from
// schema.NewStructs when a page of rows is mapped at once), and returning
// it.
func (om *ObjectMapper) StructInto(st *schema.Struct, row []any, sections map[string][][]any) (*schema.Struct, error) {
	if st.Schema() != om.Schema() {
		return nil, fmt.Errorf("rowmap: %s: the struct to fill has another schema", om.object.FullName())
	}
	if err := om.m.fillStruct(st, &om.main, row); err != nil {
		return nil, fmt.Errorf("rowmap: %s: %w", om.object.FullName(), err)
	}
	for name := range sections {
		if _, err := om.section(name); err != nil {
			return nil, err
		}
	}
	for i := range om.sections {
		sp := &om.sections[i]
		var rows [][]any
		if len(sections) > 0 {
			var ok bool
			if rows, ok = sections[sp.ts.Name]; !ok {
				for name, rs := range sections {
					if lower(name) == sp.lower {
						rows = rs
					}
				}
			}
		}
		arr := make([]any, len(rows))
		for j, r := range rows {
			s, err := om.m.tableStruct(&sp.tablePlan, r)
			if err != nil {
				return nil, fmt.Errorf("rowmap: %s.%s row %d: %w", om.object.FullName(), sp.ts.Name, j+1, err)
			}
			arr[j] = s
		}
		st.Set(sp.field, arr)
	}
	if om.m.opts.Validate {
		if err := st.Validate(); err != nil {
			return nil, fmt.Errorf("rowmap: %s: %w", om.object.FullName(), err)
		}
	}
	return st, nil
}

// SectionStruct converts one row of a tabular section into a Struct of the
// object's SectionSchema (the owner's Ссылка included), for sections
// published row by row.
func (om *ObjectMapper) SectionStruct(name string, row []any) (*schema.Struct, error) {
	sp, err := om.section(name)
	if err != nil {
		return nil, err
	}
	own := sp.own
	own.once.Do(func() {
		s, err := om.object.SectionSchema(sp.ts, om.m.opts.Schema)
		if err != nil {
			own.err = fmt.Errorf("rowmap: %w", err)
			return
		}
		own.tp, err = om.m.newTablePlan(s, sp.columns, sp.ts.AllProperties(), "")
		if err != nil {
			own.err = fmt.Errorf("rowmap: %s.%s: %w", om.object.FullName(), sp.ts.Name, err)
		}
	})
	if own.err != nil {
		return nil, own.err
	}
	st, err := om.m.tableStruct(&own.tp, row)
	if err != nil {
		return nil, fmt.Errorf("rowmap: %s.%s: %w", om.object.FullName(), sp.ts.Name, err)
	}
	if om.m.opts.Validate {
		if err := st.Validate(); err != nil {
			return nil, fmt.Errorf("rowmap: %s.%s: %w", om.object.FullName(), sp.ts.Name, err)
		}
	}
	return st, nil
}

// tableStruct maps one row by its plan: one pass over the properties, no
// lookups beyond the enum names. The values have the field schemas' Go
// types by construction; NULLs in required fields are rejected here, so
// Validate (Options.Validate) is not needed per row.
func (m *Mapper) tableStruct(tp *tablePlan, row []any) (*schema.Struct, error) {
	st := schema.NewStruct(tp.schema)
	if err := m.fillStruct(st, tp, row); err != nil {
		return nil, err
	}
	return st, nil
}

// fillStruct is tableStruct into st, an empty Struct of tp's schema.
func (m *Mapper) fillStruct(st *schema.Struct, tp *tablePlan, row []any) error {
	if len(row) != len(tp.columns) {
		return fmt.Errorf("row has %d values for %d columns", len(row), len(tp.columns))
	}
	for i := range tp.props {
		pp := &tp.props[i]
		if pp.kind == vkSkip {
			continue
		}
		v, err := m.readProperty(pp, row)
		if err != nil {
			return fmt.Errorf("%s: %w", pp.p.Name, err)
		}
		if v == nil && pp.required {
			return &schema.ValidationError{Path: pp.p.Name, Reason: "required " + pp.fs.Describe() + " is null"}
		}
		st.Set(pp.field, v)
	}
	return nil
}

// nilUUID is the text of the zero UUID, boxed once.
var nilUUID any = uuid1c.Nil.String()

// Boxed constants of composite values.
var (
	anyTrue  any = "true"
	anyFalse any = "false"
)

func (m *Mapper) readProperty(pp *propPlan, row []any) (any, error) {
	if pp.kind == vkComposite {
		return m.readComposite(pp, row)
	}
	raw := row[pp.cols[0]]
	if raw == nil {
		return nil, nil // NULL (nullable attributes of group rows); Validate rejects it where required
	}
	switch pp.kind {
	case vkVersion:
		n, err := rawUint(raw, 8)
		if err != nil {
			return nil, err
		}
		return int64(n), nil
	case vkKeyField:
		n, err := rawUint(raw, 4)
		if err != nil {
			return nil, err
		}
		return int64(n), nil
	case vkRef:
		if pp.targetErr != nil {
			return nil, pp.targetErr
		}
		if pp.enumNames != nil {
			u, ok, err := rawRef(raw)
			if err != nil || !ok {
				return nil, err
			}
			if name, ok := pp.enumNames[u]; ok {
				return name, nil
			}
			return nil, fmt.Errorf("%s has no value with reference %s", pp.target.FullName(), u)
		}
		return m.readRef(pp.target, raw)
	case vkBool:
		b, err := rawBool(raw)
		if err != nil {
			return nil, err
		}
		return b != pp.p.Inverted, nil
	case vkNumber:
		if d, ok := raw.(decimal.Decimal); ok && m.opts.Schema.DecimalHandling == metadata.DecimalPrecise {
			return raw, nil // d as is, without boxing it again
		} else if ok {
			return m.number(d, pp.scale), nil
		}
		d, err := rawDecimal(raw)
		if err != nil {
			return nil, err
		}
		return m.number(d, pp.scale), nil
	case vkDate:
		if t, ok := raw.(time.Time); ok && t.Location() == time.UTC && (m.opts.DatesWithoutOffset || m.ib.YearOffset <= 0) {
			return raw, nil // unchanged: keep the driver's boxed value
		}
		return m.date(raw)
	case vkString:
		if x, ok := raw.(string); ok {
			if !pp.fixed {
				return raw, nil
			}
			if t := strings.TrimRightFunc(x, unicode.IsSpace); len(t) != len(x) {
				return t, nil
			}
			return raw, nil
		}
		return rawString(raw, pp.fixed)
	case vkUUID:
		u, _, err := rawRef(raw)
		if err != nil {
			return nil, err
		}
		if u.IsNil() {
			return nilUUID, nil
		}
		return u.String(), nil
	case vkBytes:
		if _, ok := raw.([]byte); ok {
			return raw, nil
		}
		return rawBytes(raw)
	}
	return nil, fmt.Errorf("unmapped property kind %d", pp.kind)
}

// number renders a decimal by the decimal handling mode.
func (m *Mapper) number(d decimal.Decimal, scale int32) any {
	switch m.opts.Schema.DecimalHandling {
	case metadata.DecimalDouble:
		return d.InexactFloat64()
	case metadata.DecimalString:
		return d.StringFixed(scale)
	}
	return d
}

func (m *Mapper) date(raw any) (time.Time, error) {
	t, err := rawTime(raw)
	if err != nil {
		return time.Time{}, err
	}
	if !m.opts.DatesWithoutOffset {
		t = m.ib.DateFromDB(t)
	}
	return t, nil
}

// readRef returns a reference's value: nil for the empty reference, the
// enum value name for an enum target, else the canonical UUID.
func (m *Mapper) readRef(target *metadata.Object, raw any) (any, error) {
	u, ok, err := rawRef(raw)
	if err != nil || !ok {
		return nil, err
	}
	if target != nil && target.Kind == metadata.KindEnum {
		if et, isTable := m.enums.(*enumTable); isTable {
			if name, ok := et.boxed[target.UUID][u]; ok {
				return name, nil
			}
		} else if name, ok := m.enums.ValueName(target, u); ok {
			return name, nil
		}
		return nil, fmt.Errorf("%s has no value with reference %s", target.FullName(), u)
	}
	return u.String(), nil
}

// target returns the object a reference points to: by type code (code ≥
// 0, from an _RTRef column), or the single target of the type (code < 0);
// nil when the target is not modelled.
func (m *Mapper) target(t *metadata.TypeDef, code int) (*metadata.Object, error) {
	if code < 0 {
		if len(t.Refs) == 1 && len(t.UnknownRefs) == 0 {
			o, ok := m.ib.ObjectByUUID(t.Refs[0])
			if !ok {
				return nil, fmt.Errorf("reference target %s is not in the snapshot", t.Refs[0])
			}
			return o, nil
		}
		return nil, nil
	}
	o, ok := m.ib.ObjectByTypeCode(code)
	if !ok {
		return nil, nil
	}
	return o, nil
}

// fullName returns an object's English full name, boxed.
func (m *Mapper) fullName(o *metadata.Object) any {
	if n, ok := m.fullNames[o]; ok {
		return n
	}
	return o.FullName()
}

// composite builds an onec.Composite struct.
func composite(fs *schema.Schema, typ, value any) *schema.Struct {
	st := schema.NewStruct(fs)
	st.Set(0, typ)
	st.Set(1, value)
	return st
}

// compositePart returns the row value of a composite's part.
func compositePart(row []any, i int, tag uint64, what string) (any, error) {
	if i < 0 {
		return nil, fmt.Errorf("_TYPE %#02x but the type has no %s part", tag, what)
	}
	if row[i] == nil {
		return nil, fmt.Errorf("_TYPE %#02x but the %s part is NULL", tag, what)
	}
	return row[i], nil
}

func (m *Mapper) readComposite(pp *propPlan, row []any) (any, error) {
	fs := pp.fs
	tag := uint64(tagReference) // a recorder (_RecorderTRef/_RecorderRRef) has no tag column
	if pp.tag >= 0 {
		raw := row[pp.tag]
		if raw == nil {
			return nil, nil
		}
		var err error
		if tag, err = rawUint(raw, 1); err != nil {
			return nil, fmt.Errorf("_TYPE: %w", err)
		}
	}
	switch tag {
	case tagUndefined:
		return composite(fs, TypeUndefined, nil), nil
	case tagBoolean:
		raw, err := compositePart(row, pp.l, tag, "boolean")
		if err != nil {
			return nil, err
		}
		b, err := rawBool(raw)
		if err != nil {
			return nil, err
		}
		v := anyFalse
		if b {
			v = anyTrue
		}
		return composite(fs, TypeBoolean, v), nil
	case tagNumber:
		raw, err := compositePart(row, pp.n, tag, "number")
		if err != nil {
			return nil, err
		}
		d, err := rawDecimal(raw)
		if err != nil {
			return nil, err
		}
		return composite(fs, TypeNumber, d.StringFixed(pp.scale)), nil
	case tagDate:
		raw, err := compositePart(row, pp.t, tag, "date")
		if err != nil {
			return nil, err
		}
		d, err := m.date(raw)
		if err != nil {
			return nil, err
		}
		return composite(fs, TypeDate, d.Format(time.RFC3339Nano)), nil
	case tagString:
		raw, err := compositePart(row, pp.s, tag, "string")
		if err != nil {
			return nil, err
		}
		if x, ok := raw.(string); ok && (!pp.fixed || len(strings.TrimRightFunc(x, unicode.IsSpace)) == len(x)) {
			return composite(fs, TypeString, raw), nil
		}
		s, err := rawString(raw, pp.fixed)
		if err != nil {
			return nil, err
		}
		return composite(fs, TypeString, s), nil
	case tagReference:
		raw, err := compositePart(row, pp.ref, tag, "reference")
		if err != nil {
			return nil, err
		}
		code := -1
		if pp.code >= 0 {
			c, err := compositePart(row, pp.code, tag, "type code")
			if err != nil {
				return nil, err
			}
			n, err := rawUint(c, 4)
			if err != nil {
				return nil, fmt.Errorf("_RTRef: %w", err)
			}
			code = int(n)
		}
		target, err := pp.target, pp.targetErr
		if code >= 0 {
			target, err = m.target(&pp.p.Type, code)
		}
		if err != nil {
			return nil, err
		}
		if target == nil {
			if _, ok, _ := rawRef(raw); !ok && code == 0 {
				return composite(fs, TypeUndefined, nil), nil // a recorder never set
			}
			if code < 0 {
				return nil, fmt.Errorf("reference to an object the snapshot does not model")
			}
			return nil, fmt.Errorf("type code %d names no object of the snapshot", code)
		}
		v, err := m.readRef(target, raw)
		if err != nil {
			return nil, err
		}
		return composite(fs, m.fullName(target), v), nil
	}
	return nil, fmt.Errorf("unknown _TYPE tag %#02x", tag)
}
