package runtime

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/converters"
	"github.com/onecconnect/onecconnect/converters/jsonconv"
	"github.com/onecconnect/onecconnect/schema"
)

func TestBackoff(t *testing.T) {
	lo := func(n int64) int64 { return 0 }
	hi := func(n int64) int64 { return n - 1 }
	ms := time.Millisecond
	tests := []struct {
		name     string
		max      time.Duration
		attempt  int
		left     time.Duration
		rnd      func(int64) int64
		min, top time.Duration
	}{
		{"first retry, low jitter", 60 * time.Second, 1, -1, lo, 150 * ms, 150 * ms},
		{"first retry, high jitter", 60 * time.Second, 1, -1, hi, 300 * ms, 300 * ms},
		{"doubles", 60 * time.Second, 4, -1, hi, 2400 * ms, 2400 * ms},
		{"capped at max", time.Second, 10, -1, hi, time.Second, time.Second},
		{"capped, low jitter", time.Second, 10, -1, lo, 500 * ms, 500 * ms},
		{"max below the minimum", 10 * ms, 1, -1, hi, 10 * ms, 10 * ms},
		{"never past the deadline", 60 * time.Second, 5, 70 * ms, hi, 70 * ms, 70 * ms},
		{"huge attempt does not overflow", 60 * time.Second, 200, -1, hi, 60 * time.Second, 60 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := errorPolicy{retryMaxDelay: tc.max}
			got := p.backoff(tc.attempt, tc.left, tc.rnd)
			if got < tc.min || got > tc.top {
				t.Fatalf("backoff = %v, want in [%v, %v]", got, tc.min, tc.top)
			}
		})
	}
}

type kindError struct{}

func (kindError) Error() string { return "kind" }

type registryOutage struct{}

func (registryOutage) Error() string   { return "registry 503" }
func (registryOutage) Retriable() bool { return true }

func TestExceptionClassAndRetriable(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		class     string
		retriable bool
	}{
		{"data error", converters.Errorf("t", nil, "bad"), javaDataException, false},
		{"wrapped data error", fmt.Errorf("value: %w", converters.Errorf("t", nil, "bad")), javaDataException, false},
		{"retriable", connect.Retriablef("later"), javaRetriableException, true},
		{"retriable method", fmt.Errorf("x: %w", registryOutage{}), "github.com/onecconnect/onecconnect/connect/runtime.registryOutage", true},
		{"typed under wrapper", fmt.Errorf("ctx: %w", kindError{}), "github.com/onecconnect/onecconnect/connect/runtime.kindError", false},
		{"panic", &PanicError{Value: "boom"}, "github.com/onecconnect/onecconnect/connect/runtime.PanicError", false},
		{"plain", errors.New("x"), "errors.errorString", false},
		{"plain wrapped", fmt.Errorf("a: %w", errors.New("x")), "errors.errorString", false},
		{"sarama", sarama.ErrMessageSizeTooLarge, "github.com/IBM/sarama.KError", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ExceptionClass(tc.err); got != tc.class {
				t.Errorf("ExceptionClass = %q, want %q", got, tc.class)
			}
			if got := isRetriable(tc.err); got != tc.retriable {
				t.Errorf("isRetriable = %v, want %v", got, tc.retriable)
			}
		})
	}
}

