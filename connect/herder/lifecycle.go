package herder

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/runtime"
)

// The functions in this file run with the herder lock held.

// hooks are the herder's side of a connector's context.
func (h *Standalone) hooks() runtime.ConnectorHooks {
	return runtime.ConnectorHooks{
		RequestTaskReconfiguration: h.requestReconfiguration,
	}
}

// startConnector starts the connector as stored (its target state
// included) and, when it is STARTED, generates and starts its tasks.
func (h *Standalone) startConnector(ctx context.Context, name string) error {
	snap := h.configs.Snapshot()
	props, ok := snap.Connectors[name]
	if !ok {
		return NotFound("Connector %s not found", name)
	}
	target := snap.Targets[name]
	if target == "" {
		target = connect.TargetStarted
	}
	h.stage.Store(&stage{what: "starting connector " + name, since: time.Now()})
	l := h.newConnListener(name)
	if err := h.w.StartConnector(ctx, name, props, h.hooks(), l, target); err != nil {
		if errors.Is(err, runtime.ErrTimeout) {
			return h.timeoutError()
		}
		// The failure is in the connector's status (FAILED with trace).
		return fmt.Errorf("start connector %s: %w", name, err)
	}
	if target == connect.TargetStarted {
		return h.updateTasks(ctx, name, false)
	}
	return nil
}

// tasksMax reads tasks.max from a connector config (1 when unset or bad:
// validation has already rejected bad values).
func tasksMax(props map[string]string) int {
	n, err := strconv.Atoi(strings.TrimSpace(props[connect.KeyTasksMax]))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// updateTasks asks the running connector for task configs and, when they
// differ from the stored ones (or force is set), replaces the tasks.
func (h *Standalone) updateTasks(ctx context.Context, name string, force bool) error {
	if !h.w.IsRunning(name) {
		return nil
	}
	snap := h.configs.Snapshot()
	props, ok := snap.Connectors[name]
	if !ok || snap.Targets[name] != connect.TargetStarted {
		return nil
	}
	h.stage.Store(&stage{what: "generating task configs for connector " + name, since: time.Now()})
	configs, err := h.w.ConnectorTaskConfigs(name, tasksMax(props))
	if err != nil {
		err = fmt.Errorf("generate task configs of connector %s: %w", name, err)
		h.log.Error("task configuration failed", "connector", name, "err", err)
		h.lmu.Lock()
		l := h.connLis[name]
		h.lmu.Unlock()
		if l != nil {
			l.OnFailure(name, err, runtime.Trace(err))
		}
		return err
	}
	if !force && sameConfigs(configs, snap.Tasks[name]) {
		return nil
	}
	h.stopTasks(ctx, name)
	if err := h.configs.PutTaskConfigs(ctx, name, configs); err != nil {
		return fmt.Errorf("store task configs of %s: %w", name, err)
	}
	h.startTasks(ctx, name)
	return nil
}

func sameConfigs(a, b []map[string]string) bool {
	return slices.EqualFunc(a, b, func(x, y map[string]string) bool { return maps.Equal(x, y) })
}

// startTasks starts every stored task of the connector; construction
// failures are in the task statuses.
func (h *Standalone) startTasks(ctx context.Context, name string) {
	snap := h.configs.Snapshot()
	props := snap.Connectors[name]
	target := snap.Targets[name]
	for i, tc := range snap.Tasks[name] {
		id := connect.TaskID{Connector: name, Task: i}
		if err := h.startTask(ctx, id, props, tc, target); err != nil {
			h.log.Error("task did not start", "task", id.String(), "err", err)
		}
	}
}

func (h *Standalone) startTask(ctx context.Context, id connect.TaskID, props, taskProps map[string]string, target connect.TargetState) error {
	h.stage.Store(&stage{what: "starting task " + id.String(), since: time.Now()})
	l := h.newTaskListener(id)
	return h.w.StartTask(ctx, id, props, taskProps, l, target)
}

// taskIDs returns the connector's tasks known to the config store or
// running on the worker.
func (h *Standalone) taskIDs(name string) []connect.TaskID {
	seen := map[connect.TaskID]bool{}
	var ids []connect.TaskID
	for i := range h.configs.Snapshot().Tasks[name] {
		id := connect.TaskID{Connector: name, Task: i}
		seen[id] = true
		ids = append(ids, id)
	}
	for _, id := range h.w.TaskIDs() {
		if id.Connector == name && !seen[id] {
			ids = append(ids, id)
		}
	}
	return ids
}

// stopTasks stops the connector's tasks, waits for them, and forgets
// their statuses.
func (h *Standalone) stopTasks(ctx context.Context, name string) {
	ids := h.taskIDs(name)
	if len(ids) == 0 {
		return
	}
	h.stage.Store(&stage{what: "stopping the tasks of connector " + name, since: time.Now()})
	h.w.StopAndAwaitTasks(ctx, ids)
	for _, id := range ids {
		h.dropTaskListener(id)
	}
	h.deleteTaskStatuses(ctx, name, 0)
}

// stopConnectorInstance stops the connector itself and waits for it.
func (h *Standalone) stopConnectorInstance(ctx context.Context, name string) {
	if !h.w.IsRunning(name) {
		return
	}
	h.stage.Store(&stage{what: "stopping connector " + name, since: time.Now()})
	if err := h.w.StopAndAwaitConnector(ctx, name); err != nil && !errors.Is(err, runtime.ErrNotFound) {
		h.log.Warn("connector did not stop cleanly", "connector", name, "err", err)
	}
	h.dropConnListener(name)
}

// requestReconfiguration is the connector's RequestTaskReconfiguration: it
// must not block, so the work happens on a background goroutine.
func (h *Standalone) requestReconfiguration(name string) {
	h.lmu.Lock()
	if h.reconfigs[name] {
		h.lmu.Unlock()
		return
	}
	h.reconfigs[name] = true
	h.lmu.Unlock()
	h.bg.Add(1)
	go func() {
		defer h.bg.Done()
		release, err := h.acquire(h.bgCtx, "reconfiguring the tasks of connector "+name)
		h.lmu.Lock()
		delete(h.reconfigs, name)
		h.lmu.Unlock()
		if err != nil {
			return
		}
		defer release()
		if err := h.updateTasks(h.bgCtx, name, false); err != nil {
			h.log.Warn("task reconfiguration failed", "connector", name, "err", err)
		}
	}()
}
