package runtime

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/plugins"
	"github.com/onecconnect/onecconnect/connect/storage"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// strictSink is a sink whose Open, from the blockFrom-th call on (counted
// over all its tasks), waits for its context and returns its error, as a
// connector that reads its stored offsets from a database does when the
// read is cancelled. Close records whether its context was already done.
type strictSink struct {
	blockFrom int

	mu          sync.Mutex
	opens       int
	blocked     chan struct{} // closed when an Open blocks
	blockedOnce sync.Once
	closeErrs   []error
}

type strictSinkConn struct{ s *strictSink }

func (c *strictSinkConn) Version() string                                   { return "1" }
func (c *strictSinkConn) Config() *config.ConfigDef                         { return config.NewConfigDef() }
func (c *strictSinkConn) Validate(context.Context, map[string]string) error { return nil }
func (c *strictSinkConn) Start(context.Context, connect.ConnectorContext, map[string]string) error {
	return nil
}
func (c *strictSinkConn) TaskConfigs(n int) ([]map[string]string, error) {
	out := make([]map[string]string, n)
	for i := range out {
		out[i] = map[string]string{}
	}
	return out, nil
}
func (c *strictSinkConn) Stop(context.Context) error { return nil }
func (c *strictSinkConn) NewTask() connect.SinkTask  { return &strictSinkTask{s: c.s} }

type strictSinkTask struct{ s *strictSink }

func (t *strictSinkTask) Start(context.Context, connect.SinkTaskContext, map[string]string) error {
	return nil
}

func (t *strictSinkTask) Open(ctx context.Context, _ []connect.TopicPartition) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("open with a cancelled context: %w", err)
	}
	t.s.mu.Lock()
	n := t.s.opens
	t.s.opens++
	t.s.mu.Unlock()
	if n < t.s.blockFrom {
		return nil
	}
	t.s.blockedOnce.Do(func() { close(t.s.blocked) })
	select {
	case <-ctx.Done():
		return fmt.Errorf("read stored offsets: %w", ctx.Err())
	case <-time.After(10 * time.Second):
		return nil
	}
}

func (t *strictSinkTask) Close(ctx context.Context, _ []connect.TopicPartition) error {
	t.s.mu.Lock()
	t.s.closeErrs = append(t.s.closeErrs, ctx.Err())
	t.s.mu.Unlock()
	return ctx.Err()
}
func (t *strictSinkTask) Put(context.Context, []*connect.SinkRecord) error              { return nil }
func (t *strictSinkTask) Flush(context.Context, map[connect.TopicPartition]int64) error { return nil }
func (t *strictSinkTask) Stop(context.Context) error                                    { return nil }

// TestSinkStopDuringRebalance: a worker stopped while its sink tasks are
// opening partitions (the first assignment, or a rebalance when a second
// task joins) stops them cleanly: no task is reported FAILED, every task
// ends UNASSIGNED, and Close never gets a context cancelled by the stop.
func TestSinkStopDuringRebalance(t *testing.T) {
	k := testkit.Kafka(t)
	topic := testkit.UniqueTopic("stoprebal")
	k.CreateTopic(t, topic, 4, nil)
	tests := []struct {
		name      string
		tasks     int
		blockFrom int // Opens before this one return at once
	}{
		{"first assignment", 1, 0},
		{"rebalance after a task joins", 2, 1},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sink := &strictSink{blockFrom: tc.blockFrom, blocked: make(chan struct{})}
			class := fmt.Sprintf("test.StrictSink%d", i)
			reg := testRegistry(plugins.Plugin{Class: class, Kind: plugins.KindSink,
				NewSink: func() connect.SinkConnector { return &strictSinkConn{s: sink} }})
			w := newTestWorker(t, testWorkerConfig(t, k, nil), storage.NewMemoryOffsetStore(), reg)
			rec := newRecorder()
			name := fmt.Sprintf("strict-%d", i)
			props := map[string]string{connect.KeyName: name, connect.KeyConnectorClass: class, "topics": topic}
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			mustNoErr(t, w.StartConnector(ctx, name, props, ConnectorHooks{}, nil, TargetStarted), "start connector")
			cfgs, err := w.ConnectorTaskConfigs(name, tc.tasks)
			mustNoErr(t, err, "task configs")
			for n, tcfg := range cfgs {
				id := connect.TaskID{Connector: name, Task: n}
				mustNoErr(t, w.StartTask(ctx, id, props, tcfg, rec, TargetStarted), "start task")
				if n == 0 && tc.tasks > 1 {
					waitOpens(t, sink, 1, 30*time.Second) // task 0 owns everything before task 1 joins
				}
			}
			select {
			case <-sink.blocked:
			case <-time.After(45 * time.Second):
				t.Fatal("no Open blocked: the rebalance did not happen")
			}
			w.Stop(ctx)
			for n := range tc.tasks {
				id := fmt.Sprintf("%s-%d", name, n)
				if got := rec.last(id); got != "UNASSIGNED" {
					t.Errorf("%s: last state %q, want UNASSIGNED (trace %s; events %v)", id, got, rec.trace(id), rec.events)
				}
			}
			rec.mu.Lock()
			events := strings.Join(rec.events, " ")
			rec.mu.Unlock()
			if strings.Contains(events, "FAILED") {
				t.Errorf("a task was reported FAILED: %s", events)
			}
			sink.mu.Lock()
			defer sink.mu.Unlock()
			for _, err := range sink.closeErrs {
				if err != nil {
					t.Errorf("Close got a cancelled context: %v", err)
				}
			}
		})
	}
}

func waitOpens(t *testing.T, s *strictSink, n int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s.mu.Lock()
		got := s.opens
		s.mu.Unlock()
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d Open calls, want %d", got, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
