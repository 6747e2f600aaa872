package connecttest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"

	"github.com/onecconnect/onecconnect/connect"
)

// SourceContext is a connect.SourceTaskContext for tests that drive a
// SourceTask directly: an in-memory offset store that Commit fills as the
// worker does after Kafka's acknowledgements, and a logger of warnings and
// worse. The zero value is ready to use. Safe for concurrent use.
type SourceContext struct {
	// ID is the task's id ({Connector: "test"} when unset).
	ID connect.TaskID
	// Logs receives the task's log (nil: standard error).
	Logs io.Writer

	mu      sync.Mutex
	offsets map[string]map[string]any
}

// TaskID returns ID.
func (c *SourceContext) TaskID() connect.TaskID {
	if c.ID.Connector == "" {
		return connect.TaskID{Connector: "test"}
	}
	return c.ID
}

// Logger logs warnings and worse to Logs.
func (c *SourceContext) Logger() *slog.Logger {
	var w io.Writer = os.Stderr
	if c.Logs != nil {
		w = c.Logs
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// OffsetStorageReader returns c.
func (c *SourceContext) OffsetStorageReader() connect.OffsetStorageReader { return c }

// Offset returns the committed offset of a source partition (nil: none).
func (c *SourceContext) Offset(_ context.Context, partition map[string]any) (map[string]any, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.offsets[fmt.Sprint(partition)], nil
}

// Offsets returns the committed offsets of several partitions.
func (c *SourceContext) Offsets(ctx context.Context, partitions []map[string]any) ([]map[string]any, error) {
	out := make([]map[string]any, len(partitions))
	for i, p := range partitions {
		out[i], _ = c.Offset(ctx, p)
	}
	return out, nil
}

// Commit stores the offsets of acknowledged records, a later record's over
// an earlier one's of the same partition.
func (c *SourceContext) Commit(recs []*connect.SourceRecord) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.offsets == nil {
		c.offsets = map[string]map[string]any{}
	}
	for _, r := range recs {
		off := make(map[string]any, len(r.SourceOffset))
		for k, v := range r.SourceOffset {
			off[k] = v
		}
		c.offsets[fmt.Sprint(r.SourcePartition)] = off
	}
}

// SetOffset stores offset as partition's committed offset, as a reset
// through the REST API would.
func (c *SourceContext) SetOffset(partition, offset map[string]any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.offsets == nil {
		c.offsets = map[string]map[string]any{}
	}
	c.offsets[fmt.Sprint(partition)] = offset
}
