package runtime

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/plugins"
	"github.com/onecconnect/onecconnect/connect/storage"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// freezingStore drops writes once frozen: a worker that dies without
// committing what it sent since the last commit.
type freezingStore struct {
	storage.OffsetStore
	frozen atomic.Bool
}

func (s *freezingStore) Set(ctx context.Context, c string, e []connect.OffsetEntry) error {
	if s.frozen.Load() {
		return nil
	}
	err := s.OffsetStore.Set(ctx, c, e)
	s.frozen.Store(true) // "crash" right after the first commit
	return err
}

// TestSourceUncleanStopDuplicates: offsets committed before a crash bound
// what is sent again; nothing is lost and the duplicates are counted.
func TestSourceUncleanStopDuplicates(t *testing.T) {
	k := testkit.Kafka(t)
	topic := testkit.UniqueTopic("unclean")
	k.CreateTopic(t, topic, 1, nil)
	dir := t.TempDir()
	in := filepath.Join(dir, "in.txt")
	const n = 50_000
	data := cyrillicLines(0, n)
	mustNoErr(t, os.WriteFile(in, data, 0o644), "write")
	mem := storage.NewMemoryOffsetStore()
	fs := &freezingStore{OffsetStore: mem}
	reg := testRegistry()
	wc := testWorkerConfig(t, k, map[string]string{KeyOffsetFlushInterval: "20"})
	rec := newRecorder()
	props := map[string]string{connect.KeyName: "src", connect.KeyConnectorClass: "FileStreamSource", "file": in, "topic": topic, "batch.size": "500"}

	w := newTestWorker(t, wc, fs, reg)
	ids := startConnectorAndTasks(t, w, props, rec)
	k.WaitFor(t, topic, n, 30*time.Second)
	stopAll(t, w, "src", ids)

	committed, _ := mem.List(t.Context(), "src")
	if len(committed) != 1 {
		t.Fatalf("committed offsets: %v", committed)
	}
	pos := committed[0].Offset["position"].(int64)
	if pos <= 0 || pos >= int64(len(data)) {
		t.Fatalf("committed position %d not inside the file (%d bytes)", pos, len(data))
	}
	w2 := newTestWorker(t, wc, mem, reg)
	ids = startConnectorAndTasks(t, w2, props, rec)
	expectDup := bytes.Count(data[pos:], []byte{'\n'})
	k.WaitFor(t, topic, n+expectDup, 30*time.Second)
	time.Sleep(300 * time.Millisecond)
	stopAll(t, w2, "src", ids)
	msgs := k.ReadAll(t, topic)
	seen := map[string]int{}
	for _, m := range msgs {
		seen[string(m.Value)]++
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	dups := 0
	for _, l := range lines {
		switch seen[l] {
		case 0:
			t.Fatalf("line lost: %q", l)
		case 1:
		default:
			dups += seen[l] - 1
		}
	}
	t.Logf("unclean stop: %d duplicates after committed position %d of %d bytes", dups, pos, len(data))
	if dups != expectDup || len(msgs) != len(lines)+expectDup {
		t.Fatalf("duplicates %d (messages %d), want exactly the %d lines after the committed offset", dups, len(msgs), expectDup)
	}
}

// countingSink records what it is given.
type countingSink struct {
	mu   sync.Mutex
	vals []string
}

type countingSinkConn struct{ s *countingSink }

func (c *countingSinkConn) Version() string                                   { return "1" }
func (c *countingSinkConn) Config() *config.ConfigDef                         { return config.NewConfigDef() }
func (c *countingSinkConn) Validate(context.Context, map[string]string) error { return nil }
func (c *countingSinkConn) Start(context.Context, connect.ConnectorContext, map[string]string) error {
	return nil
}
func (c *countingSinkConn) TaskConfigs(n int) ([]map[string]string, error) {
	return []map[string]string{{}}, nil
}
func (c *countingSinkConn) Stop(context.Context) error { return nil }
func (c *countingSinkConn) NewTask() connect.SinkTask  { return &countingSinkTask{s: c.s} }

type countingSinkTask struct{ s *countingSink }

func (t *countingSinkTask) Start(context.Context, connect.SinkTaskContext, map[string]string) error {
	return nil
}
func (t *countingSinkTask) Open(context.Context, []connect.TopicPartition) error  { return nil }
func (t *countingSinkTask) Close(context.Context, []connect.TopicPartition) error { return nil }
func (t *countingSinkTask) Put(_ context.Context, recs []*connect.SinkRecord) error {
	t.s.mu.Lock()
	defer t.s.mu.Unlock()
	for _, r := range recs {
		t.s.vals = append(t.s.vals, r.Value.(string))
	}
	return nil
}
func (t *countingSinkTask) Flush(context.Context, map[connect.TopicPartition]int64) error { return nil }
func (t *countingSinkTask) Stop(context.Context) error                                    { return nil }

func (s *countingSink) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.vals)
}

