package brace

import (
	"fmt"
	"strconv"
)

// Node is one value of a brace file: a list (IsList, items in List) or a
// scalar (Text; Quoted tells a quoted string from a bare token). An empty
// item is a bare scalar with empty Text. A parsed tree is never modified by
// this package after Parse returns; callers may share it read-only between
// goroutines.
type Node struct {
	List   []*Node
	IsList bool
	Text   string
	Quoted bool
}

// L returns a list node holding items.
func L(items ...*Node) *Node {
	if items == nil {
		items = []*Node{}
	}
	return &Node{List: items, IsList: true}
}

// S returns a quoted string scalar.
func S(s string) *Node { return &Node{Text: s, Quoted: true} }

// B returns a bare token scalar (number, UUID, identifier, "#base64:..." or
// "" for an empty item).
func B(token string) *Node { return &Node{Text: token} }

// N returns a bare number scalar.
func N(i int) *Node { return &Node{Text: strconv.Itoa(i)} }

// Len returns the number of items of a list, 0 for a scalar or nil node.
func (n *Node) Len() int {
	if n == nil || !n.IsList {
		return 0
	}
	return len(n.List)
}

// IsEmpty reports whether n is an empty item (a bare scalar with no text).
func (n *Node) IsEmpty() bool {
	return n == nil || (!n.IsList && !n.Quoted && n.Text == "")
}

// At walks a 0-based path of list indices from n and returns the node found.
// The error names the full path and the step that failed.
func (n *Node) At(path ...int) (*Node, error) {
	cur := n
	for i, idx := range path {
		if cur == nil || !cur.IsList {
			return nil, &PathError{Path: path, Step: i, Reason: "not a list"}
		}
		if idx < 0 || idx >= len(cur.List) {
			return nil, &PathError{Path: path, Step: i, Reason: fmt.Sprintf("index out of range (list has %d items)", len(cur.List))}
		}
		cur = cur.List[idx]
	}
	if cur == nil {
		return nil, &PathError{Path: path, Step: len(path), Reason: "nil node"}
	}
	return cur, nil
}

// Str returns the scalar text at path (quoted or bare). A list is an error.
func (n *Node) Str(path ...int) (string, error) {
	v, err := n.At(path...)
	if err != nil {
		return "", err
	}
	if v.IsList {
		return "", &PathError{Path: path, Step: len(path), Reason: "is a list, want a scalar"}
	}
	return v.Text, nil
}

// Int returns the bare integer at path.
func (n *Node) Int(path ...int) (int, error) {
	s, err := n.Str(path...)
	if err != nil {
		return 0, err
	}
	i, err := strconv.Atoi(s)
	if err != nil {
		return 0, &PathError{Path: path, Step: len(path), Reason: fmt.Sprintf("not an integer: %q", truncate(s))}
	}
	return i, nil
}

// List returns the list node at path.
func (n *Node) ListAt(path ...int) (*Node, error) {
	v, err := n.At(path...)
	if err != nil {
		return nil, err
	}
	if !v.IsList {
		return nil, &PathError{Path: path, Step: len(path), Reason: fmt.Sprintf("is a scalar %q, want a list", truncate(v.Text))}
	}
	return v, nil
}

// Equal reports whether two trees are structurally identical.
func Equal(a, b *Node) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.IsList != b.IsList {
		return false
	}
	if !a.IsList {
		return a.Quoted == b.Quoted && a.Text == b.Text
	}
	if len(a.List) != len(b.List) {
		return false
	}
	for i := range a.List {
		if !Equal(a.List[i], b.List[i]) {
			return false
		}
	}
	return true
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
