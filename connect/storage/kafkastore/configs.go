package kafkastore

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"sort"
	"strings"
	"sync"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/storage"
)

// SessionKey is the KIP-507 key the leader distributes through the config
// topic to sign internal REST requests.
type SessionKey struct {
	// Key is the raw key material (base64 in the record).
	Key []byte
	// Algorithm is the JCA name, e.g. "HmacSHA256".
	Algorithm string
	// CreationTimestamp is in milliseconds since the epoch.
	CreationTimestamp int64
}

// RestartRequest is a KIP-745 restart request read from the config topic.
type RestartRequest struct {
	Connector    string
	OnlyFailed   bool
	IncludeTasks bool
}

// RestartListener is an optional extension of storage.ConfigListener: a
// listener that implements it hears restart requests written after the
// store started (older ones are ignored, as in Kafka Connect).
type RestartListener interface {
	OnRestartRequest(r RestartRequest)
}

// SessionKeyListener is an optional extension of storage.ConfigListener
// for session key updates read after the store started.
type SessionKeyListener interface {
	OnSessionKeyUpdate(k SessionKey)
}

// LoggerLevelListener is an optional extension of storage.ConfigListener
// for KIP-976 cluster-wide logger levels written after the store started.
type LoggerLevelListener interface {
	OnLoggerLevelUpdate(namespace, level string)
}

// Snapshot is the full state of a ConfigStore: the storage snapshot plus
// what only the Kafka format carries. Callers own it.
type Snapshot struct {
	storage.ConfigSnapshot
	// SessionKey is the latest session key, nil if none was read.
	SessionKey *SessionKey
	// TaskCounts maps connector to the task count of its last commit
	// record (also for inconsistent connectors).
	TaskCounts map[string]int
	// TaskCountRecords maps connector to its latest KIP-618 task-count
	// record.
	TaskCountRecords map[string]int
	// PendingFencing lists connectors whose latest task configs came after
	// their latest task-count record, sorted.
	PendingFencing []string
	// TaskConfigGenerations counts, per connector, the task config sets
	// applied since the store started reading (0 for the first).
	TaskConfigGenerations map[string]int
	// LoggerLevels maps logger namespace to its cluster-wide level.
	LoggerLevels map[string]string
}

// ConfigStoreConfig configures a ConfigStore.
type ConfigStoreConfig struct {
	// Log configures the underlying log; Log.Topic is usually
	// ConfigTopicSpec(name, replicationFactor). SinglePartition is forced.
	Log LogConfig
}

// ConfigStore is the Kafka-backed storage.ConfigStore over the config
// topic (KafkaConfigBackingStore). Task configs become visible only with
// their commit record; the snapshot offset is the config-topic offset
// workers exchange in the group protocol (last consumed offset + 1, -1
// before anything was read).
//
// Lifecycle: NewConfigStore, Start, use, Stop. All methods are safe for
// concurrent use. Writes return once the store has read them back.
// Listener callbacks run on the log's goroutine, one at a time, only after
// Start returned.
type ConfigStore struct {
	log    *Log
	logger *slog.Logger

	mu                    sync.Mutex
	started               bool
	listener              storage.ConfigListener
	offset                int64
	connectors            map[string]map[string]string
	targets               map[string]connect.TargetState
	taskConfigs           map[connect.TaskID]map[string]string
	taskCounts            map[string]int
	deferred              map[string]map[int]map[string]string
	inconsistent          map[string]bool
	taskCountRecords      map[string]int
	pendingFencing        map[string]bool
	taskConfigGenerations map[string]int
	sessionKey            *SessionKey
	loggerLevels          map[string]string
}

var _ storage.ConfigStore = (*ConfigStore)(nil)

// NewConfigStore returns a store that is not started.
func NewConfigStore(cfg ConfigStoreConfig) *ConfigStore {
	cfg.Log.Topic.SinglePartition = true
	if cfg.Log.Topic.Property == "" {
		cfg.Log.Topic.Property = ConfigTopicProperty
	}
	if cfg.Log.Topic.Purpose == "" {
		cfg.Log.Topic.Purpose = "connector configurations"
	}
	l := cfg.Log.Logger
	if l == nil {
		l = slog.Default()
	}
	s := &ConfigStore{
		logger:                l.With("store", "config", "topic", cfg.Log.Topic.Name),
		offset:                -1,
		connectors:            map[string]map[string]string{},
		targets:               map[string]connect.TargetState{},
		taskConfigs:           map[connect.TaskID]map[string]string{},
		taskCounts:            map[string]int{},
		deferred:              map[string]map[int]map[string]string{},
		inconsistent:          map[string]bool{},
		taskCountRecords:      map[string]int{},
		pendingFencing:        map[string]bool{},
		taskConfigGenerations: map[string]int{},
		loggerLevels:          map[string]string{},
	}
	s.log = NewLog(cfg.Log, s.apply)
	return s
}

