package herder

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/cluster"
	"github.com/onecconnect/onecconnect/connect/storage/kafkastore"
)

// The Herder methods of distributed mode. Reads are served by every worker
// from its own copy of the config and status topics; writes that only the
// leader makes answer *NotLeaderError on other workers (the REST layer
// forwards them), and every write answers KindRebalanceNeeded while this
// worker's member has a rebalance pending (409 "stale configuration").

// leaderGate decides whether this worker may serve a leader-only write:
// nil on the leader, KindRebalanceNeeded during a rebalance, and
// *NotLeaderError otherwise (an empty URL, 409, before the first
// assignment).
func (h *Distributed) leaderGate() error {
	if h.member.Rebalancing() {
		return newErr(KindRebalanceNeeded, "Request cannot be completed because a rebalance is expected")
	}
	r, ok := h.member.Round()
	if !ok || h.zombie.Load() {
		return &NotLeaderError{}
	}
	if !r.IsLeader() {
		return &NotLeaderError{URL: r.LeaderURL}
	}
	return nil
}

// refresh reads the config topic to its end (a leader does before any
// write decision).
func (h *Distributed) refresh(ctx context.Context) error {
	if err := h.configs.Refresh(ctx); err != nil {
		if ctx.Err() != nil {
			return h.timeoutError()
		}
		return Internal(err, "Failed to read the config topic to its end: %v", err)
	}
	return nil
}

// ServerInfo implements Herder.
func (h *Distributed) ServerInfo(ctx context.Context) ServerInfo {
	info := h.view.ServerInfo(ctx)
	info.KafkaClusterID = ""
	if id := h.clusterID.Load(); id != nil {
		info.KafkaClusterID = *id
	}
	return info
}

// Health implements Herder: starting until the first assignment, unhealthy
// while the worker holds no assignment (coordinator lost) or the herder lock
// cannot be taken within the health timeout.
func (h *Distributed) Health(ctx context.Context) WorkerStatus {
	if !h.started.Load() {
		return WorkerStatus{Status: HealthStarting, Message: "Worker is still starting up."}
	}
	if h.member.Generation() < 0 {
		if h.gen.Load() < 0 {
			return WorkerStatus{Status: HealthStarting, Message: "Worker is still starting up: it has not joined its group yet."}
		}
		return WorkerStatus{Status: HealthUnhealthy, Message: "Worker was unable to handle this request and may be unable to handle other requests. It holds no assignment from its group coordinator."}
	}
	ctx, cancel := context.WithTimeout(ctx, h.healthTO)
	defer cancel()
	release, err := h.acquire(ctx, "answering a health check")
	if err != nil {
		msg := "Worker was unable to handle this request and may be unable to handle other requests."
		if s := h.stage.Load(); s != nil {
			msg += fmt.Sprintf(" The worker is currently %s, which began at %s", s.what, s.since.UTC().Format(time.RFC3339Nano))
		}
		return WorkerStatus{Status: HealthUnhealthy, Message: msg}
	}
	release()
	return WorkerStatus{Status: HealthHealthy, Message: "Worker has completed startup and is ready to handle requests."}
}

// Connectors implements Herder.
func (h *Distributed) Connectors(ctx context.Context) ([]string, error) {
	return h.view.Connectors(ctx)
}

// ConnectorInfo implements Herder.
func (h *Distributed) ConnectorInfo(ctx context.Context, name string) (ConnectorInfo, error) {
	return h.view.ConnectorInfo(ctx, name)
}

// ConnectorConfig implements Herder.
func (h *Distributed) ConnectorConfig(ctx context.Context, name string) (map[string]string, error) {
	return h.view.ConnectorConfig(ctx, name)
}

// ConnectorStatus implements Herder (any worker, from the status topic).
func (h *Distributed) ConnectorStatus(ctx context.Context, name string) (ConnectorStateInfo, error) {
	return h.view.ConnectorStatus(ctx, name)
}

// TaskStatus implements Herder.
func (h *Distributed) TaskStatus(ctx context.Context, id connect.TaskID) (TaskState, error) {
	return h.view.TaskStatus(ctx, id)
}

// Tasks implements Herder.
func (h *Distributed) Tasks(ctx context.Context, name string) ([]TaskInfo, error) {
	return h.view.Tasks(ctx, name)
}

// TaskConfigs implements Herder.
func (h *Distributed) TaskConfigs(ctx context.Context, name string) (map[string]map[string]string, error) {
	return h.view.TaskConfigs(ctx, name)
}

// ValidateConfig implements Herder (on the worker that got the request).
func (h *Distributed) ValidateConfig(ctx context.Context, cfg map[string]string) (config.ConfigInfos, error) {
	return h.view.ValidateConfig(ctx, cfg)
}

