package herder

import (
	"context"
	"sync"
	"time"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/storage"
	"github.com/onecconnect/onecconnect/connect/storage/kafkastore"
)

// Config topic events. The config store calls the listener methods below on
// its reading goroutine, where nothing may block; they record what changed
// (and ask the member to rejoin when the set of connectors or tasks
// changed) and queue an event. The herder's event goroutine (loop) handles
// the events one at a time under the herder lock, as Kafka's herder tick
// does.

type eventKind int

const (
	evConnectorUpdated eventKind = iota // a known connector's config changed
	evConnectorRemoved                  // a connector was deleted
	evTaskConfigs                       // a commit record applied task configs
	evTargetState                       // a target state changed
	evRestart                           // a KIP-745 restart request
	evReconfigure                       // generate and publish task configs
	evLeaderDuties                      // session key, status tombstones
)

type event struct {
	kind      eventKind
	connector string
	restart   kafkastore.RestartRequest
	attempt   int // evReconfigure retries
}

// eventQueue is an unbounded FIFO: pushing never blocks.
type eventQueue struct {
	mu     sync.Mutex
	items  []event
	wake   chan struct{}
	closed bool
}

func (q *eventQueue) init() { q.wake = make(chan struct{}, 1) }

func (q *eventQueue) push(e event) {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return
	}
	q.items = append(q.items, e)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// pop returns the next event, waiting for one; ok is false once closed.
func (q *eventQueue) pop() (event, bool) {
	for {
		q.mu.Lock()
		if q.closed {
			q.mu.Unlock()
			return event{}, false
		}
		if len(q.items) > 0 {
			e := q.items[0]
			q.items = q.items[1:]
			q.mu.Unlock()
			return e, true
		}
		q.mu.Unlock()
		<-q.wake
	}
}

