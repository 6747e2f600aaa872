package tail

import (
	"bytes"
	"context"
	"flag"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/converters"
	"github.com/onecconnect/onecconnect/converters/avro"
	"github.com/onecconnect/onecconnect/converters/avro/registrytest"
	"github.com/onecconnect/onecconnect/converters/jsonconv"
	"github.com/onecconnect/onecconnect/converters/stringconv"
	"github.com/onecconnect/onecconnect/internal/testkit"
	"github.com/onecconnect/onecconnect/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func TestMain(m *testing.M) { testkit.Main(m) }

// syncBuffer is a bytes.Buffer safe for the concurrent writes and reads a
// running tail and the test make.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor polls until cond holds or fails the test after timeout.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// tailRun is a tail started in the background.
type tailRun struct {
	stdout, stderr syncBuffer
	done           chan int
	cancel         context.CancelFunc
}

func startTail(t *testing.T, args ...string) *tailRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	tr := &tailRun{done: make(chan int, 1), cancel: cancel}
	go func() { tr.done <- run(ctx, args, func(string) string { return "" }, &tr.stdout, &tr.stderr) }()
	t.Cleanup(func() {
		cancel()
		<-tr.done
	})
	return tr
}

// wait returns the exit code, failing the test if tail does not end in time.
func (tr *tailRun) wait(t *testing.T) int {
	t.Helper()
	select {
	case code := <-tr.done:
		tr.done <- code // keep it for the cleanup
		return code
	case <-time.After(30 * time.Second):
		t.Fatalf("tail did not stop; stderr:\n%s", tr.stderr.String())
		return -1
	}
}

// runTail runs tail to completion.
func runTail(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	tr := startTail(t, args...)
	code = tr.wait(t)
	return code, tr.stdout.String(), tr.stderr.String()
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -update after checking):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// produceTime is the fixed timestamp of produced records.
var produceTime = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)

// message builds a record with the fixed timestamp; nil key or value stay
// null.
func message(topic string, key, value []byte, headers ...string) *sarama.ProducerMessage {
	m := &sarama.ProducerMessage{Topic: topic, Timestamp: produceTime}
	if key != nil {
		m.Key = sarama.ByteEncoder(key)
	}
	if value != nil {
		m.Value = sarama.ByteEncoder(value)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		m.Headers = append(m.Headers, sarama.RecordHeader{Key: []byte(headers[i]), Value: []byte(headers[i+1])})
	}
	return testkit.InPartition(0, m)
}

// orderSchema and order are a 1C-like document record.
var (
	lineSchema = schema.StructBuilder().Name("Строка").
			Field("Номенклатура", schema.String().MustBuild()).
			Field("Количество", schema.Decimal(3).MustBuild()).
			MustBuild()
	orderSchema = schema.StructBuilder().Name("onec.Документ.Заказ").
			Field("Ссылка", schema.String().MustBuild()).
			Field("Номер", schema.String().MustBuild()).
			Field("Дата", schema.Timestamp().MustBuild()).
			Field("Сумма", schema.Decimal(2).MustBuild()).
			Field("Проведен", schema.Bool().MustBuild()).
			Field("Комментарий", schema.String().Optional().MustBuild()).
			Field("Товары", schema.Array(lineSchema).MustBuild()).
			MustBuild()
)

func order(n int) *schema.Struct {
	return schema.NewStruct(orderSchema).
		MustPut("Ссылка", "9f1c2b7e-0d5a-11ef-8b4e-00155d012a01").
		MustPut("Номер", "ЗК-00000"+string(rune('0'+n))).
		MustPut("Дата", time.Date(2024, 4, 30, 12, 0, n, 0, time.UTC)).
		MustPut("Сумма", decimal.New(int64(1250*n), -1)).
		MustPut("Проведен", n%2 == 1).
		MustPut("Товары", []any{
			schema.NewStruct(lineSchema).MustPut("Номенклатура", "Чай").MustPut("Количество", decimal.RequireFromString("2")),
		})
}

func encode(t *testing.T, c converters.Converter, topic string, s *schema.Schema, v any) []byte {
	t.Helper()
	var h converters.Headers
	b, err := c.FromConnect(topic, &h, s, v)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	return b
}

