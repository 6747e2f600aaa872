package storage

import (
	"context"
	"errors"
	"sort"
	"sync"

	"github.com/onecconnect/onecconnect/connect"
)

// ErrClosed is returned by a store used after Close.
var ErrClosed = errors.New("storage: store closed")

// MemoryOffsetStore is an OffsetStore in memory (tests, and the base of
// FileOffsetStore). Offsets are kept as their encoded JSON, so what Get
// returns never aliases what Set was given.
type MemoryOffsetStore struct {
	mu     sync.RWMutex
	data   map[string][]byte // encoded key → encoded value
	closed bool
}

// NewMemoryOffsetStore returns an empty store.
func NewMemoryOffsetStore() *MemoryOffsetStore {
	return &MemoryOffsetStore{data: map[string][]byte{}}
}

// Get implements OffsetStore.
func (s *MemoryOffsetStore) Get(ctx context.Context, connector string, partitions []map[string]any) ([]map[string]any, error) {
	out := make([]map[string]any, len(partitions))
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, ErrClosed
	}
	for i, p := range partitions {
		k, err := EncodeKey(connector, p)
		if err != nil {
			return nil, err
		}
		if v, ok := s.data[string(k)]; ok {
			m, err := DecodeMap(v)
			if err != nil {
				return nil, err
			}
			out[i] = m
		}
	}
	return out, nil
}

// Set implements OffsetStore.
func (s *MemoryOffsetStore) Set(ctx context.Context, connector string, entries []connect.OffsetEntry) error {
	_, err := s.apply(connector, entries)
	return err
}

// apply stores entries and returns a snapshot of all data when changed.
func (s *MemoryOffsetStore) apply(connector string, entries []connect.OffsetEntry) (map[string][]byte, error) {
	type kv struct {
		k string
		v []byte
	}
	enc := make([]kv, 0, len(entries))
	for _, e := range entries {
		k, err := EncodeKey(connector, e.Partition)
		if err != nil {
			return nil, err
		}
		v, err := EncodeValue(e.Offset)
		if err != nil {
			return nil, err
		}
		enc = append(enc, kv{string(k), v})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	for _, e := range enc {
		if e.v == nil {
			delete(s.data, e.k)
		} else {
			s.data[e.k] = e.v
		}
	}
	snap := make(map[string][]byte, len(s.data))
	for k, v := range s.data {
		snap[k] = v
	}
	return snap, nil
}

// List implements OffsetStore.
func (s *MemoryOffsetStore) List(ctx context.Context, connector string) ([]connect.OffsetEntry, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, ErrClosed
	}
	keys := make([]string, 0)
	for k := range s.data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []connect.OffsetEntry
	for _, k := range keys {
		c, p, err := DecodeKey([]byte(k))
		if err != nil {
			return nil, err
		}
		if c != connector {
			continue
		}
		o, err := DecodeMap(s.data[k])
		if err != nil {
			return nil, err
		}
		out = append(out, connect.OffsetEntry{Partition: p, Offset: o})
	}
	return out, nil
}

// Close implements OffsetStore.
func (s *MemoryOffsetStore) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	return nil
}
