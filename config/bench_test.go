package config

import (
	"strings"
	"testing"
)

// BenchmarkParse measures Parse of a typical connector config; compare it
// with BenchmarkParseProperties (reading the same config as text) in one run.
func BenchmarkParse(b *testing.B) {
	d := testDef()
	p := validProps()
	p["topics"] = "a,b,c"
	p["database.password"] = "secret"
	p["transforms.route.type"] = "RegexRouter"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.Parse(p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidate(b *testing.B) {
	d := testDef()
	p := validProps()
	p["tasks.max"] = "0"
	b.ReportAllocs()
	for b.Loop() {
		_ = d.Validate("X", p)
	}
}

func BenchmarkParseProperties(b *testing.B) {
	text := strings.Repeat("some.key.name = some value \\\n  continued\n# comment\n", 20)
	b.ReportAllocs()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, err := ParseProperties(strings.NewReader(text)); err != nil {
			b.Fatal(err)
		}
	}
}
