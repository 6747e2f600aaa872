package config

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ParseProperties reads a Java .properties file (java.util.Properties.load)
// used for worker and connector configs and by the file config provider:
//
//   - lines end with \n, \r\n or \r; a line whose first non-blank character
//     is # or ! is a comment; blank lines are skipped;
//   - key and value are separated by the first unescaped '=', ':' or
//     blank; blanks around the separator are dropped, and a blank separator
//     may be followed by one '=' or ':';
//   - a line ending in an odd number of backslashes continues on the next
//     line, whose leading blanks are dropped;
//   - escapes: \t \n \r \f, \uXXXX (surrogate pairs combined), and a
//     backslash before any other character stands for that character;
//   - a later duplicate key replaces an earlier one.
//
// Unlike Java's InputStream loader, which reads ISO-8859-1, the input must
// be UTF-8 (a leading byte-order mark is skipped), so Cyrillic 1C names can
// be written as they are. Errors name the line; they never quote values.
func ParseProperties(r io.Reader) (map[string]string, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read properties: %w", err)
	}
	s := strings.TrimPrefix(string(data), "\uFEFF")
	if !utf8.ValidString(s) {
		bad := 0
		for i, r := range s {
			if r == utf8.RuneError {
				if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
					bad = i
					break
				}
			}
		}
		return nil, fmt.Errorf("properties line %d: not valid UTF-8 (save the file as UTF-8 or use \\uXXXX escapes)", lineAt(s, bad))
	}
	out := make(map[string]string)
	pos := 0
	for {
		line, start, next, ok := logicalLine(s, pos)
		if !ok {
			break
		}
		pos = next
		key, value := splitKeyValue(line)
		k, err := unescape(key)
		if err != nil {
			return nil, fmt.Errorf("properties line %d: key: %w", lineAt(s, start), err)
		}
		v, err := unescape(value)
		if err != nil {
			return nil, fmt.Errorf("properties line %d: value of %q: %w", lineAt(s, start), k, err)
		}
		out[k] = v
	}
	return out, nil
}

// lineAt is the 1-based line number of byte offset off.
func lineAt(s string, off int) int {
	n := 1
	for i := 0; i < off && i < len(s); i++ {
		switch s[i] {
		case '\n':
			n++
		case '\r':
			if i+1 >= len(s) || s[i+1] != '\n' {
				n++
			}
		}
	}
	return n
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\f' }

// logicalLine returns the next logical line starting at pos (continuations
// joined, comments and blank lines skipped), the offset where it starts, and
// the offset after it. This follows java.util.Properties.LineReader.
func logicalLine(s string, pos int) (line string, start, next int, ok bool) {
	var buf []byte
	skipBlank, appendedBegin, newLine, comment, backslash, skipLF := true, false, true, false, false, false
	start = -1
	i := pos
	for i < len(s) {
		c := s[i]
		i++
		if skipLF {
			skipLF = false
			if c == '\n' {
				continue
			}
		}
		if skipBlank {
			if isBlank(c) {
				continue
			}
			if !appendedBegin && (c == '\r' || c == '\n') {
				continue
			}
			skipBlank, appendedBegin = false, false
		}
		if newLine {
			newLine = false
			start = i - 1
			if c == '#' || c == '!' {
				comment = true
				continue
			}
		}
		if c != '\n' && c != '\r' {
			buf = append(buf, c)
			if c == '\\' {
				backslash = !backslash
			} else {
				backslash = false
			}
			continue
		}
		// End of a natural line.
		if comment || len(buf) == 0 {
			comment, newLine, skipBlank = false, true, true
			buf = buf[:0]
			continue
		}
		if backslash {
			buf = buf[:len(buf)-1]
			skipBlank, appendedBegin, backslash = true, true, false
			if c == '\r' {
				skipLF = true
			}
			continue
		}
		return string(buf), start, i, true
	}
	if len(buf) == 0 || comment {
		return "", 0, i, false
	}
	if backslash {
		buf = buf[:len(buf)-1]
	}
	return string(buf), start, i, true
}

// splitKeyValue splits a logical line as Properties.load0 does. Both parts
// are still escaped.
func splitKeyValue(line string) (key, value string) {
	keyLen, valueStart := 0, len(line)
	hasSep, backslash := false, false
	for keyLen < len(line) {
		c := line[keyLen]
		if (c == '=' || c == ':') && !backslash {
			valueStart, hasSep = keyLen+1, true
			break
		}
		if isBlank(c) && !backslash {
			valueStart = keyLen + 1
			break
		}
		if c == '\\' {
			backslash = !backslash
		} else {
			backslash = false
		}
		keyLen++
	}
	for valueStart < len(line) {
		c := line[valueStart]
		if !isBlank(c) {
			if !hasSep && (c == '=' || c == ':') {
				hasSep = true
			} else {
				break
			}
		}
		valueStart++
	}
	return line[:keyLen], line[valueStart:]
}

var errMalformedU = errors.New(`malformed \uXXXX escape`)

// unescape applies Properties.loadConvert.
func unescape(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		i++
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		if i >= len(s) {
			break // a lone trailing backslash stands for nothing
		}
		c = s[i]
		i++
		switch c {
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 'f':
			b.WriteByte('\f')
		case 'u':
			r, n, err := decodeU(s[i:])
			if err != nil {
				return "", err
			}
			i += n
			if utf16IsHigh(r) {
				if len(s)-i >= 6 && s[i] == '\\' && s[i+1] == 'u' {
					lo, n2, err := decodeU(s[i+2:])
					if err == nil && utf16IsLow(lo) {
						r = (r-0xD800)<<10 + (lo - 0xDC00) + 0x10000
						i += 2 + n2
						b.WriteRune(r)
						continue
					}
				}
				return "", errors.New(`unpaired UTF-16 surrogate in \uXXXX escape`)
			}
			if utf16IsLow(r) {
				return "", errors.New(`unpaired UTF-16 surrogate in \uXXXX escape`)
			}
			b.WriteRune(r)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

func decodeU(s string) (rune, int, error) {
	if len(s) < 4 {
		return 0, 0, errMalformedU
	}
	n, err := strconv.ParseUint(s[:4], 16, 16)
	if err != nil || strings.ContainsAny(s[:4], "+-_") {
		return 0, 0, errMalformedU
	}
	return rune(n), 4, nil
}

func utf16IsHigh(r rune) bool { return r >= 0xD800 && r < 0xDC00 }
func utf16IsLow(r rune) bool  { return r >= 0xDC00 && r < 0xE000 }

// WriteProperties writes props as a .properties file that ParseProperties
// (and Java) read back to the same map: one key=value line per key, sorted
// by key, with separators, comment markers, backslashes, leading blanks and
// control characters escaped. Non-ASCII text is written as UTF-8; keys and
// values must be valid UTF-8.
func WriteProperties(w io.Writer, props map[string]string) error {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	bw := bufio.NewWriter(w)
	for _, k := range keys {
		bw.WriteString(escapeProperty(k, true))
		bw.WriteByte('=')
		bw.WriteString(escapeProperty(props[k], false))
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write properties: %w", err)
	}
	return nil
}

func escapeProperty(s string, isKey bool) string {
	var b strings.Builder
	for i, r := range s {
		switch r {
		case ' ':
			if isKey || i == 0 {
				b.WriteString(`\ `)
			} else {
				b.WriteByte(' ')
			}
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\f':
			b.WriteString(`\f`)
		case '\\', '=', ':', '#', '!':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, r)
				continue
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}