// Plugins implements Herder.
func (h *Distributed) Plugins(connectorsOnly bool) []PluginInfo {
	return h.view.Plugins(connectorsOnly)
}

// PluginConfig implements Herder.
func (h *Distributed) PluginConfig(name string) ([]config.ConfigKeyInfo, error) {
	return h.view.PluginConfig(name)
}

// TopicTracking implements Herder.
func (h *Distributed) TopicTracking() (enabled, allowReset bool) { return h.view.TopicTracking() }

// ActiveTopics implements Herder (from the status topic and this worker).
func (h *Distributed) ActiveTopics(ctx context.Context, name string) ([]string, error) {
	return h.view.ActiveTopics(ctx, name)
}

// ResetActiveTopics implements Herder: tombstones in the status topic.
func (h *Distributed) ResetActiveTopics(ctx context.Context, name string) error {
	return h.view.ResetActiveTopics(ctx, name)
}

// Offsets implements Herder.
func (h *Distributed) Offsets(ctx context.Context, name string) (ConnectorOffsets, error) {
	return h.view.Offsets(ctx, name)
}

// PutConnectorConfig implements Herder: the leader validates and writes
// [target-state-<c>] + connector-<c>; the new connector starts wherever
// the following rebalance assigns it, an updated one is restarted by its
// owner. The returned info has the new config and the current tasks.
func (h *Distributed) PutConnectorConfig(ctx context.Context, name string, cfg map[string]string, allowReplace bool, initial connect.TargetState) (bool, ConnectorInfo, error) {
	if initial != "" && !initial.Valid() {
		return false, ConnectorInfo{}, BadRequest("Invalid initial state %s", initial)
	}
	if err := ValidateConnectorName(name); err != nil {
		return false, ConnectorInfo{}, err
	}
	props := maps.Clone(cfg)
	if props == nil {
		props = map[string]string{}
	}
	if n, ok := props[connect.KeyName]; ok && n != name {
		return false, ConnectorInfo{}, BadRequest("Connector name configuration (%s) doesn't match connector name in the URL (%s)", n, name)
	}
	props[connect.KeyName] = name
	if err := h.leaderGate(); err != nil {
		return false, ConnectorInfo{}, err
	}
	if err := h.view.checkConfig(ctx, props); err != nil {
		return false, ConnectorInfo{}, err
	}
	release, err := h.acquire(ctx, "writing a config for connector "+name+" to the config topic")
	if err != nil {
		return false, ConnectorInfo{}, err
	}
	defer release()
	if err := h.refresh(ctx); err != nil {
		return false, ConnectorInfo{}, err
	}
	_, exists := h.configs.Snapshot().Connectors[name]
	if exists && !allowReplace {
		return false, ConnectorInfo{}, AlreadyExists("Connector %s already exists", name)
	}
	if exists {
		initial = ""
	}
	if err := h.configs.PutConnectorConfig(ctx, name, props, initial); err != nil {
		return false, ConnectorInfo{}, Internal(err, "Failed to write the config of connector %s to the config topic: %v", name, err)
	}
	h.log.Info("connector config stored", "connector", name, "created", !exists, "generation", h.gen.Load())
	snap := h.configs.Snapshot()
	return !exists, h.view.connectorInfo(name, snap.Connectors[name], len(snap.Tasks[name])), nil
}

// PatchConnectorConfig implements Herder (leader only, then as PUT).
func (h *Distributed) PatchConnectorConfig(ctx context.Context, name string, patch map[string]*string) (ConnectorInfo, error) {
	if err := h.leaderGate(); err != nil {
		return ConnectorInfo{}, err
	}
	if err := h.refresh(ctx); err != nil {
		return ConnectorInfo{}, err
	}
	old, ok := h.configs.Snapshot().Connectors[name]
	if !ok {
		return ConnectorInfo{}, NotFound("Connector %s not found", name)
	}
	_, info, err := h.PutConnectorConfig(ctx, name, applyPatch(old, patch), true, "")
	return info, err
}

// DeleteConnector implements Herder (leader only): tombstones for the
// connector and its target state, then for its statuses; owners stop it
// when they read the tombstone.
func (h *Distributed) DeleteConnector(ctx context.Context, name string) error {
	if err := h.leaderGate(); err != nil {
		return err
	}
	release, err := h.acquire(ctx, "deleting connector "+name)
	if err != nil {
		return err
	}
	defer release()
	if err := h.refresh(ctx); err != nil {
		return err
	}
	if _, ok := h.configs.Snapshot().Connectors[name]; !ok {
		return NotFound("Connector %s not found", name)
	}
	if err := h.configs.RemoveConnectorConfig(ctx, name); err != nil {
		return Internal(err, "Failed to remove the config of connector %s from the config topic: %v", name, err)
	}
	if err := h.statuses.DeleteConnector(ctx, name); err != nil {
		h.log.Warn("tombstone connector status", "connector", name, "err", err)
	}
	if err := h.statuses.DeleteTopics(ctx, name); err != nil {
		h.log.Warn("tombstone active topics", "connector", name, "err", err)
	}
	h.log.Info("connector deleted", "connector", name)
	return nil
}

