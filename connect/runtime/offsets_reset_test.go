package runtime

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/plugins"
	"github.com/onecconnect/onecconnect/connect/storage"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// hookCalls records what a connector's offset hook was given.
type hookCalls struct {
	mu    sync.Mutex
	calls [][]connect.OffsetEntry
}

func (h *hookCalls) add(e []connect.OffsetEntry) {
	h.mu.Lock()
	h.calls = append(h.calls, e)
	h.mu.Unlock()
}

func (h *hookCalls) all() [][]connect.OffsetEntry {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.calls
}

// altererSink implements connect.OffsetAlterer (managing offsets, by
// convention), failing with refuse when set.
type altererSink struct {
	countingSinkConn
	h      *hookCalls
	refuse error
}

func (c *altererSink) AlterOffsets(_ context.Context, _ map[string]string, e []connect.OffsetEntry) error {
	c.h.add(e)
	return c.refuse
}

// externalSink implements both hooks; only AlterExternalOffsets may be
// called.
type externalSink struct {
	altererSink
	managed bool
}

func (c *externalSink) AlterExternalOffsets(_ context.Context, _ map[string]string, e []connect.OffsetEntry) (bool, error) {
	c.h.add(e)
	return c.managed, nil
}

func (c *externalSink) AlterOffsets(context.Context, map[string]string, []connect.OffsetEntry) error {
	return errors.New("AlterOffsets called although AlterExternalOffsets exists")
}

// TestResetSinkOffsetsCallsHook: DELETE …/offsets of a sink connector
// hands the connector's hook every partition of the consumer group's
// committed offsets with a nil offset, then deletes the group's offsets
// (unless the hook refuses), and reports whether the connector manages
// offsets externally.
func TestResetSinkOffsetsCallsHook(t *testing.T) {
	k := testkit.Kafka(t)
	topic := testkit.UniqueTopic("reset")
	k.CreateTopic(t, topic, 3, nil)
	refusal := errors.New("offsets table is locked")
	tests := []struct {
		name        string
		conn        func(h *hookCalls) connect.SinkConnector
		wantManaged bool
		wantErr     error
		wantCalls   int
	}{
		{"no hook", func(*hookCalls) connect.SinkConnector { return &countingSinkConn{s: &countingSink{}} }, false, nil, 0},
		{"OffsetAlterer", func(h *hookCalls) connect.SinkConnector { return &altererSink{h: h} }, true, nil, 1},
		{"OffsetAlterer refuses", func(h *hookCalls) connect.SinkConnector { return &altererSink{h: h, refuse: refusal} }, false, refusal, 1},
		{"ExternalOffsetAlterer managed", func(h *hookCalls) connect.SinkConnector {
			return &externalSink{altererSink: altererSink{h: h}, managed: true}
		}, true, nil, 1},
		{"ExternalOffsetAlterer not managed", func(h *hookCalls) connect.SinkConnector {
			return &externalSink{altererSink: altererSink{h: h}}
		}, false, nil, 1},
	}
	var pls []plugins.Plugin
	hooks := make([]*hookCalls, len(tests))
	for i, tc := range tests {
		h := &hookCalls{}
		hooks[i] = h
		pls = append(pls, plugins.Plugin{Class: fmt.Sprintf("test.ResetSink%d", i), Kind: plugins.KindSink,
			NewSink: func() connect.SinkConnector { return tc.conn(h) }})
	}
	w := newTestWorker(t, testWorkerConfig(t, k, nil), storage.NewMemoryOffsetStore(), testRegistry(pls...))
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			props := map[string]string{connect.KeyName: fmt.Sprintf("reset-%d-%d", i, time.Now().UnixNano()),
				connect.KeyConnectorClass: fmt.Sprintf("test.ResetSink%d", i), connect.KeyTopics: topic}
			cc, err := NewClientConfig(w.cfg, AdminClient, props, "test-seed")
			mustNoErr(t, err, "client config")
			group := "connect-" + props[connect.KeyName]
			mustNoErr(t, commitGroupOffsets(cc, group, []sinkOffset{{topic, 0, 5}, {topic, 2, 7}}), "seed offsets")
			before, err := w.Offsets(ctx, props)
			mustNoErr(t, err, "offsets before")
			if len(before) != 2 {
				t.Fatalf("seeded offsets %v, want 2 partitions", before)
			}

			managed, err := w.ResetConnectorOffsets(ctx, props)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("reset error %v, want %v", err, tc.wantErr)
			}
			if managed != tc.wantManaged {
				t.Errorf("managed = %v, want %v", managed, tc.wantManaged)
			}
			calls := hooks[i].all()
			if len(calls) != tc.wantCalls {
				t.Fatalf("hook called %d times, want %d", len(calls), tc.wantCalls)
			}
			if tc.wantCalls > 0 {
				want := []connect.OffsetEntry{
					{Partition: map[string]any{SinkPartitionTopic: topic, SinkPartitionPartition: int64(0)}},
					{Partition: map[string]any{SinkPartitionTopic: topic, SinkPartitionPartition: int64(2)}},
				}
				if !reflect.DeepEqual(calls[0], want) {
					t.Errorf("hook got %v, want %v", calls[0], want)
				}
			}
			after, err := w.Offsets(ctx, props)
			mustNoErr(t, err, "offsets after")
			if tc.wantErr != nil {
				if !reflect.DeepEqual(after, before) {
					t.Errorf("refused reset changed the group's offsets: %v, want %v", after, before)
				}
			} else if len(after) != 0 {
				t.Errorf("offsets after reset: %v, want none", after)
			}
		})
	}
}
