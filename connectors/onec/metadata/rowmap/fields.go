package rowmap

import (
	"errors"
	"fmt"

	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
	"github.com/onecconnect/onecconnect/schema"
)

// FieldMapper maps some properties of an object's main table, for readers
// that select only the columns they use (the queue source with value.field
// set). Each property maps exactly as Struct maps it; its value has the
// schema of the property's field in the object's Schema. It is immutable
// and safe for concurrent use.
type FieldMapper struct {
	m      *Mapper
	object *metadata.Object
	tp     tablePlan
}

// Fields returns the mapper of the given properties of the object's main
// table (properties of om.Object(), in the order given, each once). Its
// rows hold the columns of those properties only, in the order of
// FieldMapper.Columns.
func (om *ObjectMapper) Fields(props []*metadata.Property) (*FieldMapper, error) {
	if len(props) == 0 {
		return nil, errors.New("rowmap: no properties")
	}
	seen := make(map[*metadata.Property]bool, len(props))
	var cols []metadata.Column
	for _, p := range props {
		if p == nil || seen[p] {
			return nil, fmt.Errorf("rowmap: %s: nil or repeated property", om.object.FullName())
		}
		seen[p] = true
		cols = append(cols, p.Columns...)
	}
	tp, err := om.m.newTablePlan(om.main.schema, cols, props, "")
	if err != nil {
		return nil, fmt.Errorf("rowmap: %s: %w", om.object.FullName(), err)
	}
	for i := range tp.props {
		if tp.props[i].field < 0 {
			return nil, fmt.Errorf("rowmap: %s.%s is not a field of the schema", om.object.FullName(), tp.props[i].p.Name)
		}
	}
	return &FieldMapper{m: om.m, object: om.object, tp: tp}, nil
}

// Columns returns the columns a row holds, in order (a new slice).
func (fm *FieldMapper) Columns() []metadata.Column {
	return append([]metadata.Column(nil), fm.tp.columns...)
}

// Len is the number of mapped properties.
func (fm *FieldMapper) Len() int { return len(fm.tp.props) }

// Schema returns the schema of the i-th property's value: the schema of
// its field in the object's Schema.
func (fm *FieldMapper) Schema(i int) *schema.Schema { return fm.tp.props[i].fs }

// Values converts one row (values in Columns order, as Struct accepts
// them) into one value per property in dst (Len values): the value Struct
// gives the property's field. A NULL in a required field is an error.
func (fm *FieldMapper) Values(row, dst []any) error {
	if len(row) != len(fm.tp.columns) || len(dst) != len(fm.tp.props) {
		return fmt.Errorf("rowmap: %s: %d values for %d columns, %d destinations for %d fields",
			fm.object.FullName(), len(row), len(fm.tp.columns), len(dst), len(fm.tp.props))
	}
	for i := range fm.tp.props {
		pp := &fm.tp.props[i]
		v, err := fm.m.readProperty(pp, row)
		if err != nil {
			return fmt.Errorf("rowmap: %s: %s: %w", fm.object.FullName(), pp.p.Name, err)
		}
		if v == nil && pp.required {
			return fmt.Errorf("rowmap: %s: %w", fm.object.FullName(),
				&schema.ValidationError{Path: pp.p.Name, Reason: "required " + pp.fs.Describe() + " is null"})
		}
		dst[i] = v
	}
	return nil
}
