package runtime

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"sync"
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

// rawStringConverter is a test converter: strings ⇄ UTF-8 bytes, nothing else.
type rawStringConverter struct{}

func (rawStringConverter) Configure(map[string]string, bool) error { return nil }
func (rawStringConverter) FromConnect(topic string, h *converters.Headers, s *schema.Schema, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		return []byte(x), nil
	}
	return nil, converters.Errorf(topic, nil, "not a string: %T", v)
}
func (rawStringConverter) ToConnect(topic string, h converters.Headers, b []byte) (*schema.Schema, any, error) {
	if b == nil {
		return nil, nil, nil
	}
	return nil, string(b), nil
}
func (rawStringConverter) FromConnectHeader(topic, key string, s *schema.Schema, v any) ([]byte, error) {
	return rawStringConverter{}.FromConnect(topic, nil, s, v)
}
func (rawStringConverter) ToConnectHeader(topic, key string, b []byte) (*schema.Schema, any, error) {
	return rawStringConverter{}.ToConnect(topic, nil, b)
}
func (rawStringConverter) ConfigureHeader(map[string]string) error { return nil }

type rawHeaderConverter struct{ rawStringConverter }

func (rawHeaderConverter) Configure(map[string]string) error { return nil }

func testRegistry(extra ...plugins.Plugin) *plugins.Registry {
	r := plugins.New()
	plugins.RegisterBuiltins(r)
	r.RegisterConverter(converters.Plugin{Class: "test.RawString", Aliases: []string{"RawString"}, Version: "1",
		Config:    config.NewConfigDef,
		New:       func() converters.Converter { return rawStringConverter{} },
		NewHeader: func() converters.HeaderConverter { return rawHeaderConverter{} }})
	for _, p := range extra {
		r.Register(p)
	}
	return r
}

func testWorkerConfig(t testing.TB, k *testkit.KafkaCluster, extra map[string]string) *WorkerConfig {
	t.Helper()
	props := map[string]string{
		KeyBootstrapServers:     k.BootstrapString(),
		KeyKeyConverter:         "RawString",
		KeyValueConverter:       "RawString",
		KeyHeaderConverter:      "RawString",
		KeyOffsetFlushInterval:  "200",
		KeyOffsetFlushTimeout:   "5000",
		KeyTaskShutdownTimeout:  "3000",
		KeyKafkaProtocolVersion: testkit.SaramaVersion().String(),
		"producer.linger.ms":    "5",
	}
	for k, v := range extra {
		props[k] = v
	}
	wc, err := ParseWorkerConfig(props)
	if err != nil {
		t.Fatalf("worker config: %v", err)
	}
	return wc
}

func newTestWorker(t testing.TB, wc *WorkerConfig, offsets storage.OffsetStore, reg *plugins.Registry) *Worker {
	t.Helper()
	level := slog.LevelWarn
	if os.Getenv("RUNTIME_TEST_LOG") != "" {
		level = slog.LevelDebug
	}
	w, err := NewWorker(wc, Options{WorkerID: "test-worker", Offsets: offsets, Plugins: reg,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// statusRecorder records status events for connectors and tasks.
type statusRecorder struct {
	mu     sync.Mutex
	events []string
	traces map[string]string
}

func newRecorder() *statusRecorder { return &statusRecorder{traces: map[string]string{}} }

func (r *statusRecorder) add(id, ev string) {
	r.mu.Lock()
	r.events = append(r.events, id+":"+ev)
	r.mu.Unlock()
}
func (r *statusRecorder) OnStartup(id connect.TaskID) { r.add(id.String(), "RUNNING") }
func (r *statusRecorder) OnPause(id connect.TaskID)   { r.add(id.String(), "PAUSED") }
func (r *statusRecorder) OnResume(id connect.TaskID)  { r.add(id.String(), "RUNNING") }
func (r *statusRecorder) OnFailure(id connect.TaskID, err error, trace string) {
	r.mu.Lock()
	r.traces[id.String()] = trace
	r.mu.Unlock()
	r.add(id.String(), "FAILED")
}
func (r *statusRecorder) OnShutdown(id connect.TaskID) { r.add(id.String(), "UNASSIGNED") }

// last returns the latest state of id.
func (r *statusRecorder) last(id string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.events) - 1; i >= 0; i-- {
		if s, ok := strings.CutPrefix(r.events[i], id+":"); ok {
			return s
		}
	}
	return ""
}

func (r *statusRecorder) trace(id string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.traces[id]
}

// waitState waits until id reaches state.
func (r *statusRecorder) waitState(t testing.TB, id, state string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if r.last(id) == state {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s: state %q, want %q (events %v)", id, r.last(id), state, r.events)
}

// startConnectorAndTasks starts a connector and all its tasks.
func startConnectorAndTasks(t testing.TB, w *Worker, props map[string]string, rec *statusRecorder) []connect.TaskID {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	name := props[connect.KeyName]
	if err := w.StartConnector(ctx, name, props, ConnectorHooks{}, nil, TargetStarted); err != nil {
		t.Fatalf("start connector: %v", err)
	}
	cfgs, err := w.ConnectorTaskConfigs(name, 1)
	if err != nil {
		t.Fatalf("task configs: %v", err)
	}
	var ids []connect.TaskID
	for i, tc := range cfgs {
		id := connect.TaskID{Connector: name, Task: i}
		if err := w.StartTask(ctx, id, props, tc, rec, TargetStarted); err != nil {
			t.Fatalf("start task %s: %v", id, err)
		}
		ids = append(ids, id)
	}
	return ids
}

func stopAll(t testing.TB, w *Worker, name string, ids []connect.TaskID) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	w.StopAndAwaitTasks(ctx, ids)
	if err := w.StopAndAwaitConnector(ctx, name); err != nil {
		t.Errorf("stop connector %s: %v", name, err)
	}
}

func mustNoErr(t testing.TB, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}
