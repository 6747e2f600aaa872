package runtime

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/plugins"
	"github.com/onecconnect/onecconnect/connect/storage"
	"github.com/onecconnect/onecconnect/converters"
	"github.com/onecconnect/onecconnect/internal/testkit"
	"github.com/onecconnect/onecconnect/schema"
)

// rowSource emits n string records ("row <i>", key "k<i>") of one source
// partition {"queue": "q1"} with offsets {"n": i}, in batches of 500.
// Records with i%100 == 99 are poison: their value claims an INT64 schema,
// which the JSON converter rejects. Records with even i carry the header
// keep=yes; with topic2 set, records with i%4 >= 2 go there.
type rowSource struct {
	n              int
	topic, topic2  string
	poison         bool
	strict         bool // the connector declares strict order
	committed      atomic.Int64
	skipped        atomic.Int64
	mu             sync.Mutex
	concurrentSeen bool
	inCommit       atomic.Int32
}

var (
	rowPartition = map[string]any{"queue": "q1"}
	optString    = schema.String().Optional().MustBuild()
)

func (c *rowSource) Version() string                                   { return "1" }
func (c *rowSource) Config() *config.ConfigDef                         { return config.NewConfigDef() }
func (c *rowSource) Validate(context.Context, map[string]string) error { return nil }
func (c *rowSource) Start(context.Context, connect.ConnectorContext, map[string]string) error {
	return nil
}
func (c *rowSource) TaskConfigs(int) ([]map[string]string, error) {
	return []map[string]string{{}}, nil
}
func (c *rowSource) Stop(context.Context) error  { return nil }
func (c *rowSource) NewTask() connect.SourceTask { return &rowTask{c: c} }

// StrictOrder implements connect.StrictOrderer.
func (c *rowSource) StrictOrder(map[string]string) bool { return c.strict }

type rowTask struct {
	c    *rowSource
	next int
}

func (t *rowTask) Start(context.Context, connect.SourceTaskContext, map[string]string) error {
	return nil
}
func (t *rowTask) Poll(ctx context.Context) ([]*connect.SourceRecord, error) {
	if t.next >= t.c.n {
		select {
		case <-ctx.Done():
		case <-time.After(50 * time.Millisecond):
		}
		return nil, nil
	}
	var out []*connect.SourceRecord
	for ; t.next < t.c.n && len(out) < 500; t.next++ {
		i := t.next
		r := &connect.SourceRecord{
			Record: connect.Record{Topic: t.c.topic, KeySchema: optString, Key: "k" + strconv.Itoa(i),
				ValueSchema: optString, Value: "row " + strconv.Itoa(i)},
			SourcePartition: rowPartition, SourceOffset: map[string]any{"n": int64(i)},
		}
		if t.c.poison && i%100 == 99 {
			r.ValueSchema, r.Value = schema.Int64().MustBuild(), "oops "+strconv.Itoa(i)
		}
		if t.c.topic2 != "" && i%4 >= 2 {
			r.Topic = t.c.topic2
		}
		if i%2 == 0 {
			r.Headers.AddString("keep", "yes")
		}
		out = append(out, r)
	}
	return out, nil
}
func (t *rowTask) Commit(context.Context) error { return nil }
func (t *rowTask) CommitRecord(_ context.Context, _ *connect.SourceRecord, md *connect.RecordMetadata) error {
	if t.c.inCommit.Add(1) != 1 {
		t.c.mu.Lock()
		t.c.concurrentSeen = true
		t.c.mu.Unlock()
	}
	defer t.c.inCommit.Add(-1)
	if md == nil {
		t.c.skipped.Add(1)
	} else {
		t.c.committed.Add(1)
	}
	return nil
}
func (t *rowTask) Stop(context.Context) error { return nil }

// flakyConverter is a value converter that fails every record whose value
// ends in "99" with a retriable error on its first two attempts.
type flakyConverter struct {
	mu       sync.Mutex
	attempts map[string]int
}

func (f *flakyConverter) Configure(map[string]string, bool) error { return nil }
func (f *flakyConverter) FromConnect(topic string, h *converters.Headers, s *schema.Schema, v any) ([]byte, error) {
	str, _ := v.(string)
	if strings.HasSuffix(str, "99") {
		f.mu.Lock()
		f.attempts[str]++
		n := f.attempts[str]
		f.mu.Unlock()
		if n <= 2 {
			return nil, connect.Retriablef("schema registry unavailable (attempt %d)", n)
		}
	}
	return rawStringConverter{}.FromConnect(topic, h, s, v)
}
func (f *flakyConverter) ToConnect(topic string, h converters.Headers, b []byte) (*schema.Schema, any, error) {
	return rawStringConverter{}.ToConnect(topic, h, b)
}

