package jsonconv

import (
	"fmt"
	"strings"
	"testing"

	"github.com/onecconnect/onecconnect/schema"
)

func TestPlugin(t *testing.T) {
	p := Plugin()
	if p.Class != "org.apache.kafka.connect.json.JsonConverter" {
		t.Errorf("class %q", p.Class)
	}
	if strings.Join(p.Aliases, ",") != "JsonConverter,Json" {
		t.Errorf("aliases %v", p.Aliases)
	}
	if p.New == nil || p.NewHeader == nil || p.Config == nil {
		t.Fatal("plugin must construct a converter, a header converter and a config")
	}
	def := p.Config()
	for _, k := range []string{SchemasEnableConfig, SchemasCacheSizeConfig, DecimalFormatConfig, ReplaceNullWithDefaultConfig, TypeConfig} {
		if _, ok := def.Key(k); !ok {
			t.Errorf("config key %s not defined", k)
		}
	}
	h := p.NewHeader()
	if err := h.Configure(map[string]string{"schemas.enable": "false"}); err != nil {
		t.Fatal(err)
	}
	b, err := h.FromConnectHeader("t", "h", schema.Int32().MustBuild(), int32(3))
	if err != nil || string(b) != "3" {
		t.Errorf("header: %q %v", b, err)
	}
	s, v, err := h.ToConnectHeader("t", "h", []byte(`"x"`))
	if err != nil || s != nil || v != "x" {
		t.Errorf("header read: %v %v %v", s, v, err)
	}
}

func TestConfigure(t *testing.T) {
	c := New()
	err := c.Configure(map[string]string{"decimal.format": "HEX"}, false)
	if err == nil || !strings.Contains(err.Error(), "decimal.format") {
		t.Errorf("bad decimal.format must fail naming the key: %v", err)
	}
	if err := c.Configure(map[string]string{"schemas.enable": "maybe"}, true); err == nil {
		t.Error("bad boolean must fail")
	}
	// Unknown keys are ignored, as Kafka's converters ignore them.
	if err := c.Configure(map[string]string{"schema.registry.url": "http://x", "decimal.format": "Numeric"}, true); err != nil {
		t.Fatal(err)
	}
	if !c.cfg.decimalNumeric || c.cfg.typ != TypeKey {
		t.Errorf("settings not applied: %+v", c.cfg)
	}
}

func TestSchemaCacheBounded(t *testing.T) {
	c := configured(t, map[string]string{"schemas.cache.size": "3"})
	for i := 0; i < 10; i++ {
		s := schema.Int32().Name(fmt.Sprintf("n%d", i)).MustBuild()
		b, err := c.FromConnect("t", nil, s, int32(i))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.ToConnect("t", nil, b); err != nil {
			t.Fatal(err)
		}
	}
	if n := c.toJSONCache.len(); n != 3 {
		t.Errorf("to-JSON cache holds %d schemas, want 3", n)
	}
	if n := c.toConnectCache.len(); n != 3 {
		t.Errorf("to-Connect cache holds %d schemas, want 3", n)
	}
	off := configured(t, map[string]string{"schemas.cache.size": "0"})
	if _, err := off.FromConnect("t", nil, schema.Int8().MustBuild(), int8(1)); err != nil {
		t.Fatal(err)
	}
	if n := off.toJSONCache.len(); n != 0 {
		t.Errorf("cache size 0 must cache nothing, holds %d", n)
	}
}

func TestLRUOrder(t *testing.T) {
	c := newLRU[string, int](2)
	c.put("a", 1)
	c.put("b", 2)
	c.get("a") // a is now the most recent
	c.put("c", 3)
	if _, ok := c.get("b"); ok {
		t.Error("b should have been evicted")
	}
	if v, ok := c.get("a"); !ok || v != 1 {
		t.Error("a should still be cached")
	}
}

func TestJavaFloatFormat(t *testing.T) {
	cases := []struct {
		f    float64
		bits int
		want string
	}{
		{1, 64, "1.0"}, {0.1, 64, "0.1"}, {100, 64, "100.0"}, {1e-3, 64, "0.001"}, {9.99e-4, 64, "9.99E-4"},
		{1e21, 64, "1.0E21"}, {1.2345e-300, 64, "1.2345E-300"}, {5e-324, 64, "4.9E-324"}, {123456.789, 64, "123456.789"},
		{float64(float32(0.1)), 32, "0.1"}, {float64(float32(1e10)), 32, "1.0E10"}, {float64(float32(16777216)), 32, "1.6777216E7"},
	}
	for _, tc := range cases {
		if got := string(appendJavaFloat(nil, tc.f, tc.bits)); got != tc.want {
			t.Errorf("%v (%d bits): got %s, want %s", tc.f, tc.bits, got, tc.want)
		}
	}
}

func TestBigDecimalFormat(t *testing.T) {
	cases := []struct {
		digits string
		neg    bool
		scale  int64
		want   string
	}{
		{"12345", false, 2, "123.45"}, {"5", true, 3, "-0.005"}, {"0", false, 0, "0"}, {"0", false, 2, "0.00"},
		{"1", false, 6, "0.000001"}, {"1", false, 7, "1E-7"}, {"123", false, -2, "1.23E+4"}, {"12", false, 8, "1.2E-7"},
	}
	for _, tc := range cases {
		if got := string(appendBigDecimal(nil, tc.neg, []byte(tc.digits), tc.scale)); got != tc.want {
			t.Errorf("%s scale %d: got %s, want %s", tc.digits, tc.scale, got, tc.want)
		}
	}
}

func TestEscapeIn8(t *testing.T) {
	for pos := 0; pos < 8; pos++ {
		for c := 0; c < 256; c++ {
			b := []byte("aЖaaaaaa")[:8]
			for i := range b {
				if i != pos && b[i] < 0x80 {
					b[i] = 'a'
				}
			}
			b[pos] = byte(c)
			want := false
			for _, x := range b {
				want = want || asciiEscape[x]
			}
			if got := escapeIn8(string(b)); got != want {
				t.Fatalf("% x: got %v, want %v", b, got, want)
			}
		}
	}
}