// Log returns the underlying log (for its positions and barrier).
func (s *ConfigStore) Log() *Log { return s.log }

// Start implements storage.ConfigStore: it creates or validates the topic
// and reads it to the end before returning. Listener callbacks begin after.
func (s *ConfigStore) Start(ctx context.Context) error {
	if err := s.log.Start(ctx); err != nil {
		return fmt.Errorf("config store: %w", err)
	}
	s.mu.Lock()
	s.started = true
	s.mu.Unlock()
	return nil
}

// Stop implements storage.ConfigStore.
func (s *ConfigStore) Stop(ctx context.Context) error {
	if err := s.log.Stop(ctx); err != nil {
		return fmt.Errorf("config store: %w", err)
	}
	return nil
}

// SetListener implements storage.ConfigStore. The listener may also
// implement RestartListener, SessionKeyListener and LoggerLevelListener.
func (s *ConfigStore) SetListener(l storage.ConfigListener) {
	s.mu.Lock()
	s.listener = l
	s.mu.Unlock()
}

// Snapshot implements storage.ConfigStore.
func (s *ConfigStore) Snapshot() storage.ConfigSnapshot {
	return s.FullSnapshot().ConfigSnapshot
}

// FullSnapshot returns a copy of everything the store holds.
func (s *ConfigStore) FullSnapshot() Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := Snapshot{
		ConfigSnapshot: storage.ConfigSnapshot{
			Offset:     s.offset,
			Connectors: make(map[string]map[string]string, len(s.connectors)),
			Targets:    maps.Clone(s.targets),
			Tasks:      make(map[string][]map[string]string, len(s.taskCounts)),
		},
		TaskCounts:            maps.Clone(s.taskCounts),
		TaskCountRecords:      maps.Clone(s.taskCountRecords),
		TaskConfigGenerations: maps.Clone(s.taskConfigGenerations),
		LoggerLevels:          maps.Clone(s.loggerLevels),
	}
	for c, props := range s.connectors {
		out.Connectors[c] = maps.Clone(props)
	}
	for c, n := range s.taskCounts {
		if s.inconsistent[c] {
			continue
		}
		tasks := make([]map[string]string, 0, n)
		for i := 0; i < n; i++ {
			tc, ok := s.taskConfigs[connect.TaskID{Connector: c, Task: i}]
			if !ok {
				break
			}
			tasks = append(tasks, maps.Clone(tc))
		}
		if len(tasks) == n {
			out.Tasks[c] = tasks
		}
	}
	for c := range s.inconsistent {
		out.Inconsistent = append(out.Inconsistent, c)
	}
	sort.Strings(out.Inconsistent)
	for c := range s.pendingFencing {
		out.PendingFencing = append(out.PendingFencing, c)
	}
	sort.Strings(out.PendingFencing)
	if s.sessionKey != nil {
		k := *s.sessionKey
		k.Key = append([]byte(nil), k.Key...)
		out.SessionKey = &k
	}
	return out
}

// Offset returns the config-topic offset the store has read to (last
// consumed offset + 1; -1 before anything).
func (s *ConfigStore) Offset() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.offset
}

// send writes the records and waits until the store has read the last one.
func (s *ConfigStore) send(ctx context.Context, what string, msgs ...Message) error {
	sent, err := s.log.SendBatch(ctx, msgs)
	if err != nil {
		return fmt.Errorf("config store: %s: %w", what, err)
	}
	if err := s.log.WaitApplied(ctx, sent[len(sent)-1]); err != nil {
		return fmt.Errorf("config store: %s: read back: %w", what, err)
	}
	return nil
}

