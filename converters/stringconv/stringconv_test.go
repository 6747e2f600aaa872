package stringconv

import (
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/converters/convtest"
	"github.com/onecconnect/onecconnect/schema"
	"github.com/onecconnect/onecconnect/schema/schematest"
)

func TestPlugin(t *testing.T) {
	p := Plugin()
	if p.Class != "org.apache.kafka.connect.storage.StringConverter" ||
		strings.Join(p.Aliases, ",") != "StringConverter,String" || p.New == nil || p.NewHeader == nil {
		t.Errorf("plugin %+v", p)
	}
	k, ok := p.Config().Key(EncodingConfig)
	if !ok || k.Default != "UTF-8" {
		t.Errorf("converter.encoding: %+v", k)
	}
}

func TestJavaString(t *testing.T) {
	st := schema.StructBuilder().Field("a", schema.Int32().MustBuild()).Field("b", schema.String().Optional().MustBuild()).
		Field("c", schema.Float64().MustBuild()).MustBuild()
	cases := []struct {
		v    any
		want string
	}{
		{"Привет", "Привет"}, {int8(-5), "-5"}, {int64(1) << 40, "1099511627776"}, {1e10, "1.0E10"}, {float32(2.5), "2.5"},
		{true, "true"}, {decimal.RequireFromString("123.450"), "123.450"},
		{time.Date(2024, 3, 16, 0, 0, 0, 0, time.UTC), "Sat Mar 16 00:00:00 UTC 2024"},
		{[]any{int32(1), "x", nil}, "[1, x, null]"}, {map[string]any{"b": int32(2), "a": "z"}, "{a=z, b=2}"},
		{schema.NewStruct(st).MustPut("a", int32(1)).MustPut("c", 2.0), "Struct{a=1,c=2.0}"},
	}
	for _, tc := range cases {
		if got := string(AppendJavaString(nil, tc.v)); got != tc.want {
			t.Errorf("%#v: got %q, want %q", tc.v, got, tc.want)
		}
	}
}

func TestEncodings(t *testing.T) {
	cases := []struct {
		enc  string
		text string
		want []byte
	}{
		{"UTF-8", "Ёж", []byte("Ёж")},
		{"utf8", "Ёж", []byte("Ёж")},
		{"windows-1251", "Ёж", []byte{0xa8, 0xe6}},
		{"Cp1251", "Ёж", []byte{0xa8, 0xe6}},
		{"KOI8-R", "Ёж", []byte{0xb3, 0xd6}},
		{"ISO-8859-1", "é", []byte{0xe9}},
		{"ISO-8859-1", "aЖb", []byte("a?b")},
		{"UTF-16BE", "Ж", []byte{0x04, 0x16}},
	}
	for _, tc := range cases {
		c := New()
		if err := c.Configure(map[string]string{EncodingConfig: tc.enc}, false); err != nil {
			t.Fatalf("%s: %v", tc.enc, err)
		}
		got, err := c.FromConnect("t", nil, nil, tc.text)
		if err != nil || string(got) != string(tc.want) {
			t.Errorf("%s: got % x %v, want % x", tc.enc, got, err, tc.want)
		}
		_, _, back := convtest.RoundTrip(t, c, "t", nil, tc.text)
		if !strings.Contains(string(tc.want), "?") && back != tc.text {
			t.Errorf("%s: read back %q, want %q", tc.enc, back, tc.text)
		}
	}
	if err := New().Configure(map[string]string{EncodingConfig: "EBCDIC-XYZ"}, false); err == nil ||
		!strings.Contains(err.Error(), EncodingConfig) {
		t.Errorf("unknown encoding must fail naming the key: %v", err)
	}
	c := New()
	if b, err := c.FromConnect("t", nil, nil, nil); b != nil || err != nil {
		t.Errorf("nil: %q %v", b, err)
	}
	if s, v, err := c.ToConnect("t", nil, nil); v != nil || err != nil || !s.Equal(optionalString) {
		t.Errorf("nil read: %v %v %v", s, v, err)
	}
}

// TestRoundTripOneC writes the 1C-like record through the StringConverter
// (as Struct{…} text, Cyrillic intact, in UTF-8 and windows-1251) and reads
// the same text back.
func TestRoundTripOneC(t *testing.T) {
	s := schematest.OneCSchema()
	rec := schematest.OneCRecord(s, 4)
	want := string(AppendJavaString(nil, rec))
	if !strings.HasPrefix(want, "Struct{Ссылка=a1b2c3d4") || !strings.Contains(want, "Комментарий=Отгрузка «Ромашке», срочно — ёлки и Ёжики") ||
		!strings.Contains(want, "СуммаДокумента=") || strings.Count(want, "Struct{НомерСтроки=") != 10 {
		t.Fatalf("unexpected text form: %s", want)
	}
	for _, enc := range []string{"UTF-8", "windows-1251"} {
		c := New()
		if err := c.Configure(map[string]string{EncodingConfig: enc}, false); err != nil {
			t.Fatal(err)
		}
		convtest.RoundTripEqual(t, c, s, rec, optionalString, want)
	}
}

func BenchmarkEncodeOneC(b *testing.B) {
	s := schematest.OneCSchema()
	rec := schematest.OneCRecord(s, 1)
	c := New()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.FromConnect("t", nil, s, rec); err != nil {
			b.Fatal(err)
		}
	}
}
