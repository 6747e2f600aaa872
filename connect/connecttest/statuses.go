package connecttest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/runtime"
)

// TaskStatuses records the states a worker reports for tasks (it is a
// runtime.TaskStatusListener), for connector tests that drive a Worker
// directly rather than through a herder. Safe for concurrent use.
type TaskStatuses struct {
	mu     sync.Mutex
	state  map[string]string
	traces map[string]string
}

// NewTaskStatuses returns an empty recorder.
func NewTaskStatuses() *TaskStatuses {
	return &TaskStatuses{state: map[string]string{}, traces: map[string]string{}}
}

func (s *TaskStatuses) set(id, st string) { s.mu.Lock(); s.state[id] = st; s.mu.Unlock() }

// OnStartup records RUNNING.
func (s *TaskStatuses) OnStartup(id connect.TaskID) { s.set(id.String(), "RUNNING") }

// OnPause records PAUSED.
func (s *TaskStatuses) OnPause(id connect.TaskID) { s.set(id.String(), "PAUSED") }

// OnResume records RUNNING.
func (s *TaskStatuses) OnResume(id connect.TaskID) { s.set(id.String(), "RUNNING") }

// OnFailure records FAILED with the trace.
func (s *TaskStatuses) OnFailure(id connect.TaskID, err error, trace string) {
	s.mu.Lock()
	s.traces[id.String()] = trace
	s.mu.Unlock()
	s.set(id.String(), "FAILED")
}

// OnShutdown records UNASSIGNED.
func (s *TaskStatuses) OnShutdown(id connect.TaskID) { s.set(id.String(), "UNASSIGNED") }

// Get returns a task's last state and trace ("<connector>-<n>").
func (s *TaskStatuses) Get(id string) (state, trace string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state[id], s.traces[id]
}

// WaitState waits until the task reaches state and returns its trace; it
// fails the test after timeout.
func (s *TaskStatuses) WaitState(t testing.TB, id, state string, timeout time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if st, tr := s.Get(id); st == state {
			return tr
		}
		time.Sleep(20 * time.Millisecond)
	}
	st, tr := s.Get(id)
	t.Fatalf("task %s is %s, want %s (trace: %s)", id, st, state, tr)
	return ""
}

// StartConnector starts the connector props describe on w with up to
// maxTasks tasks, reporting task states to status (nil: none), and returns
// the task ids; a failure fails the test.
func StartConnector(t testing.TB, w *runtime.Worker, props map[string]string, maxTasks int, status runtime.TaskStatusListener) []connect.TaskID {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	name := props[connect.KeyName]
	if err := w.StartConnector(ctx, name, props, runtime.ConnectorHooks{}, nil, runtime.TargetStarted); err != nil {
		t.Fatalf("start connector %s: %v", name, err)
	}
	cfgs, err := w.ConnectorTaskConfigs(name, maxTasks)
	if err != nil {
		t.Fatalf("task configs of %s: %v", name, err)
	}
	ids := make([]connect.TaskID, 0, len(cfgs))
	for i, tc := range cfgs {
		id := connect.TaskID{Connector: name, Task: i}
		if err := w.StartTask(ctx, id, props, tc, status, runtime.TargetStarted); err != nil {
			t.Fatalf("start task %s: %v", id, err)
		}
		ids = append(ids, id)
	}
	return ids
}
