package rowmap

import (
	"errors"
	"fmt"

	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
	"github.com/onecconnect/onecconnect/schema"
)

// Options tunes a Mapper. The zero value maps with precise decimals, the
// enum values of the model and dates as stored (with the year offset).
type Options struct {
	// Schema selects the decimal handling and namespace of the schemas.
	Schema metadata.SchemaOptions
	// Enums resolves enum references; nil means ModelEnums(ib).
	Enums EnumResolver
	// DatesWithoutOffset says the dates given to Struct already have the
	// year offset removed (e.g. decoded by connectors/onec/dialect), so
	// Struct must not remove it again. Values still adds it.
	DatesWithoutOffset bool
}

// Mapper maps rows of one infobase snapshot. It is immutable and safe for
// concurrent use.
type Mapper struct {
	ib    *metadata.Infobase
	opts  Options
	enums EnumResolver
}

// New returns a Mapper over the snapshot ib.
func New(ib *metadata.Infobase, opts Options) (*Mapper, error) {
	if ib == nil {
		return nil, errors.New("rowmap: nil infobase")
	}
	m := &Mapper{ib: ib, opts: opts, enums: opts.Enums}
	if m.enums == nil {
		m.enums = ModelEnums(ib)
	}
	return m, nil
}

// valueKind says how a property's columns become a value.
type valueKind uint8

const (
	vkSkip      valueKind = iota // not in the schema (КлючЗаписи)
	vkVersion                    // ВерсияДанных → int64
	vkKeyField                   // КлючСтроки → int64
	vkComposite                  // onec.Composite struct
	vkRef                        // single-target reference → string
	vkBool
	vkNumber
	vkDate
	vkString
	vkUUID
	vkBytes
)

// propPlan is how one property maps: its field in the struct and its
// columns in the row.
type propPlan struct {
	p     *metadata.Property
	field int // index in the struct schema, -1 when left out
	cols  []int
	kind  valueKind
	fixed bool // fixed-length string
	// composite: row indexes by purpose, -1 when absent.
	tag, l, n, t, s, b, code, ref int
}

// tablePlan is the mapping of one table: its columns and properties.
type tablePlan struct {
	schema  *schema.Schema
	columns []metadata.Column
	props   []propPlan
}

// ObjectMapper converts the rows of one object. It is immutable and safe
// for concurrent use.
type ObjectMapper struct {
	m      *Mapper
	object *metadata.Object
	main   tablePlan
	// sections in the order of the object's tabular sections; field is the
	// struct field holding the array.
	sections []sectionPlan
}

type sectionPlan struct {
	ts    *metadata.TabularSection
	field int
	tablePlan
}

// Object returns the mapper of one object of the snapshot.
func (m *Mapper) Object(o *metadata.Object) (*ObjectMapper, error) {
	if o == nil {
		return nil, errors.New("rowmap: nil object")
	}
	if o.Table == "" {
		return nil, fmt.Errorf("rowmap: %s has no physical layout (a model read without DBNames)", o.FullName())
	}
	s, err := o.ConnectSchema(m.opts.Schema)
	if err != nil {
		return nil, fmt.Errorf("rowmap: %w", err)
	}
	om := &ObjectMapper{m: m, object: o}
	om.main, err = newTablePlan(s, o.Columns(), o.AllProperties(), "")
	if err != nil {
		return nil, fmt.Errorf("rowmap: %s: %w", o.FullName(), err)
	}
	for _, ts := range o.TabularSections {
		f, ok := s.Field(ts.Name)
		if !ok {
			return nil, fmt.Errorf("rowmap: %s: schema has no field %s", o.FullName(), ts.Name)
		}
		var cols []metadata.Column
		for _, p := range ts.AllProperties() {
			cols = append(cols, p.Columns...)
		}
		tp, err := newTablePlan(f.Schema.ValueSchema(), cols, ts.AllProperties(), "Ссылка")
		if err != nil {
			return nil, fmt.Errorf("rowmap: %s.%s: %w", o.FullName(), ts.Name, err)
		}
		om.sections = append(om.sections, sectionPlan{ts: ts, field: f.Index, tablePlan: tp})
	}
	return om, nil
}

