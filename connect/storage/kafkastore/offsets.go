package kafkastore

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/storage"
)

// OffsetStoreConfig configures an OffsetStore.
type OffsetStoreConfig struct {
	// Log configures the underlying log; Log.Topic is usually
	// OffsetTopicSpec(name, partitions, replicationFactor).
	Log LogConfig
	// CloseTimeout bounds Close (default 10 s).
	CloseTimeout time.Duration
}

// OffsetStore is the Kafka-backed storage.OffsetStore over the offsets
// topic (KafkaOffsetBackingStore).
//
// Keys are ["<connector>",{partition}] and values the offset map, both as
// Jackson prints them (keys sorted). Records are indexed by the canonical
// storage.EncodeKey form of their key, so a key another writer encoded
// with a different member order is still found, and Set rewrites or
// tombstones a known partition under the exact key bytes it was read with.
// Keys that do not parse as [string, object] are kept but not indexed.
//
// Lifecycle: NewOffsetStore, Start, use, Close (or Stop). Get and List
// read to the end of the topic first; Set returns once Kafka acknowledged
// every record. Safe for concurrent use.
type OffsetStore struct {
	log          *Log
	logger       *slog.Logger
	closeTimeout time.Duration

	mu       sync.RWMutex
	entries  map[string]offsetRecord // canonical key → record
	unparsed map[string][]byte       // raw key → value, keys that do not parse
}

// offsetRecord is one partition's latest record.
type offsetRecord struct {
	raw       []byte // the key bytes as read
	connector string
	partition map[string]any
	value     []byte
}

var _ storage.OffsetStore = (*OffsetStore)(nil)

// NewOffsetStore returns a store that is not started.
func NewOffsetStore(cfg OffsetStoreConfig) *OffsetStore {
	if cfg.Log.Topic.Property == "" {
		cfg.Log.Topic.Property = OffsetTopicProperty
	}
	if cfg.Log.Topic.Purpose == "" {
		cfg.Log.Topic.Purpose = "source connector offsets"
	}
	if cfg.Log.Topic.Partitions == 0 {
		cfg.Log.Topic.Partitions = DefaultOffsetPartitions
	}
	if cfg.CloseTimeout <= 0 {
		cfg.CloseTimeout = 10 * time.Second
	}
	l := cfg.Log.Logger
	if l == nil {
		l = slog.Default()
	}
	s := &OffsetStore{
		logger:       l.With("store", "offsets", "topic", cfg.Log.Topic.Name),
		closeTimeout: cfg.CloseTimeout,
		entries:      map[string]offsetRecord{},
		unparsed:     map[string][]byte{},
	}
	s.log = NewLog(cfg.Log, s.apply)
	return s
}

// Log returns the underlying log.
func (s *OffsetStore) Log() *Log { return s.log }

// Start creates or validates the topic and reads it to the end.
func (s *OffsetStore) Start(ctx context.Context) error {
	if err := s.log.Start(ctx); err != nil {
		return fmt.Errorf("offset store: %w", err)
	}
	return nil
}

// Stop ends reading and closes the clients.
func (s *OffsetStore) Stop(ctx context.Context) error {
	if err := s.log.Stop(ctx); err != nil {
		return fmt.Errorf("offset store: %w", err)
	}
	return nil
}

// Close implements storage.OffsetStore: Stop bounded by CloseTimeout.
func (s *OffsetStore) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), s.closeTimeout)
	defer cancel()
	return s.Stop(ctx)
}

// Get implements storage.OffsetStore after a read-to-end barrier.
func (s *OffsetStore) Get(ctx context.Context, connector string, partitions []map[string]any) ([]map[string]any, error) {
	if err := s.log.ReadToEnd(ctx); err != nil {
		return nil, fmt.Errorf("offset store: get offsets of %s: %w", connector, err)
	}
	keys := make([]string, len(partitions))
	for i, p := range partitions {
		k, err := storage.EncodeKey(connector, p)
		if err != nil {
			return nil, fmt.Errorf("offset store: %w", err)
		}
		keys[i] = string(k)
	}
	out := make([]map[string]any, len(partitions))
	s.mu.RLock()
	defer s.mu.RUnlock()
	for i, k := range keys {
		rec, ok := s.entries[k]
		if !ok {
			continue
		}
		m, err := storage.DecodeMap(rec.value)
		if err != nil {
			return nil, fmt.Errorf("offset store: offset of %s: %w", rec.raw, err)
		}
		out[i] = m
	}
	return out, nil
}

