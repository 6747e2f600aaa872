package herder

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/runtime"
	"github.com/onecconnect/onecconnect/connect/storage"
)

// statusWriteTimeout bounds one status write.
const statusWriteTimeout = 10 * time.Second

// connListener writes one connector instance's state changes to the status
// store until it is invalidated.
type connListener struct {
	h     *Standalone
	name  string
	alive atomic.Bool
}

func (l *connListener) put(state storage.State, trace string) {
	if !l.alive.Load() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), statusWriteTimeout)
	defer cancel()
	st := storage.ConnectorStatus{Connector: l.name, State: state, Trace: trace, WorkerID: l.h.w.ID()}
	if err := l.h.statuses.PutConnector(ctx, st); err != nil {
		l.h.log.Warn("write connector status", "connector", l.name, "state", state, "err", err)
	}
}

func (l *connListener) OnStartup(string) { l.put(storage.StateRunning, "") }
func (l *connListener) OnPause(string)   { l.put(storage.StatePaused, "") }
func (l *connListener) OnResume(string)  { l.put(storage.StateRunning, "") }
func (l *connListener) OnStop(string)    { l.put(storage.StateStopped, "") }
func (l *connListener) OnFailure(_ string, _ error, trace string) {
	l.put(storage.StateFailed, trace)
}
func (l *connListener) OnShutdown(string) { l.put(storage.StateUnassigned, "") }

var _ runtime.ConnectorStatusListener = (*connListener)(nil)

// taskListener is connListener for one task instance.
type taskListener struct {
	h     *Standalone
	id    connect.TaskID
	alive atomic.Bool
}

func (l *taskListener) put(state storage.State, trace string) {
	if !l.alive.Load() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), statusWriteTimeout)
	defer cancel()
	st := storage.TaskStatus{ID: l.id, State: state, Trace: trace, WorkerID: l.h.w.ID()}
	if err := l.h.statuses.PutTask(ctx, st); err != nil {
		l.h.log.Warn("write task status", "task", l.id.String(), "state", state, "err", err)
	}
}

func (l *taskListener) OnStartup(connect.TaskID) { l.put(storage.StateRunning, "") }
func (l *taskListener) OnPause(connect.TaskID)   { l.put(storage.StatePaused, "") }
func (l *taskListener) OnResume(connect.TaskID)  { l.put(storage.StateRunning, "") }
func (l *taskListener) OnFailure(_ connect.TaskID, _ error, trace string) {
	l.put(storage.StateFailed, trace)
}
func (l *taskListener) OnShutdown(connect.TaskID) { l.put(storage.StateUnassigned, "") }

var _ runtime.TaskStatusListener = (*taskListener)(nil)

// newConnListener installs a fresh listener for a connector instance,
// invalidating the previous one.
func (h *Standalone) newConnListener(name string) *connListener {
	l := &connListener{h: h, name: name}
	l.alive.Store(true)
	h.lmu.Lock()
	if old := h.connLis[name]; old != nil {
		old.alive.Store(false)
	}
	h.connLis[name] = l
	h.lmu.Unlock()
	return l
}

// dropConnListener invalidates the connector's listener.
func (h *Standalone) dropConnListener(name string) {
	h.lmu.Lock()
	if old := h.connLis[name]; old != nil {
		old.alive.Store(false)
		delete(h.connLis, name)
	}
	h.lmu.Unlock()
}

func (h *Standalone) newTaskListener(id connect.TaskID) *taskListener {
	l := &taskListener{h: h, id: id}
	l.alive.Store(true)
	h.lmu.Lock()
	if old := h.taskLis[id]; old != nil {
		old.alive.Store(false)
	}
	h.taskLis[id] = l
	h.lmu.Unlock()
	return l
}

func (h *Standalone) dropTaskListener(id connect.TaskID) {
	h.lmu.Lock()
	if old := h.taskLis[id]; old != nil {
		old.alive.Store(false)
		delete(h.taskLis, id)
	}
	h.lmu.Unlock()
}

// ConnectorStatus implements Herder. It reads the status store without the
// herder lock, as Kafka does.
func (h *Standalone) ConnectorStatus(ctx context.Context, name string) (ConnectorStateInfo, error) {
	cs, ok := h.statuses.Connector(name)
	if !ok {
		return ConnectorStateInfo{}, NotFound("No status found for connector %s", name)
	}
	info := ConnectorStateInfo{
		Name:      name,
		Connector: State{State: string(cs.State), WorkerID: cs.WorkerID, Trace: cs.Trace},
		Tasks:     []TaskState{},
		Type:      h.connectorType(h.configs.Snapshot().Connectors[name]),
	}
	for _, ts := range h.statuses.Tasks(name) {
		info.Tasks = append(info.Tasks, TaskState{ID: ts.ID.Task, State: string(ts.State), WorkerID: ts.WorkerID, Trace: ts.Trace})
	}
	return info, nil
}

// TaskStatus implements Herder.
func (h *Standalone) TaskStatus(ctx context.Context, id connect.TaskID) (TaskState, error) {
	ts, ok := h.statuses.Task(id)
	if !ok {
		return TaskState{}, NotFound("No status found for task %s", id)
	}
	return TaskState{ID: id.Task, State: string(ts.State), WorkerID: ts.WorkerID, Trace: ts.Trace}, nil
}

// deleteStatuses removes the statuses of a connector's tasks (all of them
// when keep is 0, else those numbered keep and above).
func (h *Standalone) deleteTaskStatuses(ctx context.Context, name string, keep int) {
	for _, ts := range h.statuses.Tasks(name) {
		if ts.ID.Task >= keep {
			if err := h.statuses.DeleteTask(ctx, ts.ID); err != nil {
				h.log.Warn("delete task status", "task", ts.ID.String(), "err", err)
			}
		}
	}
}
