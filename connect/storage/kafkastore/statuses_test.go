package kafkastore

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/storage"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

func startStatusStore(t *testing.T, k *testkit.KafkaCluster, topic string) *StatusStore {
	t.Helper()
	s := NewStatusStore(StatusStoreConfig{
		Log: logConfig(k, StatusTopicSpec(topic, DefaultStatusPartitions, 0)),
		Now: func() time.Time { return time.UnixMilli(1730000000123) },
	})
	if err := s.Start(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Stop(testCtx(t)) })
	return s
}

// TestStatusStoreTwoWorkers: round trip, another worker's view, bytes and
// partitions on the topic, tombstones on delete.
func TestStatusStoreTwoWorkers(t *testing.T) {
	k := testkit.Kafka(t, testkit.Brokers(3))
	topic := testkit.UniqueTopic("status")
	a := startStatusStore(t, k, topic)
	b := startStatusStore(t, k, topic)
	ctx := testCtx(t)
	t0 := connect.TaskID{Connector: "orders-sink", Task: 0}
	t1 := connect.TaskID{Connector: "orders-sink", Task: 1}
	writes := []func() error{
		func() error {
			return a.PutConnector(ctx, storage.ConnectorStatus{Connector: "orders-sink", State: storage.StateRunning, WorkerID: "10.0.0.5:8083", Generation: 3})
		},
		func() error {
			return a.PutTask(ctx, storage.TaskStatus{ID: t0, State: storage.StateRunning, WorkerID: "10.0.0.5:8083", Generation: 3})
		},
		func() error {
			return a.PutTask(ctx, storage.TaskStatus{ID: t1, State: storage.StateFailed, Trace: "boom\n\tat x", WorkerID: "10.0.0.6:8083", Generation: 3})
		},
		func() error { return a.PutTopic(ctx, "orders-sink", "orders") },
		func() error { return a.PutTopic(ctx, "orders-sink", "orders") }, // already known: no second record
		func() error { return b.Refresh(ctx) },
	}
	for _, w := range writes {
		if err := w(); err != nil {
			t.Fatal(err)
		}
	}
	for name, s := range map[string]*StatusStore{"writer": a, "reader": b} {
		if c, ok := s.Connector("orders-sink"); !ok || c.State != storage.StateRunning || c.Generation != 3 || c.WorkerID != "10.0.0.5:8083" {
			t.Errorf("%s: connector %+v, %v", name, c, ok)
		}
		ts := s.Tasks("orders-sink")
		if len(ts) != 2 || ts[1].State != storage.StateFailed || ts[1].Trace != "boom\n\tat x" {
			t.Errorf("%s: tasks %+v", name, ts)
		}
		if got := s.Topics("orders-sink"); !slices.Equal(got, []string{"orders"}) {
			t.Errorf("%s: topics %v", name, got)
		}
		if got := s.Connectors(); !slices.Equal(got, []string{"orders-sink"}) {
			t.Errorf("%s: connectors %v", name, got)
		}
	}
	if err := a.DeleteTopics(ctx, "orders-sink"); err != nil {
		t.Fatal(err)
	}
	if err := a.DeleteConnector(ctx, "orders-sink"); err != nil {
		t.Fatal(err)
	}
	if err := b.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := b.Connector("orders-sink"); ok || len(b.Tasks("orders-sink")) != 0 || len(b.Topics("orders-sink")) != 0 {
		t.Errorf("after delete: %v %v %v", b.Connectors(), b.Tasks("orders-sink"), b.Topics("orders-sink"))
	}
	var got []string
	for _, m := range k.ReadAll(t, topic) {
		if want := javaPartition(m.Key, DefaultStatusPartitions); m.Partition != want {
			t.Errorf("%s on partition %d, Java partitioner %d", m.Key, m.Partition, want)
		}
		v := "null"
		if m.Value != nil {
			v = string(m.Value)
		}
		got = append(got, string(m.Key)+" => "+v)
	}
	slices.Sort(got)
	want := []string{
		`status-connector-orders-sink => null`,
		`status-connector-orders-sink => {"state":"RUNNING","trace":null,"worker_id":"10.0.0.5:8083","generation":3}`,
		`status-task-orders-sink-0 => null`,
		`status-task-orders-sink-0 => {"state":"RUNNING","trace":null,"worker_id":"10.0.0.5:8083","generation":3}`,
		`status-task-orders-sink-1 => null`,
		`status-task-orders-sink-1 => {"state":"FAILED","trace":"boom\n\tat x","worker_id":"10.0.0.6:8083","generation":3}`,
		`status-topic-orders:connector-orders-sink => null`,
		`status-topic-orders:connector-orders-sink => {"topic":{"name":"orders","connector":"orders-sink","task":0,"discoverTimestamp":1730000000123}}`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("topic holds\n%q\nwant\n%q", got, want)
	}
}

