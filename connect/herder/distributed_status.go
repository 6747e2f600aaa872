package herder

import (
	"context"
	"sync/atomic"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/runtime"
	"github.com/onecconnect/onecconnect/connect/storage"
)

// Status writes of distributed mode. Each instance the herder starts gets a
// listener that writes its state changes to the status topic with this
// worker's id and the group generation in which the worker holds the
// instance. The status store writes conditionally (Kafka's putSafe): a
// status held by another worker with a newer generation is never
// overwritten, so a zombie's late UNASSIGNED or FAILED cannot hide the live
// instance. A listener stops writing once its instance is stopped, when the
// connector has been deleted (the leader tombstones its statuses), and
// after Kill.

// dConnListener writes one connector instance's statuses.
type dConnListener struct {
	h     *Distributed
	name  string
	gen   atomic.Int32
	alive atomic.Bool
}

func (l *dConnListener) put(state storage.State, trace string) {
	h := l.h
	if !l.alive.Load() || h.killed.Load() || !h.configured(l.name) {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), statusWriteTimeout)
	defer cancel()
	st := storage.ConnectorStatus{Connector: l.name, State: state, Trace: trace, WorkerID: h.w.ID(), Generation: l.gen.Load()}
	if err := h.statuses.PutConnector(ctx, st); err != nil {
		h.log.Warn("write connector status", "connector", l.name, "state", state, "generation", st.Generation, "err", err)
	}
}

func (l *dConnListener) OnStartup(string) { l.put(storage.StateRunning, "") }
func (l *dConnListener) OnPause(string)   { l.put(storage.StatePaused, "") }
func (l *dConnListener) OnResume(string)  { l.put(storage.StateRunning, "") }
func (l *dConnListener) OnStop(string)    { l.put(storage.StateStopped, "") }
func (l *dConnListener) OnFailure(_ string, _ error, trace string) {
	l.put(storage.StateFailed, trace)
}
func (l *dConnListener) OnShutdown(string) { l.put(storage.StateUnassigned, "") }

var _ runtime.ConnectorStatusListener = (*dConnListener)(nil)

// dTaskListener writes one task instance's statuses.
type dTaskListener struct {
	h     *Distributed
	id    connect.TaskID
	gen   atomic.Int32
	alive atomic.Bool
}

func (l *dTaskListener) put(state storage.State, trace string) {
	h := l.h
	if !l.alive.Load() || h.killed.Load() || !h.configured(l.id.Connector) {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), statusWriteTimeout)
	defer cancel()
	st := storage.TaskStatus{ID: l.id, State: state, Trace: trace, WorkerID: h.w.ID(), Generation: l.gen.Load()}
	if err := h.statuses.PutTask(ctx, st); err != nil {
		h.log.Warn("write task status", "task", l.id.String(), "state", state, "generation", st.Generation, "err", err)
	}
}

func (l *dTaskListener) OnStartup(connect.TaskID) { l.put(storage.StateRunning, "") }
func (l *dTaskListener) OnPause(connect.TaskID)   { l.put(storage.StatePaused, "") }
func (l *dTaskListener) OnResume(connect.TaskID)  { l.put(storage.StateRunning, "") }
func (l *dTaskListener) OnFailure(_ connect.TaskID, _ error, trace string) {
	l.put(storage.StateFailed, trace)
}
func (l *dTaskListener) OnShutdown(connect.TaskID) { l.put(storage.StateUnassigned, "") }

var _ runtime.TaskStatusListener = (*dTaskListener)(nil)

// newConnListener returns a live listener for a new instance of connector
// c, invalidating the previous instance's (lock held).
func (h *Distributed) newConnListener(c string) *dConnListener {
	if old := h.conns[c]; old != nil {
		old.lis.alive.Store(false)
	}
	l := &dConnListener{h: h, name: c}
	l.gen.Store(h.gen.Load())
	l.alive.Store(true)
	return l
}

// newTaskListener is newConnListener for a task.
func (h *Distributed) newTaskListener(id connect.TaskID) *dTaskListener {
	if old := h.tasks[id]; old != nil {
		old.lis.alive.Store(false)
	}
	l := &dTaskListener{h: h, id: id}
	l.gen.Store(h.gen.Load())
	l.alive.Store(true)
	return l
}

// configured reports whether connector c has a config in the config store.
func (h *Distributed) configured(c string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.known[c]
}

// writeTaskStatus writes a status for a task this worker owns (RESTARTING
// before a KIP-745 restart).
func (h *Distributed) writeTaskStatus(ctx context.Context, id connect.TaskID, state storage.State) {
	if h.killed.Load() {
		return
	}
	st := storage.TaskStatus{ID: id, State: state, WorkerID: h.w.ID(), Generation: h.gen.Load()}
	if err := h.statuses.PutTask(ctx, st); err != nil {
		h.log.Warn("write task status", "task", id.String(), "state", state, "err", err)
	}
}

// writeConnectorStatus is writeTaskStatus for the connector.
func (h *Distributed) writeConnectorStatus(ctx context.Context, c string, state storage.State) {
	if h.killed.Load() {
		return
	}
	st := storage.ConnectorStatus{Connector: c, State: state, WorkerID: h.w.ID(), Generation: h.gen.Load()}
	if err := h.statuses.PutConnector(ctx, st); err != nil {
		h.log.Warn("write connector status", "connector", c, "state", state, "err", err)
	}
}
