package kafkastore

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/IBM/sarama"

	"github.com/onecconnect/onecconnect/connect"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// goldenRecord is one internal-topic record format pinned by a golden file
// "<name>.golden" holding "<key>\n<value>\n" (value "null" = tombstone).
type goldenRecord struct {
	name  string
	key   string
	value []byte
	// spec is the value as printed in docs kafka-connect.md §2, when that
	// page gives one with a fixed member order.
	spec string
}

func goldenRecords(t *testing.T) []goldenRecord {
	offKey, err := encodeOffsetKey("file-src", map[string]any{"filename": "/tmp/in.txt"})
	if err != nil {
		t.Fatal(err)
	}
	offVal, err := encodeOffsetValue(map[string]any{"position": int64(30)})
	if err != nil {
		t.Fatal(err)
	}
	offKey2, err := encodeOffsetKey("pg-src", map[string]any{"table": "public.t<1>", "db": "ä", "n": 1.0, "big": 1e21, "ok": true, "nil": nil})
	if err != nil {
		t.Fatal(err)
	}
	offVal2, err := encodeOffsetValue(map[string]any{"lsn": int64(1) << 40, "ratio": 0.25, "txt": "a\"b\\c\n\x01\u2028"})
	if err != nil {
		t.Fatal(err)
	}
	return []goldenRecord{
		{name: "config_connector", key: ConnectorKey("orders-sink"),
			value: encodePropertiesValue(map[string]string{"connector.class": "FileStreamSink", "tasks.max": "2", "topics": "orders", "name": "orders-sink"})},
		{name: "config_task", key: TaskKey(connect.TaskID{Connector: "orders-sink", Task: 0}),
			value: encodePropertiesValue(map[string]string{"connector.class": "FileStreamSink", "topics": "orders", "task.class": "org.apache.kafka.connect.file.FileStreamSinkTask"})},
		{name: "config_commit", key: CommitKey("orders-sink"), value: encodeCommitValue(2), spec: `{"tasks":2}`},
		{name: "config_target_started", key: TargetStateKey("orders-sink"), value: encodeTargetStateValue(connect.TargetStarted),
			spec: `{"state":"STARTED","state.v2":"STARTED"}`},
		{name: "config_target_paused", key: TargetStateKey("orders-sink"), value: encodeTargetStateValue(connect.TargetPaused),
			spec: `{"state":"PAUSED","state.v2":"PAUSED"}`},
		{name: "config_target_stopped", key: TargetStateKey("orders-sink"), value: encodeTargetStateValue(connect.TargetStopped),
			spec: `{"state":"PAUSED","state.v2":"STOPPED"}`},
		{name: "config_restart", key: RestartKey("orders-sink"), value: encodeRestartValue(true, true),
			spec: `{"include-tasks":true,"only-failed":true}`},
		{name: "config_task_count", key: TaskCountKey("orders-sink"), value: encodeTaskCountValue(3), spec: `{"task-count":3}`},
		{name: "config_session_key", key: SessionKeyRecordKey,
			value: encodeSessionKeyValue(SessionKey{Key: []byte{0xab, 0xcd, 0xef, 0x01, 0x02}, Algorithm: "HmacSHA256", CreationTimestamp: 1730000000000}),
			spec:  `{"key":"q83vAQI=","algorithm":"HmacSHA256","creation-timestamp":1730000000000}`},
		{name: "config_logger", key: LoggerLevelKey("org.apache.kafka"), value: encodeLoggerLevelValue("DEBUG"), spec: `{"level":"DEBUG"}`},
		{name: "status_connector", key: ConnectorStatusKey("orders-sink"), value: encodeStatusValue("RUNNING", "", "10.0.0.5:8083", 3),
			spec: `{"state":"RUNNING","trace":null,"worker_id":"10.0.0.5:8083","generation":3}`},
		{name: "status_task_failed", key: TaskStatusKey(connect.TaskID{Connector: "orders-sink", Task: 1}),
			value: encodeStatusValue("FAILED", "java.lang.RuntimeException: boom\n\tat X.y(X.java:1)\n", "127.0.0.1:8083", 7)},
		{name: "status_topic", key: TopicStatusKey("orders", "orders-sink"),
			value: encodeTopicStatusValue(TopicStatus{Topic: "orders", Connector: "orders-sink", Task: 0, DiscoverTimestamp: 1730000000123}),
			spec:  `{"topic":{"name":"orders","connector":"orders-sink","task":0,"discoverTimestamp":1730000000123}}`},
		{name: "offset_file", key: string(offKey), value: offVal, spec: `{"position":30}`},
		{name: "offset_types", key: string(offKey2), value: offVal2},
		{name: "config_connector_tombstone", key: ConnectorKey("orders-sink")},
	}
}

