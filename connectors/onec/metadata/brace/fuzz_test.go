package brace

import (
	"bytes"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{"{}", "{,1}", `{"a""b",{1,{2}},x}`, "\xEF\xBB\xBF{1,\r\n{#base64:AA\r\r\nBB}\r\n}", "{1,2", `"`, "{{{{"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := Parse(data)
		if err != nil {
			return
		}
		// Whatever parses must survive a write and re-read unchanged in
		// structure, modulo the documented {x}-with-one-empty-item case.
		out := Marshal(n)
		m, err := Parse(out)
		if err != nil {
			t.Fatalf("re-parse of %q: %v", out, err)
		}
		if again := Marshal(m); !bytes.Equal(again, out) {
			t.Fatalf("unstable: %q then %q", out, again)
		}
	})
}