// normalize replaces a unique topic name by its stable prefix.
func normalize(out, topic, stable string) string { return strings.ReplaceAll(out, topic, stable) }

func TestTailJSONEnvelope(t *testing.T) {
	k := testkit.Kafka(t)
	topic := testkit.UniqueTopic("orders-json")
	k.CreateTopic(t, topic, 1, nil)
	keyConv, valConv := jsonconv.New(), jsonconv.New()
	if err := keyConv.Configure(map[string]string{}, true); err != nil {
		t.Fatal(err)
	}
	if err := valConv.Configure(map[string]string{}, false); err != nil {
		t.Fatal(err)
	}
	strSchema := schema.String().MustBuild()
	k.Produce(t,
		message(topic, encode(t, keyConv, topic, strSchema, "ЗК-000001"), encode(t, valConv, topic, orderSchema, order(1)),
			"onec.source", "OneCQueueSource", "trace", "a1"),
		message(topic, encode(t, keyConv, topic, strSchema, "ЗК-000002"), encode(t, valConv, topic, orderSchema, order(2))),
		message(topic, encode(t, keyConv, topic, strSchema, "ЗК-000001"), nil, "op", "delete"),
		message(topic, []byte("not json"), []byte(`{"no":"envelope"}`)),
	)
	for _, tc := range []struct {
		golden string
		args   []string
	}{
		{"json_envelope.txt", nil},
		{"json_envelope.jsonl", []string{"--format", "json"}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			args := append([]string{topic, "--bootstrap-server", k.BootstrapString(), "--from-beginning", "--max-messages", "4"}, tc.args...)
			code, out, errOut := runTail(t, args...)
			if code != exitOK {
				t.Fatalf("exit %d, stderr:\n%s", code, errOut)
			}
			checkGolden(t, tc.golden, normalize(out, topic, "orders-json"))
		})
	}
}

func TestTailAvro(t *testing.T) {
	k := testkit.Kafka(t)
	reg := registrytest.New(registrytest.Options{})
	t.Cleanup(reg.Close)
	topic := testkit.UniqueTopic("orders-avro")
	k.CreateTopic(t, topic, 1, nil)
	keyConv, valConv := avro.New(), avro.New()
	if err := keyConv.Configure(map[string]string{"schema.registry.url": reg.URL}, true); err != nil {
		t.Fatal(err)
	}
	if err := valConv.Configure(map[string]string{"schema.registry.url": reg.URL}, false); err != nil {
		t.Fatal(err)
	}
	strSchema := schema.String().MustBuild()
	k.Produce(t,
		message(topic, encode(t, keyConv, topic, strSchema, "ЗК-000003"), encode(t, valConv, topic, orderSchema, order(3)), "onec.node", "ЦБ"),
		message(topic, encode(t, keyConv, topic, strSchema, "ЗК-000004"), encode(t, valConv, topic, orderSchema, order(4))),
	)
	code, out, errOut := runTail(t, "--converter", "avro", "--schema-registry", reg.URL, "--from-beginning", "--max-messages", "2",
		"--bootstrap-server", k.BootstrapString(), topic)
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	checkGolden(t, "avro.txt", normalize(out, topic, "orders-avro"))
}

