package winsvc

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"
	"time"
)

// RunFunc runs the worker with args (the mode, the worker config path and,
// in standalone mode, connector files: what `worker MODE CONFIG …` takes)
// until ctx ends or it fails, writing output and logs to stdout and stderr;
// it returns the process exit code. It must return soon after ctx ends
// (after its own graceful shutdown). cmd/worker passes its command
// dispatcher.
type RunFunc func(ctx context.Context, args []string, stdout, stderr io.Writer) int

// exitPanic is the code reported when the RunFunc panics.
const exitPanic = 70

// exitStopTimeout is the code reported when the worker did not stop within
// the graceful-shutdown deadline.
const exitStopTimeout = 71

// supervisor runs one RunFunc in a goroutine and stops it by cancelling its
// context. Create it with startSupervisor; its methods are called from one
// goroutine (the service's Execute).
type supervisor struct {
	cancel context.CancelFunc
	done   chan int
	grace  time.Duration
}

// startSupervisor starts run(ctx', args, out, out) where ctx' is a child of
// parent that stop cancels. A panic in run is written to out and reported as
// exit code exitPanic.
func startSupervisor(parent context.Context, run RunFunc, args []string, out io.Writer, grace time.Duration) *supervisor {
	ctx, cancel := context.WithCancel(parent)
	s := &supervisor{cancel: cancel, done: make(chan int, 1), grace: grace}
	go func() {
		code := exitPanic
		defer func() {
			if p := recover(); p != nil {
				fmt.Fprintf(out, "worker panicked: %v\n%s", p, debug.Stack())
			}
			s.done <- code
		}()
		code = run(ctx, args, out, out)
	}()
	return s
}

// exited delivers the exit code once when the worker returns on its own.
func (s *supervisor) exited() <-chan int { return s.done }

// stop cancels the worker's context and waits at most the grace period for
// it to return. Every tick it calls progress with a growing checkpoint and
// the time still allowed (what the SCM wants in StopPending reports). It
// returns the worker's exit code, or exitStopTimeout and false when the
// deadline passed (the worker goroutine is then abandoned: the process is
// about to exit).
func (s *supervisor) stop(tick time.Duration, progress func(checkpoint uint32, waitHint time.Duration)) (int, bool) {
	s.cancel()
	deadline := time.NewTimer(s.grace)
	defer deadline.Stop()
	ticker := time.NewTicker(tick)
	defer ticker.Stop()
	start := time.Now()
	var checkpoint uint32 = 1
	progress(checkpoint, s.grace)
	for {
		select {
		case code := <-s.done:
			return code, true
		case <-deadline.C:
			return exitStopTimeout, false
		case <-ticker.C:
			checkpoint++
			progress(checkpoint, max(s.grace-time.Since(start), tick))
		}
	}
}