// TestStatusStoreGenerations: the zombie rule on writes and Kafka's
// UNASSIGNED rule on reads.
func TestStatusStoreGenerations(t *testing.T) {
	k := testkit.Kafka(t)
	topic := testkit.UniqueTopic("status")
	a := startStatusStore(t, k, topic)
	zombie := startStatusStore(t, k, topic)
	ctx := testCtx(t)
	id := connect.TaskID{Connector: "c", Task: 0}
	task := func(state storage.State, worker string, gen int32) storage.TaskStatus {
		return storage.TaskStatus{ID: id, State: state, WorkerID: worker, Generation: gen}
	}
	tests := []struct {
		name  string
		store *StatusStore
		put   func(s *StatusStore) error
		want  string
	}{
		{"live worker, generation 5", a,
			func(s *StatusStore) error { return s.PutTask(ctx, task(storage.StateRunning, "w1:8083", 5)) }, "RUNNING w1:8083 5"},
		{"zombie from generation 4 is ignored", zombie,
			func(s *StatusStore) error { return s.PutTask(ctx, task(storage.StateFailed, "w2:8083", 4)) }, "RUNNING w1:8083 5"},
		{"connector status of an older generation is ignored", zombie,
			func(s *StatusStore) error {
				if err := a.PutConnector(ctx, storage.ConnectorStatus{Connector: "c", State: storage.StateRunning, WorkerID: "w1:8083", Generation: 5}); err != nil {
					return err
				}
				if err := s.Refresh(ctx); err != nil {
					return err
				}
				return s.PutConnector(ctx, storage.ConnectorStatus{Connector: "c", State: storage.StateUnassigned, WorkerID: "w2:8083", Generation: 4})
			}, "RUNNING w1:8083 5"},
		{"same worker may go back", a,
			func(s *StatusStore) error { return s.PutTask(ctx, task(storage.StatePaused, "w1:8083", 5)) }, "PAUSED w1:8083 5"},
		{"newer generation from another worker wins", zombie,
			func(s *StatusStore) error { return s.PutTask(ctx, task(storage.StateRunning, "w2:8083", 6)) }, "RUNNING w2:8083 6"},
		{"late UNASSIGNED of the same generation is ignored on read", a,
			func(s *StatusStore) error { return s.ForcePutTask(ctx, task(storage.StateUnassigned, "w1:8083", 6)) }, "RUNNING w2:8083 6"},
		{"forced write of an older generation is applied", a,
			func(s *StatusStore) error { return s.ForcePutTask(ctx, task(storage.StateFailed, "w1:8083", 2)) }, "FAILED w1:8083 2"},
	}
	for _, tt := range tests {
		if err := tt.store.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if err := tt.put(tt.store); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		for name, s := range map[string]*StatusStore{"a": a, "zombie": zombie} {
			if err := s.Refresh(ctx); err != nil {
				t.Fatal(err)
			}
			st, _ := s.Task(id)
			got := fmt.Sprintf("%s %s %d", st.State, st.WorkerID, st.Generation)
			if tt.name == "connector status of an older generation is ignored" {
				c, _ := s.Connector("c")
				got = fmt.Sprintf("%s %s %d", c.State, c.WorkerID, c.Generation)
			}
			if got != tt.want {
				t.Errorf("%s: store %s holds %s, want %s", tt.name, name, got, tt.want)
			}
		}
	}
	// DESTROYED is a tombstone.
	if err := a.PutTask(ctx, task(storage.StateDestroyed, "w1:8083", 7)); err != nil {
		t.Fatal(err)
	}
	if _, ok := a.Task(id); ok {
		t.Error("DESTROYED task status still present")
	}
}
