package runtime

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/plugins"
	"github.com/onecconnect/onecconnect/connect/storage"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// errSink is a sink that records what it is given by coordinates, can fail
// Put with retriable errors for a while, and can report records through
// the ErrantRecordReporter instead of keeping them.
type errSink struct {
	mu          sync.Mutex
	got         map[string]int // "partition/offset" → deliveries
	failUntil   time.Time      // Put fails retriably until then
	failedPuts  int
	reportEvery int64 // report records whose offset is a multiple (0: none)
	reported    int
	reportErrs  []error
}

func newErrSink() *errSink { return &errSink{got: map[string]int{}} }

func (s *errSink) distinct() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.got)
}

func (s *errSink) duplicates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.got {
		n += c - 1
	}
	return n
}

type errSinkConn struct{ s *errSink }

func (c *errSinkConn) Version() string                                   { return "1" }
func (c *errSinkConn) Config() *config.ConfigDef                         { return config.NewConfigDef() }
func (c *errSinkConn) Validate(context.Context, map[string]string) error { return nil }
func (c *errSinkConn) Start(context.Context, connect.ConnectorContext, map[string]string) error {
	return nil
}
func (c *errSinkConn) TaskConfigs(int) ([]map[string]string, error) {
	return []map[string]string{{}}, nil
}
func (c *errSinkConn) Stop(context.Context) error { return nil }
func (c *errSinkConn) NewTask() connect.SinkTask  { return &errSinkTask{s: c.s} }

type errSinkTask struct {
	s    *errSink
	tctx connect.SinkTaskContext
}

func (t *errSinkTask) Start(_ context.Context, tctx connect.SinkTaskContext, _ map[string]string) error {
	t.tctx = tctx
	return nil
}
func (t *errSinkTask) Open(context.Context, []connect.TopicPartition) error  { return nil }
func (t *errSinkTask) Close(context.Context, []connect.TopicPartition) error { return nil }
func (t *errSinkTask) Put(ctx context.Context, recs []*connect.SinkRecord) error {
	s := t.s
	s.mu.Lock()
	if time.Now().Before(s.failUntil) {
		s.failedPuts++
		s.mu.Unlock()
		return connect.Retriablef("warehouse database is restarting")
	}
	s.mu.Unlock()
	for _, r := range recs {
		if s.reportEvery > 0 && r.OriginalOffset%s.reportEvery == 0 {
			err := t.tctx.ErrantRecordReporter().Report(ctx, r, fmt.Errorf("row %d rejected by the warehouse", r.OriginalOffset))
			s.mu.Lock()
			s.reported++
			if err != nil {
				s.reportErrs = append(s.reportErrs, err)
			}
			s.mu.Unlock()
			if err != nil {
				return err
			}
			continue
		}
		s.mu.Lock()
		s.got[fmt.Sprintf("%d/%d", r.OriginalPartition, r.OriginalOffset)]++
		s.mu.Unlock()
	}
	return nil
}
func (t *errSinkTask) Flush(context.Context, map[connect.TopicPartition]int64) error { return nil }
func (t *errSinkTask) Stop(context.Context) error                                    { return nil }

// produceJSONRows writes n records keyed "k<i>" to topic; every record
// whose index is ≡ 7 (mod badEvery) has a malformed JSON value (badEvery 0:
// none). It returns the indexes of the malformed ones.
func produceJSONRows(t *testing.T, k *testkit.KafkaCluster, topic string, n, badEvery int) map[string]bool {
	t.Helper()
	bad := map[string]bool{}
	msgs := make([]*sarama.ProducerMessage, 0, n)
	for i := range n {
		v := fmt.Sprintf(`{"id":%d,"name":"Номенклатура %d"}`, i, i)
		if badEvery > 0 && i%badEvery == 7 {
			v = fmt.Sprintf(`{"id":%d,"name":"Номенклатура`, i) // truncated
			bad["k"+strconv.Itoa(i)] = true
		}
		msgs = append(msgs, testkit.Message(topic, "k"+strconv.Itoa(i), v))
	}
	k.Produce(t, msgs...)
	return bad
}