// TestGoldenFormats pins every key and value format byte for byte.
func TestGoldenFormats(t *testing.T) {
	for _, g := range goldenRecords(t) {
		t.Run(g.name, func(t *testing.T) {
			val := "null"
			if g.value != nil {
				val = string(g.value)
			}
			got := []byte(g.key + "\n" + val + "\n")
			path := filepath.Join("testdata", g.name+".golden")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden (run with -update to create): %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("bytes differ from %s\n got: %q\nwant: %q", path, got, want)
			}
			if g.spec != "" && val != g.spec {
				t.Errorf("value differs from the spec example\n got: %s\nspec: %s", val, g.spec)
			}
		})
	}
}

// TestSpecOffsetKey checks the offsets key example of §2.4.
func TestSpecOffsetKey(t *testing.T) {
	k, err := encodeOffsetKey("file-src", map[string]any{"filename": "/tmp/in.txt"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `["file-src",{"filename":"/tmp/in.txt"}]`; string(k) != want {
		t.Errorf("got %s, want %s", k, want)
	}
}

func TestJacksonString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", `"plain"`},
		{`q"b\`, `"q\"b\\"`},
		{"\b\t\n\f\r", `"\b\t\n\f\r"`},
		{"\x00\x1f", `"\u0000\u001F"`},
		{"</script>&", `"</script>&"`},
		{"ä€\u2028", "\"ä€\u2028\""},
		{"bad\xff", "\"bad\uFFFD\""},
	}
	for _, tt := range tests {
		if got := string(appendJacksonString(nil, tt.in)); got != tt.want {
			t.Errorf("appendJacksonString(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestSplitTaskKey(t *testing.T) {
	tests := []struct {
		key  string
		skip int
		want connect.TaskID
		ok   bool
	}{
		{"task-orders-sink-3", 1, connect.TaskID{Connector: "orders-sink", Task: 3}, true},
		{"task-a-0", 1, connect.TaskID{Connector: "a", Task: 0}, true},
		{"task--0", 1, connect.TaskID{Connector: "", Task: 0}, true},
		{"task-a-", 1, connect.TaskID{}, false},
		{"task-a", 1, connect.TaskID{}, false},
		{"task-a-x", 1, connect.TaskID{}, false},
		{"status-task-my-conn-12", 2, connect.TaskID{Connector: "my-conn", Task: 12}, true},
		{"status-task-c", 2, connect.TaskID{}, false},
	}
	for _, tt := range tests {
		got, ok := splitTaskKey(tt.key, tt.skip)
		if ok != tt.ok || got != tt.want {
			t.Errorf("splitTaskKey(%q) = %v, %v; want %v, %v", tt.key, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseTopicStatusKey(t *testing.T) {
	tests := []struct {
		key, topic, connector string
		ok                    bool
	}{
		{"status-topic-orders:connector-orders-sink", "orders", "orders-sink", true},
		{"status-topic-:connector-c", "", "", false},
		{"status-topic-orders", "", "", false},
		{"status-topic-orders:connector-", "", "", false},
	}
	for _, tt := range tests {
		topic, c, ok := parseTopicStatusKey(tt.key)
		if ok != tt.ok || topic != tt.topic || c != tt.connector {
			t.Errorf("parseTopicStatusKey(%q) = %q, %q, %v", tt.key, topic, c, ok)
		}
	}
}

// TestDecodeRoundTrip decodes what the encoders write.
func TestDecodeRoundTrip(t *testing.T) {
	props := map[string]string{"a": "1", "b": "x\"y"}
	got, err := decodeProperties(encodePropertiesValue(props))
	if err != nil || len(got) != 2 || got["b"] != "x\"y" {
		t.Errorf("properties: %v, %v", got, err)
	}
	for _, st := range []connect.TargetState{connect.TargetStarted, connect.TargetPaused, connect.TargetStopped} {
		if got, err := decodeTargetState(encodeTargetStateValue(st)); err != nil || got != st {
			t.Errorf("target state %s: %v, %v", st, got, err)
		}
	}
	// A record from an old worker has only "state".
	if got, err := decodeTargetState([]byte(`{"state":"PAUSED"}`)); err != nil || got != connect.TargetPaused {
		t.Errorf("v1 target state: %v, %v", got, err)
	}
	k := SessionKey{Key: []byte("0123456789abcdef"), Algorithm: "HmacSHA256", CreationTimestamp: 42}
	if got, err := decodeSessionKey(encodeSessionKeyValue(k)); err != nil || string(got.Key) != string(k.Key) || got.CreationTimestamp != 42 {
		t.Errorf("session key: %+v, %v", got, err)
	}
	f, err := decodeStatus(encodeStatusValue("FAILED", "trace", "w:1", -1))
	if err != nil || f.state != "FAILED" || f.trace != "trace" || f.workerID != "w:1" || f.generation != -1 {
		t.Errorf("status: %+v, %v", f, err)
	}
	r, err := decodeRestart("c", encodeRestartValue(true, false))
	if err != nil || !r.IncludeTasks || r.OnlyFailed {
		t.Errorf("restart: %+v, %v", r, err)
	}
	ts := TopicStatus{Topic: "t", Connector: "c", Task: 2, DiscoverTimestamp: 9}
	if got, err := decodeTopicStatus(encodeTopicStatusValue(ts)); err != nil || got != ts {
		t.Errorf("topic status: %+v, %v", got, err)
	}
}

// TestDecodeMalformed feeds another writer's garbage to every decoder: an
// error wrapping ErrFormat, never a panic.
func TestDecodeMalformed(t *testing.T) {
	common := []string{``, `x`, `null`, `[]`, `"s"`, `1`, `{"a":1} {"b":2}`, `{"a":`}
	decoders := []struct {
		name string
		dec  func([]byte) error
		bad  []string
	}{
		{"properties", func(b []byte) error { _, err := decodeProperties(b); return err },
			[]string{`{}`, `{"properties":1}`, `{"properties":{"a":1}}`, `{"properties":["a"]}`}},
		{"target", func(b []byte) error { _, err := decodeTargetState(b); return err },
			[]string{`{}`, `{"state":1}`, `{"state":"NOPE"}`, `{"state.v2":"RUNNING","state":"PAUSED"}`}},
		{"session", func(b []byte) error { _, err := decodeSessionKey(b); return err },
			[]string{`{}`, `{"key":"!!","algorithm":"a","creation-timestamp":1}`,
				`{"key":"AA==","algorithm":"a","creation-timestamp":1.5}`, `{"key":"AA==","creation-timestamp":1}`}},
		{"status", func(b []byte) error { _, err := decodeStatus(b); return err },
			[]string{`{}`, `{"state":1}`, `{"state":"RUNNING","generation":"1"}`,
				`{"state":"RUNNING","worker_id":"w","generation":99999999999}`, `{"state":"RUNNING","trace":1,"generation":1}`}},
		{"topic status", func(b []byte) error { _, err := decodeTopicStatus(b); return err },
			[]string{`{}`, `{"topic":[]}`, `{"topic":{"name":"t"}}`, `{"topic":{"name":"t","connector":"c","task":"0","discoverTimestamp":1}}`}},
	}
	for _, d := range decoders {
		for _, in := range append(append([]string(nil), common...), d.bad...) {
			err := d.dec([]byte(in))
			if err == nil {
				t.Errorf("%s(%q): want an error", d.name, in)
			} else if !errors.Is(err, ErrFormat) {
				t.Errorf("%s(%q): error %v does not wrap ErrFormat", d.name, in, err)
			}
		}
	}
}

// kafkaMurmur2 is an independent port of Kafka's Utils.murmur2 (seed
// 0x9747b28c, little-endian 4-byte blocks), to cross-check sarama's.
func kafkaMurmur2(data []byte) int32 {
	const (
		seed uint32 = 0x9747b28c
		m    uint32 = 0x5bd1e995
		r           = 24
	)
	n := len(data)
	h := seed ^ uint32(n)
	for i := 0; i+4 <= n; i += 4 {
		k := binary.LittleEndian.Uint32(data[i:])
		k *= m
		k ^= k >> r
		k *= m
		h *= m
		h ^= k
	}
	tail := data[n&^3:]
	switch len(tail) {
	case 3:
		h ^= uint32(tail[2]) << 16
		fallthrough
	case 2:
		h ^= uint32(tail[1]) << 8
		fallthrough
	case 1:
		h ^= uint32(tail[0])
		h *= m
	}
	h ^= h >> 13
	h *= m
	h ^= h >> 15
	return int32(h)
}

// javaPartition is Kafka's default partitioner for keyed records.
func javaPartition(key []byte, n int32) int32 {
	return (kafkaMurmur2(key) & 0x7fffffff) % n
}

func TestMurmur2(t *testing.T) {
	// Kafka's own vectors (clients UtilsTest.testMurmur2).
	vectors := map[string]int32{
		"21":                         -973932308,
		"foobar":                     -790332482,
		"a-little-bit-long-string":   -985981536,
		"a-little-bit-longer-string": -1486304829,
		"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8": -58897971,
		"abc": 479470107,
	}
	for in, want := range vectors {
		if got := kafkaMurmur2([]byte(in)); got != want {
			t.Errorf("murmur2(%q) = %d, want %d", in, got, want)
		}
	}
	// Partitions of internal-topic keys: the independent port, sarama's
	// partitioner, and numbers pinned once so a change shows.
	tests := []struct {
		key        string
		partitions int32
		want       int32
	}{
		{"status-connector-orders-sink", 5, -1},
		{"status-task-orders-sink-0", 5, -1},
		{"status-task-orders-sink-1", 5, -1},
		{`["file-src",{"filename":"/tmp/in.txt"}]`, 25, -1},
		{`["pg-src",{"table":"public.orders"}]`, 25, -1},
		{"connector-orders-sink", 1, 0},
	}
	pinned := map[string]int32{}
	raw, err := os.ReadFile(filepath.Join("testdata", "murmur2_partitions.golden"))
	if err != nil && !*update {
		t.Fatalf("read pinned partitions (run with -update to create): %v", err)
	}
	if err == nil {
		for _, line := range bytes.Split(bytes.TrimSpace(raw), []byte("\n")) {
			i := bytes.LastIndexByte(line, ' ')
			if i < 0 {
				continue
			}
			var p int32
			for _, c := range line[i+1:] {
				p = p*10 + int32(c-'0')
			}
			pinned[string(line[:i])] = p
		}
	}
	var out bytes.Buffer
	for _, tt := range tests {
		want := javaPartition([]byte(tt.key), tt.partitions)
		got, err := sarama.NewMurmur2Partitioner("t").Partition(&sarama.ProducerMessage{Key: sarama.StringEncoder(tt.key)}, tt.partitions)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s over %d: sarama %d, Kafka murmur2 %d", tt.key, tt.partitions, got, want)
		}
		if tt.want >= 0 && got != tt.want {
			t.Errorf("%s over %d: %d, want %d", tt.key, tt.partitions, got, tt.want)
		}
		id := tt.key + "/" + itoa(tt.partitions)
		if p, ok := pinned[id]; ok && p != got && !*update {
			t.Errorf("%s: partition %d, pinned %d", id, got, p)
		}
		out.WriteString(id + " " + itoa(got) + "\n")
	}
	if *update {
		if werr := os.WriteFile(filepath.Join("testdata", "murmur2_partitions.golden"), out.Bytes(), 0o644); werr != nil {
			t.Fatal(werr)
		}
	}
}

func itoa(n int32) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
