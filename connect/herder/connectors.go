package herder

import (
	"context"
	"maps"
	"strings"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/plugins"
	"github.com/onecconnect/onecconnect/connect/runtime"
)

// Connectors implements Herder.
func (h *Standalone) Connectors(ctx context.Context) ([]string, error) {
	return h.configs.Snapshot().ConnectorNames(), nil
}

// ConnectorInfo implements Herder.
func (h *Standalone) ConnectorInfo(ctx context.Context, name string) (ConnectorInfo, error) {
	snap := h.configs.Snapshot()
	props, ok := snap.Connectors[name]
	if !ok {
		return ConnectorInfo{}, NotFound("Connector %s not found", name)
	}
	return h.connectorInfo(name, props, len(snap.Tasks[name])), nil
}

func (h *Standalone) connectorInfo(name string, props map[string]string, tasks int) ConnectorInfo {
	info := ConnectorInfo{Name: name, Config: h.mask(props), Tasks: make([]TaskID, tasks), Type: h.connectorType(props)}
	for i := range info.Tasks {
		info.Tasks[i] = TaskID{Connector: name, Task: i}
	}
	return info
}

// ConnectorConfig implements Herder.
func (h *Standalone) ConnectorConfig(ctx context.Context, name string) (map[string]string, error) {
	props, ok := h.configs.Snapshot().Connectors[name]
	if !ok {
		return nil, NotFound("Connector %s not found", name)
	}
	return h.mask(props), nil
}

// PutConnectorConfig implements Herder.
func (h *Standalone) PutConnectorConfig(ctx context.Context, name string, cfg map[string]string, allowReplace bool, initial connect.TargetState) (bool, ConnectorInfo, error) {
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
	if err := h.checkConfig(ctx, props); err != nil {
		return false, ConnectorInfo{}, err
	}
	release, err := h.acquire(ctx, "writing a config for connector "+name)
	if err != nil {
		return false, ConnectorInfo{}, err
	}
	defer release()
	_, exists := h.configs.Snapshot().Connectors[name]
	if exists && !allowReplace {
		return false, ConnectorInfo{}, AlreadyExists("Connector %s already exists", name)
	}
	if exists {
		h.stopTasks(ctx, name)
		h.stopConnectorInstance(ctx, name)
		initial = ""
	}
	if err := h.configs.PutConnectorConfig(ctx, name, props, initial); err != nil {
		return false, ConnectorInfo{}, Internal(err, "Failed to write the config of connector %s: %v", name, err)
	}
	if exists {
		// New connector config: the task configs are regenerated and the
		// tasks restarted even if the connector returns the same ones,
		// since converters, transforms and overrides may have changed.
		if err := h.configs.PutTaskConfigs(ctx, name, nil); err != nil {
			return false, ConnectorInfo{}, Internal(err, "Failed to reset the task configs of connector %s: %v", name, err)
		}
	}
	if err := h.startConnector(ctx, name); err != nil {
		if KindOf(err) == KindTimeout {
			return false, ConnectorInfo{}, err
		}
		// A connector that fails to start is created and FAILED, as in
		// Kafka Connect; the status carries the trace.
		h.log.Warn("connector failed to start", "connector", name, "err", err)
	}
	snap := h.configs.Snapshot()
	return !exists, h.connectorInfo(name, snap.Connectors[name], len(snap.Tasks[name])), nil
}

// PatchConnectorConfig implements Herder.
func (h *Standalone) PatchConnectorConfig(ctx context.Context, name string, patch map[string]*string) (ConnectorInfo, error) {
	old, ok := h.configs.Snapshot().Connectors[name]
	if !ok {
		return ConnectorInfo{}, NotFound("Connector %s not found", name)
	}
	_, info, err := h.PutConnectorConfig(ctx, name, applyPatch(old, patch), true, "")
	return info, err
}

// DeleteConnector implements Herder.
func (h *Standalone) DeleteConnector(ctx context.Context, name string) error {
	release, err := h.acquire(ctx, "deleting connector "+name)
	if err != nil {
		return err
	}
	defer release()
	if _, ok := h.configs.Snapshot().Connectors[name]; !ok {
		return NotFound("Connector %s not found", name)
	}
	h.stopTasks(ctx, name)
	h.stopConnectorInstance(ctx, name)
	if err := h.configs.RemoveConnectorConfig(ctx, name); err != nil {
		return Internal(err, "Failed to remove the config of connector %s: %v", name, err)
	}
	h.deleteTaskStatuses(ctx, name, 0)
	if err := h.statuses.DeleteConnector(ctx, name); err != nil {
		h.log.Warn("delete connector status", "connector", name, "err", err)
	}
	if err := h.statuses.DeleteTopics(ctx, name); err != nil {
		h.log.Warn("delete active topics", "connector", name, "err", err)
	}
	h.w.ResetActiveTopics(name)
	h.log.Info("connector deleted", "connector", name)
	return nil
}

// Tasks implements Herder.
func (h *Standalone) Tasks(ctx context.Context, name string) ([]TaskInfo, error) {
	snap := h.configs.Snapshot()
	props, ok := snap.Connectors[name]
	if !ok {
		return nil, NotFound("Connector %s not found", name)
	}
	def := h.connectorDef(props)
	out := make([]TaskInfo, 0, len(snap.Tasks[name]))
	for i, tc := range snap.Tasks[name] {
		out = append(out, TaskInfo{ID: TaskID{Connector: name, Task: i}, Config: config.MaskPasswords(def, tc)})
	}
	return out, nil
}

