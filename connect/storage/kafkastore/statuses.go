package kafkastore

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/storage"
)

// TopicStatus is a KIP-558 active topic record.
type TopicStatus struct {
	Topic     string
	Connector string
	// Task is the task that first used the topic.
	Task int
	// DiscoverTimestamp is in milliseconds since the epoch.
	DiscoverTimestamp int64
}

// StatusStoreConfig configures a StatusStore.
type StatusStoreConfig struct {
	// Log configures the underlying log; Log.Topic is usually
	// StatusTopicSpec(name, partitions, replicationFactor).
	Log LogConfig
	// Now returns the time for topic discovery timestamps; nil means
	// time.Now.
	Now func() time.Time
}

// StatusStore is the Kafka-backed storage.StatusStore over the status
// topic (KafkaStatusBackingStore).
//
// Writes. PutConnector and PutTask are conditional, like Kafka's putSafe:
// a status is not written when the stored one belongs to another worker
// with a newer generation (a zombie from an older generation never
// overwrites a newer status); such a write is skipped and returns nil.
// ForcePutConnector and ForcePutTask write unconditionally (Kafka's put;
// needed after a group generation reset). A DESTROYED status is written as
// a tombstone. Every write returns once the store has read it back.
//
// Reads follow Kafka: the latest record wins, except that an UNASSIGNED
// task status is ignored while the stored one is RUNNING with a generation
// at least as new. A connector tombstone forgets the connector's task
// statuses too.
//
// Lifecycle: NewStatusStore, Start, use, Stop. Safe for concurrent use.
type StatusStore struct {
	log    *Log
	logger *slog.Logger
	now    func() time.Time

	mu         sync.RWMutex
	connectors map[string]storage.ConnectorStatus
	tasks      map[string]map[int]storage.TaskStatus
	topics     map[string]map[string]TopicStatus // connector → topic → status
}

var _ storage.StatusStore = (*StatusStore)(nil)