// Set implements storage.OffsetStore: one record per entry (a nil Offset
// is a tombstone), returning once Kafka acknowledged all of them.
func (s *OffsetStore) Set(ctx context.Context, connector string, entries []connect.OffsetEntry) error {
	if len(entries) == 0 {
		return nil
	}
	msgs := make([]Message, len(entries))
	s.mu.RLock()
	for i, e := range entries {
		canon, err := storage.EncodeKey(connector, e.Partition)
		if err != nil {
			s.mu.RUnlock()
			return fmt.Errorf("offset store: %w", err)
		}
		key := s.entries[string(canon)].raw
		if key == nil {
			if key, err = encodeOffsetKey(connector, e.Partition); err != nil {
				s.mu.RUnlock()
				return fmt.Errorf("offset store: %w", err)
			}
		}
		val, err := encodeOffsetValue(e.Offset)
		if err != nil {
			s.mu.RUnlock()
			return fmt.Errorf("offset store: offset of %s: %w", key, err)
		}
		msgs[i] = Message{Key: key, Value: val}
	}
	s.mu.RUnlock()
	if _, err := s.log.SendBatch(ctx, msgs); err != nil {
		return fmt.Errorf("offset store: set offsets of %s: %w", connector, err)
	}
	return nil
}

// List implements storage.OffsetStore after a read-to-end barrier: the
// connector's entries sorted by their canonical key bytes.
func (s *OffsetStore) List(ctx context.Context, connector string) ([]connect.OffsetEntry, error) {
	if err := s.log.ReadToEnd(ctx); err != nil {
		return nil, fmt.Errorf("offset store: list offsets of %s: %w", connector, err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var keys []string
	for k, rec := range s.entries {
		if rec.connector == connector {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	out := make([]connect.OffsetEntry, 0, len(keys))
	for _, k := range keys {
		rec := s.entries[k]
		off, err := storage.DecodeMap(rec.value)
		if err != nil {
			return nil, fmt.Errorf("offset store: offset of %s: %w", rec.raw, err)
		}
		p, err := storage.DecodeMap(mustEncode(rec.partition))
		if err != nil {
			return nil, fmt.Errorf("offset store: partition of %s: %w", rec.raw, err)
		}
		out = append(out, connect.OffsetEntry{Partition: p, Offset: off})
	}
	return out, nil
}

// mustEncode re-encodes a decoded partition so callers get their own copy.
func mustEncode(m map[string]any) []byte {
	b, err := appendJacksonValue(nil, m)
	if err != nil {
		return []byte("null")
	}
	return b
}

// apply is the log callback.
func (s *OffsetStore) apply(r Record) {
	if r.Key == nil {
		s.logger.Error("skipping offset record with a null key", "partition", r.Partition, "offset", r.Offset)
		return
	}
	connector, partition, err := storage.DecodeKey(r.Key)
	if err != nil || partition == nil {
		s.mu.Lock()
		if r.Value == nil {
			delete(s.unparsed, string(r.Key))
		} else {
			s.unparsed[string(r.Key)] = r.Value
		}
		s.mu.Unlock()
		s.logger.Debug("offset record key is not [connector, partition]; kept but not indexed",
			"partition", r.Partition, "offset", r.Offset, "key", string(r.Key))
		return
	}
	if r.Value != nil {
		if _, err := storage.DecodeMap(r.Value); err != nil {
			s.logger.Error("skipping offset record whose value is not a JSON object",
				"partition", r.Partition, "offset", r.Offset, "key", string(r.Key), "error", err)
			return
		}
	}
	canon, err := storage.EncodeKey(connector, partition)
	if err != nil {
		s.logger.Error("skipping offset record", "partition", r.Partition, "offset", r.Offset, "error", err)
		return
	}
	s.mu.Lock()
	if r.Value == nil {
		delete(s.entries, string(canon))
	} else {
		s.entries[string(canon)] = offsetRecord{
			raw: append([]byte(nil), r.Key...), connector: connector, partition: partition,
			value: append([]byte(nil), r.Value...),
		}
	}
	s.mu.Unlock()
}
