package kafkastore

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// events records listener calls as strings.
type events struct {
	mu  sync.Mutex
	evs []string
}

func (e *events) add(s string) {
	e.mu.Lock()
	e.evs = append(e.evs, s)
	e.mu.Unlock()
}

func (e *events) take() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := e.evs
	e.evs = nil
	return out
}

func (e *events) OnConnectorConfigUpdate(c string) { e.add("update " + c) }
func (e *events) OnConnectorConfigRemove(c string) { e.add("remove " + c) }
func (e *events) OnTaskConfigUpdate(ids []connect.TaskID) {
	e.add(fmt.Sprint("tasks ", ids))
}
func (e *events) OnTargetStateChange(c string) { e.add("target " + c) }
func (e *events) OnRestartRequest(r RestartRequest) {
	e.add(fmt.Sprintf("restart %s tasks=%v failed=%v", r.Connector, r.IncludeTasks, r.OnlyFailed))
}
func (e *events) OnSessionKeyUpdate(k SessionKey) { e.add("session-key " + k.Algorithm) }

// waitEvents polls until the listener has seen want (in order), bounded.
func waitEvents(t *testing.T, e *events, want ...string) {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	var got []string
	for time.Now().Before(deadline) {
		got = append(got, e.take()...)
		if len(got) >= len(want) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !slices.Equal(got, want) {
		t.Errorf("listener got %q, want %q", got, want)
	}
}

func startConfigStore(t *testing.T, k *testkit.KafkaCluster, topic string) *ConfigStore {
	t.Helper()
	s := NewConfigStore(ConfigStoreConfig{Log: logConfig(k, ConfigTopicSpec(topic, 0))})
	if err := s.Start(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Stop(testCtx(t)) })
	return s
}

// recordsOf returns "key => value" of every record of the topic.
func recordsOf(t *testing.T, k *testkit.KafkaCluster, topic string) []string {
	t.Helper()
	var out []string
	for _, m := range k.ReadAll(t, topic) {
		v := "null"
		if m.Value != nil {
			v = string(m.Value)
		}
		out = append(out, string(m.Key)+" => "+v)
	}
	return out
}

// TestConfigStoreTwoWorkers: what one worker writes, another sees after a
// read to end; the bytes on the topic are Kafka Connect's.
func TestConfigStoreTwoWorkers(t *testing.T) {
	k := testkit.Kafka(t, testkit.Brokers(3))
	topic := testkit.UniqueTopic("configs")
	a := startConfigStore(t, k, topic)
	b := startConfigStore(t, k, topic)
	var ev events
	b.SetListener(&ev)
	ctx := testCtx(t)

	props := map[string]string{"connector.class": "FileStreamSink", "tasks.max": "2", "topics": "orders", "name": "orders-sink"}
	if err := a.PutConnectorConfig(ctx, "orders-sink", props, ""); err != nil {
		t.Fatal(err)
	}
	tasks := []map[string]string{{"task.class": "T", "n": "0"}, {"task.class": "T", "n": "1"}}
	if err := a.PutTaskConfigs(ctx, "orders-sink", tasks); err != nil {
		t.Fatal(err)
	}
	if err := a.PutTargetState(ctx, "orders-sink", connect.TargetStopped); err != nil {
		t.Fatal(err)
	}
	if err := b.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]*ConfigStore{"writer": a, "reader": b} {
		snap := s.Snapshot()
		if got := snap.Connectors["orders-sink"]; fmt.Sprint(got) != fmt.Sprint(props) {
			t.Errorf("%s: connector config %v", name, got)
		}
		if got := snap.Tasks["orders-sink"]; fmt.Sprint(got) != fmt.Sprint(tasks) {
			t.Errorf("%s: tasks %v, want %v", name, got, tasks)
		}
		if got := snap.Targets["orders-sink"]; got != connect.TargetStopped {
			t.Errorf("%s: target %s", name, got)
		}
		if snap.Offset != 5 {
			t.Errorf("%s: offset %d, want 5 (connector, 2 tasks, commit, target)", name, snap.Offset)
		}
	}
	waitEvents(t, &ev, "update orders-sink", "tasks [orders-sink-0 orders-sink-1]", "target orders-sink")

	// KIP-875 STOPPED drops the tasks with a commit of 0.
	if err := a.PutTaskConfigs(ctx, "orders-sink", nil); err != nil {
		t.Fatal(err)
	}
	if got, ok := a.Snapshot().Tasks["orders-sink"]; !ok || len(got) != 0 {
		t.Errorf("after commit of 0 tasks: %v, %v", got, ok)
	}
	if err := a.RemoveConnectorConfig(ctx, "orders-sink"); err != nil {
		t.Fatal(err)
	}
	if err := b.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	snap := b.Snapshot()
	if _, ok := snap.Connectors["orders-sink"]; ok {
		t.Error("connector still present after removal")
	}
	if _, ok := snap.Targets["orders-sink"]; ok {
		t.Error("target state still present after removal")
	}
	waitEvents(t, &ev, "tasks []", "remove orders-sink")

	want := []string{
		`connector-orders-sink => {"properties":{"connector.class":"FileStreamSink","name":"orders-sink","tasks.max":"2","topics":"orders"}}`,
		`task-orders-sink-0 => {"properties":{"n":"0","task.class":"T"}}`,
		`task-orders-sink-1 => {"properties":{"n":"1","task.class":"T"}}`,
		`commit-orders-sink => {"tasks":2}`,
		`target-state-orders-sink => {"state":"PAUSED","state.v2":"STOPPED"}`,
		`commit-orders-sink => {"tasks":0}`,
		`connector-orders-sink => null`,
		`target-state-orders-sink => null`,
	}
	if got := recordsOf(t, k, topic); !slices.Equal(got, want) {
		t.Errorf("topic holds\n%q\nwant\n%q", got, want)
	}

	// Re-created with an initial state: the old task configs are not reused.
	if err := a.PutConnectorConfig(ctx, "orders-sink", props, connect.TargetPaused); err != nil {
		t.Fatal(err)
	}
	c := startConfigStore(t, k, topic) // a third worker reading everything from scratch
	snap = c.Snapshot()
	if _, ok := snap.Tasks["orders-sink"]; ok {
		t.Errorf("re-created connector got old tasks %v", snap.Tasks["orders-sink"])
	}
	if snap.Targets["orders-sink"] != connect.TargetPaused {
		t.Errorf("initial state %s, want PAUSED", snap.Targets["orders-sink"])
	}
	if snap.Offset != a.Offset() || snap.Offset != 10 {
		t.Errorf("offsets: fresh reader %d, writer %d, want 10", snap.Offset, a.Offset())
	}
}

