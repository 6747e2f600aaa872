package jsonconv

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth bounds the nesting of arrays and objects the decoder accepts,
// like Jackson's StreamReadConstraints (default 1000).
const maxDepth = 1000

// lexer reads JSON (RFC 8259) from a byte slice without building a tree.
// Every method reports malformed input as an error; none panics.
type lexer struct {
	data  []byte
	pos   int
	depth int
	keys  *keyIntern // map keys read so far; nil until the first
}

// keyIntern remembers the map keys of one document, so that keys repeated
// across its objects (the columns of a 1C tabular section read without a
// schema) are allocated once. A hash collision just replaces the slot.
type keyIntern struct {
	slots [64]string
}

// key decodes an object key for use as a map key, sharing the string
// with an earlier equal key of the same document.
func (l *lexer) key(raw []byte, escaped bool) string {
	if escaped {
		return unescape(raw)
	}
	if l.keys == nil {
		l.keys = new(keyIntern)
	}
	h := uint32(2166136261) // FNV-1a
	for _, c := range raw {
		h = (h ^ uint32(c)) * 16777619
	}
	slot := &l.keys.slots[h%uint32(len(l.keys.slots))]
	if *slot != string(raw) {
		*slot = string(raw)
	}
	return *slot
}

func (l *lexer) errorf(format string, args ...any) error {
	return fmt.Errorf("malformed JSON at offset %d: %s", l.pos, fmt.Sprintf(format, args...))
}

func (l *lexer) ws() {
	if l.pos < len(l.data) && l.data[l.pos] > ' ' {
		return // compact JSON, as converters write it: nothing to skip
	}
	for l.pos < len(l.data) {
		switch l.data[l.pos] {
		case ' ', '\t', '\n', '\r':
			l.pos++
		default:
			return
		}
	}
}

// peek skips white space and returns the next byte (0 at the end).
func (l *lexer) peek() byte {
	l.ws()
	if l.pos >= len(l.data) {
		return 0
	}
	return l.data[l.pos]
}

func (l *lexer) expect(c byte) error {
	if l.peek() != c {
		if l.pos >= len(l.data) {
			return l.errorf("unexpected end of input, expected %q", c)
		}
		return l.errorf("expected %q, found %q", c, l.data[l.pos])
	}
	l.pos++
	return nil
}

func (l *lexer) literal(word string) error {
	if len(l.data)-l.pos < len(word) || string(l.data[l.pos:l.pos+len(word)]) != word {
		return l.errorf("invalid literal")
	}
	l.pos += len(word)
	return nil
}

func (l *lexer) enter() error {
	l.depth++
	if l.depth > maxDepth {
		return l.errorf("nesting deeper than %d", maxDepth)
	}
	return nil
}

// end checks that nothing but white space follows the value.
func (l *lexer) end() error {
	l.ws()
	if l.pos != len(l.data) {
		return l.errorf("unexpected data after the JSON value")
	}
	return nil
}

// rawString scans a string token and returns its content bytes (escapes
// undecoded) and whether it has escapes. The content is valid UTF-8.
func (l *lexer) rawString() (raw []byte, escaped bool, err error) {
	if l.peek() != '"' {
		return nil, false, l.errorf("expected a string")
	}
	l.pos++
	start := l.pos
	ascii := true
	var high uint64 // the words skipped below, OR-ed: bit 7s mark non-ASCII
	for {
		// Skip 8 bytes at a time while none ends the string, starts an
		// escape or is a control character; then go straight to the
		// first that does.
		for l.pos+8 <= len(l.data) {
			x := binary.LittleEndian.Uint64(l.data[l.pos:])
			m := escapeMask(x)
			if m == 0 {
				high |= x
				l.pos += 8
				continue
			}
			k := bits.TrailingZeros64(m) / 8
			high |= x & (1<<(8*k) - 1)
			l.pos += k
			break
		}
		if l.pos >= len(l.data) {
			break
		}
		c := l.data[l.pos]
		switch {
		case c == '"':
			raw = l.data[start:l.pos]
			l.pos++
			if (!ascii || high&msb != 0) && !validUTF8(raw) {
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

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// unescape decodes a string's content as scanned by rawString. Unpaired
// surrogates become U+FFFD.
func unescape(raw []byte) string {
	b := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			b = append(b, c)
			i++
			continue
		}
		switch raw[i+1] {
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r := rune(hex4(raw[i+2 : i+6]))
			i += 6
			if utf16.IsSurrogate(r) {
				if i+6 <= len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
					r2 := rune(hex4(raw[i+2 : i+6]))
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						b = utf8.AppendRune(b, d)
						i += 6
						continue
					}
				}
				r = utf8.RuneError
			}
			b = utf8.AppendRune(b, r)
			continue
		default: // '"', '\\', '/'
			b = append(b, raw[i+1])
		}
		i += 2
	}
	return string(b)
}

