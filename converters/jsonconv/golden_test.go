package jsonconv

import (
	"math"
	"math/big"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/converters/convtest"
	"github.com/onecconnect/onecconnect/schema"
	"github.com/onecconnect/onecconnect/schema/schematest"
)

type goldenCase struct {
	name  string
	props map[string]string
	s     *schema.Schema
	v     any
	// want, when set, is the exact expected output, checked by hand against
	// JsonConverter's behaviour; the golden file must hold the same bytes.
	want string
	// decoded, when set, is the value ToConnect must return instead of v.
	decoded any
}

var (
	schemaless = map[string]string{"schemas.enable": "false"}
	numeric    = map[string]string{"decimal.format": "numeric"}
)

func mustDec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func goldenCases() []goldenCase {
	opt := func(b *schema.Builder) *schema.Schema { return b.Optional().MustBuild() }
	point := schema.StructBuilder().Name("com.acme.Point").
		Field("x", schema.Int32().MustBuild()).
		Field("y", opt(schema.Int32())).MustBuild()
	order := schema.StructBuilder().Name("com.acme.Order").Version(1).
		Field("id", schema.Int64().MustBuild()).
		Field("amount", opt(schema.Decimal(2))).
		Field("ts", opt(schema.Timestamp())).
		Field("counts", schema.Map(schema.String().MustBuild(), schema.Int32().MustBuild()).Optional().MustBuild()).
		MustBuild()
	orderVal := schema.NewStruct(order).
		MustPut("id", int64(42)).MustPut("amount", mustDec("123.45")).
		MustPut("ts", time.UnixMilli(1730000000000).UTC()).MustPut("counts", map[string]any{"a": int32(1)})
	line := schema.StructBuilder().Name("Line").
		Field("n", schema.Int32().MustBuild()).
		Field("qty", schema.Decimal(3).MustBuild()).MustBuild()
	lines := schema.Array(line).MustBuild()
	mkLine := func(n int32, q string) any {
		return schema.NewStruct(line).MustPut("n", n).MustPut("qty", mustDec(q))
	}
	outer := schema.StructBuilder().Name("Outer").
		Field("inner", point).
		Field("tags", schema.Array(schema.String().MustBuild()).MustBuild()).MustBuild()
	outerVal := schema.NewStruct(outer).
		MustPut("inner", schema.NewStruct(point).MustPut("x", int32(1))).
		MustPut("tags", []any{"a", "б"})
	intMap := schema.Map(schema.Int32().MustBuild(), schema.String().Optional().MustBuild()).MustBuild()
	withDefault := schema.StructBuilder().
		Field("d", schema.Int32().Default(int32(7)).Doc("seven").MustBuild()).
		Field("s", schema.String().Optional().Default("x").MustBuild()).MustBuild()
	huge, _ := new(big.Int).SetString("123456789012345678901234567890", 10)
	big30 := decimal.NewFromBigInt(huge, -4)
	onec := schematest.OneCSchema()
	onecVal := schematest.OneCRecord(onec, 7)

	return []goldenCase{
		{name: "int8", s: schema.Int8().MustBuild(), v: int8(-128),
			want: `{"schema":{"type":"int8","optional":false},"payload":-128}`},
		{name: "int16", s: schema.Int16().MustBuild(), v: int16(32767),
			want: `{"schema":{"type":"int16","optional":false},"payload":32767}`},
		{name: "int32", s: schema.Int32().MustBuild(), v: int32(-2147483648),
			want: `{"schema":{"type":"int32","optional":false},"payload":-2147483648}`},
		{name: "int64", s: schema.Int64().MustBuild(), v: int64(9223372036854775807),
			want: `{"schema":{"type":"int64","optional":false},"payload":9223372036854775807}`},
		{name: "float32", s: schema.Float32().MustBuild(), v: float32(1.1),
			want: `{"schema":{"type":"float","optional":false},"payload":1.1}`},
		{name: "float32_exp", s: schema.Float32().MustBuild(), v: float32(3.4e38),
			want: `{"schema":{"type":"float","optional":false},"payload":3.4E38}`},
		{name: "float64", s: schema.Float64().MustBuild(), v: 125.5,
			want: `{"schema":{"type":"double","optional":false},"payload":125.5}`},
		{name: "float64_whole", s: schema.Float64().MustBuild(), v: 1.0,
			want: `{"schema":{"type":"double","optional":false},"payload":1.0}`},
		{name: "float64_1e10", s: schema.Float64().MustBuild(), v: 1e10,
			want: `{"schema":{"type":"double","optional":false},"payload":1.0E10}`},
		{name: "float64_1e7", s: schema.Float64().MustBuild(), v: 1e7,
			want: `{"schema":{"type":"double","optional":false},"payload":1.0E7}`},
		{name: "float64_below_1e7", s: schema.Float64().MustBuild(), v: 9999999.5,
			want: `{"schema":{"type":"double","optional":false},"payload":9999999.5}`},
		{name: "float64_small", s: schema.Float64().MustBuild(), v: 0.001,
			want: `{"schema":{"type":"double","optional":false},"payload":0.001}`},
		{name: "float64_tiny", s: schema.Float64().MustBuild(), v: -1.5e-4,
			want: `{"schema":{"type":"double","optional":false},"payload":-1.5E-4}`},
		{name: "float64_neg_zero", s: schema.Float64().MustBuild(), v: math.Copysign(0, -1),
			want: `{"schema":{"type":"double","optional":false},"payload":-0.0}`},
		{name: "float64_nan", s: schema.Float64().MustBuild(), v: math.NaN(),
			want: `{"schema":{"type":"double","optional":false},"payload":"NaN"}`},
		{name: "float64_neg_inf", s: schema.Float64().MustBuild(), v: math.Inf(-1),
			want: `{"schema":{"type":"double","optional":false},"payload":"-Infinity"}`},
		{name: "float64_max", s: schema.Float64().MustBuild(), v: math.MaxFloat64,
			want: `{"schema":{"type":"double","optional":false},"payload":1.7976931348623157E308}`},
		{name: "boolean", s: schema.Bool().MustBuild(), v: true,
			want: `{"schema":{"type":"boolean","optional":false},"payload":true}`},
		{name: "string_escapes", s: schema.String().MustBuild(), v: "q\"b\\s/\b\f\n\r\t\x01\x1f\x7fё€😀",
			want: `{"schema":{"type":"string","optional":false},"payload":"q\"b\\s/\b\f\n\r\t\u0001\u001F` + "\x7fё€😀" + `"}`},
		{name: "string_invalid_utf8", s: schema.String().MustBuild(), v: "a\xffb", decoded: "a\uFFFDb",
			want: `{"schema":{"type":"string","optional":false},"payload":"a` + "\uFFFD" + `b"}`},
		{name: "bytes", s: schema.Bytes().MustBuild(), v: []byte{0x00, 0xd0, 0x9f, 0xff},
			want: `{"schema":{"type":"bytes","optional":false},"payload":"ANCf/w=="}`},
		{name: "bytes_empty", s: schema.Bytes().MustBuild(), v: []byte{},
			want: `{"schema":{"type":"bytes","optional":false},"payload":""}`},
		{name: "optional_null", s: opt(schema.String()), v: nil,
			want: `{"schema":{"type":"string","optional":true},"payload":null}`},
		{name: "null_with_default", s: schema.Int32().Default(int32(5)).MustBuild(), v: nil,
			want: `{"schema":{"type":"int32","optional":false,"default":5},"payload":5}`},
		{name: "null_with_default_no_replace", props: map[string]string{"replace.null.with.default": "false"},
			s: schema.Int32().Optional().Default(int32(5)).MustBuild(), v: nil,
			want: `{"schema":{"type":"int32","optional":true,"default":5},"payload":null}`},
		{name: "schema_metadata", s: schema.String().Name("com.acme.Code").Version(3).Doc("a \"code\"").
			Param("b", "2").Param("a", "1").Default("zz").MustBuild(), v: "x",
			want: `{"schema":{"type":"string","optional":false,"name":"com.acme.Code","version":3,"doc":"a \"code\"",` +
				`"parameters":{"b":"2","a":"1"},"default":"zz"},"payload":"x"}`},
		{name: "array", s: schema.Array(opt(schema.Int64())).MustBuild(), v: []any{int64(1), nil, int64(-3)},
			want: `{"schema":{"type":"array","items":{"type":"int64","optional":true},"optional":false},"payload":[1,null,-3]}`},
		{name: "array_empty", s: schema.Array(schema.Int64().MustBuild()).MustBuild(), v: []any{},
			want: `{"schema":{"type":"array","items":{"type":"int64","optional":false},"optional":false},"payload":[]}`},
		{name: "map_string_keys", s: schema.Map(schema.String().MustBuild(), schema.Int32().MustBuild()).MustBuild(),
			v:    map[string]any{"b": int32(2), "a": int32(1), "я": int32(3)},
			want: `{"schema":{"type":"map","keys":{"type":"string","optional":false},"values":{"type":"int32","optional":false},"optional":false},"payload":{"a":1,"b":2,"я":3}}`},
		{name: "map_int_keys", s: intMap, v: map[any]any{int32(10): "ten", int32(-1): nil, int32(2): "two"},
			want: `{"schema":{"type":"map","keys":{"type":"int32","optional":false},"values":{"type":"string","optional":true},"optional":false},"payload":[[-1,null],[10,"ten"],[2,"two"]]}`},
		{name: "struct_example", s: order, v: orderVal,
			want: `{"schema":{"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"},` +
				`{"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"},"field":"amount"},` +
				`{"type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"ts"},` +
				`{"type":"map","keys":{"type":"string","optional":false},"values":{"type":"int32","optional":false},"optional":true,"field":"counts"}],` +
				`"optional":false,"name":"com.acme.Order","version":1},` +
				`"payload":{"id":42,"amount":"MDk=","ts":1730000000000,"counts":{"a":1}}}`},
		{name: "struct_nested", s: outer, v: outerVal,
			want: `{"schema":{"type":"struct","fields":[{"type":"struct","fields":[{"type":"int32","optional":false,"field":"x"},` +
				`{"type":"int32","optional":true,"field":"y"}],"optional":false,"name":"com.acme.Point","field":"inner"},` +
				`{"type":"array","items":{"type":"string","optional":false},"optional":false,"field":"tags"}],"optional":false,"name":"Outer"},` +
				`"payload":{"inner":{"x":1,"y":null},"tags":["a","б"]}}`},
		{name: "array_of_structs_numeric", props: numeric, s: lines, v: []any{mkLine(1, "1.5"), mkLine(2, "-0.001")},
			want: `{"schema":{"type":"array","items":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"n"},` +
				`{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"3"},"field":"qty"}],` +
				`"optional":false,"name":"Line"},"optional":false},"payload":[{"n":1,"qty":1.500},{"n":2,"qty":-0.001}]}`},
		{name: "struct_defaults", s: withDefault, v: schema.NewStruct(withDefault),
			decoded: schema.NewStruct(withDefault).MustPut("d", int32(7)).MustPut("s", "x"),
			want: `{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"doc":"seven","default":7,"field":"d"},` +
				`{"type":"string","optional":true,"default":"x","field":"s"}],"optional":false},"payload":{"d":7,"s":"x"}}`},
		{name: "decimal_base64_negative", s: schema.Decimal(2).MustBuild(), v: mustDec("-1.28"),
			want: `{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":"gA=="}`},
		{name: "decimal_base64_minus129", s: schema.Decimal(2).MustBuild(), v: mustDec("-1.29"),
			want: `{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":"/38="}`},
		{name: "decimal_base64_zero", s: schema.Decimal(4).MustBuild(), v: decimal.Zero,
			want: `{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"4"}},"payload":"AA=="}`},
		{name: "decimal_base64_128", s: schema.Decimal(0).MustBuild(), v: mustDec("128"),
			want: `{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"0"}},"payload":"AIA="}`},
		{name: "decimal_base64_big", s: schema.Decimal(4).MustBuild(), v: big30},
		{name: "decimal_numeric", props: numeric, s: schema.Decimal(2).MustBuild(), v: mustDec("123.4"),
			want: `{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":123.40}`},
		{name: "decimal_numeric_zero_scale10", props: numeric, s: schema.Decimal(10).MustBuild(), v: decimal.Zero,
			want: `{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"10"}},"payload":0E-10}`},
		{name: "decimal_numeric_small", props: numeric, s: schema.Decimal(8).MustBuild(), v: mustDec("0.00000012"),
			want: `{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"8"}},"payload":1.2E-7}`},
		{name: "decimal_numeric_big", props: numeric, s: schema.Decimal(4).MustBuild(), v: big30.Neg(),
			want: `{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"4"}},"payload":-12345678901234567890123456.7890}`},
		{name: "date", s: schema.Date().MustBuild(), v: time.Date(2024, 3, 16, 0, 0, 0, 0, time.UTC),
			want: `{"schema":{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Date","version":1},"payload":19798}`},
		{name: "time", s: schema.Time().MustBuild(), v: time.UnixMilli(32401500).UTC(),
			want: `{"schema":{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Time","version":1},"payload":32401500}`},
		{name: "timestamp", s: schema.Timestamp().MustBuild(), v: time.UnixMilli(-1).UTC(),
			want: `{"schema":{"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1},"payload":-1}`},
		{name: "schemaless_envelope", v: map[string]any{"b": []any{int64(1), 2.5, nil, true}, "a": "x"},
			want: `{"schema":null,"payload":{"a":"x","b":[1,2.5,null,true]}}`},
		{name: "schemaless_offsets_key", props: schemaless,
			v:    []any{"file-src", map[string]any{"filename": "/tmp/in.txt", "dir": "/tmp"}},
			want: `["file-src",{"dir":"/tmp","filename":"/tmp/in.txt"}]`},
		{name: "schemaless_config_record", props: schemaless,
			v:    map[string]any{"properties": map[string]string{"name": "orders-sink", "connector.class": "FileStreamSink", "tasks.max": "2"}},
			want: `{"properties":{"connector.class":"FileStreamSink","name":"orders-sink","tasks.max":"2"}}`},
		{name: "schemaless_struct_payload", props: schemaless, s: point, v: schema.NewStruct(point).MustPut("x", int32(3)),
			want: `{"x":3,"y":null}`},
		{name: "schemaless_non_string_keys", props: schemaless, v: map[any]any{int64(2): "b", int64(1): "a"},
			want: `[[1,"a"],[2,"b"]]`},
		{name: "onec_envelope", s: onec, v: onecVal},
		{name: "onec_envelope_numeric", props: numeric, s: onec, v: onecVal},
		{name: "onec_schemaless", props: schemaless, s: onec, v: onecVal},
	}
}