// PutConnectorConfig implements storage.ConfigStore: [target-state-<c>]
// then connector-<c>, as Kafka Connect's leader writes them.
func (s *ConfigStore) PutConnectorConfig(ctx context.Context, connector string, props map[string]string, target connect.TargetState) error {
	var msgs []Message
	if target != "" {
		if !target.Valid() {
			return fmt.Errorf("config store: put connector %s: invalid target state %q", connector, target)
		}
		msgs = append(msgs, Message{Key: []byte(TargetStateKey(connector)), Value: encodeTargetStateValue(target)})
	}
	msgs = append(msgs, Message{Key: []byte(ConnectorKey(connector)), Value: encodePropertiesValue(props)})
	return s.send(ctx, "put connector "+connector, msgs...)
}

// RemoveConnectorConfig implements storage.ConfigStore: tombstones for
// connector-<c> and target-state-<c>; task and commit records stay and are
// never reused (a commit without a connector config is ignored).
func (s *ConfigStore) RemoveConnectorConfig(ctx context.Context, connector string) error {
	return s.send(ctx, "remove connector "+connector,
		Message{Key: []byte(ConnectorKey(connector))},
		Message{Key: []byte(TargetStateKey(connector))})
}

// PutTaskConfigs implements storage.ConfigStore: read to end, every
// task-<c>-<n>, read back, then commit-<c> with the task count.
func (s *ConfigStore) PutTaskConfigs(ctx context.Context, connector string, configs []map[string]string) error {
	if err := s.log.ReadToEnd(ctx); err != nil {
		return fmt.Errorf("config store: put task configs of %s: %w", connector, err)
	}
	if len(configs) > 0 {
		msgs := make([]Message, len(configs))
		for i, c := range configs {
			msgs[i] = Message{
				Key:   []byte(TaskKey(connect.TaskID{Connector: connector, Task: i})),
				Value: encodePropertiesValue(c),
			}
		}
		if err := s.send(ctx, "put task configs of "+connector, msgs...); err != nil {
			return err
		}
	}
	return s.send(ctx, "commit task configs of "+connector,
		Message{Key: []byte(CommitKey(connector)), Value: encodeCommitValue(len(configs))})
}

// PutTargetState implements storage.ConfigStore.
func (s *ConfigStore) PutTargetState(ctx context.Context, connector string, state connect.TargetState) error {
	if !state.Valid() {
		return fmt.Errorf("config store: put target state of %s: invalid target state %q", connector, state)
	}
	return s.send(ctx, "put target state of "+connector,
		Message{Key: []byte(TargetStateKey(connector)), Value: encodeTargetStateValue(state)})
}

// Refresh implements storage.ConfigStore: a read-to-end barrier.
func (s *ConfigStore) Refresh(ctx context.Context) error {
	if err := s.log.ReadToEnd(ctx); err != nil {
		return fmt.Errorf("config store: refresh: %w", err)
	}
	return nil
}

// PutSessionKey writes the session-key record (leader only).
func (s *ConfigStore) PutSessionKey(ctx context.Context, k SessionKey) error {
	return s.send(ctx, "put session key", Message{Key: []byte(SessionKeyRecordKey), Value: encodeSessionKeyValue(k)})
}

// PutRestartRequest writes a restart-connector-<c> record (leader only).
func (s *ConfigStore) PutRestartRequest(ctx context.Context, r RestartRequest) error {
	return s.send(ctx, "put restart request of "+r.Connector,
		Message{Key: []byte(RestartKey(r.Connector)), Value: encodeRestartValue(r.IncludeTasks, r.OnlyFailed)})
}

// PutTaskCountRecord writes a KIP-618 tasks-fencing-<c> record (leader
// only, exactly-once source).
func (s *ConfigStore) PutTaskCountRecord(ctx context.Context, connector string, taskCount int) error {
	return s.send(ctx, "put task count record of "+connector,
		Message{Key: []byte(TaskCountKey(connector)), Value: encodeTaskCountValue(taskCount)})
}

// PutLoggerLevel writes a KIP-976 logger-cluster-<namespace> record.
func (s *ConfigStore) PutLoggerLevel(ctx context.Context, namespace, level string) error {
	return s.send(ctx, "put logger level of "+namespace,
		Message{Key: []byte(LoggerLevelKey(namespace)), Value: encodeLoggerLevelValue(level)})
}

// ---- reading

// notification is a listener call made after the store's lock is released.
type notification func(l storage.ConfigListener)

