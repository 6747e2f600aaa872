package herder

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/cluster"
	"github.com/onecconnect/onecconnect/connect/runtime"
)

// This file is the herder's side of group membership (cluster.Handler):
// the callbacks run on the member's goroutine, one at a time, and take the
// herder lock so they never interleave with REST writes or config events.

// callbackTimeout bounds how long a membership callback waits for the
// herder lock and for instances to stop; past it the member risks its place
// in the group (rebalance.timeout.ms).
func (h *Distributed) callbackTimeout() time.Duration {
	if d := h.clusterCfg.RebalanceTimeout; d > 0 {
		return d
	}
	return cluster.DefaultRebalanceTimeout
}

// lockForCallback takes the herder lock for a membership callback; stops
// must happen even when the member's context is being cancelled, so it
// waits on a context of its own, bounded by the rebalance timeout.
func (h *Distributed) lockForCallback(ctx context.Context, what string) (context.Context, func(), bool) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), h.callbackTimeout())
	release, err := h.acquire(cctx, what)
	if err != nil {
		cancel()
		h.log.Error("membership callback could not take the herder lock", "what", what, "err", err)
		return nil, nil, false
	}
	return cctx, func() { release(); cancel() }, true
}

// ConfigSnapshot implements cluster.Handler from the config store's memory.
func (h *Distributed) ConfigSnapshot(ctx context.Context) (cluster.ConfigSnapshot, error) {
	snap := h.configs.Snapshot()
	out := cluster.ConfigSnapshot{Offset: snap.Offset, Connectors: snap.ConnectorNames(), Tasks: map[string]int{}}
	for c, tasks := range snap.Tasks {
		if _, ok := snap.Connectors[c]; ok && !slices.Contains(snap.Inconsistent, c) {
			out.Tasks[c] = len(tasks)
		}
	}
	return out, nil
}

// ReadConfigToEnd implements cluster.Handler.
func (h *Distributed) ReadConfigToEnd(ctx context.Context) (int64, error) {
	if err := h.configs.Refresh(ctx); err != nil {
		return h.configs.Offset(), err
	}
	return h.configs.Offset(), nil
}

// OnRevoked implements cluster.Handler: stop the revoked tasks (their final
// offset commit is still allowed: the worker owns them until they stopped),
// then the revoked connectors.
func (h *Distributed) OnRevoked(ctx context.Context, revoked cluster.Load) {
	cctx, release, ok := h.lockForCallback(ctx, "stopping revoked connectors and tasks")
	if !ok {
		return
	}
	defer release()
	h.log.Info("revoked", "generation", h.gen.Load(), "connectors", len(revoked.Connectors), "tasks", len(revoked.Tasks))
	h.stopTaskIDs(cctx, revoked.Tasks)
	for _, c := range revoked.Connectors {
		h.stopConnector(cctx, c)
	}
	h.setAssigned(h.assigned.Minus(revoked))
}

// OnAssigned implements cluster.Handler: adopt the round's complete
// assignment and start whatever of it does not run here yet.
func (h *Distributed) OnAssigned(ctx context.Context, r cluster.Round) {
	cctx, release, ok := h.lockForCallback(ctx, "starting assigned connectors and tasks")
	if !ok {
		return
	}
	defer release()
	if h.killed.Load() {
		return
	}
	h.zombie.Store(false)
	h.gen.Store(r.Generation)
	h.round, h.hasRound = r, true
	h.setAssigned(r.Current.Clone())
	for _, cr := range h.conns {
		cr.lis.gen.Store(r.Generation)
	}
	for _, tr := range h.tasks {
		tr.lis.gen.Store(r.Generation)
	}
	h.log.Info("assignment applied", "generation", r.Generation, "leader", r.IsLeader(), "leader_url", r.LeaderURL,
		"connectors", len(r.Current.Connectors), "tasks", len(r.Current.Tasks),
		"new", r.Assigned.Len(), "revoked", r.Revoked.Len())
	h.reconcile(cctx)
	if r.IsLeader() {
		h.q.push(event{kind: evLeaderDuties})
	}
}

// OnLostCoordinator implements cluster.Handler: the group may hand this
// worker's work to others any moment, so it stops everything now and
// commits no more offsets until it holds an assignment again.
func (h *Distributed) OnLostCoordinator(ctx context.Context, held cluster.Load) {
	h.zombie.Store(true)
	cctx, release, ok := h.lockForCallback(ctx, "stopping all work after losing the group coordinator")
	if !ok {
		return
	}
	defer release()
	h.log.Warn("lost the group coordinator; stopping all connectors and tasks", "generation", h.gen.Load(),
		"connectors", len(held.Connectors), "tasks", len(held.Tasks))
	h.hasRound = false
	h.stopAll(cctx)
	h.setAssigned(cluster.Load{})
}