// NewStatusStore returns a store that is not started.
func NewStatusStore(cfg StatusStoreConfig) *StatusStore {
	if cfg.Log.Topic.Property == "" {
		cfg.Log.Topic.Property = StatusTopicProperty
	}
	if cfg.Log.Topic.Purpose == "" {
		cfg.Log.Topic.Purpose = "connector and task statuses"
	}
	if cfg.Log.Topic.Partitions == 0 {
		cfg.Log.Topic.Partitions = DefaultStatusPartitions
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	l := cfg.Log.Logger
	if l == nil {
		l = slog.Default()
	}
	s := &StatusStore{
		logger:     l.With("store", "status", "topic", cfg.Log.Topic.Name),
		now:        cfg.Now,
		connectors: map[string]storage.ConnectorStatus{},
		tasks:      map[string]map[int]storage.TaskStatus{},
		topics:     map[string]map[string]TopicStatus{},
	}
	s.log = NewLog(cfg.Log, s.apply)
	return s
}

// Log returns the underlying log.
func (s *StatusStore) Log() *Log { return s.log }

// Start implements storage.StatusStore: creates or validates the topic and
// reads it to the end.
func (s *StatusStore) Start(ctx context.Context) error {
	if err := s.log.Start(ctx); err != nil {
		return fmt.Errorf("status store: %w", err)
	}
	return nil
}

// Stop implements storage.StatusStore.
func (s *StatusStore) Stop(ctx context.Context) error {
	if err := s.log.Stop(ctx); err != nil {
		return fmt.Errorf("status store: %w", err)
	}
	return nil
}

// Refresh is a read-to-end barrier.
func (s *StatusStore) Refresh(ctx context.Context) error {
	if err := s.log.ReadToEnd(ctx); err != nil {
		return fmt.Errorf("status store: refresh: %w", err)
	}
	return nil
}

// write sends one record and waits until it has been read back.
func (s *StatusStore) write(ctx context.Context, what string, msgs ...Message) error {
	sent, err := s.log.SendBatch(ctx, msgs)
	if err != nil {
		return fmt.Errorf("status store: %s: %w", what, err)
	}
	// Records may sit on different partitions: wait for each.
	for _, m := range sent {
		if err := s.log.WaitApplied(ctx, m); err != nil {
			return fmt.Errorf("status store: %s: read back: %w", what, err)
		}
	}
	return nil
}

// canWrite is Kafka's CacheEntry.canWriteSafely.
func canWrite(haveOK bool, haveWorker string, haveGen int32, worker string, gen int32) bool {
	return !haveOK || haveWorker == worker || haveGen <= gen
}

// PutConnector implements storage.StatusStore, conditionally (see the
// type's comment).
func (s *StatusStore) PutConnector(ctx context.Context, st storage.ConnectorStatus) error {
	s.mu.RLock()
	cur, ok := s.connectors[st.Connector]
	s.mu.RUnlock()
	if !canWrite(ok, cur.WorkerID, cur.Generation, st.WorkerID, st.Generation) {
		s.logger.Debug("skipping stale connector status", "connector", st.Connector, "state", st.State,
			"generation", st.Generation, "stored_generation", cur.Generation, "stored_worker", cur.WorkerID)
		return nil
	}
	return s.ForcePutConnector(ctx, st)
}

// ForcePutConnector writes the connector status unconditionally.
func (s *StatusStore) ForcePutConnector(ctx context.Context, st storage.ConnectorStatus) error {
	if st.State == storage.StateDestroyed {
		return s.DeleteConnector(ctx, st.Connector)
	}
	if err := validState(st.State); err != nil {
		return fmt.Errorf("status store: connector %s: %w", st.Connector, err)
	}
	return s.write(ctx, "put status of connector "+st.Connector, Message{
		Key:   []byte(ConnectorStatusKey(st.Connector)),
		Value: encodeStatusValue(string(st.State), st.Trace, st.WorkerID, st.Generation),
	})
}

// PutTask implements storage.StatusStore, conditionally (see the type's
// comment).
func (s *StatusStore) PutTask(ctx context.Context, st storage.TaskStatus) error {
	s.mu.RLock()
	cur, ok := s.tasks[st.ID.Connector][st.ID.Task]
	s.mu.RUnlock()
	if !canWrite(ok, cur.WorkerID, cur.Generation, st.WorkerID, st.Generation) {
		s.logger.Debug("skipping stale task status", "task", st.ID.String(), "state", st.State,
			"generation", st.Generation, "stored_generation", cur.Generation, "stored_worker", cur.WorkerID)
		return nil
	}
	return s.ForcePutTask(ctx, st)
}

// ForcePutTask writes the task status unconditionally.
func (s *StatusStore) ForcePutTask(ctx context.Context, st storage.TaskStatus) error {
	if st.State == storage.StateDestroyed {
		return s.DeleteTask(ctx, st.ID)
	}
	if err := validState(st.State); err != nil {
		return fmt.Errorf("status store: task %s: %w", st.ID, err)
	}
	return s.write(ctx, "put status of task "+st.ID.String(), Message{
		Key:   []byte(TaskStatusKey(st.ID)),
		Value: encodeStatusValue(string(st.State), st.Trace, st.WorkerID, st.Generation),
	})
}

func validState(st storage.State) error {
	switch st {
	case storage.StateUnassigned, storage.StateRunning, storage.StatePaused,
		storage.StateStopped, storage.StateFailed, storage.StateRestarting:
		return nil
	}
	return fmt.Errorf("invalid status state %q", st)
}

// Connector implements storage.StatusStore.
func (s *StatusStore) Connector(name string) (storage.ConnectorStatus, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st, ok := s.connectors[name]
	return st, ok
}

// Task implements storage.StatusStore.
func (s *StatusStore) Task(id connect.TaskID) (storage.TaskStatus, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st, ok := s.tasks[id.Connector][id.Task]
	return st, ok
}

// Tasks implements storage.StatusStore.
func (s *StatusStore) Tasks(connector string) []storage.TaskStatus {
	s.mu.RLock()
	out := make([]storage.TaskStatus, 0, len(s.tasks[connector]))
	for _, st := range s.tasks[connector] {
		out = append(out, st)
	}
	s.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ID.Task < out[j].ID.Task })
	return out
}

