package transforms

import (
	"fmt"
	"strings"
	"unicode"
)

// javaDateLayout converts a java.text.SimpleDateFormat pattern into a Go
// time layout. It supports the letters used in practice (y M d H h m s S a
// E Z X z) and quoted literals; other letters, and literal digits that Go
// would read as layout elements, are an error naming the pattern.
func javaDateLayout(pattern string) (string, error) {
	var b strings.Builder
	rs := []rune(pattern)
	for i := 0; i < len(rs); {
		c := rs[i]
		if c == '\'' {
			j := i + 1
			if j < len(rs) && rs[j] == '\'' {
				b.WriteRune('\'')
				i += 2
				continue
			}
			for j < len(rs) && rs[j] != '\'' {
				if unicode.IsDigit(rs[j]) {
					return "", fmt.Errorf("date format %q: literal digits are not supported", pattern)
				}
				b.WriteRune(rs[j])
				j++
			}
			if j >= len(rs) {
				return "", fmt.Errorf("date format %q: unterminated quote", pattern)
			}
			i = j + 1
			continue
		}
		if !unicode.IsLetter(c) || c > unicode.MaxASCII {
			if unicode.IsDigit(c) {
				return "", fmt.Errorf("date format %q: literal digits are not supported", pattern)
			}
			b.WriteRune(c)
			i++
			continue
		}
		n := 1
		for i+n < len(rs) && rs[i+n] == c {
			n++
		}
		var out string
		switch c {
		case 'y':
			out = map[bool]string{true: "06", false: "2006"}[n == 2]
		case 'M':
			out = [...]string{"", "1", "01", "Jan", "January"}[min(n, 4)]
		case 'd':
			out = map[bool]string{true: "2", false: "02"}[n == 1]
		case 'H':
			out = "15"
		case 'h':
			out = map[bool]string{true: "3", false: "03"}[n == 1]
		case 'm':
			out = map[bool]string{true: "4", false: "04"}[n == 1]
		case 's':
			out = map[bool]string{true: "5", false: "05"}[n == 1]
		case 'S':
			if b.Len() == 0 || !strings.HasSuffix(b.String(), ".") && !strings.HasSuffix(b.String(), ",") {
				return "", fmt.Errorf("date format %q: fractional seconds (S) must follow '.' or ','", pattern)
			}
			out = strings.Repeat("0", n)
		case 'a':
			out = "PM"
		case 'E':
			out = map[bool]string{true: "Monday", false: "Mon"}[n >= 4]
		case 'Z':
			out = "-0700"
		case 'X':
			out = [...]string{"", "Z07", "Z0700", "Z07:00"}[min(n, 3)]
		case 'z':
			out = "MST"
		default:
			return "", fmt.Errorf("date format %q: pattern letter %q is not supported", pattern, c)
		}
		b.WriteString(out)
		i += n
	}
	return b.String(), nil
}

// javaReplacement converts a java.util.regex replacement string ($1,
// ${name}, \$ escapes) into a template for regexp.Expand.
func javaReplacement(repl string, groups int) (string, error) {
	var b strings.Builder
	rs := []rune(repl)
	for i := 0; i < len(rs); i++ {
		switch c := rs[i]; c {
		case '\\':
			i++
			if i >= len(rs) {
				return "", fmt.Errorf("replacement %q: character to be escaped is missing", repl)
			}
			if rs[i] == '$' {
				b.WriteString("$$")
			} else {
				b.WriteRune(rs[i])
			}
		case '$':
			i++
			if i >= len(rs) {
				return "", fmt.Errorf("replacement %q: illegal group reference: group index is missing", repl)
			}
			if rs[i] == '{' {
				j := i + 1
				for j < len(rs) && rs[j] != '}' {
					j++
				}
				if j >= len(rs) || j == i+1 {
					return "", fmt.Errorf("replacement %q: named capturing group is missing trailing '}'", repl)
				}
				b.WriteString("${" + string(rs[i+1:j]) + "}")
				i = j
				continue
			}
			if !unicode.IsDigit(rs[i]) {
				return "", fmt.Errorf("replacement %q: illegal group reference", repl)
			}
			// Java takes further digits while the group number stays valid.
			n := int(rs[i] - '0')
			for i+1 < len(rs) && unicode.IsDigit(rs[i+1]) {
				next := n*10 + int(rs[i+1]-'0')
				if next > groups {
					break
				}
				n = next
				i++
			}
			if n > groups {
				return "", fmt.Errorf("replacement %q: no group %d", repl, n)
			}
			fmt.Fprintf(&b, "${%d}", n)
		default:
			b.WriteRune(c)
		}
	}
	return b.String(), nil
}
