package metadata

import (
	"testing"

	"github.com/onecconnect/onecconnect/schema"
)

func TestConnectSchemaCF(t *testing.T) {
	ib, err := LoadCF(sample(t, "dajet-metadata-test-base.cf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range ib.Objects {
		if _, err := o.ConnectSchema(SchemaOptions{}); err != nil {
			t.Errorf("%s: %v", o.FullName(), err)
		}
	}
	o := mustLookup(t, ib, "Catalog.ПростойСправочник")
	s, err := o.ConnectSchema(SchemaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	check := func(field string, typ schema.Type, name string) *schema.Schema {
		t.Helper()
		f, ok := s.Field(field)
		if !ok {
			t.Fatalf("no field %s", field)
		}
		if f.Schema.Type() != typ || f.Schema.Name() != name {
			t.Errorf("%s: %s %q, want %s %q", field, f.Schema.Type(), f.Schema.Name(), typ, name)
		}
		return f.Schema
	}
	check("Ссылка", schema.STRING, "")
	check("РеквизитБулево", schema.BOOLEAN, "")
	num := check("РеквизитЧисло", schema.BYTES, schema.DecimalName)
	if p, _ := num.Param(DecimalPrecisionParam); p != "10" {
		t.Errorf("precision param %q", p)
	}
	check("РеквизитДата", schema.INT64, schema.TimestampName)
	check("РеквизитХранилищеЗначения", schema.BYTES, "")
	check("РеквизитСоставной", schema.STRUCT, CompositeSchemaName)
	check("ВерсияДанных", schema.INT64, "")
	arr := check("ТабличнаяЧасть3", schema.ARRAY, "")
	if f := arr.ValueSchema().Fields(); len(f) != 5 { // КлючСтроки, НомерСтроки + 3 attributes
		t.Errorf("tabular section row has %d fields", len(f))
	}
	d, err := o.ConnectSchema(SchemaOptions{DecimalHandling: DecimalDouble})
	if err != nil {
		t.Fatal(err)
	}
	if f, _ := d.Field("РеквизитЧисло"); f.Schema.Type() != schema.FLOAT64 {
		t.Errorf("double mode: %s", f.Schema.Type())
	}
	if _, err := ParseDecimalHandling("bogus"); err == nil {
		t.Error("bogus decimal mode accepted")
	}
}
