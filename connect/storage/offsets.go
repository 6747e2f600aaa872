package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"

	"github.com/onecconnect/onecconnect/connect"
)

// OffsetStore stores committed source offsets.
//
// Get returns, for each partition in order, its stored offset or nil. Set
// stores the entries (a nil Offset deletes the partition's offset) and is
// durable when it returns nil: the worker calls it only with offsets of
// records Kafka acknowledged. List returns every stored entry of a
// connector, sorted by the partition's key bytes. Close releases resources;
// other methods fail afterwards. All methods are safe for concurrent use.
type OffsetStore interface {
	Get(ctx context.Context, connector string, partitions []map[string]any) ([]map[string]any, error)
	Set(ctx context.Context, connector string, entries []connect.OffsetEntry) error
	List(ctx context.Context, connector string) ([]connect.OffsetEntry, error)
	Close() error
}

// EncodeKey returns the offsets-topic key of a connector's source partition:
// the compact JSON ["<connector>",{...}] with object keys sorted. Equal
// partitions always give equal bytes.
func EncodeKey(connector string, partition map[string]any) ([]byte, error) {
	b, err := json.Marshal([]any{connector, partition})
	if err != nil {
		return nil, fmt.Errorf("encode offset key of %s: %w", connector, err)
	}
	return b, nil
}

// DecodeKey parses an offsets-topic key.
func DecodeKey(b []byte) (connector string, partition map[string]any, err error) {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil || len(raw) != 2 {
		return "", nil, fmt.Errorf("offset key %q: want [\"<connector>\", {partition}]", b)
	}
	if err := json.Unmarshal(raw[0], &connector); err != nil {
		return "", nil, fmt.Errorf("offset key %q: connector name: %w", b, err)
	}
	m, err := DecodeMap(raw[1])
	if err != nil {
		return "", nil, fmt.Errorf("offset key %q: partition: %w", b, err)
	}
	return connector, m, nil
}

// EncodeValue returns the offsets-topic value of an offset map (compact JSON,
// keys sorted); nil gives nil (a tombstone).
func EncodeValue(offset map[string]any) ([]byte, error) {
	if offset == nil {
		return nil, nil
	}
	b, err := json.Marshal(offset)
	if err != nil {
		return nil, fmt.Errorf("encode offset value: %w", err)
	}
	return b, nil
}

// DecodeMap parses a JSON object into a map, turning integral numbers into
// int64 and other numbers into float64 (as Kafka Connect's JSON converter
// gives Long and Double). JSON null gives a nil map.
func DecodeMap(b []byte) (map[string]any, error) {
	if len(b) == 0 || bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	normalize(m)
	return m, nil
}

func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalize(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = normalize(e)
		}
		return x
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		if f, err := x.Float64(); err == nil && !math.IsInf(f, 0) {
			return f
		}
		return x.String()
	}
	return v
}