// TestConfigStoreCommitRules drives the store with hand-written records:
// tasks only with their commit, incomplete commits, commits of deleted
// connectors, and garbage.
func TestConfigStoreCommitRules(t *testing.T) {
	k := testkit.Kafka(t)
	topic := testkit.UniqueTopic("configs")
	s := startConfigStore(t, k, topic)
	ctx := testCtx(t)
	produce := func(key, value string) {
		t.Helper()
		m := testkit.Message(topic, key, value)
		if value == "" {
			m.Value = nil
		}
		k.Produce(t, m)
		if err := s.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
	}
	produce("connector-c", `{"properties":{"name":"c"}}`)
	produce("task-c-0", `{"properties":{"t":"0"}}`)
	produce("task-c-1", `{"properties":{"t":"1"}}`)
	if _, ok := s.Snapshot().Tasks["c"]; ok {
		t.Fatal("task configs visible before their commit")
	}
	produce("commit-c", `{"tasks":2}`)
	if got := s.Snapshot().Tasks["c"]; len(got) != 2 || got[1]["t"] != "1" {
		t.Fatalf("after commit: %v", got)
	}
	// Only task 1 rewritten, then a commit of 2: incomplete.
	produce("task-c-1", `{"properties":{"t":"1b"}}`)
	produce("commit-c", `{"tasks":2}`)
	snap := s.FullSnapshot()
	if !slices.Equal(snap.Inconsistent, []string{"c"}) {
		t.Errorf("inconsistent %v, want [c]", snap.Inconsistent)
	}
	if _, ok := snap.Tasks["c"]; ok {
		t.Errorf("inconsistent connector exposes tasks %v", snap.Tasks["c"])
	}
	if snap.TaskCounts["c"] != 2 {
		t.Errorf("task count %d, want 2", snap.TaskCounts["c"])
	}
	// A complete set (with a stale higher id tolerated) repairs it.
	produce("task-c-0", `{"properties":{"t":"0c"}}`)
	produce("task-c-2", `{"properties":{"t":"stale"}}`)
	produce("task-c-1", `{"properties":{"t":"1c"}}`)
	produce("commit-c", `{"tasks":2}`)
	snap = s.FullSnapshot()
	if len(snap.Inconsistent) != 0 || fmt.Sprint(snap.Tasks["c"]) != "[map[t:0c] map[t:1c]]" {
		t.Errorf("after repair: inconsistent %v, tasks %v", snap.Inconsistent, snap.Tasks["c"])
	}
	// A commit for a connector without config is ignored.
	produce("task-gone-0", `{"properties":{"t":"x"}}`)
	produce("commit-gone", `{"tasks":1}`)
	if _, ok := s.Snapshot().Tasks["gone"]; ok {
		t.Error("commit of a connector without config applied")
	}
	// Garbage from another writer: skipped, the store keeps going.
	before := s.Snapshot()
	for _, kv := range [][2]string{
		{"connector-c", `{"properties":7}`}, {"task-c-x", `{"properties":{}}`},
		{"commit-c", `{"tasks":"two"}`}, {"target-state-c", `{"state":"SLEEPING"}`}, {"session-key", `{"key":1}`},
		{"restart-connector-c", `[]`}, {"tasks-fencing-c", `{}`}, {"whatever", `{}`}, {"logger-cluster-x", `{"level":5}`},
		{"connector-c", `not json`},
	} {
		produce(kv[0], kv[1])
	}
	after := s.Snapshot()
	if fmt.Sprint(after.Connectors, after.Tasks, after.Targets) != fmt.Sprint(before.Connectors, before.Tasks, before.Targets) {
		t.Errorf("garbage changed the state:\n%v\n%v", before, after)
	}
	// The offset is the last record that parsed as JSON + 1 (Kafka sets it
	// after its converter step): 12 records before the garbage, then 9 JSON
	// ones at offsets 12..20 and a non-JSON one at 21.
	if before.Offset != 12 || after.Offset != 21 {
		t.Errorf("offset %d -> %d, want 12 -> 21", before.Offset, after.Offset)
	}
}

