//go:build !windows

package winsvc

import (
	"context"
	"io"
	"strings"
	"testing"
)

func TestMainNotWindows(t *testing.T) {
	called := false
	run := func(context.Context, []string, io.Writer, io.Writer) int { called = true; return 0 }
	for _, args := range [][]string{{"install", "--config", `C:\w.properties`}, {"run"}, nil} {
		var stdout, stderr strings.Builder
		if code := Command(run)(t.Context(), args, &stdout, &stderr); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
		if got := strings.TrimSpace(stderr.String()); got != NotAvailable {
			t.Errorf("%q: stderr %q, want %q", args, got, NotAvailable)
		}
		if stdout.Len() != 0 || called {
			t.Errorf("%q: stdout %q, run called %v", args, stdout.String(), called)
		}
	}
}