func (q *eventQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.items = nil
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// OnConnectorConfigUpdate implements storage.ConfigListener.
func (h *Distributed) OnConnectorConfigUpdate(c string) {
	h.mu.Lock()
	isNew := !h.known[c]
	h.known[c] = true
	h.mu.Unlock()
	if isNew {
		h.member.RequestRejoin("connector " + c + " created")
		return
	}
	h.q.push(event{kind: evConnectorUpdated, connector: c})
}

// OnConnectorConfigRemove implements storage.ConfigListener.
func (h *Distributed) OnConnectorConfigRemove(c string) {
	h.mu.Lock()
	delete(h.known, c)
	h.mu.Unlock()
	h.member.RequestRejoin("connector " + c + " deleted")
	h.q.push(event{kind: evConnectorRemoved, connector: c})
}

// OnTaskConfigUpdate implements storage.ConfigListener. The ids do not say
// which connector an empty task set belongs to, so the handler compares
// every running task with the store.
func (h *Distributed) OnTaskConfigUpdate(tasks []connect.TaskID) {
	h.member.RequestRejoin("task configs committed")
	h.q.push(event{kind: evTaskConfigs})
}

// OnTargetStateChange implements storage.ConfigListener.
func (h *Distributed) OnTargetStateChange(c string) {
	h.q.push(event{kind: evTargetState, connector: c})
}

// OnRestartRequest implements kafkastore.RestartListener.
func (h *Distributed) OnRestartRequest(r kafkastore.RestartRequest) {
	h.q.push(event{kind: evRestart, connector: r.Connector, restart: r})
}

// OnSessionKeyUpdate implements kafkastore.SessionKeyListener.
func (h *Distributed) OnSessionKeyUpdate(k kafkastore.SessionKey) {
	h.mu.Lock()
	h.sessionKey = &k
	h.mu.Unlock()
	h.log.Info("session key updated", "algorithm", k.Algorithm, "created", time.UnixMilli(k.CreationTimestamp).UTC())
}

var (
	_ storage.ConfigListener        = (*Distributed)(nil)
	_ kafkastore.RestartListener    = (*Distributed)(nil)
	_ kafkastore.SessionKeyListener = (*Distributed)(nil)
)

// loop handles queued events until the queue is closed.
func (h *Distributed) loop() {
	defer close(h.loopDone)
	for {
		e, ok := h.q.pop()
		if !ok {
			return
		}
		h.handle(e)
	}
}

// handle runs one event under the herder lock; work that talks to another
// worker (publishing task configs) runs after the lock is released.
func (h *Distributed) handle(e event) {
	ctx := h.runCtx
	if ctx.Err() != nil || h.killed.Load() {
		return
	}
	release, err := h.acquire(ctx, "handling a config topic event")
	if err != nil {
		return
	}
	var after func()
	switch e.kind {
	case evConnectorUpdated:
		h.onConnectorUpdated(ctx, e.connector)
	case evConnectorRemoved:
		h.stopTaskIDs(ctx, h.tasksOf(e.connector))
		h.stopConnector(ctx, e.connector)
	case evTaskConfigs:
		h.onTaskConfigs(ctx)
	case evTargetState:
		h.onTargetState(ctx, e.connector)
	case evRestart:
		h.onRestartRequest(ctx, e.restart)
	case evReconfigure:
		after = h.reconfigure(e)
	case evLeaderDuties:
		h.leaderDuties(ctx)
	}
	release()
	if after != nil {
		after()
	}
}

// onConnectorUpdated restarts, with the new config, the connector instance
// and the connector's tasks this worker runs (lock held); the connector
// then regenerates its task configs.
func (h *Distributed) onConnectorUpdated(ctx context.Context, c string) {
	snap := h.configs.Snapshot()
	props, ok := snap.Connectors[c]
	if !ok {
		return
	}
	if _, ok := h.conns[c]; ok {
		h.stopConnector(ctx, c)
		h.startConnector(ctx, c)
	}
	ids := h.tasksOf(c)
	if len(ids) == 0 {
		return
	}
	h.stopTaskIDs(ctx, ids)
	target := snap.Targets[c]
	for _, id := range ids {
		if tasks := snap.Tasks[c]; id.Task < len(tasks) && h.assigned.HasTask(id) && target != connect.TargetStopped {
			h.startTask(ctx, id, props, tasks[id.Task], target)
		}
	}
}

// onTaskConfigs stops the tasks whose committed config changed or that no
// longer exist, then starts whatever the assignment holds with the new
// configs (lock held). The rejoin the listener requested hands out new
// task ids and revokes removed ones.
func (h *Distributed) onTaskConfigs(ctx context.Context) {
	snap := h.configs.Snapshot()
	var stale []connect.TaskID
	for id, tr := range h.tasks {
		tasks := snap.Tasks[id.Connector]
		if id.Task >= len(tasks) || !sameConfigs([]map[string]string{tasks[id.Task]}, []map[string]string{tr.taskProps}) {
			stale = append(stale, id)
		}
	}
	if len(stale) > 0 {
		h.log.Info("stopping tasks whose configuration changed", "tasks", len(stale))
		h.stopTaskIDs(ctx, stale)
	}
	h.reconcile(ctx)
}

// onTargetState applies a target state to the instances this worker runs
// (lock held). A connector resumed without tasks (it was stopped, or created
// paused) or not running is restarted, so that it generates its tasks.
func (h *Distributed) onTargetState(ctx context.Context, c string) {
	snap := h.configs.Snapshot()
	target := snap.Targets[c]
	if _, ok := snap.Connectors[c]; !ok || target == "" {
		return
	}
	if _, owns := h.conns[c]; owns && target == connect.TargetStarted && (len(snap.Tasks[c]) == 0 || !h.w.IsRunning(c)) {
		h.stopConnector(ctx, c)
		h.startConnector(ctx, c)
		h.w.SetTargetState(c, target) // the connector's tasks, if any
		return
	}
	h.w.SetTargetState(c, target)
	if target != connect.TargetStopped {
		h.reconcile(ctx)
	}
}

// onRestartRequest performs a KIP-745 restart for the instances this worker
// runs (lock held): each planned instance is marked RESTARTING, stopped and
// started again.
func (h *Distributed) onRestartRequest(ctx context.Context, r kafkastore.RestartRequest) {
	st, err := h.view.ConnectorStatus(ctx, r.Connector)
	if err != nil {
		return
	}
	plan := planRestart(RestartRequest{IncludeTasks: r.IncludeTasks, OnlyFailed: r.OnlyFailed}, st)
	if _, owns := h.conns[r.Connector]; plan.connector && owns {
		h.writeConnectorStatus(ctx, r.Connector, storage.StateRestarting)
		h.stopConnector(ctx, r.Connector)
		h.startConnector(ctx, r.Connector)
	}
	for _, id := range plan.tasks {
		if _, owns := h.tasks[id]; owns {
			h.writeTaskStatus(ctx, id, storage.StateRestarting)
			h.restartOwnedTask(ctx, id)
		}
	}
}

// restartOwnedTask stops and starts a task this worker runs from its
// stored config (lock held).
func (h *Distributed) restartOwnedTask(ctx context.Context, id connect.TaskID) {
	h.stopTaskIDs(ctx, []connect.TaskID{id})
	snap := h.configs.Snapshot()
	tasks := snap.Tasks[id.Connector]
	if id.Task >= len(tasks) || !h.assigned.HasTask(id) {
		return
	}
	h.startTask(ctx, id, snap.Connectors[id.Connector], tasks[id.Task], snap.Targets[id.Connector])
}

// Reconfiguration retries: publishing task configs fails while the group
// rebalances or the leader is unknown.
const (
	reconfigureBackoff     = 250 * time.Millisecond
	reconfigureMaxAttempts = 240 // about a minute
)

// reconfigure asks the connector this worker runs for task configs and,
// when they differ from the committed ones, returns the step that hands
// them to the leader (lock held; the step runs without it).
func (h *Distributed) reconfigure(e event) func() {
	c := e.connector
	snap := h.configs.Snapshot()
	props, ok := snap.Connectors[c]
	if _, owns := h.conns[c]; !ok || !owns || !h.w.IsRunning(c) || snap.Targets[c] != connect.TargetStarted {
		return nil
	}
	h.stage.Store(&stage{what: "generating task configs for connector " + c, since: time.Now()})
	configs, err := h.w.ConnectorTaskConfigs(c, tasksMax(props))
	if err != nil {
		h.log.Error("task configuration failed", "connector", c, "err", err)
		if cr := h.conns[c]; cr != nil {
			cr.lis.OnFailure(c, err, "")
		}
		return nil
	}
	inconsistent := false
	for _, n := range snap.Inconsistent {
		inconsistent = inconsistent || n == c
	}
	if !inconsistent && sameConfigs(configs, snap.Tasks[c]) {
		return nil
	}
	if h.hasRound && h.round.IsLeader() {
		if err := h.writeTaskConfigs(h.runCtx, c, configs); err != nil {
			h.log.Warn("store task configs", "connector", c, "err", err)
			h.retryReconfigure(e)
		}
		return nil
	}
	leaderURL := ""
	if h.hasRound {
		leaderURL = h.round.LeaderURL
	}
	signing := h.RequestSigning()
	return func() {
		if leaderURL == "" || h.member.Rebalancing() {
			h.retryReconfigure(e)
			return
		}
		ctx, cancel := context.WithTimeout(h.runCtx, 30*time.Second)
		defer cancel()
		if err := h.pub.PublishTaskConfigs(ctx, leaderURL, c, configs, signing); err != nil {
			h.log.Info("publishing task configs to the leader failed; will retry", "connector", c, "leader", leaderURL,
				"attempt", e.attempt, "err", err)
			h.retryReconfigure(e)
			return
		}
		h.log.Info("task configs sent to the leader", "connector", c, "tasks", len(configs), "leader", leaderURL)
	}
}

// retryReconfigure queues the reconfiguration again after a back-off,
// bounded in attempts.
func (h *Distributed) retryReconfigure(e event) {
	if e.attempt >= reconfigureMaxAttempts {
		h.log.Error("giving up publishing task configs", "connector", e.connector, "attempts", e.attempt)
		return
	}
	e.attempt++
	h.bg.Add(1)
	go func() {
		defer h.bg.Done()
		t := time.NewTimer(reconfigureBackoff)
		defer t.Stop()
		select {
		case <-t.C:
			h.q.push(e)
		case <-h.runCtx.Done():
		}
	}()
}