func configured(t testing.TB, props map[string]string) *Converter {
	t.Helper()
	c := New()
	if err := c.Configure(props, false); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestGolden(t *testing.T) {
	for _, tc := range goldenCases() {
		t.Run(tc.name, func(t *testing.T) {
			c := configured(t, tc.props)
			got, err := c.FromConnect("golden", nil, tc.s, tc.v)
			if err != nil {
				t.Fatal(err)
			}
			if tc.want != "" && string(got) != tc.want {
				t.Errorf("output:\n got %s\nwant %s", got, tc.want)
			}
			convtest.Golden(t, tc.name+".json", got)
			// Encoding twice gives the same bytes (cached schema, map order).
			again, err := c.FromConnect("golden", nil, tc.s, tc.v)
			if err != nil || string(again) != string(got) {
				t.Errorf("second encoding differs: %s (%v)", again, err)
			}
		})
	}
}

// TestGoldenDecode reads every golden case back: with the envelope the
// schema and value must come back equal and re-encode to the same bytes;
// without it (structs come back as maps, re-encoded with sorted keys) a
// second decode and encode must reproduce the first re-encoding.
func TestGoldenDecode(t *testing.T) {
	for _, tc := range goldenCases() {
		t.Run(tc.name, func(t *testing.T) {
			c := configured(t, tc.props)
			data, err := c.FromConnect("golden", nil, tc.s, tc.v)
			if err != nil {
				t.Fatal(err)
			}
			s, v, err := c.ToConnect("golden", nil, data)
			if err != nil {
				t.Fatalf("ToConnect(%s): %v", data, err)
			}
			again, err := c.FromConnect("golden", nil, s, v)
			if err != nil {
				t.Fatal(err)
			}
			if !c.SchemasEnabled() || tc.s == nil {
				s2, v2, err := c.ToConnect("golden", nil, again)
				if err != nil {
					t.Fatal(err)
				}
				third, err := c.FromConnect("golden", nil, s2, v2)
				if err != nil || string(third) != string(again) {
					t.Errorf("schemaless re-encoding is not stable:\n got %s\nwant %s (%v)", third, again, err)
				}
				return
			}
			if string(again) != string(data) {
				t.Errorf("re-encoding differs:\n got %s\nwant %s", again, data)
			}
			if !s.Equal(tc.s) {
				t.Errorf("schema: got %v, want %v", s, tc.s)
			}
			want := tc.v
			if tc.decoded != nil {
				want = tc.decoded
			}
			if want == nil {
				if d, ok := tc.s.Default(); ok && c.cfg.replaceNullWDef {
					want = d
				}
			}
			if f, ok := want.(float64); ok && math.IsNaN(f) {
				if g, ok := v.(float64); !ok || !math.IsNaN(g) {
					t.Errorf("value: got %v, want NaN", v)
				}
				return
			}
			if !schema.ValuesEqual(v, want) {
				t.Errorf("value: got %v, want %v", v, want)
			}
		})
	}
}
