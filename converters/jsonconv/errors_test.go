package jsonconv

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/converters"
	"github.com/onecconnect/onecconnect/schema"
	"github.com/onecconnect/onecconnect/schema/schematest"
)

func TestToConnectErrors(t *testing.T) {
	cases := []struct {
		name, in, reason string
		props            map[string]string
	}{
		{name: "schemaless payload with schemas required", in: `{"a":1}`, reason: `requires "schema" and "payload"`},
		{name: "extra member", in: `{"schema":null,"payload":1,"x":2}`, reason: "may not contain additional fields"},
		{name: "missing payload", in: `{"schema":null}`, reason: `requires "schema" and "payload"`},
		{name: "not an object", in: `[1,2]`, reason: "set schemas.enable=false"},
		{name: "empty with schemas", in: ``, reason: "unexpected end of input"},
		{name: "truncated", in: `{"schema":{"type":"int32"`, reason: "malformed JSON"},
		{name: "trailing data", in: `{"schema":null,"payload":1} x`, reason: "unexpected data after"},
		{name: "bad literal", in: `{"schema":null,"payload":tru}`, reason: "invalid literal"},
		{name: "schema without type", in: `{"schema":{"optional":true},"payload":1}`, reason: "'type'"},
		{name: "unknown type", in: `{"schema":{"type":"int128"},"payload":1}`, reason: "unknown schema type: int128"},
		{name: "array without items", in: `{"schema":{"type":"array"},"payload":[]}`, reason: "element type"},
		{name: "map without keys", in: `{"schema":{"type":"map","values":{"type":"int8"}},"payload":{}}`, reason: "key type"},
		{name: "struct fields not array", in: `{"schema":{"type":"struct","fields":{}},"payload":{}}`, reason: `"fields"`},
		{name: "struct field without name", in: `{"schema":{"type":"struct","fields":[{"type":"int8"}]},"payload":{}}`, reason: "field name"},
		{name: "non-string parameter", in: `{"schema":{"type":"int8","parameters":{"a":1}},"payload":1}`, reason: "string values"},
		{name: "required null", in: `{"schema":{"type":"int8","optional":false},"payload":null}`, reason: "null value for a required INT8"},
		{name: "int8 out of range", in: `{"schema":{"type":"int8"},"payload":300}`, reason: "out of range"},
		{name: "float for int", in: `{"schema":{"type":"int32"},"payload":1.5}`, reason: "expected an integer"},
		{name: "string for int", in: `{"schema":{"type":"int64"},"payload":"1"}`, reason: "expected an integer, found a string"},
		{name: "number for string", in: `{"schema":{"type":"string"},"payload":1}`, reason: "expected a string"},
		{name: "bad base64", in: `{"schema":{"type":"bytes"},"payload":"@@"}`, reason: "base64"},
		{name: "struct field path", in: `{"schema":{"type":"struct","fields":[{"type":"array","items":{"type":"struct","fields":[{"type":"int32","field":"Цена"}]},"field":"Товары"}]},"payload":{"Товары":[{"Цена":1},{"Цена":"x"}]}}`,
			reason: "field Товары[1].Цена: expected an integer"},
		{name: "missing required field", in: `{"schema":{"type":"struct","fields":[{"type":"int32","field":"a"}]},"payload":{}}`, reason: "field a: invalid null"},
		{name: "bad map pair", in: `{"schema":{"type":"map","keys":{"type":"int8"},"values":{"type":"int8"}},"payload":[[1,2,3]]}`, reason: "more than 2"},
		{name: "map object for int keys", in: `{"schema":{"type":"map","keys":{"type":"int8"},"values":{"type":"int8"}},"payload":{"1":2}}`, reason: "array of [key, value] pairs"},
		{name: "schemaless huge int", props: schemaless, in: `123456789012345678901234567890`, reason: "does not fit in 64 bits"},
		{name: "schemaless trailing", props: schemaless, in: `{} {}`, reason: "unexpected data after"},
		{name: "invalid utf8", props: schemaless, in: "\"a\xffb\"", reason: "invalid UTF-8"},
		{name: "bad escape", props: schemaless, in: `"\x"`, reason: "invalid escape"},
		{name: "control char", props: schemaless, in: "\"a\nb\"", reason: "control character"},
		{name: "too deep", props: schemaless, in: strings.Repeat("[", 1001) + strings.Repeat("]", 1001), reason: "nesting deeper"},
		{name: "leading zero", props: schemaless, in: `01`, reason: "unexpected data after"},
		{name: "bare NaN", props: schemaless, in: `NaN`, reason: "unexpected character"},
		{name: "date as float", in: `{"schema":{"type":"int32","name":"org.apache.kafka.connect.data.Date"},"payload":1.0}`, reason: "expected an integer"},
		{name: "decimal as bool", in: `{"schema":{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"2"}},"payload":true}`, reason: "Decimal"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := configured(t, tc.props)
			_, _, err := c.ToConnect("orders", nil, []byte(tc.in))
			var de *converters.DataError
			if !errors.As(err, &de) {
				t.Fatalf("want *converters.DataError, got %T %v", err, err)
			}
			if de.Topic != "orders" || !strings.Contains(err.Error(), "topic orders") {
				t.Errorf("error does not name the topic: %v", err)
			}
			if !strings.Contains(err.Error(), tc.reason) {
				t.Errorf("error %q does not contain %q", err, tc.reason)
			}
		})
	}
}

