package avro

import (
	"errors"
	"math/big"
	"testing"

	"github.com/hamba/avro/v2"
	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/converters"
	"github.com/onecconnect/onecconnect/schema"
	"github.com/onecconnect/onecconnect/schema/schematest"
)

// genericDecode decodes what the converter wrote with hamba's generic
// decoder and the schema the registry holds: an independent reading path.
func genericDecode(t *testing.T, text string, data []byte) map[string]any {
	t.Helper()
	if len(data) < 5 || data[0] != 0 {
		t.Fatalf("not wire format: % x", data[:min(len(data), 5)])
	}
	h, err := avro.ParseWithCache(text, "", &avro.SchemaCache{})
	if err != nil {
		t.Fatalf("parse registered schema: %v", err)
	}
	var m map[string]any
	if err := avro.Unmarshal(h, data[5:], &m); err != nil {
		t.Fatalf("generic decode: %v", err)
	}
	return m
}

func ratOf(t *testing.T, v any) *big.Rat {
	t.Helper()
	if m, ok := v.(map[string]any); ok { // a union branch
		for _, x := range m {
			v = x
		}
	}
	r, ok := v.(*big.Rat)
	if !ok {
		t.Fatalf("decimal decoded as %T", v)
	}
	return r
}

func wantRat(t *testing.T, field string, got *big.Rat, want decimal.Decimal) {
	t.Helper()
	if got.Cmp(want.Rat()) != 0 {
		t.Errorf("%s = %s, want %s", field, got.FloatString(4), want)
	}
}

func TestIndependentDecodeOfOneCRecord(t *testing.T) {
	c, srv := newTestConverter(t, false, nil)
	s := schematest.OneCSchema()
	rec := schematest.OneCRecord(s, 7)
	data, err := c.FromConnect("sales", nil, s, rec)
	if err != nil {
		t.Fatal(err)
	}
	id := int(data[1])<<24 | int(data[2])<<16 | int(data[3])<<8 | int(data[4])
	text, ok := srv.Schema(id)
	if !ok {
		t.Fatalf("schema id %d not registered", id)
	}
	m := genericDecode(t, text, data)
	if m["Nomer"] != "ТД00-000007" || m["Proveden"] != true {
		t.Errorf("Nomer/Proveden = %v/%v", m["Nomer"], m["Proveden"])
	}
	total, _ := rec.Get("СуммаДокумента")
	wantRat(t, "SummaDokumenta", ratOf(t, m["SummaDokumenta"]), total.(decimal.Decimal))
	nds, _ := rec.Get("СуммаНДС")
	wantRat(t, "SummaNDS", ratOf(t, m["SummaNDS"]), nds.(decimal.Decimal))
	if m["Sklad"] != nil {
		t.Errorf("Sklad = %v, want null", m["Sklad"])
	}
	rows, ok := m["Tovary"].([]any)
	if !ok || len(rows) != 10 {
		t.Fatalf("Tovary = %T len %d", m["Tovary"], len(rows))
	}
	wantRows, _ := rec.Get("Товары")
	for i, r := range rows {
		row := r.(map[string]any)
		want := wantRows.([]any)[i].(*schema.Struct)
		for avroName, connectName := range map[string]string{"Kolichestvo": "Количество", "Tsena": "Цена", "Summa": "Сумма"} {
			wv, _ := want.Get(connectName)
			wantRat(t, avroName, ratOf(t, row[avroName]), wv.(decimal.Decimal))
		}
		if row["NomerStroki"] != int(i+1) {
			t.Errorf("row %d NomerStroki = %v (%T)", i, row["NomerStroki"], row["NomerStroki"])
		}
	}
}

// nullableDecimalSchema is a record with an optional decimal field: the
// shape hamba/avro's big.Rat paths decode as 0 (toolchain-notes.md).
func nullableDecimalSchema() *schema.Schema {
	return schema.StructBuilder().Name("Цены").
		Field("Цена", schema.Decimal(2).Optional().Param("connect.decimal.precision", "10").MustBuild()).
		Field("Точная", schema.Decimal(20).Optional().MustBuild()).
		MustBuild()
}

func TestNullableDecimalRegression(t *testing.T) {
	c, srv := newTestConverter(t, false, nil)
	s := nullableDecimalSchema()
	tests := []struct {
		name         string
		price, exact any
	}{
		{"values", decimal.RequireFromString("123.45"), decimal.RequireFromString("-0.00000000000000000001")},
		{"negative", decimal.RequireFromString("-99999999.99"), decimal.RequireFromString("12345678901234567890.12345678901234567890")},
		{"nulls", nil, nil},
		{"zero", decimal.Zero, decimal.RequireFromString("0.5")},
		{"trailing zeros fit the scale", decimal.RequireFromString("1.200"), decimal.New(1, 0)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := schema.NewStruct(s).MustPut("Цена", tc.price).MustPut("Точная", tc.exact)
			data, err := c.FromConnect("prices", nil, s, st)
			if err != nil {
				t.Fatal(err)
			}
			_, v, err := c.ToConnect("prices", nil, data)
			if err != nil {
				t.Fatal(err)
			}
			if !schema.ValuesEqual(v, st) {
				t.Fatalf("round trip: got %v, want %v", v, st)
			}
			text, _ := srv.Schema(1)
			m := genericDecode(t, text, data)
			for avroName, want := range map[string]any{"Tsena": tc.price, "Tochnaya": tc.exact} {
				if want == nil {
					if m[avroName] != nil {
						t.Errorf("%s = %v, want null", avroName, m[avroName])
					}
					continue
				}
				wantRat(t, avroName, ratOf(t, m[avroName]), want.(decimal.Decimal))
			}
		})
	}
}

func TestDecimalWithTooManyFractionalDigitsIsDataError(t *testing.T) {
	c, _ := newTestConverter(t, false, nil)
	s := nullableDecimalSchema()
	for _, bad := range []string{"0.001", "123.456", "-0.005", "99999999999999999999.001"} {
		st := schema.NewStruct(s)
		st.Set(0, decimal.RequireFromString(bad)) // Set skips Put's validation
		_, err := c.FromConnect("prices", nil, s, st)
		var de *converters.DataError
		if !errors.As(err, &de) {
			t.Fatalf("%s: err = %v, want a DataError", bad, err)
		}
		t.Logf("%s: %v", bad, err)
	}
}
