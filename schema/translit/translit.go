package translit

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// table maps lower-case Cyrillic letters to their ASCII romanisation; an
// empty string drops the letter.
var table = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "yo",
	'ж': "zh", 'з': "z", 'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m",
	'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u",
	'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch",
	'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya",
	'і': "i", 'ї': "yi", 'є': "ye", 'ґ': "g", 'ў': "u",
}

// MaxTopicLength is Kafka's limit on topic name length.
const MaxTopicLength = 249

// Cyrillic romanises the Cyrillic letters of s by the package table and
// keeps every other character unchanged.
func Cyrillic(s string) string {
	return romanise(s, func(r rune) (rune, bool) { return r, true })
}

// Name returns an Avro-legal name for s: it matches [A-Za-z_][A-Za-z0-9_]*.
// Cyrillic is romanised, other characters become '_', and a name that would
// start with a digit (or be empty) gets a leading '_'. A name that is
// already legal is returned unchanged.
func Name(s string) string {
	if IsName(s) {
		return s
	}
	out := romanise(s, func(r rune) (rune, bool) {
		if isASCIIAlnum(r) || r == '_' {
			return r, true
		}
		return '_', true
	})
	if out == "" || (out[0] >= '0' && out[0] <= '9') {
		out = "_" + out
	}
	return out
}

// IsName reports whether s is a legal Avro name.
func IsName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9') {
			continue
		}
		return false
	}
	return true
}

// FullName applies [Name] to every dot-separated part of a dotted full name
// (an Avro namespace plus name), e.g. "Документ.Реализация" →
// "Dokument.Realizatsiya". Empty parts become "_".
func FullName(s string) string {
	parts := strings.Split(s, ".")
	for i, p := range parts {
		parts[i] = Name(p)
	}
	return strings.Join(parts, ".")
}

// Topic returns a Kafka-legal topic name for s: characters from
// [a-zA-Z0-9._-] only, at most MaxTopicLength bytes, and neither "." nor
// "..". Cyrillic is romanised and other characters become '_'. A name longer
// than the limit is cut and ends in '_' plus 8 hex digits of a hash of the
// whole input, so distinct long names stay distinct.
func Topic(s string) string {
	out := romanise(s, func(r rune) (rune, bool) {
		if isASCIIAlnum(r) || r == '_' || r == '.' || r == '-' {
			return r, true
		}
		return '_', true
	})
	switch out {
	case "":
		return "_"
	case ".", "..":
		return strings.Repeat("_", len(out))
	}
	if len(out) > MaxTopicLength {
		h := fnv.New32a()
		_, _ = h.Write([]byte(s))
		out = fmt.Sprintf("%s_%08x", out[:MaxTopicLength-9], h.Sum32())
	}
	return out
}

// UniqueNames returns [Name] of every input, made unique: names that are
// already legal keep their position and spelling; converted names that clash
// with an earlier name get "_2", "_3", … (the smallest free suffix). The
// result depends only on the input slice, in order.
func UniqueNames(names []string) []string {
	out := make([]string, len(names))
	used := make(map[string]bool, len(names))
	for i, n := range names {
		if IsName(n) && !used[n] {
			out[i] = n
			used[n] = true
		}
	}
	for i, n := range names {
		if out[i] != "" {
			continue
		}
		base := Name(n)
		cand := base
		for k := 2; used[cand]; k++ {
			cand = base + "_" + strconv.Itoa(k)
		}
		out[i] = cand
		used[cand] = true
	}
	return out
}

func isASCIIAlnum(r rune) bool {
	return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
}

// romanise walks s, romanising Cyrillic letters and passing every other
// rune through keep (which returns the replacement rune).
func romanise(s string, keep func(rune) (rune, bool)) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/2)
	for i, r := range s {
		lower := unicode.ToLower(r)
		lat, ok := table[lower]
		if !ok {
			if k, use := keep(r); use {
				b.WriteRune(k)
			}
			continue
		}
		if lat == "" {
			continue
		}
		if lower == r {
			b.WriteString(lat)
			continue
		}
		if len(lat) == 1 || allCapsContext(s, i, r) {
			b.WriteString(strings.ToUpper(lat))
			continue
		}
		b.WriteString(strings.ToUpper(lat[:1]))
		b.WriteString(lat[1:])
	}
	return b.String()
}

// allCapsContext reports whether the capital at byte offset i (rune r) sits
// in an all-capitals word: the next letter is a capital, or no letter
// follows and the previous letter is a capital.
func allCapsContext(s string, i int, r rune) bool {
	rest := s[i+utf8.RuneLen(r):]
	if next, size := utf8.DecodeRuneInString(rest); size > 0 && unicode.IsLetter(next) {
		return unicode.IsUpper(next)
	}
	if prev, size := utf8.DecodeLastRuneInString(s[:i]); size > 0 && unicode.IsLetter(prev) {
		return unicode.IsUpper(prev)
	}
	return false
}
