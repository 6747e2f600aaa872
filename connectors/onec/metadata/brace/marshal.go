package brace

import (
	"fmt"
	"strings"
)

// Marshal writes n the way the 1C platform writes its files (without the
// BOM; see MarshalFile): every nested '{' is preceded by CRLF, a '}' is
// preceded by CRLF when the item before it is a list, strings are quoted
// with "" for a quote, bare tokens are written as is. Parse(Marshal(n)) is
// Equal to n, except that a list holding a single empty item is read back
// as an empty list. A nil n marshals as an empty item.
func Marshal(n *Node) []byte {
	var b strings.Builder
	write(&b, n, true)
	return []byte(b.String())
}

// MarshalFile is Marshal preceded by the UTF-8 BOM, the shape of a file
// body before compression.
func MarshalFile(n *Node) []byte {
	out := make([]byte, 0, 3)
	out = append(out, bom...)
	return append(out, Marshal(n)...)
}

func write(b *strings.Builder, n *Node, top bool) {
	switch {
	case n == nil:
	case n.IsList:
		if !top {
			b.WriteString("\r\n")
		}
		b.WriteByte('{')
		for i, it := range n.List {
			if i > 0 {
				b.WriteByte(',')
			}
			write(b, it, false)
		}
		if k := len(n.List); k > 0 && n.List[k-1] != nil && n.List[k-1].IsList {
			b.WriteString("\r\n")
		}
		b.WriteByte('}')
	case n.Quoted:
		b.WriteByte('"')
		b.WriteString(strings.ReplaceAll(n.Text, `"`, `""`))
		b.WriteByte('"')
	default:
		b.WriteString(n.Text)
	}
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