func hex4(h []byte) int {
	return unhex(h[0])<<12 | unhex(h[1])<<8 | unhex(h[2])<<4 | unhex(h[3])
}

// str reads a string token and returns its decoded value.
func (l *lexer) str() (string, error) {
	raw, esc, err := l.rawString()
	if err != nil {
		return "", err
	}
	if esc {
		return unescape(raw), nil
	}
	return string(raw), nil
}

// number scans a number token; integer reports that it has neither a
// fraction nor an exponent.
func (l *lexer) number() (tok []byte, integer bool, err error) {
	l.ws()
	start := l.pos
	d := l.data
	i := l.pos
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	default:
		return nil, false, l.errorf("invalid number")
	}
	integer = true
	if i < len(d) && d[i] == '.' {
		integer = false
		i++
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			l.pos = i
			return nil, false, l.errorf("invalid number: digit expected after the decimal point")
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		integer = false
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			l.pos = i
			return nil, false, l.errorf("invalid number: digit expected in the exponent")
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	l.pos = i
	return d[start:i], integer, nil
}

var errRange = errors.New("out of range")

// int64Token parses an integer token.
func parseInt64(tok []byte) (int64, error) {
	var n uint64
	i := 0
	neg := tok[0] == '-'
	if neg {
		i = 1
	}
	for ; i < len(tok); i++ {
		dgt := uint64(tok[i] - '0')
		if n > (1<<63)/10 {
			return 0, errRange
		}
		n = n*10 + dgt
		if n > 1<<63 {
			return 0, errRange
		}
	}
	if neg {
		return -int64(n), nil // n == 1<<63 wraps to MinInt64
	}
	if n > 1<<63-1 {
		return 0, errRange
	}
	return int64(n), nil
}

func parseFloat(tok []byte, bits int) (float64, error) {
	f, err := strconv.ParseFloat(string(tok), bits)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return f, nil // ±Inf or 0, as Java's BigDecimal.doubleValue gives
		}
		return 0, err
	}
	return f, nil
}

// skip validates and skips one value.
func (l *lexer) skip() error {
	switch c := l.peek(); c {
	case '{':
		return l.object(func(*lexer, []byte, bool) error { return l.skip() })
	case '[':
		return l.array(func(*lexer, int) error { return l.skip() })
	case '"':
		_, _, err := l.rawString()
		return err
	case 't':
		return l.literal("true")
	case 'f':
		return l.literal("false")
	case 'n':
		return l.literal("null")
	case 0:
		return l.errorf("unexpected end of input")
	default:
		if c == '-' || (c >= '0' && c <= '9') {
			_, _, err := l.number()
			return err
		}
		return l.errorf("unexpected character %q", c)
	}
}

// object reads an object, calling member for each member with the raw key
// (escapes undecoded) positioned at the member's value. member must
// consume the value.
func (l *lexer) object(member func(l *lexer, key []byte, escaped bool) error) error {
	if err := l.expect('{'); err != nil {
		return err
	}
	if err := l.enter(); err != nil {
		return err
	}
	if l.peek() == '}' {
		l.pos++
		l.depth--
		return nil
	}
	for {
		key, esc, err := l.rawString()
		if err != nil {
			return err
		}
		if err := l.expect(':'); err != nil {
			return err
		}
		if err := member(l, key, esc); err != nil {
			return err
		}
		switch l.peek() {
		case ',':
			l.pos++
		case '}':
			l.pos++
			l.depth--
			return nil
		default:
			return l.errorf("expected ',' or '}' in object")
		}
	}
}

// array reads an array, calling elem for each element (which must consume it).
func (l *lexer) array(elem func(l *lexer, i int) error) error {
	if err := l.expect('['); err != nil {
		return err
	}
	if err := l.enter(); err != nil {
		return err
	}
	if l.peek() == ']' {
		l.pos++
		l.depth--
		return nil
	}
	for i := 0; ; i++ {
		if err := elem(l, i); err != nil {
			return err
		}
		switch l.peek() {
		case ',':
			l.pos++
		case ']':
			l.pos++
			l.depth--
			return nil
		default:
			return l.errorf("expected ',' or ']' in array")
		}
	}
}

// keyString decodes an object key.
func keyString(raw []byte, escaped bool) string {
	if escaped {
		return unescape(raw)
	}
	return string(raw)
}

// keyIs compares a raw key with a plain (escape-free) name without allocating.
func keyIs(raw []byte, escaped bool, name string) bool {
	if !escaped {
		return string(raw) == name
	}
	return unescape(raw) == name
}
