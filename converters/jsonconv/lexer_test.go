package jsonconv

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// rawStringReference is rawString as first written, byte by byte.
func (l *lexer) rawStringReference() (raw []byte, escaped bool, err error) {
	if l.peek() != '"' {
		return nil, false, l.errorf("expected a string")
	}
	l.pos++
	start := l.pos
	ascii := true
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		switch {
		case c == '"':
			raw = l.data[start:l.pos]
			l.pos++
			if !ascii && !utf8.Valid(raw) {
				return nil, false, fmt.Errorf("malformed JSON at offset %d: invalid UTF-8 in string", start)
			}
			return raw, escaped, nil
		case c == '\\':
			escaped = true
			if l.pos+1 >= len(l.data) {
				return nil, false, l.errorf("unterminated escape")
			}
			switch l.data[l.pos+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				l.pos += 2
			case 'u':
				if l.pos+6 > len(l.data) {
					return nil, false, l.errorf("truncated \\u escape")
				}
				for _, h := range l.data[l.pos+2 : l.pos+6] {
					if unhex(h) < 0 {
						return nil, false, l.errorf("invalid \\u escape")
					}
				}
				l.pos += 6
			default:
				return nil, false, l.errorf("invalid escape \\%c", l.data[l.pos+1])
			}
		case c < 0x20:
			return nil, false, l.errorf("control character in string")
		default:
			if c >= 0x80 {
				ascii = false
			}
			l.pos++
		}
	}
	return nil, false, l.errorf("unterminated string")
}

// TestRawStringMatchesReference runs rawString and the byte-by-byte
// reference over strings that put quotes, escapes, control characters
// and invalid UTF-8 at every offset around the 8-byte steps.
func TestRawStringMatchesReference(t *testing.T) {
	specials := []string{`"`, `\"`, `\\`, `\u0041`, `\uZZZZ`, `\x`, "\x01", "\x1f", "\x7f", "Щ", "\xd0", "\xff", "😀", "\xe2\x80", `\`}
	var inputs []string
	for _, sp := range specials {
		for pre := 0; pre <= 17; pre++ {
			for _, filler := range []string{"a", "Ж"} {
				body := strings.Repeat(filler, pre) + sp + strings.Repeat(filler, 3)
				inputs = append(inputs, `"`+body+`"`, `"`+body, `"`+body+`"tail`)
			}
		}
	}
	inputs = append(inputs, `"`, `""`, `"abcdefgh"`, `"abcdefghijklmnop"`, `"Отгрузка «Ромашке»"`)
	for _, in := range inputs {
		l1 := &lexer{data: []byte(in)}
		raw1, esc1, err1 := l1.rawString()
		l2 := &lexer{data: []byte(in)}
		raw2, esc2, err2 := l2.rawStringReference()
		got := fmt.Sprintf("%q %v %v %d", raw1, esc1, err1, l1.pos)
		want := fmt.Sprintf("%q %v %v %d", raw2, esc2, err2, l2.pos)
		if (err1 == nil) != (err2 == nil) || (err1 == nil && got != want) {
			t.Errorf("rawString(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestKeyIntern decodes, without a schema, rows that repeat their keys
// among more distinct keys than the intern table has slots.
func TestKeyIntern(t *testing.T) {
	c := New()
	if err := c.Configure(schemaless, false); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("[")
	for row := 0; row < 5; row++ {
		if row > 0 {
			b.WriteString(",")
		}
		b.WriteString("{")
		for k := 0; k < 150; k++ {
			if k > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `"ключ%d":%d`, k, row*1000+k)
		}
		b.WriteString(`,"esc\u0041pe":1,"":2}`)
	}
	b.WriteString("]")
	_, v, err := c.ToConnect("t", nil, []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	rows := v.([]any)
	for row, r := range rows {
		m := r.(map[string]any)
		if len(m) != 152 {
			t.Fatalf("row %d has %d keys, want 152", row, len(m))
		}
		for k := 0; k < 150; k++ {
			if got := m[fmt.Sprintf("ключ%d", k)]; got != int64(row*1000+k) {
				t.Fatalf("row %d key %d = %v", row, k, got)
			}
		}
		if m["escApe"] != int64(1) || m[""] != int64(2) {
			t.Fatalf("row %d: escaped or empty key lost: %v %v", row, m["escApe"], m[""])
		}
	}
}