func TestTolerates(t *testing.T) {
	dataErr := converters.Errorf("t", nil, "bad")
	src := &connect.SourceRecord{}
	tests := []struct {
		name             string
		policy           errorPolicy
		f                failure
		tolerated, stric bool
	}{
		{"none never tolerates", errorPolicy{}, failure{stage: StageValueConverter, err: dataErr}, false, false},
		{"all: converter", errorPolicy{tolerateAll: true}, failure{stage: StageValueConverter, err: dataErr}, true, false},
		{"all: transformation", errorPolicy{tolerateAll: true}, failure{stage: StageTransformation, err: errors.New("x")}, true, false},
		{"all: produce", errorPolicy{tolerateAll: true}, failure{stage: StageKafkaProduce, err: errors.New("x")}, true, false},
		{"all: put, not retriable", errorPolicy{tolerateAll: true}, failure{stage: StageTaskPut, err: errors.New("x")}, false, false},
		{"all: put, retriable", errorPolicy{tolerateAll: true}, failure{stage: StageTaskPut, err: connect.Retriablef("x")}, true, false},
		{"all: poll, not retriable", errorPolicy{tolerateAll: true}, failure{stage: StageTaskPoll, err: errors.New("x")}, false, false},
		{"all: errant report", errorPolicy{tolerateAll: true}, failure{stage: StageTaskPut, err: errors.New("x"), reported: true}, true, false},
		{"all: strict source", errorPolicy{tolerateAll: true, strictOrder: true}, failure{stage: StageValueConverter, err: dataErr, source: src}, false, true},
		{"none: strict irrelevant", errorPolicy{strictOrder: true}, failure{stage: StageValueConverter, err: dataErr, source: src}, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := &errorHandler{policy: tc.policy}
			tol, strict := h.tolerates(&tc.f)
			if tol != tc.tolerated || strict != tc.stric {
				t.Fatalf("tolerates = %v, %v; want %v, %v", tol, strict, tc.tolerated, tc.stric)
			}
		})
	}
}