// reconcile starts every assigned connector and task that this herder does
// not run, from the config store's current state (lock held). Connectors
// without a config (deleted) and tasks without a committed config are
// skipped; the next rebalance revokes them.
func (h *Distributed) reconcile(ctx context.Context) {
	if h.killed.Load() || !h.hasRound {
		return
	}
	snap := h.configs.Snapshot()
	for _, c := range h.assigned.Connectors {
		if _, ok := h.conns[c]; ok {
			continue
		}
		if _, ok := snap.Connectors[c]; !ok {
			continue
		}
		h.startConnector(ctx, c)
	}
	for _, id := range h.assigned.Tasks {
		if _, ok := h.tasks[id]; ok {
			continue
		}
		props, ok := snap.Connectors[id.Connector]
		tasks := snap.Tasks[id.Connector]
		if !ok || id.Task >= len(tasks) || slices.Contains(snap.Inconsistent, id.Connector) {
			continue
		}
		target := snap.Targets[id.Connector]
		if target == connect.TargetStopped {
			continue
		}
		h.startTask(ctx, id, props, tasks[id.Task], target)
	}
}

// startConnector starts connector c as stored (lock held) and, when it is
// STARTED, schedules the generation of its task configs.
func (h *Distributed) startConnector(ctx context.Context, c string) {
	snap := h.configs.Snapshot()
	props, ok := snap.Connectors[c]
	if !ok {
		return
	}
	target := snap.Targets[c]
	if target == "" {
		target = connect.TargetStarted
	}
	h.stage.Store(&stage{what: "starting connector " + c, since: time.Now()})
	lis := h.newConnListener(c)
	h.conns[c] = &connRun{lis: lis}
	hooks := runtime.ConnectorHooks{RequestTaskReconfiguration: func(name string) {
		h.q.push(event{kind: evReconfigure, connector: name})
	}}
	if err := h.w.StartConnector(ctx, c, props, hooks, lis, target); err != nil {
		// The failure is in the connector's status (FAILED with its trace).
		h.log.Warn("connector did not start", "connector", c, "err", err)
		return
	}
	if target == connect.TargetStarted {
		h.q.push(event{kind: evReconfigure, connector: c})
	}
}

// startTask starts one task (lock held); construction failures are in its
// status.
func (h *Distributed) startTask(ctx context.Context, id connect.TaskID, connProps, taskProps map[string]string, target connect.TargetState) {
	h.stage.Store(&stage{what: "starting task " + id.String(), since: time.Now()})
	lis := h.newTaskListener(id)
	h.tasks[id] = &taskRun{lis: lis, taskProps: taskProps}
	if err := h.w.StartTask(ctx, id, connProps, taskProps, lis, target); err != nil {
		h.log.Warn("task did not start", "task", id.String(), "err", err)
	}
}

// stopTaskIDs stops those of ids this herder runs and waits for them
// (lock held).
func (h *Distributed) stopTaskIDs(ctx context.Context, ids []connect.TaskID) {
	var run []connect.TaskID
	for _, id := range ids {
		if _, ok := h.tasks[id]; ok {
			run = append(run, id)
		}
	}
	if len(run) == 0 {
		return
	}
	h.stage.Store(&stage{what: "stopping tasks", since: time.Now()})
	h.w.StopAndAwaitTasks(ctx, run)
	for _, id := range run {
		if tr := h.tasks[id]; tr != nil {
			tr.lis.alive.Store(false)
		}
		delete(h.tasks, id)
	}
}

// tasksOf returns the tasks of connector c this herder runs.
func (h *Distributed) tasksOf(c string) []connect.TaskID {
	var ids []connect.TaskID
	for id := range h.tasks {
		if id.Connector == c {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, func(a, b connect.TaskID) int { return a.Task - b.Task })
	return ids
}

// stopConnector stops connector instance c if this herder runs it (lock
// held).
func (h *Distributed) stopConnector(ctx context.Context, c string) {
	cr, ok := h.conns[c]
	if !ok {
		return
	}
	h.stage.Store(&stage{what: "stopping connector " + c, since: time.Now()})
	if err := h.w.StopAndAwaitConnector(ctx, c); err != nil && !errors.Is(err, runtime.ErrNotFound) {
		h.log.Warn("connector did not stop cleanly", "connector", c, "err", err)
	}
	cr.lis.alive.Store(false)
	delete(h.conns, c)
}

// stopAll stops every task, then every connector this herder runs (lock
// held).
func (h *Distributed) stopAll(ctx context.Context) {
	ids := make([]connect.TaskID, 0, len(h.tasks))
	for id := range h.tasks {
		ids = append(ids, id)
	}
	h.stopTaskIDs(ctx, ids)
	for c := range h.conns {
		h.stopConnector(ctx, c)
	}
}
