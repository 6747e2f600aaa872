package jsonconv

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/schema"
)

// readValue reads the JSON value at l's position as a value of s, as
// JsonConverter.convertToConnect does, but strictly: a JSON type that does
// not fit the schema is an error rather than Java's silent 0 or null. A nil
// s infers the type (integer → int64, other number → float64, object → map
// with string keys). replace applies replace.null.with.default.
func (c *Converter) readValue(l *lexer, s *schema.Schema, replace bool) (any, error) {
	if s == nil {
		return c.readSchemaless(l)
	}
	tok := l.peek()
	if tok == 'n' {
		if err := l.literal("null"); err != nil {
			return nil, err
		}
		return nullValue(s, replace)
	}
	switch s.Logical() {
	case schema.LogicalDecimal:
		return readDecimal(l, s)
	case schema.LogicalDate:
		n, err := readInt(l, -1<<31, 1<<31-1)
		if err != nil {
			return nil, err
		}
		return schema.DaysToDate(int32(n)), nil
	case schema.LogicalTime:
		n, err := readInt(l, -1<<31, 1<<31-1)
		if err != nil {
			return nil, err
		}
		return schema.MillisToTime(int32(n)), nil
	case schema.LogicalTimestamp:
		n, err := readInt(l, -1<<63, 1<<63-1)
		if err != nil {
			return nil, err
		}
		return time.UnixMilli(n).UTC(), nil
	}
	switch s.Type() {
	case schema.INT8:
		n, err := readInt(l, -1<<7, 1<<7-1)
		return int8(n), err
	case schema.INT16:
		n, err := readInt(l, -1<<15, 1<<15-1)
		return int16(n), err
	case schema.INT32:
		n, err := readInt(l, -1<<31, 1<<31-1)
		return int32(n), err
	case schema.INT64:
		return readInt(l, -1<<63, 1<<63-1)
	case schema.FLOAT32:
		f, err := readFloat(l, 32)
		return float32(f), err
	case schema.FLOAT64:
		return readFloat(l, 64)
	case schema.BOOLEAN:
		switch tok {
		case 't':
			return true, l.literal("true")
		case 'f':
			return false, l.literal("false")
		}
		return nil, wrongType(l, "a boolean")
	case schema.STRING:
		if tok != '"' {
			return nil, wrongType(l, "a string")
		}
		return l.str()
	case schema.BYTES:
		return readBytes(l)
	case schema.ARRAY:
		if tok != '[' {
			return nil, wrongType(l, "an array")
		}
		out := make([]any, 0, 8)
		err := l.array(func(l *lexer, i int) error {
			v, err := c.readValue(l, s.ValueSchema(), replace)
			if err != nil {
				return at(err, "["+strconv.Itoa(i)+"]")
			}
			out = append(out, v)
			return nil
		})
		return out, err
	case schema.MAP:
		return c.readMap(l, s, replace)
	case schema.STRUCT:
		if tok != '{' {
			return nil, wrongType(l, "an object (struct)")
		}
		return c.readStruct(l, s, replace)
	}
	return nil, fmt.Errorf("unsupported schema type %s", s.Type())
}

func nullValue(s *schema.Schema, replace bool) (any, error) {
	if d, ok := s.Default(); ok && d != nil && replace {
		return d, nil
	}
	if s.Optional() {
		return nil, nil
	}
	return nil, fail("invalid null value for a required "+s.Describe(), nil)
}

func wrongType(l *lexer, want string) error {
	found := "end of input"
	if l.pos < len(l.data) {
		switch c := l.data[l.pos]; {
		case c == '{':
			found = "an object"
		case c == '[':
			found = "an array"
		case c == '"':
			found = "a string"
		case c == 't' || c == 'f':
			found = "a boolean"
		case c == '-' || (c >= '0' && c <= '9'):
			found = "a number"
		default:
			found = fmt.Sprintf("%q", c)
		}
	}
	return fail(fmt.Sprintf("expected %s, found %s", want, found), nil)
}

func readInt(l *lexer, lo, hi int64) (int64, error) {
	c := l.peek()
	if c != '-' && (c < '0' || c > '9') {
		return 0, wrongType(l, "an integer")
	}
	tok, integer, err := l.number()
	if err != nil {
		return 0, err
	}
	if !integer {
		return 0, fail(fmt.Sprintf("expected an integer, found %s", tok), nil)
	}
	n, err := parseInt64(tok)
	if err != nil || n < lo || n > hi {
		return 0, fail(fmt.Sprintf("integer %s out of range [%d, %d]", tok, lo, hi), nil)
	}
	return n, nil
}

