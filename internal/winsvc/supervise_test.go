package winsvc

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestSupervisor(t *testing.T) {
	graceful := func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		<-ctx.Done()
		fmt.Fprintln(stderr, "worker stopped gracefully", args)
		return 0
	}
	stubborn := func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		<-ctx.Done()
		time.Sleep(2 * time.Second) // longer than the grace below
		return 0
	}
	tests := []struct {
		name       string
		run        RunFunc
		stop       bool
		wantCode   int
		wantInTime bool
		wantLog    string
	}{
		{name: "stop cancels the context", run: graceful, stop: true, wantCode: 0, wantInTime: true, wantLog: "worker stopped gracefully [distributed C:\\w.properties]"},
		{name: "deadline passes", run: stubborn, stop: true, wantCode: exitStopTimeout, wantInTime: false},
		{name: "worker fails on its own", run: func(context.Context, []string, io.Writer, io.Writer) int { return 3 }, wantCode: 3},
		{name: "panic is a failure", run: func(context.Context, []string, io.Writer, io.Writer) int { panic("boom") }, wantCode: exitPanic, wantLog: "worker panicked: boom"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var log safeBuilder
			sup := startSupervisor(t.Context(), tc.run, []string{"distributed", `C:\w.properties`}, &log, 300*time.Millisecond)
			if !tc.stop {
				select {
				case code := <-sup.exited():
					if code != tc.wantCode {
						t.Errorf("exit code %d, want %d", code, tc.wantCode)
					}
				case <-time.After(10 * time.Second):
					t.Fatal("worker did not exit")
				}
			} else {
				var checkpoints []uint32
				start := time.Now()
				code, inTime := sup.stop(50*time.Millisecond, func(cp uint32, hint time.Duration) {
					checkpoints = append(checkpoints, cp)
					if hint <= 0 || hint > 300*time.Millisecond {
						t.Errorf("wait hint %s outside (0, grace]", hint)
					}
				})
				if code != tc.wantCode || inTime != tc.wantInTime {
					t.Errorf("stop = (%d, %v), want (%d, %v)", code, inTime, tc.wantCode, tc.wantInTime)
				}
				if len(checkpoints) == 0 || checkpoints[0] != 1 {
					t.Errorf("checkpoints %v: want a first report with checkpoint 1", checkpoints)
				}
				for i := 1; i < len(checkpoints); i++ {
					if checkpoints[i] != checkpoints[i-1]+1 {
						t.Errorf("checkpoints %v do not grow by one", checkpoints)
					}
				}
				if !tc.wantInTime {
					if d := time.Since(start); d < 300*time.Millisecond || d > 2*time.Second {
						t.Errorf("stop returned after %s, want about the 300ms grace", d)
					}
					if len(checkpoints) < 3 {
						t.Errorf("only %d StopPending reports while waiting 300ms with 50ms ticks", len(checkpoints))
					}
				}
			}
			if !strings.Contains(log.String(), tc.wantLog) {
				t.Errorf("log %q does not contain %q", log.String(), tc.wantLog)
			}
		})
	}
}

// safeBuilder is a strings.Builder safe for the worker goroutine's writes.
type safeBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *safeBuilder) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *safeBuilder) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