// waitGroupCaughtUp waits until the consumer group has committed the end
// offset of every partition of topic.
func waitGroupCaughtUp(t *testing.T, k *testkit.KafkaCluster, group, topic string, partitions int32, timeout time.Duration) {
	t.Helper()
	client := k.Client(t)
	admin := k.Admin(t)
	deadline := time.Now().Add(timeout)
	var last string
	for time.Now().Before(deadline) {
		res, err := admin.ListConsumerGroupOffsets(group, map[string][]int32{topic: partitionList(partitions)})
		if err == nil {
			ok := true
			last = ""
			for p := range partitions {
				end, err := client.GetOffset(topic, p, sarama.OffsetNewest)
				if err != nil {
					ok = false
					break
				}
				got := int64(-1)
				if b := res.GetBlock(topic, p); b != nil {
					got = b.Offset
				}
				last += fmt.Sprintf(" p%d committed %d end %d;", p, got, end)
				if got != end {
					ok = false
				}
			}
			if ok {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("group %s not caught up on %s:%s", group, topic, last)
}

func partitionList(n int32) []int32 {
	out := make([]int32, n)
	for i := range out {
		out[i] = int32(i)
	}
	return out
}

func headerMap(m *sarama.ConsumerMessage) map[string]string {
	out := map[string]string{}
	for _, h := range m.Headers {
		out[string(h.Key)] = string(h.Value)
	}
	return out
}

func counterValue(t *testing.T, w *Worker, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := w.Metrics().Registry.Gather()
	mustNoErr(t, err, "gather")
	sum := 0.0
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
			sum += m.GetCounter().GetValue()
		}
	}
	return sum
}

// TestSinkErrorHandling feeds a sink 10,000 records (1% malformed JSON in
// some cases) under several errors.* configurations.
func TestSinkErrorHandling(t *testing.T) {
	const n = 10_000
	k := testkit.Kafka(t)
	tests := []struct {
		name        string
		badEvery    int
		props       map[string]string
		failFor     time.Duration // Put fails retriably this long at first
		reportEvery int64
		check       func(t *testing.T, c *sinkCase)
	}{
		{
			name: "tolerance all sends malformed records to the DLQ", badEvery: 100,
			props: map[string]string{connect.KeyErrorsTolerance: "all", connect.KeyDLQContextHeadersEnable: "true"},
			check: func(t *testing.T, c *sinkCase) {
				c.waitDelivered(t, n-n/100)
				dlq := c.k.WaitFor(t, c.dlq, n/100, 20*time.Second)
				waitGroupCaughtUp(t, c.k, "connect-"+c.name, c.topic, 2, 20*time.Second)
				c.checkSinkDLQ(t, dlq, "VALUE_CONVERTER", javaDataException)
				if got := counterValue(t, c.w, "connect_errors_tolerated_total", map[string]string{"connector": c.name, "stage": "VALUE_CONVERTER"}); got != n/100 {
					t.Errorf("tolerated counter = %v, want %d", got, n/100)
				}
				if got := counterValue(t, c.w, "connect_deadletterqueue_produce_total", map[string]string{"connector": c.name, "stage": "VALUE_CONVERTER"}); got != n/100 {
					t.Errorf("DLQ counter = %v, want %d", got, n/100)
				}
				if c.rec.last(c.name+"-0") != "RUNNING" {
					t.Errorf("task state %s", c.rec.last(c.name+"-0"))
				}
			},
		},
		{
			name: "tolerance none fails the task with the trace", badEvery: 100,
			props: map[string]string{connect.KeyDLQContextHeadersEnable: "true"},
			check: func(t *testing.T, c *sinkCase) {
				c.rec.waitState(t, c.name+"-0", "FAILED", 20*time.Second)
				tr := c.rec.trace(c.name + "-0")
				for _, want := range []string{"Tolerance exceeded in error handler", "VALUE_CONVERTER", "JsonConverter", "converters.DataError"} {
					if !strings.Contains(tr, want) {
						t.Errorf("trace lacks %q:\n%s", want, tr)
					}
				}
				if got := c.s.distinct(); got >= n {
					t.Errorf("%d records delivered past a malformed one", got)
				}
				if msgs := c.k.ReadAll(t, c.dlq); len(msgs) != 0 {
					t.Errorf("DLQ holds %d records under tolerance none", len(msgs))
				}
			},
		},
		{
			name:    "retriable Put failure heals within errors.retry.timeout",
			props:   map[string]string{connect.KeyErrorsRetryTimeout: "10000", connect.KeyErrorsRetryDelayMax: "200"},
			failFor: 1500 * time.Millisecond,
			check: func(t *testing.T, c *sinkCase) {
				c.waitDelivered(t, n)
				waitGroupCaughtUp(t, c.k, "connect-"+c.name, c.topic, 2, 20*time.Second)
				if d := c.s.duplicates(); d != 0 {
					t.Errorf("%d duplicates", d)
				}
				c.s.mu.Lock()
				failed := c.s.failedPuts
				c.s.mu.Unlock()
				if failed < 2 {
					t.Errorf("Put failed %d times; the test did not exercise retries", failed)
				}
				if got := counterValue(t, c.w, "connect_errors_retries_total", map[string]string{"connector": c.name, "stage": "TASK_PUT"}); got < 1 {
					t.Errorf("retries counter = %v", got)
				}
				if c.rec.last(c.name+"-0") != "RUNNING" {
					t.Errorf("task state %s", c.rec.last(c.name+"-0"))
				}
			},
		},
		{
			name:        "errant record reporter writes the original bytes",
			props:       map[string]string{connect.KeyErrorsTolerance: "all", connect.KeyDLQContextHeadersEnable: "true"},
			reportEvery: 50,
			check: func(t *testing.T, c *sinkCase) {
				c.k.WaitFor(t, c.dlq, 1, 20*time.Second)
				waitGroupCaughtUp(t, c.k, "connect-"+c.name, c.topic, 2, 20*time.Second)
				dlq := c.k.ReadAll(t, c.dlq)
				c.s.mu.Lock()
				reported, errs := c.s.reported, len(c.s.reportErrs)
				c.s.mu.Unlock()
				if len(dlq) != reported || errs != 0 || reported < n/50 {
					t.Fatalf("DLQ %d records, reported %d (errors %d)", len(dlq), reported, errs)
				}
				if got := c.s.distinct(); got+reported != n {
					t.Errorf("delivered %d + reported %d != %d", got, reported, n)
				}
				c.checkSinkDLQ(t, dlq, "TASK_PUT", "")
			},
		},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &sinkCase{k: k, name: "errsink" + strconv.Itoa(i), topic: testkit.UniqueTopic("errsink"), s: newErrSink(), rec: newRecorder()}
			c.dlq = c.topic + "-dlq"
			c.s.failUntil = time.Now().Add(tc.failFor)
			c.s.reportEvery = tc.reportEvery
			k.CreateTopic(t, c.topic, 2, nil)
			c.bad = produceJSONRows(t, k, c.topic, n, tc.badEvery)
			reg := testRegistry(plugins.Plugin{Class: "test.ErrSink", Kind: plugins.KindSink,
				NewSink: func() connect.SinkConnector { return &errSinkConn{s: c.s} }})
			c.w = newTestWorker(t, testWorkerConfig(t, k, nil), storage.NewMemoryOffsetStore(), reg)
			props := map[string]string{connect.KeyName: c.name, connect.KeyConnectorClass: "test.ErrSink", connect.KeyTopics: c.topic,
				connect.KeyValueConverter: "JsonConverter", "value.converter.schemas.enable": "false",
				connect.KeyDLQTopicName: c.dlq, connect.KeyDLQReplicationFactor: "1"}
			for k, v := range tc.props {
				props[k] = v
			}
			ids := startConnectorAndTasks(t, c.w, props, c.rec)
			defer stopAll(t, c.w, c.name, ids)
			tc.check(t, c)
		})
	}
}

