package demo

import (
	"fmt"
	"io"
)

// cleanup undoes the demo's steps in reverse order of setup. Every step
// that creates something (temporary directory, PostgreSQL, the worker
// process, the generator) pushes its undo right after it succeeds, so
// every exit path — success, failure, Ctrl-C — removes exactly what was
// created. Each undo bounds its own wait. Not safe for concurrent use: the
// orchestrating goroutine owns it.
type cleanup struct {
	steps []cleanupStep
}

type cleanupStep struct {
	what string
	undo func() error
}

// push registers the undo of a step just completed.
func (c *cleanup) push(what string, undo func() error) {
	c.steps = append(c.steps, cleanupStep{what: what, undo: undo})
}

// run undoes every step, newest first, reporting each failure to w and
// carrying on with the rest. It returns the number of failures.
func (c *cleanup) run(w io.Writer) int {
	failed := 0
	for i := len(c.steps) - 1; i >= 0; i-- {
		s := c.steps[i]
		if err := s.undo(); err != nil {
			fmt.Fprintf(w, "demo: cleanup: %s: %v\n", s.what, err)
			failed++
		}
	}
	c.steps = nil
	return failed
}