// PauseConnector implements Herder (any worker writes the target state).
func (h *Distributed) PauseConnector(ctx context.Context, name string) error {
	return h.putTarget(ctx, name, connect.TargetPaused)
}

// ResumeConnector implements Herder (any worker writes the target state;
// the connector's owner regenerates its tasks when it has none).
func (h *Distributed) ResumeConnector(ctx context.Context, name string) error {
	return h.putTarget(ctx, name, connect.TargetStarted)
}

func (h *Distributed) putTarget(ctx context.Context, name string, target connect.TargetState) error {
	if h.member.Rebalancing() {
		return newErr(KindRebalanceNeeded, "Request cannot be completed because a rebalance is expected")
	}
	if err := h.refresh(ctx); err != nil {
		return err
	}
	if _, ok := h.configs.Snapshot().Connectors[name]; !ok {
		return NotFound("Unknown connector %s", name)
	}
	if err := h.configs.PutTargetState(ctx, name, target); err != nil {
		return Internal(err, "Failed to write the target state of connector %s to the config topic: %v", name, err)
	}
	return nil
}

// StopConnector implements Herder (leader only): an empty task set, then
// target STOPPED (KIP-875).
func (h *Distributed) StopConnector(ctx context.Context, name string) error {
	if err := h.leaderGate(); err != nil {
		return err
	}
	release, err := h.acquire(ctx, "stopping connector "+name)
	if err != nil {
		return err
	}
	defer release()
	if err := h.refresh(ctx); err != nil {
		return err
	}
	if _, ok := h.configs.Snapshot().Connectors[name]; !ok {
		return NotFound("Unknown connector %s", name)
	}
	if err := h.configs.PutTaskConfigs(ctx, name, nil); err != nil {
		return Internal(err, "Failed to write the task configs of connector %s to the config topic: %v", name, err)
	}
	if err := h.configs.PutTargetState(ctx, name, connect.TargetStopped); err != nil {
		return Internal(err, "Failed to write the target state of connector %s to the config topic: %v", name, err)
	}
	return nil
}

// ownerURL returns where a request about an instance must go when this
// worker does not run it: the owner's URL on the leader (it knows the whole
// assignment), the leader's elsewhere.
func (h *Distributed) ownerURL(owns func(cluster.Load) bool) error {
	if h.member.Rebalancing() {
		return newErr(KindRebalanceNeeded, "Request cannot be completed because a rebalance is expected")
	}
	r, ok := h.member.Round()
	if !ok {
		return &NotLeaderError{}
	}
	if !r.IsLeader() {
		return &NotLeaderError{URL: r.LeaderURL}
	}
	for _, o := range r.Owners {
		if owns(o.Load) && o.URL != h.url {
			return &NotLeaderError{URL: o.URL}
		}
	}
	return Conflict("Cannot complete request because of a conflicting operation (e.g. worker rebalance): the instance is not assigned to any worker")
}

// RestartConnector implements Herder (KIP-745). The plain restart is done
// by the connector's owner before answering; the others are written as a
// restart request by the leader and performed by every owner when read.
func (h *Distributed) RestartConnector(ctx context.Context, name string, req RestartRequest) (*ConnectorStateInfo, error) {
	if _, ok := h.configs.Snapshot().Connectors[name]; !ok {
		if err := h.refresh(ctx); err != nil {
			return nil, err
		}
		if _, ok := h.configs.Snapshot().Connectors[name]; !ok {
			return nil, NotFound("Unknown connector: %s", name)
		}
	}
	if req.Synchronous() {
		release, err := h.acquire(ctx, "restarting connector "+name)
		if err != nil {
			return nil, err
		}
		if _, owns := h.conns[name]; owns {
			defer release()
			h.stopConnector(ctx, name)
			h.startConnector(ctx, name)
			if !h.w.IsRunning(name) {
				return nil, Internal(nil, "Failed to start connector: %s", name)
			}
			return nil, nil
		}
		release()
		return nil, h.ownerURL(func(l cluster.Load) bool { return l.HasConnector(name) })
	}
	if err := h.leaderGate(); err != nil {
		return nil, err
	}
	st, err := h.view.ConnectorStatus(ctx, name)
	if err != nil {
		return nil, NotFound("Status for connector %s not found", name)
	}
	plan := planRestart(req, st)
	answer := plan.marked(st)
	if err := h.configs.PutRestartRequest(ctx, kafkastore.RestartRequest{Connector: name, OnlyFailed: req.OnlyFailed, IncludeTasks: req.IncludeTasks}); err != nil {
		return nil, Internal(err, "Failed to write the restart request of connector %s to the config topic: %v", name, err)
	}
	return &answer, nil
}