// readFloat reads a number, or one of the strings "NaN", "Infinity",
// "-Infinity" that Jackson writes for non-finite values.
func readFloat(l *lexer, bits int) (float64, error) {
	c := l.peek()
	if c == '"' {
		s, err := l.str()
		if err != nil {
			return 0, err
		}
		switch s {
		case "NaN", "Infinity", "-Infinity":
			f, _ := strconv.ParseFloat(s, 64)
			return f, nil
		}
		return 0, fail(fmt.Sprintf("expected a number, found the string %q", s), nil)
	}
	if c != '-' && (c < '0' || c > '9') {
		return 0, wrongType(l, "a number")
	}
	tok, _, err := l.number()
	if err != nil {
		return 0, err
	}
	return parseFloat(tok, bits)
}

func readBytes(l *lexer) ([]byte, error) {
	return readBytesInto(l, nil)
}

// readBytesInto is readBytes decoding into scratch when it is large
// enough, so short values (a decimal's bytes) need no allocation.
func readBytesInto(l *lexer, scratch []byte) ([]byte, error) {
	if l.peek() != '"' {
		return nil, wrongType(l, "a base64 string")
	}
	raw, esc, err := l.rawString()
	if err != nil {
		return nil, err
	}
	if esc {
		raw = []byte(unescape(raw))
	}
	out := scratch[:cap(scratch)]
	if size := base64.StdEncoding.DecodedLen(len(raw)); size > len(out) {
		out = make([]byte, size)
	}
	n, err := base64.StdEncoding.Decode(out, raw)
	if err != nil {
		return nil, fail("invalid base64 bytes", err)
	}
	return out[:n], nil
}

// readDecimal accepts what JsonConverter accepts: a JSON number (kept at
// its own scale, as Jackson's decimalValue does) or a base64 string of the
// unscaled two's-complement value at the schema's scale.
func readDecimal(l *lexer, s *schema.Schema) (any, error) {
	c := l.peek()
	if c == '-' || (c >= '0' && c <= '9') {
		tok, _, err := l.number()
		if err != nil {
			return nil, err
		}
		if len(tok) > 4096 {
			return nil, fail("decimal number too long", nil)
		}
		if d, ok := plainDecimal(tok); ok {
			return d, nil
		}
		d, err := decimal.NewFromString(string(tok))
		if err != nil {
			return nil, fail("invalid decimal number", err)
		}
		return d, nil
	}
	if c != '"' {
		return nil, wrongType(l, "a number or base64 string (Decimal)")
	}
	var scratch [24]byte
	b, err := readBytesInto(l, scratch[:])
	if err != nil {
		return nil, fail("invalid bytes for Decimal", err)
	}
	if len(b) == 0 {
		return nil, fail("invalid bytes for Decimal: empty", nil)
	}
	scale, err := s.Scale()
	if err != nil {
		return nil, fail(err.Error(), err)
	}
	if len(b) <= 8 {
		v := int64(int8(b[0]))
		for _, x := range b[1:] {
			v = v<<8 | int64(x)
		}
		return decimal.New(v, -scale), nil
	}
	return schema.DecimalFromBytes(b, scale), nil
}

// plainDecimal parses a JSON number token without an exponent and with
// at most 18 digits, such as "-1234.50", into the Decimal that
// decimal.NewFromString returns for it (coefficient -123450, exponent -2),
// without NewFromString's string copies. ok is false for other tokens.
func plainDecimal(tok []byte) (decimal.Decimal, bool) {
	neg := len(tok) > 0 && tok[0] == '-'
	if neg {
		tok = tok[1:]
	}
	var v int64
	digits, frac := 0, -1
	for i, c := range tok {
		switch {
		case c >= '0' && c <= '9':
			v = v*10 + int64(c-'0')
			digits++
		case c == '.' && frac < 0:
			frac = len(tok) - i - 1
		default:
			return decimal.Decimal{}, false
		}
	}
	if digits == 0 || digits > 18 {
		return decimal.Decimal{}, false
	}
	if neg {
		v = -v
	}
	if frac < 0 {
		frac = 0
	}
	return decimal.New(v, -int32(frac)), true
}

