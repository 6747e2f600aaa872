package storage

import (
	"context"
	"maps"
	"sort"
	"sync"

	"github.com/onecconnect/onecconnect/connect"
)

// ConfigSnapshot is a consistent copy of everything a ConfigStore holds
// (Kafka Connect's ClusterConfigState). Callers own it.
type ConfigSnapshot struct {
	// Offset is the position of the snapshot in the store's log (the config
	// topic offset in distributed mode; a change counter in memory).
	Offset int64
	// Connectors maps connector name to its configuration (unresolved).
	Connectors map[string]map[string]string
	// Targets maps connector name to its target state.
	Targets map[string]connect.TargetState
	// Tasks maps connector name to its committed task configurations.
	Tasks map[string][]map[string]string
	// Inconsistent lists connectors whose task configs are incomplete.
	Inconsistent []string
}

// ConnectorNames returns the connector names, sorted.
func (s ConfigSnapshot) ConnectorNames() []string {
	out := make([]string, 0, len(s.Connectors))
	for n := range s.Connectors {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// ConfigListener hears about changes a ConfigStore applied (including those
// written by other workers in distributed mode). Callbacks run on the
// store's goroutine, one at a time; they must not block or call back into
// the store synchronously.
type ConfigListener interface {
	OnConnectorConfigUpdate(connector string)
	OnConnectorConfigRemove(connector string)
	OnTaskConfigUpdate(tasks []connect.TaskID)
	OnTargetStateChange(connector string)
}

// ConfigStore stores connector configs, task configs and target states.
// Writes return when the store has applied them (a Kafka-backed store:
// when it has read its own write back). Safe for concurrent use.
type ConfigStore interface {
	// Start begins reading the store; Stop ends it.
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	// SetListener installs the listener (nil removes it).
	SetListener(l ConfigListener)
	// Snapshot returns a copy of the current state.
	Snapshot() ConfigSnapshot
	// PutConnectorConfig stores props; target, when not empty, sets the
	// target state too (KIP-980 initial_state).
	PutConnectorConfig(ctx context.Context, connector string, props map[string]string, target connect.TargetState) error
	// RemoveConnectorConfig deletes the connector, its tasks and target state.
	RemoveConnectorConfig(ctx context.Context, connector string) error
	// PutTaskConfigs replaces the connector's task configurations.
	PutTaskConfigs(ctx context.Context, connector string, configs []map[string]string) error
	// PutTargetState changes the connector's target state.
	PutTargetState(ctx context.Context, connector string, state connect.TargetState) error
	// Refresh waits until the store has read everything written before the
	// call (no-op in memory).
	Refresh(ctx context.Context) error
}

// MemoryConfigStore is the standalone ConfigStore.
type MemoryConfigStore struct {
	mu       sync.Mutex
	snap     ConfigSnapshot
	listener ConfigListener
}

// NewMemoryConfigStore returns an empty store.
func NewMemoryConfigStore() *MemoryConfigStore {
	return &MemoryConfigStore{snap: ConfigSnapshot{
		Connectors: map[string]map[string]string{},
		Targets:    map[string]connect.TargetState{},
		Tasks:      map[string][]map[string]string{},
	}}
}

// Start implements ConfigStore.
func (s *MemoryConfigStore) Start(ctx context.Context) error { return nil }

// Stop implements ConfigStore.
func (s *MemoryConfigStore) Stop(ctx context.Context) error { return nil }

// SetListener implements ConfigStore.
func (s *MemoryConfigStore) SetListener(l ConfigListener) {
	s.mu.Lock()
	s.listener = l
	s.mu.Unlock()
}

// Snapshot implements ConfigStore.
func (s *MemoryConfigStore) Snapshot() ConfigSnapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := ConfigSnapshot{
		Offset:       s.snap.Offset,
		Connectors:   make(map[string]map[string]string, len(s.snap.Connectors)),
		Targets:      maps.Clone(s.snap.Targets),
		Tasks:        make(map[string][]map[string]string, len(s.snap.Tasks)),
		Inconsistent: append([]string(nil), s.snap.Inconsistent...),
	}
	for k, v := range s.snap.Connectors {
		out.Connectors[k] = maps.Clone(v)
	}
	for k, v := range s.snap.Tasks {
		out.Tasks[k] = cloneConfigs(v)
	}
	return out
}

func cloneConfigs(in []map[string]string) []map[string]string {
	out := make([]map[string]string, len(in))
	for i, m := range in {
		out[i] = maps.Clone(m)
	}
	return out
}

// notify runs fn with the listener outside the lock.
func (s *MemoryConfigStore) notify(fn func(l ConfigListener)) {
	s.mu.Lock()
	l := s.listener
	s.mu.Unlock()
	if l != nil {
		fn(l)
	}
}

// PutConnectorConfig implements ConfigStore.
func (s *MemoryConfigStore) PutConnectorConfig(ctx context.Context, connector string, props map[string]string, target connect.TargetState) error {
	s.mu.Lock()
	s.snap.Connectors[connector] = maps.Clone(props)
	targetChanged := false
	if target != "" {
		targetChanged = s.snap.Targets[connector] != target
		s.snap.Targets[connector] = target
	} else if _, ok := s.snap.Targets[connector]; !ok {
		s.snap.Targets[connector] = connect.TargetStarted
	}
	s.snap.Offset++
	s.mu.Unlock()
	s.notify(func(l ConfigListener) {
		l.OnConnectorConfigUpdate(connector)
		if targetChanged {
			l.OnTargetStateChange(connector)
		}
	})
	return nil
}

// RemoveConnectorConfig implements ConfigStore.
func (s *MemoryConfigStore) RemoveConnectorConfig(ctx context.Context, connector string) error {
	s.mu.Lock()
	delete(s.snap.Connectors, connector)
	delete(s.snap.Targets, connector)
	delete(s.snap.Tasks, connector)
	s.snap.Offset++
	s.mu.Unlock()
	s.notify(func(l ConfigListener) { l.OnConnectorConfigRemove(connector) })
	return nil
}

// PutTaskConfigs implements ConfigStore.
func (s *MemoryConfigStore) PutTaskConfigs(ctx context.Context, connector string, configs []map[string]string) error {
	s.mu.Lock()
	s.snap.Tasks[connector] = cloneConfigs(configs)
	s.snap.Offset++
	s.mu.Unlock()
	ids := make([]connect.TaskID, len(configs))
	for i := range configs {
		ids[i] = connect.TaskID{Connector: connector, Task: i}
	}
	s.notify(func(l ConfigListener) { l.OnTaskConfigUpdate(ids) })
	return nil
}

// PutTargetState implements ConfigStore.
func (s *MemoryConfigStore) PutTargetState(ctx context.Context, connector string, state connect.TargetState) error {
	s.mu.Lock()
	s.snap.Targets[connector] = state
	s.snap.Offset++
	s.mu.Unlock()
	s.notify(func(l ConfigListener) { l.OnTargetStateChange(connector) })
	return nil
}

// Refresh implements ConfigStore.
func (s *MemoryConfigStore) Refresh(ctx context.Context) error { return nil }
