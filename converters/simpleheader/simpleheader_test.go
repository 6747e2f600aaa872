package simpleheader

import (
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/schema"
	"github.com/onecconnect/onecconnect/schema/schematest"
)

func TestPlugin(t *testing.T) {
	p := Plugin()
	if p.Class != "org.apache.kafka.connect.storage.SimpleHeaderConverter" || p.NewHeader == nil || p.New != nil ||
		!strings.HasPrefix(strings.Join(p.Aliases, ","), "SimpleHeaderConverter,SimpleHeader") {
		t.Errorf("plugin %+v", p)
	}
}

func TestWriteAndRead(t *testing.T) {
	day := time.Date(2024, 3, 16, 0, 0, 0, 0, time.UTC)
	ts := time.Date(2024, 3, 15, 10, 30, 0, 5e6, time.UTC)
	tod := time.UnixMilli(32401500).UTC()
	cases := []struct {
		name  string
		v     any
		text  string
		s     *schema.Schema
		value any
	}{
		{"string", "Привет, мир", "Привет, мир", stringSchema, "Привет, мир"},
		{"int8", int8(5), "5", int8Schema, int8(5)},
		{"int64 narrows", int64(300), "300", int16Schema, int16(300)},
		{"big int", int64(1) << 40, "1099511627776", int64Schema, int64(1) << 40},
		{"negative", int32(-70000), "-70000", int32Schema, int32(-70000)},
		{"double", 1.5, "1.5", float32Schema, float32(1.5)},
		{"double exp", 1e10, "1.0E10", int64Schema, int64(1e10)},
		{"bool", true, "true", boolSchema, true},
		{"date", day, "2024-03-16", dateSchema, day},
		{"timestamp", ts, "2024-03-15T10:30:00.005Z", tsSchema, ts},
		{"time", tod, "09:00:01.500Z", timeSchema, tod},
		{"decimal", decimal.RequireFromString("12.50"), "12.50", float32Schema, float32(12.5)},
		{"bytes", []byte{0, 0xff}, "AP8=", stringSchema, "AP8="},
		{"array", []any{int32(1), int32(300), nil}, "[1,300,null]",
			schema.Array(schema.Int16().Optional().MustBuild()).MustBuild(), []any{int16(1), int16(300), nil}},
		{"string array", []any{"a\"b", "c"}, `["a\"b","c"]`, schema.Array(stringSchema).MustBuild(), []any{`a"b`, "c"}},
		{"map", map[string]any{"b": true, "a": false}, `{"a":false,"b":true}`,
			schema.Map(stringSchema, boolSchema).MustBuild(), map[string]any{"a": false, "b": true}},
		{"mixed array is text", []any{int32(1), "x"}, `[1,"x"]`, stringSchema, `[1,"x"]`},
		{"brackets in text", "[not an array", "[not an array", stringSchema, "[not an array"},
		{"number-like text", "123abc", "123abc", stringSchema, "123abc"},
	}
	c := New()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := c.FromConnectHeader("t", "h", nil, tc.v)
			if err != nil || string(b) != tc.text {
				t.Fatalf("write: got %q %v, want %q", b, err, tc.text)
			}
			s, v, err := c.ToConnectHeader("t", "h", b)
			if err != nil || !s.Equal(tc.s) || !schema.ValuesEqual(v, tc.value) {
				t.Errorf("read %q: got %v %#v %v, want %v %#v", b, s, v, err, tc.s, tc.value)
			}
		})
	}
	if b, err := c.FromConnectHeader("t", "h", nil, nil); b != nil || err != nil {
		t.Errorf("nil: %q %v", b, err)
	}
	if s, v, _ := c.ToConnectHeader("t", "h", []byte{}); !s.Equal(stringSchema) || v != "" {
		t.Errorf("empty: %v %v", s, v)
	}
	if s, v, _ := c.ToConnectHeader("t", "h", []byte{0xff, 0xfe}); !s.Equal(bytesSchema) || v == nil {
		t.Errorf("binary: %v %v", s, v)
	}
}

// TestRoundTripOneC writes the 1C-like record as a header (a JSON-like
// text with Cyrillic names) and reads it back as text, since its fields
// have differing types.
func TestRoundTripOneC(t *testing.T) {
	s := schematest.OneCSchema()
	rec := schematest.OneCRecord(s, 5)
	c := New()
	b, err := c.FromConnectHeader("t", "doc", s, rec)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, want := range []string{`{"Ссылка":"a1b2c3d4-e5f6-4a7b-8c9d-000000000005"`, `"Дата":2024-03-15T10:30:00.000Z`,
		`"ДатаОтгрузки":2024-03-16`, `"ВремяДоставки":09:00:01.500Z`, `"Вес":125.5`, `"Склад":null`, `"Вложение":"ANCf/w=="`} {
		if !strings.Contains(text, want) {
			t.Errorf("header text lacks %s:\n%s", want, text)
		}
	}
	gs, gv, err := c.ToConnectHeader("t", "doc", b)
	if err != nil || !gs.Equal(stringSchema) || gv != text {
		t.Errorf("read back: %v %v", gs, err)
	}
}

func FuzzToConnectHeader(f *testing.F) {
	for _, s := range []string{"", "1", "[1,2]", `{"a":[1,{"b":2}]}`, "2024-03-16", "1e400", `["\"`, "{1:}", "-", "+1.5"} {
		f.Add([]byte(s))
	}
	c := New()
	f.Fuzz(func(t *testing.T, data []byte) {
		s, v, err := c.ToConnectHeader("t", "h", data)
		if err != nil {
			t.Fatal(err)
		}
		if s != nil {
			if err := schema.Validate(s, v); err != nil {
				t.Fatalf("%q: value does not fit its schema: %v", data, err)
			}
		}
	})
}
