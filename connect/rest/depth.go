package rest

import "fmt"

// DefaultMaxJSONDepth bounds the nesting of JSON request bodies; Kafka
// Connect's bodies are at most a few levels deep (offsets: object, array,
// object, partition map, value).
const DefaultMaxJSONDepth = 32

// checkDepth reports a body nesting arrays and objects deeper than max,
// without decoding it (so that a hostile body cannot make the decoder
// recurse). Brackets inside strings do not count.
func checkDepth(b []byte, max int) error {
	depth := 0
	inString, escaped := false, false
	for _, c := range b {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
			if depth > max {
				return &bodyError{msg: fmt.Sprintf("JSON nesting depth exceeds the maximum of %d", max)}
			}
		case '}', ']':
			depth--
		}
	}
	return nil
}
