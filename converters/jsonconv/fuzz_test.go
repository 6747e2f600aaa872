package jsonconv

import (
	"testing"
)

func fuzzSeeds(f *testing.F) {
	for _, tc := range goldenCases() {
		for _, props := range []map[string]string{nil, schemaless, numeric} {
			c := New()
			if err := c.Configure(props, false); err != nil {
				f.Fatal(err)
			}
			if b, err := c.FromConnect("t", nil, tc.s, tc.v); err == nil && b != nil {
				f.Add(b)
			}
		}
	}
	for _, s := range []string{``, `{`, `[1,`, `"\ud800"`, `{"schema":{"type":"map","keys":{"type":"int8"},"values":{"type":"int8"}},"payload":[[1,2]]}`,
		`{"schema":{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"-5"}},"payload":"/w=="}`,
		`{"schema":{"type":"int32","optional":true,"default":3},"payload":null}`, `-0.0e-0`, `1E400`} {
		f.Add([]byte(s))
	}
}

// FuzzToConnect feeds arbitrary bytes to the decoder in both modes: it must
// return a value or an error, never panic; whatever it accepts must encode
// again, and that encoding must decode and re-encode to the same bytes.
func FuzzToConnect(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, props := range []map[string]string{nil, schemaless} {
			c := New()
			if err := c.Configure(props, false); err != nil {
				t.Fatal(err)
			}
			s, v, err := c.ToConnect("fuzz", nil, data)
			if err != nil {
				continue
			}
			b, err := c.FromConnect("fuzz", nil, s, v)
			if err != nil {
				// Decoding can produce values the encoder rejects only
				// for decimals read as numbers with more digits than the
				// schema's scale; anything else is a bug.
				if s == nil {
					t.Fatalf("schemaless value read from %q does not encode: %v", data, err)
				}
				continue
			}
			if b == nil {
				continue
			}
			s2, v2, err := c.ToConnect("fuzz", nil, b)
			if err != nil {
				t.Fatalf("re-read of %q (from %q) failed: %v", b, data, err)
			}
			b2, err := c.FromConnect("fuzz", nil, s2, v2)
			if err != nil || string(b2) != string(b) {
				t.Fatalf("encoding not stable: %q then %q (%v)", b, b2, err)
			}
		}
	})
}
