package schema

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func TestBuilderErrors(t *testing.T) {
	tests := []struct {
		name    string
		build   func() (*Schema, error)
		wantErr string
	}{
		{"duplicate field", func() (*Schema, error) {
			return StructBuilder().Field("Имя", String().MustBuild()).Field("Имя", Int32().MustBuild()).Build()
		}, `field "Имя": duplicate field name`},
		{"field on non-struct", func() (*Schema, error) {
			return Int32().Field("a", String().MustBuild()).Build()
		}, "fields can only be added to a STRUCT schema"},
		{"nil field schema", func() (*Schema, error) { return StructBuilder().Field("a", nil).Build() }, "schema is nil"},
		{"nil array element", func() (*Schema, error) { return Array(nil).Build() }, "element schema is nil"},
		{"null default for required", func() (*Schema, error) { return Int32().Default(nil).Build() }, "default value is null"},
		{"default of wrong type", func() (*Schema, error) { return Int32().Default("x").Build() }, "expected INT32, got string"},
		{"invalid type", func() (*Schema, error) { return NewBuilder(Type(99)).Build() }, "invalid schema type"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.build()
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestSchemaAccessors(t *testing.T) {
	s := Decimal(2).Optional().Doc("сумма").Param("connect.decimal.precision", "15").Param("scale", "3").MustBuild()
	if s.Type() != BYTES || s.Logical() != LogicalDecimal || !s.Optional() || s.Version() != 1 || s.Doc() != "сумма" {
		t.Fatalf("unexpected schema %v", s)
	}
	if got := s.Params(); len(got) != 2 || got[0] != (Param{"scale", "3"}) || got[1].Key != "connect.decimal.precision" {
		t.Fatalf("params kept order and replaced in place: %v", got)
	}
	if sc, err := s.Scale(); err != nil || sc != 3 {
		t.Fatalf("scale = %d, %v", sc, err)
	}
	st := StructBuilder().Field("Ссылка", String().MustBuild()).Field("Сумма", s).MustBuild()
	f, ok := st.Field("Сумма")
	if !ok || f.Index != 1 || !f.Schema.Equal(s) {
		t.Fatalf("field lookup: %+v %v", f, ok)
	}
	if _, ok := st.Field("нет"); ok {
		t.Fatal("unknown field found")
	}
}

func TestEqual(t *testing.T) {
	a := StructBuilder().Name("A").Field("x", Int32().MustBuild()).MustBuild()
	b := StructBuilder().Name("A").Field("x", Int32().MustBuild()).MustBuild()
	c := StructBuilder().Name("A").Field("x", Int32().Optional().MustBuild()).MustBuild()
	d := Copy(a).Name("B").MustBuild()
	if !a.Equal(b) || a.Equal(c) || a.Equal(d) || a.Equal(nil) {
		t.Fatal("Equal disagrees")
	}
	if a.Name() != "A" || d.Name() != "B" {
		t.Fatal("Copy changed the original")
	}
	if !Int64().Default(int64(5)).MustBuild().Equal(Int64().Default(int64(5)).MustBuild()) ||
		Int64().Default(int64(5)).MustBuild().Equal(Int64().Default(int64(6)).MustBuild()) {
		t.Fatal("defaults not compared")
	}
}

func TestValidatePaths(t *testing.T) {
	row := StructBuilder().Field("Цена", Decimal(2).MustBuild()).Field("Кол", Int32().Optional().MustBuild()).MustBuild()
	doc := StructBuilder().
		Field("Номер", String().MustBuild()).
		Field("Товары", Array(row).MustBuild()).
		Field("Свойства", Map(String().MustBuild(), Int64().MustBuild()).Optional().MustBuild()).
		MustBuild()
	good := func(i int) *Struct {
		r := NewStruct(row)
		r.Set(0, decimal.New(int64(100+i), -2))
		return r
	}
	rows := []any{good(0), good(1), good(2), good(3)}
	st := NewStruct(doc)
	st.Set(0, "ТД-1")
	st.Set(1, rows)
	if err := st.Validate(); err != nil {
		t.Fatalf("valid struct: %v", err)
	}
	bad := NewStruct(row)
	bad.Set(0, "12.5")
	rows[3] = bad
	// A numeric string is an accepted Decimal representation; a word is not.
	if err := st.Validate(); err != nil {
		t.Fatalf("numeric string decimal: %v", err)
	}
	bad.Set(0, "дорого")
	err := st.Validate()
	if err == nil || err.Error() != "Товары[3].Цена: expected Decimal, got string" {
		t.Fatalf("err = %v", err)
	}
	bad.Set(0, decimal.RequireFromString("1.234"))
	if err := st.Validate(); err == nil || !strings.Contains(err.Error(), "Товары[3].Цена: value 1.234 has more than 2 fractional digits") {
		t.Fatalf("scale overflow err = %v", err)
	}
	bad.Set(0, decimal.RequireFromString("1.200"))
	if err := st.Validate(); err != nil {
		t.Fatalf("trailing zeros beyond scale are exact: %v", err)
	}
	st.Set(0, nil)
	if err := st.Validate(); err == nil || err.Error() != "Номер: required STRING is null" {
		t.Fatalf("err = %v", err)
	}
	st.Set(0, "ТД-1")
	st.Set(2, map[string]any{"вес": "тяжёлый"})
	if err := st.Validate(); err == nil || !strings.Contains(err.Error(), `Свойства["вес"]: expected INT64, got string`) {
		t.Fatalf("err = %v", err)
	}
}

func TestValidatePrimitives(t *testing.T) {
	tests := []struct {
		s  *Schema
		ok []any
		no []any
	}{
		{Int8().MustBuild(), []any{int8(1)}, []any{1, int16(1), nil}},
		{Int16().MustBuild(), []any{int16(1)}, []any{int8(1)}},
		{Int32().MustBuild(), []any{int32(1)}, []any{int64(1)}},
		{Int64().MustBuild(), []any{int64(1)}, []any{int32(1)}},
		{Float32().MustBuild(), []any{float32(1)}, []any{1.0}},
		{Float64().MustBuild(), []any{1.0}, []any{float32(1)}},
		{Bool().MustBuild(), []any{true}, []any{"true"}},
		{String().Optional().MustBuild(), []any{"", nil}, []any{[]byte("x")}},
		{Bytes().MustBuild(), []any{[]byte{}}, []any{"x"}},
		{Date().MustBuild(), []any{time.Unix(0, 0)}, []any{int32(1)}},
		{Timestamp().MustBuild(), []any{time.Now()}, []any{int64(1)}},
		{Decimal(0).MustBuild(), []any{decimal.NewFromInt(3), 3, "42"}, []any{3.5, "x"}},
	}
	for _, tc := range tests {
		for _, v := range tc.ok {
			if err := Validate(tc.s, v); err != nil {
				t.Errorf("%v accepts %#v: %v", tc.s, v, err)
			}
		}
		for _, v := range tc.no {
			if err := Validate(tc.s, v); err == nil {
				t.Errorf("%v rejects %#v: no error", tc.s, v)
			}
		}
	}
}

func TestStructGetPut(t *testing.T) {
	s := StructBuilder().
		Field("Код", String().MustBuild()).
		Field("Флаг", Bool().Optional().Default(true).MustBuild()).
		MustBuild()
	st := NewStruct(s)
	if err := st.Put("Код", 5); err == nil || err.Error() != "Код: expected STRING, got int" {
		t.Fatalf("put wrong type: %v", err)
	}
	if err := st.Put("Нет", "x"); err == nil {
		t.Fatal("put unknown field")
	}
	st.MustPut("Код", "0001")
	if v, ok := st.Get("Флаг"); !ok || v != true {
		t.Fatalf("default not applied: %v %v", v, ok)
	}
	if st.Raw(1) != nil {
		t.Fatal("raw value changed by default")
	}
	other := NewStruct(s).MustPut("Код", "0001")
	if !st.Equal(other) {
		t.Fatal("equal structs differ")
	}
	if got := st.String(); got != "Struct{Код=0001}" {
		t.Fatalf("String = %q", got)
	}
}

func TestTypeNames(t *testing.T) {
	for ty := INT8; ty <= STRUCT; ty++ {
		back, ok := TypeFromJSONName(ty.JSONName())
		if !ok || back != ty {
			t.Errorf("%v: JSON name %q does not round-trip", ty, ty.JSONName())
		}
	}
	if FLOAT32.JSONName() != "float" || FLOAT64.JSONName() != "double" || INT32.String() != "INT32" {
		t.Fatal("names differ from Kafka Connect's")
	}
	if _, ok := TypeFromJSONName("float32"); ok {
		t.Fatal("unknown name accepted")
	}
}

func TestStructDefault(t *testing.T) {
	addr := StructBuilder().Name("Адрес").Field("Город", String().MustBuild()).MustBuild()
	def := NewStruct(addr).MustPut("Город", "Москва")
	withDef, err := Copy(addr).Optional().Default(def).Build()
	if err != nil {
		t.Fatalf("struct default: %v", err)
	}
	outer := StructBuilder().Field("Адрес", withDef).MustBuild()
	st := NewStruct(outer)
	if v, _ := st.Get("Адрес"); !ValuesEqual(v, def) {
		t.Fatalf("default not returned: %v", v)
	}
	other := StructBuilder().Name("Другое").Field("Город", String().MustBuild()).MustBuild()
	if _, err := Copy(addr).Default(NewStruct(other).MustPut("Город", "x")).Build(); err == nil {
		t.Fatal("default of another struct schema accepted")
	}
}

func TestNewStructs(t *testing.T) {
	s := StructBuilder().
		Field("Код", String().MustBuild()).
		Field("Наименование", String().Optional().MustBuild()).
		MustBuild()
	sts := NewStructs(s, 3)
	if len(sts) != 3 {
		t.Fatalf("%d structs, want 3", len(sts))
	}
	for i := range sts {
		sts[i].MustPut("Код", fmt.Sprint(i))
	}
	for i := range sts {
		if sts[i].Schema() != s || sts[i].Raw(0) != fmt.Sprint(i) || sts[i].Raw(1) != nil {
			t.Errorf("struct %d: %v", i, &sts[i])
		}
		if !sts[i].Equal(NewStruct(s).MustPut("Код", fmt.Sprint(i))) {
			t.Errorf("struct %d differs from NewStruct's", i)
		}
		if cap(sts[i].values) != 2 {
			t.Errorf("struct %d: slots reach into the next struct's (cap %d)", i, cap(sts[i].values))
		}
	}
	if got := NewStructs(s, 0); len(got) != 0 {
		t.Errorf("NewStructs(s, 0) = %v", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("NewStructs of a STRING schema did not panic")
		}
	}()
	NewStructs(String().MustBuild(), 1)
}
