package onectest

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// Row holds the values of one row by 1C name: attribute, dimension and
// resource names, and the standard attributes Ссылка, ПометкаУдаления, Код,
// Наименование, Номер, Дата, Проведен, Родитель, ЭтоГруппа, Владелец,
// Период, Регистратор, НомерСтроки, Активность, ВидДвижения. Missing names
// get the type's empty value.
//
// Accepted Go values: nil (empty value; Undefined in a composite), string,
// bool, int, int64, float64, Decimal, time.Time, Reference, []byte
// (ValueStorage, UUID).
type Row map[string]any

// Decimal is an exact number written as text, e.g. "123.45".
type Decimal string

// Reference is a reference value: the referenced object's full name and
// the row's _IDRRef bytes.
type Reference struct {
	Object string
	ID     []byte
}

// EmptyDate is 1C's empty date, 0001-01-01 00:00:00.
var EmptyDate = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)

// standard maps standard attribute names to system columns.
var standard = map[string]string{
	"Ссылка": "_IDRRef", "ПометкаУдаления": "_Marked", "Код": "_Code", "Наименование": "_Description",
	"Номер": "_Number", "Дата": "_Date_Time", "Проведен": "_Posted", "Родитель": "_ParentIDRRef",
	"ЭтоГруппа": "_Folder", "Владелец": "_OwnerIDRRef", "Период": "_Period", "Регистратор": "_RecorderRRef",
	"НомерСтроки": "_LineNo", "Активность": "_Active", "ВидДвижения": "_RecordKind",
}

// Ref returns the reference to the n-th row (1-based) the bulk generators
// write for an object, or that InsertObject wrote without an explicit Ссылка.
func (b *Built) Ref(fullName string, n int64) (Reference, error) {
	ol, err := b.Object(fullName)
	if err != nil {
		return Reference{}, err
	}
	return Reference{Object: ol.Object.FullName(), ID: RowID(ol.UUID, n)}, nil
}

// EnumValue returns the reference to an enum value.
func (b *Built) EnumValue(enum, value string) (Reference, error) {
	id, err := b.EnumRef(enum, value)
	if err != nil {
		return Reference{}, err
	}
	o := b.Config.Object(enum)
	return Reference{Object: o.FullName(), ID: id}, nil
}

// filler returns the empty value of a column.
func filler(c *Column) any {
	switch c.kind {
	case colRef:
		return make([]byte, 16)
	case colTRef:
		return make([]byte, 4)
	case colTag:
		return []byte{1}
	case colKey:
		return make([]byte, c.length)
	case colBool:
		return false
	case colVersion, colNumber:
		return 0
	case colString:
		return ""
	case colDate:
		return EmptyDate
	default:
		return []byte{}
	}
}

// numeric converts Go numbers and Decimal to a value pgx writes to numeric.
func numeric(v any) (any, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case int64:
		return x, true
	case float64:
		return x, true
	case Decimal:
		var n pgtype.Numeric
		if err := n.Scan(string(x)); err != nil {
			return nil, false
		}
		return n, true
	case *big.Int:
		return pgtype.Numeric{Int: x, Valid: true}, true
	}
	return nil, false
}