// sinkCase is one run of TestSinkErrorHandling.
type sinkCase struct {
	k          *testkit.KafkaCluster
	w          *Worker
	rec        *statusRecorder
	s          *errSink
	name       string
	topic, dlq string
	bad        map[string]bool
}

func (c *sinkCase) waitDelivered(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for c.s.distinct() < n {
		if time.Now().After(deadline) {
			t.Fatalf("sink got %d records, want %d (state %s, trace %s)", c.s.distinct(), n, c.rec.last(c.name+"-0"), c.rec.trace(c.name+"-0"))
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	if got := c.s.distinct(); got != n {
		t.Fatalf("sink got %d records, want exactly %d", got, n)
	}
}

// checkSinkDLQ checks each dead-letter record against the source topic:
// same key, value and coordinates; context headers as Kafka Connect's.
func (c *sinkCase) checkSinkDLQ(t *testing.T, dlq []*sarama.ConsumerMessage, stage, exClass string) {
	t.Helper()
	orig := map[string]*sarama.ConsumerMessage{}
	for _, m := range c.k.ReadAll(t, c.topic) {
		orig[fmt.Sprintf("%d/%d", m.Partition, m.Offset)] = m
	}
	for _, m := range dlq {
		h := headerMap(m)
		key := h[HeaderErrorsPartition] + "/" + h[HeaderErrorsOffset]
		o := orig[key]
		if o == nil {
			t.Fatalf("DLQ record points at %s, not a record of %s: %v", key, c.topic, h)
		}
		if string(o.Key) != string(m.Key) || string(o.Value) != string(m.Value) {
			t.Fatalf("DLQ record %s: key/value %q/%q, original %q/%q", key, m.Key, m.Value, o.Key, o.Value)
		}
		if len(c.bad) > 0 && !c.bad[string(m.Key)] {
			t.Fatalf("well-formed record %s in the DLQ", m.Key)
		}
		want := map[string]string{HeaderErrorsTopic: c.topic, HeaderErrorsConnector: c.name, HeaderErrorsTaskID: "0", HeaderErrorsStage: stage}
		if exClass != "" {
			want[HeaderErrorsExceptionClass] = exClass
		}
		for hk, hv := range want {
			if h[hk] != hv {
				t.Fatalf("DLQ record %s: header %s = %q, want %q (all %v)", key, hk, h[hk], hv, h)
			}
		}
		if h[HeaderErrorsExceptionMsg] == "" || h[HeaderErrorsClass] == "" || h[HeaderErrorsExceptionTrace] == "" {
			t.Fatalf("DLQ record %s: missing exception headers: %v", key, h)
		}
	}
}
