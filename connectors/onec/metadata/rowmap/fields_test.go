package rowmap

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
	"github.com/onecconnect/onecconnect/schema"
)

// TestFieldsMatchStruct maps every property of every Trade object through
// Fields (in reverse order, from the property's columns only) and checks
// each value equals the field Struct gives, composites and enums included.
func TestFieldsMatchStruct(t *testing.T) {
	ctx, conn, _, ib := tradeDB(t)
	m, err := New(ib, Options{Schema: metadata.SchemaOptions{DecimalHandling: metadata.DecimalString}})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range ib.Objects {
		om, err := m.Object(o)
		if err != nil {
			t.Fatal(err)
		}
		var props []*metadata.Property
		for _, p := range o.AllProperties() {
			if _, ok := om.Schema().Field(p.Name); ok {
				props = append(props, p)
			}
		}
		slices.Reverse(props)
		fm, err := om.Fields(props)
		if err != nil {
			t.Fatalf("%s: %v", o.FullName(), err)
		}
		at := map[string]int{}
		for i, c := range om.Columns() {
			at[c.Name] = i
		}
		rows, _ := readObject(t, ctx, conn, om)
		for j, row := range rows {
			st, err := om.Struct(row, nil)
			if err != nil {
				t.Fatalf("%s row %d: %v", o.FullName(), j+1, err)
			}
			var sub []any
			for _, c := range fm.Columns() {
				sub = append(sub, row[at[c.Name]])
			}
			vals := make([]any, fm.Len())
			if err := fm.Values(sub, vals); err != nil {
				t.Fatalf("%s row %d: %v", o.FullName(), j+1, err)
			}
			for i, p := range props {
				f, _ := om.Schema().Field(p.Name)
				if !fm.Schema(i).Equal(f.Schema) {
					t.Errorf("%s.%s: schema %s, want %s", o.FullName(), p.Name, fm.Schema(i).Describe(), f.Schema.Describe())
				}
				if want := st.At(f.Index); !reflect.DeepEqual(vals[i], want) {
					t.Errorf("%s row %d: %s = %v, want %v", o.FullName(), j+1, p.Name, vals[i], want)
				}
			}
		}
	}
}

func TestFieldsErrors(t *testing.T) {
	_, _, _, ib := tradeDB(t)
	m, err := New(ib, Options{})
	if err != nil {
		t.Fatal(err)
	}
	o, err := ib.Lookup("Документ.РеализацияТоваровУслуг")
	if err != nil {
		t.Fatal(err)
	}
	om, err := m.Object(o)
	if err != nil {
		t.Fatal(err)
	}
	basis := o.Attributes[0]
	for _, p := range o.Attributes {
		if p.Name == "Основание" {
			basis = p
		}
	}
	if _, err := om.Fields(nil); err == nil {
		t.Error("no properties accepted")
	}
	if _, err := om.Fields([]*metadata.Property{basis, basis}); err == nil || !strings.Contains(err.Error(), "repeated") {
		t.Errorf("a repeated property: %v", err)
	}
	fm, err := om.Fields([]*metadata.Property{basis})
	if err != nil {
		t.Fatal(err)
	}
	if len(fm.Columns()) != len(basis.Columns) || fm.Schema(0).Name() != metadata.CompositeSchemaName {
		t.Fatalf("columns %v, schema %s", fm.Columns(), fm.Schema(0).Name())
	}
	row := make([]any, len(basis.Columns))
	if err := fm.Values(row, make([]any, 1)); err != nil {
		t.Errorf("a NULL composite (NULL _TYPE): %v", err)
	}
	if err := fm.Values(row[:1], make([]any, 1)); err == nil {
		t.Error("a short row accepted")
	}
	other := schema.StructBuilder().Field("Код", schema.String().MustBuild()).MustBuild()
	if _, err := om.StructInto(schema.NewStruct(other), make([]any, len(om.Columns())), nil); err == nil || !strings.Contains(err.Error(), "another schema") {
		t.Errorf("StructInto a struct of another schema: %v", err)
	}
}