// Connectors implements storage.StatusStore.
func (s *StatusStore) Connectors() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Sorted(maps.Keys(s.connectors))
}

// DeleteConnector implements storage.StatusStore: tombstones for the
// connector's status and for every task status the store knows of it.
func (s *StatusStore) DeleteConnector(ctx context.Context, name string) error {
	msgs := []Message{{Key: []byte(ConnectorStatusKey(name))}}
	s.mu.RLock()
	ids := make([]int, 0, len(s.tasks[name]))
	for n := range s.tasks[name] {
		ids = append(ids, n)
	}
	s.mu.RUnlock()
	sort.Ints(ids)
	for _, n := range ids {
		msgs = append(msgs, Message{Key: []byte(TaskStatusKey(connect.TaskID{Connector: name, Task: n}))})
	}
	return s.write(ctx, "delete status of connector "+name, msgs...)
}

// DeleteTask implements storage.StatusStore: a tombstone for the task's
// status.
func (s *StatusStore) DeleteTask(ctx context.Context, id connect.TaskID) error {
	return s.write(ctx, "delete status of task "+id.String(), Message{Key: []byte(TaskStatusKey(id))})
}

// PutTopic implements storage.StatusStore: records the topic as used by
// task 0 of the connector unless it is already recorded.
func (s *StatusStore) PutTopic(ctx context.Context, connector, topic string) error {
	s.mu.RLock()
	_, ok := s.topics[connector][topic]
	s.mu.RUnlock()
	if ok {
		return nil
	}
	return s.PutTopicStatus(ctx, TopicStatus{Topic: topic, Connector: connector, Task: 0,
		DiscoverTimestamp: s.now().UnixMilli()})
}

// PutTopicStatus writes a topic status record (unconditionally).
func (s *StatusStore) PutTopicStatus(ctx context.Context, ts TopicStatus) error {
	if ts.Topic == "" || ts.Connector == "" || strings.Contains(ts.Topic, ":") {
		return fmt.Errorf("status store: topic status %q of connector %q: %w: invalid topic or connector name",
			ts.Topic, ts.Connector, ErrFormat)
	}
	return s.write(ctx, "put topic status of connector "+ts.Connector, Message{
		Key:   []byte(TopicStatusKey(ts.Topic, ts.Connector)),
		Value: encodeTopicStatusValue(ts),
	})
}

// TopicStatus returns the stored topic status of a connector's topic.
func (s *StatusStore) TopicStatus(connector, topic string) (TopicStatus, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ts, ok := s.topics[connector][topic]
	return ts, ok
}

// Topics implements storage.StatusStore.
func (s *StatusStore) Topics(connector string) []string {
	s.mu.RLock()
	out := make([]string, 0, len(s.topics[connector]))
	for t := range s.topics[connector] {
		out = append(out, t)
	}
	s.mu.RUnlock()
	sort.Strings(out)
	return out
}

// DeleteTopics implements storage.StatusStore: a tombstone per active
// topic of the connector.
func (s *StatusStore) DeleteTopics(ctx context.Context, connector string) error {
	topics := s.Topics(connector)
	if len(topics) == 0 {
		return nil
	}
	msgs := make([]Message, len(topics))
	for i, t := range topics {
		msgs[i] = Message{Key: []byte(TopicStatusKey(t, connector))}
	}
	return s.write(ctx, "delete topics of connector "+connector, msgs...)
}

// ---- reading