func TestToConnectAccepts(t *testing.T) {
	c := New()
	cases := []struct {
		name, in string
		check    func(s *schema.Schema, v any) bool
	}{
		{"payload before schema", `{"payload":5,"schema":{"type":"int16"}}`,
			func(s *schema.Schema, v any) bool { return s.Type() == schema.INT16 && v == int16(5) }},
		{"white space", " \n{ \"schema\" : null , \"payload\" : [ 1 , \"\\u00e9\\ud83d\\ude00\" ] }\t",
			func(s *schema.Schema, v any) bool {
				a := v.([]any)
				return s == nil && a[0] == int64(1) && a[1] == "é😀"
			}},
		{"decimal as number", `{"schema":{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":12.5}`,
			func(s *schema.Schema, v any) bool { return schema.ValuesEqual(v, mustDec("12.5")) }},
		{"unknown struct members ignored", `{"schema":{"type":"struct","fields":[{"type":"int8","optional":true,"field":"a"}]},"payload":{"b":[1,{}],"a":1}}`,
			func(s *schema.Schema, v any) bool { x, _ := v.(*schema.Struct).Get("a"); return x == int8(1) }},
		{"NaN string for double", `{"schema":{"type":"double"},"payload":"-Infinity"}`,
			func(s *schema.Schema, v any) bool { return v.(float64) < -1e308 }},
		{"timestamp", `{"schema":{"type":"int64","name":"org.apache.kafka.connect.data.Timestamp","version":1},"payload":1710498600000}`,
			func(s *schema.Schema, v any) bool {
				return v.(time.Time).Equal(time.Date(2024, 3, 15, 10, 30, 0, 0, time.UTC))
			}},
		{"optional only for true", `{"schema":{"type":"string","optional":"yes"},"payload":"x"}`,
			func(s *schema.Schema, v any) bool { return !s.Optional() }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, v, err := c.ToConnect("t", nil, []byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(s, v) {
				t.Errorf("unexpected result %v %#v", s, v)
			}
		})
	}
	if s, v, err := c.ToConnect("t", nil, nil); s != nil || v != nil || err != nil {
		t.Errorf("nil data: %v %v %v", s, v, err)
	}
	sl := configured(t, schemaless)
	if s, v, err := sl.ToConnect("t", nil, []byte("  ")); s != nil || v != nil || err != nil {
		t.Errorf("empty schemaless data: %v %v %v", s, v, err)
	}
}

func TestFromConnectErrors(t *testing.T) {
	onec := schematest.OneCSchema()
	bad := schematest.OneCRecord(onec, 1)
	rows, _ := bad.Get("Товары")
	rows.([]any)[3].(*schema.Struct).Set(3, "not a decimal") // Цена
	scale := schematest.OneCRecord(onec, 1)
	scale.Set(9, mustDec("1.001")) // СуммаДокумента has scale 2
	other := schema.StructBuilder().Field("a", schema.Int8().MustBuild()).MustBuild()
	cases := []struct {
		name   string
		s      *schema.Schema
		v      any
		reason string
	}{
		{"field path", onec, bad, "field Товары[3].Цена: expected Decimal, got string"},
		{"decimal scale", onec, scale, "field СуммаДокумента: value 1.001 has more than 2 fractional digits"},
		{"required null", schema.Int32().MustBuild(), nil, "null value for a required INT32"},
		{"wrong Go type", schema.Int32().MustBuild(), int64(1), "expected INT32, got int64"},
		{"struct schema mismatch", onec, schema.NewStruct(other), "struct schema does not match"},
		{"date with time", schema.Date().MustBuild(), time.Unix(5, 0).UTC(), "has a time component"},
		{"schemaless unknown type", nil, struct{}{}, "has no corresponding schema type"},
		{"non-string key for string map", schema.Map(schema.String().MustBuild(), schema.Int8().MustBuild()).MustBuild(),
			map[any]any{1: int8(1)}, "expected a string key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New().FromConnect("orders", nil, tc.s, tc.v)
			var de *converters.DataError
			if !errors.As(err, &de) || de.Topic != "orders" {
				t.Fatalf("want *converters.DataError for topic orders, got %T %v", err, err)
			}
			if !strings.Contains(err.Error(), tc.reason) {
				t.Errorf("error %q does not contain %q", err, tc.reason)
			}
		})
	}
	if b, err := New().FromConnect("t", nil, nil, nil); b != nil || err != nil {
		t.Errorf("nil schema and value must give nil bytes: %q %v", b, err)
	}
}
