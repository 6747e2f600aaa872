package connecttest

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Goroutines is a snapshot of the goroutines alive at one moment.
type Goroutines map[string]string // id → stack

// SnapshotGoroutines records the goroutines alive now.
func SnapshotGoroutines() Goroutines {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	out := Goroutines{}
	for _, g := range bytes.Split(buf, []byte("\n\n")) {
		s := string(g)
		if !strings.HasPrefix(s, "goroutine ") {
			continue
		}
		id := strings.Fields(s)[1]
		out[id] = s
	}
	return out
}

// ignoredGoroutine tells goroutines that belong to the test harness, not
// to the code under test: the kfake broker, testkit's shared clients, the
// testing package, idle HTTP client connections.
func ignoredGoroutine(stack string) bool {
	for _, s := range []string{
		"github.com/twmb/franz-go/pkg/kfake", "internal/testkit.", "testing.(*T).Run", "testing.tRunner",
		"testing.runTests", "testing.(*M).", "net/http.(*persistConn)", "connecttest.SnapshotGoroutines",
	} {
		if strings.Contains(stack, s) {
			return true
		}
	}
	return false
}

// CheckNoLeak waits up to timeout for every goroutine started since base
// (and not belonging to the harness) to end, and fails the test with their
// stacks otherwise.
func CheckNoLeak(t testing.TB, base Goroutines, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		var leaked []string
		for id, stack := range SnapshotGoroutines() {
			if _, old := base[id]; !old && !ignoredGoroutine(stack) {
				leaked = append(leaked, stack)
			}
		}
		if len(leaked) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("%d goroutine(s) still running %s after stop:\n%s", len(leaked), timeout, strings.Join(leaked, "\n\n"))
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}