// apply is the log callback: KafkaStatusBackingStore.read.
func (s *StatusStore) apply(r Record) {
	key := string(r.Key)
	switch {
	case r.Key == nil:
		s.logger.Warn("discarding status record with a null key", "partition", r.Partition, "offset", r.Offset)
	case strings.HasPrefix(key, prefixStatusConnector):
		s.readConnector(key[len(prefixStatusConnector):], r)
	case strings.HasPrefix(key, prefixStatusTask):
		s.readTask(key, r)
	case strings.HasPrefix(key, prefixStatusTopic):
		s.readTopic(key, r)
	default:
		s.logger.Warn("discarding status record with invalid key", "partition", r.Partition, "offset", r.Offset, "key", key)
	}
}

func (s *StatusStore) malformed(r Record, what string, err error) {
	s.logger.Error("ignoring malformed "+what, "partition", r.Partition, "offset", r.Offset, "key", string(r.Key), "error", err)
}

// parseState accepts the names of Kafka's AbstractStatus.State.
func parseState(v string) (storage.State, error) {
	st := storage.State(v)
	if st == storage.StateDestroyed || validState(st) == nil {
		return st, nil
	}
	return "", fmt.Errorf("%w: unknown state %q", ErrFormat, v)
}

func (s *StatusStore) readConnector(c string, r Record) {
	if c == "" {
		s.malformed(r, "connector status", fmt.Errorf("%w: empty connector name", ErrFormat))
		return
	}
	if r.Value == nil {
		s.mu.Lock()
		delete(s.connectors, c)
		delete(s.tasks, c)
		s.mu.Unlock()
		return
	}
	f, err := decodeStatus(r.Value)
	var st storage.State
	if err == nil {
		st, err = parseState(f.state)
	}
	if err != nil {
		s.malformed(r, "connector status", err)
		return
	}
	s.mu.Lock()
	s.connectors[c] = storage.ConnectorStatus{Connector: c, State: st, Trace: f.trace,
		WorkerID: f.workerID, Generation: f.generation}
	s.mu.Unlock()
}

func (s *StatusStore) readTask(key string, r Record) {
	id, ok := splitTaskKey(key, 2)
	if !ok {
		s.malformed(r, "task status", fmt.Errorf("%w: key does not parse", ErrFormat))
		return
	}
	if r.Value == nil {
		s.mu.Lock()
		if m := s.tasks[id.Connector]; m != nil {
			delete(m, id.Task)
			if len(m) == 0 {
				delete(s.tasks, id.Connector)
			}
		}
		s.mu.Unlock()
		return
	}
	f, err := decodeStatus(r.Value)
	var st storage.State
	if err == nil {
		st, err = parseState(f.state)
	}
	if err != nil {
		s.malformed(r, "task status", err)
		return
	}
	ts := storage.TaskStatus{ID: id, State: st, Trace: f.trace, WorkerID: f.workerID, Generation: f.generation}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.tasks[id.Connector]
	if m == nil {
		m = map[int]storage.TaskStatus{}
		s.tasks[id.Connector] = m
	}
	if cur, ok := m[id.Task]; ok && ts.State == storage.StateUnassigned &&
		cur.State == storage.StateRunning && cur.Generation >= ts.Generation {
		return // a late UNASSIGNED must not hide a live task
	}
	m[id.Task] = ts
}

func (s *StatusStore) readTopic(key string, r Record) {
	topic, connector, ok := parseTopicStatusKey(key)
	if !ok {
		s.malformed(r, "topic status", fmt.Errorf("%w: key does not parse", ErrFormat))
		return
	}
	if r.Value == nil {
		s.mu.Lock()
		if m := s.topics[connector]; m != nil {
			delete(m, topic)
			if len(m) == 0 {
				delete(s.topics, connector)
			}
		}
		s.mu.Unlock()
		return
	}
	ts, err := decodeTopicStatus(r.Value)
	if err != nil {
		s.malformed(r, "topic status", err)
		return
	}
	s.mu.Lock()
	m := s.topics[connector]
	if m == nil {
		m = map[string]TopicStatus{}
		s.topics[connector] = m
	}
	m[topic] = ts
	s.mu.Unlock()
}