// TaskConfigs implements Herder.
func (h *Standalone) TaskConfigs(ctx context.Context, name string) (map[string]map[string]string, error) {
	tasks, err := h.Tasks(ctx, name)
	if err != nil {
		return nil, err
	}
	out := make(map[string]map[string]string, len(tasks))
	for _, t := range tasks {
		out[connect.TaskID{Connector: t.ID.Connector, Task: t.ID.Task}.String()] = t.Config
	}
	return out, nil
}

// PauseConnector implements Herder.
func (h *Standalone) PauseConnector(ctx context.Context, name string) error {
	return h.setTarget(ctx, name, connect.TargetPaused)
}

// ResumeConnector implements Herder. A connector without tasks (stopped,
// or created paused) is restarted so that its tasks are generated.
func (h *Standalone) ResumeConnector(ctx context.Context, name string) error {
	return h.setTarget(ctx, name, connect.TargetStarted)
}

func (h *Standalone) setTarget(ctx context.Context, name string, target connect.TargetState) error {
	release, err := h.acquire(ctx, "changing the target state of connector "+name+" to "+string(target))
	if err != nil {
		return err
	}
	defer release()
	snap := h.configs.Snapshot()
	if _, ok := snap.Connectors[name]; !ok {
		return NotFound("Unknown connector %s", name)
	}
	if err := h.configs.PutTargetState(ctx, name, target); err != nil {
		return Internal(err, "Failed to write the target state of connector %s: %v", name, err)
	}
	if target == connect.TargetStarted && (len(snap.Tasks[name]) == 0 || !h.w.IsRunning(name)) {
		h.stopConnectorInstance(ctx, name)
		if err := h.startConnector(ctx, name); err != nil && KindOf(err) == KindTimeout {
			return err
		}
		return nil
	}
	h.w.SetTargetState(name, target)
	return nil
}

// StopConnector implements Herder: an empty task set first, then target
// STOPPED (KIP-875).
func (h *Standalone) StopConnector(ctx context.Context, name string) error {
	release, err := h.acquire(ctx, "stopping connector "+name)
	if err != nil {
		return err
	}
	defer release()
	if _, ok := h.configs.Snapshot().Connectors[name]; !ok {
		return NotFound("Unknown connector %s", name)
	}
	if err := h.configs.PutTaskConfigs(ctx, name, nil); err != nil {
		return Internal(err, "Failed to write the task configs of connector %s: %v", name, err)
	}
	h.stopTasks(ctx, name)
	if err := h.configs.PutTargetState(ctx, name, connect.TargetStopped); err != nil {
		return Internal(err, "Failed to write the target state of connector %s: %v", name, err)
	}
	h.w.SetTargetState(name, connect.TargetStopped)
	return nil
}

// ActiveTopics implements Herder (never 404, as Kafka).
func (h *Standalone) ActiveTopics(ctx context.Context, name string) ([]string, error) {
	seen := map[string]bool{}
	out := []string{}
	for _, list := range [][]string{h.w.ActiveTopics(name), h.statuses.Topics(name)} {
		for _, t := range list {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	sortStrings(out)
	return out, nil
}

// ResetActiveTopics implements Herder.
func (h *Standalone) ResetActiveTopics(ctx context.Context, name string) error {
	h.w.ResetActiveTopics(name)
	if err := h.statuses.DeleteTopics(ctx, name); err != nil {
		return Internal(err, "Failed to reset the active topics of connector %s: %v", name, err)
	}
	return nil
}

// mask hides password values of a connector config.
func (h *Standalone) mask(props map[string]string) map[string]string {
	return config.MaskPasswords(h.connectorDef(props), props)
}

// connectorDef returns the full definition of a connector config's class,
// or nil when the class is unknown.
func (h *Standalone) connectorDef(props map[string]string) *config.ConfigDef {
	p, err := h.plugins.LookupConnector(strings.TrimSpace(props[connect.KeyConnectorClass]))
	if err != nil {
		return nil
	}
	def, err := runtime.ConnectorConfigDef(p)
	if err != nil {
		return nil
	}
	return def
}

// connectorType reports source, sink or unknown for a config.
func (h *Standalone) connectorType(props map[string]string) connect.ConnectorType {
	p, err := h.plugins.LookupConnector(strings.TrimSpace(props[connect.KeyConnectorClass]))
	if err != nil {
		return connect.TypeUnknown
	}
	switch p.Kind {
	case plugins.KindSource:
		return connect.TypeSource
	case plugins.KindSink:
		return connect.TypeSink
	}
	return connect.TypeUnknown
}

// applyPatch merges a PATCH body into a stored config (KIP-477): a nil
// value removes the key, any other value sets it.
func applyPatch(old map[string]string, patch map[string]*string) map[string]string {
	merged := maps.Clone(old)
	if merged == nil {
		merged = map[string]string{}
	}
	for k, v := range patch {
		if v == nil {
			delete(merged, k)
		} else {
			merged[k] = *v
		}
	}
	return merged
}