func (c *Converter) readMap(l *lexer, s *schema.Schema, replace bool) (any, error) {
	ks, vs := s.KeySchema(), s.ValueSchema()
	if ks.Type() == schema.STRING {
		if l.peek() != '{' {
			return nil, wrongType(l, "an object (map with string keys)")
		}
		out := make(map[string]any)
		err := l.object(func(l *lexer, key []byte, esc bool) error {
			k := l.key(key, esc)
			v, err := c.readValue(l, vs, replace)
			if err != nil {
				return at(err, "["+strconv.Quote(k)+"]")
			}
			out[k] = v
			return nil
		})
		return out, err
	}
	if l.peek() != '[' {
		return nil, wrongType(l, "an array of [key, value] pairs (map with non-string keys)")
	}
	out := make(map[any]any)
	err := l.array(func(l *lexer, i int) error {
		if l.peek() != '[' {
			return at(wrongType(l, "a [key, value] pair"), "["+strconv.Itoa(i)+"]")
		}
		var k, v any
		n := 0
		err := l.array(func(l *lexer, j int) error {
			var err error
			switch j {
			case 0:
				k, err = c.readValue(l, ks, replace)
			case 1:
				v, err = c.readValue(l, vs, replace)
			default:
				return errors.New("map entry has more than 2 elements")
			}
			n++
			return err
		})
		if err != nil {
			return at(err, "["+strconv.Itoa(i)+"]")
		}
		if n != 2 {
			return at(fail(fmt.Sprintf("map entry: expected 2 elements, found %d", n), nil), "["+strconv.Itoa(i)+"]")
		}
		if !hashable(k) {
			return at(fail("map key of this type cannot be a Go map key", nil), "["+strconv.Itoa(i)+"]")
		}
		out[k] = v
		return nil
	})
	return out, err
}

// hashable reports whether k can be a key of map[any]any without a panic.
func hashable(k any) bool {
	switch k.(type) {
	case []byte, []any, map[string]any, map[any]any:
		return false
	}
	return true
}

func (c *Converter) readStruct(l *lexer, s *schema.Schema, replace bool) (any, error) {
	fields := s.Fields()
	st := schema.NewStruct(s)
	seen := make([]bool, len(fields))
	next := 0
	err := l.object(func(l *lexer, key []byte, esc bool) error {
		idx := -1
		if !esc && next < len(fields) && string(key) == fields[next].Name {
			idx = next
		} else {
			name := keyString(key, esc)
			for i := range fields {
				if fields[i].Name == name {
					idx = i
					break
				}
			}
		}
		if idx < 0 {
			return l.skip() // unknown members are ignored, as in Kafka
		}
		next = idx + 1
		v, err := c.readValue(l, fields[idx].Schema, replace)
		if err != nil {
			return at(err, fields[idx].Name)
		}
		st.Set(idx, v)
		seen[idx] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, f := range fields {
		if !seen[i] {
			v, err := nullValue(f.Schema, replace)
			if err != nil {
				return nil, at(err, f.Name)
			}
			st.Set(i, v)
		}
	}
	return st, nil
}

// readSchemaless infers the type from the JSON value.
func (c *Converter) readSchemaless(l *lexer) (any, error) {
	switch tok := l.peek(); tok {
	case 'n':
		return nil, l.literal("null")
	case 't':
		return true, l.literal("true")
	case 'f':
		return false, l.literal("false")
	case '"':
		return l.str()
	case '[':
		out := make([]any, 0, 4)
		err := l.array(func(l *lexer, i int) error {
			v, err := c.readSchemaless(l)
			if err != nil {
				return at(err, "["+strconv.Itoa(i)+"]")
			}
			out = append(out, v)
			return nil
		})
		return out, err
	case '{':
		out := make(map[string]any)
		err := l.object(func(l *lexer, key []byte, esc bool) error {
			k := l.key(key, esc)
			v, err := c.readSchemaless(l)
			if err != nil {
				return at(err, "["+strconv.Quote(k)+"]")
			}
			out[k] = v
			return nil
		})
		return out, err
	case 0:
		return nil, l.errorf("unexpected end of input")
	default:
		if tok == '-' || (tok >= '0' && tok <= '9') {
			num, integer, err := l.number()
			if err != nil {
				return nil, err
			}
			if integer {
				n, err := parseInt64(num)
				if err != nil {
					return nil, fail(fmt.Sprintf("integer %s does not fit in 64 bits", num), nil)
				}
				return n, nil
			}
			return parseFloat(num, 64)
		}
		return nil, l.errorf("unexpected character %q", tok)
	}
}
