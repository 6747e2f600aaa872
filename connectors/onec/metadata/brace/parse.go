package brace

import (
	"bytes"
	"strings"
)

var bom = []byte{0xEF, 0xBB, 0xBF}

// base64Prefix starts the bare token of a {#base64:...} block.
const base64Prefix = "#base64:"

// Parse parses one brace value (normally a list) from data. A leading UTF-8
// BOM is stripped; any whitespace, CR/LF included, is accepted between
// tokens; trailing whitespace and NUL bytes are ignored. Nesting deeper than
// MaxDepth is an error. Memory is bounded by a small multiple of len(data).
// Malformed input gives a *SyntaxError, never a panic.
func Parse(data []byte) (*Node, error) {
	data = bytes.TrimPrefix(data, bom)
	p := parser{src: string(data)}
	p.skipWS()
	if p.pos >= len(p.src) {
		return nil, p.errf("empty input")
	}
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if !isWS(c) && c != 0 {
			return nil, p.errf("unexpected %q after the top-level value", c)
		}
		p.pos++
	}
	return n, nil
}

type parser struct {
	src   string
	pos   int
	slab  []Node
	stack []*Node // children of the lists being parsed, shared across levels
}

func (p *parser) errf(format string, args ...any) error {
	return &SyntaxError{Offset: p.pos, Msg: sprintf(format, args...)}
}

func (p *parser) node() *Node {
	if len(p.slab) == cap(p.slab) {
		size := 64
		if rest := len(p.src) - p.pos; rest > 0 {
			// A node needs at least two bytes of input ("x," or "{}"); size the slab
			// to the remaining input so large files take few allocations.
			size = min(max(rest/8, 64), 4096)
		}
		p.slab = make([]Node, 0, size)
	}
	p.slab = p.slab[:len(p.slab)+1]
	return &p.slab[len(p.slab)-1]
}

func isWS(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func (p *parser) skipWS() {
	for p.pos < len(p.src) && isWS(p.src[p.pos]) {
		p.pos++
	}
}

func (p *parser) value(depth int) (*Node, error) {
	switch p.src[p.pos] {
	case '{':
		return p.list(depth + 1)
	case '"':
		return p.quoted()
	case '}', ',':
		n := p.node()
		return n, nil // empty item
	default:
		return p.bare()
	}
}

func (p *parser) list(depth int) (*Node, error) {
	if depth > MaxDepth {
		return nil, p.errf("lists nested deeper than %d", MaxDepth)
	}
	start := p.pos
	p.pos++ // '{'
	p.skipWS()
	n := p.node()
	n.IsList = true
	if p.pos >= len(p.src) {
		return nil, p.errf("unterminated list opened at byte %d", start)
	}
	if p.src[p.pos] == '}' {
		p.pos++
		n.List = []*Node{}
		return n, nil
	}
	if strings.HasPrefix(p.src[p.pos:], base64Prefix) {
		return p.base64(n, start)
	}
	base := len(p.stack)
	for {
		p.skipWS()
		if p.pos >= len(p.src) {
			p.stack = p.stack[:base]
			return nil, p.errf("unterminated list opened at byte %d", start)
		}
		item, err := p.value(depth)
		if err != nil {
			p.stack = p.stack[:base]
			return nil, err
		}
		p.stack = append(p.stack, item)
		p.skipWS()
		if p.pos >= len(p.src) {
			p.stack = p.stack[:base]
			return nil, p.errf("unterminated list opened at byte %d", start)
		}
		switch p.src[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			n.List = make([]*Node, len(p.stack)-base)
			copy(n.List, p.stack[base:])
			clear(p.stack[base:])
			p.stack = p.stack[:base]
			return n, nil
		default:
			p.stack = p.stack[:base]
			return nil, p.errf("want ',' or '}' in list opened at byte %d, got %q", start, p.src[p.pos])
		}
	}
}

// base64 reads {#base64:...} up to the closing brace, dropping whitespace.
func (p *parser) base64(n *Node, start int) (*Node, error) {
	end := strings.IndexByte(p.src[p.pos:], '}')
	if end < 0 {
		return nil, p.errf("unterminated base64 block opened at byte %d", start)
	}
	raw := p.src[p.pos : p.pos+end]
	if strings.ContainsAny(raw, ",{\"") {
		return nil, p.errf("invalid character in base64 block opened at byte %d", start)
	}
	text := raw
	if strings.ContainsAny(raw, " \t\r\n") {
		text = strings.Map(func(r rune) rune {
			if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
				return -1
			}
			return r
		}, raw)
	}
	p.pos += end + 1
	item := p.node()
	item.Text = text
	n.List = []*Node{item}
	return n, nil
}

func (p *parser) quoted() (*Node, error) {
	start := p.pos
	p.pos++ // opening quote
	var b *strings.Builder
	seg := p.pos
	for {
		i := strings.IndexByte(p.src[p.pos:], '"')
		if i < 0 {
			p.pos = start
			return nil, p.errf("unterminated string")
		}
		p.pos += i
		if p.pos+1 < len(p.src) && p.src[p.pos+1] == '"' {
			if b == nil {
				b = &strings.Builder{}
			}
			b.WriteString(p.src[seg : p.pos+1])
			p.pos += 2
			seg = p.pos
			continue
		}
		n := p.node()
		n.Quoted = true
		if b == nil {
			n.Text = p.src[seg:p.pos]
		} else {
			b.WriteString(p.src[seg:p.pos])
			n.Text = b.String()
		}
		p.pos++ // closing quote
		return n, nil
	}
}

func (p *parser) bare() (*Node, error) {
	start := p.pos
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c == ',' || c == '}' {
			break
		}
		if c == '{' || c == '"' {
			return nil, p.errf("unexpected %q inside a bare token", c)
		}
		p.pos++
	}
	n := p.node()
	n.Text = strings.TrimRight(p.src[start:p.pos], " \t\r\n")
	return n, nil
}
