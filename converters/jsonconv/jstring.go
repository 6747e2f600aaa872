package jsonconv

import (
	"encoding/binary"
	"unicode/utf8"
)

const hexUpper = "0123456789ABCDEF"

// needsEscape marks the ASCII bytes Jackson escapes: control characters,
// the quote and the backslash. Everything else, including non-ASCII text,
// is written as UTF-8 unchanged; "/" is not escaped.
var needsEscape = func() (t [256]bool) {
	for i := 0; i < 0x20; i++ {
		t[i] = true
	}
	t['"'], t['\\'] = true, true
	for i := 0x80; i < 0x100; i++ {
		t[i] = true // not an escape: a non-ASCII byte to check for valid UTF-8
	}
	return t
}()

// asciiEscape marks the bytes that need an escape in valid UTF-8 text.
var asciiEscape = func() (t [256]bool) {
	for i := 0; i < 0x20; i++ {
		t[i] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// appendString appends s as a JSON string exactly as Jackson writes it:
// \" \\ \b \t \n \f \r for those characters, \u00XX (upper-case hex) for
// other control characters, and raw UTF-8 otherwise. Invalid UTF-8 becomes
// U+FFFD, as a Java String decoded from those bytes would hold.
func appendString(dst []byte, s string) []byte {
	mark := len(dst)
	dst = append(dst, '"')
	start := 0
	i := 0
	// Skip 8 ASCII bytes at a time while none needs an escape.
	for i+8 <= len(s) && !escapeOrHighIn8(s[i:i+8]) {
		i += 8
	}
	for i < len(s) {
		c := s[i]
		switch {
		case c < utf8.RuneSelf:
			if asciiEscape[c] {
				dst = append(dst, s[start:i]...)
				dst = appendEscape(dst, c)
				start = i + 1
			}
			i++
			// Back in ASCII: skip words of it again. In Cyrillic text
			// this is one failed try per space, not one per letter.
			for i+8 <= len(s) && !escapeOrHighIn8(s[i:i+8]) {
				i += 8
			}
		case c >= 0xC2 && c <= 0xDF && i+1 < len(s) && s[i+1]&0xC0 == 0x80:
			i += 2 // a valid two-byte sequence: Cyrillic, Latin-1, Greek …
			// Skip four more such letters at a time.
			for i+8 <= len(s) && twoByteIn8(s[i:i+8]) {
				i += 8
			}
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size <= 1 {
				// Invalid UTF-8: start over on the slow path that replaces it.
				return appendInvalidString(dst[:mark], s)
			}
			i += size
		}
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// escapeOrHighIn8 reports whether any of 8 bytes needs an escape or is
// not ASCII (and so needs a UTF-8 check).
func escapeOrHighIn8(b string) bool {
	return escapeIn8(b) || binary.LittleEndian.Uint64([]byte(b))&msb != 0
}

// twoByteIn8 reports whether 8 bytes are four valid two-byte UTF-8
// sequences (U+0080–U+07FF: a lead byte 0xC2–0xDF, then 0x80–0xBF), which
// need no escape.
func twoByteIn8(b string) bool {
	return twoByteWord(binary.LittleEndian.Uint64([]byte(b)))
}

// twoByteWord is twoByteIn8 for 8 bytes loaded little-endian.
func twoByteWord(x uint64) bool {
	const (
		shape = 0xC0E0C0E0C0E0C0E0 // lead 110xxxxx, continuation 10xxxxxx
		want  = 0x80C080C080C080C0
		lead  = 0x001E001E001E001E // a lead of 0xC0 or 0xC1 is overlong
		carry = 0x007F007F007F007F
		top   = 0x0080008000800080
	)
	return x&shape == want && ((x&lead)+carry)&top == top
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// escapeIn8 reports whether any of 8 bytes is a control character, '"' or
// '\\' (bytes ≥ 0x80 never are).
func escapeIn8(b string) bool {
	return escapeInWord(binary.LittleEndian.Uint64([]byte(b)))
}

// escapeInWord is escapeIn8 for 8 bytes loaded little-endian.
func escapeInWord(x uint64) bool { return escapeMask(x) != 0 }

// escapeMask flags bytes of x (8 bytes loaded little-endian) that are
// control characters, '"' or '\\' by setting their top bit. The lowest
// flag is exact — it marks the first such byte in memory order; flags
// above it may be false (borrows of the subtraction).
func escapeMask(x uint64) uint64 {
	ctl := (x - lsb*0x20) & ^x & msb
	q := x ^ (lsb * '"')
	q = (q - lsb) & ^q & msb
	bs := x ^ (lsb * '\\')
	bs = (bs - lsb) & ^bs & msb
	return ctl | q | bs
}

func appendEscape(dst []byte, c byte) []byte {
	switch c {
	case '"':
		return append(dst, '\\', '"')
	case '\\':
		return append(dst, '\\', '\\')
	case '\b':
		return append(dst, '\\', 'b')
	case '\t':
		return append(dst, '\\', 't')
	case '\n':
		return append(dst, '\\', 'n')
	case '\f':
		return append(dst, '\\', 'f')
	case '\r':
		return append(dst, '\\', 'r')
	}
	return append(dst, '\\', 'u', '0', '0', hexUpper[c>>4], hexUpper[c&0xf])
}

// appendInvalidString is appendString for text with invalid UTF-8.
func appendInvalidString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if !needsEscape[c] {
			i++
			continue
		}
		if c >= 0x80 {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, s[start:i]...)
				dst = append(dst, "\uFFFD"...)
				i++
				start = i
				continue
			}
			i += size
			continue
		}
		dst = append(dst, s[start:i]...)
		dst = appendEscape(dst, c)
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// validUTF8 is utf8.Valid with a fast path for text made of two-byte
// sequences (Cyrillic), which it checks four letters at a time.
func validUTF8(b []byte) bool {
	for i := 0; i < len(b); {
		if i+8 <= len(b) {
			x := binary.LittleEndian.Uint64(b[i:])
			if x&msb == 0 || twoByteWord(x) {
				i += 8
				continue
			}
		}
		c := b[i]
		switch {
		case c < utf8.RuneSelf:
			i++
		case c >= 0xC2 && c <= 0xDF && i+1 < len(b) && b[i+1]&0xC0 == 0x80:
			i += 2
		default:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size <= 1 {
				return false
			}
			i += size
		}
	}
	return true
}
