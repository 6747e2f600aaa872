package dialect

import (
	"errors"
	"testing"
	"time"
)

// FuzzDecode feeds random bytes, as []byte and as string, to every kind of
// both dialects: the result must be a value or a *ValueError, never a panic.
func FuzzDecode(f *testing.F) {
	for _, s := range [][]byte{
		{}, {0}, {1}, {2}, {0, 0, 1, 0x6a}, make([]byte, 8), make([]byte, 16),
		[]byte("-1234.5600"), []byte("1e5"), []byte("0.1.2"), []byte("   "), []byte("\xff\xfe"),
	} {
		f.Add(s, int8(0))
	}
	dialects := []Dialect{Postgres(), SQLServer()}
	f.Fuzz(func(t *testing.T, b []byte, kindSeed int8) {
		for k := Invalid; k <= maxKind; k++ {
			c := Column{Name: "_Fld1", Kind: k, Precision: 15, Scale: 3}
			for _, d := range dialects {
				for _, raw := range []any{b, string(b)} {
					v, err := d.Decode(c, raw, int(kindSeed))
					if err != nil {
						if !errors.Is(err, ErrDecode) {
							t.Fatalf("%s %s: error %v does not wrap ErrDecode", d.Name(), k, err)
						}
						continue
					}
					if v == nil {
						t.Fatalf("%s %s: non-NULL input decoded to nil", d.Name(), k)
					}
				}
			}
		}
	})
}

// FuzzEncodeString checks string and numeric text validation on random
// input: an error or a value that decodes back to the input.
func FuzzEncodeString(f *testing.F) {
	for _, s := range []string{"", "abc", "Москва", "1.5", "-0.001", "a\x00", "\xff", "😀😀"} {
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, s string, length uint8) {
		for _, d := range []Dialect{Postgres(), SQLServer()} {
			sc := Column{Name: "_Fld1", Kind: String, Length: int(length)}
			if enc, err := d.Encode(sc, s, 0); err == nil {
				if back, err := d.Decode(sc, enc, 0); err != nil || back != s {
					t.Fatalf("%s: string %q → %#v → %#v, %v", d.Name(), s, enc, back, err)
				}
			} else if !errors.Is(err, ErrEncode) {
				t.Fatalf("%s: %v", d.Name(), err)
			}
			nc := Column{Name: "_Fld1", Kind: Numeric, Precision: 15, Scale: 3}
			if _, err := d.Encode(nc, s, 0); err != nil && !errors.Is(err, ErrEncode) {
				t.Fatalf("%s: %v", d.Name(), err)
			}
			tc := Column{Name: "_Fld1", Kind: DateTime}
			if _, err := d.Encode(tc, time.Unix(int64(len(s))*1e9, 0), int(length)); err != nil && !errors.Is(err, ErrEncode) {
				t.Fatalf("%s: %v", d.Name(), err)
			}
		}
	})
}
