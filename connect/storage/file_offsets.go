package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/onecconnect/onecconnect/connect"
)

// FileOffsetStore is the standalone-mode OffsetStore: every Set rewrites the
// whole file (offset.storage.file.filename) atomically: write a temporary
// file in the same directory, fsync it, rename it over the old one, fsync
// the directory.
//
// File format (version 1), UTF-8 JSON, byte-stable for equal content:
//
//	{"version":1,"offsets":[
//	{"key":["<connector>",{<partition>}],"value":{<offset>}},
//	...
//	]}
//
// with one entry per line, entries sorted by the bytes of their key, and
// key and value exactly as the Kafka offsets topic stores them (compact
// JSON, object keys sorted). Numbers are read back as int64 when integral.
type FileOffsetStore struct {
	path  string
	mem   *MemoryOffsetStore
	write sync.Mutex // serialises file writes, in the order of apply
}

type offsetFile struct {
	Version int               `json:"version"`
	Offsets []offsetFileEntry `json:"offsets"`
}

type offsetFileEntry struct {
	Key   json.RawMessage `json:"key"`
	Value json.RawMessage `json:"value"`
}

// OpenFileOffsetStore loads path (a missing file is an empty store; its
// directory must exist) and returns the store.
func OpenFileOffsetStore(path string) (*FileOffsetStore, error) {
	s := &FileOffsetStore{path: path, mem: NewMemoryOffsetStore()}
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read offsets file: %w", err)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return s, nil
	}
	var f offsetFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("offsets file %s: %w", path, err)
	}
	if f.Version != 1 {
		return nil, fmt.Errorf("offsets file %s: unsupported version %d", path, f.Version)
	}
	for _, e := range f.Offsets {
		c, p, err := DecodeKey(e.Key)
		if err != nil {
			return nil, fmt.Errorf("offsets file %s: %w", path, err)
		}
		k, err := EncodeKey(c, p)
		if err != nil {
			return nil, err
		}
		if len(e.Value) == 0 || string(e.Value) == "null" {
			continue
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, e.Value); err != nil {
			return nil, fmt.Errorf("offsets file %s: value of %s: %w", path, e.Key, err)
		}
		s.mem.data[string(k)] = compact.Bytes()
	}
	return s, nil
}

// Path returns the file the store writes.
func (s *FileOffsetStore) Path() string { return s.path }

// Get implements OffsetStore.
func (s *FileOffsetStore) Get(ctx context.Context, connector string, partitions []map[string]any) ([]map[string]any, error) {
	return s.mem.Get(ctx, connector, partitions)
}

// List implements OffsetStore.
func (s *FileOffsetStore) List(ctx context.Context, connector string) ([]connect.OffsetEntry, error) {
	return s.mem.List(ctx, connector)
}

// Set implements OffsetStore: the file holds the new offsets when it returns
// nil.
func (s *FileOffsetStore) Set(ctx context.Context, connector string, entries []connect.OffsetEntry) error {
	s.write.Lock()
	defer s.write.Unlock()
	snap, err := s.mem.apply(connector, entries)
	if err != nil {
		return err
	}
	return writeAtomic(s.path, encodeOffsetFile(snap))
}

// Close implements OffsetStore.
func (s *FileOffsetStore) Close() error { return s.mem.Close() }

func encodeOffsetFile(data map[string][]byte) []byte {
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b bytes.Buffer
	b.WriteString(`{"version":1,"offsets":[`)
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n{\"key\":")
		b.WriteString(k)
		b.WriteString(",\"value\":")
		b.Write(data[k])
		b.WriteByte('}')
	}
	b.WriteString("\n]}\n")
	return b.Bytes()
}

// writeAtomic replaces path with data: temp file, fsync, rename, fsync dir.
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write offsets file: %w", err)
	}
	name := tmp.Name()
	fail := func(err error) error {
		tmp.Close()
		os.Remove(name)
		return fmt.Errorf("write offsets file %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(name)
		return fmt.Errorf("write offsets file %s: %w", path, err)
	}
	if err := os.Rename(name, path); err != nil {
		os.Remove(name)
		return fmt.Errorf("write offsets file %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
