package jsonconv

import (
	"bytes"
	"encoding/base64"
	"math"
	"math/big"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/schema"
)

func TestAppendTwosComplement64(t *testing.T) {
	tests := []int64{0, 1, -1, 127, 128, -128, -129, 255, 256, 32767, 32768, -32768, -32769,
		12345, -12345, 1 << 31, -(1 << 31), 1<<31 - 1, 1 << 55, -(1 << 55), 1<<56 - 1,
		math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1}
	for _, v := range tests {
		got := appendTwosComplement64([]byte("x"), v)
		want := append([]byte("x"), schema.BigIntToTwosComplement(big.NewInt(v))...)
		if !bytes.Equal(got, want) {
			t.Errorf("appendTwosComplement64(%d) = %x, want %x", v, got, want)
		}
	}
}

func TestAppendBase64(t *testing.T) {
	src := []byte{0x00, 0xff, 0x10, 0x80, 0x7f, 0xd0, 0x9f, 0x01, 0xfe, 0x3e, 0x3f, 0xfb, 0xef, 0xbf, 0x55, 0xaa, 0x42}
	for n := 0; n <= len(src); n++ {
		for off := 0; off+n <= len(src); off++ {
			b := src[off : off+n]
			got := string(appendBase64([]byte("x"), b))
			want := `x"` + base64.StdEncoding.EncodeToString(b) + `"`
			if got != want {
				t.Fatalf("appendBase64(%x) = %s, want %s", b, got, want)
			}
		}
	}
}

// appendStringReference is appendString written plainly, rune by rune.
func appendStringReference(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for _, r := range s { // invalid UTF-8 yields U+FFFD per bad byte
		if r < 0x80 && asciiEscape[r] {
			dst = appendEscape(dst, byte(r))
			continue
		}
		dst = utf8.AppendRune(dst, r)
	}
	return append(dst, '"')
}

