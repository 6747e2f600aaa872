package kafkastore

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/onecconnect/onecconnect/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// testTimeout bounds every blocking call of a test.
const testTimeout = 30 * time.Second

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

// testLogger prints warnings with -v and discards them otherwise (the
// malformed-record tests log on purpose).
func testLogger() *slog.Logger {
	w := io.Writer(io.Discard)
	if testing.Verbose() {
		w = os.Stderr
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// logConfig returns a LogConfig for the cluster; the replication factor is
// the broker count (at most 3).
func logConfig(k *testkit.KafkaCluster, spec TopicSpec) LogConfig {
	if spec.ReplicationFactor == 0 {
		spec.ReplicationFactor = int16(min(3, len(k.Bootstrap)))
	}
	return LogConfig{Brokers: k.Bootstrap, Sarama: testkit.SaramaConfig(), ClientID: "kafkastore-test", Topic: spec, Logger: testLogger()}
}

// recorder collects what a Log applies.
type recorder struct {
	mu   sync.Mutex
	recs []Record
}

func (r *recorder) apply(rec Record) {
	r.mu.Lock()
	r.recs = append(r.recs, rec)
	r.mu.Unlock()
}

func (r *recorder) values() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, len(r.recs))
	for i, rec := range r.recs {
		if rec.Value == nil {
			out[i] = string(rec.Key) + "=<nil>"
		} else {
			out[i] = string(rec.Key) + "=" + string(rec.Value)
		}
	}
	return out
}

func startLog(t *testing.T, cfg LogConfig, apply func(Record)) *Log {
	t.Helper()
	l := NewLog(cfg, apply)
	if err := l.Start(testCtx(t)); err != nil {
		t.Fatalf("start log: %v", err)
	}
	t.Cleanup(func() {
		if err := l.Stop(context.Background()); err != nil {
			t.Errorf("stop log: %v", err)
		}
	})
	return l
}

func compactTopic(t *testing.T, k *testkit.KafkaCluster, name string, partitions int32) {
	t.Helper()
	k.CreateTopic(t, name, partitions, map[string]string{"cleanup.policy": "compact"})
}