func TestRedactor(t *testing.T) {
	def := config.NewConfigDef().
		Define(config.Key{Name: "database.password", Type: config.TypePassword}).
		Define(config.Key{Name: "database.user", Type: config.TypeString})
	r := newRedactor([]*config.ConfigDef{def, nil}, []map[string]string{
		{"database.password": "Pa55-word", "database.user": "admin"},
		{"producer.override.sasl.jaas.config": `org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="jaas-secret";`,
			"api.token": "ab", "other": "visible-value"},
	})
	tests := []struct{ in, want string }{
		{"login admin/Pa55-word failed", "login admin/[hidden] failed"},
		{"sasl: bad password jaas-secret", "sasl: bad password [hidden]"},
		{"short secrets stay: ab", "short secrets stay: ab"},
		{"visible-value", "visible-value"},
	}
	for _, tc := range tests {
		if got := r.apply(tc.in); got != tc.want {
			t.Errorf("apply(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestLogFailure: errors.log.enable logs the coordinates, the record only
// with errors.log.include.messages, and never a password value.
func TestLogFailure(t *testing.T) {
	def := config.NewConfigDef().Define(config.Key{Name: "database.password", Type: config.TypePassword})
	red := newRedactor([]*config.ConfigDef{def}, []map[string]string{{"database.password": "s3cr3t-pw"}})
	m := &sarama.ConsumerMessage{Topic: "orders", Partition: 2, Offset: 41, Key: []byte("k1"), Value: []byte("{broken")}
	err := fmt.Errorf("connect to db with password s3cr3t-pw: %w", converters.Errorf("orders", nil, "bad json"))
	tests := []struct {
		name       string
		policy     errorPolicy
		want, not  []string
		tolerated  bool
		wantSilent bool
	}{
		{"log enabled", errorPolicy{logEnable: true}, []string{"level=ERROR", "stage=VALUE_CONVERTER", "topic=orders", "partition=2", "offset=41",
			"[hidden]", javaDataException}, []string{"s3cr3t-pw", "{broken"}, false, false},
		{"with messages", errorPolicy{logEnable: true, logMessages: true}, []string{`value={broken`, "key=k1"}, []string{"s3cr3t-pw"}, false, false},
		{"log disabled", errorPolicy{}, nil, nil, true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			h := &errorHandler{id: connect.TaskID{Connector: "c", Task: 0}, policy: tc.policy, redact: red,
				log: slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))}
			h.logFailure(&failure{stage: StageValueConverter, class: "JsonConverter", err: err, consumed: m}, tc.tolerated)
			out := buf.String()
			if tc.wantSilent && out != "" {
				t.Fatalf("logged without errors.log.enable: %s", out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("log lacks %q: %s", w, out)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(out, w) {
					t.Errorf("log contains %q: %s", w, out)
				}
			}
		})
	}
}

// TestSourceDLQRecord: the dead-letter record of a source record uses what
// conversion produced, else the converter on the original record, else
// schemaless JSON, else text; context headers carry the source coordinates.
func TestSourceDLQRecord(t *testing.T) {
	js := jsonconv.New()
	mustNoErr(t, js.Configure(map[string]string{"schemas.enable": "true"}, false), "configure")
	fb := jsonconv.New()
	mustNoErr(t, fb.Configure(map[string]string{"schemas.enable": "false"}, false), "configure")
	h := &errorHandler{id: connect.TaskID{Connector: "src", Task: 3},
		conv: &converterSet{key: rawStringConverter{}, value: js, header: rawHeaderConverter{}}}
	d := &dlqReporter{topic: "dlq", headers: true, fallback: fb}
	int64s := schema.Int64().MustBuild()
	rec := func(v any, s *schema.Schema) *connect.SourceRecord {
		r := &connect.SourceRecord{Record: connect.Record{Topic: "t", Key: "k", ValueSchema: s, Value: v, Partition: connect.PartitionOf(4)},
			SourcePartition: map[string]any{"table": "_Document42"}, SourceOffset: map[string]any{"lsn": int64(77)}}
		r.Headers.AddString("h", "v")
		return r
	}
	tests := []struct {
		name      string
		f         failure
		wantValue string
		wantKey   string
		partition string
	}{
		{"transformation: converter on the original", failure{stage: StageTransformation, source: rec(int64(5), int64s)},
			`{"schema":{"type":"int64","optional":false},"payload":5}`, "k", "4"},
		{"converter failed: schemaless JSON fallback", failure{stage: StageValueConverter, source: rec("five", int64s)}, `"five"`, "k", "4"},
		{"nothing serialises: text", failure{stage: StageValueConverter, source: rec(make(chan int), nil)}, "0x", "k", "4"},
		{"produce: converted bytes reused", failure{stage: StageKafkaProduce, source: rec("x", nil),
			encoded: encodedParts{key: []byte("K"), value: []byte("V"), haveKey: true, haveValue: true, kafkaPartition: 9, haveKafkaPartition: true}},
			"V", "K", "9"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.f.err, tc.f.class = converters.Errorf("t", nil, "bad"), "C"
			msg := d.record(h, &tc.f)
			v, _ := msg.Value.Encode()
			k, _ := msg.Key.Encode()
			if !strings.HasPrefix(string(v), tc.wantValue) || string(k) != tc.wantKey {
				t.Fatalf("key/value %q/%q, want %q/%q…", k, v, tc.wantKey, tc.wantValue)
			}
			hs := map[string]string{}
			for _, x := range msg.Headers {
				hs[string(x.Key)] = string(x.Value)
			}
			want := map[string]string{HeaderErrorsTopic: "t", HeaderErrorsPartition: tc.partition, HeaderErrorsOffset: "-1",
				HeaderErrorsConnector: "src", HeaderErrorsTaskID: "3", HeaderErrorsStage: string(tc.f.stage), HeaderErrorsClass: "C",
				HeaderErrorsExceptionClass: javaDataException, HeaderErrorsSourcePartition: `{"table":"_Document42"}`,
				HeaderErrorsSourceOffset: `{"lsn":77}`}
			if !tc.f.encoded.haveHeaders {
				want["h"] = "v"
			}
			for hk, hv := range want {
				if hs[hk] != hv {
					t.Errorf("header %s = %q, want %q", hk, hs[hk], hv)
				}
			}
		})
	}
}