// sourceCase is one run of TestSourceErrorHandling.
type sourceCase struct {
	k          *testkit.KafkaCluster
	w          *Worker
	rec        *statusRecorder
	src        *rowSource
	mem        storage.OffsetStore
	name       string
	topic, dlq string
	ids        []connect.TaskID
}

// committedN returns the committed source offset "n" (-1 when none).
func (c *sourceCase) committedN(t *testing.T) int64 {
	t.Helper()
	entries, err := c.mem.List(t.Context(), c.name)
	mustNoErr(t, err, "list offsets")
	for _, e := range entries {
		if e.Partition["queue"] == "q1" {
			return e.Offset["n"].(int64)
		}
	}
	return -1
}

// TestSourceErrorHandling runs a source of 10,000 records whose converter
// rejects 1% under several errors.* configurations.
func TestSourceErrorHandling(t *testing.T) {
	const n = 10_000
	k := testkit.Kafka(t)
	flaky := &flakyConverter{attempts: map[string]int{}}
	tests := []struct {
		name   string
		poison bool
		strict bool
		props  map[string]string
		check  func(t *testing.T, c *sourceCase)
	}{
		{
			name: "tolerance all skips poison rows to the DLQ and advances offsets", poison: true,
			props: map[string]string{connect.KeyErrorsTolerance: "all", connect.KeyDLQContextHeadersEnable: "true"},
			check: func(t *testing.T, c *sourceCase) {
				msgs := c.k.WaitFor(t, c.topic, n-n/100, 30*time.Second)
				dlq := c.k.WaitFor(t, c.dlq, n/100, 30*time.Second)
				waitFor(t, 10*time.Second, func() bool { return c.src.committed.Load()+c.src.skipped.Load() == n })
				for metric, want := range map[string]float64{"connect_errors_tolerated_total": n / 100, "connect_deadletterqueue_produce_total": n / 100} {
					if got := counterValue(t, c.w, metric, map[string]string{"connector": c.name, "stage": "VALUE_CONVERTER"}); got != want {
						t.Errorf("%s = %v, want %v", metric, got, want)
					}
				}
				stopAll(t, c.w, c.name, c.ids)
				c.ids = nil
				if len(msgs) != n-n/100 {
					t.Fatalf("topic holds %d records, want %d", len(msgs), n-n/100)
				}
				for _, m := range msgs {
					if strings.HasSuffix(string(m.Value), `99"`) {
						t.Fatalf("poison record %s reached the topic", m.Value)
					}
				}
				if got := c.src.skipped.Load(); got != n/100 {
					t.Errorf("CommitRecord(nil) called %d times, want %d", got, n/100)
				}
				if got := c.committedN(t); got != n-1 {
					t.Errorf("committed offset n=%d, want %d (past the poison last row)", got, n-1)
				}
				for _, m := range dlq {
					h := headerMap(m)
					i, err := strconv.Atoi(strings.TrimPrefix(string(m.Key), "k"))
					if err != nil || i%100 != 99 {
						t.Fatalf("DLQ record key %q is not a poison row", m.Key)
					}
					want := map[string]string{
						HeaderErrorsTopic: c.topic, HeaderErrorsPartition: "-1", HeaderErrorsOffset: "-1",
						HeaderErrorsConnector: c.name, HeaderErrorsTaskID: "0", HeaderErrorsStage: "VALUE_CONVERTER",
						HeaderErrorsClass: "org.apache.kafka.connect.json.JsonConverter", HeaderErrorsExceptionClass: javaDataException,
						HeaderErrorsSourcePartition: `{"queue":"q1"}`, HeaderErrorsSourceOffset: fmt.Sprintf(`{"n":%d}`, i),
						"keep": "",
					}
					if i%2 == 0 {
						want["keep"] = "yes"
					}
					for hk, hv := range want {
						if h[hk] != hv {
							t.Fatalf("DLQ record %s: header %s = %q, want %q (all %v)", m.Key, hk, h[hk], hv, h)
						}
					}
					if wantV := fmt.Sprintf(`"oops %d"`, i); string(m.Value) != wantV {
						t.Fatalf("DLQ value %q, want the schemaless JSON fallback %q", m.Value, wantV)
					}
					if h[HeaderErrorsExceptionMsg] == "" {
						t.Fatalf("no exception message: %v", h)
					}
				}
				c.src.mu.Lock()
				conc := c.src.concurrentSeen
				c.src.mu.Unlock()
				if conc {
					t.Error("CommitRecord was called concurrently with itself")
				}
			},
		},
		{
			name: "tolerance none fails the task", poison: true,
			props: map[string]string{connect.KeyDLQContextHeadersEnable: "true"},
			check: func(t *testing.T, c *sourceCase) {
				c.rec.waitState(t, c.name+"-0", "FAILED", 20*time.Second)
				tr := c.rec.trace(c.name + "-0")
				for _, want := range []string{"Tolerance exceeded in error handler", "VALUE_CONVERTER", "JsonConverter"} {
					if !strings.Contains(tr, want) {
						t.Errorf("trace lacks %q:\n%s", want, tr)
					}
				}
				stopAll(t, c.w, c.name, c.ids)
				c.ids = nil
				if got := c.committedN(t); got >= 99 {
					t.Errorf("committed offset n=%d passes the first poison row 99", got)
				}
				if msgs := c.k.ReadAll(t, c.dlq); len(msgs) != 0 {
					t.Errorf("DLQ holds %d records", len(msgs))
				}
			},
		},
		{
			name: "strict order fails even under tolerance all", poison: true,
			props: map[string]string{connect.KeyErrorsTolerance: "all", connect.KeyErrorsStrictOrder: "true"},
			check: func(t *testing.T, c *sourceCase) {
				c.rec.waitState(t, c.name+"-0", "FAILED", 20*time.Second)
				if tr := c.rec.trace(c.name + "-0"); !strings.Contains(tr, connect.KeyErrorsStrictOrder) {
					t.Errorf("trace does not mention strict order:\n%s", tr)
				}
				stopAll(t, c.w, c.name, c.ids)
				c.ids = nil
				if got := c.committedN(t); got >= 99 {
					t.Errorf("committed offset n=%d passes the first poison row 99", got)
				}
				if msgs := c.k.ReadAll(t, c.dlq); len(msgs) != 0 {
					t.Errorf("DLQ holds %d records", len(msgs))
				}
			},
		},
		{
			name: "connector-declared strict order", poison: true, strict: true,
			props: map[string]string{connect.KeyErrorsTolerance: "all"},
			check: func(t *testing.T, c *sourceCase) {
				c.rec.waitState(t, c.name+"-0", "FAILED", 20*time.Second)
				stopAll(t, c.w, c.name, c.ids)
				c.ids = nil
				if got := c.src.skipped.Load(); got != 0 {
					t.Errorf("%d records skipped under strict order", got)
				}
			},
		},
		{
			name: "retriable converter failure heals within errors.retry.timeout",
			props: map[string]string{connect.KeyValueConverter: "test.Flaky", connect.KeyErrorsRetryTimeout: "10000",
				connect.KeyErrorsRetryDelayMax: "5"},
			check: func(t *testing.T, c *sourceCase) {
				msgs := c.k.WaitFor(t, c.topic, n, 60*time.Second)
				waitFor(t, 10*time.Second, func() bool { return c.src.committed.Load() == n })
				stopAll(t, c.w, c.name, c.ids)
				c.ids = nil
				seen := map[string]bool{}
				for _, m := range msgs {
					seen[string(m.Value)] = true
				}
				if len(seen) != n || len(msgs) != n {
					t.Fatalf("%d records (%d distinct), want %d", len(msgs), len(seen), n)
				}
				flaky.mu.Lock()
				retried := len(flaky.attempts)
				flaky.mu.Unlock()
				if retried != n/100 {
					t.Errorf("flaky converter saw %d failing rows, want %d", retried, n/100)
				}
				if got := c.committedN(t); got != n-1 {
					t.Errorf("committed n=%d", got)
				}
			},
		},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &sourceCase{k: k, name: "errsrc" + strconv.Itoa(i), topic: testkit.UniqueTopic("errsrc"), rec: newRecorder(),
				mem: storage.NewMemoryOffsetStore()}
			c.dlq = c.topic + "-dlq"
			c.src = &rowSource{n: n, topic: c.topic, poison: tc.poison, strict: tc.strict}
			k.CreateTopic(t, c.topic, 1, nil)
			reg := testRegistry(plugins.Plugin{Class: "test.RowSource", Kind: plugins.KindSource,
				NewSource: func() connect.SourceConnector { return c.src }})
			reg.RegisterConverter(converters.Plugin{Class: "test.Flaky", Version: "1", Config: config.NewConfigDef,
				New: func() converters.Converter { return flaky }})
			c.w = newTestWorker(t, testWorkerConfig(t, k, nil), c.mem, reg)
			props := map[string]string{connect.KeyName: c.name, connect.KeyConnectorClass: "test.RowSource",
				connect.KeyValueConverter: "JsonConverter", "value.converter.schemas.enable": "false",
				connect.KeyDLQTopicName: c.dlq, connect.KeyDLQReplicationFactor: "1"}
			for k, v := range tc.props {
				props[k] = v
			}
			c.ids = startConnectorAndTasks(t, c.w, props, c.rec)
			defer func() {
				if c.ids != nil {
					stopAll(t, c.w, c.name, c.ids)
				}
			}()
			tc.check(t, c)
		})
	}
}

