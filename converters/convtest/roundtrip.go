package convtest

import (
	"testing"

	"github.com/onecconnect/onecconnect/converters"
	"github.com/onecconnect/onecconnect/schema"
)

// RoundTrip serialises v (schema s) with c, deserialises the bytes and
// returns the bytes and what came back. It fails the test on any error.
func RoundTrip(t testing.TB, c converters.Converter, topic string, s *schema.Schema, v any) ([]byte, *schema.Schema, any) {
	t.Helper()
	var h converters.Headers
	b, err := c.FromConnect(topic, &h, s, v)
	if err != nil {
		t.Fatalf("FromConnect: %v", err)
	}
	gs, gv, err := c.ToConnect(topic, h, b)
	if err != nil {
		t.Fatalf("ToConnect(%q): %v", b, err)
	}
	return b, gs, gv
}

// RoundTripEqual is RoundTrip that also requires the same schema (when
// wantSchema is non-nil) and a value equal to want (schema.ValuesEqual).
func RoundTripEqual(t testing.TB, c converters.Converter, s *schema.Schema, v any, wantSchema *schema.Schema, want any) {
	t.Helper()
	b, gs, gv := RoundTrip(t, c, "roundtrip", s, v)
	if wantSchema != nil && !gs.Equal(wantSchema) {
		t.Errorf("schema after round trip of %q:\n got %v\nwant %v", b, gs, wantSchema)
	}
	if !schema.ValuesEqual(gv, want) {
		t.Errorf("value after round trip of %q:\n got %v\nwant %v", b, gv, want)
	}
}