// apply is the log callback: KafkaConfigBackingStore's ConsumeCallback.
func (s *ConfigStore) apply(r Record) {
	if r.Value != nil && !json.Valid(r.Value) {
		s.logger.Error("skipping config record that is not JSON", "offset", r.Offset, "key", string(r.Key))
		return
	}
	s.mu.Lock()
	s.offset = r.Offset + 1
	var note notification
	if r.Key == nil {
		s.logger.Error("skipping config record with a null key", "offset", r.Offset)
	} else {
		note = s.dispatch(string(r.Key), r)
	}
	listener, started := s.listener, s.started
	s.mu.Unlock()
	if note != nil && started && listener != nil {
		note(listener)
	}
}

// dispatch matches the key by prefix in Kafka Connect's order. Called with
// s.mu held; returns the listener call to make, if any.
func (s *ConfigStore) dispatch(key string, r Record) notification {
	switch {
	case strings.HasPrefix(key, prefixTargetState):
		return s.applyTargetState(key[len(prefixTargetState):], r)
	case strings.HasPrefix(key, prefixConnector):
		return s.applyConnector(key[len(prefixConnector):], r)
	case strings.HasPrefix(key, prefixTask):
		id, ok := splitTaskKey(key, 1)
		if !ok {
			s.logger.Error("ignoring task configuration: key does not parse", "offset", r.Offset, "key", key)
			return nil
		}
		s.applyTask(id, r)
		return nil
	case strings.HasPrefix(key, prefixCommit):
		return s.applyCommit(key[len(prefixCommit):], r)
	case strings.HasPrefix(key, prefixRestart):
		return s.applyRestart(key[len(prefixRestart):], r)
	case strings.HasPrefix(key, prefixTaskCount):
		s.applyTaskCount(key[len(prefixTaskCount):], r)
		return nil
	case key == SessionKeyRecordKey:
		return s.applySessionKey(r)
	case strings.HasPrefix(key, prefixLogger):
		return s.applyLoggerLevel(key[len(prefixLogger):], r)
	default:
		s.logger.Error("discarding config record with invalid key", "offset", r.Offset, "key", key)
		return nil
	}
}

func (s *ConfigStore) malformed(r Record, what string, err error) {
	s.logger.Error("ignoring malformed "+what, "offset", r.Offset, "key", string(r.Key), "error", err)
}

func (s *ConfigStore) applyTargetState(c string, r Record) notification {
	if r.Value == nil {
		delete(s.targets, c)
		if _, ok := s.connectors[c]; ok {
			s.targets[c] = connect.TargetStarted
		}
		return nil // the connector's removal notifies
	}
	st, err := decodeTargetState(r.Value)
	if err != nil {
		s.malformed(r, "target state", err)
		return nil
	}
	prev, had := s.targets[c]
	s.targets[c] = st
	if (had && prev == st) || s.connectors[c] == nil {
		return nil
	}
	return func(l storage.ConfigListener) { l.OnTargetStateChange(c) }
}

func (s *ConfigStore) applyConnector(c string, r Record) notification {
	if r.Value == nil {
		s.removeConnector(c)
		return func(l storage.ConfigListener) { l.OnConnectorConfigRemove(c) }
	}
	props, err := decodeProperties(r.Value)
	if err != nil {
		s.malformed(r, "connector configuration", err)
		return nil
	}
	s.connectors[c] = props
	if _, ok := s.targets[c]; !ok {
		s.targets[c] = connect.TargetStarted
	}
	return func(l storage.ConfigListener) { l.OnConnectorConfigUpdate(c) }
}

// removeConnector forgets a connector's configs and tasks (not its target
// state: that has its own tombstone).
func (s *ConfigStore) removeConnector(c string) {
	delete(s.connectors, c)
	delete(s.taskCounts, c)
	for id := range s.taskConfigs {
		if id.Connector == c {
			delete(s.taskConfigs, id)
		}
	}
	delete(s.deferred, c)
	delete(s.inconsistent, c)
}

func (s *ConfigStore) applyTask(id connect.TaskID, r Record) {
	if r.Value == nil {
		s.logger.Error("ignoring task configuration tombstone", "offset", r.Offset, "task", id.String())
		return
	}
	props, err := decodeProperties(r.Value)
	if err != nil {
		s.malformed(r, "task configuration", err)
		return
	}
	d := s.deferred[id.Connector]
	if d == nil {
		d = map[int]map[string]string{}
		s.deferred[id.Connector] = d
	}
	d[id.Task] = props
}