// TestConfigStoreExtras: session key, restart requests, task-count records
// and logger levels, and which of them reach a listener.
func TestConfigStoreExtras(t *testing.T) {
	k := testkit.Kafka(t)
	topic := testkit.UniqueTopic("configs")
	a := startConfigStore(t, k, topic)
	ctx := testCtx(t)
	if err := a.PutConnectorConfig(ctx, "c", map[string]string{"name": "c"}, ""); err != nil {
		t.Fatal(err)
	}
	// Written before the second worker starts: not delivered to it.
	if err := a.PutRestartRequest(ctx, RestartRequest{Connector: "c", OnlyFailed: true}); err != nil {
		t.Fatal(err)
	}
	b := startConfigStore(t, k, topic)
	var ev events
	b.SetListener(&ev)
	key := SessionKey{Key: []byte("0123456789abcdef0123456789abcdef"), Algorithm: "HmacSHA256", CreationTimestamp: 1730000000000}
	steps := []func() error{
		func() error { return a.PutSessionKey(ctx, key) },
		func() error { return a.PutRestartRequest(ctx, RestartRequest{Connector: "c", IncludeTasks: true}) },
		func() error { return a.PutTaskConfigs(ctx, "c", []map[string]string{{"t": "0"}}) },
		func() error { return a.PutTaskCountRecord(ctx, "c", 1) },
		func() error { return a.PutLoggerLevel(ctx, "org.onec", "DEBUG") },
		func() error { return b.Refresh(ctx) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	waitEvents(t, &ev, "session-key HmacSHA256", "restart c tasks=true failed=false", "tasks [c-0]")
	snap := b.FullSnapshot()
	if snap.SessionKey == nil || string(snap.SessionKey.Key) != string(key.Key) || snap.SessionKey.CreationTimestamp != key.CreationTimestamp {
		t.Errorf("session key %+v", snap.SessionKey)
	}
	if snap.TaskCountRecords["c"] != 1 || len(snap.PendingFencing) != 0 {
		t.Errorf("task count records %v, pending fencing %v", snap.TaskCountRecords, snap.PendingFencing)
	}
	if snap.LoggerLevels["org.onec"] != "DEBUG" {
		t.Errorf("logger levels %v", snap.LoggerLevels)
	}
	recs := recordsOf(t, k, topic)
	for _, want := range []string{
		`restart-connector-c => {"include-tasks":false,"only-failed":true}`,
		`session-key => {"key":"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=","algorithm":"HmacSHA256","creation-timestamp":1730000000000}`,
		`tasks-fencing-c => {"task-count":1}`,
		`logger-cluster-org.onec => {"level":"DEBUG"}`,
	} {
		if !slices.Contains(recs, want) {
			t.Errorf("topic lacks %s; has %q", want, recs)
		}
	}
}
