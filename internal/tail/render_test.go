package tail

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/schema"
)

func TestRenderJSON(t *testing.T) {
	inner := schema.StructBuilder().Name("Строка").
		Field("Номенклатура", schema.String().MustBuild()).
		Field("Количество", schema.Decimal(3).MustBuild()).
		MustBuild()
	doc := schema.StructBuilder().Name("Документ").
		Field("Номер", schema.String().MustBuild()).
		Field("Дата", schema.Timestamp().MustBuild()).
		Field("ДатаОплаты", schema.Date().Optional().MustBuild()).
		Field("Время", schema.Time().MustBuild()).
		Field("Сумма", schema.Decimal(2).MustBuild()).
		Field("Данные", schema.Bytes().Optional().MustBuild()).
		Field("Товары", schema.Array(inner).MustBuild()).
		Field("Комментарий", schema.String().Optional().Default("—").MustBuild()).
		MustBuild()
	line := schema.NewStruct(inner).MustPut("Номенклатура", "Чай <зелёный> & co").MustPut("Количество", decimal.RequireFromString("1.5"))
	ts := time.Date(2024, 5, 1, 10, 30, 0, 123e6, time.UTC)
	st := schema.NewStruct(doc).
		MustPut("Номер", "000001").
		MustPut("Дата", ts).
		MustPut("Время", time.Date(1970, 1, 1, 8, 15, 30, 0, time.UTC)).
		MustPut("Сумма", decimal.RequireFromString("12.5")).
		MustPut("Данные", []byte{0, 1, 2, 0xff}).
		MustPut("Товары", []any{line})

	tests := []struct {
		name   string
		s      *schema.Schema
		v      any
		indent string
		want   string
	}{
		{"null", nil, nil, "", `null`},
		{"string", schema.String().MustBuild(), "ключ", "", `"ключ"`},
		{"string escapes", nil, "a\"b\n\x01", "", `"a\"b\n\u0001"`},
		{"invalid utf8", nil, "a\xffb", "", `"a` + "\uFFFD" + `b"`},
		{"ints", nil, []any{int8(-1), int16(2), int32(3), int64(1 << 40), 7}, "", `[-1,2,3,1099511627776,7]`},
		{"floats", nil, []any{float32(0.1), 2.5, 1e21, math.NaN(), math.Inf(1), math.Inf(-1)}, "", `[0.1,2.5,1e+21,"NaN","Infinity","-Infinity"]`},
		{"bool", nil, true, "", `true`},
		{"bytes base64", schema.Bytes().MustBuild(), []byte("hi"), "", `"aGk="`},
		{"decimal keeps scale", schema.Decimal(2).MustBuild(), decimal.RequireFromString("12.5"), "", `"12.50"`},
		{"decimal from raw bytes", schema.Decimal(2).MustBuild(), []byte{0x04, 0xe2}, "", `"12.50"`},
		{"date", schema.Date().MustBuild(), time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), "", `"2024-02-29"`},
		{"timestamp non-UTC", schema.Timestamp().MustBuild(), time.Date(2024, 1, 1, 3, 0, 0, 0, time.FixedZone("MSK", 3*3600)), "", `"2024-01-01T00:00:00.000Z"`},
		{"schemaless time", nil, ts, "", `"2024-05-01T10:30:00.123Z"`},
		{"map sorted", nil, map[string]any{"b": int32(2), "a": int32(1)}, "", `{"a":1,"b":2}`},
		{"map non-string keys", schema.Map(schema.Int32().MustBuild(), schema.String().MustBuild()).MustBuild(),
			map[any]any{int32(10): "x", int32(2): "y"}, "", `[[10,"x"],[2,"y"]]`},
		{"typed slice", nil, []string{"a", "b"}, "", `["a","b"]`},
		{"empty containers", nil, []any{[]any{}, map[string]any{}}, "", `[[],{}]`},
		{"struct compact", doc, st, "",
			`{"Номер":"000001","Дата":"2024-05-01T10:30:00.123Z","ДатаОплаты":null,"Время":"08:15:30.000","Сумма":"12.50","Данные":"AAEC/w==",` +
				`"Товары":[{"Номенклатура":"Чай <зелёный> & co","Количество":"1.500"}],"Комментарий":"—"}`},
		{"struct indented", inner, line, "  ", "{\n  \"Номенклатура\": \"Чай <зелёный> & co\",\n  \"Количество\": \"1.500\"\n}"},
		{"nested indented", nil, map[string]any{"a": []any{int32(1), map[string]any{}}}, "  ", "{\n  \"a\": [\n    1,\n    {}\n  ]\n}"},
		{"pairs indented", nil, map[any]any{int64(1): "x"}, "  ", "[\n  [1, \"x\"]\n]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(renderJSON(tc.s, tc.v, tc.indent)); got != tc.want {
				t.Errorf("renderJSON:\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestRenderDepthBounded(t *testing.T) {
	var v any = "leaf"
	for range maxDepth + 10 {
		v = []any{v}
	}
	got := string(renderJSON(nil, v, ""))
	if want := "…(nested too deeply)"; !strings.Contains(got, want) {
		t.Fatalf("deep value rendered without the depth bound: %.80s…", got)
	}
}