func waitCount(t *testing.T, s *countingSink, n int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for s.count() < n {
		if time.Now().After(deadline) {
			t.Fatalf("sink got %d records, want %d", s.count(), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestSinkPauseResume: after PAUSED no record reaches the task within 1 s
// of the pause; after resume the rest arrives.
func TestSinkPauseResume(t *testing.T) {
	k := testkit.Kafka(t)
	topic := testkit.UniqueTopic("pause")
	k.CreateTopic(t, topic, 2, nil)
	sink := &countingSink{}
	reg := testRegistry(plugins.Plugin{Class: "test.CountingSink", Kind: plugins.KindSink,
		NewSink: func() connect.SinkConnector { return &countingSinkConn{s: sink} }})
	w := newTestWorker(t, testWorkerConfig(t, k, nil), storage.NewMemoryOffsetStore(), reg)
	rec := newRecorder()
	props := map[string]string{connect.KeyName: "cs", connect.KeyConnectorClass: "test.CountingSink", "topics": topic}
	ids := startConnectorAndTasks(t, w, props, rec)
	produce := func(from, n int) {
		for i := from; i < from+n; i++ {
			k.Produce(t, testkit.Message(topic, "", strings.Repeat("в", i%5)+string(rune('a'+i%26))))
		}
	}
	produce(0, 100)
	waitCount(t, sink, 100, 20*time.Second)

	w.SetTargetState("cs", TargetPaused)
	rec.waitState(t, "cs-0", "PAUSED", time.Second)
	time.Sleep(200 * time.Millisecond) // the pause is in effect within 1 s
	before := sink.count()
	produce(100, 100)
	time.Sleep(1500 * time.Millisecond)
	if got := sink.count(); got != before {
		t.Fatalf("records delivered while paused: %d -> %d", before, got)
	}
	w.SetTargetState("cs", TargetStarted)
	rec.waitState(t, "cs-0", "RUNNING", time.Second)
	waitCount(t, sink, 200, 20*time.Second)
	time.Sleep(300 * time.Millisecond)
	if got := sink.count(); got != 200 {
		t.Fatalf("after resume: %d records, want 200", got)
	}
	stopAll(t, w, "cs", ids)
}

// failingSource fails its Poll after a few calls, or panics.
type failingSource struct{ panic bool }

func (c *failingSource) Version() string                                   { return "1" }
func (c *failingSource) Config() *config.ConfigDef                         { return config.NewConfigDef() }
func (c *failingSource) Validate(context.Context, map[string]string) error { return nil }
func (c *failingSource) Start(context.Context, connect.ConnectorContext, map[string]string) error {
	return nil
}
func (c *failingSource) TaskConfigs(int) ([]map[string]string, error) {
	return []map[string]string{{}}, nil
}
func (c *failingSource) Stop(context.Context) error  { return nil }
func (c *failingSource) NewTask() connect.SourceTask { return &failingTask{panic: c.panic} }

type failingTask struct {
	panic bool
	n     int
}

func (t *failingTask) Start(context.Context, connect.SourceTaskContext, map[string]string) error {
	return nil
}
func (t *failingTask) Poll(ctx context.Context) ([]*connect.SourceRecord, error) {
	t.n++
	if t.n < 3 {
		return nil, nil
	}
	if t.panic {
		var m map[string]int
		//lint:ignore SA5000 a deliberate panic inside connector code
		m["boom"] = 1
	}
	return nil, errors.New("database is on fire")
}
func (t *failingTask) Commit(context.Context) error { return nil }
func (t *failingTask) CommitRecord(context.Context, *connect.SourceRecord, *connect.RecordMetadata) error {
	return nil
}
func (t *failingTask) Stop(context.Context) error { return nil }

// TestFailingTaskReportsTrace: an error or a panic in Poll turns the task
// FAILED with a trace naming the cause; the FAILED gauge is set.
func TestFailingTaskReportsTrace(t *testing.T) {
	k := testkit.Kafka(t)
	reg := testRegistry(
		plugins.Plugin{Class: "test.FailingSource", Kind: plugins.KindSource, NewSource: func() connect.SourceConnector { return &failingSource{} }},
		plugins.Plugin{Class: "test.PanickingSource", Kind: plugins.KindSource, NewSource: func() connect.SourceConnector { return &failingSource{panic: true} }},
	)
	w := newTestWorker(t, testWorkerConfig(t, k, nil), storage.NewMemoryOffsetStore(), reg)
	for _, tc := range []struct{ class, want string }{
		{"test.FailingSource", "database is on fire"},
		{"test.PanickingSource", "assignment to entry in nil map"},
	} {
		t.Run(tc.class, func(t *testing.T) {
			rec := newRecorder()
			name := strings.ToLower(strings.TrimPrefix(tc.class, "test."))
			props := map[string]string{connect.KeyName: name, connect.KeyConnectorClass: tc.class}
			ids := startConnectorAndTasks(t, w, props, rec)
			rec.waitState(t, name+"-0", "FAILED", 10*time.Second)
			tr := rec.trace(name + "-0")
			if !strings.Contains(tr, tc.want) {
				t.Fatalf("trace %q does not contain %q", tr, tc.want)
			}
			if tc.class == "test.PanickingSource" && !strings.Contains(tr, "lifecycle_test.go") {
				t.Fatalf("panic trace has no stack: %q", tr)
			}
			if got := gaugeValue(t, w, "connect_task_status", map[string]string{"connector": name, "state": "FAILED"}); got != 1 {
				t.Fatalf("FAILED gauge = %v", got)
			}
			stopAll(t, w, name, ids)
		})
	}
}

func gaugeValue(t *testing.T, w *Worker, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := w.Metrics().Registry.Gather()
	mustNoErr(t, err, "gather")
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			got := map[string]string{}
			for _, lp := range m.GetLabel() {
				got[lp.GetName()] = lp.GetValue()
			}
			for k, v := range labels {
				if got[k] != v {
					continue next
				}
			}
			return m.GetGauge().GetValue()
		}
	}
	return -1
}