// RestartTask implements Herder: done by the task's owner.
func (h *Distributed) RestartTask(ctx context.Context, id connect.TaskID) error {
	snap := h.configs.Snapshot()
	if _, ok := snap.Connectors[id.Connector]; !ok {
		return NotFound("Unknown connector: %s", id.Connector)
	}
	if id.Task < 0 || id.Task >= len(snap.Tasks[id.Connector]) {
		return NotFound("Unknown task: %s", id)
	}
	release, err := h.acquire(ctx, "restarting task "+id.String())
	if err != nil {
		return err
	}
	if _, owns := h.tasks[id]; owns {
		defer release()
		h.restartOwnedTask(ctx, id)
		if !slices.Contains(h.w.TaskIDs(), id) {
			return Internal(nil, "Failed to start task: %s", id)
		}
		return nil
	}
	release()
	return h.ownerURL(func(l cluster.Load) bool { return l.HasTask(id) })
}

// AlterOffsets implements Herder (leader only, connector STOPPED).
func (h *Distributed) AlterOffsets(ctx context.Context, name string, offsets ConnectorOffsets) (Message, error) {
	var msg Message
	err := h.offsetsOp(ctx, name, func() (err error) {
		msg, err = h.view.AlterOffsets(ctx, name, offsets)
		return err
	})
	return msg, err
}

// ResetOffsets implements Herder (leader only, connector STOPPED).
func (h *Distributed) ResetOffsets(ctx context.Context, name string) (Message, error) {
	var msg Message
	err := h.offsetsOp(ctx, name, func() (err error) {
		msg, err = h.view.ResetOffsets(ctx, name)
		return err
	})
	return msg, err
}

// offsetsOp runs a KIP-875 change on the leader after a read to the end,
// with the offset fence open for the connector.
func (h *Distributed) offsetsOp(ctx context.Context, name string, op func() error) error {
	if err := h.leaderGate(); err != nil {
		return err
	}
	release, err := h.acquire(ctx, "changing the offsets of connector "+name)
	if err != nil {
		return err
	}
	defer release()
	if err := h.refresh(ctx); err != nil {
		return err
	}
	h.mu.Lock()
	h.offsetOps[name]++
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		if h.offsetOps[name]--; h.offsetOps[name] <= 0 {
			delete(h.offsetOps, name)
		}
		h.mu.Unlock()
	}()
	return op()
}

// RequestSigning implements InternalHerder.
func (h *Distributed) RequestSigning() RequestSigning {
	p := h.protocol
	if r, ok := h.member.Round(); ok {
		p = r.Protocol
	}
	s := RequestSigning{
		Required:               p == cluster.ProtocolSessioned,
		SignatureAlgorithm:     h.signing.SignatureAlgorithm,
		VerificationAlgorithms: h.signing.VerificationAlgorithms,
	}
	h.mu.Lock()
	if h.sessionKey != nil {
		s.Key = append([]byte(nil), h.sessionKey.Key...)
	}
	h.mu.Unlock()
	return s
}

// PutTaskConfigs implements InternalHerder: the leader stores task configs
// a follower's connector generated.
func (h *Distributed) PutTaskConfigs(ctx context.Context, connector string, configs []map[string]string) error {
	r, ok := h.member.Round()
	if !ok {
		return &NotLeaderError{}
	}
	if !r.IsLeader() {
		return &NotLeaderError{URL: r.LeaderURL}
	}
	release, err := h.acquire(ctx, "writing task configs for connector "+connector)
	if err != nil {
		return err
	}
	defer release()
	if !h.isLeader() {
		return &NotLeaderError{URL: h.round.LeaderURL}
	}
	return h.writeTaskConfigs(ctx, connector, configs)
}

// FenceZombies implements InternalHerder. Exactly-once source support
// (KIP-618) is not implemented, so there is nothing to fence.
func (h *Distributed) FenceZombies(ctx context.Context, connector string) error {
	if v := h.w.Config().Values.String("exactly.once.source.support"); v == "enabled" || v == "preparing" {
		return Internal(nil, "Zombie fencing for connector %s failed: exactly-once source support is not implemented by this worker", connector)
	}
	return BadRequest("Exactly-once source support is disabled on this cluster (exactly.once.source.support=disabled); there are no zombie producers to fence for connector %s", connector)
}