func newTablePlan(s *schema.Schema, cols []metadata.Column, props []*metadata.Property, skip string) (tablePlan, error) {
	tp := tablePlan{schema: s, columns: cols}
	index := make(map[string]int, len(cols))
	for i, c := range cols {
		index[c.Name] = i
	}
	for _, p := range props {
		pp := propPlan{p: p, field: -1, tag: -1, l: -1, n: -1, t: -1, s: -1, b: -1, code: -1, ref: -1}
		for _, c := range p.Columns {
			i, ok := index[c.Name]
			if !ok {
				return tp, fmt.Errorf("column %s of %s is not in the table", c.Name, p.Name)
			}
			pp.cols = append(pp.cols, i)
			switch c.Purpose {
			case metadata.PurposeTag:
				pp.tag = i
			case metadata.PurposeBool:
				pp.l = i
			case metadata.PurposeNumber:
				pp.n = i
			case metadata.PurposeDate:
				pp.t = i
			case metadata.PurposeString:
				pp.s = i
			case metadata.PurposeBinary:
				pp.b = i
			case metadata.PurposeTypeCode:
				pp.code = i
			case metadata.PurposeRef:
				pp.ref = i
			}
			pp.fixed = pp.fixed || c.Fixed
		}
		if len(pp.cols) == 0 {
			return tp, fmt.Errorf("property %s has no columns", p.Name)
		}
		t := &p.Type
		switch {
		case p.Name == "КлючЗаписи" || (p.Name == skip && p.Role == metadata.RoleStandard):
			pp.kind = vkSkip
		case p.Name == "ВерсияДанных":
			pp.kind = vkVersion
		case p.Name == "КлючСтроки":
			pp.kind = vkKeyField
		case t.IsComposite():
			pp.kind = vkComposite
		case t.IsReference():
			pp.kind = vkRef
		case t.Boolean:
			pp.kind = vkBool
		case t.Number:
			pp.kind = vkNumber
		case t.Date:
			pp.kind = vkDate
		case t.String:
			pp.kind = vkString
		case t.UUID:
			pp.kind = vkUUID
		case t.ValueStorage:
			pp.kind = vkBytes
		default:
			return tp, fmt.Errorf("property %s has no type", p.Name)
		}
		if pp.kind != vkSkip {
			f, ok := s.Field(p.Name)
			if !ok {
				return tp, fmt.Errorf("schema has no field %s", p.Name)
			}
			pp.field = f.Index
		}
		tp.props = append(tp.props, pp)
	}
	return tp, nil
}

// Object returns the mapped object.
func (om *ObjectMapper) Object() *metadata.Object { return om.object }

// Schema returns the Connect schema of the object's structs.
func (om *ObjectMapper) Schema() *schema.Schema { return om.main.schema }

// Columns returns the main-table columns in the order Struct expects their
// values and Values returns them (a new slice).
func (om *ObjectMapper) Columns() []metadata.Column {
	return append([]metadata.Column(nil), om.main.columns...)
}

// SectionColumns returns the columns of a tabular section's table, the
// owner's reference included, in the order Struct expects their values.
func (om *ObjectMapper) SectionColumns(name string) ([]metadata.Column, error) {
	sp, err := om.section(name)
	if err != nil {
		return nil, err
	}
	return append([]metadata.Column(nil), sp.columns...), nil
}

func (om *ObjectMapper) section(name string) (*sectionPlan, error) {
	for i := range om.sections {
		if lower(om.sections[i].ts.Name) == lower(name) {
			return &om.sections[i], nil
		}
	}
	return nil, fmt.Errorf("rowmap: %s has no tabular section %q", om.object.FullName(), name)
}