// fieldValues encodes v into the columns of field f.
func (b *Built) fieldValues(f *FieldLayout, v any, out map[string]any) error {
	t := f.Attribute.Type
	fc := f.Columns
	bad := func() error {
		return fmt.Errorf("value %v (%T) does not fit the type of %s", v, v, f.Attribute.Name)
	}
	if fc.Single != "" {
		if v == nil {
			return nil // the filler
		}
		switch {
		case len(t.Refs) == 1:
			r, ok := v.(Reference)
			if !ok || len(r.ID) != 16 {
				return bad()
			}
			out[fc.Single] = r.ID
		case t.Boolean:
			x, ok := v.(bool)
			if !ok {
				return bad()
			}
			out[fc.Single] = x
		case t.Number:
			x, ok := numeric(v)
			if !ok {
				return bad()
			}
			out[fc.Single] = x
		case t.Dates != NoDate:
			x, ok := v.(time.Time)
			if !ok {
				return bad()
			}
			out[fc.Single] = x
		case t.String:
			x, ok := v.(string)
			if !ok {
				return bad()
			}
			out[fc.Single] = x
		default:
			x, ok := v.([]byte)
			if !ok {
				return bad()
			}
			out[fc.Single] = x
		}
		return nil
	}
	// Composite: a type tag plus the part that holds the value.
	switch x := v.(type) {
	case nil:
		out[fc.Type] = []byte{0x01}
	case bool:
		if fc.L == "" {
			return bad()
		}
		out[fc.Type], out[fc.L] = []byte{0x02}, x
	case time.Time:
		if fc.T == "" {
			return bad()
		}
		out[fc.Type], out[fc.T] = []byte{0x04}, x
	case string:
		if fc.S == "" {
			return bad()
		}
		out[fc.Type], out[fc.S] = []byte{0x05}, x
	case Reference:
		if fc.RRRef == "" || len(x.ID) != 16 {
			return bad()
		}
		target, err := b.Object(x.Object)
		if err != nil {
			return err
		}
		allowed := false
		for _, r := range t.Refs {
			allowed = allowed || b.Config.Object(r) == target.Object
		}
		if !allowed {
			return fmt.Errorf("%s cannot refer to %s", f.Attribute.Name, x.Object)
		}
		out[fc.Type], out[fc.RRRef] = []byte{0x08}, x.ID
		if fc.RTRef != "" {
			out[fc.RTRef] = typeCode(target.Code)
		}
	default:
		n, ok := numeric(v)
		if !ok || fc.N == "" {
			return bad()
		}
		out[fc.Type], out[fc.N] = []byte{0x03}, n
	}
	return nil
}

// rowValues maps a Row onto the columns of a table.
func (b *Built) rowValues(t *Table, fields map[string]*FieldLayout, row Row) (map[string]any, error) {
	out := map[string]any{}
	for name, v := range row {
		if col, ok := standard[name]; ok {
			switch {
			case t.Column(col) != nil:
				if r, isRef := v.(Reference); isRef {
					v = r.ID
				}
				if col == "_Folder" { // inverted: false = group
					g, _ := v.(bool)
					v = !g
				}
				out[col] = v
			case name == "Регистратор" && t.Column("_RecorderRRef") != nil:
				out["_RecorderRRef"] = v
			default:
				return nil, fmt.Errorf("onectest: %s has no standard attribute %s", t.Name, name)
			}
			continue
		}
		if strings.HasPrefix(name, "_") && t.Column(name) != nil { // a system column by physical name
			out[t.Column(name).Name] = v
			continue
		}
		f, ok := fields[name]
		if !ok {
			return nil, fmt.Errorf("onectest: %s has no attribute %s", t.Name, name)
		}
		if err := b.fieldValues(f, v, out); err != nil {
			return nil, fmt.Errorf("onectest: %w", err)
		}
	}
	// The recorder is a Reference; split it into type code and id.
	if r, ok := out["_RecorderRRef"].(Reference); ok {
		out["_RecorderRRef"] = r.ID
		if t.Column("_RecorderTRef") != nil {
			code, err := b.TypeCode(r.Object)
			if err != nil {
				return nil, err
			}
			out["_RecorderTRef"] = code
		}
	}
	return out, nil
}

// insertRow inserts one row; vals are keyed by physical (SQL Server)
// column name, missing columns get fillers.
func (b *Built) insertRow(ctx context.Context, db DB, t *Table, vals map[string]any, _ []*FieldLayout) error {
	cols := make([]string, 0, len(t.Columns))
	ph := make([]string, 0, len(t.Columns))
	args := make([]any, 0, len(t.Columns))
	for _, c := range t.Columns {
		v, ok := vals[c.Name]
		if !ok {
			if c.Nullable {
				continue
			}
			v = filler(c)
		}
		cols = append(cols, c.PG())
		args = append(args, v)
		if c.kind == colString {
			ph = append(ph, fmt.Sprintf("$%d::text", len(args)))
		} else {
			ph = append(ph, fmt.Sprintf("$%d", len(args)))
		}
	}
	_, err := db.Exec(ctx, fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", t.PG(), strings.Join(cols, ", "), strings.Join(ph, ", ")), args...)
	if err != nil {
		return fmt.Errorf("insert into %s: %w", t.PG(), err)
	}
	return nil
}
