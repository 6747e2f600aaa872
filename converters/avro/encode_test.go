package avro

import (
	"bytes"
	"math"
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/hamba/avro/v2"
	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/schema"
)

func mustPlan(t *testing.T, s *schema.Schema, avroText string) (*encNode, avro.Schema) {
	t.Helper()
	h, err := avro.ParseWithCache(avroText, "", &avro.SchemaCache{})
	if err != nil {
		t.Fatal(err)
	}
	n, err := buildEncoder(s, h)
	if err != nil {
		t.Fatal(err)
	}
	return n, h
}

// TestAppendPrimitivesMatchHamba checks the hand-written binary encoding
// against hamba's encoder, at the varint length boundaries and for
// special floats.
func TestAppendPrimitivesMatchHamba(t *testing.T) {
	longs := []int64{0, 1, -1, 63, -64, 64, -65, 8191, -8192, 8192, -8193,
		math.MaxInt32, math.MinInt32, 1 << 35, -(1 << 35), 1<<56 - 1, 1 << 56,
		math.MaxInt64, math.MinInt64}
	cases := []struct {
		s    *schema.Schema
		avro string
		vals []any
	}{
		{schema.Int64().MustBuild(), `"long"`, func() (vs []any) {
			for _, x := range longs {
				vs = append(vs, x)
			}
			return vs
		}()},
		{schema.Int32().MustBuild(), `"int"`, func() (vs []any) {
			for _, x := range longs {
				if x == int64(int32(x)) {
					vs = append(vs, int32(x))
				}
			}
			return vs
		}()},
		{schema.Int16().MustBuild(), `"int"`, []any{int16(0), int16(-1), int16(math.MaxInt16), int16(math.MinInt16)}},
		{schema.Int8().MustBuild(), `"int"`, []any{int8(0), int8(-1), int8(math.MaxInt8), int8(math.MinInt8)}},
		{schema.Bool().MustBuild(), `"boolean"`, []any{true, false}},
		{schema.Float32().MustBuild(), `"float"`, []any{float32(0), float32(-1.5), float32(math.Inf(1)), float32(math.NaN()), float32(math.SmallestNonzeroFloat32)}},
		{schema.Float64().MustBuild(), `"double"`, []any{0.0, 125.5, math.Inf(-1), math.NaN(), math.MaxFloat64}},
		{schema.String().MustBuild(), `"string"`, []any{"", "ёлки", strings.Repeat("Ж", 100), strings.Repeat("x", 70000)}},
		{schema.Bytes().MustBuild(), `"bytes"`, []any{[]byte{}, []byte{0, 0xff}, bytes.Repeat([]byte{7}, 64)}},
		{schema.Array(schema.String().MustBuild()).MustBuild(), `{"type":"array","items":"string"}`, []any{[]any{}, []any{"a", "бв"}}},
		{schema.Map(schema.String().MustBuild(), schema.Int64().MustBuild()).MustBuild(), `{"type":"map","values":"long"}`, []any{map[string]any{}, map[string]any{"k": int64(-3)}}},
		{schema.String().Optional().MustBuild(), `["null","string"]`, []any{nil, "x"}},
		{schema.Int32().Optional().MustBuild(), `["int","null"]`, []any{nil, int32(-7)}},
	}
	for _, tc := range cases {
		n, h := mustPlan(t, tc.s, tc.avro)
		for _, v := range tc.vals {
			got, err := appendValue([]byte{0xAA}, n, v)
			if err != nil {
				t.Fatalf("%s %v: %v", tc.avro, v, err)
			}
			if h.Type() == avro.Array || h.Type() == avro.Map {
				// hamba writes blocks with a byte size (a negative count):
				// equally valid, so compare what it reads back instead.
				var back any
				if got[0] != 0xAA || avro.Unmarshal(h, got[1:], &back) != nil || !reflect.DeepEqual(back, v) {
					t.Errorf("%s %v: hamba reads %#v from % x", tc.avro, v, back, got[1:])
				}
				continue
			}
			want, err := avro.Marshal(h, v)
			if err != nil {
				t.Fatalf("hamba %s %v: %v", tc.avro, v, err)
			}
			if got[0] != 0xAA || !bytes.Equal(got[1:], want) {
				t.Errorf("%s %.40v: got % x, want % x", tc.avro, v, got[1:min(len(got), 40)], want[:min(len(want), 39)])
			}
		}
	}
}