func TestTailStringWithWorkerConfig(t *testing.T) {
	k := testkit.Kafka(t)
	topic := testkit.UniqueTopic("events")
	k.CreateTopic(t, topic, 2, nil)
	sc := stringconv.New()
	if err := sc.Configure(map[string]string{}, false); err != nil {
		t.Fatal(err)
	}
	bin := message(topic, []byte("k2"), encode(t, sc, topic, nil, "второе"))
	bin.Headers = append(bin.Headers, sarama.RecordHeader{Key: []byte("bin"), Value: []byte{0xff, 0x00}}, sarama.RecordHeader{Key: []byte("empty"), Value: nil})
	k.Produce(t,
		message(topic, []byte("k1"), []byte("первое сообщение"), "h", "1", "h", "2"),
		bin,
		message(topic, nil, []byte(`{"json":"as text"}`)),
		testkit.InPartition(1, &sarama.ProducerMessage{Topic: topic, Value: sarama.StringEncoder("partition one"), Timestamp: produceTime}),
	)
	// The worker's own file: bootstrap servers and String converters. An
	// unrelated worker key (log.level, a REST listener) must not disturb.
	wcFile := filepath.Join(t.TempDir(), "Обмен 1С", "worker.properties")
	if err := os.MkdirAll(filepath.Dir(wcFile), 0o755); err != nil {
		t.Fatal(err)
	}
	props := "bootstrap.servers=" + k.BootstrapString() + "\n" +
		"key.converter=org.apache.kafka.connect.storage.StringConverter\n" +
		"value.converter=org.apache.kafka.connect.storage.StringConverter\n" +
		"listeners=http://127.0.0.1:8083\nlog.level=INFO\n"
	if err := os.WriteFile(wcFile, []byte(props), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runTail(t, topic, "--worker-config", wcFile, "--partition", "0", "--from-beginning", "--timeout", "1s")
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	if !strings.Contains(errOut, "no record for 1s; 3 record(s) printed") {
		t.Errorf("stderr does not report the idle stop:\n%s", errOut)
	}
	checkGolden(t, "string.txt", normalize(out, topic, "events"))
}

func TestTailOnlyNewRecords(t *testing.T) {
	k := testkit.Kafka(t)
	topic := testkit.UniqueTopic("live")
	k.CreateTopic(t, topic, 3, nil)
	k.Produce(t, message(topic, []byte("old"), []byte("before tail started")))
	tr := startTail(t, topic, "--bootstrap-server", k.BootstrapString(), "--converter", "string", "--max-messages", "1")
	waitFor(t, 15*time.Second, "tail to subscribe", func() bool { return strings.Contains(tr.stderr.String(), "tail: reading") })
	if !strings.Contains(tr.stderr.String(), "(3 partition(s)) from the end") {
		t.Errorf("notice: %s", tr.stderr.String())
	}
	k.Produce(t, testkit.InPartition(2, &sarama.ProducerMessage{Topic: topic, Key: sarama.StringEncoder("new"),
		Value: sarama.StringEncoder("after"), Timestamp: produceTime}))
	if code := tr.wait(t); code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, tr.stderr.String())
	}
	want := topic + "/2@0  2024-05-01T10:00:00.000Z  key=\"new\"  headers={}\n\"after\"\n\n"
	if got := tr.stdout.String(); got != want {
		t.Errorf("stdout:\n%q\nwant\n%q", got, want)
	}
}

func TestTailCancelExitsZero(t *testing.T) {
	k := testkit.Kafka(t)
	topic := testkit.UniqueTopic("idle")
	k.CreateTopic(t, topic, 1, nil)
	tr := startTail(t, topic, "--bootstrap-server", k.BootstrapString())
	waitFor(t, 15*time.Second, "tail to subscribe", func() bool { return strings.Contains(tr.stderr.String(), "tail: reading") })
	tr.cancel() // what Ctrl-C or SIGTERM does through cmd/worker's context
	if code := tr.wait(t); code != exitOK {
		t.Fatalf("exit %d after cancel, stderr:\n%s", code, tr.stderr.String())
	}
	if !strings.Contains(tr.stderr.String(), "stopped; 0 record(s) printed") {
		t.Errorf("stderr:\n%s", tr.stderr.String())
	}
}

func TestTailUnreachableBrokerAndMissingTopic(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	k := testkit.Kafka(t)
	for _, tc := range []struct {
		name, bootstrap, topic, want string
	}{
		{"unreachable", closed, "t", "worker tail: connect to Kafka at " + closed},
		{"missing topic", k.BootstrapString(), "no-such-topic", "worker tail: topic no-such-topic does not exist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			code, out, errOut := runTail(t, tc.topic, "--bootstrap-server", tc.bootstrap)
			if code != exitUsage {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitUsage, errOut)
			}
			if lines := strings.Split(strings.TrimSpace(errOut), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], tc.want) {
				t.Errorf("stderr should be one line starting %q:\n%s", tc.want, errOut)
			}
			if out != "" {
				t.Errorf("stdout: %q", out)
			}
			if d := time.Since(start); d > 15*time.Second {
				t.Errorf("took %s to give up", d)
			}
		})
	}
	if _, err := k.Client(t).Partitions("no-such-topic"); err == nil {
		t.Error("tail created the topic it was asked to read")
	}
}
