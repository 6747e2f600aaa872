package storage

import (
	"context"
	"maps"
	"slices"
	"sort"
	"sync"

	"github.com/onecconnect/onecconnect/connect"
)

// State is a connector or task status state, as the REST API shows it.
type State string

// Status states (Kafka Connect's AbstractStatus.State).
const (
	StateUnassigned State = "UNASSIGNED"
	StateRunning    State = "RUNNING"
	StatePaused     State = "PAUSED"
	StateStopped    State = "STOPPED"
	StateFailed     State = "FAILED"
	StateRestarting State = "RESTARTING"
	StateDestroyed  State = "DESTROYED"
)

// ConnectorStatus is a connector's status record.
type ConnectorStatus struct {
	Connector  string
	State      State
	Trace      string // only for FAILED
	WorkerID   string
	Generation int32
}

// TaskStatus is a task's status record.
type TaskStatus struct {
	ID         connect.TaskID
	State      State
	Trace      string
	WorkerID   string
	Generation int32
}

// StatusStore stores statuses and active topics (KIP-558). Safe for
// concurrent use. Put* overwrite; Get* report ok=false when nothing is
// stored.
type StatusStore interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	PutConnector(ctx context.Context, s ConnectorStatus) error
	PutTask(ctx context.Context, s TaskStatus) error
	Connector(name string) (ConnectorStatus, bool)
	Task(id connect.TaskID) (TaskStatus, bool)
	// Tasks returns the connector's task statuses ordered by task number.
	Tasks(connector string) []TaskStatus
	// Connectors returns the names with a stored status, sorted.
	Connectors() []string
	DeleteConnector(ctx context.Context, name string) error
	DeleteTask(ctx context.Context, id connect.TaskID) error
	// PutTopic records that connector used topic.
	PutTopic(ctx context.Context, connector, topic string) error
	// Topics returns the connector's active topics, sorted.
	Topics(connector string) []string
	// DeleteTopics forgets the connector's active topics.
	DeleteTopics(ctx context.Context, connector string) error
}

// MemoryStatusStore is the standalone StatusStore.
type MemoryStatusStore struct {
	mu         sync.RWMutex
	connectors map[string]ConnectorStatus
	tasks      map[connect.TaskID]TaskStatus
	topics     map[string]map[string]struct{}
}

// NewMemoryStatusStore returns an empty store.
func NewMemoryStatusStore() *MemoryStatusStore {
	return &MemoryStatusStore{
		connectors: map[string]ConnectorStatus{},
		tasks:      map[connect.TaskID]TaskStatus{},
		topics:     map[string]map[string]struct{}{},
	}
}

// Start implements StatusStore.
func (s *MemoryStatusStore) Start(ctx context.Context) error { return nil }

// Stop implements StatusStore.
func (s *MemoryStatusStore) Stop(ctx context.Context) error { return nil }

// PutConnector implements StatusStore.
func (s *MemoryStatusStore) PutConnector(ctx context.Context, st ConnectorStatus) error {
	s.mu.Lock()
	s.connectors[st.Connector] = st
	s.mu.Unlock()
	return nil
}

// PutTask implements StatusStore.
func (s *MemoryStatusStore) PutTask(ctx context.Context, st TaskStatus) error {
	s.mu.Lock()
	s.tasks[st.ID] = st
	s.mu.Unlock()
	return nil
}

// Connector implements StatusStore.
func (s *MemoryStatusStore) Connector(name string) (ConnectorStatus, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st, ok := s.connectors[name]
	return st, ok
}

// Task implements StatusStore.
func (s *MemoryStatusStore) Task(id connect.TaskID) (TaskStatus, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st, ok := s.tasks[id]
	return st, ok
}

// Tasks implements StatusStore.
func (s *MemoryStatusStore) Tasks(connector string) []TaskStatus {
	s.mu.RLock()
	var out []TaskStatus
	for id, st := range s.tasks {
		if id.Connector == connector {
			out = append(out, st)
		}
	}
	s.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ID.Task < out[j].ID.Task })
	return out
}

// Connectors implements StatusStore.
func (s *MemoryStatusStore) Connectors() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Sorted(maps.Keys(s.connectors))
}

// DeleteConnector implements StatusStore.
func (s *MemoryStatusStore) DeleteConnector(ctx context.Context, name string) error {
	s.mu.Lock()
	delete(s.connectors, name)
	s.mu.Unlock()
	return nil
}

// DeleteTask implements StatusStore.
func (s *MemoryStatusStore) DeleteTask(ctx context.Context, id connect.TaskID) error {
	s.mu.Lock()
	delete(s.tasks, id)
	s.mu.Unlock()
	return nil
}

// PutTopic implements StatusStore.
func (s *MemoryStatusStore) PutTopic(ctx context.Context, connector, topic string) error {
	s.mu.Lock()
	m := s.topics[connector]
	if m == nil {
		m = map[string]struct{}{}
		s.topics[connector] = m
	}
	m[topic] = struct{}{}
	s.mu.Unlock()
	return nil
}

// Topics implements StatusStore.
func (s *MemoryStatusStore) Topics(connector string) []string {
	s.mu.RLock()
	out := make([]string, 0, len(s.topics[connector]))
	for t := range s.topics[connector] {
		out = append(out, t)
	}
	s.mu.RUnlock()
	sort.Strings(out)
	return out
}

// DeleteTopics implements StatusStore.
func (s *MemoryStatusStore) DeleteTopics(ctx context.Context, connector string) error {
	s.mu.Lock()
	delete(s.topics, connector)
	s.mu.Unlock()
	return nil
}