// TestAppendDecimalMatchesDecimalToBytes checks the int64 fast paths
// against the exact big.Int encoding, for bytes and fixed decimals, at the
// int64 bounds and with exponents other than -scale.
func TestAppendDecimalMatchesDecimalToBytes(t *testing.T) {
	two64 := new(big.Int).Lsh(big.NewInt(1), 64)
	maxPlus1 := new(big.Int).Add(big.NewInt(math.MaxInt64), big.NewInt(1))
	minMinus1 := new(big.Int).Sub(big.NewInt(math.MinInt64), big.NewInt(1))
	for _, scale := range []int32{0, 2, 3, 18} {
		ds := []decimal.Decimal{{}, decimal.Zero, decimal.New(0, -scale), decimal.New(1, 0), decimal.New(-1, 0),
			decimal.New(127, -scale), decimal.New(128, -scale), decimal.New(-128, -scale), decimal.New(-129, -scale),
			decimal.New(255, -scale), decimal.New(32767, -scale), decimal.New(-32768, -scale), decimal.New(-32769, -scale),
			decimal.New(math.MaxInt64, -scale), decimal.New(math.MinInt64, -scale),
			decimal.NewFromBigInt(maxPlus1, -scale), decimal.NewFromBigInt(minMinus1, -scale),
			decimal.NewFromBigInt(two64, -scale), decimal.NewFromBigInt(new(big.Int).Neg(two64), -scale),
			decimal.New(5, -1), decimal.New(123, 1), decimal.New(-123, 2), decimal.New(1, -scale-1),
			decimal.New(100, -scale-2), decimal.New(math.MaxInt64, -scale-1), decimal.New(math.MaxInt64/10, 1-scale),
			decimal.RequireFromString("12345678901234567890.12345678901234567890"),
		}
		s := schema.Decimal(scale).MustBuild()
		bytesNode, hb := mustPlan(t, s, `{"type":"bytes","logicalType":"decimal","precision":60,"scale":`+itoa(scale)+`}`)
		fixedNode, hf := mustPlan(t, s, `{"type":"fixed","name":"F","size":9,"logicalType":"decimal","precision":21,"scale":`+itoa(scale)+`}`)
		for _, d := range ds {
			want, wantErr := schema.DecimalToBytes(d, scale)
			got, err := appendValue(nil, bytesNode, d)
			if (err != nil) != (wantErr != nil) {
				t.Fatalf("scale %d %s: err = %v, want %v", scale, d, err, wantErr)
			}
			if err != nil {
				continue
			}
			if w := appendBytes(nil, want); !bytes.Equal(got, w) {
				t.Errorf("scale %d %s: bytes % x, want % x", scale, d, got, w)
			}
			var r *big.Rat
			if err := avro.Unmarshal(hb, got, &r); err != nil || r.Cmp(d.Rat()) != 0 {
				t.Errorf("scale %d %s: hamba reads %v (%v)", scale, d, r, err)
			}
			got, err = appendValue(nil, fixedNode, d)
			if len(want) > 9 {
				if err == nil {
					t.Errorf("scale %d %s: %d bytes fit a fixed of 9", scale, d, len(want))
				}
				continue
			}
			if err != nil {
				t.Fatalf("scale %d %s fixed: %v", scale, d, err)
			}
			fill := byte(0)
			if want[0]&0x80 != 0 {
				fill = 0xff
			}
			w := append(bytes.Repeat([]byte{fill}, 9-len(want)), want...)
			if !bytes.Equal(got, w) {
				t.Errorf("scale %d %s fixed: % x, want % x", scale, d, got, w)
			}
			r = nil
			if err := avro.Unmarshal(hf, got, &r); err != nil || r.Cmp(d.Rat()) != 0 {
				t.Errorf("scale %d %s fixed: hamba reads %v (%v)", scale, d, r, err)
			}
		}
	}
}

func itoa(i int32) string { return big.NewInt(int64(i)).String() }

// TestAppendUnionStruct writes Connect's union struct as the Avro union
// branch of its set member.
func TestAppendUnionStruct(t *testing.T) {
	s := schema.StructBuilder().Name(unionName).Optional().
		Field("string", schema.String().Optional().MustBuild()).
		Field("int", schema.Int32().Optional().MustBuild()).
		MustBuild()
	n, _ := mustPlan(t, s, `["null","string","int"]`)
	for _, tc := range []struct {
		v    any
		want []byte
	}{
		{nil, []byte{0}},
		{schema.NewStruct(s), []byte{0}},
		{schema.NewStruct(s).MustPut("string", "ab"), []byte{2, 4, 'a', 'b'}},
		{schema.NewStruct(s).MustPut("int", int32(5)), []byte{4, 10}},
	} {
		got, err := appendValue(nil, n, tc.v)
		if err != nil {
			t.Fatalf("%v: %v", tc.v, err)
		}
		if !bytes.Equal(got, tc.want) {
			t.Errorf("%v: % x, want % x", tc.v, got, tc.want)
		}
	}
}