func TestAppendStringMatchesReference(t *testing.T) {
	tests := []string{
		"", "a", "abcdefgh", "abcdefghi", "6f1c2a0e-3b4d-4c5e-8f90-000000000001",
		"Отгрузка «Ромашке», срочно — ёлки и Ёжики", "НДС20", "ТД00-000001",
		"ПродажаКомиссия", "Документ.ЗаказКлиента", "tab\there", "quote\"and\\slash/",
		"ctl\x00\x01\x1f\x7f", "Ж\n", "long ascii then Кириллица then ascii again abcdefgh",
		"bad \xff utf8", "\xd0", "truncated \xd0", "\xe2\x80", "emoji 😀 ok", "\xc0\x80 overlong",
		"\xed\xa0\x80 surrogate", strings.Repeat("Щ", 40), strings.Repeat("ab\"", 9),
	}
	for _, s := range tests {
		got := string(appendString([]byte("x"), s))
		want := "x" + string(appendStringReference(nil, s))
		if got != want {
			t.Errorf("appendString(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestTwoByteIn8(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"ОтгрузкаXX"[:8], true},
		{"ЁжикиЙЩ"[:8], true},
		{"\xc2\x80\xdf\xbf\xc2\xa0\xd0\x9f", true},
		{"\xc1\xbf\xd0\x9f\xd0\x9f\xd0\x9f", false}, // overlong lead
		{"\xd0\x9f\xd0\x9f\xd0\x9f\xc0\x80", false}, // overlong lead last
		{"\xd0\x9f\xd0\x9f\xd0\x9f\xd0\x20", false}, // not a continuation
		{"\xd0\x9f\xd0\x9fab\xd0\x9f", false},
		{"\xe2\x80\x94\xd0\x9f\xd0\x9f\xd0", false}, // three-byte sequence
		{"abcdefgh", false},
		{"\xd0\xc0\xd0\x9f\xd0\x9f\xd0\x9f", false},
	}
	for _, tt := range tests {
		if got := twoByteIn8(tt.s); got != tt.want {
			t.Errorf("twoByteIn8(%x) = %v, want %v", tt.s, got, tt.want)
		}
		// Cross-check: four runes of two bytes each.
		ok := utf8.ValidString(tt.s)
		for i := 0; ok && i < 8; i += 2 {
			r, n := utf8.DecodeRuneInString(tt.s[i:])
			ok = n == 2 && r != utf8.RuneError
		}
		if ok != tt.want {
			t.Errorf("test case %x: reference says %v", tt.s, ok)
		}
	}
}

// TestTwoByteIn8AllPairs puts every byte pair in each of the four slots
// among valid Cyrillic letters and checks against utf8.DecodeRune.
func TestTwoByteIn8AllPairs(t *testing.T) {
	for a := 0; a < 256; a++ {
		for b := 0; b < 256; b++ {
			r, n := utf8.DecodeRune([]byte{byte(a), byte(b)})
			want := n == 2 && r != utf8.RuneError
			for slot := 0; slot < 4; slot++ {
				buf := []byte("\xd0\x9f\xd0\x9f\xd0\x9f\xd0\x9f")
				buf[2*slot], buf[2*slot+1] = byte(a), byte(b)
				if got := twoByteIn8(string(buf)); got != want {
					t.Fatalf("twoByteIn8(%x) = %v, want %v", buf, got, want)
				}
			}
		}
	}
}

func TestValidUTF8(t *testing.T) {
	tests := []string{
		"", "ascii only here", "Отгрузка «Ромашке», срочно — ёлки и Ёжики", "ЩЩЩЩЩЩЩЩЩ",
		"\xff", "ЩЩЩ\xff", "ЩЩЩЩ\xd0", "ЩЩЩЩ\xd0ab", "\xc0\x80ЩЩЩЩ", "ЩЩ\xed\xa0\x80ЩЩ",
		"😀😀😀", "ab\xe2\x80", "Щ\xc1\xbfЩЩЩ", "abcdefgЩЩЩЩЩ", "abcdefghЩ\x80ЩЩ",
	}
	for _, s := range tests {
		if got, want := validUTF8([]byte(s)), utf8.ValidString(s); got != want {
			t.Errorf("validUTF8(%q) = %v, want %v", s, got, want)
		}
	}
	// Every byte pair in every slot of a Cyrillic word.
	for a := 0; a < 256; a++ {
		for b := 0; b < 256; b++ {
			for slot := 0; slot < 5; slot++ {
				buf := []byte("ЩЩЩЩЩ")
				buf[2*slot], buf[2*slot+1] = byte(a), byte(b)
				if got, want := validUTF8(buf), utf8.Valid(buf); got != want {
					t.Fatalf("validUTF8(%x) = %v, want %v", buf, got, want)
				}
			}
		}
	}
}

func TestPlainDecimalMatchesNewFromString(t *testing.T) {
	tests := []string{"0", "-0", "0.0", "-0.0", "1", "-1", "123.45", "-123.450", "0.001", "-0.05",
		"999999999999999999", "-999999999999999999", "99999999999999999.9", "1000000000000000000",
		"12345678901234567890.5", "1e5", "1.5E-3", "7.", "00012.3400"}
	for _, tok := range tests {
		want, werr := decimal.NewFromString(tok)
		got, ok := plainDecimal([]byte(tok))
		if !ok {
			continue // NewFromString decides
		}
		if werr != nil || got.Exponent() != want.Exponent() || got.Coefficient().Cmp(want.Coefficient()) != 0 {
			t.Errorf("plainDecimal(%q) = %s·10^%d, NewFromString gives %s·10^%d (%v)",
				tok, got.Coefficient(), got.Exponent(), want.Coefficient(), want.Exponent(), werr)
		}
	}
	for _, tok := range []string{"1e5", "1.5E-3", "1000000000000000000", "12345678901234567890.5"} {
		if _, ok := plainDecimal([]byte(tok)); ok {
			t.Errorf("plainDecimal(%q) must leave it to NewFromString", tok)
		}
	}
}
