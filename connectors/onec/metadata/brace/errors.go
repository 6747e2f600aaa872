package brace

import (
	"fmt"
	"strings"
)

// MaxDepth is the deepest list nesting Parse accepts.
const MaxDepth = 256

// SyntaxError reports malformed brace text at a byte offset.
type SyntaxError struct {
	Offset int
	Msg    string
}

// Error implements error.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("brace: syntax error at byte %d: %s", e.Offset, e.Msg)
}

// PathError reports a failed walk along a 0-based path; Step is the index
// into Path where the walk stopped.
type PathError struct {
	Path   []int
	Step   int
	Reason string
}

// Error implements error.
func (e *PathError) Error() string {
	var b strings.Builder
	b.WriteString("brace: path ")
	for _, p := range e.Path {
		fmt.Fprintf(&b, "[%d]", p)
	}
	if e.Step < len(e.Path) {
		fmt.Fprintf(&b, " at step %d", e.Step)
	}
	b.WriteString(": ")
	b.WriteString(e.Reason)
	return b.String()
}
