package transforms

import (
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/plugins"
	"github.com/onecconnect/onecconnect/schema"
)

// newTransform builds a registered transformation by class name and
// configures it, failing the test on an error.
func newTransform(t testing.TB, class string, props map[string]string) connect.Transformation {
	t.Helper()
	p, err := plugins.Default.Lookup(class, plugins.KindTransformation)
	if err != nil {
		t.Fatalf("lookup %s: %v", class, err)
	}
	tr := p.NewTransformation()
	if err := tr.Configure(props); err != nil {
		t.Fatalf("configure %s: %v", class, err)
	}
	return tr
}

func apply(t testing.TB, tr connect.Transformation, r *connect.Record) *connect.Record {
	t.Helper()
	out, err := tr.Apply(r)
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	return out
}

// docSchema is a 1C-like document: Cyrillic names, a nested struct.
func docSchema() *schema.Schema {
	addr := schema.StructBuilder().Name("Адрес").Optional().
		Field("Город", schema.String().MustBuild()).
		Field("Индекс", schema.String().Optional().MustBuild()).
		MustBuild()
	return schema.StructBuilder().Name("Документ").
		Field("Ссылка", schema.String().MustBuild()).
		Field("Номер", schema.String().MustBuild()).
		Field("Количество", schema.Int32().MustBuild()).
		Field("Сумма", schema.Decimal(2).MustBuild()).
		Field("Дата", schema.Timestamp().MustBuild()).
		Field("Комментарий", schema.String().Optional().Default("нет").MustBuild()).
		Field("Адрес", addr).
		MustBuild()
}

var docTime = time.Date(2024, 3, 15, 10, 30, 0, 0, time.UTC)

func docValue(s *schema.Schema) *schema.Struct {
	addrSchema, _ := s.Field("Адрес")
	addr := schema.NewStruct(addrSchema.Schema).MustPut("Город", "Москва").MustPut("Индекс", "101000")
	return schema.NewStruct(s).
		MustPut("Ссылка", "a1b2c3d4-0000-4000-8000-000000000001").
		MustPut("Номер", "ТД-7").
		MustPut("Количество", int32(42)).
		MustPut("Сумма", "123.45").
		MustPut("Дата", docTime).
		MustPut("Адрес", addr)
}

func docMap() map[string]any {
	return map[string]any{
		"Ссылка": "a1b2c3d4-0000-4000-8000-000000000001", "Номер": "ТД-7", "Количество": int64(42),
		"Адрес": map[string]any{"Город": "Москва", "Индекс": "101000"},
	}
}

func valueRecord(s *schema.Schema, v any) *connect.Record {
	return &connect.Record{Topic: "Документ.Реализация", Partition: connect.PartitionOf(3), Offset: 17,
		Timestamp: docTime, ValueSchema: s, Value: v}
}

func get(t testing.TB, st any, name string) any {
	t.Helper()
	s, ok := st.(*schema.Struct)
	if !ok {
		t.Fatalf("not a struct: %T", st)
	}
	v, ok := s.Get(name)
	if !ok {
		t.Fatalf("no field %s in %v", name, s.Schema().Fields())
	}
	return v
}
