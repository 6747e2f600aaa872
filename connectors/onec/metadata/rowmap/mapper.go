package rowmap

import (
	"errors"
	"fmt"
	"sync"

	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
	"github.com/onecconnect/onecconnect/connectors/onec/uuid1c"
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
	// Validate makes Struct and SectionStruct check every struct they
	// return against its schema. The mapper produces the schema's types by
	// construction (the schema is derived by the same code), so this is for
	// tests and debugging; it costs about a third of the mapping time.
	Validate bool
}

// Mapper maps rows of one infobase snapshot. It is immutable and safe for
// concurrent use.
type Mapper struct {
	ib    *metadata.Infobase
	opts  Options
	enums EnumResolver
	// fullNames holds each object's English full name, boxed once, for
	// the "type" of composite values.
	fullNames map[*metadata.Object]any
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
	m.fullNames = make(map[*metadata.Object]any, len(ib.Objects))
	for _, o := range ib.Objects {
		m.fullNames[o] = o.FullName()
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
	// fs is the field's schema (the onec.Composite struct of composites).
	fs *schema.Schema
	// required: the field is neither optional nor defaulted, so a NULL is
	// an error (the one check of Validate the types do not guarantee).
	required bool
	// target is the single target of a reference type (m.target(t, -1)),
	// targetErr the error resolving it, reported when a row needs it.
	target    *metadata.Object
	targetErr error
	// enumNames are the boxed value names of an enum target, by reference,
	// when the resolver is the built-in table; nil otherwise.
	enumNames map[uuid1c.UUID]any
	scale     int32
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
	lower string // lower(ts.Name)
	field int
	tablePlan
	// own is the plan of SectionStruct (the owner's Ссылка included),
	// built on first use.
	own *lazyPlan
}

type lazyPlan struct {
	once sync.Once
	tp   tablePlan
	err  error
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
	om.main, err = m.newTablePlan(s, o.Columns(), o.AllProperties(), "")
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
		tp, err := m.newTablePlan(f.Schema.ValueSchema(), cols, ts.AllProperties(), "Ссылка")
		if err != nil {
			return nil, fmt.Errorf("rowmap: %s.%s: %w", o.FullName(), ts.Name, err)
		}
		om.sections = append(om.sections, sectionPlan{ts: ts, lower: lower(ts.Name), field: f.Index, tablePlan: tp, own: &lazyPlan{}})
	}
	return om, nil
}

func (m *Mapper) newTablePlan(s *schema.Schema, cols []metadata.Column, props []*metadata.Property, skip string) (tablePlan, error) {
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
			pp.fs = f.Schema
			_, hasDefault := f.Schema.Default()
			pp.required = !f.Schema.Optional() && !hasDefault
		}
		pp.scale = int32(t.Scale)
		if pp.kind == vkRef || pp.kind == vkComposite {
			pp.target, pp.targetErr = m.target(t, -1)
		}
		if pp.kind == vkRef && pp.target != nil && pp.target.Kind == metadata.KindEnum {
			if et, ok := m.enums.(*enumTable); ok {
				pp.enumNames = et.boxed[pp.target.UUID]
				if pp.enumNames == nil {
					pp.enumNames = map[uuid1c.UUID]any{}
				}
			}
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
		if om.sections[i].ts.Name == name {
			return &om.sections[i], nil
		}
	}
	ln := lower(name)
	for i := range om.sections {
		if om.sections[i].lower == ln {
			return &om.sections[i], nil
		}
	}
	return nil, fmt.Errorf("rowmap: %s has no tabular section %q", om.object.FullName(), name)
}