func (s *ConfigStore) applyCommit(c string, r Record) notification {
	if _, ok := s.connectors[c]; !ok {
		// Deleted, and compaction removed the tombstone: never reuse.
		s.removeConnector(c)
		s.logger.Debug("ignoring task commit of a connector without configuration", "offset", r.Offset, "connector", c)
		return nil
	}
	if r.Value == nil {
		s.malformed(r, "task commit", fmt.Errorf("%w: null value", ErrFormat))
		return nil
	}
	m, err := decodeObject(r.Value)
	if err != nil {
		s.malformed(r, "task commit", err)
		return nil
	}
	n64, err := intField(m, "tasks")
	if err == nil && (n64 < 0 || n64 > 1<<31-1) {
		err = fmt.Errorf("%w: task count %d out of range", ErrFormat, n64)
	}
	if err != nil {
		s.malformed(r, "task commit", err)
		return nil
	}
	n := int(n64)
	deferred := s.deferred[c]
	complete := true
	for i := 0; i < n; i++ {
		if _, ok := deferred[i]; !ok {
			complete = false
			break
		}
	}
	var updated []connect.TaskID
	if !complete {
		s.logger.Warn("incomplete task configurations for connector, probably due to compaction; waiting for the connector to regenerate them",
			"connector", c, "tasks", n, "have", len(deferred))
		s.inconsistent[c] = true
	} else {
		if deferred != nil {
			ids := make([]int, 0, len(deferred))
			for i, props := range deferred {
				s.taskConfigs[connect.TaskID{Connector: c, Task: i}] = props
				ids = append(ids, i)
			}
			sort.Ints(ids)
			for _, i := range ids {
				updated = append(updated, connect.TaskID{Connector: c, Task: i})
			}
			if g, ok := s.taskConfigGenerations[c]; ok {
				s.taskConfigGenerations[c] = g + 1
			} else {
				s.taskConfigGenerations[c] = 0
			}
		}
		delete(s.inconsistent, c)
	}
	delete(s.deferred, c)
	s.taskCounts[c] = n
	s.pendingFencing[c] = true
	return func(l storage.ConfigListener) { l.OnTaskConfigUpdate(updated) }
}

func (s *ConfigStore) applyRestart(c string, r Record) notification {
	if r.Value == nil {
		return nil // a tombstone of a restart request carries nothing
	}
	req, err := decodeRestart(c, r.Value)
	if err != nil {
		s.malformed(r, "restart request", err)
		return nil
	}
	return func(l storage.ConfigListener) {
		if rl, ok := l.(RestartListener); ok {
			rl.OnRestartRequest(req)
		}
	}
}

func (s *ConfigStore) applyTaskCount(c string, r Record) {
	if r.Value == nil {
		s.malformed(r, "task count record", fmt.Errorf("%w: null value", ErrFormat))
		return
	}
	m, err := decodeObject(r.Value)
	if err != nil {
		s.malformed(r, "task count record", err)
		return
	}
	n, err := intField(m, "task-count")
	if err == nil && (n < 0 || n > 1<<31-1) {
		err = fmt.Errorf("%w: task count %d out of range", ErrFormat, n)
	}
	if err != nil {
		s.malformed(r, "task count record", err)
		return
	}
	s.taskCountRecords[c] = int(n)
	delete(s.pendingFencing, c)
}

func (s *ConfigStore) applySessionKey(r Record) notification {
	if r.Value == nil {
		s.malformed(r, "session key", fmt.Errorf("%w: null value", ErrFormat))
		return nil
	}
	k, err := decodeSessionKey(r.Value)
	if err != nil {
		s.malformed(r, "session key", err)
		return nil
	}
	s.sessionKey = &k
	return func(l storage.ConfigListener) {
		if kl, ok := l.(SessionKeyListener); ok {
			kl.OnSessionKeyUpdate(SessionKey{Key: append([]byte(nil), k.Key...), Algorithm: k.Algorithm, CreationTimestamp: k.CreationTimestamp})
		}
	}
}

func (s *ConfigStore) applyLoggerLevel(ns string, r Record) notification {
	if r.Value == nil {
		s.malformed(r, "logger level", fmt.Errorf("%w: null value", ErrFormat))
		return nil
	}
	m, err := decodeObject(r.Value)
	if err != nil {
		s.malformed(r, "logger level", err)
		return nil
	}
	level, err := stringField(m, "level")
	if err != nil {
		s.malformed(r, "logger level", err)
		return nil
	}
	s.loggerLevels[ns] = level
	return func(l storage.ConfigListener) {
		if ll, ok := l.(LoggerLevelListener); ok {
			ll.OnLoggerLevelUpdate(ns, level)
		}
	}
}
