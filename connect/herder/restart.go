package herder

import (
	"context"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/storage"
)

// restartPlan is what a KIP-745 restart request restarts, decided from the
// current statuses.
type restartPlan struct {
	connector bool
	tasks     []connect.TaskID
}

// planRestart applies Kafka's rules: without onlyFailed everything in
// scope restarts; with it, only FAILED instances; tasks only with
// includeTasks.
func planRestart(req RestartRequest, st ConnectorStateInfo) restartPlan {
	p := restartPlan{connector: !req.OnlyFailed || st.Connector.State == string(storage.StateFailed)}
	if req.IncludeTasks {
		for _, t := range st.Tasks {
			if !req.OnlyFailed || t.State == string(storage.StateFailed) {
				p.tasks = append(p.tasks, connect.TaskID{Connector: st.Name, Task: t.ID})
			}
		}
	}
	return p
}

// marked returns st with the planned instances shown as RESTARTING.
func (p restartPlan) marked(st ConnectorStateInfo) ConnectorStateInfo {
	out := st
	out.Tasks = append([]TaskState(nil), st.Tasks...)
	if p.connector {
		out.Connector.State = string(storage.StateRestarting)
	}
	for _, id := range p.tasks {
		for i := range out.Tasks {
			if out.Tasks[i].ID == id.Task {
				out.Tasks[i].State = string(storage.StateRestarting)
			}
		}
	}
	return out
}

// RestartConnector implements Herder. The standalone herder performs the
// restarts before answering; the answer shows the plan (RESTARTING marks).
func (h *Standalone) RestartConnector(ctx context.Context, name string, req RestartRequest) (*ConnectorStateInfo, error) {
	release, err := h.acquire(ctx, "restarting connector "+name)
	if err != nil {
		return nil, err
	}
	defer release()
	if _, ok := h.configs.Snapshot().Connectors[name]; !ok {
		return nil, NotFound("Unknown connector: %s", name)
	}
	if req.Synchronous() {
		h.stopConnectorInstance(ctx, name)
		if err := h.startConnector(ctx, name); err != nil {
			if KindOf(err) == KindTimeout {
				return nil, err
			}
			return nil, Internal(err, "Failed to start connector: %s", name)
		}
		return nil, nil
	}
	st, err := h.ConnectorStatus(ctx, name)
	if err != nil {
		return nil, NotFound("Status for connector %s not found", name)
	}
	plan := planRestart(req, st)
	answer := plan.marked(st)
	for _, id := range plan.tasks {
		h.writeTaskState(ctx, id, storage.StateRestarting)
	}
	if plan.connector {
		h.stopConnectorInstance(ctx, name)
		if err := h.startConnector(ctx, name); err != nil && KindOf(err) == KindTimeout {
			return nil, err
		}
	}
	for _, id := range plan.tasks {
		if err := h.restartTask(ctx, id); err != nil {
			h.log.Warn("task restart failed", "task", id.String(), "err", err)
		}
	}
	return &answer, nil
}

// RestartTask implements Herder.
func (h *Standalone) RestartTask(ctx context.Context, id connect.TaskID) error {
	release, err := h.acquire(ctx, "restarting task "+id.String())
	if err != nil {
		return err
	}
	defer release()
	snap := h.configs.Snapshot()
	if _, ok := snap.Connectors[id.Connector]; !ok {
		return NotFound("Unknown connector: %s", id.Connector)
	}
	if id.Task < 0 || id.Task >= len(snap.Tasks[id.Connector]) {
		return NotFound("Unknown task: %s", id)
	}
	if err := h.restartTask(ctx, id); err != nil {
		return Internal(err, "Failed to start task: %s", id)
	}
	return nil
}

// restartTask stops a task (if it runs) and starts it from its stored
// config and the connector's target state.
func (h *Standalone) restartTask(ctx context.Context, id connect.TaskID) error {
	snap := h.configs.Snapshot()
	tasks := snap.Tasks[id.Connector]
	if id.Task >= len(tasks) {
		return nil // the connector restart replaced the task set
	}
	h.w.StopAndAwaitTask(ctx, id)
	h.dropTaskListener(id)
	return h.startTask(ctx, id, snap.Connectors[id.Connector], tasks[id.Task], snap.Targets[id.Connector])
}

func (h *Standalone) writeTaskState(ctx context.Context, id connect.TaskID, state storage.State) {
	old, _ := h.statuses.Task(id)
	if err := h.statuses.PutTask(ctx, storage.TaskStatus{ID: id, State: state, WorkerID: h.w.ID(), Generation: old.Generation}); err != nil {
		h.log.Warn("write task status", "task", id.String(), "err", err)
	}
}