// txnProducer returns a transactional producer for the cluster.
func txnProducer(t *testing.T, k *testkit.KafkaCluster, id string) sarama.SyncProducer {
	t.Helper()
	cfg := testkit.SaramaConfig()
	cfg.Producer.Idempotent = true
	cfg.Producer.Transaction.ID = id
	cfg.Net.MaxOpenRequests = 1
	p, err := sarama.NewSyncProducer(k.Bootstrap, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

func txn(t *testing.T, p sarama.SyncProducer, commit bool, msgs ...*sarama.ProducerMessage) {
	t.Helper()
	if err := p.BeginTxn(); err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if _, _, err := p.SendMessage(m); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	if commit {
		err = p.CommitTxn()
	} else {
		err = p.AbortTxn()
	}
	if err != nil {
		t.Fatal(err)
	}
}

// TestLogReadToEndTransactionMarker: the log's tail is a commit marker
// (a control batch with no record a consumer sees), so a position taken
// from the last record would never reach the end offset.
func TestLogReadToEndTransactionMarker(t *testing.T) {
	k := testkit.Kafka(t)
	topic := testkit.UniqueTopic("txn-tail")
	compactTopic(t, k, topic, 1)
	p := txnProducer(t, k, "kafkastore-"+topic)
	txn(t, p, true, testkit.Message(topic, "a", "1"), testkit.Message(topic, "b", "2"))

	var rec recorder
	l := startLog(t, logConfig(k, TopicSpec{Name: topic, Partitions: 1}), rec.apply)
	if got, want := strings.Join(rec.values(), ","), "a=1,b=2"; got != want {
		t.Errorf("applied %s, want %s", got, want)
	}
	// The end offset counts the marker: 2 records + 1 marker.
	if pos := l.Positions()[0]; pos != 3 {
		t.Errorf("position %d, want 3", pos)
	}
	// An aborted transaction, then a committed one: the tail is again a
	// marker, reached by the running log.
	txn(t, p, false, testkit.Message(topic, "x", "aborted"))
	txn(t, p, true, testkit.Message(topic, "c", "3"))
	if err := l.ReadToEnd(testCtx(t)); err != nil {
		t.Fatalf("read to end: %v", err)
	}
	if got, want := strings.Join(rec.values(), ","), "a=1,b=2,x=aborted,c=3"; got != want {
		t.Errorf("applied %s, want %s", got, want)
	}
	if pos := l.Positions()[0]; pos != 7 {
		t.Errorf("position %d, want 7", pos)
	}
}

// TestLogReadCommittedSkipsAborted starts a read_committed log on a topic
// holding an aborted transaction before a committed one.
func TestLogReadCommittedSkipsAborted(t *testing.T) {
	k := testkit.Kafka(t)
	topic := testkit.UniqueTopic("txn-abort")
	compactTopic(t, k, topic, 1)
	p := txnProducer(t, k, "kafkastore-"+topic)
	txn(t, p, true, testkit.Message(topic, "a", "1"))
	txn(t, p, false, testkit.Message(topic, "b", "aborted"))
	txn(t, p, true, testkit.Message(topic, "c", "3"))
	for _, tt := range []struct {
		readCommitted bool
		want          string
	}{
		{true, "a=1,c=3"},
		{false, "a=1,b=aborted,c=3"},
	} {
		var rec recorder
		cfg := logConfig(k, TopicSpec{Name: topic, Partitions: 1})
		cfg.ReadCommitted = tt.readCommitted
		startLog(t, cfg, rec.apply)
		if got := strings.Join(rec.values(), ","); got != tt.want {
			t.Errorf("read_committed=%v: applied %s, want %s", tt.readCommitted, got, tt.want)
		}
	}
}

// TestLogReadToEndCompacted reads a compacted log: offsets have gaps and
// superseded records are gone, and read-to-end still terminates.
func TestLogReadToEndCompacted(t *testing.T) {
	k := testkit.Kafka(t)
	fake := k.RequireFake(t)
	topic := testkit.UniqueTopic("compacted")
	k.CreateTopic(t, topic, 1, map[string]string{"cleanup.policy": "compact", "delete.retention.ms": "0"})
	for i := 0; i < 5; i++ {
		k.Produce(t, testkit.Message(topic, "k", string(rune('a'+i))))
	}
	k.Produce(t, &sarama.ProducerMessage{Topic: topic, Key: sarama.StringEncoder("gone")})
	p := txnProducer(t, k, "kafkastore-"+topic)
	txn(t, p, true, testkit.Message(topic, "k", "final"))
	fake.Compact()

	var rec recorder
	l := startLog(t, logConfig(k, TopicSpec{Name: topic, Partitions: 1}), rec.apply)
	got := rec.values()
	if len(got) == 0 || got[len(got)-1] != "k=final" {
		t.Fatalf("applied %v, want it to end with k=final", got)
	}
	if len(got) >= 7 {
		t.Errorf("applied %v: compaction removed nothing", got)
	}
	if pos := l.Positions()[0]; pos != 8 {
		t.Errorf("position %d, want 8 (6 records, 1 txn record, 1 marker)", pos)
	}
	for i, r := range rec.recs[1:] {
		if r.Offset <= rec.recs[i].Offset {
			t.Errorf("offsets not increasing: %d after %d", r.Offset, rec.recs[i].Offset)
		}
	}
}

// TestLogSendPlacement writes keyed records through a Log and checks they
// landed on the partitions Kafka's Java partitioner picks.
func TestLogSendPlacement(t *testing.T) {
	k := testkit.Kafka(t, testkit.Brokers(3))
	topic := testkit.UniqueTopic("placement")
	var rec recorder
	l := startLog(t, logConfig(k, TopicSpec{Name: topic, Partitions: 5}), rec.apply)
	if n := l.Partitions(); n != 5 {
		t.Fatalf("partitions %d, want 5", n)
	}
	keys := []string{"status-connector-orders-sink", "status-task-orders-sink-0", "status-task-orders-sink-1", "a", "bb", "ccc", "dddd"}
	ctx := testCtx(t)
	for _, key := range keys {
		s, err := l.Send(ctx, []byte(key), []byte(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		if want := javaPartition([]byte(key), 5); s.Partition != want {
			t.Errorf("%s: partition %d, Java partitioner %d", key, s.Partition, want)
		}
		if err := l.WaitApplied(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(rec.values()); got != len(keys) {
		t.Errorf("applied %d records, want %d", got, len(keys))
	}
	for _, m := range k.ReadAll(t, topic) {
		if want := javaPartition(m.Key, 5); m.Partition != want {
			t.Errorf("%s: on partition %d, Java partitioner %d", m.Key, m.Partition, want)
		}
	}
}

func TestLogNotStarted(t *testing.T) {
	l := NewLog(LogConfig{Topic: TopicSpec{Name: "x"}}, func(Record) {})
	if _, err := l.Send(context.Background(), []byte("k"), nil); !errors.Is(err, ErrNotStarted) {
		t.Errorf("send before start: %v, want ErrNotStarted", err)
	}
	if err := l.ReadToEnd(context.Background()); !errors.Is(err, ErrNotStarted) {
		t.Errorf("read to end before start: %v, want ErrNotStarted", err)
	}
	if err := l.Stop(context.Background()); err != nil {
		t.Errorf("stop before start: %v", err)
	}
}

// TestLogReadToEndEmptyTail: the broker reports a high watermark past the
// last batch it returns (a tail removed by compaction). kfake never
// compacts its last batch, so the broker's answer is faked: every fetch at
// offset 2 or later comes back empty with high watermark 3.
func TestLogReadToEndEmptyTail(t *testing.T) {
	k := testkit.Kafka(t)
	fake := k.RequireFake(t)
	topic := testkit.UniqueTopic("empty-tail")
	compactTopic(t, k, topic, 1)
	k.Produce(t, testkit.Message(topic, "a", "1"), testkit.Message(topic, "b", "2"))
	var rec recorder
	l := startLog(t, logConfig(k, TopicSpec{Name: topic, Partitions: 1}), rec.apply)

	var mu sync.Mutex
	faked := 0
	fake.ControlKey(kmsg.Fetch.Int16(), func(req kmsg.Request) (kmsg.Response, error, bool) {
		fake.KeepControl()
		r := req.(*kmsg.FetchRequest)
		if len(r.Topics) != 1 || r.Topics[0].Topic != topic || len(r.Topics[0].Partitions) != 1 ||
			r.Topics[0].Partitions[0].FetchOffset < 2 {
			return nil, nil, false
		}
		resp := r.ResponseKind().(*kmsg.FetchResponse)
		resp.Version = r.Version
		rt := kmsg.NewFetchResponseTopic()
		rt.Topic = topic
		rp := kmsg.NewFetchResponseTopicPartition()
		rp.Partition = 0
		rp.HighWatermark = 3
		rp.LastStableOffset = 3
		rp.LogStartOffset = 0
		rp.RecordBatches = []byte{}
		rt.Partitions = append(rt.Partitions, rp)
		resp.Topics = append(resp.Topics, rt)
		mu.Lock()
		faked++
		mu.Unlock()
		return resp, nil, true
	})
	k.Produce(t, testkit.Message(topic, "c", "3"))
	if err := l.ReadToEnd(testCtx(t)); err != nil {
		t.Fatalf("read to end: %v", err)
	}
	if pos := l.Positions()[0]; pos != 3 {
		t.Errorf("position %d, want 3", pos)
	}
	if got, want := strings.Join(rec.values(), ","), "a=1,b=2"; got != want {
		t.Errorf("applied %s, want %s", got, want)
	}
	mu.Lock()
	defer mu.Unlock()
	if faked < 2 {
		t.Errorf("%d fetches faked; want the poll and the confirming fetch", faked)
	}
}