// TestTransformChainWithPredicates runs a source through Filter (negated
// HasHeaderKey), InsertHeader (negated TopicNameMatches) and RegexRouter
// (TopicNameMatches) and checks where each record ends up, and that the
// offset advances over the filtered records.
func TestTransformChainWithPredicates(t *testing.T) {
	const n = 2000
	k := testkit.Kafka(t)
	topicA, topicB := testkit.UniqueTopic("chain-a"), testkit.UniqueTopic("chain-b")
	k.CreateTopic(t, topicA, 1, nil)
	k.CreateTopic(t, topicB, 1, nil)
	k.CreateTopic(t, topicA+"-routed", 1, nil)
	// i%4: 0 → topicA with keep (routed, untagged); 1 → topicA without
	// keep (dropped); 2 → topicB with keep (tagged, stays); 3 → topicB
	// without keep (dropped).
	src := &rowSource{n: n, topic: topicA, topic2: topicB}
	var extra []plugins.Plugin
	extra = append(extra, plugins.Plugin{Class: "test.RowSource", Kind: plugins.KindSource,
		NewSource: func() connect.SourceConnector { return src }})
	extra = append(extra, plugins.Default.List(plugins.KindTransformation, plugins.KindPredicate)...)
	reg := testRegistry(extra...)
	mem := storage.NewMemoryOffsetStore()
	w := newTestWorker(t, testWorkerConfig(t, k, nil), mem, reg)
	rec := newRecorder()
	props := map[string]string{
		connect.KeyName: "chain", connect.KeyConnectorClass: "test.RowSource",
		"transforms":                        "dropUnmarked,tag,route",
		"transforms.dropUnmarked.type":      "Filter",
		"transforms.dropUnmarked.predicate": "hasKeep",
		"transforms.dropUnmarked.negate":    "true",
		"transforms.tag.type":               "InsertHeader",
		"transforms.tag.header":             "via",
		"transforms.tag.value.literal":      "chain",
		"transforms.tag.predicate":          "onA",
		"transforms.tag.negate":             "true",
		"transforms.route.type":             "org.apache.kafka.connect.transforms.RegexRouter",
		"transforms.route.regex":            "(.*)",
		"transforms.route.replacement":      "$1-routed",
		"transforms.route.predicate":        "onA",
		"predicates":                        "hasKeep,onA",
		"predicates.hasKeep.type":           "HasHeaderKey",
		"predicates.hasKeep.name":           "keep",
		"predicates.onA.type":               "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
		"predicates.onA.pattern":            topicA,
	}
	ids := startConnectorAndTasks(t, w, props, rec)
	k.WaitFor(t, topicA+"-routed", n/4, 30*time.Second)
	k.WaitFor(t, topicB, n/4, 30*time.Second)
	waitFor(t, 10*time.Second, func() bool { return src.committed.Load()+src.skipped.Load() == n })
	stopAll(t, w, "chain", ids)
	if got := len(k.ReadAll(t, topicA)); got != 0 {
		t.Errorf("%d records left on %s (route did not apply)", got, topicA)
	}
	routed, tagged := k.ReadAll(t, topicA+"-routed"), k.ReadAll(t, topicB)
	for _, m := range routed {
		h := headerMap(m)
		if h["keep"] != "yes" {
			t.Fatalf("record %s without keep header survived the filter", m.Key)
		}
		if _, ok := h["via"]; ok {
			t.Fatalf("record %s of topic A was tagged although the tag predicate is negated", m.Key)
		}
	}
	for _, m := range tagged {
		h := headerMap(m)
		if h["keep"] != "yes" || h["via"] != "chain" {
			t.Fatalf("record %s on topic B: headers %v, want keep=yes via=chain", m.Key, h)
		}
	}
	if len(routed) != n/4 || len(tagged) != n/4 || src.skipped.Load() != n/2 {
		t.Errorf("routed %d, tagged %d, skipped %d; want %d, %d, %d", len(routed), len(tagged), src.skipped.Load(), n/4, n/4, n/2)
	}
	entries, err := mem.List(t.Context(), "chain")
	mustNoErr(t, err, "offsets")
	if len(entries) != 1 || entries[0].Offset["n"] != int64(n-1) {
		t.Errorf("committed offsets %v, want n=%d (past the filtered last record)", entries, n-1)
	}
}

// waitFor polls cond every 10 ms until it holds or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %s", timeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
