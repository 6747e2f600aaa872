package herder

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/storage"
)

// ErrFenced is returned by an OffsetFence write the worker may not make: it
// no longer owns a task of the connector (its assignment was revoked, it
// lost its group coordinator, or it was killed).
var ErrFenced = errors.New("offset commit refused: this worker no longer owns a task of the connector (zombie fencing)")

// OffsetFence is the offset store a distributed worker's runtime writes
// through: reads pass to the store it wraps, writes only while the herder
// says the worker owns a task of the connector (or is serving a KIP-875
// offsets request for it as leader). A task that outlives its assignment —
// the worker lost its coordinator, or the herder was killed — therefore
// never commits offsets over those of the task's new owner.
//
// Create it with NewOffsetFence, hand it to runtime.NewWorker as
// Options.Offsets and to the distributed herder as
// DistributedOptions.Fence. Until the herder installs its rule every write
// is refused. Safe for concurrent use.
type OffsetFence struct {
	inner storage.OffsetStore

	mu    sync.RWMutex
	allow func(connector string) bool
}

// NewOffsetFence wraps inner (usually a *kafkastore.OffsetStore, which the
// caller starts and closes).
func NewOffsetFence(inner storage.OffsetStore) *OffsetFence {
	return &OffsetFence{inner: inner}
}

// setRule installs the herder's ownership rule.
func (f *OffsetFence) setRule(allow func(connector string) bool) {
	f.mu.Lock()
	f.allow = allow
	f.mu.Unlock()
}

func (f *OffsetFence) allowed(connector string) bool {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.allow != nil && f.allow(connector)
}

// Get implements storage.OffsetStore.
func (f *OffsetFence) Get(ctx context.Context, connector string, partitions []map[string]any) ([]map[string]any, error) {
	return f.inner.Get(ctx, connector, partitions)
}

// List implements storage.OffsetStore.
func (f *OffsetFence) List(ctx context.Context, connector string) ([]connect.OffsetEntry, error) {
	return f.inner.List(ctx, connector)
}

// Set implements storage.OffsetStore; it returns ErrFenced without writing
// when the worker does not own a task of connector.
func (f *OffsetFence) Set(ctx context.Context, connector string, entries []connect.OffsetEntry) error {
	if !f.allowed(connector) {
		return fmt.Errorf("commit offsets of connector %s: %w", connector, ErrFenced)
	}
	return f.inner.Set(ctx, connector, entries)
}

// Close implements storage.OffsetStore: it closes the wrapped store.
func (f *OffsetFence) Close() error { return f.inner.Close() }
