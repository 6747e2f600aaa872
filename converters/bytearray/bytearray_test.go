package bytearray

import (
	"errors"
	"strings"
	"testing"

	"github.com/onecconnect/onecconnect/converters"
	"github.com/onecconnect/onecconnect/converters/convtest"
	"github.com/onecconnect/onecconnect/converters/jsonconv"
	"github.com/onecconnect/onecconnect/schema"
	"github.com/onecconnect/onecconnect/schema/schematest"
)

func TestPlugin(t *testing.T) {
	p := Plugin()
	if p.Class != "org.apache.kafka.connect.converters.ByteArrayConverter" ||
		strings.Join(p.Aliases, ",") != "ByteArrayConverter,ByteArray" || p.New == nil || p.NewHeader == nil {
		t.Errorf("plugin %+v", p)
	}
	if _, ok := p.Config().Key(TypeConfig); !ok {
		t.Error("converter.type not defined")
	}
}

func TestConvert(t *testing.T) {
	c := New()
	cases := []struct {
		name string
		s    *schema.Schema
		v    any
		want []byte
		err  string
	}{
		{"bytes", schema.Bytes().MustBuild(), []byte{0, 1, 0xff}, []byte{0, 1, 0xff}, ""},
		{"no schema", nil, []byte("x"), []byte("x"), ""},
		{"null", optionalBytes, nil, nil, ""},
		{"wrong schema", schema.String().MustBuild(), "x", nil, "invalid schema type for ByteArrayConverter: STRING"},
		{"wrong value", nil, "x", nil, "not compatible with objects of type string"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.FromConnect("t", nil, tc.s, tc.v)
			if tc.err != "" {
				var de *converters.DataError
				if !errors.As(err, &de) || !strings.Contains(err.Error(), tc.err) || de.Topic != "t" {
					t.Fatalf("want DataError %q, got %v", tc.err, err)
				}
				return
			}
			if err != nil || string(got) != string(tc.want) || (got == nil) != (tc.want == nil) {
				t.Fatalf("got %q %v, want %q", got, err, tc.want)
			}
			s, v, err := c.ToConnect("t", nil, got)
			if err != nil || !s.Equal(optionalBytes) || !schema.ValuesEqual(v, tc.v) {
				t.Errorf("read back %v %v %v", s, v, err)
			}
		})
	}
	h := NewHeader()
	if b, err := h.FromConnectHeader("t", "k", nil, []byte("h")); err != nil || string(b) != "h" {
		t.Errorf("header: %q %v", b, err)
	}
}

// TestRoundTripOneC carries the 1C-like record as JSON bytes through the
// byte-array converter: the bytes must arrive unchanged and decode to the
// same record.
func TestRoundTripOneC(t *testing.T) {
	s := schematest.OneCSchema()
	rec := schematest.OneCRecord(s, 2)
	js := jsonconv.New()
	raw, err := js.FromConnect("t", nil, s, rec)
	if err != nil {
		t.Fatal(err)
	}
	convtest.RoundTripEqual(t, New(), schema.Bytes().MustBuild(), raw, optionalBytes, raw)
	_, v, err := js.ToConnect("t", nil, raw)
	if err != nil || !schema.ValuesEqual(v, rec) {
		t.Errorf("record changed on the way: %v", err)
	}
}

func BenchmarkRoundTripOneC(b *testing.B) {
	s := schematest.OneCSchema()
	raw, _ := jsonconv.New().FromConnect("t", nil, s, schematest.OneCRecord(s, 1))
	c := New()
	b.ReportAllocs()
	for b.Loop() {
		out, _ := c.FromConnect("t", nil, nil, raw)
		if _, _, err := c.ToConnect("t", nil, out); err != nil {
			b.Fatal(err)
		}
	}
}
